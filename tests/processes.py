"""Two real processes doing the same thing at once, for the tests of concurrent writers.

The processes are spawned (not forked: the test process holds threads of torch and of servers),
meet at a barrier wherever the function under test asks them to, and report their outcomes as JSON,
so a test counts what happened instead of timing it.
"""

from __future__ import annotations

import json
import multiprocessing
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: A generous guard against a hung child; never reached when the code works (nothing is timed).
JOIN_TIMEOUT_S = 300
#: How long a child waits at the barrier for the other: a child that failed before it must not
#: leave the other blocked until JOIN_TIMEOUT_S.
BARRIER_TIMEOUT_S = 60


def in_two_processes(func: Callable[..., list[Any]], *args: Any) -> list[list[Any]]:
    """Run ``func(*args, name, barrier)`` in two processes at once (``name`` is ``w0`` or ``w1``).

    ``func`` must be importable (a module-level function) and return a JSON-serialisable list of
    outcomes; the list of each process is returned, in order.
    """
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2, timeout=BARRIER_TIMEOUT_S)
    with tempfile.TemporaryDirectory() as folder:
        reports = [Path(folder) / f"w{k}.json" for k in range(2)]
        procs = [
            ctx.Process(target=_report, args=(func, args, f"w{k}", barrier, str(reports[k])), name=f"w{k}")
            for k in range(2)
        ]
        for proc in procs:
            proc.start()
        hung = []
        for proc in procs:
            proc.join(JOIN_TIMEOUT_S)
            if proc.exitcode is None:
                hung.append(proc.name)
                proc.kill()
                proc.join()
        codes = {proc.name: proc.exitcode for proc in procs}
        assert list(codes.values()) == [0, 0], f"a process failed or hung: exit codes {codes}" + (
            f", killed after {JOIN_TIMEOUT_S} s: {', '.join(hung)}" if hung else ""
        )
        return [json.loads(report.read_text()) for report in reports]


def _report(
    func: Callable[..., list[Any]], args: tuple[Any, ...], name: str, barrier: Any, report: str
) -> None:
    Path(report).write_text(json.dumps(func(*args, name, barrier)))


def outcome(step: Callable[[], object]) -> str:
    """``"ok"`` when ``step()`` returns, else the exception's type and message (counted, not raised:
    the other process must not be left waiting at a barrier)."""
    try:
        step()
    except Exception as err:
        return f"{type(err).__name__}: {err}"
    return "ok"


def deepdiff_command(*args: object, env: dict[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``python -m deepdiff ARGS...`` with this interpreter and
    this checkout's package (for :class:`subprocess.Popen`)."""
    import os
    import sys

    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join([*filter(None, [os.environ.get("PYTHONPATH")]), root])
    full_env = {**os.environ, "PYTHONPATH": path, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg", **(env or {})}
    return [sys.executable, "-m", "deepdiff", *map(str, args)], full_env


def run_deepdiff(*args: object, env: dict[str, str] | None = None, timeout: float = 300) -> Any:
    """``python -m deepdiff ARGS...`` in a separate process, run to its end.

    Returns the :class:`subprocess.CompletedProcess` (``returncode``, ``stdout``, ``stderr`` as text).
    """
    import subprocess

    command, full_env = deepdiff_command(*args, env=env)
    return subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=timeout)
