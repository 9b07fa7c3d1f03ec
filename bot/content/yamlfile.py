"""YAML reading that remembers line numbers, so every content error can say file:line; and validation of
what was read against a pydantic model, each error at the line of the entry it concerns."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class LineDict(dict[Any, Any]):
    """A mapping from YAML that knows where it and each of its keys start (1-based lines)."""

    line: int = 0
    key_lines: dict[str, int]


if TYPE_CHECKING:  # the checker knows the pure-Python loader; libyaml's has the same constructor API
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster


class _LineLoader(_SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} in one mapping", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[str(key)] = key_node.start_mark.line + 1
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class YamlError(ValueError):
    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


def read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError(path, 1, f"cannot read file ({exc})") from None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(path, line, f"YAML syntax error: {problem} (check indentation and quotes)") from None
    except yaml.YAMLError as exc:
        raise YamlError(path, 1, f"YAML error: {exc}") from None


def line_of(data: Any, key: str | None = None) -> int:
    if isinstance(data, LineDict):
        if key is not None and key in data.key_lines:
            return data.key_lines[key]
        return data.line
    return 1


def line_at(data: Any, loc: Sequence[Any]) -> int:
    """The line of the deepest mapping (or key) on the path ``loc`` (pydantic's error location)."""
    line = data.line if isinstance(data, LineDict) else 1
    node = data
    for key in loc:
        if isinstance(node, LineDict) and isinstance(key, str) and key in node:
            line = node.key_lines.get(key, line)
            node = node[key]
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
            line = node.line if isinstance(node, LineDict) else line
        else:
            break
    return line


def schema_errors(exc: ValidationError, path: Path, data: Any, what: str | None = None) -> list[str]:
    """``file:line: what: field 'a.b': message`` for each error pydantic found in ``data``."""
    errors = []
    for err in exc.errors():
        loc = tuple(err.get("loc", ()))
        where = ".".join(str(p) for p in loc) or "(whole entry)"
        msg = err.get("msg", "invalid")
        if err.get("type") == "extra_forbidden":
            msg = "unknown field; check its spelling against content/README.md"
        elif err.get("type") == "missing":
            msg = "required field is missing"
        prefix = f"{what}: " if what else ""
        errors.append(f"{path}:{line_at(data, loc)}: {prefix}field '{where}': {msg}")
    return errors


def validated(model: type[M], data: Any, path: Path, errors: list[str], what: str | None = None) -> M | None:
    """``data`` as ``model``, or None with every problem appended to ``errors`` (file:line each)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors.extend(schema_errors(exc, path, data, what))
        return None
