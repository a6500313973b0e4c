"""Claims, Table 1, coverage and the status page on small synthetic result directories."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from deepdiff import paper, reproduction
from deepdiff.constants import MARKS, PAPER_PAIRS
from deepdiff.errors import DataError
from deepdiff.grid import GridConfig
from deepdiff.results import cache_key, collect_results, result_path, split_metrics, write_result

#: Correlation of each method's predictions with the truth in the synthetic results.
DEFAULT_R: dict[str, float] = {
    "raw_d": 0.40,
    "raw_c": 0.62,
    "raw": 0.60,
    "aux": 0.58,
    "raw_aux": 0.66,
    "aux_siamese": 0.75,
    "raw_aux_siamese": 0.64,
    "svr1": 0.25,
    "svr2": 0.33,
    "relief_rf": 0.30,
    "attentivechrome_diff": 0.35,
}


def write_runs(
    root: Path,
    pairs: tuple[str, ...] = PAPER_PAIRS[:3],
    seeds: tuple[int, ...] = (0,),
    source: str = "simulated",
    label: str = "simulated (unit test)",
    profile: str = "quick",
    strengths: Mapping[str, float] | None = None,
    n: int = 400,
    seed: int = 0,
    attention: bool = False,
) -> None:
    """Results whose test PCC is close to ``strengths`` (predictions = r * truth + noise)."""
    rng = np.random.default_rng(seed)
    r_of = {**DEFAULT_R, **(strengths or {})}
    for pair in pairs:
        genes = np.array([f"ENSG{i:06d}" for i in range(n)])
        y = rng.normal(0.0, 3.0, n)
        z = (y - y.mean()) / y.std()
        for method, r in r_of.items():
            kind = "deepdiff" if method in paper.PAPER_VARIANTS else "baseline"
            for s in seeds:
                pred = r * z + np.sqrt(1 - r**2) * rng.normal(size=n)
                key = cache_key(kind, method, {"seed": s, "profile": profile}, f"{label}/{pair}")
                metrics = {
                    "kind": kind,
                    "method": method,
                    "pair": pair,
                    "data": {"source": source, "label": label, "checksum": f"{label}/{pair}"},
                    "profile": profile,
                    "seed": s,
                    "config": {},
                    "test": split_metrics(y, pred),
                    "valid": split_metrics(y, pred),
                    "key": key,
                }
                att = None
                if attention and kind == "deepdiff":
                    att = _attention(genes, y, rng)
                write_result(
                    result_path(root, pair, method, s, key),
                    metrics=metrics,
                    predictions=pd.DataFrame({"gene": genes, "lfc_true": y, "lfc_pred": pred}),
                    attention=att,
                )


def _attention(genes: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Mark attention as in the paper's Figure 5: K4 marks high when up, K27 second when down."""
    n = len(genes)
    up = np.array([0.30, 0.35, 0.05, 0.15, 0.15])
    down = np.array([0.12, 0.40, 0.05, 0.30, 0.13])
    base = np.where((y > 0)[:, None], up, down)
    per_mark = base * rng.uniform(0.9, 1.1, size=(n, 5))
    rows = np.concatenate([per_mark, per_mark], axis=1) / 2  # A and B rows
    rows /= rows.sum(axis=1, keepdims=True)
    names = np.array([f"{cell}:{m}" for cell in "AB" for m in MARKS])
    return {
        "genes": genes,
        "row_attention": rows,
        "bin_attention": np.full((n, 10, 200), 1 / 200),
        "row_names": names,
        "bin_row_names": names,
    }


@pytest.fixture
def sim_results(tmp_path: Path) -> Path:
    write_runs(tmp_path, seeds=(0, 1))
    return tmp_path


def _context(results: pd.DataFrame) -> reproduction.Context:
    (ctx,) = reproduction.contexts(results)
    return ctx


def test_weighted_pearson_matches_resampling() -> None:
    rng = np.random.default_rng(1)
    y, p = rng.normal(size=50), rng.normal(size=50)
    idx = rng.integers(0, 50, size=50)
    w = np.bincount(idx, minlength=50)[None, :].astype(float)
    got = reproduction.weighted_pearson(np.vstack([np.ones((1, 50)), w]), y, p)
    assert got[0] == pytest.approx(np.corrcoef(y, p)[0, 1])
    assert got[1] == pytest.approx(np.corrcoef(y[idx], p[idx])[0, 1])


