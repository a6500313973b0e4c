"""load_pair and the data sources; a sample served on 127.0.0.1 stands in for GitHub.

The served sample is the synthetic one (any clone) and the authors' real one (beside ``../shared``).
"""

from __future__ import annotations

import sys
import types
import warnings
from pathlib import Path

import numpy as np
import pytest

from deepdiff._util.paths import display_path
from deepdiff.constants import SPLITS
from deepdiff.data.containers import PairData
from deepdiff.data.layout import EXPRESSION_ROLE, cell_file
from deepdiff.data.pair import Pair
from deepdiff.errors import ConfigError, DataError, DownloadError
from deepdiff.sources import real as sources
from deepdiff.sources.loading import load_pair
from deepdiff.sources.real import DataSourceWarning, is_cached, resolve_source
from tests.conftest import SampleFiles
from tests.data.conftest import RemcServer
from tests.data.test_remc_format import GENES, encode, split_lines


def assert_same_data(left: PairData, right: PairData) -> None:
    for name in SPLITS:
        a, b = left.split(name), right.split(name)
        np.testing.assert_array_equal(a.genes, b.genes)
        np.testing.assert_array_equal(a.x_a, b.x_a)
        np.testing.assert_array_equal(a.x_b, b.x_b)
        np.testing.assert_array_equal(a.lfc, b.lfc)
        np.testing.assert_array_equal(a.log_expr_a, b.log_expr_a)
        np.testing.assert_array_equal(a.log_expr_b, b.log_expr_b)


@pytest.fixture
def closed_url(closed_port: int) -> str:
    return f"http://127.0.0.1:{closed_port}"


