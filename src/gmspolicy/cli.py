"""The ``gmspolicy`` command line.

Commands import what they use when they run, so ``gmspolicy --version`` starts fast.
Errors are printed as one line each (``FILE:LINE: message`` for data problems) with exit
code 1 for data problems and 2 for usage errors; never a traceback for bad input.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from gmspolicy._version import __version__

if TYPE_CHECKING:
    from gmspolicy.loaders import LoadResult
    from gmspolicy.plugins import Exporter, Loader, Registry
    from gmspolicy.query.policyset import PolicySet
    from gmspolicy.query.views import View

F = TypeVar("F", bound=Callable[..., Any])


class _State:
    """Options of the command group, shared with the subcommands."""

    def __init__(self, data: Path | None, plugins_dir: Path | None, cache: bool = True) -> None:
        self.data = data
        self.plugins_dir = plugins_dir
        self.cache = cache
        self._pset: PolicySet | None = None

    def pset(self) -> PolicySet:
        if self._pset is None:
            if self.cache:
                from gmspolicy.dataset.snapshot import cached_load

                self._pset = cached_load(self.data)
            else:
                from gmspolicy.dataset import load_dataset

                self._pset = load_dataset(self.data)
        return self._pset

    def index(self) -> bool:
        """Whether the registries read the entry-point index (with the cache, as
        :mod:`gmspolicy._entry_points` says)."""
        from gmspolicy.dataset.snapshot import enabled

        return self.cache and enabled()

    def exporters(self) -> Registry[Exporter]:
        from gmspolicy.plugins import exporters

        return exporters(self.plugins_dir, index=self.index())

    def loaders(self) -> Registry[Loader]:
        from gmspolicy.plugins import loaders

        return loaders(self.plugins_dir, index=self.index())


class FormatChoice(click.ParamType):  # type: ignore[type-arg]
    """A ``--format`` whose choices come from the exporter registry, looked up lazily."""

    name = "format"

    def __init__(self, view_kind: str) -> None:
        self.view_kind = view_kind

    def _registry(self) -> Registry[Exporter]:
        ctx = click.get_current_context(silent=True)
        state = ctx.find_object(_State) if ctx else None
        return state.exporters() if state else _default_exporters()

    def _choices(self) -> list[str]:
        """The exporters that render this view kind (imports every exporter)."""
        loaded = self._registry().load_all()
        return [n for n, exporter in loaded.items() if self.view_kind in exporter.views]

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """Show the formats installed for this view kind in help (``[html|json|...]``);
        ``FORMAT`` if the registry cannot be read."""
        try:
            return "[" + "|".join(sorted(self._choices())) + "]"
        except Exception:  # help must print whatever a plugin does
            return "FORMAT"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        """Accept the name of an exporter that renders this view kind.

        Only the exporter asked for is imported (a PluginError names it if it fails to
        load); the others are imported only to list the choices after a wrong name."""
        from gmspolicy.errors import UsageError

        value = str(value).lower()
        try:
            exporter = self._registry().get(value)
        except UsageError:
            self.fail(f"{value!r} is not one of: {', '.join(self._choices())}", param, ctx)
        if self.view_kind not in exporter.views:
            self.fail(f"{value!r} is not one of: {', '.join(self._choices())}", param, ctx)
        return str(value)

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        """Complete with the names of the exporters that render this view kind."""
        from click.shell_completion import CompletionItem

        return [CompletionItem(c) for c in self._choices() if c.startswith(incomplete)]


def _default_exporters() -> Registry[Exporter]:
    from gmspolicy.plugins import exporters

    return exporters()


def _parse_date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    from gmspolicy.dates import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _split(values: Sequence[str]) -> list[str]:
    return [v.strip() for chunk in values for v in chunk.split(",") if v.strip()]


#: The same as :data:`gmspolicy.i18n.LANGUAGES` (a test checks), kept here so that
#: building the commands does not import i18n, models and attrs (``--version`` stays fast).
_LANGUAGES: tuple[str, ...] = ("en", "my", "km", "lo", "th", "vi", "zh")


def _lang_option(f: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(_LANGUAGES),
        default="en",
        show_default=True,
        help="Language of country names and labels.",
    )(f)


def _output_options(view_kind: str, default: str | None) -> Callable[[F], F]:
    """``-o FILE`` and ``--format``; a ``None`` default means text on a terminal and
    Markdown otherwise (:func:`_default_format`)."""

    def deco(f: F) -> F:
        f = click.option(
            "-o",
            "--output",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Write to this file (atomically) instead of stdout.",
        )(f)
        f = click.option(
            "--format",
            "fmt",
            type=FormatChoice(view_kind),
            default=default,
            show_default=default is not None,
            help="Output format (case ignored; `gmspolicy plugins` describes each)."
            + ("" if default else "  [default: text on a terminal, else markdown]"),
        )(f)
        return f

    return deco


def _default_format(fmt: str | None, output: Path | None) -> str:
    """The format asked for; else ``text`` when writing to a terminal, ``markdown``
    otherwise (a file, a pipe)."""
    if fmt is not None:
        return fmt
    return "text" if output is None and sys.stdout.isatty() else "markdown"


#: Formats read by people: an empty selection prints one line instead of an empty table.
_READ_BY_PEOPLE = frozenset({"markdown", "text"})


def _nothing_matches(found: Sequence[object], what: str, fmt: str, output: Path | None) -> bool:
    """Print ``No WHAT match.`` and return True when ``found`` is empty and the output is
    for people on stdout (machine formats and files still get an empty document)."""
    if found or output is not None or fmt not in _READ_BY_PEOPLE:
        return False
    click.echo(f"No {what} match.")
    return True


def _render(state: _State, fmt: str, view: View, output: Path | None) -> None:
    """Render ``view`` with the exporter ``fmt`` and write it to ``output`` (atomically)
    or stdout, chunk by chunk as the exporter makes them (see
    :class:`gmspolicy.exporters.contract.Exporter`)."""
    from gmspolicy._output import emit
    from gmspolicy.plugins import render_chunks

    exporter = state.exporters().get(fmt)
    if exporter.binary and output is None and sys.stdout.isatty():
        raise click.UsageError(f"format {fmt!r} is binary: use -o FILE")
    chunks = render_chunks(exporter, view)
    if exporter.binary:
        emit(chunks, output)
    else:
        emit(_utf8_checked(chunks, fmt, encoded=output is not None), output)  # type: ignore[arg-type]


def _utf8_checked(chunks: Iterator[str], fmt: str, encoded: bool) -> Iterator[str | bytes]:
    """Text chunks, each checked to be writable as UTF-8 before it is written (and given
    encoded when ``encoded``); a :class:`~gmspolicy.errors.PluginError` naming the
    exporter and the position in the whole text if one is not."""
    offset = 0
    for chunk in chunks:
        try:
            data = chunk.encode("utf-8")
        except UnicodeEncodeError as exc:
            from gmspolicy.errors import PluginError

            raise PluginError(
                f"exporter {fmt!r} produced text that cannot be written as UTF-8 "
                f"({exc.reason} at position {offset + exc.start})"
            ) from None
        yield data if encoded else chunk
        offset += len(chunk)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", prog_name="gmspolicy", message="%(prog)s %(version)s"
)
@click.option(
    "--data",
    type=click.Path(path_type=Path),
    envvar="GMSPOLICY_DATA",
    help="Dataset directory to use instead of the bundled one.",
)
@click.option(
    "--plugins-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Also load plugins from the .py files in this directory.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Read and validate the dataset files even if a snapshot of them is cached, "
    "scan the installed plugins and compile page templates (also GMSPOLICY_CACHE=0).",
)
@click.pass_context
def cli(ctx: click.Context, data: Path | None, plugins_dir: Path | None, no_cache: bool) -> None:
    """gmspolicy: ratifications, MOUs and forums for migrant-rights work in the Greater
    Mekong Subregion. Every fact printed cites a source; what is not confirmed shows as
    unknown, never as "not party".

    A dataset that passed validation is cached as a snapshot (in ~/.cache/gmspolicy, or
    GMSPOLICY_CACHE_DIR) and reused while its files stay byte for byte the same."""
    ctx.obj = _State(data, plugins_dir, cache=not no_cache)
    if not no_cache:
        from gmspolicy import _trusted

        _trusted.keep_compiled_templates = True  # (still off with GMSPOLICY_CACHE=0)


@cli.command()
@click.option("--countries", "-c", multiple=True, help="Country codes or names, comma separated.")
@click.option(
    "--group",
    type=click.Choice(["GMS", "ASEAN"], case_sensitive=False),
    help="A group of countries (default: GMS).",
)
@click.option("--all-countries", is_flag=True, help="Every country in the dataset, in code order.")
@click.option("--instruments", "-i", multiple=True, help="Instrument ids, comma separated.")
@click.option("--tag", help="Instruments with this tag (e.g. fundamental, migration).")
@click.option(
    "--as-of", callback=_parse_date, help="The table as it stood on this date (YYYY-MM-DD)."
)
@_lang_option
@_output_options("table", None)
@click.pass_obj
def table(
    state: _State,
    countries: tuple[str, ...],
    group: str | None,
    all_countries: bool,
    instruments: tuple[str, ...],
    tag: str | None,
    as_of: dt.date | None,
    lang: str,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Print the ratification table: countries x instruments, with sources (laid out for
    the terminal when printed to one, Markdown otherwise)."""
    from gmspolicy.models import Group
    from gmspolicy.query.views import TableView

    if all_countries and (countries or group):
        raise click.UsageError("--all-countries cannot be combined with --countries or --group")
    pset = state.pset()
    codes = [c.code for c in pset.countries] if all_countries else _split(countries)
    matrix = pset.matrix(
        codes or None,
        _split(instruments) or None,
        as_of,
        group=Group(group) if group else None,
        tag=tag,
    )
    _render(state, _default_format(fmt, output), TableView(pset, matrix, lang), output)