def test_bootstrap_pair_observed_is_mean_over_seeds_and_refuses_mixed_data() -> None:
    rng = np.random.default_rng(2)
    genes = [f"g{i}" for i in range(100)]
    y = rng.normal(size=100)
    seeds = [
        pd.DataFrame({"gene": genes, "lfc_true": y, "lfc_pred": y + rng.normal(size=100)}) for _ in range(3)
    ]
    boot = reproduction.bootstrap_pair("E003-E004", {"raw_c": seeds}, n_boot=50)
    expected = np.mean([np.corrcoef(y, t["lfc_pred"])[0, 1] for t in seeds])
    assert boot.get("raw_c")[0] == pytest.approx(expected)
    assert boot.pcc.shape == (1, 51) and boot.n_seeds == {"raw_c": 3}
    other = seeds[0].assign(lfc_true=y + 1.0)
    with pytest.raises(DataError, match="different data"):
        reproduction.bootstrap_pair("E003-E004", {"raw_c": seeds[:1], "raw_d": [other]}, n_boot=10)


def test_contexts_order_real_full_before_sample_before_simulated(tmp_path: Path) -> None:
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], source="simulated", label="sim")
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], source="sample", label="real sample")
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], source="remc", label="real full REMC", profile="paper")
    ctxs = reproduction.contexts(collect_results(tmp_path))
    assert [c.source for c in ctxs] == ["remc", "sample", "simulated"]


def test_figure4_claims_on_planted_outcomes(sim_results: Path) -> None:
    results = collect_results(sim_results)
    ctx = _context(results)
    boots = reproduction.bootstrap_context(results, ctx, n_boot=200)
    verdicts = {r.claim_id: r for r in reproduction.evaluate_figure4_claims(boots, ctx)}
    # Planted: raw_c (0.62) >> raw_d (0.40), raw_d worst, aux_siamese best, svr2 > svr1, deep > shallow.
    for cid in (
        "fig4.raw_c_beats_raw_d",
        "fig4.raw_d_worst",
        "fig4.aux_siamese_best",
        "fig4.svr2_beats_svr1",
        "fig4.deep_beats_shallow",
        "fig4.deepdiff_beats_attentivechrome",
        "fig4.siamese_helps",
    ):
        assert verdicts[cid].verdict == "holds", (cid, verdicts[cid])
        assert verdicts[cid].evidence is not None and verdicts[cid].evidence.min_seeds == 2
    assert verdicts["fig4.raw_c_beats_raw_d"].count == 3 and verdicts["fig4.raw_c_beats_raw_d"].count_of == 3
    assert "3/3 pairs" in verdicts["fig4.raw_c_beats_raw_d"].ours_text


def test_claims_fail_when_the_planted_order_is_reversed(tmp_path: Path) -> None:
    write_runs(tmp_path, strengths={"raw_c": 0.20, "raw_d": 0.70, "svr1": 0.6, "svr2": 0.2, "raw_aux": 0.3})
    results = collect_results(tmp_path)
    ctx = _context(results)
    boots = reproduction.bootstrap_context(results, ctx, n_boot=200)
    verdicts = {r.claim_id: r for r in reproduction.evaluate_figure4_claims(boots, ctx)}
    assert verdicts["fig4.raw_c_beats_raw_d"].verdict == "does not hold"
    assert verdicts["fig4.raw_c_beats_raw_d"].count == 0
    assert verdicts["fig4.raw_d_worst"].verdict == "does not hold"
    assert verdicts["fig4.svr2_beats_svr1"].verdict == "does not hold"
    assert verdicts["fig4.raw_c_beats_raw_d"].support < 0.05
    assert verdicts["fig4.raw_aux_beats_raw"].verdict == "does not hold"
    # raw_d (0.70) > attentivechrome (0.35) but raw_c (0.20) is below it: not every variant is ahead.
    assert verdicts["fig4.deepdiff_beats_attentivechrome"].verdict == "does not hold"


