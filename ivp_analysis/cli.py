"""The ``ivp`` command: build, verify and batch reports, check input files.

Errors of ours end the program with one line on stderr (``ivp: error: ...``) and exit code 2
for bad parameters or input, 1 for a failed run.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# jsonschema (imported by nbformat, which papermill needs) imports the optional IRI checker
# rfc3987_syntax when it is installed; building its grammar costs 1.5 s per process and
# notebooks never use IRI formats. Marking it absent keeps `ivp` quick to start.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

from ivp_analysis import paths  # noqa: E402
from ivp_analysis.errors import InputFileError, IvpError, ParameterError  # noqa: E402


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ivp",
        description="Evaluate a Dutch municipality's integral safety plan from open crime data.",
    )
    sub = p.add_subparsers(dest="command", required=True)

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

    v = sub.add_parser(
        "verify", help="check a report's inputs and re-run it to compare every result table"
    )
    v.add_argument("report", help="a report folder, e.g. reports/GM1926/tussenevaluatie-2024")

    b = sub.add_parser("batch", help="build reports for many municipalities in parallel")
    who = b.add_mutually_exclusive_group(required=True)
    who.add_argument("--municipalities", help="comma-separated codes, e.g. GM1926,GM0363,GM0599")
    who.add_argument("--all", action="store_true", help="every municipality in the shipped data")
    b.add_argument(
        "--moment", default="tussenevaluatie-2024", help="evaluation moment for every report"
    )
    b.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="other parameters"
    )
    b.add_argument("--workers", type=int, default=1, help="parallel processes (default 1)")
    b.add_argument("--force", action="store_true", help="rebuild reports that are up to date")
    b.add_argument("--out", default=str(paths.REPORTS_DIR), help="root folder of the reports")

    m = sub.add_parser("municipalities", help="list the municipality codes in the shipped data")
    m.add_argument("search", nargs="?", default="", help="part of a name, e.g. pijnacker")

    chk = sub.add_parser("load", help="read an input file and show what was understood")
    chk.add_argument("path", help="a CSV/JSON file or a cbsodataR folder")

    sub.add_parser("params", help="list the report parameters with their types and defaults")
    _fetch_parser(sub)
    return p


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
    run_report(
        given, Path(args.out), cell_timeout=args.timeout or DEFAULT_CELL_TIMEOUT, jobs=args.jobs
    )
    return 0


def _cmd_verify(args: argparse.Namespace) -> int:
    from ivp_analysis.verify import verify

    out = verify(args.report)
    for w in out.warnings:
        print(f"warning: {w}")
    problems = [*out.changed_inputs, *out.edited_results, *map(str, out.differences)]
    if not problems:
        print(f"verified: {out.inputs_checked} inputs and notebooks unchanged, "
              f"{out.tables_compared} result tables identical after a fresh re-run")  # fmt: skip
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
    results = run_batch(codes, common, Path(args.out), workers=args.workers, force=args.force)
    return 1 if any(r.status == "failed" for r in results) else 0


def _cmd_municipalities(args: argparse.Namespace) -> int:
    from ivp_analysis.datasets import municipalities

    m = municipalities()
    if args.search:
        m = m[m["region_name"].str.contains(args.search, case=False, regex=False)]
    for row in m.itertuples():
        print(f"{row.region}  {row.region_name}")
    return 0


def _cmd_load(args: argparse.Namespace) -> int:
    from ivp_analysis.load import FORMATS, load_table

    df = load_table(args.path)
    fmt = df.attrs["format"]
    print(f"format: {fmt} ({FORMATS[fmt]})")
    periods = sorted({str(p) for p in df["period"]})
    print(f"rows: {len(df)}; regions: {df['region'].nunique()}; codes: {df['code'].nunique()}; "
          f"periods: {len(periods)} ({periods[0]} .. {periods[-1]})")  # fmt: skip
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
        print(f"{spec.name} ({spec.type_name}, default {spec.default!r}): {spec.help} "
              f"[{', '.join(spec.notebooks)}]")  # fmt: skip
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from ivp_analysis import fetch

    tables = args.tables.split(",") if args.tables else list(fetch.TABLES)
    regions = None if args.all else [c.strip() for c in args.municipality.split(",") if c.strip()]
    settings = fetch.Settings(base_url=args.base_url, timeout=args.timeout, retries=args.retries)
    if args.out:
        settings.out = Path(args.out)
    for snapshot in fetch.run([t.strip() for t in tables], regions, settings, dry_run=args.dry_run):
        print(snapshot)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the ``ivp`` command; return the exit code."""
    args = _parser().parse_args(argv)
    handlers = {
        "report": _cmd_report,
        "verify": _cmd_verify,
        "batch": _cmd_batch,
        "municipalities": _cmd_municipalities,
        "load": _cmd_load,
        "params": _cmd_params,
        "fetch": _cmd_fetch,
    }
    try:
        return handlers[args.command](args)
    except (ParameterError, InputFileError) as exc:
        print(f"ivp: error: {exc}", file=sys.stderr)
        return 2
    except IvpError as exc:
        print(f"ivp: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("ivp: interrupted; no report was published", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
