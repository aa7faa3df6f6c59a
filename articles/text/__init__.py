"""The text core: pure Python, no Django and nothing else of ours.

Canonical text and its paragraphs (canonical), cleaning imported text of site chrome, trailers
and damaged characters (cleaning), news agencies' credits (wire), words and sentences as
compared and read (words), anchoring passages (anchoring), spans and highlight segments
(segments), word alignments between two articles (alignment) and the passages shared between
articles (passages), quotes (quotes) and who said them (speakers), numeric facts (facts),
near-duplicate articles (near_duplicates), articles grouped into stories (grouping), and a
story's whole comparison record (comparison).
"""
