"""Where results and reference data live, independent of the current working directory.

Notebooks, the command line and the book all call these functions, so a notebook executed
from any directory (or by papermill with a different kernel working directory) finds the
same result cache.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Environment variable that overrides the results directory.
RESULTS_ENV = "DEEPDIFF_RESULTS_DIR"
#: Environment variable that overrides the folder of shared reference data.
SHARED_DATA_ENV = "DEEPDIFF_SHARED_DATA"
#: The distribution name, used for the per-user data directory.
APP_NAME = "deepdiff-repro"


def source_root() -> Path | None:
    """The project root when the package runs from a source checkout, else ``None``.

    A checkout is recognised by a ``pyproject.toml`` that names this project beside the
    package directory (an installed wheel has no such file next to it).
    """
    root = Path(__file__).resolve().parents[2]  # deepdiff/_util/paths.py -> the checkout
    pyproject = root / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    return root if f'name = "{APP_NAME}"' in text else None


def default_results_dir() -> Path:
    """The results directory used when none is given.

    Returns
    -------
    Path
        ``$DEEPDIFF_RESULTS_DIR`` when set; else ``<repo>/results`` when running from a source
        checkout; else ``<user data dir>/deepdiff-repro/results``. Always absolute.
    """
    env = os.environ.get(RESULTS_ENV, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    root = source_root()
    if root is not None:
        return root / "results"
    return Path(platformdirs.user_data_dir(APP_NAME)).resolve() / "results"


def resolve_results_dir(results_dir: str | os.PathLike[str] | None) -> Path:
    """``results_dir`` made absolute, or :func:`default_results_dir` for ``None``/empty."""
    if results_dir is None or str(results_dir).strip() == "":
        return default_results_dir()
    return Path(results_dir).expanduser().resolve()


def shared_data_dir() -> Path | None:
    """The folder of real reference data (``remc-sample/``, ``remc-expression/``), if present.

    ``$DEEPDIFF_SHARED_DATA`` when set, else ``../shared/data`` beside a source checkout.
    Returns ``None`` when neither exists.
    """
    env = os.environ.get(SHARED_DATA_ENV, "").strip()
    candidates: list[Path] = [Path(env).expanduser()] if env else []
    root = source_root()
    if root is not None:
        candidates.append(root.parent / "shared" / "data")
    for path in candidates:
        if path.is_dir():
            return path.resolve()
    return None


def default_expression_dir() -> Path | None:
    """The real expression files of all nine cells (``E*.expr.csv``), when present locally."""
    shared = shared_data_dir()
    if shared is None:
        return None
    path = shared / "remc-expression"
    return path if path.is_dir() else None


def display_path(path: str | os.PathLike[str]) -> str:
    """``path`` as a page or a log may show it, without the folders of the machine that ran it.

    A published page printed where the build machine kept its files means nothing to a reader (and
    tells them about that machine), so a path is shown relative to the project root when it lies
    inside it (``results``), relative to ``$DEEPDIFF_RESULTS_DIR`` when it lies inside that
    (``$DEEPDIFF_RESULTS_DIR/runs/...``), and else by its last folder's name alone.
    """
    resolved = Path(path).expanduser().resolve()
    bases: list[tuple[Path, str]] = []
    env = os.environ.get(RESULTS_ENV, "").strip()
    if env:
        bases.append((Path(env).expanduser().resolve(), f"${RESULTS_ENV}"))
    root = source_root()
    if root is not None:
        bases.append((root, ""))
    for base, name in bases:
        if resolved == base or base in resolved.parents:
            relative = resolved.relative_to(base).as_posix()
            if not name:
                return relative
            return name if relative == "." else f"{name}/{relative}"
    return resolved.name or resolved.as_posix()