@pytest.fixture
def fake_simulator(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Replace deepdiff.simulate by a recorder (the real simulator is tested elsewhere)."""
    calls: list[tuple] = []
    module = types.ModuleType("deepdiff.simulate")

    def simulate_pair(pair, **kwargs):
        calls.append((pair, kwargs))
        return "simulated-pair-data"

    module.simulate_pair = simulate_pair
    monkeypatch.setitem(sys.modules, "deepdiff.simulate", module)
    return calls


def test_sample_served_locally_equals_local_directory(remc_server: RemcServer, cache_dir: Path) -> None:
    """Done-when check: the sample fetched by ``sample`` and read by ``local`` are the same data.

    With ``local`` the files keep their names, so the pair is ``Cell1-Cell2`` (Cell1 = E123).
    """
    sample = remc_server.sample
    served = load_pair("E123-E003", "sample", base_url=remc_server.base_url, progress=False)
    local = load_pair("Cell1-Cell2", "local", data_dir=sample.directory, progress=False)
    assert_same_data(served, local)
    assert served.checksum == local.checksum  # same bytes in the same roles
    assert {s: len(served.split(s)) for s in SPLITS} == sample.genes
    assert served.train.x_a.dtype == np.uint16
    assert (
        served.source == "sample" and served.label == "real sample (authors' E123/E003, 200 genes per split)"
    )
    # the label names the folder without the machine's path; meta keeps the full path
    assert local.source == "local" and local.label == f"local: {display_path(sample.directory)}"
    assert local.meta["data_dir"] == str(sample.directory.resolve())
    assert served.meta["urls"]["A.train.csv"].endswith("/data/Cell1.train.csv")
    assert served.is_real and local.is_real


def test_direction_flips_the_target(remc_server: RemcServer, cache_dir: Path) -> None:
    forward = load_pair("E123-E003", "sample", base_url=remc_server.base_url, progress=False)
    backward = load_pair("E003-E123", "sample", base_url=remc_server.base_url, progress=False)
    np.testing.assert_array_equal(forward.test.x_a, backward.test.x_b)
    np.testing.assert_allclose(forward.test.lfc, -backward.test.lfc, atol=1e-6)
    assert forward.checksum != backward.checksum
    assert len(remc_server.behaviour.requests) == 8  # the second load used the cache


def test_sample_refuses_other_pairs(cache_dir: Path) -> None:
    with pytest.raises(DataError, match=r"E003-E004 is not in the authors' sample.*E123-E003 or E003-E123"):
        load_pair("E003-E004", "sample", progress=False)


def test_remc_fetches_only_the_cells_of_the_pair(remc_server: RemcServer, cache_dir: Path) -> None:
    data = load_pair("E123-E003", "remc", base_url=remc_server.base_url, progress=False)
    assert data.label == "real full REMC" and data.source == "remc"
    fetched = sorted(r.rsplit("/", 1)[1] for r in remc_server.behaviour.requests)
    assert fetched == sorted(
        f"{c}.{r}.csv" for c in ("E003", "E123") for r in ("train", "valid", "test", "expr")
    )
    assert all("/data/ProcessedData/" in r for r in remc_server.behaviour.requests)
    local = load_pair("Cell1-Cell2", "local", data_dir=remc_server.sample.directory, progress=False)
    assert_same_data(data, local)
    assert is_cached("E123-E003", cache_dir=cache_dir)


def test_remc_offline_fails_at_once_with_instructions(
    cache_dir: Path, closed_url: str, connects: list[tuple[str, int]]
) -> None:
    with pytest.raises(DownloadError) as info:
        load_pair("E003-E004", "remc", base_url=closed_url, progress=False)
    assert len(connects) == 1  # refused once, not retried
    message = str(info.value)
    assert "To fetch the files by hand" in message
    assert "data/ProcessedData/E004.valid.csv" in message and "E005" not in message


def test_local_missing_cell(tmp_path: Path, synthetic_sample_dir: Path) -> None:
    with pytest.raises(
        DataError, match=r"cell 'E003' has no files in .*E003.train.csv.*cells found there: Cell1, Cell2"
    ):
        load_pair("Cell1-E003", "local", data_dir=synthetic_sample_dir, progress=False)
    with pytest.raises(DataError, match="does not exist"):
        load_pair("A-B", "local", data_dir=tmp_path / "none", progress=False)


def _write_cell(folder: Path, cell: str, genes=GENES, expr_genes=None) -> None:
    for split in SPLITS:
        (folder / cell_file(cell, split)).write_bytes(encode(split_lines(genes)))
    expr_genes = [g for g, _ in genes] if expr_genes is None else expr_genes
    (folder / cell_file(cell, EXPRESSION_ROLE)).write_text(
        "".join(f"{g},{i}\n" for i, g in enumerate(expr_genes))
    )


def test_local_any_cell_names_and_validation(tmp_path: Path) -> None:
    _write_cell(tmp_path, "K562")
    _write_cell(tmp_path, "HepG2")
    data = load_pair("K562-HepG2", "local", data_dir=tmp_path, progress=False)
    assert len(data.train) == 3 and data.source == "local"
    _write_cell(tmp_path, "Other", genes=(*GENES[:2], ("ENSG00000000009", "Z")))
    with pytest.raises(DataError, match=r"Other\.train\.csv, line 401: gene ENSG00000000009"):
        load_pair("K562-Other", "local", data_dir=tmp_path, progress=False)
    _write_cell(tmp_path, "NoExpr", expr_genes=["ENSG00000000001"])
    with pytest.raises(DataError, match=r"NoExpr\.train\.csv, line 201, gene ENSG00000000002: 2 of 3 genes"):
        load_pair("K562-NoExpr", "local", data_dir=tmp_path, progress=False)


def test_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="needs data_dir"):
        load_pair("A-B", "local")
    with pytest.raises(ConfigError, match="only used with source='local'"):
        load_pair("E123-E003", "sample", data_dir=tmp_path)
    with pytest.raises(ConfigError, match="unknown data source 'github'"):
        load_pair("E123-E003", "github")
    with pytest.raises(
        ConfigError, match="unknown real data source 'simulated'; choose one of remc, sample, local"
    ):
        sources.load_real_pair(Pair.parse("E123-E003"), "simulated")
    with pytest.raises(DataError, match="malformed pair 'E003E004'"):
        load_pair("E003E004", "sample")


def test_simulated_is_delegated(fake_simulator: list[tuple]) -> None:
    assert load_pair("E003-E004", "simulated", n_genes=500, seed=3) == "simulated-pair-data"
    assert load_pair("E003-E004", "simulated") == "simulated-pair-data"
    assert [(str(p), kw) for p, kw in fake_simulator] == [
        ("E003-E004", {"seed": 3, "n_genes": 500}),
        ("E003-E004", {"seed": 0}),
    ]


def test_auto_falls_back_loudly_when_offline(
    fake_simulator: list[tuple], cache_dir: Path, closed_url: str
) -> None:
    with pytest.warns(DataSourceWarning, match="SIMULATED data"):
        assert resolve_source("auto", "E003-E004", base_url=closed_url) == "simulated"
    with pytest.warns(DataSourceWarning, match="FALLBACK"):
        assert load_pair("E003-E004", "auto", base_url=closed_url) == "simulated-pair-data"


def test_auto_uses_remc_when_reachable_or_cached(remc_server: RemcServer, cache_dir: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve_source("auto", "E003-E004", base_url=remc_server.base_url) == "remc"
    for entry in sources.cell_entries("E003", "remc").values():
        path = sources.download_path(cache_dir, entry.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    for entry in sources.cell_entries("E004", "remc").values():
        sources.download_path(cache_dir, entry.path).write_bytes(b"")
    assert is_cached("E003-E004")
    requests = len(remc_server.behaviour.requests)
    assert resolve_source("auto", "E003-E004", base_url="http://127.0.0.1:9/never") == "remc"
    assert len(remc_server.behaviour.requests) == requests


def test_subset_of_real_genes(sample_files: SampleFiles) -> None:
    folder = sample_files.directory
    full = load_pair("Cell1-Cell2", "local", data_dir=folder, progress=False)
    part = load_pair("Cell1-Cell2", "local", data_dir=folder, progress=False, n_genes=60, seed=1)
    total = sum(sample_files.genes.values())
    assert [len(part.split(s)) for s in SPLITS] == [round(60 * sample_files.genes[s] / total) for s in SPLITS]
    assert f"random subset of {sum(len(part.split(s)) for s in SPLITS)} genes (seed 1)" in part.label
    assert part.checksum != full.checksum
    assert set(part.train.genes) <= set(full.train.genes)
    again = load_pair("Cell1-Cell2", "local", data_dir=folder, progress=False, n_genes=60, seed=1)
    np.testing.assert_array_equal(part.train.genes, again.train.genes)
    assert again.checksum == part.checksum