@cli.command()
@_lang_option
@_output_options("dataset", "json")
@click.pass_obj
def export(state: _State, lang: str, fmt: str, output: Path | None) -> None:
    """Export the whole dataset (every record and its sources).

    With --format sqlite -o NAME.db, also writes NAME.metadata.json for Datasette
    (datasette NAME.db -m NAME.metadata.json)."""
    from gmspolicy.query.views import DatasetView

    _render(state, fmt, DatasetView(state.pset(), lang), output)
    if output is not None and fmt.lower() == "sqlite":
        _write_datasette_metadata(state, output)


def _write_datasette_metadata(state: _State, database: Path) -> None:
    import json

    from gmspolicy._output import emit
    from gmspolicy.exporters.sqlite import datasette_metadata

    meta = datasette_metadata(state.pset(), database.stem)
    text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    emit(text, database.with_name(database.stem + ".metadata.json"))


@cli.command()
@click.option(
    "--series",
    type=click.Choice(["AFML", "GFMD", "ACSC-APF", "WSFM", "APFF", "other"], case_sensitive=False),
    help="Only this forum series.",
)
@click.option("--year", type=int, help="Only events starting in this year.")
@click.option("--country", help="Only events hosted in this country.")
@_lang_option
@_output_options("events", "markdown")
@click.pass_obj
def events(
    state: _State,
    series: str | None,
    year: int | None,
    country: str | None,
    lang: str,
    fmt: str,
    output: Path | None,
) -> None:
    """List forum events (AFML, GFMD, ACSC/APF, WSFM...); `--format ics` for calendars."""
    from gmspolicy.models import EventSeries
    from gmspolicy.query.views import EventsView

    pset = state.pset()
    code = _country_code(pset, country)
    evs = pset.events_for(EventSeries(series) if series else None, year, code)
    if not _nothing_matches(evs, "events", fmt, output):
        _render(state, fmt, EventsView(pset, evs, lang), output)


