"""The parsed-array cache: hits, keys by content, atomic writes, damaged entries, cache location."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepdiff.data import cache
from deepdiff.data.cache import default_cache_dir, describe_cache, load_split, parsed_path
from deepdiff.data.manifest import file_git_sha1
from tests.data.test_remc_format import encode, expected_counts, split_lines


@pytest.fixture
def split_file(tmp_path: Path) -> Path:
    path = tmp_path / "E003.train.csv"
    path.write_bytes(encode(split_lines()))
    return path


def test_cache_location(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DEEPDIFF_CACHE_DIR", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    assert default_cache_dir(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("DEEPDIFF_CACHE_DIR")
    assert "deepdiff-repro" in str(default_cache_dir())


def test_second_load_comes_from_the_cache(
    split_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_split(split_file, cache_dir=tmp_path / "c")
    assert first.checksum == file_git_sha1(split_file)
    entry = parsed_path(tmp_path / "c", first.checksum)
    assert entry.is_file()
    assert [p.name for p in entry.parent.iterdir()] == [entry.name]  # no temporary files left

    def no_parsing(*_: object) -> None:
        raise AssertionError("parsed although cached")

    monkeypatch.setattr(cache, "parse_split", no_parsing)
    second = load_split(split_file, cache_dir=tmp_path / "c")
    assert second.checksum == first.checksum
    assert second.value.counts.dtype == np.uint16
    np.testing.assert_array_equal(second.value.counts, expected_counts())
    np.testing.assert_array_equal(second.value.genes, first.value.genes)
    np.testing.assert_array_equal(second.value.symbols, first.value.symbols)


def test_edited_file_gets_a_new_entry(split_file: Path, tmp_path: Path) -> None:
    first = load_split(split_file, cache_dir=tmp_path / "c")
    split_file.write_bytes(encode(split_lines(scale=2)))
    second = load_split(split_file, cache_dir=tmp_path / "c")
    assert second.checksum != first.checksum
    np.testing.assert_array_equal(second.value.counts, expected_counts(scale=2))
    assert describe_cache(tmp_path / "c").parsed_entries == 2


def test_damaged_entry_is_parsed_again(split_file: Path, tmp_path: Path) -> None:
    first = load_split(split_file, cache_dir=tmp_path / "c")
    entry = parsed_path(tmp_path / "c", first.checksum)
    entry.write_bytes(b"not a zip file")
    again = load_split(split_file, cache_dir=tmp_path / "c")
    np.testing.assert_array_equal(again.value.counts, expected_counts())
    assert cache.read_cached_split(entry) is not None  # rewritten


def test_no_cache(split_file: Path, tmp_path: Path) -> None:
    load_split(split_file, cache_dir=tmp_path / "c", use_cache=False)
    assert not (tmp_path / "c").exists()


def test_describe_cache(tmp_path: Path) -> None:
    assert describe_cache(tmp_path / "none").downloads == []
    download = tmp_path / "c" / "downloads" / "abc" / "data" / "Cell1.expr.csv"
    download.parent.mkdir(parents=True)
    download.write_bytes(b"12345")
    (download.parent / ".Cell1.expr.csv.x.part").write_bytes(b"1")
    summary = describe_cache(tmp_path / "c")
    assert summary.downloads == [("abc/data/Cell1.expr.csv", 5)]
    assert summary.parsed_entries == 0


def test_unwritable_cache_warns_but_loads(split_file: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    with pytest.warns(RuntimeWarning, match="could not write the data cache"):
        loaded = load_split(split_file, cache_dir=blocker)
    np.testing.assert_array_equal(loaded.value.counts, expected_counts())
