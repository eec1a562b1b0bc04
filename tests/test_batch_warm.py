"""A warm batch makes, for every municipality, the report that ``ivp report`` makes alone.

Real notebooks, real data, one warm worker: before the four report notebooks of every
municipality, ``00_a_state`` (tests/fixtures/pipeline/state) changes every kind of process state
(matplotlib rcParams, pandas options, numpy's global random state, warning filters, environment,
working directory, a poisoned in-process data cache); for the first municipality it then fails
half-way, so its report fails and the next municipality runs right after a failed notebook.
Each report of the batch is compared with the same report built alone with cold kernels.

What "the same report" means (docs/batch.md):

* result tables and ``parameters.yaml``: byte for byte;
* ``index.html``: byte for byte once the generation date is blanked, as ``ivp verify`` does
  (:func:`ivp_analysis.html.strip_volatile`);
* ``manifest.json``: the ``reproducible`` block equal and the same report files listed (the
  ``run`` block and the hashes of the notebooks and ``index.html`` carry run times);
* executed notebooks: byte for byte after :func:`normalised` removes what differs between any
  two runs of the same report, cold or warm: papermill's start, end and duration (notebook and
  cells), nbclient's ``execution`` time stamps of each cell, the random ``id`` of the cells
  papermill adds (injected parameters; the error marks of a failed notebook), the run's staging
  folder (in the injected ``results_dir`` and
  the ``output_path``), and the run time that notebook 02 prints ("rekentijd van dit
  notebook: 3.3 s").
"""

import json
import re
import shutil
from pathlib import Path

import pytest

from ivp_analysis import warm
from ivp_analysis.batch import run_batch
from ivp_analysis.html import strip_volatile
from ivp_analysis.params import notebook_paths
from ivp_analysis.report import run_report

pytestmark = pytest.mark.skipif(not warm.available(), reason="warm kernels need os.fork (Linux)")
STATE = Path(__file__).parent / "fixtures" / "pipeline" / "state" / "00_a_state.ipynb"
COMMON = {"moment": "tussenevaluatie-2024", "fail_for": "GM0088"}
#: The run time notebook 02 prints: a duration, as volatile as papermill's own.
RUN_TIME = re.compile(r"rekentijd van dit notebook: [0-9.]+ s")


def normalised(path: Path) -> str:
    """Return an executed notebook without what differs between two runs of the same report."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    meta = nb["metadata"].get("papermill", {})
    stage = str(Path(meta["output_path"]).parent.parent)
    for key in ("start_time", "end_time", "duration"):
        meta.pop(key, None)
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)
        for key in ("start_time", "end_time", "duration"):
            cell["metadata"].get("papermill", {}).pop(key, None)
        if {"injected-parameters", "papermill-error-cell-tag"} & set(
            cell["metadata"].get("tags", [])
        ):
            cell.pop("id", None)  # papermill makes these cells with a random id
    text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False)
    return RUN_TIME.sub("rekentijd van dit notebook: <s> s", text.replace(stage, "<staging>"))


def assert_same_report(batch: Path, alone: Path) -> None:
    """Assert that two report folders are the same report (see the module docstring)."""

    def files(folder: Path) -> list[str]:
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())

    assert files(batch) == files(alone)
    for rel in files(batch):
        a, b = batch / rel, alone / rel
        if rel.startswith("results/") or rel == "parameters.yaml":
            assert a.read_bytes() == b.read_bytes(), rel
        elif rel == "index.html":
            page_a, page_b = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
            assert strip_volatile(page_a) == strip_volatile(page_b), rel
        elif rel.endswith(".ipynb"):
            assert normalised(a) == normalised(b), rel
        else:
            assert rel == "manifest.json", rel
            man_a, man_b = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
            assert man_a["reproducible"] == man_b["reproducible"]
            listed = [[e["path"] for e in m["report_files"]] for m in (man_a, man_b)]
            assert listed[0] == listed[1]


@pytest.fixture(scope="module")
def notebooks(tmp_path_factory) -> Path:
    """The report's own notebooks with the state-changing notebook before them."""
    folder = tmp_path_factory.mktemp("notebooks")
    for nb in [*notebook_paths(), STATE]:
        shutil.copy(nb, folder / nb.name)
    return folder


def test_warm_batch_reports_are_byte_identical_to_single_cold_reports(tmp_path, notebooks):
    lines: list[str] = []
    codes = ["GM0088", "GM1926", "GM0363"]
    results = run_batch(
        codes,
        COMMON,
        tmp_path / "batch",
        notebooks_dir=notebooks,
        overview=False,
        progress=lines.append,
    )
    assert [(r.municipality, r.status) for r in results] == [
        ("GM0088", "failed"),
        ("GM1926", "done"),
        ("GM0363", "done"),
    ]
    assert "bewust gefaald voor GM0088" in results[0].detail
    pool = warm.worker_pool(sorted(notebooks.glob("*.ipynb")))
    assert pool.launches >= 1 + 5 + 5  # every notebook ran in a forked kernel
    for code in ("GM1926", "GM0363"):
        alone = run_report(
            {**COMMON, "municipality": code},
            tmp_path / "alone",
            notebooks_dir=notebooks,
            jobs=1,
            progress=lambda m: None,
        )
        assert_same_report(tmp_path / "batch" / code / "tussenevaluatie-2024", alone)
    # the failed notebook itself, kept in .failed/, is also what a cold run keeps
    with pytest.raises(Exception, match="bewust gefaald voor GM0088"):
        run_report(
            {**COMMON, "municipality": "GM0088"},
            tmp_path / "alone",
            notebooks_dir=notebooks,
            jobs=1,
            progress=lambda m: None,
        )
    kept = [
        sorted((tmp_path / d / ".failed").rglob("00_a_state.ipynb")) for d in ("batch", "alone")
    ]
    assert len(kept[0]) == len(kept[1]) == 1
    assert normalised(kept[0][0]) == normalised(kept[1][0])