@cli.command()
@click.option("--country", help="Only MOUs this country is party to.")
@click.option("--year", type=int, help="Only MOUs signed in this year.")
@_lang_option
@_output_options("mous", "markdown")
@click.pass_obj
def mous(
    state: _State,
    country: str | None,
    year: int | None,
    lang: str,
    fmt: str,
    output: Path | None,
) -> None:
    """List bilateral and regional MOUs (employment, labour cooperation, trafficking)."""
    from gmspolicy.query.views import MousView

    pset = state.pset()
    found = pset.mous_for(_country_code(pset, country), year)
    if not _nothing_matches(found, "MOUs", fmt, output):
        _render(state, fmt, MousView(pset, found, lang), output)


@cli.command()
@click.argument("country")
@click.option("--as-of", callback=_parse_date, help="The profile as it stood on this date.")
@_lang_option
@_output_options("profile", "markdown")
@click.pass_obj
def show(
    state: _State,
    country: str,
    as_of: dt.date | None,
    lang: str,
    fmt: str,
    output: Path | None,
) -> None:
    """A country profile: every instrument's status and history, MOUs, observations."""
    from gmspolicy.query.views import ProfileView

    pset = state.pset()
    code = _country_code(pset, country)
    assert code is not None
    _render(state, fmt, ProfileView(pset, pset.country(code), as_of, lang), output)


