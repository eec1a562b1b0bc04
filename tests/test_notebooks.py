"""Smoke runs of the report notebooks with papermill and injected parameters.

nbval (pytest --nbval-lax over notebooks/) runs every notebook on its defaults; here each one
runs with another municipality and moment injected, as the report pipeline does.
"""

import json
from pathlib import Path

import papermill
import pytest

from ivp_analysis import report
from ivp_analysis.errors import ParameterError
from ivp_analysis.params import notebook_paths, parameter_specs

NOTEBOOKS = notebook_paths()
SPECS = parameter_specs(NOTEBOOKS)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_with_injected_parameters(nb, tmp_path):
    report.ensure_kernel()
    wanted = {
        "municipality": "GM0363",
        "moment": "eindevaluatie-2026",
        "results_dir": str(tmp_path),
    }
    params = {k: v for k, v in wanted.items() if k in SPECS and nb.name in SPECS[k].notebooks}
    out = tmp_path / nb.name
    papermill.execute_notebook(
        str(nb),
        str(out),
        parameters=params,
        kernel_name=report.KERNEL_NAME,
        progress_bar=False,
        execution_timeout=600,
        cwd=str(nb.parent),
    )
    executed = json.loads(out.read_text())
    injected = [
        c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
    ]
    assert injected and 'municipality = "GM0363"' in "".join(injected[0]["source"])
    assert list(tmp_path.glob("*.csv")), "the notebook wrote no result table"


def test_committed_notebooks_are_clean():
    for nb in [*NOTEBOOKS, *Path("notebooks").glob("exploratory/*.ipynb")]:
        data = json.loads(Path(nb).read_text())
        for cell in data["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, nb
        assert data["metadata"]["kernelspec"]["name"] == "ivp-analysis"


def test_papermill_alone_only_warns_about_a_misspelt_parameter(tmp_path, caplog):
    # Why the pipeline validates first: papermill logs a warning and runs with the defaults.
    nb = Path(__file__).parent / "fixtures" / "pipeline" / "ok" / "01_ok.ipynb"
    papermill.execute_notebook(
        str(nb),
        str(tmp_path / "out.ipynb"),
        parameters={"municiplaity": "GM0363"},
        kernel_name=report.KERNEL_NAME,
        progress_bar=False,
    )
    assert "Passed unknown parameter: municiplaity" in caplog.text


def test_pipeline_refuses_the_misspelt_parameter():
    with pytest.raises(ParameterError, match="unknown parameter 'municiplaity'"):
        report.prepare({"municiplaity": "GM0363"})


def test_every_parameter_has_a_one_line_comment():
    # A parameter line wrapped by a formatter loses its comment in papermill's parser, and with it
    # the help text that `ivp params` shows: keep each parameter on one line.
    for spec in SPECS.values():
        assert spec.help.strip(), f"{spec.name} in {spec.notebooks} has no comment"
