"""The packaged manifest: equal to the shared one, consistent with the real sample, parsed strictly."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepdiff.constants import CELLS, SAMPLE_CELLS
from deepdiff.data.layout import FILE_ROLES
from deepdiff.data.manifest import (
    cell_entries,
    file_git_sha1,
    git_blob_sha1,
    load_manifest,
    packaged_manifest_path,
    parse_manifest,
    remc_cells,
)
from deepdiff.errors import DataError
from tests.needs import unavailable


def test_packaged_manifest_equals_the_shared_one(shared_data: Path) -> None:
    shared = shared_data / "remc-manifest.tsv"
    if not shared.is_file():
        unavailable(f"{shared} is missing")
    assert packaged_manifest_path().read_bytes() == shared.read_bytes()


def test_git_blob_sha1_matches_git() -> None:
    # `printf 'hello\n' | git hash-object --stdin` and `git hash-object /dev/null`
    assert git_blob_sha1(b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
    assert git_blob_sha1(b"") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"


def test_sample_files_match_their_checksums(sample_dir: Path) -> None:
    manifest = load_manifest()
    for path in sorted(sample_dir.glob("Cell*.csv")):
        entry = manifest[f"data/{path.name}"]
        assert file_git_sha1(path) == entry.sha1, path.name
        assert entry.size == path.stat().st_size


def test_manifest_content() -> None:
    manifest = load_manifest()
    assert remc_cells(manifest) == sorted(CELLS)
    entries = cell_entries("E003", "remc", manifest)
    assert list(entries) == list(FILE_ROLES)
    assert entries["train"].path == "data/ProcessedData/E003.train.csv"
    assert entries["train"].size is None  # "BAD" in the listing: unknown
    assert entries["expr"].size == 403_904
    sample = cell_entries("E123", "sample", manifest)
    assert sample["valid"].path == f"data/{SAMPLE_CELLS['E123']}.valid.csv"


def test_cells_without_files() -> None:
    with pytest.raises(DataError, match=r"cell 'E999' has no files in the REMC data.*E003, E004"):
        cell_entries("E999", "remc")
    with pytest.raises(DataError, match=r"'E004' is not in the authors' sample.*E123 \(Cell1\)"):
        cell_entries("E004", "sample")


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("path\tsha\tsize\n", "line 1: expected the tab-separated header"),
        ("path\tgit_blob_sha1\tsize_bytes\ndata/x\tnothex\t3\n", "line 2: expected"),
        (
            "path\tgit_blob_sha1\tsize_bytes\n" + f"data/x\t{'a' * 40}\t3\n" * 2,
            "line 3: path 'data/x' is listed twice",
        ),
    ],
)
def test_malformed_manifest(text: str, pattern: str) -> None:
    with pytest.raises(DataError, match=pattern):
        parse_manifest(text, "m.tsv")
