"""/start, /help, /about and /lang: the bot introducing itself."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.handlers.common import edit_or_ignore
from bot.i18n import LANGUAGES, language_from_words
from bot.render import callbacks as cb
from bot.render import info
from bot.render.figures import lookup_examples
from bot.render.menu import main_menu


async def start(update: Update, context: BotContext) -> None:
    """Welcome in the user's language, then the main menu (a separate message, edited as they tap)."""
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    await message.reply_text(info.welcome(context.pack, context.tr, user.first_name if user else None))
    text, markup = main_menu(context.pack, context.tr)
    await message.reply_text(text, reply_markup=markup)


async def help_command(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    tr = context.tr
    commands = [(c.name_in(tr.lang), tr.gettext(c.description))
                for c in context.bot_data.get("commands", ()) if c.listed]
    examples = lookup_examples(context.pack)
    text, markup = info.help_page(commands, examples, tr)
    await message.reply_text(text, reply_markup=markup)


async def about(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None:
        return
    text, markup = info.about_page(context.pack, context.tr)
    await message.reply_text(text, reply_markup=markup)


async def lang(update: Update, context: BotContext) -> None:
    """/lang shows the chooser; /lang en (or vi) switches at once."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    choice = language_from_words(" ".join(context.args)) if context.args else None
    if choice is not None:
        context.store.users.set_language(user.id, choice)
        await message.reply_text(info.language_set(context.tr_for(choice)))
        return
    text, markup = info.language_page(context.pack, context.lang, context.tr)
    await message.reply_text(text, reply_markup=markup)


def _chosen_language(data: object) -> str | None:
    """The language a button names: ``cb.Language`` whatever the pack's fingerprint (a choice outlives
    packs), or the ``lang:vi`` data of keyboards sent before the codec carried it."""
    if isinstance(data, str) and data.startswith(info.LEGACY_LANG_PREFIX):
        return data.removeprefix(info.LEGACY_LANG_PREFIX)
    parsed = cb.parse(data)
    return parsed[1].lang if parsed is not None and isinstance(parsed[1], cb.Language) else None


def is_language_data(data: object) -> bool:
    """CallbackQueryHandler pattern: a language button, new or old."""
    return _chosen_language(data) is not None


async def lang_button(update: Update, context: BotContext) -> None:
    """A language button: store the choice, then show the confirmation in the new language."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    choice = _chosen_language(query.data)
    if choice not in LANGUAGES:
        await query.answer(info.stale_button(context.tr))
        return
    context.store.users.set_language(user.id, choice)
    context.lang = choice
    await query.answer()
    text, markup = info.language_page(context.pack, choice, context.tr)
    await edit_or_ignore(query, info.language_set(context.tr) + "\n\n" + text, markup)
