"""The codebase's own shape: no import cycle inside bot/, and no module of bot/ over 500 lines.

Imports are read from the source (module level and inside functions alike: a local import is still a
cycle, only hidden), except those under ``if TYPE_CHECKING:``, which never run. Importing ``a.b.c``
also runs the packages ``a`` and ``a.b`` first, so they count as imported too (unless the importer is
inside them: a package's own modules are started by it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"
MAX_LINES = 500


def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module and package of bot/."""
    out: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _type_checking_nodes(tree: ast.Module) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for n in node.body for n in ast.walk(n))
    return skipped


def _ancestors(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def imported(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The modules of bot/ that running module ``name`` imports (see the module doc)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                head = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*head, base] if base else head)
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                targets.add(sub if sub in known else base)
    own = set(_ancestors(name))
    found: set[str] = set()
    for target in targets:
        for each in (*_ancestors(target), target):
            if each in known and each != name and each not in own:
                found.add(each)
    return found


def cycles(graph: dict[str, set[str]]) -> Iterator[list[str]]:
    """Each strongly connected group of more than one module (Tarjan), as one cycle through it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(group)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    for group in groups:
        start = min(group)
        path, seen = [start], {start}
        while True:  # walk inside the group until a module repeats: that is a cycle
            step = min(m for m in graph[path[-1]] if m in group)
            if step in seen:
                yield [*path[path.index(step):], step]
                break
            path.append(step)
            seen.add(step)


def test_no_import_cycle_in_bot() -> None:
    known = modules()
    graph = {name: imported(name, path, known) for name, path in known.items()}
    found = [" -> ".join(cycle) for cycle in cycles(graph)]
    assert not found, "import cycles in bot/:\n" + "\n".join(found)


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert list(cycles(graph)) == [["a", "b", "c", "a"]]
    assert list(cycles({"a": {"b"}, "b": set()})) == []


def test_importing_a_module_imports_its_packages(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("from bot.content.search import rank\nif TYPE_CHECKING:\n    import bot.app\n")
    known = modules()
    assert imported("bot.render.x", source, known) == {"bot.content", "bot.content.search",
                                                          "bot.content.search.rank", "bot"} - {"bot"}
    assert imported("bot.content.search.index", source, known) == {"bot.content.search.rank"}


def test_no_module_of_bot_is_over_500_lines() -> None:
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    over = {name: size for name, size in sizes.items() if size > MAX_LINES}
    assert not over, f"modules over {MAX_LINES} lines (split them by concern): {over}"
