"""Two processes filling one data cache at once: the same download, the same parsed split.

Real processes (``spawn``) meet at a barrier, and the server holds each GET until both processes'
requests for that file have arrived, so every transfer overlaps with the other process's. Outcomes
are counted, nothing is timed.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from deepdiff.data.cache import describe_cache, load_split, parsed_path, read_cached_split
from deepdiff.data.download import fetch_entries
from deepdiff.data.layout import cell_file
from deepdiff.data.manifest import ManifestEntry, cell_entries, file_git_sha1
from tests.data.conftest import GATE_TIMEOUT_S, RemcServer
from tests.data.test_remc_format import encode, expected_counts, split_lines
from tests.processes import in_two_processes, outcome

ROUNDS = 5


def _fetch_rounds(
    cache_root: str, base_url: str, entries: list[ManifestEntry], name: str, barrier: Any
) -> list[str]:
    """Each round, fetch the same files into the same (fresh) cache as the other process."""
    outcomes = []
    for i in range(ROUNDS):
        barrier.wait()
        outcomes.append(
            outcome(
                lambda i=i: fetch_entries(
                    entries, cache_dir=Path(cache_root) / f"round{i}", base_url=base_url, progress=False
                )
            )
        )
    return outcomes


def test_two_processes_fetching_the_same_files(remc_server: RemcServer, tmp_path: Path) -> None:
    entries = list(cell_entries("E003", "sample").values())
    remc_server.behaviour.gate = threading.Barrier(2)
    per_process = in_two_processes(_fetch_rounds, str(tmp_path), remc_server.base_url, entries)
    outcomes = [o for each in per_process for o in each]
    assert outcomes.count("ok") == 2 * ROUNDS, [o for o in outcomes if o != "ok"]
    behaviour = remc_server.behaviour
    gets = [r for r in behaviour.requests if r.startswith("GET ")]
    assert len(gets) == 2 * ROUNDS * len(entries)  # both processes downloaded every file
    # Every GET met the other process's at the gate, so the transfers really ran at the same time.
    assert not behaviour.gate_broken, (
        f"the gate broke (a GET waited over {GATE_TIMEOUT_S} s for the other's): transfers did not all overlap"
    )
    assert behaviour.peak_in_flight == 2
    for i in range(ROUNDS):
        summary = describe_cache(tmp_path / f"round{i}")
        assert len(summary.downloads) == len(entries)  # no partial or temporary file left
        for entry in entries:
            path = next((tmp_path / f"round{i}").rglob(Path(entry.path).name))
            assert file_git_sha1(path) == entry.sha1
        assert not [p for p in (tmp_path / f"round{i}").rglob(".*")], "temporary files left behind"


def _parse_rounds(cache_dir: str, files: list[str], name: str, barrier: Any) -> list[str]:
    """Each round, parse a new file through the same cache as the other process."""
    outcomes = []
    for path in files:
        barrier.wait()
        outcomes.append(outcome(lambda path=path: load_split(path, cache_dir=cache_dir)))
    return outcomes


def test_two_processes_parsing_the_same_split(tmp_path: Path) -> None:
    files = []
    for i in range(ROUNDS):
        path = tmp_path / cell_file(f"cell{i}", "train")
        path.write_bytes(encode(split_lines(scale=i + 1)))
        files.append(str(path))
    cache = tmp_path / "cache"
    outcomes = [o for each in in_two_processes(_parse_rounds, str(cache), files) for o in each]
    assert outcomes.count("ok") == 2 * ROUNDS, [o for o in outcomes if o != "ok"]
    entries = sorted((cache / "parsed").iterdir())
    assert len(entries) == ROUNDS and not [p for p in entries if p.name.startswith(".")]
    for i, path in enumerate(files):
        stored = read_cached_split(parsed_path(cache, file_git_sha1(path)))
        assert stored is not None
        np.testing.assert_array_equal(stored.counts, expected_counts(scale=i + 1))
