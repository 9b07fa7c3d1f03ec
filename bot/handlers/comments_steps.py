"""The steps of writing a comment, shared by the conversation's handlers (bot/handlers/comments.py):
the stance, the text, đối tượng and unit, the preview, Send, withdrawal, and the timeout.

Each step reads the draft from SQLite and writes the draft with the conversation's next state in one
transaction before answering (bot/comments/book.py), and returns that state to the ConversationHandler.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime

from telegram import Message, Update, User
from telegram.constants import ChatType
from telegram.ext import ConversationHandler

from bot.comments import places
from bot.comments import text as words
from bot.comments.book import Book, Key
from bot.comments.policy import PER_DAY, Policy, Status, day_start
from bot.context import BotContext
from bot.handlers.common import edit_or_ignore
from bot.render import callbacks as cb
from bot.render import comments as view
from bot.render.common import Page
from bot.render.info import stale_button
from bot.render.text import esc
from bot.store.comments_repo import AUDIENCES, STANCES, Audience, Draft, Outcome, Stance

log = logging.getLogger(__name__)

#: bot_data key: Callable[[], datetime] in BOT_TIMEZONE (tests move it); default: the real clock.
CLOCK = "comments_clock"
# Conversation states: where the next typed message goes.
TEXT, UNIT, UNIT_ONLY, PREVIEW = "text", "unit", "unit-only", "preview"
END = ConversationHandler.END
State = str | int | None


def now(context: BotContext) -> datetime:
    clock = context.bot_data.get(CLOCK)
    return clock() if clock is not None else datetime.now(context.settings.timezone)


def status(context: BotContext) -> Status:
    s = context.settings
    return Policy(s.comments, s.comments_until, s.timezone).status(now(context))


def book(context: BotContext) -> Book:
    return Book(context.store)


def key_of(update: Update) -> Key:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None  # the handlers' filters and patterns see to it
    return chat.id, user.id


def sends_today(context: BotContext, user_id: int) -> int:
    return book(context).read.sends_since(user_id, day_start(now(context)))


async def show(update: Update, context: BotContext, page: Page, *, edit: bool) -> Message | None:
    """Edit the button's message into ``page``, or send it as a new message in the chat."""
    text, markup = page
    query = update.callback_query
    if edit and query is not None and isinstance(query.message, Message):
        await edit_or_ignore(query, text, markup)
        return query.message
    chat = update.effective_chat
    if chat is None:
        return None
    return await context.bot.send_message(chat.id, text, reply_markup=markup)


async def refuse(update: Update, context: BotContext, text: str) -> None:
    """A short plain answer: on the button (an alert), or as a reply."""
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(esc(text))


async def reply(message: Message, page: Page) -> Message:
    text, markup = page
    return await message.reply_text(text, reply_markup=markup)

# ---------------------------------------------------------------------------------------------
# Screens


def menu(context: BotContext, user_id: int, node: str, page: int) -> Page:
    st = status(context)
    if not st.open:
        return view.closed_page(context.pack, context.tr, st)
    commented = frozenset(c.section_id for c in book(context).read.mine(user_id))
    shown = view.menu_page(context.pack, context.tr, node, page, st, commented)
    if shown is None:  # a section of an older pack
        shown = view.menu_page(context.pack, context.tr, view.NONE, 0, st, commented)
    assert shown is not None
    return shown


def mine(context: BotContext, user_id: int, page: int) -> Page:
    read = book(context).read
    return view.mine_page(context.pack, context.tr, read.mine(user_id), read.drafts(user_id), read.commenter(user_id),
                          page, context.settings.timezone, status(context))


def open_section(context: BotContext, user_id: int, section_id: str) -> Page:
    """A section's comment screen: one's comment on it, the draft kept for it, or the three stances."""
    read, pack, tr, st = book(context).read, context.pack, context.tr, status(context)
    comment = read.get(user_id, section_id)
    if comment is not None:
        return view.comment_page(pack, tr, comment, context.settings.timezone, st)
    if not st.open:
        return view.closed_page(pack, tr, st)
    draft = read.draft(user_id, section_id)
    if draft is not None:
        return view.draft_kept(pack, tr, draft)
    return view.stance_page(pack, tr, section_id, st)

