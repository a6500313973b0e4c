"""Results bundles: what goes in, checks on the way out, merges, downloads from 127.0.0.1 only."""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import tarfile
import threading
from collections.abc import Callable, Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pandas as pd
import pytest
import requests

import deepdiff.results.bundle
from deepdiff.constants import PAPER_PAIRS
from deepdiff.data.download import file_sha256
from deepdiff.errors import ConfigError, DataError, DownloadError
from deepdiff.grid.aggregate import grid_runs
from deepdiff.report.figure5 import attention_runs
from deepdiff.report.paper import FIGURE5_PAIR
from deepdiff.report.status import runs_provenance, status_table
from deepdiff.results.bundle import (
    MANIFEST,
    RECORDS_DIR,
    bundle_records,
    extract,
    merge,
    pack,
    read_manifest,
    unpack,
)
from deepdiff.results.store import ATTENTION_FILE, collect_results
from tests.processes import run_deepdiff
from tests.report.conftest import write_runs

PAIRS = (PAPER_PAIRS[0], FIGURE5_PAIR)


@pytest.fixture
def results(tmp_path: Path) -> Path:
    """Runs of every paper method on two pairs, two seeds, attention saved by every variant."""
    root = tmp_path / "results"
    write_runs(root, pairs=PAIRS, seeds=(0, 1), n=120, attention=True)
    # What a bundle must leave out: a model's weights, a checkpoint, a stray file.
    run = Path(collect_results(root)["path"].iloc[0])
    (run / "model.pt").write_bytes(b"weights" * 1000)
    (run.parent / f".{run.name}.ckpt").write_bytes(b"checkpoint")
    (root / "notes.txt").write_text("not a run")
    return root


def _members(bundle: Path) -> list[str]:
    with tarfile.open(bundle) as tar:
        return tar.getnames()


def test_pack_holds_exactly_the_listed_files(results: Path, tmp_path: Path) -> None:
    info = pack(results, tmp_path / "b.tar.gz", label="unit test", keep_attention=attention_runs)
    names = _members(info.path)
    assert names[0] == MANIFEST
    files = names[1:]
    assert set(files) == set(info.manifest["files"])
    assert {Path(f).name for f in files} == {"metrics.json", "predictions.csv", ATTENTION_FILE}
    assert len(info.runs) == len(collect_results(results)) == 2 * 2 * 11
    # attention only for Figure 5's runs: the best variant on its pair, every seed
    with_attention = sorted(f.rsplit("/", 2)[0] for f in files if f.endswith(ATTENTION_FILE))
    assert len(with_attention) == 2 and all(p.startswith(f"{FIGURE5_PAIR}/") for p in with_attention)
    assert len({p.split("/")[1] for p in with_attention}) == 1
    assert read_manifest(info.path).sha256 == info.sha256 == file_sha256(info.path)
    assert info.manifest["label"] == "unit test" and info.manifest["format"] == "deepdiff-results-bundle"


def test_unpack_elsewhere_gives_the_same_status_page(results: Path, tmp_path: Path) -> None:
    info = pack(results, tmp_path / "b.tar.gz", keep_attention=attention_runs)
    report = unpack(info.path, tmp_path / "other", sha256=info.sha256)
    assert len(report.added) == len(info.runs) and not report.present
    pd.testing.assert_frame_equal(
        status_table(tmp_path / "other", n_boot=50), status_table(results, n_boot=50)
    )
    (record,) = bundle_records(tmp_path / "other")
    assert record["sha256"] == info.sha256 and sorted(record["runs"]) == info.runs
    again = unpack(info.path, tmp_path / "other")  # a second time: every run is already there
    assert not again.added and len(again.present) == len(info.runs)


def _rewrite(bundle: Path, out: Path, change) -> Path:
    """A copy of ``bundle`` whose members went through ``change(name, data) -> [(name, data)]``."""
    buffer = io.BytesIO()
    with tarfile.open(bundle) as src, tarfile.open(fileobj=buffer, mode="w") as dst:
        for member in src:
            data = src.extractfile(member).read()
            for name, new in change(member.name, data):
                info = tarfile.TarInfo(name)
                info.size = len(new)
                dst.addfile(info, io.BytesIO(new))
    out.write_bytes(gzip.compress(buffer.getvalue()))
    return out