def test_claim_not_yet_run_when_a_method_is_missing(tmp_path: Path) -> None:
    write_runs(tmp_path)
    results = collect_results(tmp_path)
    results = results[results["method"] != "svr1"]  # as if svr1 had never been run
    ctx = _context(results)
    boots = reproduction.bootstrap_context(results, ctx, n_boot=50)
    r = reproduction.evaluate_claim(paper.claim("fig4.svr2_beats_svr1"), boots, ctx)
    assert r.verdict == "not yet run"
    assert any("svr1" in m for m in r.missing)
    assert reproduction.evaluate_claim(paper.claim("fig4.raw_c_beats_raw_d"), boots, ctx).verdict == "holds"


def test_table1_ours_recomputes_relative_pcc(sim_results: Path) -> None:
    results = collect_results(sim_results)
    ctx = _context(results)
    boots = reproduction.bootstrap_context(results, ctx, n_boot=100)
    t1 = reproduction.table1_ours(boots, ctx)
    assert len(t1) == 28 and (t1["n_pairs"] == 3).all()
    row = t1[(t1["variant"] == "raw_c") & (t1["baseline"] == "svr2") & (t1["statistic"] == "mean")].iloc[0]
    per_pair = (
        results.groupby(["pair", "method"])["test_pearson"]
        .mean()
        .unstack()[["raw_c", "svr2"]]
        .pipe(lambda t: 100 * t["raw_c"] / t["svr2"])
    )
    assert row["ours"] == pytest.approx(per_pair.mean(), rel=1e-6)
    assert row["low"] <= row["ours"] <= row["high"]
    assert row["paper"] == pytest.approx(163.59)
    display = reproduction.table1_display(t1)
    assert display.shape == (7, 4)
    assert "(paper 163.6)" in display.loc["Raw:c", "two-layer SVR mean"]


def test_figure4_data_and_coverage(sim_results: Path) -> None:
    results = collect_results(sim_results)
    ctx = _context(results)
    boots = reproduction.bootstrap_context(results, ctx, n_boot=100)
    fig4 = reproduction.figure4_data(results, ctx, boots)
    assert len(fig4) == 3 * 11
    assert (fig4["n_seeds"] == 2).all()
    assert ((fig4["low"] <= fig4["pcc"] + 0.05) & (fig4["pcc"] - 0.05 <= fig4["high"])).all()
    cov = reproduction.coverage_table(results)
    assert cov.shape == (3, 11) and (cov.to_numpy() == 2).all()
    assert list(cov.columns[:2]) == ["Raw:d", "Raw:c"]


def test_missing_runs_lists_commands(sim_results: Path) -> None:
    results = collect_results(sim_results)
    grid = GridConfig(pairs=PAPER_PAIRS[:4], seeds=(0,), data="simulated", profile="quick")
    missing = reproduction.missing_runs(results, grid)
    assert set(missing["pair"]) == {PAPER_PAIRS[3]}
    assert len(missing) == 11
    assert missing["command"].str.startswith("deepdiff ").all()


def test_figure5_claims_on_planted_attention(tmp_path: Path) -> None:
    write_runs(tmp_path, pairs=(paper.FIGURE5_PAIR,), attention=True, n=300)
    results = collect_results(tmp_path)
    ctx = _context(results)
    runs = reproduction.select_figure5_run(results, ctx)
    assert runs["method"].nunique() == 1 and runs["method"].iloc[0] == "aux_siamese"  # best valid PCC
    mark_att, lfc = reproduction.figure5_inputs(runs)
    assert np.allclose(mark_att.sum(axis=1), 1.0)
    summary, claims, rule = reproduction.evaluate_figure5(mark_att, lfc, ctx, paper.FIGURE5_PAIR, n_boot=200)
    assert {r.claim_id: r.verdict for r in claims} == {
        "fig5.up_k4": "holds",
        "fig5.down_k27": "holds",
        "fig5.k9_low": "holds",
    }
    assert "LFC" in rule
    assert set(summary["group"]) == {"up", "down"}


