"""``python -m bot check-content [DIR]``: validate a content pack, print every error as file:line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.content.pack import ContentError, load_pack


def main(directory: str | Path | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    root = Path(directory) if directory else Path("content")
    try:
        pack = load_pack(root)
    except ContentError as exc:
        for error in exc.errors:
            print(error, file=out)
        print(f"\n{len(exc.errors)} error(s) in content pack {root}", file=out)
        return 1
    pending = sum(1 for f in pack.figures.values() if f.status == "pending")
    footnotes_cited = len({f.footnote for f in pack.figures.values() if f.footnote})
    print(
        f"content pack {root} OK: version {pack.meta.version}, {len(pack.sections)} sections, "
        f"{len(pack.items)} items, {len(pack.figures)} figures ({pending} pending), "
        f"{len(pack.footnotes)} footnotes ({footnotes_cited} cited by figures), {len(pack.notes)} notes",
        file=out,
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else None))
