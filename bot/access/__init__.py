"""Who may use the bot (BOT_ACCESS): the admitted ids held in memory, invite codes, lookup statistics.

Pure of Telegram: the gate (bot/handlers/gate.py) asks :class:`~bot.access.policy.Access`, which
answers from memory; SQLite (bot/store/access_repo.py) is the durable copy, loaded at start.
"""
