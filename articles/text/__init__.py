"""The text core: pure Python, no Django and nothing else of ours.

Canonical text and its paragraphs (canonical), words and sentences as compared and read
(words), anchoring passages (anchoring), spans and highlight segments (segments), word
alignments between two articles (alignment) and the passages shared between articles
(passages), quotes and their speakers (quotes), numeric facts (facts), near-duplicate articles
(near_duplicates), and a story's whole comparison record (comparison).
"""
