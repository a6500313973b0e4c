"""The book's configuration: where its sources are, how it executes, what it lists and cites."""

from __future__ import annotations

import importlib.util
import inspect
import os
import re
from pathlib import Path
from types import ModuleType, SimpleNamespace

import nbformat
import yaml

import deepdiff
from scripts.book_check import toc_documents
from tests.conftest import ROOT

BOOK = ROOT / "book"
NOTEBOOKS = ("01_data", "02_baselines", "03_train", "04_attention", "05_results")
#: The works every page set must cite (key in references.bib: what it is).
REQUIRED_CITATIONS = {
    "sekhon2018deepdiff": "DeepDiff, Bioinformatics 2018",
    "singh2017attentivechrome": "AttentiveChrome, NeurIPS 2017",
    "singh2016deepchrome": "DeepChrome, Bioinformatics 2016",
    "roadmap2015": "Roadmap Epigenomics Consortium, Nature 2015",
}
CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]+)`")


def _config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def _pages() -> dict[str, str]:
    """The text of every page: the Markdown pages and the notebooks (cells joined)."""
    pages = {p.name: p.read_text(encoding="utf-8") for p in BOOK.glob("*.md")}
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        cells = nbformat.read(nb, as_version=4).cells
        pages[nb.name] = "\n".join(cell.source for cell in cells)
    return pages


def test_book_folder_links_to_the_top_level_configuration_and_notebooks() -> None:
    for name, target in (
        ("_config.yml", "_config.yml"),
        ("_toc.yml", "_toc.yml"),
        ("notebooks", "notebooks"),
    ):
        link = BOOK / name
        assert link.is_symlink(), f"book/{name} must be a symlink to ../{target}"
        assert not os.path.isabs(os.readlink(link)), f"book/{name} must be a relative link (it is cloned)"
        assert link.resolve() == (ROOT / target).resolve()


def test_execution_is_cached_generous_and_stops_on_errors() -> None:
    execute = _config()["execute"]
    assert execute["execute_notebooks"] == "cache"
    assert execute["raise_on_error"] is True
    assert execute["allow_errors"] is False
    assert execute["timeout"] >= 600, "cells train small models on CPU"
    assert execute.get("run_in_temp", False) is False


def test_build_outputs_and_environments_are_not_sources() -> None:
    excluded = set(_config()["exclude_patterns"])
    assert {"_build", ".venv", "results", "notebooks/*.py"} <= excluded


def test_toc_lists_every_page_and_the_notebooks_which_exist() -> None:
    docs = toc_documents(ROOT / "_toc.yml")
    expected = [
        "intro",
        "quickstart",
        "method",
        "baselines",
        *(f"notebooks/{n}" for n in NOTEBOOKS),
        "status",
        "own_data",
        "notebooks/06_your_data",
        "api",
    ]
    assert docs[: len(expected)] == expected
    assert "bibliography" in docs
    missing = [d for d in docs if not any((BOOK / f"{d}{ext}").is_file() for ext in (".md", ".ipynb"))]
    assert not missing, f"pages listed in _toc.yml but absent from book/: {missing}"


def test_live_pages_are_read_after_the_notebooks_they_summarise() -> None:
    # The status page and the landing page's verdict must see the runs the notebooks made.
    assert _config()["sphinx"]["config"]["live_pages"] == ["intro", "status"]
    module = _extension("live_pages")
    app = SimpleNamespace(config=SimpleNamespace(live_pages=["intro", "status"]))
    docnames = ["api", "intro", "notebooks/01_data", "status", "notebooks/05_results"]
    module._read_last(app, None, docnames)
    assert docnames == ["api", "notebooks/01_data", "notebooks/05_results", "intro", "status"]


def test_status_page_builds_its_table_by_calling_the_library() -> None:
    text = (BOOK / "status.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["mystnb"]["execution_mode"] == "force", "the table must follow the results present"
    assert "status" in _config()["sphinx"]["config"]["live_pages"]
    cells = re.findall(r"```\{code-cell\}.*?\n(.*?)```", text, flags=re.S)
    code = "\n".join(cells)
    assert re.search(r"from deepdiff.report.status import [\w, ]*\bstatus_table\b", code)
    assert "status_table(results_dir)" in code
    assert not re.search(r"\b(reproduced|not yet run)\b\s*\|", text), "no hand-written status table"

    from deepdiff.report.status import status_table

    assert next(iter(inspect.signature(status_table).parameters)) == "results_dir"


def test_status_page_says_first_whether_real_full_data_exist_and_where_runs_came_from() -> None:
    text = (BOOK / "status.md").read_text(encoding="utf-8").split("---", 2)[2]
    cells = re.findall(r"```\{code-cell\}.*?\n(.*?)```", text, flags=re.S)
    assert "status_preamble(results_dir)" in cells[0], "the preamble must come before any table"
    assert "verdict_summary(status)" in cells[0], "the verdict first"
    assert (
        text.index("verdict_summary(status)") < text.index("status_preamble(") < text.index("status_styler(")
    )
    assert text.lstrip().startswith("# Reproduction status\n\n```{code-cell}"), "right below the title"


