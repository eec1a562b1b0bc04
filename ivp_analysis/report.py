"""Run a report: validate parameters, execute the notebooks with papermill, render HTML (and a
PDF), write result tables and a manifest, and publish the folder only when everything succeeded.

A failed or stopped run leaves no partial report and never touches an earlier one. The run
builds in ``<out>/.staging/<run>/`` (see :mod:`ivp_analysis.staging`); the executed notebooks of
a failed run are kept together in ``<out>/.failed/<municipality>-<moment>-<run>/`` and named in
the error.
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from ivp_analysis import manifest, moments, paths, staging
from ivp_analysis._version import __version__
from ivp_analysis.codes import municipality_name
from ivp_analysis.errors import BrowserNotFoundError, ParameterError, ReportError
from ivp_analysis.execute import execute_all, settle_kernels
from ivp_analysis.params import (
    notebook_paths,
    output_name,
    parameter_specs,
    validate,
)

KERNEL_NAME = "ivp-analysis"
#: Seconds one notebook cell may run before the report fails (papermill has no limit by default).
DEFAULT_CELL_TIMEOUT = 900
#: Environment for the kernels: fixed hash seed and a non-interactive matplotlib backend.
KERNEL_ENV = {"PYTHONHASHSEED": "0", "MPLBACKEND": "module://matplotlib_inline.backend_inline"}

TITLE = "Evaluatie Integraal Veiligheidsplan"
#: Result table -> Dutch description (documented in the README); unknown names get a generic text.
RESULT_DESCRIPTIONS = {
    "data_availability": "beschikbare bronnen, perioden, soorten en status per gemeente",
    "trends": "reeksen per soort misdrijf met aantallen, per 1.000 inwoners en verandering per jaar",
    "trend_models": "trend per soort misdrijf (Poisson of negatief binomiaal) met interval",
    "benchmark": "de gemeente naast Nederland en de vergelijkingsgroep",
    "reconciliation": "cijfers uit het plan naast de officiële reeksen",
    "covid_national": "landelijke verwachting zonder COVID-19 per maand met intervallen",
    "covid_summary": "verschil tussen waargenomen en verwacht per fase",
    "covid_municipal": "waargenomen tegenover verwacht in 2020 en 2021 per gemeente",
    "covid_national_years": "landelijke aantallen per soort en kalenderjaar rond COVID-19",
    "indicators": "evaluatie-indicatoren met peiljaar, evaluatiejaar, verandering en status",
    "wijken": "aantallen en cijfers per 1.000 inwoners per wijk, uit buurtcijfers",
    "data_inputs": "toegevoegde bestanden met hun editie (formaat, perioden, datums)",
    "data_overrides": "meegeleverde cijfers waarvoor een toegevoegd bestand een cijfer heeft",
}


def _print(msg: str) -> None:
    print(msg, flush=True)


def kernel_spec() -> dict:
    """Return the kernel spec of this environment: its own Python, kernel warnings kept quiet.

    The kernel's start-up warning about unencrypted local TCP would otherwise be printed once
    per notebook into every report run's output.
    """
    return {
        "argv": [
            sys.executable,
            "-Xfrozen_modules=off",
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--IPKernelApp.log_level=CRITICAL",
        ],
        "display_name": "Python (ivp-analysis)",
        "language": "python",
        "metadata": {"debugger": True},
    }


def install_kernel() -> Path:
    """Write the ``ivp-analysis`` kernel spec into this environment (``sys.prefix``)."""
    import json

    folder = Path(sys.prefix) / "share" / "jupyter" / "kernels" / KERNEL_NAME
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "kernel.json"
    text = json.dumps(kernel_spec(), indent=1) + "\n"
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


def ensure_kernel() -> str:
    """Make sure the named kernel runs this interpreter; (re)write it in this environment if not.

    Returns
    -------
    str
        The kernel name to pass to papermill.

    Raises
    ------
    ReportError
        When a kernel of that name elsewhere (for example in the user's home) shadows this
        environment's and runs another Python: it would use other package versions.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    install_kernel()
    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    exe = spec.argv[0]
    if Path(exe).resolve() != Path(sys.executable).resolve():
        raise ReportError(
            f"the Jupyter kernel '{KERNEL_NAME}' at {spec.resource_dir} runs {exe}, not this "
            f"environment's {sys.executable}; remove it (jupyter kernelspec remove {KERNEL_NAME}) "
            "and run again"
        )
    return KERNEL_NAME


def prepare(given: dict, notebooks_dir: Path | None = None) -> tuple[dict, list[Path], dict]:
    """Validate parameters against the notebooks; return (parameters, notebooks, specs).

    Nothing is written; this is the whole check that runs before papermill is called.
    """
    notebooks = notebook_paths(notebooks_dir)
    if not notebooks:
        raise ReportError(
            f"no numbered notebooks (NN_name.ipynb) in {notebooks_dir or paths.NOTEBOOKS_DIR}"
        )
    specs = parameter_specs(notebooks)
    return validate(given, specs), notebooks, specs


def report_dir(out_root: Path, params: dict) -> Path:
    """Return ``<out_root>/<municipality>/<moment>``."""
    return Path(out_root) / params["municipality"] / output_name(params)


def run_report(
    given: dict,
    out_root: str | Path = paths.REPORTS_DIR,
    *,
    notebooks_dir: Path | None = None,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    jobs: int | None = None,
    pdf: bool = False,
    progress: Callable[[str], None] = _print,
) -> Path:
    """Build one report and return its folder.

    Parameters
    ----------
    given : dict
        Parameters as given by the user (names must exist in a notebook's parameters cell).
    out_root : path
        Root of the reports (default ``reports/``); the report goes to
        ``<out_root>/<municipality>/<moment>/``.
    notebooks_dir : Path, optional
        Folder of the numbered notebooks (default ``notebooks/``).
    cell_timeout : int
        Seconds a single cell may run.
    jobs : int, optional
        Notebooks run at once (default: one per core, at most two); the result is the same.
    pdf : bool
        Also print ``report.pdf`` with headless Chromium; without Chromium the report is
        published without it and ``progress`` says how to get one.
    progress : callable
        Receives one line per step.

    Raises
    ------
    ParameterError
        Before anything is written, for a bad parameter.
    ReportError
        When a notebook fails; the message names it and where its executed copy was kept.
    RunInterrupted
        On SIGTERM or SIGINT (in the main thread); the staging folder is removed first.
    """
    params, notebooks, specs = prepare(given, notebooks_dir)
    jobs = default_jobs() if jobs is None else max(1, jobs)
    out_root = Path(out_root)
    final = report_dir(out_root, params)
    kernel = ensure_kernel()
    started = datetime.now(UTC)
    t0, since = time.perf_counter(), time.time()
    staging.clean_stale(out_root, progress)
    run = staging.run_id(started)
    folder = f"{params['municipality']}-{output_name(params)}"
    stage = staging.create(out_root, f"{folder}-{run}")
    try:
        with staging.stop_on_signals(), _kernel_environment():
            (stage / "notebooks").mkdir()
            (stage / "results").mkdir()
            failed_dir = out_root / staging.FAILED / f"{folder}-{run}"
            try:
                execute_all(
                    notebooks,
                    params,
                    specs,
                    stage,
                    failed_dir,
                    kernel,
                    cell_timeout,
                    jobs,
                    progress,
                )
            except BaseException:
                staging.kill_kernels(since)  # a stopped run: no kernel may go on writing
                raise
            _assemble(params, notebooks, stage, final, started, t0, pdf, progress)
            settle_kernels()
            _publish(stage, final)
    finally:
        staging.remove(stage)
    progress(f"report written to {final} in {time.perf_counter() - t0:.1f} s")
    return final


@contextmanager
def _kernel_environment() -> Iterator[None]:
    """Set :data:`KERNEL_ENV` for the kernels started in the block; restore it afterwards."""
    before = {k: os.environ.get(k) for k in KERNEL_ENV}
    os.environ.update(KERNEL_ENV)
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _assemble(
    params: dict,
    notebooks: list[Path],
    stage: Path,
    final: Path,
    started: datetime,
    t0: float,
    pdf: bool,
    progress: Callable[[str], None],
) -> None:
    """Write index.html, parameters.yaml, report.pdf (when asked) and the manifest into ``stage``."""
    results = sorted((stage / "results").glob("*.csv"))
    executed = [stage / "notebooks" / nb.name for nb in notebooks]
    vintage = manifest.data_vintage(params.get("inputs", []))
    progress(f"rendering index.html ({len(results)} result tables)")
    _render(params, executed, stage, started, vintage)
    _write_params_file(params, stage / "parameters.yaml")
    if pdf:
        _print_pdf(stage, progress)
    run = {
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "duration_seconds": round(time.perf_counter() - t0, 1),
        "host": platform.node(),
        "python_executable": sys.executable,
        "output_dir": str(final),
    }
    man = manifest.build(params, notebooks, results, run, report_dir=stage, vintage=vintage)
    for w in man["warnings"]:
        progress(f"warning: {w}")
    manifest.write(man, stage / "manifest.json")


def _print_pdf(stage: Path, progress: Callable[[str], None]) -> None:
    """Print report.pdf; without Chromium say how to get one and go on without the PDF."""
    from ivp_analysis.pdf import print_pdf

    progress("printing report.pdf with headless Chromium")
    try:
        pages = print_pdf(stage / "index.html", stage / "report.pdf")
    except BrowserNotFoundError as exc:
        progress(f"warning: {exc}; the HTML report is published without report.pdf")
        return
    progress(f"report.pdf: {pages} pages (A4)")


def default_jobs() -> int:
    """Notebooks run at once in one report: one per core, at most two (kernels need memory too)."""
    return max(1, min(2, os.cpu_count() or 1))


def _remove_if_empty(d: Path) -> None:
    try:
        d.rmdir()
    except OSError:
        pass


def _publish(staging: Path, final: Path) -> None:
    """Move the finished report into place; an earlier report is replaced only at the very end."""
    created_parent = not final.parent.exists()
    final.parent.mkdir(parents=True, exist_ok=True)
    backup = None
    if final.exists():
        backup = final.with_name(f".{final.name}.previous-{uuid.uuid4().hex[:8]}")
        final.rename(backup)
    try:
        staging.rename(final)
    except BaseException:
        if backup is not None:
            backup.rename(final)
        elif created_parent:
            _remove_if_empty(final.parent)
        raise
    if backup is not None:
        shutil.rmtree(backup)


def _write_params_file(params: dict, path: Path) -> None:
    import yaml

    text = "# Parameters of this report; rerun with: ivp report --params parameters.yaml\n"
    text += yaml.safe_dump(dict(sorted(params.items())), allow_unicode=True, sort_keys=True)
    path.write_text(text, encoding="utf-8")


def _render(
    params: dict, executed: list[Path], stage: Path, started: datetime, vintage: list[dict]
) -> None:
    from ivp_analysis.html import render_report
    from ivp_analysis.present import summary

    code = params["municipality"]
    moment = moments.from_params(params)
    name = municipality_name(code)
    # the source hash, not the git commit: a commit that changes no code (documentation) must
    # not change index.html, which `ivp verify` compares with a re-run
    source = manifest.code_sha256()[:12]
    results = sorted((stage / "results").glob("*.csv"))
    downloads = [
        (f"results/{p.name}", RESULT_DESCRIPTIONS.get(p.stem, "resultaattabel")) for p in results
    ]
    facts = summary.build(
        summary.read_results(stage / "results"),
        municipality=code,
        name=name,
        moment_label=moment.label,
        baseline_year=moment.baseline_year,
        eval_year=moment.eval_year,
        generated=started,
        vintage=vintage,
        data_last_year=moment.data_last_year,
    )
    render_report(
        executed,
        stage / "index.html",
        title=TITLE,
        subtitle=f"{name} – {moment.label}",
        made=(
            f"Gemaakt met ivp-analysis {__version__} (broncode {source}); git-commit, invoer, "
            "parameters en softwareversies met SHA-256 in manifest.json."
        ),
        downloads=downloads,
        footer="Automatisch gemaakt met ivp-analysis uit open data van CBS en Politie en de cijfers "
        "uit het plan. Controleer met: ivp verify <deze map>.",
        summary=facts,
    )


def load_params_for_cli(params_file: str | None, overrides: dict) -> dict:
    """Merge a YAML parameter file with command-line values (the command line wins)."""
    from ivp_analysis.params import read_params_file

    given = read_params_file(params_file) if params_file else {}
    for k, v in overrides.items():
        if v is not None:
            given[k] = v
    prepare(given)  # unknown names and wrong types are reported before anything else
    if "municipality" not in given:
        raise ParameterError("no municipality given: use --municipality GM#### or a parameter file")
    return given