@cli.command()
@click.option("--country", help="Only observations addressed to this country.")
@click.option("--instrument", help="Only observations on this instrument.")
@click.option("--body", help="Only this body (ILO-CEACR, CEDAW, CRC, CESCR...).")
@click.option("--tag", help="Only observations with this tag (e.g. migrant-workers).")
@click.option("--since", type=int, help="Only observations adopted in or after this year.")
@_lang_option
@_output_options("observations", "markdown")
@click.pass_obj
def observations(
    state: _State,
    country: str | None,
    instrument: str | None,
    body: str | None,
    tag: str | None,
    since: int | None,
    lang: str,
    fmt: str,
    output: Path | None,
) -> None:
    """List what UN and ILO supervisory bodies told each government, with excerpts."""
    from gmspolicy.query.views import ObservationsView

    pset = state.pset()
    if instrument is not None:
        pset.instrument(instrument)
    obs = pset.observations_for(_country_code(pset, country), instrument, body, tag, since)
    if not _nothing_matches(obs, "observations", fmt, output):
        _render(state, fmt, ObservationsView(pset, obs, lang), output)


@cli.command()
@click.option("--country", help="Only this country (code or name; default: the GMS states).")
@click.option(
    "--mechanism",
    help="Only this mechanism: UPR, CERD, CCPR, CESCR, CEDAW, CAT, CRC, CMW, CRPD, CED, CEACR.",
)
@click.option(
    "--as-of",
    callback=_parse_date,
    help="As things stood on this date (YYYY-MM-DD): reviews held by then.",
)
@click.option(
    "--upcoming",
    is_flag=True,
    help="Reviews scheduled (or postponed) and not yet begun (as of --as-of or today).",
)
@click.option(
    "--overdue",
    is_flag=True,
    help="Only reports a source shows as overdue (due date passed, no submission recorded).",
)
@_lang_option
@_output_options("reviews", "markdown")
@click.pass_obj
def reviews(
    state: _State,
    country: str | None,
    mechanism: str | None,
    as_of: dt.date | None,
    upcoming: bool,
    overdue: bool,
    lang: str,
    fmt: str,
    output: Path | None,
) -> None:
    """UPR cycles and treaty-body reviews, and each state's reporting status: last and
    next review, report due, overdue (only where sourced); `--format ics` for a calendar."""
    from gmspolicy.query.reviews import parse_mechanism, reporting_table
    from gmspolicy.query.views import ReviewsView

    pset = state.pset()
    code = _country_code(pset, country)
    mech = parse_mechanism(mechanism) if mechanism is not None else None
    codes = [code] if code is not None else [c.code for c in pset.select_countries()]
    chosen = () if overdue else pset.reviews(code, mech, as_of, upcoming)
    if code is None and not overdue:
        chosen = tuple(r for r in chosen if r.country in codes)
    table = reporting_table(pset, codes, mech, as_of, overdue_only=overdue)
    view = ReviewsView(pset, chosen, table, as_of, overdue=overdue, lang=lang)
    _render(state, fmt, view, output)


@cli.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.pass_obj
def validate(state: _State, path: Path | None) -> None:
    """Check a dataset directory (default: --data or the bundled one); list every problem."""
    from gmspolicy.dataset import load_dataset

    pset = load_dataset(path if path is not None else state.data)
    known = sum(1 for p in pset.participations for _ in p.actions)
    click.echo(
        f"ok: {len(pset.countries)} countries, {len(pset.instruments)} instruments, "
        f"{len(pset.participations)} participations ({known} actions), {len(pset.mous)} MOUs, "
        f"{len(pset.events)} events, {len(pset.observations)} observations, "
        f"{len(pset.sources)} sources"
        + (
            f", {len(pset.review_records)} reviews, {len(pset.recommendations)} "
            f"recommendations, {len(pset.reporting)} reporting rows"
            if pset.review_records or pset.recommendations or pset.reporting
            else ""
        )
    )


