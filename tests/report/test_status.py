"""The status page: simulated data never reproduce, a full real grid reproduces and refutes."""

from __future__ import annotations

from pathlib import Path

from deepdiff import methods
from deepdiff.constants import PAPER_PAIRS
from deepdiff.report import paper
from deepdiff.report.status import STATUSES, status_table
from tests.report.conftest import write_runs

#: Table 1 rows (7), Figure 4, its 9 claims, the abstract's and Section 4.4's claims, 3 Figure 5 claims,
#: Table 3's rows (2) and Appendix Figure 2.
N_ROWS = (
    len(methods.PAPER_VARIANTS)
    + 1
    + len(paper.FIGURE4_CLAIMS)
    + len(paper.OTHER_CLAIMS)
    + len(paper.FIGURE5_CLAIMS)
    + len(methods.APPENDIX_VARIANTS)
    + 1
)


def test_status_table_simulated_is_never_reproduced(sim_results: Path) -> None:
    status = status_table(sim_results, n_boot=50)
    assert list(status.columns) == [
        "result",
        "paper",
        "ours",
        "status",
        "data",
        "budget",
        "note",
        "full data",
    ]
    assert (status["full data"] == "no").all()
    assert set(status["status"]) <= set(STATUSES)
    assert (status["status"] == "not yet run").all()
    assert len(status) == N_ROWS == 7 + 1 + 9 + 2 + 3 + 2 + 1
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
    status = status_table(tmp_path, n_boot=50).set_index("result")
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
    # Raw (0.20) is below the best baseline on every pair: DeepDiff does not significantly outperform them
    significance = status.loc["Abstract: DeepDiff significantly outperforms the state-of-the-art baselines."]
    assert significance["status"] == "not" and significance["ours"].startswith("does not hold: ")
    # no appendix runs in this grid: Table 3 and Figure 2 are not yet run, and say what they need
    table3 = status[status.index.str.startswith("Appendix Table 3:")]
    assert (table3["status"] == "not yet run").all() and table3["note"].str.contains(
        "aux_cls|raw_aux_cls"
    ).all()
    assert status.filter(like="Appendix Figure 2:", axis=0)["status"].item() == "not yet run"


def test_table3_and_figure2_once_run_on_real_data_have_no_paper_value(tmp_path: Path) -> None:
    strengths = {"aux_cls": 0.6, "raw_aux_cls": 0.62}
    write_runs(tmp_path, pairs=PAPER_PAIRS[:6], source="remc", label="real full REMC", profile="paper",
               strengths=strengths, n=300)  # fmt: skip
    status = status_table(tmp_path, n_boot=50).set_index("result")
    table3 = status[status.index.str.startswith("Appendix Table 3:")]
    assert (table3["status"] == "no paper value").all()
    assert table3["ours"].str.fullmatch(r"\d+\.\d / \d+\.\d %").all()
    assert table3["note"].str.contains("not in its text").all()
    fig2 = status.filter(like="Appendix Figure 2:", axis=0).iloc[0]
    assert (
        fig2["status"] == "no paper value" and "12 of 20" in fig2["ours"] and "training genes" in fig2["note"]
    )


def test_status_table_on_an_empty_directory(tmp_path: Path) -> None:
    status = status_table(tmp_path)
    assert (status["status"] == "not yet run").all()
    assert len(status) == N_ROWS
    table3 = status[status["result"].str.startswith("Appendix Table 3:")]
    assert len(table3) == 2 and (table3["paper"] == "not in the paper's text").all()


def test_without_full_data_the_page_says_so_first(sim_results: Path) -> None:
    from deepdiff.report.status import provenance_text, status_preamble

    text = status_preamble(sim_results)
    first = text.splitlines()[0]
    assert first.startswith("**No run on the real, full REMC data")
    assert "make reproduce" in first and "deepdiff results unpack BUNDLE" in first
    assert "simulated (unit test), profile quick" in first
    where = provenance_text(sim_results)
    # the folder's name, not where the build machine keeps it
    assert f"complete run(s) in `{sim_results.name}`" in where
    assert str(sim_results.resolve()) not in text + where