def test_pages_cite_the_paper_its_predecessors_and_the_data() -> None:
    bib = (BOOK / "references.bib").read_text(encoding="utf-8")
    keys = set(re.findall(r"@\w+\{([^,]+),", bib))
    cited = {
        key.strip() for text in _pages().values() for group in CITE.findall(text) for key in group.split(",")
    }
    assert set(REQUIRED_CITATIONS) <= cited, f"not cited: {set(REQUIRED_CITATIONS) - cited}"
    assert cited <= keys, f"cited but not in references.bib: {cited - keys}"
    assert "10.1093/bioinformatics/bty612" in bib
    assert "{bibliography}" in _pages()["bibliography.md"]
    assert _config()["bibtex_bibfiles"] == ["references.bib"]


def _modules() -> list[str]:
    """Every module of the package, found on disk (namespace packages included)."""
    package = Path(deepdiff.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__main__":
            continue
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return [m for m in found if m != "deepdiff"]


def test_sidebar_lists_pages_not_the_api_modules() -> None:
    sphinx = _config()["sphinx"]
    assert sphinx["recursive_update"] is True  # theme options are merged into jupyter-book's
    assert sphinx["config"]["html_theme_options"]["max_navbar_depth"] == 1


def test_api_page_documents_every_module() -> None:
    text = (BOOK / "api.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\s{3}(deepdiff(?:\.\w+)+)\s*$", text, flags=re.M)
    assert ":recursive:" in text, "listed packages are documented with all their submodules"
    for name in listed:
        assert importlib.util.find_spec(name) is not None, f"api.md lists {name}, which does not exist"
    undocumented = [m for m in _modules() if not any(m == n or m.startswith(n + ".") for n in listed)]
    assert not undocumented, f"add these modules (or their package) to book/api.md: {undocumented}"


def _extension(name: str) -> ModuleType:
    """A local Sphinx extension of ``book/_ext``, loaded from its file."""
    spec = importlib.util.spec_from_file_location(name, BOOK / "_ext" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_live_pages_extension_marks_the_status_page_outdated() -> None:
    module = _extension("live_pages")
    app = SimpleNamespace(config=SimpleNamespace(live_pages=["status", "gone"]))
    env = SimpleNamespace(found_docs={"intro", "status"})
    assert module._always_outdated(app, env, set(), set(), set()) == ["status"]
    assert module._always_outdated(app, env, set(), {"status"}, set()) == []


def test_generated_api_pages_are_not_committed() -> None:
    assert "_autosummary/" in (BOOK / ".gitignore").read_text(encoding="utf-8")


def test_api_pages_of_removed_modules_are_found(tmp_path: Path) -> None:
    module = _extension("api_stubs")
    for name in ("deepdiff._util.io", "deepdiff.data.pair", "deepdiff.no_such_module", "deepdiff.gone.pair"):
        (tmp_path / f"{name}.rst").write_text(name, encoding="utf-8")
    stale = [p.name for p in module.stale_stubs(tmp_path)]
    assert stale == ["deepdiff.gone.pair.rst", "deepdiff.no_such_module.rst"]
    assert module.stale_stubs(tmp_path / "missing") == []


def test_landing_page_shows_the_verdict_computed_from_the_results() -> None:
    text = (BOOK / "intro.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---")[1])
    assert front["mystnb"]["execution_mode"] == "force"
    body = text.split("---", 2)[2]
    assert body.lstrip().startswith("# DeepDiff, reproduced\n\n```{code-cell}"), (
        "the verdict right below the title"
    )
    first = re.findall(r"```\{code-cell\}.*?\n(.*?)```", body, flags=re.S)[0]
    assert "verdict_summary(status_table(results_dir))" in first and "book_runs_summary(" in first
    assert "{{ book_links }}" in body


def test_repository_and_launch_buttons_come_from_one_place() -> None:
    config = _config()
    assert config["repository"]["url"].startswith("https://github.com/")
    assert config["html"]["use_repository_button"] is True
    assert config["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert "book_links" in config["sphinx"]["local_extensions"]
    module = _extension("book_links")
    line = module.book_links("https://github.com/o/r/", "https://o.github.io/r")
    assert "[the repository](https://github.com/o/r)" in line
    assert "[the published book](https://o.github.io/r/)" in line
    assert "(https://o.github.io/r/deepdiff-book.pdf)" in line
    assert "https://github.com/o/r/actions/workflows/book.yml" in line
    assert module.book_links("", "") == ""


def test_mathjax_is_served_with_the_book() -> None:
    sphinx = _config()["sphinx"]
    assert "sphinx-mathjax-offline" in sphinx["extra_extensions"]
    assert not sphinx["config"]["mathjax_path"].startswith(("http:", "https:", "//"))