# ---------------------------------------------------------------------------------------------
# Steps


def why_not(context: BotContext, section_id: str) -> str | None:
    """Why nothing can be written on the section now (closed, switched off, gone), or None."""
    st = status(context)
    if not st.open:
        return view.deadline_line(st, context.tr)
    if section_id not in context.pack.sections:
        return view.section_gone(context.tr)
    return None


async def stance(update: Update, context: BotContext, section_id: str, chosen: str) -> State:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None and isinstance(query.message, Message)
    tr = context.tr
    if (why := why_not(context, section_id)) is not None:
        await refuse(update, context, why)
        return END
    if chosen not in STANCES:
        await query.answer(stale_button(tr))
        return END
    if (sent := sends_today(context, user.id)) >= PER_DAY:
        await refuse(update, context, view.limit_reached(tr, sent))
        return END
    read = book(context).read
    before = read.draft(user.id, section_id)
    existing = read.get(user.id, section_id)
    draft = Draft(user.id, section_id, _stance_of(chosen), before.body if before else None, _at(context))
    await book(context).step(draft, key_of(update), TEXT, draft.updated_at)
    await query.answer()
    current = draft.body if draft.body is not None else (existing.body if existing else None)
    await show(update, context, view.text_prompt(context.pack, tr, draft, current), edit=True)
    return TEXT


def _stance_of(value: str) -> Stance:
    return next(s for s in STANCES if s == value)


def _audience_of(value: str) -> Audience | None:
    return next((a for a in AUDIENCES if a == value), None)


def _at(context: BotContext) -> int:
    return int(now(context).timestamp())


async def audience(update: Update, context: BotContext, chosen: str, then: str) -> State:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    st = status(context)
    if not st.open:
        await refuse(update, context, view.deadline_line(st, context.tr))
        return END
    if chosen != view.NOT_SAID and _audience_of(chosen) is None:
        await query.answer(stale_button(context.tr))
        return None
    state = UNIT if then != view.NONE else UNIT_ONLY
    await book(context).set_audience(user.id, _audience_of(chosen), key_of(update), state, _at(context))
    await query.answer()
    who = book(context).read.commenter(user.id)
    await show(update, context, view.unit_prompt(context.pack, context.tr, then, who.unit), edit=True)
    return state


async def action(update: Update, context: BotContext, name: str, section_id: str) -> State:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    tr, pack, read = context.tr, context.pack, book(context).read
    if name not in view.ACTIONS:
        await query.answer(stale_button(tr))
        return None
    if name == "cancel":
        existed = await book(context).drop_draft(user.id, section_id, key_of(update), _at(context))
        await query.answer()
        await show(update, context, (view.discarded(tr) if existed else view.cancelled(tr), None), edit=True)
        return END
    st = status(context)
    if not st.open:
        await refuse(update, context, view.deadline_line(st, tr))
        return END
    if name in ("unitkeep", "unitnone"):
        return await _unit_chosen(update, context, section_id, keep=name == "unitkeep")
    if name == "profile":
        await query.answer()
        await show(update, context, view.audience_prompt(pack, tr, section_id, read.commenter(user.id)), edit=True)
        return END
    if name in ("withdraw", "confirm"):
        return await _withdraw(update, context, section_id, confirmed=name == "confirm")
    if name == "change":  # one's sent comment: choose the stance again, the text can be kept
        comment = read.get(user.id, section_id)
        await query.answer()
        await show(update, context, view.stance_page(pack, tr, section_id, st, current=comment.stance if comment
                                                     else None), edit=True)
        return END
    draft = read.draft(user.id, section_id)
    if draft is None:
        # an old preview's button after the draft was sent or discarded
        await query.answer(view.outcome_text(tr, Outcome.GONE), show_alert=True)
        return END
    if section_id not in pack.sections:
        await book(context).drop_draft(user.id, section_id, key_of(update), _at(context))
        await refuse(update, context, view.section_gone(tr))
        return END
    if name == "send":
        return await _send(update, context, draft)
    if name == "edit":
        await query.answer()
        await show(update, context, view.stance_page(pack, tr, section_id, st, current=draft.stance), edit=True)
        return END
    if name == "resume":
        await query.answer()
        if draft.body is None:
            await book(context).step(draft, key_of(update), TEXT, _at(context))
            existing = read.get(user.id, section_id)
            await show(update, context, view.text_prompt(pack, tr, draft, existing.body if existing else None),
                       edit=True)
            return TEXT
        return await _after_text(update, context, draft, edit=True)
    if name in ("skip", "keep"):
        existing = read.get(user.id, section_id)
        body = "" if name == "skip" else (draft.body if draft.body is not None else
                                            (existing.body if existing else ""))
        if name == "skip" and draft.stance != "agree":
            await query.answer(stale_button(tr))
            return None
        await query.answer()
        return await _after_text(update, context, dataclasses.replace(draft, body=body, updated_at=_at(context)),
                                 edit=True)
    raise AssertionError(f"comment action {name!r} has no step")  # ACTIONS and the steps above go together


