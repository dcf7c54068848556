"""Safe YAML reading with line numbers.

Only plain data is accepted: mappings, lists, strings, numbers, booleans and null. Tags,
anchors and aliases (and so "billion laughs" bombs), duplicate keys and tabs used for
indentation are errors that name the line. Dates stay strings, so the one converter
decides what a date is.
"""

from __future__ import annotations

from typing import Any

import attrs
import yaml

from gmspolicy.errors import DataError, Problem


@attrs.frozen
class Located:
    """A YAML mapping with the line of each of its keys (1-based)."""

    value: dict[str, Any]
    line: int
    key_lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    """SafeLoader without timestamps, aliases or duplicate keys, keeping line numbers."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                None, None, "anchors and aliases are not allowed", event.start_mark
            )
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if getattr(event, "anchor", None):
            raise yaml.MarkedYAMLError(
                None, None, "anchors and aliases are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)


# Plain scalars that look like dates stay strings.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    value: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.MarkedYAMLError(
                None, None, f"keys must be text, got {key!r}", key_node.start_mark
            )
        if key in value:
            raise yaml.MarkedYAMLError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        value[key] = loader.construct_object(value_node, deep=True)
        key_lines[key] = key_node.start_mark.line + 1
    return Located(value, node.start_mark.line + 1, key_lines)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _reject_tag(loader: _Loader, suffix: str, node: yaml.Node) -> Any:
    raise yaml.MarkedYAMLError(None, None, f"tag {node.tag!r} is not allowed", node.start_mark)


_Loader.add_multi_constructor("!", _reject_tag)
_Loader.add_multi_constructor("tag:", _reject_tag)


def plain(value: Any) -> Any:
    """Strip :class:`Located` wrappers, giving plain dicts and lists."""
    if isinstance(value, Located):
        return {k: plain(v) for k, v in value.value.items()}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def load_yaml(text: str, name: str) -> Any:
    """Parse YAML ``text``; mappings come back as :class:`Located`.

    Raises :class:`DataError` naming ``name:LINE`` for any syntax or safety problem.
    """
    for lineno, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            raise DataError([Problem(f"{name}:{lineno}", "tab used for indentation; use spaces")])
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f"{name}:{mark.line + 1}" if mark is not None else name
        message = exc.problem or exc.context or "invalid YAML"
        raise DataError([Problem(place, f"invalid YAML: {message}")]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(name, f"invalid YAML: {exc}")]) from None
