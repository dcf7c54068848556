"""Safe YAML reading with line numbers.

Only plain data is accepted: mappings, lists, strings, numbers, booleans and null. Tags,
anchors and aliases (and so "billion laughs" bombs), duplicate keys and tabs used for
indentation are errors that name the line. Dates stay strings, so the one converter
decides what a date is.

Where PyYAML was built with libyaml, text is parsed by the C parser and the nodes are
turned into values by a small walker with the same rules; anything the fast path does not
accept as plain data (a tag, an anchor, a duplicate key, a syntax error...) is parsed
again by the pure-Python loader, so every error message and line number is the same.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import yaml

from gmspolicy.errors import DataError, Problem
from gmspolicy.errors import ProblemCode as C


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


_CParser: Any
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # PyYAML built without libyaml
    _CParser = None
# A line (as str.splitlines() sees lines) whose indentation holds a tab.
_TAB_INDENT = re.compile(r"(?:\A|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]) *\t")
# An anchor (&a) or alias (*a) where a node may start; also matches some harmless text
# (which then just takes the slow path).
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[\s\[\]{},:?-])[&*][^\s\[\]{},]")
_STR = "tag:yaml.org,2002:str"
#: Longest integer or float read, in characters (an integer beyond 2**53 is refused by
#: validation; one with thousands of digits is refused here, before converting it).
MAX_NUMBER_CHARS = 24


def _construct_number(loader: Any, node: yaml.ScalarNode) -> Any:
    if len(node.value) > MAX_NUMBER_CHARS:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            f"a number of {len(node.value)} characters (at most {MAX_NUMBER_CHARS})",
            node.start_mark,
        )
    if node.tag.endswith(":int"):
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    return yaml.SafeLoader.construct_yaml_float(loader, node)


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_number)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_number)
_SCALAR_TAGS = {
    "tag:yaml.org,2002:null": yaml.SafeLoader.construct_yaml_null,
    "tag:yaml.org,2002:bool": yaml.SafeLoader.construct_yaml_bool,
    "tag:yaml.org,2002:int": _construct_number,
    "tag:yaml.org,2002:float": _construct_number,
}
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


class _Fallback(Exception):
    """The fast path met something only the pure-Python loader reports exactly."""


if _CParser is not None:

    class _CLoader(_CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):  # type: ignore[misc]
        """libyaml's parser and composer with :class:`_Loader`'s resolvers (no timestamps)."""

        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)


def _done(node: Any) -> Any:
    """What :func:`_fast_load`'s builder is replaced by once it is done."""
    raise AssertionError("the YAML builder is used after it is done")


def _fast_load(text: str) -> Any:
    """Parse with libyaml; raise :class:`_Fallback` for anything but plain data."""
    if ("&" in text or "*" in text) and _ANCHOR_OR_ALIAS.search(text):
        raise _Fallback
    loader = _CLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError:
        raise _Fallback from None
    finally:
        loader.dispose()
    if node is None:
        return None
    seen: set[int] = set()
    scalar_loader: Any = _Loader("")

    def build(node: Any) -> Any:
        ident = id(node)
        if ident in seen:  # an alias: the same node twice
            raise _Fallback
        seen.add(ident)
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _MAP:
            value: dict[str, Any] = {}
            key_lines: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag != _STR:
                    raise _Fallback
                key = key_node.value
                if key in value:
                    raise _Fallback
                value[key] = build(value_node)
                key_lines[key] = key_node.start_mark.line + 1
            return Located(value, node.start_mark.line + 1, key_lines)
        if tag == _SEQ:
            return [build(item) for item in node.value]
        construct = _SCALAR_TAGS.get(tag)
        if construct is None:
            raise _Fallback
        try:
            return construct(scalar_loader, node)
        except yaml.YAMLError:
            raise _Fallback from None  # the pure-Python loader says where and why

    try:
        return build(node)
    finally:
        # ``build`` refers to itself: left alone, it, ``seen`` and ``scalar_loader``
        # (which keeps the nodes it constructed) would live on as a reference cycle,
        # which a command (run without the cyclic collector) never frees
        build = _done


def load_yaml(text: str, name: str) -> Any:
    """Parse YAML ``text``; mappings come back as :class:`Located`.

    Raises :class:`DataError` naming ``name:LINE`` for any syntax or safety problem.
    """
    if "\t" in text and _TAB_INDENT.search(text):
        for lineno, line in enumerate(text.splitlines(), 1):
            if line.lstrip(" ").startswith("\t"):
                raise DataError(
                    [
                        Problem(
                            f"{name}:{lineno}",
                            "tab used for indentation; use spaces",
                            C.INVALID_YAML,
                        )
                    ]
                )
    if _CParser is not None:
        try:
            return _fast_load(text)
        except (_Fallback, RecursionError):
            pass
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f"{name}:{mark.line + 1}" if mark is not None else name
        message = exc.problem or exc.context or "invalid YAML"
        raise DataError([Problem(place, f"invalid YAML: {message}", C.INVALID_YAML)]) from None
    except yaml.YAMLError as exc:
        raise DataError([Problem(name, f"invalid YAML: {exc}", C.INVALID_YAML)]) from None
    except RecursionError:
        raise DataError(
            [Problem(name, "invalid YAML: nested too deeply", C.INVALID_YAML)]
        ) from None
