"""Comments on the draft, section by section, collected for the drafting committee.

What a comment may say (text.py), when comments are taken (policy.py), where a comment stands and the
deep links to a section (places.py), the committee's counts (stats.py) and workbook (export.py), and
the comment book over the store (book.py). No Telegram imports: the conversation lives in
bot/handlers/comments.py, the screens in bot/render/comments.py, the SQL in bot/store/comments_repo.py.
"""
