"""Thin async handlers: read the update, ask content/storage, render (bot/render), send."""
