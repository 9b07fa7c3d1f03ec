"""Meetings in groups: when they are, the briefs posted before each, pins, and who confirmed reading.

Driven by the database (bot/store/meetings_repo.py): jobs are re-derived from it at every start, so a
restart loses nothing. No Telegram imports beyond its error classes (bot/meetings/service.py).
"""
