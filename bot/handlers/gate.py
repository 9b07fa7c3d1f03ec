"""Group -1: runs before every other handler and decides, from memory, whether an update goes on.

1. Update types the bot does not handle (edits, channel posts: see app.ALLOWED_UPDATES) stop here.
2. Chat housekeeping (the bot blocked or let back in, a group upgraded to a supergroup) goes on,
   whoever sent it: its handlers only update rows that already exist.
3. Flood protection per user (administrators exempt): past the rate, one "slow down", then silence.
4. Access (BOT_ACCESS) from memory (bot/access/policy.py: the settings and the ids admitted since,
   loaded at start): no database on the way, so a locked, full or damaged database cannot open the
   door. An update without a sender is refused under a restricted access; /unsubscribe is open to
   anyone, so a revoked member can always stop their digest; an invite link (/start inv...) goes on to
   its handler (bot/handlers/access.py), which checks the code. In a group, the group's own admission
   or the sender's will do; an outsider in a group nobody admitted makes the bot say so once and leave.
   An outsider is told once how to get access (remembered in memory, bounded), then met with silence.
5. Only an admitted user is noted, as a write that can wait (bot/store/repo.py): nothing is ever
   stored about an outsider.
Any error in here stops the update with ApplicationHandlerStop: the gate fails closed (PTB would
otherwise go on to group 0 after reporting the error).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from telegram import Update, User
from telegram.constants import ChatMemberStatus, ChatType
from telegram.ext import ApplicationHandlerStop

from bot.access import codes
from bot.access.policy import ACCESS, Access
from bot.context import BotContext
from bot.i18n import resolve_language
from bot.logs import Throttled
from bot.render import access as access_view
from bot.store.access_repo import admit_group, move_admission

log = logging.getLogger(__name__)
trouble = Throttled(log, 60.0)

# bot_data keys
FLOOD = "flood_guard"        # FloodGuard
OPEN_COMMANDS = "open_commands"  # command names (with aliases) anyone may use, e.g. unsubscribe

#: A person may send this many updates at once: a quick run of taps, or an inline query per keystroke.
FLOOD_BURST = 20
#: Updates per second given back: someone reading and tapping stays far below one a second for long.
FLOOD_RATE = 1.0
#: Seconds of silence after the one "slow down": a script hammering the bot gets nothing for a while.
FLOOD_MUTE = 60.0
#: Buckets are swept of users who calmed down once every this many checks (bounds the memory).
FLOOD_SWEEP_EVERY = 1024


class Flood(Enum):
    OK = "ok"
    WARN = "warn"    # the first update over the rate: tell them once
    QUIET = "quiet"  # muted: drop without a word


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    muted_until: float = 0.0


class FloodGuard:
    """A token bucket per user: FLOOD_BURST at once, FLOOD_RATE a second after that."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, burst: int = FLOOD_BURST,
                 rate: float = FLOOD_RATE, mute: float = FLOOD_MUTE) -> None:
        self.clock = clock
        self.burst = burst
        self.rate = rate
        self.mute = mute
        self._buckets: dict[int, _Bucket] = {}
        self._checks = 0

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, user_id: int) -> Flood:
        now = self.clock()
        self._checks += 1
        if self._checks % FLOOD_SWEEP_EVERY == 0:
            self._sweep(now)
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        if now < bucket.muted_until:
            return Flood.QUIET
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Flood.OK
        bucket.muted_until = now + self.mute
        bucket.tokens = float(self.burst)  # after the silence, a fresh start
        bucket.at = bucket.muted_until
        return Flood.WARN

    def _sweep(self, now: float) -> None:
        calm = [uid for uid, b in self._buckets.items()
                if now >= b.muted_until and b.tokens + (now - b.at) * self.rate >= self.burst]
        for uid in calm:
            del self._buckets[uid]


class Verdict(Enum):
    PASS = "pass"            # admitted: note the user, go on
    PASS_QUIETLY = "quiet"   # housekeeping, or an outsider's /unsubscribe: go on, note nothing
    STOP = "stop"            # not for us: stop without a word
    REFUSE = "refuse"        # an outsider: say the bot is private
    SLOW_DOWN = "slow"       # over the rate: say it once
    LEAVE = "leave"          # a group nobody admitted: say so once, and leave it
    ADMIT_GROUP = "admit"    # an administrator added the bot to a group: the group is admitted


