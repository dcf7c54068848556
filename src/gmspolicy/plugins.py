"""The plugin registry: finding, importing and checking loaders and exporters.

Loaders and exporters are found through the entry-point groups ``gmspolicy.loaders`` and
``gmspolicy.exporters`` and, optionally, loose ``.py`` files in a plugins directory. The
built-in exporters register through the same entry points a third-party package uses.
Nothing is imported until a registry is first asked for (lazy loading).

A plugin is third-party code, so nothing it does can take the command down or fake
success: a plugin that fails to import (any exception, ``sys.exit`` included), has a
name that is not a string, lacks part of the contract, or shares its name with another
plugin is recorded as failed (:meth:`Registry.infos`, ``gmspolicy plugins``) and skipped;
asking for it by name gives one :class:`~gmspolicy.errors.PluginError` line naming it.
:func:`run_loader`, :func:`render` and :func:`render_chunks` call a plugin, check the
types of what it returns and wrap any error that is not gmspolicy's own with the plugin's
name (for chunks, also each chunk and any error raised while they are made).
"""

from __future__ import annotations

import contextlib
import importlib.util
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

import attrs

from gmspolicy._entry_points import IndexedEntryPoint, entry_points
from gmspolicy._lazy import attach
from gmspolicy._typecheck import type_error
from gmspolicy.errors import GmsPolicyError, PluginError, UsageError
from gmspolicy.exporters.contract import Exporter

if TYPE_CHECKING:
    from gmspolicy.loaders.contract import LoadContext, Loader, LoadResult
    from gmspolicy.query.views import View

__all__ = [
    "EXPORTER_GROUP",
    "LOADER_GROUP",
    "Exporter",
    "Loader",
    "PluginInfo",
    "Registry",
    "check_result",
    "exporters",
    "loaders",
    "render",
    "render_chunks",
    "run_loader",
]

EXPORTER_GROUP = "gmspolicy.exporters"
LOADER_GROUP = "gmspolicy.loaders"

#: The first-party plugins that live in their own packages (``plugins/`` in the
#: repository): asked for when not installed, the message names the package to install.
FIRST_PARTY: dict[tuple[str, str], str] = {
    (LOADER_GROUP, "untc"): "gmspolicy-untc",
    (LOADER_GROUP, "normlex"): "gmspolicy-normlex",
    (LOADER_GROUP, "ohchr"): "gmspolicy-ohchr",
    (LOADER_GROUP, "csv"): "gmspolicy-csvsheet",
    (LOADER_GROUP, "tbdb"): "gmspolicy-tbdb",
}

#: A plugin kind: :class:`~gmspolicy.loaders.contract.Loader` or
#: :class:`~gmspolicy.exporters.contract.Exporter`.
P = TypeVar("P", "Loader", Exporter)

#: Longest error text kept from a plugin's exception (it is printed on one line).
_MAX_ERROR = 300


@attrs.frozen
class PluginInfo:
    """A plugin found by discovery: its name, where it comes from, and whether it loaded.

    ``origin`` is ``"PACKAGE VERSION"`` for an installed package or the path of a
    plugins-directory file; ``package`` and ``version`` are ``None`` for such a file.
    ``description`` and ``options`` (a loader's ``--opt`` names and their help) are known
    only for a plugin that loaded; ``error`` says why one failed.
    """

    kind: str
    name: str
    origin: str
    error: str | None = None
    package: str | None = None
    version: str | None = None
    description: str | None = None
    options: tuple[tuple[str, str], ...] = ()

    @property
    def status(self) -> str:
        """``ok`` or ``failed``."""
        return "failed" if self.error is not None else "ok"

    def to_json(self) -> dict[str, object]:
        """The plugin as a JSON object (what ``gmspolicy plugins --json`` prints)."""
        return {
            "kind": self.kind,
            "name": self.name,
            "package": self.package,
            "version": self.version,
            "origin": self.origin,
            "status": self.status,
            "error": self.error,
            "description": self.description,
            "options": dict(self.options),
        }


@attrs.frozen
class _Candidate:
    """A plugin found but not yet imported: an entry point, or a class from a file."""

    obj: object
    origin: str
    package: str | None = None
    version: str | None = None


