"""THE one place that builds the Application and registers every handler and job.

Handler groups (PTB runs, per group in ascending order, the first handler that matches):
  -1  gate:       decides from memory whether an update goes on (BOT_ACCESS, flood protection, update
                  types we ignore), fails closed, and only then notes the user (bot/handlers/gate.py).
   0  features:   every command from COMMANDS (canonical names + aliases), buttons, lookups, inline,
                  chat housekeeping (my_chat_member, group -> supergroup); then, LAST, the catch-alls:
                  unknown commands, non-text messages, stale buttons. In a group PTB runs only the
                  first handler that matches, so a catch-all answers only what no feature took.
   2  after:      side effects that must not stop a feature: /start resumes a digest blocked by 403.
Services (pack, store, search index, settings, catalogues) are created in post_init (or given, as
`python -m bot run` opens and checks the store first), kept in bot_data and closed in post_shutdown;
handlers reach them through BotContext (bot/context.py).

429s: replies to users go through PTB's AIORateLimiter (30/s overall, 20/min per group, retries a
429 after its retry_after); digests bypass it and meet their 429 at once in DigestService, which
holds the whole run for retry_after (bot/digest/pacing.py).
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    PollAnswerHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import context as ctx
from bot.access.policy import ACCESS, Access
from bot.config import Settings
from bot.content import ContentPack
from bot.content.pack import load_pack
from bot.content.search import SearchIndex
from bot.context import BotContext
from bot.digest import runner as digest_runner
from bot.digest.pacing import MeteredRateLimiter, TrafficWindow
from bot.handlers import (
    access,
    access_admin,
    briefing,
    broadcast,
    charts,
    chats,
    comments,
    comments_admin,
    digest,
    errors,
    fallback,
    figures,
    gate,
    inline,
    meetings,
    menu,
    ops,
    quiz,
    read,
    search,
    start,
    stats,
)
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, Catalogues
from bot.ops import channel as digest_channel
from bot.request import bot_api_requests
from bot.store import Store

log = logging.getLogger(__name__)

AnyApp = Application[Any, Any, Any, Any, Any, Any]
HandlerCallback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]  # what PTB's handlers accept

GATE, FEATURES, AFTER = -1, 0, 2
#: A reply to a user that meets a 429 is retried this many times by the limiter (digests: never).
REPLY_RETRIES = 3
FREEZE_GC = "freeze_gc"  # bot_data flag: gc.freeze() after start-up (live bot only)
#: Updates handled at once (PTB's concurrent_updates), in production and in tests alike.
CONCURRENT_UPDATES = 8
#: The update types the bot handles: the only ones it asks Telegram for (getUpdates allowed_updates).
#: Edited messages and channel posts are not asked for: re-answering an edit repeats or contradicts.
ALLOWED_UPDATES = (Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY, Update.MY_CHAT_MEMBER,
                   Update.POLL_ANSWER)


@dataclass(frozen=True)
class Command:
    """One row of the command table; the same table registers handlers and builds set_my_commands."""

    name: str                       # canonical English name, 1-32 of a-z0-9_, listed in the menu
    description: str                # marked with N_(); translated per language for set_my_commands
    callback: HandlerCallback
    aliases: tuple[str, ...] = ()   # extra names (Vietnamese) that work but are not listed twice
    private: bool = True            # listed in private chats
    group: bool = True              # listed in groups
    listed: bool = True             # False: works, but not shown in the command menu or /help
    open: bool = False              # True: anyone may use it, whatever BOT_ACCESS (see handlers/gate.py)

    def name_in(self, lang: str) -> str:
        """The name listed for a reader of ``lang``: the Vietnamese alias in Vietnamese (the default)."""
        return self.aliases[0] if lang == DEFAULT_LANGUAGE and self.aliases else self.name


#: Every command of the bot, in menu order. Other areas add their rows here (one line each).
COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Welcome and main menu"), start.start, group=False),
    Command("menu", N_("Main menu of the report"), menu.menu_command),
    Command("figure", N_("Look up a figure by its name"), figures.figure_command, aliases=("so",)),
    Command("search", N_("Search the report's text"), search.search_command,
            aliases=("tim",)),
    Command("help", N_("What this bot does, with examples"), start.help_command),
    Command("about", N_("About the document and this content version"), start.about),
    Command("lang", N_("Language: Tiếng Việt / English"), start.lang, aliases=("ngonngu",)),
    Command("digest", N_("Today's digest; /digest settings to change yours"), digest.digest_command,
            aliases=("bantin",)),
    Command("subscribe", N_("Daily digest at a time you choose, e.g. /subscribe 7:30"), digest.subscribe,
            aliases=("dangky",)),
    # A member whose access was revoked can always stop the digest they subscribed to.
    Command("unsubscribe", N_("Stop the daily digest"), digest.unsubscribe, aliases=("huy",), open=True),
    Command("briefing", N_("One-screen brief on a field or topic; add docx for a page to print"),
            briefing.briefing_command, aliases=("tomtat",)),
    Command("targets", N_("The targets for 2030 at a glance, and the last term's"), briefing.targets_command,
            aliases=("chitieu",)),
    Command("meeting", N_("Group meetings: briefs posted and pinned before each (administrators)"),
            meetings.meeting_command, aliases=("lichhop",), private=False),
    Command("quiz", N_("Quiz on the report: /quiz 5, /quiz top"), quiz.quiz_command, aliases=("tracnghiem",)),
    Command("chart", N_("Charts of the report's figures"), charts.chart_command, aliases=("bieudo",)),
    Command("read", N_("Read the whole report in the app"), read.read_command, aliases=("doc",)),
    Command("comment", N_("Comment on the draft, section by section; /comment mine for yours"),
            comments.comment_command, aliases=("gopy",)),
    # For BOT_ADMINS only (anyone else gets the unknown-command answer), so not listed.
    Command("comments", N_("Comments on the draft: counts and the workbook (administrators)"),
            comments_admin.comments_command, aliases=("tonghopgopy",), listed=False),
    Command("reload", N_("Load the content pack again, check it, then serve it (administrators)"),
            ops.reload_command, aliases=("tailai",), listed=False),
    Command("broadcast", N_("An announcement to every subscriber, after a preview (administrators)"),
            broadcast.broadcast_command, aliases=("thongbao",), listed=False),
    Command("invite", N_("An invite link and QR code: /invite [people] [days] (administrators)"),
            access_admin.invite_command, aliases=("moi",), listed=False),
    Command("invites", N_("Invites made, uses left, expiry (administrators)"), access_admin.invites_command,
            aliases=("dsmoi",), listed=False),
    Command("revoke", N_("Withdraw an invite: /revoke <number> (administrators)"), access_admin.revoke_command,
            aliases=("thuhoi",), listed=False),
    Command("remove", N_("Take back an invite's admission: /remove <id> (administrators)"),
            access_admin.remove_command, aliases=("xoaquyen",), listed=False),
    Command("stats", N_("Users, subscribers, digests, lookups (administrators)"), stats.stats_command,
            aliases=("thongke",), listed=False),
)


def register_handlers(app: AnyApp) -> None:
    app.add_handler(TypeHandler(Update, gate.gate), group=GATE)
    app.bot_data[gate.OPEN_COMMANDS] = frozenset(
        name for c in COMMANDS if c.open for name in (c.name, *c.aliases))

    # ACCESS: an invite link opened, /start inv... (the gate lets an outsider's through to here).
    app.add_handler(MessageHandler(access.INVITE_LINK, access.invite_link), group=FEATURES)
    # READER: a group's 📖 link lands here as /start read-<section> (before /start's own row).
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.Regex(r"^/start(@\w+)?\s+read(-\w+)?\s*$")
                                   & filters.UpdateType.MESSAGE, read.start_link), group=FEATURES)
    # COMMENTS: /start c_<section>, the deep link a group's "Góp ý" button opens, before /start itself.
    app.add_handler(CommandHandler("start", comments.deep_link, filters=comments.DEEP_LINK), group=FEATURES)
    for command in COMMANDS:
        app.add_handler(CommandHandler([command.name, *command.aliases], command.callback), group=FEATURES)
    app.add_handler(CallbackQueryHandler(start.lang_button, pattern=start.is_language_data), group=FEATURES)
    # COMMENTS: the conversation (its buttons; while a comment is written, a typed message is its text,
    # not a lookup, so it comes before the private text lookup). Persistent: see comments.persistence.
    app.add_handler(comments.conversation(), group=FEATURES)
    # UI: menu buttons (any fingerprint: stale ones get a fresh menu), private plain-text lookups, inline.
    app.add_handler(CallbackQueryHandler(menu.on_button, pattern=menu.is_ui_data), group=FEATURES)
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
                                   & filters.UpdateType.MESSAGE, figures.text_lookup), group=FEATURES)
    app.add_handler(InlineQueryHandler(inline.inline_query), group=FEATURES)
    # DIGEST: settings buttons (any fingerprint); its service and DIGEST_TICK job start in post_init.
    app.add_handler(CallbackQueryHandler(digest.button, pattern=digest.is_digest_data), group=FEATURES)
    # BRIEFING: brief, targets and handout buttons.
    app.add_handler(CallbackQueryHandler(briefing.button, pattern=briefing.is_briefing_data), group=FEATURES)
    # MEETINGS: "Đã đọc" and handout buttons under a meeting's brief; its service and jobs start in post_init.
    app.add_handler(CallbackQueryHandler(meetings.button, pattern=meetings.is_meeting_data), group=FEATURES)
    # STUDY: answers to quiz polls (non-anonymous polls only), quiz and chart buttons.
    app.add_handler(PollAnswerHandler(quiz.on_poll_answer), group=FEATURES)
    app.add_handler(CallbackQueryHandler(quiz.button, pattern=quiz.is_quiz_data), group=FEATURES)
    app.add_handler(CallbackQueryHandler(charts.button, pattern=charts.is_chart_data), group=FEATURES)
    # OPS: Confirm/Cancel under a broadcast's preview (any fingerprint: a reload must not void it).
    app.add_handler(CallbackQueryHandler(broadcast.button, pattern=broadcast.is_broadcast_data), group=FEATURES)
    # Housekeeping: blocked / let back in, and a group that became a supergroup.
    app.add_handler(ChatMemberHandler(chats.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER), group=FEATURES)
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, chats.migrated), group=FEATURES)

    # Catch-alls, LAST in the features group: they answer only what no handler above took.
    app.add_handler(MessageHandler(filters.COMMAND, fallback.unknown_command), group=FEATURES)
    app.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.TEXT & ~filters.StatusUpdate.ALL,
                                   fallback.not_text), group=FEATURES)
    app.add_handler(CallbackQueryHandler(fallback.stale_button), group=FEATURES)

    # After everything else: a /start from a chat that blocked the bot earlier resumes its digest.
    app.add_handler(CommandHandler("start", digest.reactivate), group=AFTER)
    app.add_error_handler(errors.on_error)


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    pack: ContentPack | None = None,
    rate_limiter: bool = True,
    catalogues: Catalogues | None = None,
    clock: Callable[[], float] = time.monotonic,
    arrivals: Callable[[], float] | None = None,
) -> AnyApp:
    """Build the bot. With `request` (a FakeBotAPI) nothing touches the network; with `pack` the
    content is not loaded again. Catalogues are loaded here so a missing one stops start-up early.

    `clock` (monotonic seconds) paces digests against the other traffic; `arrivals` (default: `clock`)
    times updates for flood protection. Tests give fake ones; nothing else differs from production.
    `rate_limiter=False` is for benches that time the handlers alone."""
    if catalogues is None:
        catalogues = Catalogues.load(settings.locales_dir)
    live = request is None
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        tzinfo=settings.timezone,
    )
    if settings.token is None:
        raise ValueError("build_application needs settings.token (the fake's FAKE_TOKEN over a FakeBotAPI)")
    # Any bot type: ExtBot[int] with the AIORateLimiter below, ExtBot[None] without (rate_limiter=False).
    builder: ApplicationBuilder[Any, BotContext, Any, Any, Any, Any] = (
        Application.builder()
        .token(settings.token)
        .defaults(defaults)
        .context_types(ContextTypes(context=BotContext))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
        .persistence(comments.persistence(settings))  # conversation states only, in SQLite (no pickle)
    )
    if settings.api_base_url:
        builder = builder.base_url(settings.api_base_url)
    if settings.api_base_file_url:
        builder = builder.base_file_url(settings.api_base_file_url)
    if request is None:
        request, updates_request = bot_api_requests()
        builder = builder.request(request).get_updates_request(updates_request)
    else:
        builder = builder.request(request).get_updates_request(request)
    builder = builder.concurrent_updates(CONCURRENT_UPDATES)
    window = TrafficWindow(clock)
    if rate_limiter:
        # AIORateLimiter (30/s overall, 20/min per group, retries a reply's 429) that also meters the
        # replies, so digests fill only what replies to users leave (bot/digest/pacing.py).
        builder = builder.rate_limiter(MeteredRateLimiter(window, max_retries=REPLY_RETRIES))
    app = builder.build()
    app.bot_data[ctx.WINDOW] = window
    app.bot_data[gate.FLOOD] = gate.FloodGuard(arrivals or clock)
    app.bot_data[ACCESS] = Access(settings)  # admissions made at run time are loaded in post_init
    app.bot_data[ctx.SETTINGS] = settings
    app.bot_data[ctx.CATALOGUES] = catalogues
    app.bot_data["commands"] = COMMANDS
    app.bot_data[FREEZE_GC] = live
    if pack is not None:
        app.bot_data[ctx.PACK] = pack
    register_handlers(app)
    return app


async def _post_init(app: AnyApp) -> None:
    """Load the pack (unless given), open the database, build the search index, set the command menu."""
    settings: Settings = app.bot_data[ctx.SETTINGS]
    if ctx.PACK not in app.bot_data:
        app.bot_data[ctx.PACK] = load_pack(settings.content_dir)
    if ctx.STORE not in app.bot_data:
        app.bot_data[ctx.STORE] = Store.open(settings.database_path)
    if ctx.SEARCH not in app.bot_data:
        app.bot_data[ctx.SEARCH] = SearchIndex.build(app.bot_data[ctx.PACK])
    await access.setup(app)  # invite admissions into memory, before any update or digest
    await digest_runner.setup(app)
    await meetings.setup(app)
    await quiz.setup(app)  # its tick job re-reads running quiz series: a restart resumes them
    await read.setup(app)  # the reader's web server and the menu button, when BOT_WEBAPP_URL is set
    await broadcast.setup(app)  # broadcasts a stop interrupted go on
    digest_channel.setup(app)  # BOT_DIGEST_CHANNEL: the day's digest as one post (bot/ops/channel.py)
    ops.install_sighup(app)  # `python -m bot run`: SIGHUP reloads the pack as /reload does
    await set_commands(app)
    if app.bot_data.get(FREEZE_GC):
        # The pack and the index live as long as the process: move them out of the collector's sight
        # so full collections stay short (fewer latency spikes). Not in tests: many apps come and go.
        gc.collect()
        gc.freeze()


async def _post_stop(app: AnyApp) -> None:
    """While the bot can still send: a digest run claims no more chats and its requests in flight end."""
    await digest_runner.shutdown(app)
    await meetings.shutdown(app)
    await broadcast.shutdown(app)


async def _post_shutdown(app: AnyApp) -> None:
    await ops.uninstall_sighup(app)
    await broadcast.shutdown(app)
    await read.shutdown(app)
    await digest_runner.shutdown(app)
    await meetings.shutdown(app)
    await access.shutdown(app)  # lookup counts gathered are handed to the writer
    store: Store | None = app.bot_data.pop(ctx.STORE, None)
    if store is not None:
        await store.settle()  # bookkeeping still queued is written (or reported) before closing
        store.close()


def command_menu(lang: str, catalogues: Catalogues, *, group: bool) -> list[BotCommand]:
    """The listed commands for one language and scope, descriptions translated."""
    tr = catalogues.get(lang)
    return [BotCommand(c.name_in(lang), tr.gettext(c.description)) for c in COMMANDS
            if c.listed and (c.group if group else c.private)]


async def set_commands(app: AnyApp) -> None:
    """set_my_commands for private chats and groups, in each language and as the default (Vietnamese)."""
    catalogues: Catalogues = app.bot_data[ctx.CATALOGUES]
    try:
        scopes = ((BotCommandScopeAllPrivateChats(), False), (BotCommandScopeAllGroupChats(), True))
        for scope, group in scopes:
            default = command_menu(DEFAULT_LANGUAGE, catalogues, group=group)
            await app.bot.set_my_commands(default, scope=scope)
            for lang in LANGUAGES:
                await app.bot.set_my_commands(command_menu(lang, catalogues, group=group), scope=scope,
                                              language_code=lang)
    except TelegramError as exc:  # a menu that did not update must not stop the bot
        log.warning("could not set the command menu: %s", exc)