@cli.command()
@click.argument("old", type=click.Path(exists=True, path_type=Path))
@click.argument("new", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def diff(old: Path, new: Path, fmt: str) -> None:
    """What changed between two datasets (directories or JSON exports): ratified, signed,
    denounced, added, corrected."""
    from gmspolicy._output import is_terminal, terminal_safe
    from gmspolicy.dataset import load_any
    from gmspolicy.query.diff import changes_json

    changes = load_any(old).diff(load_any(new))
    tty = is_terminal(sys.stdout)
    if fmt == "json":
        out = changes_json(changes)
        click.echo(terminal_safe(out) if tty else out, nl=False)
        return
    for ch in changes:
        line = f"{ch.kind}: {ch.description}"
        click.echo(terminal_safe(line) if tty else line)
    if not changes:
        click.echo("no changes")


@cli.command()
@click.option("--clear", is_flag=True, help="Remove every snapshot.")
def cache(clear: bool) -> None:
    """Where validated datasets are cached (snapshots), how many there are; --clear
    removes them. Nothing else in that directory is touched."""
    from gmspolicy.dataset import snapshot

    try:
        folder = snapshot.cache_dir()
    except RuntimeError as exc:  # no home directory
        from gmspolicy.errors import UsageError

        raise UsageError(f"no cache directory: {exc} (set GMSPOLICY_CACHE_DIR)") from None
    if clear:
        click.echo(f"removed {snapshot.clear()} snapshots from {folder}")
        return
    found = snapshot.stored()
    size = sum(p.stat().st_size for p in found)
    state = "" if snapshot.enabled() else " (the cache is off: GMSPOLICY_CACHE)"
    click.echo(f"{folder}: {len(found)} snapshots, {size / 1048576:.1f} MB{state}")


@cli.command()
@click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON list of objects, one per plugin."
)
@click.pass_obj
def plugins(state: _State, as_json: bool) -> None:
    """List the exporters and loaders found: where they come from, whether they loaded
    (and why not), what they do and, for loaders, their --opt options."""

    infos = [*state.exporters().infos(), *state.loaders().infos()]
    if as_json:
        import json

        click.echo(json.dumps([i.to_json() for i in infos], ensure_ascii=False, indent=2))
        return
    for info in infos:
        status = f"FAILED: {info.error}" if info.error else "ok"
        click.echo(f"{info.kind}\t{info.name}\t{info.origin}\t{status}")
        if info.description:
            click.echo(f"    {_one_line(info.description)}")
        for name, help_text in info.options:
            click.echo(f"    --opt {_one_line(name)}=...: {_one_line(help_text)}")