def test_status_table_simulated_is_never_reproduced(sim_results: Path) -> None:
    status = reproduction.status_table(sim_results, n_boot=50)
    assert list(status.columns) == ["result", "paper", "ours", "status", "data", "budget", "note"]
    assert set(status["status"]) <= set(reproduction.STATUSES)
    assert (status["status"] == "not yet run").all()
    # Table 1 rows (7), Figure 4, 9 Figure 4 claims, 3 Figure 5 claims, the appendix.
    assert len(status) == 7 + 1 + len(paper.FIGURE4_CLAIMS) + len(paper.FIGURE5_CLAIMS) + 1
    claim_rows = status[status["result"].str.startswith("Figure 4: Raw:c")]
    assert "simulated data only" in claim_rows["note"].item()


def test_status_table_full_real_grid_reproduces_and_refutes(tmp_path: Path) -> None:
    # Raw (0.20) is the worst variant, not Raw:d, and falls below both Table 1 baselines.
    write_runs(
        tmp_path,
        pairs=PAPER_PAIRS,
        source="remc",
        label="real full REMC",
        profile="paper",
        strengths={"raw": 0.20},
        n=300,
    )
    status = reproduction.status_table(tmp_path, n_boot=50).set_index("result")
    assert status.loc["Figure 4: Raw:c beats Raw:d in all 10 pairs.", "status"] == "reproduced"
    assert (
        status.loc["Figure 4: Raw:d is the worst DeepDiff variant in 9 of the 10 pairs.", "status"] == "not"
    )
    assert status.loc["Figure 4: The two-layer SVR beats the single-layer SVR.", "status"] == "reproduced"
    fig4 = status.loc["Figure 4: test PCC of every variant and baseline, ten pairs"]
    assert fig4["status"] == "reproduced" and "110 of 110" in fig4["ours"]
    assert "10 pairs" in fig4["data"] and "profile paper" in fig4["budget"]
    raw_row = [r for r in status.index if r.startswith("Table 1: Raw relative")]
    assert status.loc[raw_row[0], "status"] == "not"


def test_status_table_on_an_empty_directory(tmp_path: Path) -> None:
    status = reproduction.status_table(tmp_path)
    assert (status["status"] == "not yet run").all()
    assert len(status) == 7 + 1 + len(paper.FIGURE4_CLAIMS) + len(paper.FIGURE5_CLAIMS) + 1


def test_simulated_pairs_of_one_dataset_form_one_context(tmp_path: Path) -> None:
    for pair in PAPER_PAIRS[:2]:
        label = f"simulated (seed 0, 400 genes, calibrated to {pair})"
        write_runs(tmp_path, pairs=(pair,), label=label, strengths={"raw_c": 0.6})
    results = collect_results(tmp_path)
    (ctx,) = reproduction.contexts(results)
    assert ctx.data_label == "simulated (seed 0, 400 genes)"
    assert len(reproduction.in_context(results, ctx)) == len(results)
    assert reproduction.data_family("remc", "real full REMC", "E003-E004") == "real full REMC"
    cov = reproduction.coverage_table(results)
    assert set(cov.index.get_level_values("data")) == {"simulated (seed 0, 400 genes)"}


def test_stale_runs_on_other_data_are_left_out_with_a_warning(tmp_path: Path) -> None:
    root, stale = tmp_path / "results", tmp_path / "stale"
    write_runs(root, pairs=PAPER_PAIRS[:1], seed=0)
    write_runs(stale, pairs=PAPER_PAIRS[:1], seed=1, strengths={"raw_c": 0.6})
    # One run of the same label, pair and method but different data (another draw of the truth).
    (src,) = list(stale.glob(f"{PAPER_PAIRS[0]}/raw_c/*"))
    src.rename(root / PAPER_PAIRS[0] / "raw_c" / "seed0-stale0000000")
    results = collect_results(root)
    ctx = _context(results)
    with pytest.warns(UserWarning, match="stale"):
        boots = reproduction.bootstrap_context(results, ctx, n_boot=20)
    (boot,) = boots.values()
    assert len(boot.excluded) == 1 and "stale" in boot.excluded[0]
    assert boot.n_seeds["raw_c"] == 1
    groups = reproduction.same_data_groups(
        [pd.read_csv(p / "predictions.csv") for p in map(Path, results["path"])]
    )
    assert [len(g) for g in groups] == [11, 1]