def test_a_tampered_bundle_is_refused_naming_the_file(results: Path, tmp_path: Path) -> None:
    info = pack(results, tmp_path / "b.tar.gz")
    victim = next(n for n in info.manifest["files"] if n.endswith("predictions.csv"))

    def alter(name: str, data: bytes) -> list[tuple[str, bytes]]:
        return [(name, data.replace(b"ENSG", b"ENSX", 1) if name == victim else data)]

    target = tmp_path / "target"
    write_runs(target, pairs=(PAPER_PAIRS[5],), n=50)
    before = sorted(p.relative_to(target) for p in target.rglob("*"))
    with pytest.raises(DataError, match=re.escape(f"{victim} fails its checksum")):
        unpack(_rewrite(info.path, tmp_path / "t.tar.gz", alter), target)
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == before  # nothing unpacked

    def extra(name: str, data: bytes) -> list[tuple[str, bytes]]:
        return [(name, data)] + ([("E003-E004/raw/seed0-x/model.pt", b"w")] if name == MANIFEST else [])

    with pytest.raises(DataError, match=re.escape("model.pt is not listed")):
        unpack(_rewrite(info.path, tmp_path / "x.tar.gz", extra), tmp_path / "t2")

    def drop(name: str, data: bytes) -> list[tuple[str, bytes]]:
        return [] if name == victim else [(name, data)]

    with pytest.raises(DataError, match=re.escape(f"{victim} is listed")):
        unpack(_rewrite(info.path, tmp_path / "d.tar.gz", drop), tmp_path / "t3")

    def escape(name: str, data: bytes) -> list[tuple[str, bytes]]:
        if name != MANIFEST:
            return [(name, data)]
        manifest = json.loads(data)
        manifest["files"]["../../evil/metrics.json"] = {"sha256": "0" * 64, "bytes": 1}
        return [(name, json.dumps(manifest).encode())]

    with pytest.raises(DataError, match="evil"):
        unpack(_rewrite(info.path, tmp_path / "e.tar.gz", escape), tmp_path / "t4")
    assert not (tmp_path / "evil").exists()
    with pytest.raises(DataError, match="SHA-256"):
        unpack(info.path, tmp_path / "t5", sha256="0" * 64)
    garbage = tmp_path / "garbage.tar.gz"
    garbage.write_bytes(b"not a bundle")
    with pytest.raises(DataError, match="not a readable results bundle"):
        unpack(garbage, tmp_path / "t6")


def _with_manifest(bundle: Path, out: Path, edit: Callable[[dict], object]) -> Path:
    """A copy of ``bundle`` whose manifest went through ``edit`` (which changes it in place)."""

    def change(name: str, data: bytes) -> list[tuple[str, bytes]]:
        if name != MANIFEST:
            return [(name, data)]
        manifest = json.loads(data)
        edit(manifest)
        return [(name, json.dumps(manifest).encode())]

    return _rewrite(bundle, out, change)


def _rename_file(manifest: dict, new: Callable[[str], str]) -> None:
    name = next(iter(manifest["files"]))
    manifest["files"][new(name)] = manifest["files"].pop(name)


def _set_entry(manifest: dict, key: str, value: object) -> None:
    next(iter(manifest["files"].values()))[key] = value