@attrs.define
class Registry(Generic[P]):
    """Plugins of one kind (exporters or loaders), checked against that kind's contract.

    Discovery reads only the entry-point metadata (and imports the loose files of a
    plugins directory); a plugin's module is imported the first time it is asked for, so
    rendering Markdown never imports the HTML exporter's dependencies.
    """

    group: str
    plugins_dir: Path | None
    _check: Callable[[str, object], P]
    _candidates: dict[str, list[_Candidate]] = attrs.field(factory=dict)
    _plugins: dict[str, P] = attrs.field(factory=dict)
    _infos: dict[str, PluginInfo] = attrs.field(factory=dict)
    failures: list[PluginInfo] = attrs.field(factory=list)
    _duplicates: dict[str, str] = attrs.field(factory=dict)
    _discovered: bool = False
    #: Read the entry points through the index the command line keeps
    #: (:mod:`gmspolicy._entry_points`) instead of scanning every time.
    index: bool = False

    @property
    def kind(self) -> str:
        """``exporter`` or ``loader``."""
        return "exporter" if self.group == EXPORTER_GROUP else "loader"

    def _discover(self) -> None:
        if self._discovered:
            return
        if self.plugins_dir is not None and not self.plugins_dir.is_dir():
            raise UsageError(f"{self.plugins_dir}: plugins directory does not exist")
        self._discovered = True
        for ep in entry_points(self.group, index=self.index):
            self._candidate(ep.name, _Candidate(ep, ep.origin, ep.package, ep.version))
        if self.plugins_dir is not None:
            self._discover_dir(self.plugins_dir)
        for name, found in self._candidates.items():
            if len(found) > 1:
                self._fail_duplicates(name, found)

    def _discover_dir(self, folder: Path) -> None:
        attr = "EXPORTERS" if self.kind == "exporter" else "LOADERS"
        for path in sorted(folder.glob("*.py")):
            origin = str(path)
            try:
                with _plugin_code():
                    module = _import_file(path)
                found = getattr(module, attr, None)
                if found is None:
                    continue
                if not isinstance(found, (list, tuple)):
                    raise TypeError(f"{attr} must be a list of classes")
                named = [(getattr(obj, "name", path.stem), obj) for obj in found]
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # a broken plugin must not stop the others
                self._fail(path.stem, _Candidate(None, origin), _describe_error(exc))
                continue
            for name, obj in named:
                if not isinstance(name, str) or not name:
                    label = f"{path.stem}:{_safe_repr(getattr(obj, '__name__', '?'), False)}"
                    self._fail(
                        label,
                        _Candidate(obj, origin),
                        f"its name must be a non-empty string, not {_safe_repr(name)}",
                    )
                    continue
                self._candidate(name, _Candidate(obj, origin))

    def _candidate(self, name: str, candidate: _Candidate) -> None:
        self._candidates.setdefault(name, []).append(candidate)

    def _fail(self, name: str, candidate: _Candidate, error: str) -> None:
        self.failures.append(
            PluginInfo(
                self.kind, name, candidate.origin, error, candidate.package, candidate.version
            )
        )

    def _fail_duplicates(self, name: str, found: list[_Candidate]) -> None:
        origins = [c.origin for c in found]
        if len(origins) == 2:
            where = f"one from {origins[0]}, one from {origins[1]}"
            error = f"two {self.kind}s are named {name!r}: {where}"
        else:
            error = f"{len(origins)} {self.kind}s are named {name!r}: from {', '.join(origins)}"
        self._duplicates[name] = error
        for candidate in found:
            self._fail(name, candidate, error)

    def _failure(self, name: str, origin: str | None = None) -> PluginInfo | None:
        """The failure recorded for ``name`` (from ``origin``, if given)."""
        return next(
            (f for f in self.failures if f.name == name and origin in (None, f.origin)), None
        )

    def _load(self, name: str) -> P | None:
        """Import and check the plugin ``name``; ``None`` (and a failure) if it fails."""
        if name in self._plugins:
            return self._plugins[name]
        if name in self._duplicates:
            return None
        (candidate,) = self._candidates[name]
        if self._failure(name, candidate.origin) is not None:
            return None
        try:
            with _plugin_code():
                obj = candidate.obj
                if isinstance(obj, IndexedEntryPoint):
                    obj = obj.load()
                instance = obj() if isinstance(obj, type) else obj
                plugin = self._check(name, instance)
            info = PluginInfo(
                self.kind,
                name,
                candidate.origin,
                None,
                candidate.package,
                candidate.version,
                plugin.description,
                _options(plugin),
            )
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a broken plugin must not stop the others
            self._fail(name, candidate, _describe_error(exc))
            return None
        self._plugins[name] = plugin
        self._infos[name] = info
        return plugin

    def names(self) -> list[str]:
        """The names of every plugin found, sorted (none is imported)."""
        self._discover()
        return sorted(self._candidates)

    def get(self, name: str) -> P:
        """The plugin called ``name`` (imported now if need be); :class:`UsageError`
        naming the choices if unknown, :class:`PluginError` if it failed to load."""
        self._discover()
        plugin = self._load(name) if name in self._candidates else None
        if plugin is not None:
            return plugin
        if name in self._duplicates:
            raise PluginError(self._duplicates[name])
        origin = self._candidates[name][0].origin if name in self._candidates else None
        failed = self._failure(name, origin)
        if failed is None:
            hint = FIRST_PARTY.get((self.group, name))
            if hint is not None:
                raise UsageError(
                    f"{self.kind} {name!r} is not installed: it comes with the {hint} package "
                    f"(pip install ./plugins/{hint.removeprefix('gmspolicy-')} from a gmspolicy "
                    "checkout)"
                )
            raise UsageError(f"unknown {self.kind} {name!r} (one of: {', '.join(self.names())})")
        raise PluginError(
            f"{self.kind} {name!r} from {failed.origin} failed to load: {failed.error}"
        )

    def load_all(self) -> dict[str, P]:
        """Import every plugin; the ones that loaded, by name."""
        self._discover()
        for name in sorted(self._candidates):
            self._load(name)
        return dict(sorted(self._plugins.items()))

    def infos(self) -> list[PluginInfo]:
        """Every plugin found, loaded or not (imports them all): the ones that loaded,
        then the failures, each sorted by name."""
        loaded = self.load_all()
        ok = [self._infos[n] for n in loaded]
        return ok + sorted(self.failures, key=lambda f: (f.name, f.origin))


