"""How an item says where it comes from: each place once, and "footnotes" when there are several."""

from __future__ import annotations

from bot.content.pack import load_pack


def test_an_items_place_is_not_repeated_by_the_section_it_lies_in(content_pack):
    targets = [i for i in content_pack.items.values() if i.kind == "target"]
    # the shipped targets list their section (II.2) besides their own place (II.2, target (n))
    assert any(set(content_pack.ancestors(t.source)) & set(t.sections) for t in targets)
    for item in content_pack.items.values():
        for lang in ("vi", "en"):
            ref = content_pack.item_reference(item, lang)
            places = ref.split("; ")
            assert len(places) == len(set(places)), ref
            for ancestor in content_pack.ancestors(item.source):
                assert content_pack.reference(ancestor, lang=lang) not in places[1:], ref
    first = targets[0]
    assert content_pack.item_reference(first, "vi") == content_pack.reference(first.source, lang="vi")


def test_several_footnotes_are_footnotes_in_english_and_chu_thich_in_vietnamese(content_pack):
    item = next(i for i in content_pack.items.values() if len(i.footnotes) > 1)
    numbers = ", ".join(str(n) for n in item.footnotes)
    assert f"footnotes {numbers}" in content_pack.item_reference(item, "en")
    assert f"chú thích {numbers}" in content_pack.item_reference(item, "vi")
    single = next(i for i in content_pack.items.values() if len(i.footnotes) == 1)
    assert f"footnote {single.footnotes[0]}" in content_pack.item_reference(single, "en")
    assert "footnotes" not in content_pack.item_reference(single, "en")


def test_a_pack_without_a_plural_word_uses_the_singular():
    pack = load_pack("tests/fixtures/otherpack")
    item = next(i for i in pack.items.values() if i.footnotes)
    item = item.model_copy(update={"footnotes": [*item.footnotes, 2]})
    words = pack.meta_text("en").citation
    assert words.footnotes is None
    assert f", {words.footnote} {item.footnotes[0]}, 2" in pack.item_reference(item, "en")
