"""The token never reaches a log line, at any level, through any logger, in messages, arguments or
tracebacks; and a problem that repeats is logged once a minute with a count, not once per update."""

from __future__ import annotations

import io
import logging

import pytest

from bot.logs import REDACTED, Throttled, install_redaction, redact

TOKEN = "123456789:" + "AbC_dEf-" * 5
OTHER = "987654321:" + "z" * 35


@pytest.fixture
def captured():
    """A logger tree like the bot's: a root handler, library loggers propagating to it."""
    stream = io.StringIO()
    root = logging.getLogger("redaction-test")
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    root.propagate = False
    install_redaction([TOKEN], root)
    yield root, stream
    root.removeHandler(handler)


@pytest.mark.parametrize("level", [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL])
def test_the_token_is_redacted_at_every_level(captured, level) -> None:
    _, stream = captured
    library = logging.getLogger("redaction-test.telegram.Bot")  # a child logger: the handler's filter
    library.log(level, "Set Bot API URL: %s", f"https://api.telegram.org/bot{TOKEN}")
    library.log(level, f"in the message itself: /bot{TOKEN}/getMe")
    library.log(level, "as an argument %r and %s", {"url": f"/bot{TOKEN}"}, OTHER)
    try:
        raise ValueError(f"echoed by a proxy: <html>/bot{TOKEN}/getUpdates</html>")
    except ValueError:
        library.log(level, "failed", exc_info=True, stack_info=True)
    out = stream.getvalue()
    assert TOKEN not in out and OTHER not in out and "AbC_dEf-AbC_dEf" not in out
    assert out.count(REDACTED) >= 5
    assert "Traceback" in out and "getUpdates" in out  # the rest of the line is kept


def test_a_record_with_broken_arguments_is_still_logged_redacted(captured) -> None:
    root, stream = captured
    root.error("%s %s", TOKEN)  # one argument short
    assert TOKEN not in stream.getvalue() and REDACTED in stream.getvalue()


def test_redact_leaves_ordinary_text_alone() -> None:
    assert redact("chat 123456789 at 12:30, figure 239.163") == "chat 123456789 at 12:30, figure 239.163"
    assert redact(f"x{TOKEN}y", [TOKEN]) == f"x{REDACTED}y"


def test_a_recurring_problem_is_logged_once_a_minute_with_a_count(caplog) -> None:
    now = [0.0]
    throttled = Throttled(logging.getLogger("throttle-test"), 60.0, clock=lambda: now[0])
    with caplog.at_level(logging.ERROR, logger="throttle-test"):
        for second in range(600):  # ten minutes of a full disk, 50 failures a second
            now[0] = float(second)
            for _ in range(50):
                throttled.error("full", "database is full")
        throttled.error("locked", "database is locked")  # another kind is not held back
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 11
    assert lines[0] == "database is full" and "2999 more like this" in lines[1]
    assert lines[-1] == "database is locked"
