"""pyproject.toml, environment.yml and requirements.lock must describe the same dependencies."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _split(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    return m[1].lower().replace("_", "-"), m[2].replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    deps = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():  # dev, cluster
        deps += extra
    return dict(_split(d) for d in deps)


def test_environment_yml_matches_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {}
    pip_section = []
    for d in env["dependencies"]:
        if isinstance(d, dict):
            pip_section = d["pip"]
            continue
        name, spec = _split(d)
        if name not in ("python", "pip"):
            conda[name] = spec
    assert conda == _pyproject()
    assert "-e ." in pip_section  # the package itself, editable


def test_lock_file_pins_every_dependency_exactly():
    lock = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            lock[name.lower().replace("_", "-")] = version
    for name in _pyproject():
        assert name in lock, f"{name} is not pinned in requirements.lock"