def _one_line(text: str) -> str:
    """Plugin-provided text for the terminal: control characters and line breaks out."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


@cli.command()
@click.option(
    "--update",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Rewrite the coverage section of this Markdown page (e.g. docs/data.md).",
)
@click.pass_obj
def coverage(state: _State, update: Path | None) -> None:
    """How many country x instrument cells are confirmed, and which are still unknown.

    Also: how many decided GMS cells cite a depositary or official source, and the signed
    and no-action cells last confirmed more than five years before the newest source
    (research to do).
    """
    from gmspolicy._output import write_atomic
    from gmspolicy.dataset._files import MAX_FILE_BYTES, read_text_bounded
    from gmspolicy.query.coverage import report, update_page

    page = read_text_bounded(update, MAX_FILE_BYTES) if update is not None else None
    text = report(state.pset())
    if update is None or page is None:
        click.echo(text, nl=False)
        return
    from gmspolicy.errors import UsageError

    try:
        new = update_page(page, text)
    except UsageError as exc:
        raise UsageError(f"{update}: {exc}") from None
    write_atomic(update, new)


def _loader_options(f: F) -> F:
    """Options shared by ``load`` and ``fetch``."""
    f = click.option(
        "--offline", is_flag=True, help="Use only the cache (--cache-dir); send no request."
    )(f)
    f = click.option(
        "--cache-dir",
        type=click.Path(file_okay=False, path_type=Path),
        help="Keep fetched pages here; a second run is served from it.",
    )(f)
    f = click.option(
        "--opt",
        "opts",
        multiple=True,
        metavar="NAME=VALUE",
        help="A loader option (repeatable); `gmspolicy plugins` lists the loaders.",
    )(f)
    f = click.argument("location")(f)
    f = click.argument("loader_name", metavar="LOADER")(f)
    return f


def _run_loader(
    state: _State,
    loader_name: str,
    location: str,
    opts: tuple[str, ...],
    reference: PolicySet,
    cache_dir: Path | None,
    offline: bool,
) -> tuple[LoadResult, dt.date]:
    from gmspolicy.loaders import LoadContext
    from gmspolicy.loaders.http import Fetcher
    from gmspolicy.plugins import run_loader

    options: dict[str, str] = {}
    for opt in opts:
        name, sep, value = opt.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"--opt {opt!r}: expected NAME=VALUE")
        if name.strip() in options:
            raise click.UsageError(f"--opt {name.strip()!r} given twice")
        options[name.strip()] = value.strip()
    if offline and cache_dir is None:
        raise click.UsageError("--offline needs --cache-dir (where the cached pages are)")
    loader = state.loaders().get(loader_name)
    today = dt.date.today()
    with Fetcher(cache_dir=cache_dir, offline=offline) as fetcher:
        context = LoadContext(reference=reference, fetcher=fetcher, today=today)
        result = run_loader(loader, location, options, context)
    for warning in result.warnings:
        _echo_warning(warning)
    return result, today


@cli.command("load")
@_loader_options
@_output_options("dataset", "json")
@click.pass_obj
def load_command(
    state: _State,
    loader_name: str,
    location: str,
    opts: tuple[str, ...],
    cache_dir: Path | None,
    offline: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Load a file or URL with a loader (untc, ohchr, normlex, csv...) and print the
    records it read, in any export format. Nothing is merged: see `fetch`."""
    from gmspolicy.loaders.merge import loaded_policyset
    from gmspolicy.query.views import DatasetView

    reference = state.pset()
    result, today = _run_loader(state, loader_name, location, opts, reference, cache_dir, offline)
    pset = loaded_policyset(reference, result, today)
    _render(state, fmt, DatasetView(pset), output)


@cli.command("fetch")
@_loader_options
@click.option(
    "--into",
    type=click.Path(file_okay=False, path_type=Path),
    help="The dataset directory to merge into (default: --data).",
)
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option(
    "--keep-existing",
    is_flag=True,
    help="On a conflict with a sourced fact, keep it, merge the rest and exit 0.",
)
@click.pass_obj
def fetch_command(
    state: _State,
    loader_name: str,
    location: str,
    opts: tuple[str, ...],
    cache_dir: Path | None,
    offline: bool,
    into: Path | None,
    dry_run: bool,
    keep_existing: bool,
) -> None:
    """Merge what a loader reads into a dataset directory and print the changes: new
    facts go to participations/fetched-LOADER.csv, their sources to
    sources/fetched-LOADER.yaml. Existing facts are never overwritten."""
    import contextlib

    from gmspolicy.dataset import load_dataset
    from gmspolicy.loaders.merge import dataset_lock

    root = into if into is not None else state.data
    if root is None:
        raise click.UsageError("fetch needs the dataset directory to write to: --into DIR")
    existing = load_dataset(root)
    result, today = _run_loader(state, loader_name, location, opts, existing, cache_dir, offline)
    with contextlib.nullcontext() if dry_run else dataset_lock(root):
        if not dry_run:
            # another fetch may have written since: plan against what is there now, read
            # and validated again under the lock
            existing = load_dataset(root)
        _merge_and_report(existing, result, root, loader_name, today, keep_existing, dry_run)


