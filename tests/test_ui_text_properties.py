"""Properties of the text helpers every screen relies on: splitting, highlighting and excerpts always
produce valid HTML under the limit, and never lose or invent text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.fakeapi import parse_html
from bot.render import callbacks as cb
from bot.render.text import Block, excerpt, highlight, join_blocks, shorten, split_blocks
from tests.ui_helpers import check_html

# Text with the characters that break HTML, Vietnamese, emoji and sentence ends.
ALPHABET = st.sampled_from([*"abc đảng viên GRDP <>&\"'.;!? 239.163 14,99\n🙂", "tăng", "trưởng", ". "])
TEXT = st.lists(ALPHABET, max_size=400).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TEXT, st.sampled_from(["", "i", "b"])), min_size=1, max_size=12),
       st.integers(min_value=40, max_value=3500))
def test_split_blocks_keeps_every_part_valid_and_under_the_limit(blocks, limit):
    source = [Block(text, wrap) for text, wrap in blocks if text.strip()]
    parts = split_blocks(source, limit=limit)
    for part in parts:
        html = join_blocks(part)
        assert len(html) <= limit
        parse_html(html)
    def squeeze(texts):
        return "".join("".join(t.split()) for t in texts)

    assert squeeze(b.text for part in parts for b in part) == squeeze(b.text for b in source), "nothing lost"


@settings(max_examples=500, deadline=None)
@given(TEXT, st.lists(st.tuples(st.integers(-5, 450), st.integers(-5, 450)), max_size=8))
def test_highlight_is_valid_html_showing_the_text_unchanged(text, spans):
    html = highlight(text, spans)
    check_html(html) if len(html) < 4000 else parse_html(html)
    assert parse_html(html) == text


@settings(max_examples=300, deadline=None)
@given(TEXT, st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400)), max_size=5),
       st.integers(20, 400))
def test_excerpt_spans_stay_inside_the_window(text, spans, width):
    spans = [(s, e) for s, e in spans if s < e <= len(text)]
    window, shifted = excerpt(text, spans, width)
    for start, end in shifted:
        assert 0 <= start < end <= len(window)
    assert parse_html(highlight(window, shifted)) == window


@settings(max_examples=300, deadline=None)
@given(TEXT, st.integers(5, 60))
def test_shorten_respects_the_limit(text, limit):
    short = shorten(text, limit)
    assert len(short) <= limit


@settings(max_examples=1000, deadline=None)
@given(st.text(max_size=70))
def test_decode_never_raises_on_any_text(data):
    result = cb.decode(data, "abcd1234")
    if result is not None:
        assert cb.encode(result, "abcd1234") == data, "only canonical payloads decode"
