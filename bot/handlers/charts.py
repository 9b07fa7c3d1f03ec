"""/chart [topic] (/bieudo): a chart of the report's figures as a photo with its caption; the list.

Drawing takes matplotlib a good fraction of a second of CPU, so it runs in a worker thread, one chart
at a time, and each PNG is kept per content version, pack fingerprint, language and chart; once
Telegram has a photo, its file_id is sent instead of the bytes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest

from bot.content import ContentPack
from bot.context import BotContext
from bot.i18n import Translator
from bot.render import callbacks as cb
from bot.render import charts as view
from bot.render.chart_png import render_png
from bot.render.info import stale_button

log = logging.getLogger(__name__)

CHARTS = "charts"  # bot_data: the ChartCache
MAX_TOPIC_CHARS = 100

Key = tuple[str, str, str, str]  # content version, pack fingerprint, language, chart id


@dataclass
class ChartCache:
    """PNG bytes and Telegram file ids of charts already drawn; ``renders`` counts drawings."""

    png: dict[Key, bytes] = field(default_factory=dict)
    file_ids: dict[Key, str] = field(default_factory=dict)
    renders: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @staticmethod
    def key(pack: ContentPack, chart_id: str, lang: str) -> Key:
        return (pack.meta.version, pack.fingerprint, lang, chart_id)

    async def png_for(self, pack: ContentPack, chart_id: str, tr: Translator) -> bytes | None:
        key = self.key(pack, chart_id, tr.lang)
        async with self.lock:
            if key not in self.png:
                chart = view.chart_view(pack, chart_id, tr)
                if chart is None:
                    return None
                self.png[key] = await asyncio.to_thread(render_png, chart)
                self.renders += 1
            return self.png[key]


def cache(bot_data: dict[str, Any]) -> ChartCache:
    found = bot_data.get(CHARTS)
    if found is None:
        found = bot_data[CHARTS] = ChartCache()
    return found


async def send_chart(context: BotContext, chat_id: int, chart_id: str, reply_to: Message | None = None) -> bool:
    """Send one chart with its caption; False when the pack has no such chart."""
    pack, tr = context.pack, context.tr
    chart = view.chart_view(pack, chart_id, tr)
    if chart is None:
        return False
    charts = cache(context.bot_data)
    key = charts.key(pack, chart_id, tr.lang)
    caption = view.caption(pack, chart, tr)
    _, markup = view.chart_buttons(pack, chart_id, tr)
    file_id = charts.file_ids.get(key)
    if file_id is not None:
        try:
            await context.bot.send_photo(chat_id, file_id, caption=caption, reply_markup=markup)
            return True
        except BadRequest as exc:  # Telegram forgot the file: upload it again
            log.info("chart file id %s refused (%s); uploading again", file_id, exc)
            charts.file_ids.pop(key, None)
    await context.bot.send_chat_action(chat_id, "upload_photo")
    png = await charts.png_for(pack, chart_id, tr)
    if png is None:
        return False
    message = await context.bot.send_photo(chat_id, png, caption=caption, reply_markup=markup,
                                           filename=f"{chart_id}.png")
    if message.photo:
        charts.file_ids[key] = message.photo[-1].file_id
    return True


async def chart_command(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    pack, tr = context.pack, context.tr
    words = " ".join(context.args or []).strip()
    if not words:
        text, markup = view.chart_list(pack, tr)
        await message.reply_text(text, reply_markup=markup)
        return
    study = pack.study
    chart = study.find_chart(words[:MAX_TOPIC_CHARS]) if study is not None and len(words) <= MAX_TOPIC_CHARS \
        else None
    if chart is None:
        text, markup = view.chart_list(pack, tr, unknown=words)
        await message.reply_text(text, reply_markup=markup)
        return
    await send_chart(context, chat.id, chart.id)


def is_chart_data(data: object) -> bool:
    parsed = cb.parse(data)
    return parsed is not None and isinstance(parsed[1], view.ChartPick | view.ChartList)


async def button(update: Update, context: BotContext) -> None:
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None:
        return
    pack, tr = context.pack, context.tr
    data = cb.decode(query.data, pack.fingerprint)
    if isinstance(data, view.ChartList):
        await query.answer()
        text, markup = view.chart_list(pack, tr)
        await context.bot.send_message(chat.id, text, reply_markup=markup)
        return
    if not isinstance(data, view.ChartPick) or pack.study is None or pack.study.chart(data.chart) is None:
        await query.answer(stale_button(tr))
        return
    await query.answer()
    await send_chart(context, chat.id, data.chart)
