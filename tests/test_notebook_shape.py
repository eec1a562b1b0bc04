"""Every report notebook has one predictable shape: parameters, one analysis call, one call a section.

Computation belongs in the library (tested there); a notebook cell that defines, loops or reassigns a
parameter is library code waiting to move.
"""

import ast
import json

import pytest

from ivp_analysis.params import notebook_paths

NOTEBOOKS = notebook_paths()
MAX_CELL_LINES = 15


def _code_cells(nb):
    cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
    return [
        ("".join(c["source"]), "parameters" in c.get("metadata", {}).get("tags", []))
        for c in cells
        if c["cell_type"] == "code"
    ]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_are_short(nb):
    long = [
        src.splitlines()[0]
        for src, _ in _code_cells(nb)
        if len(src.strip().splitlines()) > MAX_CELL_LINES
    ]
    assert not long, f"{nb.name}: cells over {MAX_CELL_LINES} lines start with {long}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_parameters_cell_holds_typed_literals_with_a_comment(nb):
    cells = _code_cells(nb)
    params = [src for src, tagged in cells if tagged]
    assert len(params) == 1, f"{nb.name}: one cell tagged 'parameters'"
    for line in params[0].splitlines():
        node = ast.parse(line).body[0]
        assert isinstance(node, ast.AnnAssign), f"{nb.name}: {line!r} is not 'name: type = value'"
        ast.literal_eval(node.value)  # a literal, nothing derived
        assert "  # " in line, f"{nb.name}: {line!r} has no comment saying what it is"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_cell_computes_defines_loops_or_reassigns_a_parameter(nb):
    cells = _code_cells(nb)
    names = {
        n.target.id
        for src, tagged in cells
        if tagged
        for n in ast.parse(src).body
        if isinstance(n, ast.AnnAssign)
    }
    banned = (
        ast.FunctionDef,
        ast.ClassDef,
        ast.For,
        ast.While,
        ast.Lambda,
        ast.ListComp,
        ast.DictComp,
        ast.GeneratorExp,
        ast.BinOp,
        ast.If,
    )
    for src, tagged in cells:
        if tagged:
            continue
        tree = ast.parse(src)
        found = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, banned)]
        assert not found, f"{nb.name}: cell {src.splitlines()[0]!r} has {found}"
        assigned = {
            t.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        assert not assigned & names, f"{nb.name}: reassigns parameters {assigned & names}"