async def _after_text(update: Update, context: BotContext, draft: Draft, *, edit: bool) -> State:
    """The text is in: ask who one comments as (the first time only; buttons, so the conversation waits
    for no text), else show the preview (where a new text replaces this one)."""
    user = update.effective_user
    assert user is not None
    who = book(context).read.commenter(user.id)
    state = PREVIEW if who.asked else None
    changed = await book(context).step(draft, key_of(update), state, draft.updated_at)
    if not changed:
        return None  # the same text again (sent twice, or twice at once): one draft, one preview
    if state is None:
        await show(update, context, view.audience_prompt(context.pack, context.tr, draft.section_id), edit=edit)
        return END
    await _preview(update, context, draft, edit=edit)
    return state


async def _preview(update: Update, context: BotContext, draft: Draft, *, edit: bool) -> None:
    user = update.effective_user
    assert user is not None
    read = book(context).read
    page = view.preview(context.pack, context.tr, draft, read.commenter(user.id), read.get(user.id, draft.section_id),
                        context.settings.timezone)
    await show(update, context, page, edit=edit)


async def _unit_chosen(update: Update, context: BotContext, then: str, *, keep: bool) -> State:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    read = book(context).read
    unit = read.commenter(user.id).unit if keep else None
    return await _unit_saved(update, context, then, unit, edit=True)


async def _unit_saved(update: Update, context: BotContext, then: str, unit: str | None, *, edit: bool) -> State:
    user = update.effective_user
    assert user is not None
    read = book(context).read
    draft = read.draft(user.id, then) if then != view.NONE else None
    preview = draft is not None and draft.body is not None  # the unit was asked on the way to a preview
    await book(context).set_unit(user.id, unit, key_of(update), PREVIEW if preview else None, _at(context))
    if update.callback_query is not None:
        await update.callback_query.answer()
    if preview and draft is not None:
        await _preview(update, context, draft, edit=edit)
        return PREVIEW
    await show(update, context, (view.profile_saved(context.tr, read.commenter(user.id)), None), edit=edit)
    return END


async def _send(update: Update, context: BotContext, draft: Draft) -> State:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    pack, tr = context.pack, context.tr
    moment = now(context)
    outcome = await book(context).submit(user.id, draft.section_id, places.place_of(pack, draft.section_id),
                                         pack.fingerprint, key_of(update), int(moment.timestamp()),
                                         day_start(moment), PER_DAY)
    if outcome is Outcome.GONE:
        await query.answer(view.outcome_text(tr, outcome), show_alert=True)
        return END
    await query.answer()
    page = view.outcome_page(pack, tr, outcome, places.place_of(pack, draft.section_id), status(context),
                             sends_today(context, user.id))
    await show(update, context, page, edit=True)
    log.info("comment %s by user %s on %s", outcome.value, user.id, draft.section_id)
    return END if outcome is not Outcome.LIMIT else None  # over the limit the draft and its preview stay


