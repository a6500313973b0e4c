"""Every notebook runs under papermill on its defaults, and with other parameters, and refuses bad ones.

Runs before ``test_2_book.py`` and writes its runs (the notebooks' book profile) into the session's shared results
directory (``conftest.py``), so the book build finds them. Each notebook's wall time is printed and
recorded (``record_property``), never asserted: a slow or busy machine is not a failure.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from tests.conftest import ROOT
from tests.e2e.plateau import LONGER, chapter_run

pytestmark = pytest.mark.slow

NOTEBOOKS = ROOT / "notebooks"
ORDER = ("01_data", "02_baselines", "03_train", "04_attention", "05_results", "06_your_data")
#: Seconds one notebook may take on its defaults (the six together must stay under 20 minutes on 2 cores).
TIMEOUT_S = 900


def _papermill() -> str:
    exe = Path(sys.executable).with_name("papermill")
    if not exe.is_file():
        pytest.fail(f"papermill not found beside {sys.executable}: run `make setup`")
    return str(exe)


def run_notebook(
    name: str, out: Path, env: dict[str, str], params: tuple[str, ...] = (), cwd: Path = ROOT
) -> tuple[subprocess.CompletedProcess[str], nbformat.NotebookNode | None, float]:
    """Execute ``notebooks/<name>.ipynb`` with papermill; return the process, the output notebook and seconds."""
    start = time.monotonic()
    proc = subprocess.run(
        [_papermill(), str(NOTEBOOKS / f"{name}.ipynb"), str(out), "--kernel", "python3", *params],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    seconds = time.monotonic() - start
    nb = nbformat.read(out, as_version=4) if out.is_file() else None
    return proc, nb, seconds


def outputs(nb: nbformat.NotebookNode) -> dict[str, object]:
    """Counts of figures and HTML tables, all text of the outputs, and the error outputs."""
    images = tables = 0
    texts: list[str] = []
    errors: list[str] = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                errors.append(f"{out.ename}: {out.evalue}")
                continue
            if out.output_type == "stream":
                texts.append(out.text)
                continue
            data = out.get("data", {})
            if "image/png" in data:
                images += 1
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            if "<table" in html:
                tables += 1
            texts.append(html)
            plain = data.get("text/plain", "")
            texts.append("".join(plain) if isinstance(plain, list) else plain)
    return {"images": images, "tables": tables, "text": "\n".join(texts), "errors": errors}


#: What each notebook's output must show: figures, HTML tables and key strings (regular expressions).
EXPECTED: dict[str, dict[str, object]] = {
    "01_data": {
        "images": 3,
        "tables": 2,
        "strings": [
            r"(REAL|SIMULATED) DATA",
            r"genes also in an earlier split",
            r"de_fraction",
            r"E037-E038",
        ],
    },
    "02_baselines": {
        "images": 1,
        "tables": 2,
        "strings": [
            r"two-layer SVR",
            r"single-layer SVR",
            r"ReliefF",
            r"AttentiveChrome",
            r"95% CI",
            r"in the paper",
        ],
    },
    "03_train": {
        "images": 3,
        "tables": 1,
        "strings": [r"test PCC \d\.\d{3}", r"95% CI \[", r"Raw:c", r"this run − method"],
    },
    "04_attention": {
        "images": 3,
        "tables": 2,
        "strings": [r"H3K27me3", r"(holds|does not hold)", r"up-regulated", r"Figure 5 \(ours\)"],
    },
    "05_results": {
        "images": 2,
        "tables": 5,
        "strings": [
            r"\(paper 163\.6\)",
            r"Raw\+Aux\+Siamese",
            r"reproduced|partly|not yet run",
            r"runs of the full grid",
        ],
    },
    "06_your_data": {
        "images": 2,
        "tables": 2,
        "strings": [
            r"SIMULATED DATA",
            r"prepared 4 cells",
            r"gave back the counts .*: True",
            r"saved model: model\.json, model\.pt",
            r"applied to E\d+-E\d+ .*: \d[\d,]* genes",
            r"LFC: PCC -?\d\.\d{3}, 95% CI \[",
            r"predicted LFC [+-]\d",
        ],
    },
}


@pytest.mark.parametrize("name", ORDER)
def test_notebook_runs_on_its_defaults(
    name: str, tmp_path: Path, e2e_env: dict[str, str], record_property: pytest.RecordProperty
) -> None:
    proc, nb, seconds = run_notebook(name, tmp_path / f"{name}.ipynb", e2e_env)
    record_property(f"{name}_seconds", round(seconds, 1))
    print(f"{name}: {seconds:.0f} s")
    assert proc.returncode == 0, f"{name} failed:\n{proc.stderr[-6000:]}"
    assert nb is not None
    got = outputs(nb)
    assert not got["errors"], got["errors"]
    want = EXPECTED[name]
    assert got["images"] >= want["images"], f"{name}: {got['images']} figures, expected >= {want['images']}"
    assert got["tables"] >= want["tables"], f"{name}: {got['tables']} tables, expected >= {want['tables']}"
    for pattern in want["strings"]:
        assert re.search(pattern, got["text"]), f"{name}: no output matches {pattern!r}"
    # Every notebook states its data source loudly.
    assert re.search(r"(REAL|SIMULATED) DATA|data: ", got["text"]), f"{name} does not state its data"


def test_the_default_training_run_has_reached_a_plateau(
    e2e_results_dir: Path, longer_training_run: tuple[subprocess.Popen[bytes], Path]
) -> None:
    """The training chapter's default run (found in the results of its notebook run above) scores at least 0.85
    times the test PCC of the same run with three times its epochs (trained beside the notebooks), and at least
    0.25."""
    proc, log = longer_training_run
    code = proc.wait(timeout=TIMEOUT_S)
    assert code == 0, f"the longer run failed:\n{log.read_text(errors='replace')[-6000:]}"
    default = chapter_run(e2e_results_dir)
    longer = chapter_run(e2e_results_dir, LONGER)
    assert longer.reused, (
        "the longer run should have been found where the process beside the notebooks wrote it"
    )
    print(
        f"book profile: test PCC {default.test_pearson:.3f}; {LONGER} times the epochs: {longer.test_pearson:.3f}"
    )
    assert default.test_pearson >= 0.25
    assert default.test_pearson >= 0.85 * longer.test_pearson


def test_train_notebook_with_other_parameters_from_another_directory(
    tmp_path: Path, e2e_env: dict[str, str], e2e_results_dir: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # without the last section's extra pairs, which the defaults' run covers; the quick profile is one more
    # parameter, and its six epochs keep the test short
    params = (
        *("-p", "variant", "raw_d", "-p", "seed", "1", "-p", "pair", "E123-E116", "-p", "profile", "quick"),
        *("-y", "gene_counts: []"),
    )
    proc, nb, seconds = run_notebook("03_train", tmp_path / "out.ipynb", e2e_env, params, cwd=elsewhere)
    print(f"03_train (raw_d, seed 1, E123-E116, quick, from {elsewhere}): {seconds:.0f} s")
    assert proc.returncode == 0, proc.stderr[-6000:]
    text = outputs(nb)["text"]
    assert "Raw:d" in text and "E123-E116" in text
    assert list(e2e_results_dir.glob("E123-E116/raw_d/seed1-*/metrics.json")), "the run was not written"
    assert not list(elsewhere.iterdir()), "the notebook wrote into its working directory"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (("-p", "pair", "E999-E004"), r"unknown cell E999"),
        (("-p", "variant", "raw_x"), r"variant='raw_x' is unknown"),
        (("-p", "profile", "huge"), r"profile='huge' is unknown"),
        (("-p", "data", "internet"), r"data='internet' is unknown"),
    ],
)
def test_bad_parameters_stop_at_once(
    params: tuple[str, ...], message: str, tmp_path: Path, e2e_env: dict[str, str]
) -> None:
    proc, nb, _ = run_notebook("03_train", tmp_path / "bad.ipynb", e2e_env, params)
    assert proc.returncode != 0
    assert re.search(message, proc.stderr + proc.stdout), proc.stderr[-3000:]
    assert "ConfigError" in proc.stderr
    # It stopped in the validation cell, before any data was loaded or any model trained.
    assert nb is not None
    code = [c for c in nb.cells if c.cell_type == "code"]
    failed = [i for i, c in enumerate(code) if any(o.output_type == "error" for o in c.get("outputs", []))]
    assert failed and "validate_params(" in code[failed[0]].source
    # Stopping at once is shown by what ran, not by the clock: no cell after it was executed.
    assert all(c.get("execution_count") is None and not c.get("outputs") for c in code[failed[0] + 1 :])
