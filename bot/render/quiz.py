"""Quiz polls and messages: a plan in the reader's words, scoreboards, reviews, settings. Pure.

Poll texts are plain (polls are sent without a parse mode) and cut to Telegram's limits; messages are
HTML, escaped here. Every value is formatted for the reader's language from the value as written.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.i18n import N_, Translator
from bot.render import callbacks as cb
from bot.render.common import Page, Row, button, markup
from bot.render.figures import STATUS_LABELS
from bot.render.numbers import format_value, with_unit
from bot.render.text import PART_LIMIT, esc, shorten
from bot.study.content import hand_explanation
from bot.study.spec import POLL_EXPLANATION, POLL_OPTION, POLL_QUESTION

if TYPE_CHECKING:
    from bot.content.model import ContentPack
    from bot.store.study_repo import PollRow, Series, Standing
    from bot.study.questions import Plan

#: Players listed on a scoreboard or a standing.
TOP_PLAYERS = 15
MEDALS = ("🥇", "🥈", "🥉")


@cb.register("qz")
class QuizSettings(cb.Callback):
    """Group setting: who may start a quiz (``all`` or ``admins``)."""

    starters: str = cb.ident(8)


@cb.register("qx")
class QuizStop(cb.Callback):
    """Stop the running series (its id, so an old button cannot stop a newer one)."""

    series: str = cb.ident(12)


#: Short answers of /quiz, by key (handlers ask for them by key; escaping stays here).
MESSAGES: dict[str, str] = {
    "no_quiz": N_("This content pack has no quiz."),
    "admins_start": N_("In this group only administrators may start a quiz."),
    "not_sent": N_("I could not send the quiz here (polls may not be allowed in this chat)."),
    "none_running": N_("No quiz is running here."),
    "who_stops": N_("Only whoever started the quiz or an administrator may stop it."),
    "stopped": N_("⏹ The quiz was stopped."),
    "settings_groups": N_("Quiz settings are for groups: send /quiz settings there."),
    "admins_settings": N_("Only administrators may change the quiz settings."),
    "ended": N_("This quiz has already ended."),
}


def plain(key: str, tr: Translator) -> str:
    """A short answer as plain text (callback answers)."""
    return tr.gettext(MESSAGES[key])


def say(key: str, tr: Translator) -> str:
    """A short answer as HTML."""
    return esc(plain(key, tr))


@dataclass(frozen=True)
class Poll:
    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str


def figure_option(pack: ContentPack, figure_id: str, written: str, tr: Translator) -> str:
    """One option: the value as the report would write it, with the figure's hedge and unit."""
    text = pack.figure_text(figure_id, tr.lang)
    value = format_value(written, tr) or written
    shown = with_unit(f"{text.qualifier} {value}" if text.qualifier else value, text.unit)
    return shorten(shown, POLL_OPTION)


def question_label(pack: ContentPack, figure_id: str, tr: Translator) -> str:
    """The figure's label for a question: without the "(mục I.1.1)" that tells look-alike labels apart
    in lists (the explanation cites the source), with its period when the label lacks it."""
    text = pack.figure_text(figure_id, tr.lang)
    word = re.escape(pack.meta_text(tr.lang).citation.section)
    label = re.sub(rf"\s*\([^()]*\b{word}\s[^()]*\)", "", text.label, flags=re.IGNORECASE).strip() or text.label
    if text.period and text.period not in label:
        return f"{label} ({text.period})"
    return label


def _source(pack: ContentPack, section: str, footnote: int | None, tr: Translator) -> str:
    return tr.gettext("Source: {reference}").format(reference=pack.reference(section, footnote, tr.lang))


def poll(pack: ContentPack, plan: Plan, tr: Translator, number: int = 0, total: int = 0) -> Poll:
    """The poll of a plan in the reader's language: question ≤ 300, options ≤ 100, explanation ≤ 200."""
    prefix = tr.gettext("Question {n}/{total}: ").format(n=number, total=total) if number else ""
    study = pack.study
    assert study is not None
    if plan.hand is not None:
        hand = study.hand(plan.hand)
        assert hand is not None
        text = study.hand_text(plan.hand, tr.lang)
        options = tuple(shorten(text.options[i], POLL_OPTION) for i in plan.order)
        explanation = hand_explanation(text.options[hand.answer], text.explanation,
                                       pack.reference(hand.source, hand.footnote, tr.lang))
        return Poll(shorten(prefix + text.question, POLL_QUESTION), options, plan.correct,
                    shorten(explanation, POLL_EXPLANATION))
    assert plan.figure is not None
    fig = pack.figures[plan.figure]
    question = tr.gettext("{label}: what figure does the draft give?").format(
        label=question_label(pack, plan.figure, tr))
    options = tuple(figure_option(pack, plan.figure, v, tr) for v in plan.values)
    answer = options[plan.correct]
    period = pack.figure_text(plan.figure, tr.lang).period
    source = _source(pack, fig.source, fig.footnote, tr)
    explanation = f"✅ {answer} ({period}). {source}" if period else f"✅ {answer}. {source}"
    if len(explanation) > POLL_EXPLANATION:
        explanation = f"✅ {answer}. {source}"
    return Poll(shorten(prefix + question, POLL_QUESTION), options, plan.correct,
                shorten(explanation, POLL_EXPLANATION))


