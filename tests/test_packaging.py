"""The packaging files agree with each other: pyproject.toml, environment.yml, constraints."""

from __future__ import annotations

import re
import sys
import tomllib

import yaml

from tests.conftest import ROOT

# conda-forge names that differ from PyPI names
CONDA_TO_PYPI = {"pytorch": "torch"}


def _split(requirement: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", requirement)
    assert match, requirement
    name = match.group(1).lower().replace("_", "-")
    return CONDA_TO_PYPI.get(name, name), match.group(2).replace(" ", "")


def _pyproject_requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs += [r for r in extra if not r.startswith("deepdiff-repro")]
    return dict(_split(r) for r in reqs)


def _environment_requirements() -> dict[str, str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    out: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            out.update(_split(r) for r in dep["pip"] if not r.startswith("-e"))
        elif not dep.startswith(("python", "pip")):
            out.update([_split(dep)])
    return out


def test_environment_yml_matches_pyproject() -> None:
    assert _environment_requirements() == _pyproject_requirements()


def test_constraints_pin_every_dependency_and_torch() -> None:
    lines = (ROOT / "requirements" / "constraints.txt").read_text().splitlines()
    pins = {}
    for line in lines:
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            pins[_split(name)[0]] = version.strip()
    assert pins.get("torch") == "2.13.0"
    missing = sorted(set(_pyproject_requirements()) - set(pins))
    assert not missing, f"not pinned in requirements/constraints.txt: {missing}"


def test_distribution_name_differs_from_import_name() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    # An unrelated `deepdiff` exists on PyPI; sharing its distribution name would let one overwrite the other.
    assert project["name"] != "deepdiff"
    assert project["scripts"]["deepdiff"] == "deepdiff.cli:main"


def test_supported_python_versions_agree() -> None:
    """One range of Python versions in pyproject.toml (and ruff's target), environment.yml, the README
    and the book's quick start; and the interpreter running the tests is in it."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    least = re.fullmatch(r">=3\.(\d+)", pyproject["project"]["requires-python"])
    assert least, pyproject["project"]["requires-python"]
    minor = int(least.group(1))
    assert pyproject["tool"]["ruff"]["target-version"] == f"py3{minor}"
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    (python,) = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python")]
    bounds = re.fullmatch(r"python>=3\.(\d+),<3\.(\d+)", python)
    assert bounds and int(bounds.group(1)) == minor, python
    stated = f"Python 3.{minor}–3.{int(bounds.group(2)) - 1}"
    assert stated in (ROOT / "README.md").read_text()
    assert stated in (ROOT / "book" / "quickstart.md").read_text()
    assert sys.version_info[:2] >= (3, minor)


def test_torch_floor_is_one_where_weights_only_cannot_be_bypassed() -> None:
    """``torch.load(weights_only=True)`` reads model.pt files from elsewhere; before torch 2.6 it can
    be made to run code (CVE-2025-32434), so no supported installation may have an older torch."""
    floors = {
        "pyproject.toml": _pyproject_requirements()["torch"],
        "environment.yml": _environment_requirements()["torch"],
    }
    for where, spec in floors.items():
        match = re.fullmatch(r">=(\d+)\.(\d+)(?:\.\d+)?", spec)
        assert match, f"{where}: torch{spec} has no lower bound"
        assert (int(match.group(1)), int(match.group(2))) >= (2, 6), f"{where}: torch{spec}"