def _merge_and_report(
    existing: PolicySet,
    result: LoadResult,
    root: Path,
    loader_name: str,
    today: dt.date,
    keep_existing: bool,
    dry_run: bool,
) -> None:
    from gmspolicy.loaders.merge import plan_merge, write_merge

    plan = plan_merge(existing, result, root, loader_name, today, keep_existing=keep_existing)
    if not dry_run:
        write_merge(plan)
    # said only once it is true: the merge was written (or, in a dry run, would be)
    kept = "would keep existing" if dry_run else "kept existing"
    for problem in plan.conflicts:
        _echo_err(f"{kept}: {problem}")
    for note in plan.notes:
        _echo_err(f"note: {note}")
    for ch in plan.changes:
        click.echo(f"{ch.kind}: {ch.description}")
    click.echo(
        f"{len(plan.rows)} new facts, {plan.known} already in the dataset, "
        f"{len(plan.conflicts)} conflicts" + ("; dry run: nothing written" if dry_run else "")
    )


def _echo_warning(text: str) -> None:
    """A plugin's warning as one line on stderr: on a terminal with its control characters
    shown (``\\x1b``), elsewhere with them left out."""
    from gmspolicy._output import is_terminal, terminal_safe

    line = "warning: " + " ".join(text.splitlines())
    click.echo(terminal_safe(line) if is_terminal(sys.stderr) else _one_line(line), err=True)


def _echo_err(line: str) -> None:
    """A line on stderr; on a terminal, with control characters shown, not acted on."""
    from gmspolicy._output import is_terminal, terminal_safe

    click.echo(terminal_safe(line) if is_terminal(sys.stderr) else line, err=True)


def _country_code(pset: PolicySet, name: str | None) -> str | None:
    if name is None:
        return None
    return pset.country(name).code


@cli.command()
@click.option("--tag", help="Only instruments with this tag (e.g. fundamental, migration).")
@click.option(
    "--body",
    type=click.Choice(["UN", "ILO", "ASEAN"], case_sensitive=False),
    help="Only instruments of this body.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of objects instead.")
@click.pass_obj
def instruments(state: _State, tag: str | None, body: str | None, as_json: bool) -> None:
    """List the instruments tracked: the ids that --instruments and other commands take,
    with their short names, titles, bodies and tags."""
    from gmspolicy.models import Body

    pset = state.pset()
    found = pset.select_instruments(None, tag, Body(body.upper()) if body else None)
    if as_json:
        import json

        rows = [
            {
                "id": i.id,
                "short_name": i.short_name,
                "title": i.title,
                "body": i.body.value,
                "kind": i.kind.value,
                "tags": list(i.tags),
            }
            for i in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("No instrument matches.")
        return
    from gmspolicy.exporters.markdown import escape_cell

    click.echo("| Id | Short name | Title | Body | Tags |")
    click.echo("| --- | --- | --- | --- | --- |")
    for i in found:
        cells = [i.id, i.short_name, i.title, i.body.value, ", ".join(i.tags)]
        click.echo("| " + " | ".join(escape_cell(c) for c in cells) + " |")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code (0 ok, 1 data problem, 2 usage error)."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="gmspolicy",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"error: {exc.format_message()}", err=True)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except SystemExit as exc:
        # gmspolicy itself never calls sys.exit inside a command: plugin code did, in a
        # place not otherwise guarded. Never let it pass for success.
        click.echo(f"error: a plugin tried to exit (sys.exit({exc.code!r:.40}))", err=True)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # imported here, not before the command runs: `--version` never needs it
        from gmspolicy.errors import GmsPolicyError

        if not isinstance(exc, GmsPolicyError):
            raise
        from gmspolicy.errors import DataError

        # a data problem with a place is printed as it is (FILE: message, FILE:LINE: ...)
        placed = {str(p) for p in exc.problems if p.place} if isinstance(exc, DataError) else set()
        from gmspolicy._output import is_terminal, terminal_safe

        tty = is_terminal(sys.stderr)
        for line in exc.lines():
            shown = line if line in placed or _has_place(line) else f"error: {line}"
            click.echo(terminal_safe(shown) if tty else shown, err=True)
        return exc.exit_code
    return 0


def _has_place(line: str) -> bool:
    head = line.split(": ", 1)[0]
    return ": " in line and (":" in head or "/" in head or head.endswith((".csv", ".yaml")))


def run() -> None:
    """Console-script entry point (``python -m gmspolicy``): the whole process."""
    from gmspolicy._gc import whole_process

    with whole_process():
        code = main()
    sys.exit(code)


if __name__ == "__main__":
    run()
