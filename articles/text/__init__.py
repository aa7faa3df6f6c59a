"""The text core: pure Python, no Django and nothing else of ours.

Canonical text and its paragraphs (canonical), anchoring passages and highlight segments
(anchoring), passages shared between articles (passages), quotes and numeric facts
(statements), near-duplicate articles (near_duplicates).
"""
