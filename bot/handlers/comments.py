"""Comments on the draft: the "✍️ Góp ý mục này" button, /comment (/gopy), the deep link from a group, and the
conversation that writes a comment (stance -> text -> đối tượng and unit once -> preview -> Send).

The conversation is a PTB ConversationHandler, persistent through bot/store/conversations.py (SQLite, no
pickle). Every comment button is an entry point (allow_reentry): a button works from the draft kept in
SQLite whatever the conversation's state, so a tap on an old preview after a restart or a timeout still
does the right thing. The state only decides where a typed message goes: into the draft (the text, the
unit) instead of a figure lookup. Each step writes the draft and the next state in one transaction
before answering (bot/comments/book.py); the timeout ends the conversation and keeps the draft.

Private chats only: in a group the button answers with a deep link that opens the private chat on that
section (``/start c_p1-I-1-1``, bot/comments/places.py).
"""

from __future__ import annotations

import warnings

from telegram import CallbackQuery, Message, Update
from telegram.constants import ChatType
from telegram.ext import (
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.comments import places
from bot.comments.book import CONVERSATION
from bot.config import Settings
from bot.content.folding import fold_chars
from bot.context import BotContext
from bot.handlers import comments_admin
from bot.handlers.comments_steps import (
    CLOCK,
    END,
    PREVIEW,
    TEXT,
    UNIT,
    UNIT_ONLY,
    State,
    action,
    audience,
    book,
    menu,
    mine,
    on_new_text,
    on_reply,
    on_text,
    on_timeout,
    on_unit,
    on_unit_only,
    open_section,
    replied_section,
    reply,
    show,
    stance,
    status,
    why_not,
)
from bot.render import callbacks as cb
from bot.render import comments as view
from bot.render.info import stale_button
from bot.render.text import esc
from bot.store.conversations import SQLitePersistence

#: Seconds a started comment waits for the next step; then the conversation ends and the draft stays.
TIMEOUT = 30 * 60
__all__ = ["CLOCK", "TIMEOUT", "comment_command", "conversation", "deep_link", "persistence"]

MINE_WORDS = frozenset({"mine", "my", "cuatoi", "toi", "cuaminh", "minh"})
#: /start c or /start c_<section> in a private chat (the payload is checked again by places.section_of).
DEEP_LINK = filters.ChatType.PRIVATE & filters.Regex(r"^/start(@\w+)?\s+c(_[A-Za-z0-9-]*)?\s*$")


# ---------------------------------------------------------------------------------------------
# Wiring (bot/app.py)


def persistence(settings: Settings) -> SQLitePersistence:
    """The application's persistence: conversation states in the bot's database (see module doc)."""
    return SQLitePersistence(settings.database_path, expire={CONVERSATION: TIMEOUT})


def conversation() -> ConversationHandler[BotContext]:
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE
    with warnings.catch_warnings():
        # PTB notes that with per_message=False a CallbackQueryHandler is tracked per user, not per
        # message: exactly what we want (a button works from the stored draft, whichever message).
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[CallbackQueryHandler(on_button, pattern=view.is_comment_data),
                          MessageHandler(private_text & filters.REPLY & _ReplyToPrompt(), on_reply)],
            states={
                TEXT: [MessageHandler(private_text, on_text)],
                PREVIEW: [MessageHandler(private_text, on_new_text)],
                UNIT: [MessageHandler(private_text, on_unit)],
                UNIT_ONLY: [MessageHandler(private_text, on_unit_only)],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)],
            },
            fallbacks=[],
            allow_reentry=True,
            name=CONVERSATION,
            persistent=True,
            conversation_timeout=TIMEOUT,
        )


class _ReplyToPrompt(filters.MessageFilter):
    """A reply to one of our comment messages (it carries a comment's Cancel button)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or not replied.from_user.is_bot:
            return False
        return replied_section(replied) is not None


# ---------------------------------------------------------------------------------------------
# Commands and the deep link (outside the conversation: they only show screens)


async def comment_command(update: Update, context: BotContext) -> None:
    """/comment (/gopy): the menu of parts; /comment mine: one's comments. In a group: the private chat."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    tr = context.tr
    if chat.type != ChatType.PRIVATE:
        await reply(message, view.private_only(tr, places.link(context.bot.username, None)))
        return
    word = "".join(fold_chars(" ".join(context.args or [])).split())
    if word in MINE_WORDS:
        await reply(message, mine(context, user.id, 0))
        return
    if word:
        await message.reply_text(view.usage(tr))
    await reply(message, menu(context, user.id, view.NONE, 0))


async def deep_link(update: Update, context: BotContext) -> None:
    """/start c (the menu) or /start c_<section> (that section): the button or link from a group."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    arg = (context.args or [""])[0]
    section = places.section_of(arg)
    if section is None or section not in context.pack.sections:
        if arg != places.DEEP_LINK:
            await message.reply_text(esc(view.section_gone(context.tr)))
        await reply(message, menu(context, user.id, view.NONE, 0))
        return
    await reply(message, open_section(context, user.id, section))


# ---------------------------------------------------------------------------------------------
# Buttons: every one is an entry point of the conversation and returns its next state


async def on_button(update: Update, context: BotContext) -> State:
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return None
    data = cb.decode(query.data, context.pack.fingerprint)
    message = query.message
    if data is None or not isinstance(message, Message):
        await query.answer(stale_button(context.tr))
        return END
    if isinstance(data, view.CommentsExport):
        await comments_admin.export_button(update, context)
        return None
    if message.chat.type != ChatType.PRIVATE:
        await _from_group(query, context, data)
        return None
    if isinstance(data, view.CommentMenu):
        await query.answer()
        await show(update, context, menu(context, user.id, data.node, data.page), edit=True)
        return END
    if isinstance(data, view.CommentList):
        await query.answer()
        await show(update, context, mine(context, user.id, data.page), edit=True)
        return END
    if isinstance(data, view.CommentOpen):
        mine_there = book(context).read.get(user.id, data.section) is not None  # shown even when closed
        if not mine_there and (why := why_not(context, data.section)) is not None:
            await query.answer(why[:200], show_alert=True)  # the button says so; nothing opens
            return END
        await query.answer()
        await show(update, context, open_section(context, user.id, data.section), edit=bool(data.here))
        return END
    if isinstance(data, view.CommentStance):
        return await stance(update, context, data.section, data.stance)
    if isinstance(data, view.CommentAudience):
        return await audience(update, context, data.audience, data.section)
    if isinstance(data, view.CommentAction):
        return await action(update, context, data.action, data.section)
    await query.answer(stale_button(context.tr))
    return END


async def _from_group(query: CallbackQuery, context: BotContext, data: cb.Callback) -> None:
    """In a group: comments are written privately; Telegram opens the private chat on the section."""
    st = status(context)
    if not st.open:
        await query.answer(view.deadline_line(st, context.tr)[:200], show_alert=True)
        return
    section = data.section if isinstance(data, view.CommentOpen) and data.section in context.pack.sections else None
    await query.answer(url=places.link(context.bot.username, section))


