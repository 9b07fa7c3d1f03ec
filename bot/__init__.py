"""Telegram bot briefing Party cadres on a draft provincial Political Report."""