def test_the_page_says_where_its_runs_came_from(tmp_path: Path) -> None:
    from deepdiff.grid.settings import GridConfig
    from deepdiff.report.status import provenance_text, status_preamble
    from deepdiff.results.bundle import pack, unpack

    write_runs(
        tmp_path / "cluster", pairs=PAPER_PAIRS[:2], source="remc", label="real full REMC", profile="paper"
    )
    grid = GridConfig(pairs=PAPER_PAIRS[:2], seeds=(0,), results_dir=str(tmp_path / "cluster"))
    info = pack(tmp_path / "cluster", tmp_path / "grid.tar.gz", label="cluster X", grid=grid.to_mapping())
    target = tmp_path / "book"
    write_runs(target, pairs=PAPER_PAIRS[5:6], n=50)  # runs computed here
    unpack(info.path, target)
    text = status_preamble(target)
    assert text.startswith("**Runs on the real full data found**: real full REMC, profile paper")
    text += "\n" + provenance_text(target)
    assert f"from the bundle `{info.path.name}`" in text and info.sha256 in text and "cluster X" in text
    assert "grid: 2 pair(s) (E123-E003, E116-E003)" in text
    assert "11 run(s) computed in this directory" in text
    assert "grid table" not in text  # written by the workflow's aggregate (tested with it)


HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)"> [link](javascript:alert(3)) `x` {raw}`<b>`'


def test_nothing_from_a_bundle_or_a_run_reaches_the_page_as_html(tmp_path: Path) -> None:
    """Label, date, code version, source and data label from a bundle or a run render as text only."""
    import json

    from markdown_it import MarkdownIt

    from deepdiff.report.status import provenance_text, status_preamble, status_styler
    from deepdiff.results.bundle import RECORDS_DIR, pack, unpack

    write_runs(tmp_path / "cluster", pairs=PAPER_PAIRS[:1], source="remc", label=HOSTILE, profile="paper")
    info = pack(tmp_path / "cluster", tmp_path / "grid.tar.gz", label=HOSTILE)
    target = tmp_path / "book"
    unpack(info.path, target)
    (record_file,) = (target / RECORDS_DIR).glob("*.json")
    record = json.loads(record_file.read_text())
    record |= {"created": HOSTILE, "code_version": HOSTILE, "source": HOSTILE + "`` `<i>`"}
    record_file.write_text(json.dumps(record))
    markdown = status_preamble(target) + "\n\n" + provenance_text(target)
    page = MarkdownIt("commonmark").render(markdown)  # raw HTML passes, as in MyST
    for tag in ("<script", "<img", "<b>", "<i>", 'href="javascript'):
        assert tag not in page, page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as written
    table = status_styler(status_table(target, n_boot=20)).to_html()
    assert "<script" not in table and "&lt;script&gt;" in table


def test_the_verdict_counts_only_results_decided_on_the_full_data(sim_results: Path, tmp_path: Path) -> None:
    from deepdiff.report.status import verdict_summary

    simulated = verdict_summary(status_table(sim_results, n_boot=20))
    assert simulated.startswith(
        f"**0 of the paper's {N_ROWS} results have a verdict from runs on the real, full data**"
    )
    write_runs(tmp_path, pairs=PAPER_PAIRS, source="remc", label="real full REMC", profile="paper")
    table = status_table(tmp_path, n_boot=20)
    decided = table[(table["full data"] == "yes") & (table["status"] != "not yet run")]
    assert len(decided) > 0
    assert verdict_summary(table).startswith(
        f"**{len(decided)} of the paper's {N_ROWS} results have a verdict"
    )


def test_the_book_runs_summary_names_the_data_and_the_budget(tmp_path: Path) -> None:
    from deepdiff.report.status import book_runs_summary
    from deepdiff.results.store import collect_results

    assert "No run at the book's budget" in book_runs_summary(collect_results(tmp_path))
    write_runs(tmp_path, pairs=PAPER_PAIRS[:1], profile="book")
    text = book_runs_summary(collect_results(tmp_path))
    assert "**simulated data**" in text and "`book` budget" in text and "simulated (unit test)" in text
