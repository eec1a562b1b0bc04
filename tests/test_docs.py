"""Every file the package, its notebooks or its docs cite exists, and every result column is documented."""

import csv
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC_PATH = re.compile(r"docs/[A-Za-z0-9_./-]*\.md")
MD_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _texts():
    for p in sorted((ROOT / "ivp_analysis").rglob("*.py")):
        yield p, p.read_text(encoding="utf-8")
    for p in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(p.read_text(encoding="utf-8"))["cells"]
        yield p, "\n".join("".join(c["source"]) for c in cells)
    for p in [ROOT / "README.md", *sorted((ROOT / "data").rglob("*.md"))]:
        yield p, p.read_text(encoding="utf-8")


def test_every_cited_docs_file_exists():
    missing = [
        f"{p.relative_to(ROOT)} cites {m}"
        for p, text in _texts()
        for m in sorted(set(DOC_PATH.findall(text)))
        if not (ROOT / m).is_file()
    ]
    assert not missing, missing


def test_every_relative_link_in_the_docs_resolves():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = [
        f"{page.relative_to(ROOT)} -> {target}"
        for page in pages
        for target in MD_LINK.findall(page.read_text(encoding="utf-8"))
        if "://" not in target and not (page.parent / target).exists()
    ]
    assert not broken, broken


def test_every_result_table_and_column_is_in_the_data_dictionary(default_report):
    """docs/results.md has a section per result table listing each of its columns."""
    doc = (ROOT / "docs" / "results.md").read_text(encoding="utf-8")
    sections = dict(
        re.findall(r"^## `results/([a-z_]+)\.csv`[^\n]*\n(.*?)(?=^## |\Z)", doc, re.M | re.S)
    )
    undocumented = []
    for table in sorted((default_report / "results").glob("*.csv")):
        if table.stem not in sections:
            undocumented.append(f"{table.name}: no section")
            continue
        with table.open(encoding="utf-8") as f:
            header = next(csv.reader(f))
        named = set(re.findall(r"`([a-z0-9_]+)`", sections[table.stem]))
        undocumented += [f"{table.name}: {c}" for c in header if c not in named]
    assert not undocumented, undocumented


def test_every_result_table_has_a_description_in_the_report(default_report):
    from ivp_analysis.report import RESULT_DESCRIPTIONS

    tables = {p.stem for p in (default_report / "results").glob("*.csv")}
    assert tables <= set(RESULT_DESCRIPTIONS), tables - set(RESULT_DESCRIPTIONS)


def test_every_command_the_docs_name_exists():
    """`make <target>` and `ivp <subcommand>` in the README and docs are real targets and subcommands."""
    import argparse

    from ivp_analysis.cli import _parser

    sub = next(a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    subcommands = set(sub.choices)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, re.M))
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    wrong = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        wrong += [
            f"{page.name}: make {t}"
            for t in re.findall(r"`make ([a-z-]+)", text)
            if t not in targets
        ]
        wrong += [
            f"{page.name}: ivp {c}"
            for c in re.findall(r"(?:^|[\s`/])ivp ([a-z]+)", text, re.M)
            if c not in subcommands
        ]
    assert not wrong, wrong
