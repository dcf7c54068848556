"""The plugin contract and registry.

Loaders and exporters are found through the entry-point groups ``gmspolicy.loaders`` and
``gmspolicy.exporters`` and, optionally, loose ``.py`` files in a plugins directory. The
built-in exporters register through the same entry points a third-party package uses.
Nothing is imported until a registry is first asked for (lazy loading); a plugin that
fails to import is recorded in :attr:`Registry.failures` and skipped, never fatal. Two
plugins with the same name are an error naming both.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from gmspolicy.errors import PluginError, UsageError
from gmspolicy.exporters.contract import Exporter
from gmspolicy.loaders.contract import LoadContext, Loader, LoadResult

if TYPE_CHECKING:
    from gmspolicy.query.views import View

EXPORTER_GROUP = "gmspolicy.exporters"
LOADER_GROUP = "gmspolicy.loaders"


@attrs.frozen
class PluginInfo:
    """A plugin found by discovery: its name, where it comes from, and whether it loaded."""

    kind: str
    name: str
    origin: str
    error: str | None = None


@attrs.define
class Registry:
    """Plugins of one kind (exporters or loaders).

    Discovery reads only the entry-point metadata (and imports the loose files of a
    plugins directory); a plugin's module is imported the first time it is asked for, so
    rendering Markdown never imports the HTML exporter's dependencies.
    """

    group: str
    plugins_dir: Path | None = None
    _candidates: dict[str, tuple[Any, str]] = attrs.field(factory=dict)
    _plugins: dict[str, Any] = attrs.field(factory=dict)
    _origins: dict[str, str] = attrs.field(factory=dict)
    failures: list[PluginInfo] = attrs.field(factory=list)
    _discovered: bool = False
    _error: PluginError | None = None

    @property
    def kind(self) -> str:
        """``exporter`` or ``loader``."""
        return "exporter" if self.group == EXPORTER_GROUP else "loader"

    def _discover(self) -> None:
        if self._error is not None:
            raise self._error
        if self._discovered:
            return
        self._discovered = True
        try:
            self._discover_all()
        except PluginError as exc:
            self._error = exc
            raise

    def _discover_all(self) -> None:
        for ep in sorted(entry_points(group=self.group), key=lambda e: (e.name, e.value)):
            self._candidate(ep.name, ep, _dist_name(ep))
        if self.plugins_dir is not None:
            self._discover_dir(self.plugins_dir)

    def _discover_dir(self, folder: Path) -> None:
        if not folder.is_dir():
            raise UsageError(f"{folder}: plugins directory does not exist")
        attr = "EXPORTERS" if self.kind == "exporter" else "LOADERS"
        for path in sorted(folder.glob("*.py")):
            origin = str(path)
            try:
                module = _import_file(path)
                found = getattr(module, attr, None)
                if found is None:
                    continue
                if not isinstance(found, (list, tuple)):
                    raise TypeError(f"{attr} must be a list of classes")
            except Exception as exc:
                self.failures.append(
                    PluginInfo(self.kind, path.stem, origin, f"{type(exc).__name__}: {exc}")
                )
                continue
            for obj in found:
                self._candidate(getattr(obj, "name", path.stem), obj, origin)

    def _candidate(self, name: str, obj: Any, origin: str) -> None:
        if name in self._candidates:
            raise PluginError(
                f"two {self.kind}s are named {name!r}: one from {self._candidates[name][1]}, "
                f"one from {origin}"
            )
        self._candidates[name] = (obj, origin)

    def _load(self, name: str) -> Any:
        """Import and check the plugin ``name``; ``None`` (and a failure) if it fails."""
        if name in self._plugins:
            return self._plugins[name]
        obj, origin = self._candidates[name]
        if any(f.name == name and f.origin == origin for f in self.failures):
            return None
        try:
            if isinstance(obj, EntryPoint):
                obj = obj.load()
            instance = obj() if isinstance(obj, type) else obj
            _check_contract(self.kind, name, instance)
        except Exception as exc:  # a broken plugin must not stop the others
            self.failures.append(
                PluginInfo(self.kind, name, origin, f"{type(exc).__name__}: {exc}")
            )
            return None
        self._plugins[name] = instance
        self._origins[name] = origin
        return instance

    def names(self) -> list[str]:
        """The names of every plugin found, sorted (none is imported)."""
        self._discover()
        return sorted(self._candidates)

    def get(self, name: str) -> Any:
        """The plugin called ``name`` (imported now if need be); :class:`UsageError`
        naming the choices if unknown, :class:`PluginError` if it failed to load."""
        self._discover()
        plugin = self._load(name) if name in self._candidates else None
        if plugin is None:
            if not any(f.name == name for f in self.failures):
                raise UsageError(
                    f"unknown {self.kind} {name!r} (one of: {', '.join(self.names())})"
                )
            failed = next(f for f in self.failures if f.name == name)
            raise PluginError(
                f"{self.kind} {name!r} from {failed.origin} failed to load: {failed.error}"
            )
        return plugin

    def load_all(self) -> dict[str, Any]:
        """Import every plugin; the ones that loaded, by name."""
        self._discover()
        for name in sorted(self._candidates):
            self._load(name)
        return dict(sorted(self._plugins.items()))

    def infos(self) -> list[PluginInfo]:
        """Every plugin found, loaded or not (imports them all)."""
        loaded = self.load_all()
        ok = [PluginInfo(self.kind, n, self._origins[n]) for n in loaded]
        return ok + sorted(self.failures, key=lambda f: (f.name, f.origin))


def _check_contract(kind: str, name: str, obj: Any) -> None:
    needed = (
        ("name", "description", "binary", "views", "render")
        if kind == "exporter"
        else ("name", "description", "options", "load")
    )
    missing = [a for a in needed if not hasattr(obj, a)]
    if missing:
        raise TypeError(f"{kind} {name!r} lacks {', '.join(missing)}")


def _dist_name(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    if dist is not None:
        return f"{dist.name} {dist.version}"
    return ep.value


def _import_file(path: Path) -> Any:
    mod_name = f"gmspolicy_plugin_{path.stem}"
    spec = importlib.util.spec_from_file_location(mod_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    spec.loader.exec_module(module)
    return module


_registries: dict[tuple[str, Path | None], Registry] = {}


def registry(group: str, plugins_dir: Path | None = None) -> Registry:
    """The (cached) registry for an entry-point group and optional plugins directory."""
    key = (group, plugins_dir)
    if key not in _registries:
        _registries[key] = Registry(group, plugins_dir)
    return _registries[key]


def exporters(plugins_dir: Path | None = None) -> Registry:
    """The exporter registry."""
    return registry(EXPORTER_GROUP, plugins_dir)


def loaders(plugins_dir: Path | None = None) -> Registry:
    """The loader registry."""
    return registry(LOADER_GROUP, plugins_dir)


def run_loader(
    loader: Loader, location: str, options: Mapping[str, str], context: LoadContext
) -> LoadResult:
    """Call ``loader.load`` and check what it returns; a loader that crashes or returns
    the wrong thing gives a :class:`PluginError` naming it, never partial data."""
    from gmspolicy.errors import GmsPolicyError

    name = getattr(loader, "name", type(loader).__name__)
    try:
        result = loader.load(location, options, context)
    except GmsPolicyError:
        raise
    except Exception as exc:
        raise PluginError(f"loader {name!r} failed: {type(exc).__name__}: {exc}") from exc
    if not isinstance(result, LoadResult):
        raise PluginError(
            f"loader {name!r} returned {type(result).__name__}, expected LoadResult"
        )
    defined = {s.id for s in result.sources}
    for part in result.participations:
        for sid in part.sources:
            if sid not in defined:
                raise PluginError(
                    f"loader {name!r}: {part.country} x {part.instrument} cites source "
                    f"{sid!r}, which it does not return"
                )
    return result


def render(exporter: Exporter, view: View) -> str | bytes:
    """Call ``exporter.render`` and check what it returns; a misbehaving plugin gives a
    :class:`PluginError` naming it, never corrupt output."""
    from gmspolicy.errors import GmsPolicyError

    if view.kind not in exporter.views:
        raise UsageError(
            f"format {exporter.name!r} cannot render {view.kind} "
            f"(it renders: {', '.join(sorted(exporter.views))})"
        )
    try:
        out = exporter.render(view)
    except GmsPolicyError:
        raise
    except Exception as exc:
        raise PluginError(
            f"exporter {exporter.name!r} failed: {type(exc).__name__}: {exc}"
        ) from exc
    expected: type = bytes if exporter.binary else str
    if not isinstance(out, expected):
        raise PluginError(
            f"exporter {exporter.name!r} returned {type(out).__name__}, "
            f"expected {expected.__name__}"
        )
    return out
