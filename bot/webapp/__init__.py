"""The reader: a Telegram Mini App that shows the whole report, served and guarded by the bot.

- :mod:`.auth`: the Mini App's signed initData, checked as Telegram specifies.
- :mod:`.text`: the report's paragraphs as runs of text, footnote markers and figures.
- :mod:`.views`: what the JSON API answers, from the pack in one language (no HTML).
- :mod:`.ui`: the page's own words, from the gettext catalogues.
- :mod:`.assets`: the shell, the page's files and the JSON, built once per pack under a cache key.
- :mod:`.server`: the aiohttp application (page, assets, ``/api/``), its guard and security headers.
- ``static/``: the page itself (HTML shell, CSS, JavaScript; nothing from another host).

Nothing happens at import time; bot/handlers/read.py starts the server in post_init.
"""
