"""Briefs before meetings: what a brief on a field or topic holds, and the printable handouts.

Pure: built from the content pack (content/briefings.yaml says which figures and items a brief takes)
and, for topics no brief names, from the search index. No Telegram imports here.
"""