GROUPS = (ChatType.GROUP, ChatType.SUPERGROUP)
INSIDE = (ChatMemberStatus.MEMBER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


async def gate(update: Update, context: BotContext) -> None:
    try:
        verdict = decide(update, context)
    except Exception as exc:  # noqa: BLE001 - fail closed, whatever went wrong
        trouble.error(f"gate:{type(exc).__name__}",
                      f"update {update.update_id} stopped: the gate could not decide ({type(exc).__name__}: {exc})")
        raise ApplicationHandlerStop from None
    if verdict is Verdict.PASS:
        _note(update, context)
        return
    if verdict is Verdict.PASS_QUIETLY:
        await _follow_migration(update, context)
        return
    if verdict is Verdict.ADMIT_GROUP:
        await _admit_group(update, context)
        return
    try:
        if verdict in (Verdict.REFUSE, Verdict.SLOW_DOWN):
            await _tell(update, context, verdict)
        elif verdict is Verdict.LEAVE:
            await _leave(update, context)
    except Exception as exc:  # noqa: BLE001 - the update stops all the same
        log.info("update %s: could not tell the sender (%s)", update.update_id, exc)
    raise ApplicationHandlerStop


def decide(update: Update, context: BotContext) -> Verdict:
    """The verdict, from the update and what is held in memory alone (no I/O)."""
    if not (update.message or update.callback_query or update.inline_query or update.my_chat_member
            or update.poll_answer or update.chosen_inline_result or update.chat_member):
        return Verdict.STOP  # edits, channel posts...: re-answering an edit would repeat or contradict
    access = access_of(context)
    if update.my_chat_member is not None:
        return _membership(update, access)
    if _migration(update):
        return Verdict.PASS_QUIETLY
    user = update.effective_user
    if user is None:
        return Verdict.PASS_QUIETLY if not access.restricted else Verdict.STOP
    if user.id not in access.settings.admins:
        flood = _flood_guard(context).check(user.id)
        if flood is Flood.QUIET:
            return Verdict.STOP
        if flood is Flood.WARN:
            log.info("user %s is flooding: told to slow down, muted for %.0f s", user.id, FLOOD_MUTE)
            return Verdict.SLOW_DOWN
    chat = update.effective_chat
    group = chat is not None and chat.type in GROUPS
    if (group and chat is not None and access.admits(chat.id)) or access.admits(user.id):
        return Verdict.PASS
    if _open_command(update, context) or (not group and _invite_link(update)):
        return Verdict.PASS_QUIETLY
    log.info("update %s from user %s refused (BOT_ACCESS=%s)", update.update_id, user.id, access.mode)
    return Verdict.LEAVE if group else Verdict.REFUSE


def access_of(context: BotContext) -> Access:
    """The Access built in build_application (bot_data); from the settings alone if it is missing."""
    access: Access | None = context.bot_data.get(ACCESS)
    if access is None:
        access = context.bot_data[ACCESS] = Access(context.settings)
    return access


def _membership(update: Update, access: Access) -> Verdict:
    """The bot's own membership changed. Blocked, removed, let back in: housekeeping. Added to a group
    nobody admitted: by an administrator, the group is admitted; by an insider, it stays (insiders use
    it there); by anyone else, it says so and leaves."""
    change = update.my_chat_member
    if change is None or not access.restricted or change.chat.type not in GROUPS:
        return Verdict.PASS_QUIETLY
    if change.new_chat_member.status not in INSIDE or change.old_chat_member.status in INSIDE:
        return Verdict.PASS_QUIETLY
    adder = change.from_user.id
    if access.is_admin(adder) and not access.admits(change.chat.id):
        return Verdict.ADMIT_GROUP
    if access.admits(change.chat.id) or access.admits(adder):
        return Verdict.PASS_QUIETLY
    log.info("added to group %s by user %s, who is not admitted: leaving", change.chat.id, adder)
    return Verdict.LEAVE


def _invite_link(update: Update) -> bool:
    """/start <something shaped like an invite> in a private chat: its handler checks the code."""
    message = update.message
    if message is None or not message.text:
        return False
    parts = message.text.split()
    return (len(parts) == 2 and parts[0].partition("@")[0].lower() == "/start"
            and codes.LOOKS_LIKE.match(parts[1]) is not None)


def _flood_guard(context: BotContext) -> FloodGuard:
    guard: FloodGuard | None = context.bot_data.get(FLOOD)
    if guard is None:
        guard = context.bot_data[FLOOD] = FloodGuard()
    return guard


def _migration(update: Update) -> bool:
    message = update.message
    return message is not None and bool(message.migrate_to_chat_id or message.migrate_from_chat_id)


def _open_command(update: Update, context: BotContext) -> bool:
    """A command anyone may send (see Command.open in bot/app.py), addressed to this bot."""
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return False
    name, _, addressed_to = message.text.split()[0][1:].partition("@")
    if addressed_to and addressed_to.lower() != (context.bot.username or "").lower():
        return False
    return name.lower() in context.bot_data.get(OPEN_COMMANDS, frozenset())


def _note(update: Update, context: BotContext) -> None:
    """Remember the admitted user and the chat (a deferred write; a failure is only logged)."""
    user, chat = update.effective_user, update.effective_chat
    store = context.bot_data.get("store")
    if store is None:
        return
    try:
        store.note_seen(user.id if user is not None and not user.is_bot else None,
                        user.language_code if user is not None else None,
                        chat.id if chat is not None else None, chat.type if chat is not None else None,
                        chat.title if chat is not None else None)
    except Exception as exc:  # noqa: BLE001 - bookkeeping never denies an admitted user
        trouble.error(f"note:{type(exc).__name__}", f"could not queue who wrote ({exc})")


async def _tell(update: Update, context: BotContext, verdict: Verdict) -> None:
    """The one answer an outsider (once) or a flooder gets, in their Telegram language (nothing read
    from the database for them)."""
    user: User | None = update.effective_user
    context.lang = resolve_language(None, user.language_code if user else None)
    tr = context.tr
    uid = user.id if user else 0
    chat = update.effective_chat
    if verdict is Verdict.SLOW_DOWN:
        text = tr.gettext("You are sending too much too fast. Please wait a minute, then try again.")
        if update.callback_query:
            await update.callback_query.answer(text[:200])
        elif update.inline_query:
            await update.inline_query.answer([], cache_time=0, is_personal=True)
        elif update.message and chat is not None:
            await update.message.reply_text(text)
        return
    access = access_of(context)
    if update.inline_query:
        await update.inline_query.answer([], cache_time=0, is_personal=True)  # every time: no content
    elif update.callback_query:
        first = access.told.first_time(uid)
        await update.callback_query.answer(access_view.outsider_alert(access.mode, uid, tr) if first else None,
                                           show_alert=first)
    elif update.message and chat is not None and chat.type == ChatType.PRIVATE and access.told.first_time(uid):
        await update.message.reply_text(access_view.outsider(access.mode, uid, tr))


async def _leave(update: Update, context: BotContext) -> None:
    """A group nobody admitted: say so (once per group) and leave."""
    chat = update.effective_chat
    if chat is None:
        return
    if update.callback_query:
        await update.callback_query.answer()
    access = access_of(context)
    if access.groups_told.first_time(chat.id):
        context.lang = resolve_language(None, update.effective_user.language_code if update.effective_user else None)
        await context.bot.send_message(chat.id, access_view.group_not_admitted(chat.id, context.tr))
    await context.bot.leave_chat(chat.id)
    log.info("left group %s: not admitted (BOT_ACCESS=%s)", chat.id, access.mode)


async def _admit_group(update: Update, context: BotContext) -> None:
    """An administrator added the bot to a group: admitted in memory now, in SQLite through the writer."""
    change = update.my_chat_member
    if change is None:
        return
    access_of(context).admit(change.chat.id)
    log.info("group %s admitted: added by administrator %s", change.chat.id, change.from_user.id)
    store = context.bot_data.get("store")
    if store is not None:
        try:
            await store.writer.run(admit_group, store.writer.db, change.chat.id, change.from_user.id)
        except Exception as exc:  # noqa: BLE001 - admitted in memory; the durable copy is reported
            trouble.error(f"admit:{type(exc).__name__}", f"group {change.chat.id} admitted, not recorded ({exc})")


async def _follow_migration(update: Update, context: BotContext) -> None:
    """A group admitted as a group became a supergroup: the admission follows the new id."""
    message = update.message
    if message is None or not message.migrate_to_chat_id:
        return
    access = access_of(context)
    old, new = message.chat.id, message.migrate_to_chat_id
    if not access.invited(old):
        return
    access.admit(new)
    store = context.bot_data.get("store")
    if store is not None:
        try:
            await store.writer.run(move_admission, store.writer.db, old, new)
        except Exception as exc:  # noqa: BLE001 - admitted in memory; the durable copy is reported
            trouble.error(f"admit:{type(exc).__name__}", f"group {new} admitted, not recorded ({exc})")