def _plugin_code() -> contextlib.AbstractContextManager[object]:
    """Around plugin code: what it prints goes to stderr, so it can never mix into the
    output a command writes to stdout."""
    return contextlib.redirect_stdout(sys.stderr)


@contextlib.contextmanager
def _foreign(failed: str) -> Iterator[None]:
    """Around a call into plugin code (:func:`_plugin_code`): an error that is not
    gmspolicy's own (any exception, ``sys.exit`` included; an interrupt passes) becomes a
    :class:`PluginError` ``FAILED: TypeName: message``. Third-party code: never a
    traceback, never exit 0."""
    try:
        with _plugin_code():
            yield
    except (GmsPolicyError, KeyboardInterrupt):
        raise
    except BaseException as exc:
        raise PluginError(f"{failed}: {_describe_error(exc)}") from exc


def _describe_error(exc: BaseException) -> str:
    """An exception as one short line: ``TypeName: message`` (control characters and
    line breaks replaced, long messages cut), whatever its ``__str__`` does."""
    try:
        text = str(exc)
    except KeyboardInterrupt:
        raise
    except BaseException:
        text = "(its message cannot be printed)"
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    if len(text) > _MAX_ERROR:
        text = text[: _MAX_ERROR - 3] + "..."
    label = type(exc).__name__
    if isinstance(exc, SystemExit):
        label = "SystemExit (the plugin called sys.exit)"
    return f"{label}: {text}" if text else label


def _safe_repr(value: object, quoted: bool = True) -> str:
    """``repr(value)`` (or ``str`` for a string, unquoted), at most 60 characters, even
    for an object whose ``__repr__`` raises."""
    try:
        text = repr(value) if quoted or not isinstance(value, str) else value
    except KeyboardInterrupt:
        raise
    except BaseException:
        text = f"a {type(value).__name__} that cannot be shown"
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text if len(text) <= 60 else text[:57] + "..."


def _options(plugin: Loader | Exporter) -> tuple[tuple[str, str], ...]:
    options = getattr(plugin, "options", None)
    return tuple(options.items()) if isinstance(options, Mapping) else ()