# ---------------------------------------------------------------------------------------------
# Messages


def _notice(pack: ContentPack, tr: Translator) -> list[str]:
    notice = pack.meta_text(tr.lang).status_notice
    return ["", "<i>" + esc(notice) + "</i>"] if notice else []


def intro(pack: ContentPack, series: Series, tr: Translator, replaced: bool = False) -> str:
    study = pack.study
    topic = study.topic_title(series.topic, tr.lang) if study and series.topic else None
    what = tr.ngettext("{n} question", "{n} questions", series.total).format(n=series.total)
    title = tr.gettext("🧠 Quiz on the report: {what}").format(what=what)
    if topic:
        title += f" · {topic}"
    lines = [f"<b>{esc(title)}</b>"]
    if replaced:
        lines.append(esc(tr.gettext("Your earlier quiz was stopped.")))
    if series.private:
        lines.append(esc(tr.gettext("Tap an answer: Telegram shows the explanation and the source, the next "
                                     "question follows, and at the end you get a review of what you missed.")))
    else:
        lines.append(esc(tr.gettext("A question every {seconds} seconds; answer on the poll itself. The "
                                    "scoreboard follows the last question.").format(seconds=series.pause)))
    return "\n".join(lines + _notice(pack, tr))


def busy(series: Series, tr: Translator) -> str:
    return esc(tr.gettext("A quiz is already running here (question {n} of {total}). Wait for its scoreboard, "
                          "or stop it with /quiz stop.").format(n=max(series.sent, 1), total=series.total))


def stop_button(pack: ContentPack, series: Series, tr: Translator) -> Page:
    return "", markup([[button(tr.gettext("⏹ Stop the quiz"), QuizStop(str(series.id)), pack)]])


def feedback(pack: ContentPack, poll_row: PollRow, option: int, right: int, answered: int, total: int,
             tr: Translator) -> str:
    score = tr.gettext("Score: {right}/{answered} (of {total} questions)").format(
        right=right, answered=answered, total=total)
    if option == poll_row.correct:
        return "✅ " + esc(tr.gettext("Right!")) + " " + esc(score)
    answer = poll_row.options[poll_row.correct] if 0 <= poll_row.correct < len(poll_row.options) else "?"
    return "❌ " + esc(tr.gettext("Not quite: the answer is {answer}.").format(answer=answer)) + " " + esc(score)


def _standing_lines(standings: Sequence[Standing], tr: Translator, total: int | None) -> list[str]:
    lines = []
    rank, previous = 0, None
    for n, s in enumerate(standings[:TOP_PLAYERS]):
        if (s.correct, s.answered) != previous:
            rank, previous = n + 1, (s.correct, s.answered)
        # Ties share a place ("1." twice); a medal is for getting something right, not for 0 correct.
        medal = MEDALS[rank - 1] if rank <= len(MEDALS) and s.correct > 0 else f"{rank}."
        score = f"{s.correct}/{total}" if total is not None else tr.gettext("{right} right of {answered}").format(
            right=s.correct, answered=s.answered)
        lines.append(f"{medal} {esc(shorten(s.name, 40))}: <b>{esc(score)}</b>")
    if len(standings) > TOP_PLAYERS:
        more = len(standings) - TOP_PLAYERS
        lines.append(esc(tr.ngettext("… and {n} more player", "… and {n} more players", more).format(n=more)))
    return lines


def scoreboard(pack: ContentPack, series: Series, standings: Sequence[Standing], tr: Translator) -> str:
    lines = ["🏆 <b>" + esc(tr.gettext("Scoreboard: {n} questions").format(n=series.total)) + "</b>"]
    if standings:
        lines += _standing_lines(standings, tr, series.total)
    else:
        lines.append(esc(tr.gettext("Nobody answered this time.")))
    lines += ["", esc(tr.gettext("Standing over 30 days: /quiz top. Another round: /quiz 5."))]
    return "\n".join(lines + _notice(pack, tr))


def standing(pack: ContentPack, standings: Sequence[Standing], tr: Translator, days: int) -> str:
    lines = ["🏆 <b>" + esc(tr.gettext("Standing of this group, last {days} days").format(days=days)) + "</b>"]
    if standings:
        lines += _standing_lines(standings, tr, None)
    else:
        lines.append(esc(tr.gettext("No answers in the last {days} days. Start a quiz: /quiz 5").format(days=days)))
    return "\n".join(lines)


def own_total(total: Standing | None, tr: Translator, days: int) -> str:
    if total is None:
        return esc(tr.gettext("You have no quiz answers in the last {days} days. Start one: /quiz 5").format(
            days=days))
    return "🏆 " + esc(tr.gettext("Your last {days} days: {right} right of {answered} answers.").format(
        days=days, right=total.correct, answered=total.answered))