async def _withdraw(update: Update, context: BotContext, section_id: str, *, confirmed: bool) -> State:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    comment = book(context).read.get(user.id, section_id)
    if comment is None:
        await query.answer(view.nothing_to_withdraw(context.tr), show_alert=True)
        return END
    await query.answer()
    if not confirmed:
        await show(update, context, view.withdraw_page(context.pack, context.tr, comment), edit=True)
        return END
    await book(context).withdraw(user.id, section_id, _at(context))
    await show(update, context, view.withdrawn(context.pack, context.tr, comment.place), edit=True)
    log.info("comment withdrawn by user %s on %s", user.id, section_id)
    return END


# ---------------------------------------------------------------------------------------------
# Typed messages in the conversation


def _focus(context: BotContext, user: User) -> Draft | None:
    read = book(context).read
    section = read.commenter(user.id).section_id
    return read.draft(user.id, section) if section is not None else None


async def on_text(update: Update, context: BotContext) -> State:
    """The text of the comment (state TEXT)."""
    user = update.effective_user
    draft = _focus(context, user) if user is not None else None
    return await _take_text(update, context, draft)


async def on_new_text(update: Update, context: BotContext) -> State:
    """A text typed at the preview replaces the draft's (the same text again changes nothing)."""
    user = update.effective_user
    draft = _focus(context, user) if user is not None else None
    return await _take_text(update, context, draft)


async def on_reply(update: Update, context: BotContext) -> State:
    """A reply to a comment's message is the text of that section's draft, even after the conversation
    ended (the timeout, a restart). Before a stance is chosen there is no draft: choose one first."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.reply_to_message is None:
        return None
    section = replied_section(message.reply_to_message)
    draft = book(context).read.draft(user.id, section) if section is not None else None
    if draft is None:
        await message.reply_text(view.stance_first(context.tr))
        return None
    return await _take_text(update, context, draft)


def replied_section(message: Message) -> str | None:
    """The section of a comment's message: the one its Cancel button names."""
    markup = message.reply_markup
    for row in markup.inline_keyboard if markup is not None else ():
        for b in row:
            parsed = cb.parse(b.callback_data)
            if parsed is not None and isinstance(parsed[1], view.CommentAction) and parsed[1].action == "cancel":
                return parsed[1].section
    return None


async def _take_text(update: Update, context: BotContext, draft: Draft | None) -> State:
    message = update.effective_message
    if message is None or message.text is None:
        return None
    tr = context.tr
    if draft is None:
        await message.reply_text(view.no_draft(tr))
        return END
    if (why := why_not(context, draft.section_id)) is not None:
        await refuse(update, context, why)
        return END
    checked = words.check(message.text)
    if not checked.ok:
        assert checked.problem is not None
        await message.reply_text(view.problem_text(checked.problem, len(checked.text), tr))
        return None
    new = dataclasses.replace(draft, body=checked.text, updated_at=_at(context))
    return await _after_text(update, context, new, edit=False)


async def on_unit(update: Update, context: BotContext) -> State:
    return await _typed_unit(update, context, then_preview=True)


async def on_unit_only(update: Update, context: BotContext) -> State:
    return await _typed_unit(update, context, then_preview=False)


async def _typed_unit(update: Update, context: BotContext, *, then_preview: bool) -> State:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return None
    checked = words.check(message.text, words.MAX_UNIT)
    if not checked.ok or "\n" in checked.text:
        await message.reply_text(view.problem_text(checked.problem or words.Problem.TOO_LONG, len(checked.text),
                                                   context.tr, unit=True))
        return None
    then = book(context).read.commenter(user.id).section_id if then_preview else None
    return await _unit_saved(update, context, then or view.NONE, checked.text, edit=False)


async def on_timeout(update: object, context: BotContext) -> None:
    """The conversation ended by its timeout: the draft stays; say so, with a way back to it."""
    if not isinstance(update, Update) or update.effective_user is None or update.effective_chat is None:
        return
    draft = _focus(context, update.effective_user)
    await book(context).end(key_of(update), _at(context))
    if draft is None or update.effective_chat.type != ChatType.PRIVATE:
        return
    text, markup = view.draft_kept(context.pack, context.tr, draft)
    await context.bot.send_message(update.effective_chat.id, text, reply_markup=markup)