def _common_contract(kind: str, name: str, obj: object, needed: tuple[str, ...]) -> None:
    missing = [a for a in needed if not hasattr(obj, a)]
    if missing:
        raise TypeError(f"{kind} {name!r} lacks {', '.join(missing)}")
    own = getattr(obj, "name")  # noqa: B009 (obj is not typed)
    if not isinstance(own, str) or not own:
        raise TypeError(f"its name must be a non-empty string, not {_safe_repr(own)}")
    if own != name:
        raise TypeError(f"it is registered as {name!r} but calls itself {_safe_repr(own)}")
    description = getattr(obj, "description")  # noqa: B009
    if not isinstance(description, str):
        raise TypeError(f"description must be a string, not {type(description).__name__}")


def _check_exporter(name: str, obj: object) -> Exporter:
    """``obj`` if it is an exporter (the contract's attributes, of the right types)."""
    _common_contract("exporter", name, obj, ("name", "description", "binary", "views", "render"))
    for attr, hint in (("binary", bool), ("views", frozenset[str])):
        problem = type_error(getattr(obj, attr), hint, attr)
        if problem is not None:
            raise TypeError(problem)
    if not callable(getattr(obj, "render")):  # noqa: B009
        raise TypeError("render is not callable")
    if hasattr(obj, "render_chunks") and not callable(getattr(obj, "render_chunks")):  # noqa: B009
        raise TypeError("render_chunks is not callable")
    return cast(Exporter, obj)


def _check_loader(name: str, obj: object) -> Loader:
    """``obj`` if it is a loader (the contract's attributes, of the right types)."""
    _common_contract("loader", name, obj, ("name", "description", "options", "load"))
    problem = type_error(getattr(obj, "options"), Mapping[str, str], "options")  # noqa: B009
    if problem is not None:
        raise TypeError(problem)
    if not callable(getattr(obj, "load")):  # noqa: B009
        raise TypeError("load is not callable")
    return cast("Loader", obj)


#: Largest plugin file read from a plugins directory, in bytes.
MAX_PLUGIN_FILE_BYTES = 4 * 1024 * 1024


def _import_file(path: Path) -> Any:
    """Import a loose plugin file, checked with the bounded reader first: a FIFO, a
    device or an oversized file is refused (an error the registry reports), never waited
    on or read without bound."""
    from gmspolicy.dataset._files import read_file_bounded

    data = read_file_bounded(path, MAX_PLUGIN_FILE_BYTES)
    if isinstance(data, str):
        raise ImportError(f"{path}: {data}")
    mod_name = f"gmspolicy_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(mod_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    spec.loader.exec_module(module)
    return module


#: The registries made so far, by entry-point group, plugins directory and use of the index.
_registries: dict[tuple[str, Path | None, bool], Registry[Any]] = {}


def exporters(plugins_dir: Path | None = None, *, index: bool = False) -> Registry[Exporter]:
    """The exporter registry (one per plugins directory). With ``index``, the installed
    exporters are found through the entry-point index the command line keeps
    (:mod:`gmspolicy._entry_points`), not by a scan of every distribution."""
    key = (EXPORTER_GROUP, plugins_dir, index)
    if key not in _registries:
        _registries[key] = Registry(EXPORTER_GROUP, plugins_dir, _check_exporter, index=index)
    return cast("Registry[Exporter]", _registries[key])


def loaders(plugins_dir: Path | None = None, *, index: bool = False) -> Registry[Loader]:
    """The loader registry (one per plugins directory); ``index`` as for
    :func:`exporters`."""
    key = (LOADER_GROUP, plugins_dir, index)
    if key not in _registries:
        _registries[key] = Registry(LOADER_GROUP, plugins_dir, _check_loader, index=index)
    return cast("Registry[Loader]", _registries[key])


def run_loader(
    loader: Loader, location: str, options: Mapping[str, str], context: LoadContext
) -> LoadResult:
    """Call ``loader.load`` and check what it returns.

    A loader that raises an error that is not gmspolicy's own (any exception,
    ``sys.exit`` included) gives a :class:`PluginError` naming the loader and the
    location; one that returns anything but a :class:`LoadResult` whose every field has
    its declared type, or cites a source it does not return, gives a :class:`PluginError`
    naming the loader and the field. Never partial data.
    """
    name = getattr(loader, "name", type(loader).__name__)
    with _foreign(f"{location}: loader {name!r} failed"):
        result = loader.load(location, options, context)
    check_result(name, result)
    return result