MALFORMED: dict[str, tuple[Callable[[dict], object], str]] = {
    "a run listed twice": (lambda m: m["runs"].append(m["runs"][0]), "twice"),
    "files of a run not in runs": (lambda m: m["runs"].pop(), "which is not in its runs"),
    "a run without files": (lambda m: m["runs"].append("E003-E004/raw/seed9-x"), "without its files"),
    "a run that is not a path": (lambda m: m["runs"].append(7), "the run 7, not a path"),
    "a doubled slash": (lambda m: _rename_file(m, lambda n: n.replace("/", "//", 1)), "not written as"),
    "a dot folder": (lambda m: _rename_file(m, lambda n: n.replace("/", "/./", 1)), "not written as"),
    "a size that is text": (lambda m: _set_entry(m, "bytes", "12"), "not a number of bytes"),
    "a negative size": (lambda m: _set_entry(m, "bytes", -1), "not a number of bytes"),
    "a size that is a bool": (lambda m: _set_entry(m, "bytes", True), "not a number of bytes"),
    "a checksum that is not hex": (lambda m: _set_entry(m, "sha256", "z" * 64), "not a SHA-256"),
    "a checksum that is a number": (lambda m: _set_entry(m, "sha256", 12), "not a SHA-256"),
    "a checksum with a newline": (lambda m: _set_entry(m, "sha256", "0" * 64 + "\n"), "not a SHA-256"),
    "a file entry that is a list": (lambda m: m["files"].update({next(iter(m["files"])): []}), "no checksum"),
    "a grid that is text": (lambda m: m.update(grid="all of it"), "has grid = 'all of it'"),
    "a parent that is text": (lambda m: m.update(parents=["b.tar.gz"]), "parents that are not objects"),
}


def test_a_malformed_manifest_is_refused_naming_the_fault(results: Path, tmp_path: Path) -> None:
    info = pack(results, tmp_path / "b.tar.gz")
    for n, (case, (edit, message)) in enumerate(MALFORMED.items()):
        bad = _with_manifest(info.path, tmp_path / f"m{n}.tar.gz", edit)
        with pytest.raises(DataError, match=re.escape(message)) as refused:
            unpack(bad, tmp_path / f"t{n}")
        assert str(bad) in str(refused.value), case
        assert not (tmp_path / f"t{n}" / PAIRS[0]).exists(), case