def _missed_entry(pack: ContentPack, row: PollRow, chosen: int | None, tr: Translator) -> tuple[str, Row]:
    """One missed question: what was asked, the answer given and the right one, and its card."""
    right = row.options[row.correct] if 0 <= row.correct < len(row.options) else "?"
    given = row.options[chosen] if chosen is not None and 0 <= chosen < len(row.options) else None
    lines = [f"❌ <b>{row.position + 1}.</b> {esc(shorten(row.question, 160))}"]
    lines.append("   " + esc(tr.gettext("You chose: {option}").format(option=given) if given is not None
                              else tr.gettext("Not answered")))
    lines.append("   ✅ " + esc(tr.gettext("Answer: {option}").format(option=right)))
    study = pack.study
    kind, _, ident = row.question_id.partition(".")
    if kind == "f" and ident in pack.figures:
        fig, text = pack.figures[ident], pack.figure_text(ident, tr.lang)
        value = figure_option(pack, ident, fig.value or "", tr) if fig.value else tr.gettext("not given yet")
        facts = [f"📊 {text.label}: {value}" + (f" ({text.period})" if text.period else "")]
        if fig.status and fig.status != "pending":
            facts.append(tr.gettext(STATUS_LABELS[fig.status]))
        facts.append("📍 " + pack.reference(fig.source, fig.footnote, tr.lang))
        lines.append("   " + esc(" · ".join(facts)))
        return "\n".join(lines), [button("📊 " + shorten(text.label, 44), cb.FigureCard(ident), pack)]
    hand = study.hand(ident) if study is not None and kind == "h" else None
    if hand is not None:
        lines.append("   📍 " + esc(pack.reference(hand.source, hand.footnote, tr.lang)))
        if hand.item is not None and hand.item in pack.items:
            title = pack.item_text(hand.item, tr.lang).title
            return "\n".join(lines), [button("📄 " + shorten(title, 44), cb.ItemCard(hand.item), pack)]
    return "\n".join(lines), []


def review(pack: ContentPack, series: Series, polls: Sequence[PollRow], chosen: dict[int, int],
           tr: Translator) -> list[Page]:
    """The end of a private quiz: the score, then every missed question with its figure card; split into
    messages under Telegram's limit, the card buttons under the last one."""
    right = sum(1 for p in polls if chosen.get(p.position) == p.correct)
    head = ["🏁 <b>" + esc(tr.gettext("Quiz finished: {right}/{total} right").format(
        right=right, total=len(polls))) + "</b>"]
    missed = [p for p in polls if chosen.get(p.position) != p.correct]
    if missed:
        head.append(esc(tr.gettext("What you missed, with the figure as the report gives it:")))
    else:
        head.append(esc(tr.gettext("All right: well done, comrade!")))
    blocks: list[str] = ["\n".join(head)]
    rows: list[Row] = []
    for row in missed:
        entry, buttons = _missed_entry(pack, row, chosen.get(row.position), tr)
        blocks.append(entry)
        rows.append(buttons)
    blocks.append(esc(tr.gettext("Again: /quiz 5 · your last 30 days: /quiz top")) + "\n".join(_notice(pack, tr)))
    pages: list[str] = []
    current = ""
    for block in blocks:
        if current and len(current) + 2 + len(block) > PART_LIMIT:
            pages.append(current)
            current = block
        else:
            current = f"{current}\n\n{block}" if current else block
    pages.append(current)
    keyboard = markup(rows) if any(rows) else None
    return [(text, keyboard if n == len(pages) - 1 else None) for n, text in enumerate(pages)]


STARTER_LABELS = {"all": N_("Everyone"), "admins": N_("Administrators only")}


def settings_page(pack: ContentPack, starters: str, tr: Translator) -> Page:
    lines = ["⚙️ <b>" + esc(tr.gettext("Quiz settings of this group")) + "</b>",
             esc(tr.gettext("Who may start a quiz: {who}").format(who=tr.gettext(STARTER_LABELS[starters])))]
    rows = [[button(("✅ " if starters == key else "") + tr.gettext(label), QuizSettings(key), pack)]
            for key, label in STARTER_LABELS.items()]
    return "\n".join(lines), markup(rows)


def usage(pack: ContentPack, tr: Translator, problem: str | None = None) -> str:
    """How to use /quiz, with the topics of this pack."""
    from bot.study.series import MAX_QUESTIONS

    study = pack.study
    lines = [esc(problem), ""] if problem else []
    lines += ["🧠 <b>" + esc(tr.gettext("Quiz on the report")) + "</b>",
              esc(tr.gettext("/quiz 5: five questions (1 to {max}); /quiz 5 <topic>: on one topic.").format(
                  max=MAX_QUESTIONS)),
              esc(tr.gettext("/quiz top: standing over 30 days · /quiz stop · /quiz settings (groups)."))]
    if study is not None and study.topics:
        lines += ["", esc(tr.gettext("Topics:"))]
        for t in study.topics:
            n = len(study.question_ids(t.id))
            word = t.words[0] if t.words else t.id
            count = tr.ngettext("{n} question", "{n} questions", n).format(n=n)
            lines.append(f"• <code>/quiz 5 {esc(word)}</code>: {esc(study.topic_title(t.id, tr.lang))} "
                         f"({esc(count)})")
    return "\n".join(lines)