def check_result(name: str, result: object) -> LoadResult:
    """``result`` if it is a well-typed :class:`LoadResult` whose facts cite only the
    sources it returns; a :class:`PluginError` naming loader ``name`` otherwise."""
    from gmspolicy.loaders.contract import LoadResult

    if not isinstance(result, LoadResult):
        raise PluginError(f"loader {name!r} returned {type(result).__name__}, expected LoadResult")
    problem = type_error(result, LoadResult, "result")
    if problem is not None:
        raise PluginError(f"loader {name!r} returned a malformed result: {problem}")
    defined = {s.id for s in result.sources}
    for part in result.participations:
        for sid in part.sources:
            if sid not in defined:
                raise PluginError(
                    f"loader {name!r}: {part.country} x {part.instrument} cites source "
                    f"{sid!r}, which it does not return"
                )
    for rec in result.recommendations:
        for sid in rec.sources:
            if sid not in defined:
                raise PluginError(
                    f"loader {name!r}: recommendation {rec.id} cites source {sid!r}, which it "
                    "does not return"
                )
    return result


def render(exporter: Exporter, view: View) -> str | bytes:
    """Call ``exporter.render`` and check what it returns; a misbehaving plugin gives a
    :class:`PluginError` naming it, never corrupt output (nor a traceback, nor an exit).
    The whole document: chunks an exporter returns are checked and joined."""
    out = _call_render(exporter, view, "render")
    if isinstance(out, (str, bytes)):
        return out
    if exporter.binary:
        return b"".join(cast(Iterator[bytes], out))
    return "".join(cast(Iterator[str], out))


def render_chunks(exporter: Exporter, view: View) -> Iterator[str] | Iterator[bytes]:
    """The document as chunks, to write as they come: from ``exporter.render_chunks``
    when the exporter has one, else from ``render`` (a whole document is one chunk).

    Checked as :func:`render` checks: the view kind and the call now; each chunk's type,
    and any error raised while the chunks are made, as they come (a :class:`PluginError`
    naming the exporter, raised by the iterator)."""
    method = "render_chunks" if hasattr(exporter, "render_chunks") else "render"
    out = _call_render(exporter, view, method)
    if isinstance(out, (str, bytes)):
        return iter((out,))  # type: ignore[return-value]
    return out


def _call_render(
    exporter: Exporter, view: View, method: str
) -> str | bytes | Iterator[str] | Iterator[bytes]:
    """Call ``exporter.METHOD(view)``: a whole document of the declared type, or an
    iterator checking the chunks as they come."""
    if view.kind not in exporter.views:
        raise UsageError(
            f"format {exporter.name!r} cannot render {view.kind} "
            f"(it renders: {', '.join(sorted(exporter.views))})"
        )
    with _foreign(f"exporter {exporter.name!r} failed"):
        out = getattr(exporter, method)(view)
    expected: type = bytes if exporter.binary else str
    if isinstance(out, expected):
        return cast(str | bytes, out)
    if isinstance(out, (list, tuple, Iterator)):
        return cast(Iterator[str] | Iterator[bytes], _checked_chunks(exporter, iter(out), expected))
    raise PluginError(
        f"exporter {exporter.name!r} returned {type(out).__name__}, expected {expected.__name__}"
    )


def _checked_chunks(exporter: Exporter, chunks: Iterator[object], expected: type) -> Iterator[Any]:
    """``chunks`` as they come, each checked to be of the ``expected`` type; an error
    raised while one is made is a :class:`PluginError` naming the exporter (gmspolicy's
    own errors pass through). Closing this iterator closes the exporter's."""
    name = exporter.name
    end = object()
    try:
        while True:
            with _foreign(f"exporter {name!r} failed"):
                chunk = next(chunks, end)
            if chunk is end:
                return
            if not isinstance(chunk, expected):
                raise PluginError(
                    f"exporter {name!r} returned a chunk of type {type(chunk).__name__}, "
                    f"expected {expected.__name__}"
                )
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            with _plugin_code(), contextlib.suppress(Exception):
                close()


# the loader contract is imported when first asked for (a command that only exports
# never needs it)
__getattr__, __dir__ = attach(__name__, {"Loader": "gmspolicy.loaders.contract"}, __all__)