def test_a_member_of_another_size_is_refused_before_it_is_read(
    results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = pack(results, tmp_path / "b.tar.gz")
    victim = next(n for n in info.manifest["files"] if n.endswith("predictions.csv"))

    def grow(name: str, data: bytes) -> list[tuple[str, bytes]]:
        return [(name, data + b"x" * 10 if name == victim else data)]

    copied: list[Path] = []
    copy_member = deepdiff.results.bundle._copy_member

    def spy(handle: io.BufferedIOBase, target: Path) -> str:
        copied.append(target)
        return copy_member(handle, target)

    monkeypatch.setattr(deepdiff.results.bundle, "_copy_member", spy)
    size = info.manifest["files"][victim]["bytes"]
    with pytest.raises(
        DataError, match=re.escape(f"{victim} holds {size + 10} bytes, but the manifest says {size}")
    ):
        unpack(_rewrite(info.path, tmp_path / "g.tar.gz", grow), tmp_path / "target")
    assert copied and all(not target.as_posix().endswith(victim) for target in copied)
    assert not (tmp_path / "target" / PAIRS[0]).exists()


def test_a_write_error_is_not_blamed_on_the_bundle(
    results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = pack(results, tmp_path / "b.tar.gz")
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("a file where the folder should be")
    with pytest.raises(OSError, match=re.escape(str(not_a_folder))) as refused:
        extract(info.path, not_a_folder)
    assert "results bundle" not in str(refused.value)

    class FullDisk(io.BytesIO):
        def write(self, data: bytes) -> int:  # type: ignore[override]
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def full_open(file: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        return FullDisk() if "w" in mode else open(file, mode, *args, **kwargs)

    monkeypatch.setattr(deepdiff.results.bundle, "open", full_open, raising=False)
    with pytest.raises(OSError, match="No space left on device") as full:
        unpack(info.path, tmp_path / "full")
    assert full.value.errno == errno.ENOSPC and "results bundle" not in str(full.value)
    assert str(full.value.filename).endswith(sorted(info.manifest["files"])[0])
    assert sorted(p.name for p in (tmp_path / "full").iterdir()) == []  # nothing moved into place
    monkeypatch.undo()
    # The bundle's own faults are still put down to it, whenever they show.
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(info.path.read_bytes()[: info.path.stat().st_size // 2])
    with pytest.raises(DataError, match=re.escape(f"{truncated} is not a readable results bundle")):
        extract(truncated, tmp_path / "t")


def test_the_record_credits_the_bundle_with_the_runs_it_added_only(results: Path, tmp_path: Path) -> None:
    info = pack(results, tmp_path / "b.tar.gz")

    def claim(manifest: dict) -> None:
        manifest.update(sha256="f" * 64, source="elsewhere", unpacked="never", added=[], present=[])

    claiming = _with_manifest(info.path, tmp_path / "claim.tar.gz", claim)
    target = tmp_path / "target"
    local = info.runs[0]
    shutil.copytree(results / local, target / local)  # computed here before the bundle came
    report = unpack(claiming, target)
    assert report.present == (local,)
    (record,) = bundle_records(target)
    assert record["sha256"] == file_sha256(claiming) and record["source"] == str(claiming)
    assert record["unpacked"] != "never"
    assert record["added"] == info.runs[1:] and record["present"] == [local]
    lines = runs_provenance(target)
    assert any(line.startswith(f"- {len(info.runs) - 1} run(s) from the bundle") for line in lines)
    assert "- 1 run(s) computed in this directory, not from a bundle." in lines
    again = unpack(claiming, target)  # unpacked again, every run is present: the credit stays
    assert not again.added
    (record,) = bundle_records(target)
    assert record["added"] == info.runs[1:] and record["present"] == [local]


def test_an_incomplete_run_is_replaced_whole(results: Path, tmp_path: Path) -> None:
    info = pack(results, tmp_path / "b.tar.gz")
    target = tmp_path / "target"
    broken = info.runs[0]
    (target / broken).mkdir(parents=True)
    (target / broken / "metrics.json").write_text("{}")  # an interrupted run of that name
    report = unpack(info.path, target)
    assert broken in report.added and not report.present
    assert (target / broken / "predictions.csv").is_file()
    leftovers = [p for p in (target / broken).parent.iterdir() if p.name.startswith(".")]
    assert leftovers == [] and not [p for p in target.iterdir() if p.name.startswith(".unpack-")]


def test_a_bundle_is_readable_by_all_under_umask_022(results: Path, tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        info = pack(results, tmp_path / "b.tar.gz")
    finally:
        os.umask(old)
    assert info.path.stat().st_mode & 0o777 == 0o644


def test_merged_shards_equal_the_whole(results: Path, tmp_path: Path) -> None:
    """Two shards packed apart (each keeping the attention of Figure 5's pair) merge into the whole."""
    runs = collect_results(results)
    halves = [tmp_path / "s1", tmp_path / "s2"]
    for i, path in enumerate(runs["path"]):
        rel = Path(path).relative_to(results)
        shutil.copytree(path, halves[i % 2] / rel)
    parts = [
        pack(h, tmp_path / f"{h.name}.tar.gz", attention_pairs=(FIGURE5_PAIR,), keep_attention=attention_runs)
        for h in halves
    ]
    merged = merge(
        [p.path for p in parts], tmp_path / "all.tar.gz", label="merged", keep_attention=attention_runs
    )
    whole = pack(results, tmp_path / "whole.tar.gz", keep_attention=attention_runs)
    assert merged.manifest["files"] == whole.manifest["files"]
    assert [p["sha256"] for p in merged.manifest["parents"]] == [p.sha256 for p in parts]
    unpack(merged.path, tmp_path / "from-merge")
    pd.testing.assert_frame_equal(
        status_table(tmp_path / "from-merge", n_boot=50), status_table(results, n_boot=50)
    )


@pytest.fixture
def bundle_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on 127.0.0.1 serving the files of a folder."""
    folder = tmp_path / "served"
    folder.mkdir()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            file = folder / (self.path.lstrip("/") or "index")  # "/" serves the file "index"
            if not file.is_file():
                self.send_error(404)
                return
            data = file.read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()


def test_unpack_from_a_url_checks_the_download(
    results: Path, tmp_path: Path, bundle_server: tuple[str, Path]
) -> None:
    url, folder = bundle_server
    info = pack(results, folder / "grid.tar.gz")
    report = unpack(f"{url}/grid.tar.gz", tmp_path / "web", sha256=info.sha256)
    assert len(report.added) == len(info.runs)
    assert bundle_records(tmp_path / "web")[0]["source"] == f"{url}/grid.tar.gz"
    with pytest.raises(DownloadError, match="checksum mismatch"):
        unpack(f"{url}/grid.tar.gz", tmp_path / "bad", sha256="f" * 64)
    assert not (tmp_path / "bad" / PAIRS[0]).exists()
    with pytest.raises(DownloadError, match="404"):
        unpack(f"{url}/absent.tar.gz", tmp_path / "absent", sha256=info.sha256)
    assert (tmp_path / "web" / RECORDS_DIR).is_dir()


# ----------------------------------------------------------------------------- hostile and careless bundles


def _crafted_run(bundle: Path, out: Path, run: str, metrics: dict) -> Path:
    """A copy of ``bundle`` whose run ``run`` carries ``metrics`` as its metrics.json (manifest updated)."""
    text = json.dumps(metrics).encode()

    def change(name: str, data: bytes) -> list[tuple[str, bytes]]:
        if name == f"{run}/metrics.json":
            return [(name, text)]
        if name == MANIFEST:
            manifest = json.loads(data)
            manifest["files"][f"{run}/metrics.json"] = {
                "sha256": hashlib.sha256(text).hexdigest(),
                "bytes": len(text),
            }
            return [(name, json.dumps(manifest).encode())]
        return [(name, data)]

    return _rewrite(bundle, out, change)


def _local_run_with_model(results: Path, target: Path, run: str) -> Path:
    shutil.copytree(results / run, target / run)
    (target / run / "model.pt").write_bytes(b"trained weights")
    (target / run / "model.json").write_text("{}")
    return target / run


def test_unpack_keeps_a_local_run_of_the_same_name_in_a_real_process(results: Path, tmp_path: Path) -> None:
    info = pack(results, tmp_path / "b.tar.gz")
    run = info.runs[0]
    metrics = json.loads((results / run / "metrics.json").read_text())
    other = {**metrics, "key": metrics["key"][:12] + "0" * 52}  # the same folder name, another run
    crafted = _crafted_run(info.path, tmp_path / "other.tar.gz", run, other)
    target = tmp_path / "target"
    local = _local_run_with_model(results, target, run)
    done = run_deepdiff("results", "unpack", crafted, target)
    assert done.returncode == 0, done.stderr
    assert (local / "model.pt").read_bytes() == b"trained weights" and (local / "model.json").is_file()
    assert json.loads((local / "metrics.json").read_text())["key"] == metrics["key"]
    assert f"{len(info.runs) - 1} run(s) added" in done.stdout
    assert "1 kept: another run of that name is already there" in done.stdout


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: {}, "lack required field"),
        (lambda m: {**m, "key": "f" * 64}, "does not match its folder"),
        (lambda m: {**m, "seed": 7}, "does not match its folder"),
        (lambda m: {**m, "test": {"pearson": 1}}, "metrics\\['test'\\]"),
        (lambda m: [1, 2], "not an object"),
    ],
)
def test_a_run_whose_metrics_do_not_describe_it_is_refused_in_a_real_process(
    results: Path, tmp_path: Path, edit: Callable[[dict], object], message: str
) -> None:
    info = pack(results, tmp_path / "b.tar.gz")
    run = info.runs[0]
    crafted = _crafted_run(
        info.path, tmp_path / "c.tar.gz", run, edit(json.loads((results / run / "metrics.json").read_text()))
    )
    target = tmp_path / "target"
    local = _local_run_with_model(results, target, run)
    done = run_deepdiff("results", "unpack", crafted, target)
    assert done.returncode == 2, done.stdout
    assert f"{run}/metrics.json" in done.stderr and re.search(message, done.stderr), done.stderr
    assert (local / "model.pt").is_file()
    assert sorted(p.name for p in target.iterdir()) == [run.split("/")[0]]  # nothing else unpacked


def test_a_manifest_over_its_limit_is_refused_before_it_is_read(
    results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = pack(results, tmp_path / "b.tar.gz")
    monkeypatch.setenv("DEEPDIFF_BUNDLE_MAX_MANIFEST_MB", "0.001")
    with pytest.raises(
        DataError, match=r"MANIFEST.json is .* over the limit of .*DEEPDIFF_BUNDLE_MAX_MANIFEST_MB"
    ):
        read_manifest(info.path)


def test_a_member_over_its_limit_is_refused_before_anything_is_written(
    results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A small bundle that expands to a huge member (zeros compress well) is refused by its listed size."""
    info = pack(results, tmp_path / "b.tar.gz")
    run = info.runs[0]
    big = b"0" * (3 << 20)

    def change(name: str, data: bytes) -> list[tuple[str, bytes]]:
        if name == f"{run}/predictions.csv":
            return [(name, big)]
        if name == MANIFEST:
            manifest = json.loads(data)
            manifest["files"][name.replace(MANIFEST, f"{run}/predictions.csv")] = {
                "sha256": hashlib.sha256(big).hexdigest(),
                "bytes": len(big),
            }
            return [(name, json.dumps(manifest).encode())]
        return [(name, data)]

    bomb = _rewrite(info.path, tmp_path / "bomb.tar.gz", change)
    assert bomb.stat().st_size < info.path.stat().st_size + 100_000
    monkeypatch.setenv("DEEPDIFF_BUNDLE_MAX_FILE_MB", "1")
    with pytest.raises(
        DataError, match=rf"{run}/predictions.csv .*over the limit of 1 MiB .*DEEPDIFF_BUNDLE_MAX_FILE_MB"
    ):
        unpack(bomb, tmp_path / "target")
    assert not (tmp_path / "target" / PAIRS[0]).exists()


def test_a_download_over_the_transfer_limit_is_stopped(
    results: Path, tmp_path: Path, bundle_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, folder = bundle_server
    info = pack(results, folder / "grid.tar.gz")
    monkeypatch.setenv("DEEPDIFF_BUNDLE_MAX_MB", "0.01")
    with pytest.raises(DownloadError, match=r"over the limit of .*DEEPDIFF_BUNDLE_MAX_MB"):
        unpack(f"{url}/grid.tar.gz", tmp_path / "web", sha256=info.sha256)
    assert not (tmp_path / "web" / PAIRS[0]).exists()


def test_plain_http_needs_a_checksum(results: Path, tmp_path: Path, bundle_server: tuple[str, Path]) -> None:
    url, folder = bundle_server
    pack(results, folder / "grid.tar.gz")
    with pytest.raises(ConfigError, match=r"plain http.*--sha256"):
        unpack(f"{url}/grid.tar.gz", tmp_path / "web")
    assert not (tmp_path / "web").exists()


def test_a_redirect_from_https_to_http_is_refused() -> None:
    from deepdiff.data.download import DownloadPolicy, _session

    response = requests.Response()
    response.url = "https://example.org/grid.tar.gz"
    response.status_code = 302
    response.headers["Location"] = "http://example.org/grid.tar.gz"
    with (
        _session(DownloadPolicy()) as session,
        pytest.raises(DownloadError, match="from https to plain http"),
    ):
        session.get_redirect_target(response)
    response.headers["Location"] = "https://mirror.example.org/grid.tar.gz"
    with _session(DownloadPolicy()) as session:
        assert session.get_redirect_target(response) == "https://mirror.example.org/grid.tar.gz"


def test_a_url_ending_in_dot_dot_is_a_clear_error(
    results: Path, tmp_path: Path, bundle_server: tuple[str, Path]
) -> None:
    url, folder = bundle_server
    info = pack(results, folder / "index")
    report = unpack(f"{url}/grid.tar.gz/..", tmp_path / "web", sha256=info.sha256)  # fetched as "/"
    assert len(report.added) == len(info.runs)


def test_a_results_directory_that_is_a_file_is_a_clear_error(results: Path, tmp_path: Path) -> None:
    info = pack(results, tmp_path / "b.tar.gz")
    (tmp_path / "file").write_text("x")
    with pytest.raises(DataError, match=r"file.* is a file, not a results directory"):
        unpack(info.path, tmp_path / "file")
    (tmp_path / "t" / PAIRS[0]).parent.mkdir()
    (tmp_path / "t" / PAIRS[0]).write_text("x")  # a run's parent that is a file
    with pytest.raises(DataError, match=rf"{PAIRS[0]} is a file"):
        unpack(info.path, tmp_path / "t")


# ----------------------------------------------------------------------------- a bundle builds the book anywhere


def test_a_bundle_packed_for_a_grid_holds_only_the_grids_runs(tmp_path: Path) -> None:
    from deepdiff.grid.settings import GridConfig

    root = tmp_path / "results"
    write_runs(root, pairs=PAPER_PAIRS[:2], seeds=(0,), n=60)  # the grid's runs (profile quick)
    write_runs(root, pairs=PAPER_PAIRS[2:3], seeds=(0,), n=60)  # another pair: the book's own runs
    write_runs(root, pairs=PAPER_PAIRS[:1], seeds=(5,), n=60)  # another seed
    grid = GridConfig(pairs=PAPER_PAIRS[:2], seeds=(0,), data="simulated", profile="quick")
    info = pack(root, tmp_path / "grid.tar.gz", grid=grid.to_mapping(), choose_runs=partial(grid_runs, grid))
    runs = collect_results(root)
    wanted = runs[runs["pair"].isin(PAPER_PAIRS[:2]) & (runs["seed"] == 0)]
    assert len(info.runs) == len(wanted) < len(runs)
    assert {r.split("/")[0] for r in info.runs} == set(PAPER_PAIRS[:2])
    assert info.manifest["grid"]["pairs"] == list(PAPER_PAIRS[:2])
    other = GridConfig(pairs=PAPER_PAIRS[5:6], profile="quick")
    with pytest.raises(DataError, match="holds no run of the grid"):
        pack(
            root,
            tmp_path / "none.tar.gz",
            grid=other.to_mapping(),
            choose_runs=partial(grid_runs, other),
        )


def test_a_merge_of_bundles_of_different_grids_names_them_on_the_status_page(tmp_path: Path) -> None:
    from deepdiff.grid.settings import GridConfig
    from deepdiff.report.status import provenance_text

    parts = []
    for i, pairs in enumerate((PAPER_PAIRS[:1], PAPER_PAIRS[1:2])):
        write_runs(tmp_path / f"r{i}", pairs=pairs, n=60)
        grid = GridConfig(pairs=pairs, seeds=(0,), data="simulated", profile="quick")
        parts.append(pack(tmp_path / f"r{i}", tmp_path / f"p{i}.tar.gz", grid=grid.to_mapping()).path)
    merged = merge(parts, tmp_path / "all.tar.gz")
    fresh = tmp_path / "fresh"
    unpack(merged.path, fresh)
    text = provenance_text(fresh)  # the status page's section on where the runs came from
    assert "merged from 2 bundle(s)" in text
    assert f"1 pair(s) ({PAPER_PAIRS[0]})" in text and f"1 pair(s) ({PAPER_PAIRS[1]})" in text


def test_a_run_knows_the_bundle_it_was_unpacked_from(results: Path, tmp_path: Path) -> None:
    from deepdiff.results.bundle import unpacked_from

    info = pack(results, tmp_path / "b.tar.gz", label="cluster X")
    fresh = tmp_path / "fresh"
    unpack(info.path, fresh)
    record = unpacked_from(fresh / info.runs[0])
    assert record is not None and record["source"] == str(info.path) and record["label"] == "cluster X"
    assert unpacked_from(results / info.runs[0]) is None  # computed where it is
