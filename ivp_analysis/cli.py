"""The ``ivp`` command: build, verify and batch reports, check input files.

Errors of ours end the program with one line on stderr (``ivp: error: ...``) and exit code 2
for bad parameters or input, 1 for a failed run.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# jsonschema (imported by nbformat, which papermill needs) imports the optional IRI checker
# rfc3987_syntax when it is installed; building its grammar costs 1.5 s per process and
# notebooks never use IRI formats. Marking it absent keeps `ivp` quick to start.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from ivp_analysis import paths  # noqa: E402
from ivp_analysis.errors import (  # noqa: E402
    InputFileError,
    IvpError,
    ParameterError,
    RunInterrupted,
)


def _add_report(sub) -> None:
    """Add the ``report`` subcommand."""
    r = sub.add_parser("report", help="build a report (notebooks, HTML, result tables, manifest)")
    r.add_argument(
        "--params",
        help="YAML parameter file (e.g. notebooks/params/GM1926_tussenevaluatie-2024.yaml)",
    )
    r.add_argument("--municipality", help="CBS municipality code, e.g. GM1926")
    r.add_argument("--moment", help="tussenevaluatie-2024, eindevaluatie-2026 or custom")
    r.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other notebook parameter; repeat for several",
    )
    r.add_argument(
        "--out",
        default=str(paths.REPORTS_DIR),
        help="root folder of the reports (default: reports/)",
    )
    r.add_argument(
        "--timeout", type=int, default=None, help="seconds one cell may run (default 900)"
    )
    r.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="notebooks run at once (default: one per core, at most 2)",
    )
    r.add_argument(
        "--pdf",
        action="store_true",
        help="also print report.pdf next to index.html with headless Chromium",
    )
    _add_data_options(r)


def _add_data_options(r) -> None:  # noqa: ANN001
    """Add the options that add files to the shipped data (``inputs``)."""
    r.add_argument(
        "--input",
        action="append",
        default=[],
        metavar="PATH",
        help="a file or snapshot folder to add to the shipped data (its figures win); repeat "
        "for several; added after the 'inputs' of a parameter file",
    )
    r.add_argument(
        "--data",
        choices=("shipped", "fetched"),
        default="shipped",
        help="'fetched' also adds the newest snapshot of each table fetched with 'ivp fetch' "
        "(before any --input)",
    )
    r.add_argument(
        "--fetched-dir",
        default=None,
        metavar="DIR",
        help="where 'ivp fetch' wrote its snapshots (default: data/fetched; 'ivp fetch --out')",
    )


def added_inputs(args: argparse.Namespace) -> list[str]:
    """Return the inputs the command line adds: the newest fetched snapshots, then ``--input``."""
    out: list[str] = []
    if args.data == "fetched":
        from ivp_analysis import fetch

        root = Path(args.fetched_dir) if args.fetched_dir else fetch.FETCHED_DIR
        snapshots = fetch.newest_snapshots(root)
        if not snapshots:
            raise ParameterError(
                f"--data fetched: no snapshot in {root}; fetch the tables first, e.g. "
                "ivp fetch --municipality GM1926"
            )
        out += [str(p) for p in snapshots.values()]
    return out + list(args.input)


def _add_verify(sub) -> None:
    """Add the ``verify`` subcommand."""
    v = sub.add_parser(
        "verify",
        help="check a report's inputs and files, and re-run it to compare its result tables "
        "and index.html",
    )
    v.add_argument("report", help="a report folder, e.g. reports/GM1926/tussenevaluatie-2024")
    v.add_argument(
        "--strict",
        action="store_true",
        help="fail (not only warn) when the package source, lock file, Python or a package "
        "version differs from the report's",
    )


def _add_batch(sub) -> None:
    """Add the ``batch`` subcommand."""
    b = sub.add_parser(
        "batch",
        help="build reports for many municipalities in parallel, with a regional overview",
        description="Build one report per municipality (local worker processes by default, or "
        "a Dask cluster with --scheduler) and write index.html and summary.csv, an overview of "
        "all of them, into --out.",
    )
    who = b.add_mutually_exclusive_group(required=True)
    who.add_argument("--municipalities", help="comma-separated codes, e.g. GM1926,GM0363,GM0599")
    who.add_argument("--all", action="store_true", help="every municipality in the shipped data")
    b.add_argument(
        "--moment", default="tussenevaluatie-2024", help="evaluation moment for every report"
    )
    b.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="other parameters"
    )
    b.add_argument(
        "--workers",
        type=int,
        default=1,
        help="parallel worker processes, or the workers of --scheduler local (default 1)",
    )
    b.add_argument(
        "--scheduler",
        default=None,
        help="run on Dask: 'local' starts a LocalCluster of --workers processes, an address "
        "such as tcp://host:8786 uses a running scheduler (default: local processes, no Dask)",
    )
    b.add_argument(
        "--kernels",
        choices=("warm", "cold"),
        default="warm",
        help="warm: each notebook in a kernel forked from a worker's template with the "
        "libraries imported (default, Linux); cold: a new kernel per notebook, as ivp report",
    )
    b.add_argument("--force", action="store_true", help="rebuild reports that are up to date")
    b.add_argument("--pdf", action="store_true", help="also print report.pdf for every report")
    b.add_argument("--out", default=str(paths.REPORTS_DIR), help="root folder of the reports")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ivp",
        description="Evaluate a Dutch municipality's integral safety plan from open crime data.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    _add_report(sub)
    _add_verify(sub)
    _add_batch(sub)

    m = sub.add_parser(
        "municipalities",
        help="list the municipalities in the shipped data with code and population",
    )
    m.add_argument(
        "search",
        nargs="?",
        default="",
        help="part of a name, a common name or a code, e.g. pijnacker, 'den haag', GM0363",
    )

    chk = sub.add_parser("load", help="read an input file and show what was understood")
    chk.add_argument("path", help="a CSV/JSON file or a cbsodataR folder")
    chk.add_argument(
        "--check", action="store_true", help="only check the file: one line, exit 0 when it is fine"
    )

    sub.add_parser("params", help="list the report parameters with their types and defaults")
    _fetch_parser(sub)
    _trace_parser(sub)
    return p


def _trace_parser(sub) -> None:  # noqa: ANN001
    t = sub.add_parser(
        "trace",
        help="follow one row of a result table back to the raw cells it was computed from",
    )
    t.add_argument("report", help="a report folder, e.g. reports/GM1926/tussenevaluatie-2024")
    t.add_argument("table", help="a result table, e.g. indicators (results/indicators.csv)")
    t.add_argument(
        "row",
        help="the row: its number (1 = the first row under the header) or column=value pairs, "
        "e.g. indicator_id=woninginbraak or region=GM1926,code=1.1.1,year=2023",
    )


def _cmd_trace(args: argparse.Namespace) -> int:
    from ivp_analysis.trace import format_trace, trace

    print(format_trace(trace(args.report, args.table, args.row)))
    return 0


def _fetch_parser(sub) -> None:  # noqa: ANN001
    f = sub.add_parser(
        "fetch",
        help="download the current tables from the CBS/Politie open-data API into data/fetched/",
    )
    who = f.add_mutually_exclusive_group(required=True)
    who.add_argument(
        "--municipality", help="CBS municipality code(s), e.g. GM1926 or GM1926,GM0363"
    )
    who.add_argument("--all", action="store_true", help="every municipality (large downloads)")
    f.add_argument(
        "--tables",
        default=None,
        help="comma-separated table ids (default: every table the report uses: "
        "47018NED,47022NED,70072ned,47021NED)",
    )
    f.add_argument(
        "--base-url",
        default=None,
        help="API base URL for every catalogue (default: $IVP_ODATA_BASE, else "
        "https://opendata.cbs.nl for CBS and https://dataderden.cbs.nl for Politie tables)",
    )
    f.add_argument("--out", default=None, help="snapshot root (default: data/fetched)")
    f.add_argument("--timeout", type=float, default=60.0, help="seconds per request (default 60)")
    f.add_argument("--retries", type=int, default=4, help="retries per request (default 4)")
    f.add_argument("--dry-run", action="store_true", help="print the exact requests, fetch nothing")


def _overrides(args: argparse.Namespace) -> dict:
    from ivp_analysis.params import coerce_cli_value

    given = {"municipality": getattr(args, "municipality", None), "moment": args.moment}
    if args.set:
        from ivp_analysis.params import notebook_paths, parameter_specs

        specs = parameter_specs(notebook_paths())
        for item in args.set:
            if "=" not in item:
                raise ParameterError(f"--set expects NAME=VALUE, got {item!r}")
            name, value = item.split("=", 1)
            name = name.strip()
            given[name] = coerce_cli_value(specs[name], value) if name in specs else value
    return given


def _cmd_report(args: argparse.Namespace) -> int:
    from ivp_analysis.report import DEFAULT_CELL_TIMEOUT, load_params_for_cli, run_report

    given = load_params_for_cli(args.params, _overrides(args))
    extra = added_inputs(args)
    if extra:
        given["inputs"] = [*given.get("inputs", []), *extra]
    run_report(
        given,
        Path(args.out),
        cell_timeout=args.timeout or DEFAULT_CELL_TIMEOUT,
        jobs=args.jobs,
        pdf=args.pdf,
    )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from ivp_analysis.verify import verify

    out = verify(args.report, strict=args.strict)
    for w in out.warnings:
        print(f"warning: {w}")
    problems = out.problems
    if not problems:
        html = " and index.html" if out.html_compared else ""
        print(
            f"verified: {out.inputs_checked} input files and {out.notebooks_checked} source "
            f"notebooks unchanged; {out.files_checked} report files unchanged; "
            f"{out.tables_compared} result tables{html} identical after a fresh re-run"
        )
        return 0
    print(f"NOT verified: {len(problems)} problem(s)", file=sys.stderr)
    for p in problems[:200]:
        print(f"  {p}", file=sys.stderr)
    if len(problems) > 200:
        print(f"  ... and {len(problems) - 200} more", file=sys.stderr)
    return 1


def _cmd_batch(args: argparse.Namespace) -> int:
    from ivp_analysis.batch import run_batch
    from ivp_analysis.datasets import municipalities

    if args.all:
        codes = municipalities()["region"].tolist()
    else:
        codes = [c.strip() for c in args.municipalities.split(",") if c.strip()]
    common = {k: v for k, v in _overrides(args).items() if k != "municipality" and v is not None}
    if args.workers < 1:
        raise ParameterError("--workers must be 1 or more")
    results = run_batch(
        codes,
        common,
        Path(args.out),
        workers=args.workers,
        force=args.force,
        pdf=args.pdf,
        warm=args.kernels == "warm",
        scheduler=args.scheduler,
    )
    return 1 if any(r.status == "failed" for r in results) else 0


def _fold(text: str) -> str:
    """Fold a name for searching: no accents, no case, punctuation as spaces.

    Examples
    --------
    >>> _fold("'s-Gravenhage"), _fold("Súdwest-Fryslân")
    ('s gravenhage', 'sudwest fryslan')
    """
    import re
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain.lower()).split())


def find_municipalities(search: str) -> list[tuple[str, str, str]]:
    """Return (code, name, common name) of the municipalities matching ``search``.

    A municipality matches when the search is part of its code, its CBS name or a common name
    from ``codes.NAME_ALIASES`` ("Den Haag" for 's-Gravenhage); accents, case, hyphens and
    apostrophes are ignored.

    Examples
    --------
    >>> find_municipalities("den haag")
    [('GM0518', "'s-Gravenhage (gemeente)", 'Den Haag')]
    >>> [c for c, _, _ in find_municipalities("gm1926")]
    ['GM1926']
    """
    from ivp_analysis.codes import NAME_ALIASES
    from ivp_analysis.datasets import municipality_codes

    aliases: dict[str, list[str]] = {}
    for alias, code in NAME_ALIASES.items():
        aliases.setdefault(code, []).append(alias)
    want = _fold(search)
    out = []
    for code, name in municipality_codes().items():
        common = [a for a in aliases.get(code, []) if want in _fold(a)]
        if want in _fold(code) or want in _fold(name) or common:
            out.append((code, name, ", ".join(common)))
    return out


def _latest_population() -> dict[str, tuple[int, int]]:
    """Return code -> (year, average population) for the last year with a figure."""
    import json

    from ivp_analysis.datasets import path_of

    with open(path_of("municipal_crime"), encoding="utf-8") as f:
        population = json.load(f)["population"]
    out = {}
    for code, by_year in population.items():
        years = [int(y) for y, v in by_year.items() if v is not None]
        if years:
            out[code] = (max(years), int(by_year[str(max(years))]))
    return out


def _cmd_municipalities(args: argparse.Namespace) -> int:
    found = find_municipalities(args.search)
    if not found:
        print(
            f"ivp: no municipality matches {args.search!r}; try part of the name "
            "(ivp municipalities without a search lists all)",
            file=sys.stderr,
        )
        return 1
    population = _latest_population()
    width = max(len("municipality"), *(len(n) + (len(c) + 3 if c else 0) for _, n, c in found))
    print(f"{'code':<8}{'municipality':<{width + 2}}{'population':>10}  year")
    for code, name, common in found:
        shown = f"{name} ({common})" if common else name
        year, people = population.get(code, (0, 0))
        pop = f"{people:>10,}  {year}" if year else f"{'-':>10}"
        print(f"{code:<8}{shown:<{width + 2}}{pop}")
    return 0


#: Columns every municipal template has (data/templates/README.md): a CSV whose only line holds
#: them is a template without figures yet.
TEMPLATE_COLUMNS = frozenset({"region", "code", "period", "value"})


def empty_template(path: Path) -> bool:
    """Return whether ``path`` is a municipal template with only its header line (no figures yet).

    Examples
    --------
    >>> empty_template(paths.TEMPLATES_DIR / "handhaving.csv")
    True
    >>> empty_template(paths.TEMPLATES_DIR / "incidenten.csv")
    False
    """
    if not path.is_file() or path.suffix.lower() != ".csv":
        return False
    try:
        lines = [ln for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    except (OSError, UnicodeDecodeError):
        return False
    if len(lines) != 1:
        return False
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    return TEMPLATE_COLUMNS <= {h.strip().strip('"') for h in lines[0].split(delimiter)}


def _cmd_load(args: argparse.Namespace) -> int:
    from ivp_analysis.load import FORMATS, load_table

    if empty_template(Path(args.path)):
        print(
            f"{args.path}: template is empty (only the header line): no figures yet, which is "
            "fine; add one row per figure (region, period, code, value; see "
            "data/templates/README.md)"
        )
        return 0
    df = load_table(args.path)
    fmt = df.attrs["format"]
    if args.check:
        print(f"{args.path}: ok, format {fmt}, {len(df)} rows")
        return 0
    print(f"format: {fmt} ({FORMATS[fmt]})")
    periods = sorted({str(p) for p in df["period"]})
    print(
        f"rows: {len(df)}; regions: {df['region'].nunique()}; codes: {df['code'].nunique()}; "
        f"periods: {len(periods)} ({periods[0]} .. {periods[-1]})"
    )
    print(
        f"withheld (NaN): {int(df['value'].isna().sum())}; status: "
        + ", ".join(f"{k} {v}" for k, v in df["status"].value_counts().sort_index().items())
    )
    print(df.head(10).to_string(index=False))
    return 0


def _cmd_params(args: argparse.Namespace) -> int:
    from ivp_analysis.params import RESERVED, notebook_paths, parameter_specs

    for spec in parameter_specs(notebook_paths()).values():
        if spec.name in RESERVED:
            continue
        print(
            f"{spec.name} ({spec.type_name}, default {spec.default!r}): {spec.help} "
            f"[{', '.join(spec.notebooks)}]"
        )
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from ivp_analysis import fetch

    tables = args.tables.split(",") if args.tables else list(fetch.TABLES)
    regions = None if args.all else [c.strip() for c in args.municipality.split(",") if c.strip()]
    settings = fetch.Settings(base_url=args.base_url, timeout=args.timeout, retries=args.retries)
    if args.out:
        settings.out = Path(args.out)
    chosen = [t.strip() for t in tables]
    for snapshot in fetch.run(
        chosen, regions, settings, dry_run=args.dry_run, skip_empty=not args.tables
    ):
        print(snapshot)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``ivp`` command; return the exit code."""
    from ivp_analysis.execute import skip_iri_format_checks

    skip_iri_format_checks()
    args = _parser().parse_args(argv)
    handlers = {
        "report": _cmd_report,
        "verify": _cmd_verify,
        "batch": _cmd_batch,
        "municipalities": _cmd_municipalities,
        "load": _cmd_load,
        "params": _cmd_params,
        "fetch": _cmd_fetch,
        "trace": _cmd_trace,
    }
    try:
        return handlers[args.command](args)
    except (ParameterError, InputFileError) as exc:
        print(f"ivp: error: {exc}", file=sys.stderr)
        return 2
    except IvpError as exc:
        print(f"ivp: error: {exc}", file=sys.stderr)
        return 1
    except RunInterrupted as exc:
        print(f"ivp: {exc}; nothing was published, the staging folder was removed", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ivp: interrupted; no report was published", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a program that stopped reading (| head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
