"""The status page: every result of the paper with its status on the results found.

Each row uses the best context that can evaluate it (real full data first, then the real sample,
then simulated data). Verdicts become statuses: ``reproduced`` needs the real full data, the
paper's budget and every pair the paper used; ``partly`` holds on reduced real evidence; ``not``
fails on real evidence; simulated data never counts (``not yet run``, the simulated verdict in the
note). One small function per kind of result builds its rows.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pandas as pd

from deepdiff import methods
from deepdiff._util.paths import display_path
from deepdiff.constants import PAPER_PAIRS
from deepdiff.report import markdown, paper
from deepdiff.report.bootstrap import PairBootstrap, bootstrap_context, evidence_of
from deepdiff.report.claims import ClaimResult, evaluate_claim
from deepdiff.report.context import Context, Evidence, contexts
from deepdiff.report.figure5 import evaluate_figure5, figure5_inputs, select_figure5_run
from deepdiff.report.table1 import TABLE1_TOLERANCE_PP, table1_ours, table3_ours
from deepdiff.results.store import collect_results

#: Statuses of the status page. ``no paper value``: run on the real data, but the paper's text gives
#: no number to compare with (Appendix Table 3).
STATUSES: tuple[str, ...] = ("reproduced", "partly", "not", "not yet run", "no paper value")
#: Columns of :func:`status_table`; ``full data``: ``yes`` when the row's evidence is the real full data.
STATUS_COLUMNS: tuple[str, ...] = ("result", "paper", "ours", "status", "data", "budget", "note", "full data")
#: Statuses that are a verdict (all but ``not yet run``).
VERDICTS: tuple[str, ...] = tuple(s for s in STATUSES if s != "not yet run")
_SIMULATED_NOTE = "simulated data only: a check of the pipeline, not evidence about the paper"

Boots = Mapping[Context, Mapping[str, PairBootstrap]]


def _row(result: str, paper_value: str, evidence: Evidence | None = None, **fields: str) -> dict[str, str]:
    """One row of the status table; without evidence, the result is not yet run."""
    row = {"result": result, "paper": paper_value, "ours": "—", "status": "not yet run"}
    row |= {"data": "—", "budget": "—", "note": "", "full data": "no"}
    if evidence is not None:
        row |= {"data": evidence.data_text, "budget": evidence.budget_text}
        row["full data"] = "yes" if evidence.context.is_full_data else "no"
    return row | fields


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _status(holds: bool, evidence: Evidence, required_pairs: Sequence[str]) -> str:
    if not evidence.context.is_real:
        return "not yet run"
    if not holds:
        return "not"
    return "reproduced" if evidence.covers(required_pairs) else "partly"


def _reduced_note(evidence: Evidence, required_pairs: Sequence[str]) -> str:
    """Why real evidence is not the paper's, or the simulated-data note."""
    if not evidence.context.is_real:
        return _SIMULATED_NOTE
    reasons = []
    if not evidence.context.is_full_data:
        reasons.append("not the full data")
    if evidence.context.profile != "paper":
        reasons.append(f"budget '{evidence.context.profile}', not the paper's")
    lacking = sorted(set(required_pairs) - set(evidence.pairs))
    if lacking and len(required_pairs) == 1:
        reasons.append(f"pair {', '.join(evidence.pairs)}, not the paper's {required_pairs[0]}")
    elif lacking:
        reasons.append(f"{len(lacking)} of the paper's {len(required_pairs)} pairs not run")
    return "reduced evidence: " + "; ".join(reasons) if reasons else ""


def _ours_values(t: pd.DataFrame) -> str:
    """The numbers of a relative-PCC row, ``undefined`` or ``not run`` where there is none."""
    texts = []
    for r in t.itertuples():
        if pd.notna(r.ours):
            texts.append(f"{r.ours:.1f}")
        else:
            texts.append("undefined" if str(r.note).startswith("undefined") else "not run")
    return " / ".join(texts) + " %"


def _table_notes(t: pd.DataFrame) -> str:
    """Each column's note (why a value is missing, undefined or over fewer pairs), once."""
    notes = [f"{methods.label(r.baseline)} {r.statistic}: {r.note}" for r in t.itertuples() if r.note]
    return "; ".join(notes)


def relative_rows(
    ctxs: Sequence[Context],
    boots: Boots,
    level: float,
    *,
    table: str,
    variants: Sequence[str],
    baselines: Sequence[str],
    compute: Callable[[Mapping[str, PairBootstrap], Context, float], pd.DataFrame],
    theirs: pd.DataFrame,
) -> Iterator[dict[str, str]]:
    """One row per variant of a relative-PCC table (Table 1, Table 3): all its numbers, in the best
    context that has any; what is missing, undefined or over fewer pairs in the note."""
    ours_by_ctx = {c: compute(boots[c], c, level) for c in ctxs}
    against = " and ".join(methods.label(b) for b in baselines)
    for variant in variants:
        result = f"{table}: {methods.label(variant)} relative PCC vs {against} (mean, median)"
        values = theirs.loc[theirs["variant"] == variant, "relative_pcc"]
        known = bool(values.notna().all())
        paper_value = " / ".join(f"{v:.2f}" for v in values) + " %" if known else "not in the paper's text"
        mine = {c: t[t["variant"] == variant] for c, t in ours_by_ctx.items()}
        ctx = next((c for c in ctxs if mine[c]["ours"].notna().any()), None)
        if ctx is None:
            # what the best context lacks (or why its values are undefined)
            yield _row(result, paper_value, note=_table_notes(mine[ctxs[0]]) if ctxs else "no runs")
            continue
        t = mine[ctx]
        ev = evidence_of(ctx, boots[ctx], (variant, *baselines))
        complete = bool(t["ours"].notna().all())
        within = complete and bool(t["within_tolerance"].all())
        ahead = bool((t["ours"].dropna() > 100).all())
        if not ctx.is_real:
            status = "not yet run"
        elif not known:
            status = "no paper value"
        elif within and ev.covers(PAPER_PAIRS):
            status = "reproduced"
        else:
            status = "partly" if within or ahead else "not"
        off = ctx.is_real and known and ahead and not within and complete
        note = _join(
            _reduced_note(ev, PAPER_PAIRS),
            _table_notes(t),
            f"DeepDiff ahead as in the paper, but > {TABLE1_TOLERANCE_PP:.0f} pp off" if off else "",
            paper.TABLE3_PAPER_NOTE if not known else "",
        )
        yield _row(result, paper_value, ev, ours=_ours_values(t), status=status, note=note)


def table1_rows(ctxs: Sequence[Context], boots: Boots, level: float) -> Iterator[dict[str, str]]:
    """Table 1: one row per variant, all four numbers (mean and median against both baselines)."""
    return relative_rows(
        ctxs,
        boots,
        level,
        table="Table 1",
        variants=methods.PAPER_VARIANTS,
        baselines=paper.TABLE1_BASELINES,
        compute=table1_ours,
        theirs=paper.table1(),
    )


def table3_rows(ctxs: Sequence[Context], boots: Boots, level: float) -> Iterator[dict[str, str]]:
    """Appendix Table 3: one row per classification variant, mean and median against the two-layer SVR."""
    return relative_rows(
        ctxs,
        boots,
        level,
        table="Appendix Table 3",
        variants=methods.APPENDIX_VARIANTS,
        baselines=paper.TABLE3_BASELINES,
        compute=table3_ours,
        theirs=paper.table3(),
    )


def figure4_row(ctxs: Sequence[Context], boots: Boots) -> dict[str, str]:
    """Figure 4 as a whole: how many of its pair × method cells were run, in the best context."""
    return _figure_row(
        ctxs,
        boots,
        "Figure 4: test PCC of every variant and baseline, ten pairs",
        "absolute PCCs only in the plot (0-0.8 axis)",
        (*methods.PAPER_VARIANTS, *methods.PAPER_BASELINES),
    )


def figure2_row(ctxs: Sequence[Context], boots: Boots) -> dict[str, str]:
    """Appendix Figure 2: how many pair × method cells of the classification variants were run.

    The paper's six pairs are not named, so the ten are counted; and the figure's values are only in
    the plot, so a complete run is at best ``no paper value``.
    """
    row = _figure_row(
        ctxs,
        boots,
        "Appendix Figure 2: test PCC of Aux and Raw+Aux with classification auxiliary tasks, six pairs",
        "PCCs only in the plot; the six pairs are not named in the text",
        methods.APPENDIX_VARIANTS,
    )
    if row["status"] in ("reproduced", "partly"):
        row["status"] = "no paper value"
    return row | {"note": _join(row["note"], *paper.APPENDIX_NOTES)}


def _figure_row(
    ctxs: Sequence[Context], boots: Boots, result: str, paper_value: str, wanted: Sequence[str]
) -> dict[str, str]:
    """A figure of test PCCs per pair and method: how many of its cells were run, in the best context."""
    ctx = next((c for c in ctxs if any(set(b.methods) & set(wanted) for b in boots[c].values())), None)
    if ctx is None:
        return _row(result, paper_value)
    ev = evidence_of(ctx, boots[ctx], wanted)
    n_cells = sum(len(set(b.methods) & set(wanted)) for b in boots[ctx].values())
    stale = sum(len(b.excluded) for b in boots[ctx].values())
    status = _status(True, ev, PAPER_PAIRS)
    if status == "reproduced" and n_cells < len(PAPER_PAIRS) * len(wanted):
        status = "partly"
    note = _join(
        _reduced_note(ev, PAPER_PAIRS),
        f"{stale} stale run(s) on an earlier version of the data left out" if stale else "",
    )
    ours = f"{n_cells} of {len(PAPER_PAIRS) * len(wanted)} pair × method cells"
    return _row(result, paper_value, ev, ours=ours, status=status, note=note)


def claim_row(claim: paper.Claim, res: ClaimResult | None, required_pairs: Sequence[str]) -> dict[str, str]:
    """One claim of the paper with our verdict on it."""
    result = f"{claim.figure}: {claim.statement}"
    paper_value = claim.paper_count if claim.counted else "stated"
    if res is None or res.evidence is None:
        return _row(result, paper_value, note="; ".join(res.missing) if res is not None else "")
    ev = res.evidence
    note = _reduced_note(ev, required_pairs)
    if not ev.context.is_real:
        note = f"{note} (there: {res.verdict})"
    status = _status(res.verdict == "holds", ev, required_pairs)
    if res.verdict == "undecided":  # computed, but on too few pairs to refute the claim
        status = "not yet run"
    return _row(
        result,
        paper_value,
        ev,
        ours=f"{res.verdict}: {res.ours_text}",
        status=status,
        note=_join(res.note, note),
    )


def pcc_claim_rows(
    ctxs: Sequence[Context], boots: Boots, level: float, claims: Sequence[paper.Claim]
) -> Iterator[dict[str, str]]:
    """Each claim about test PCCs, decided in the best context that has its methods."""
    for claim in claims:
        verdicts = [evaluate_claim(claim, boots[c], c, level) for c in ctxs]
        res = next((r for r in verdicts if r.verdict != "not yet run"), verdicts[0] if verdicts else None)
        yield claim_row(claim, res, PAPER_PAIRS)


def figure4_claim_rows(ctxs: Sequence[Context], boots: Boots, level: float) -> Iterator[dict[str, str]]:
    """Each claim of Section 4.3, decided in the best context that has its methods."""
    return pcc_claim_rows(ctxs, boots, level, paper.FIGURE4_CLAIMS)


def figure5_rows(
    results: pd.DataFrame, ctxs: Sequence[Context], n_boot: int, seed: int, level: float
) -> Iterator[dict[str, str]]:
    """The three claims of Section 4.4, on the best context with saved attention."""
    found: list[ClaimResult] | None = None
    for c in ctxs:
        runs = select_figure5_run(results, c)
        if runs.empty:
            continue
        pair, method = str(runs["pair"].iloc[0]), str(runs["method"].iloc[0])
        mark_att, lfc = figure5_inputs(runs)
        _, found, rule = evaluate_figure5(
            mark_att, lfc, context=c, pair=pair, n_seeds=len(runs), n_boot=n_boot, seed=seed, level=level
        )
        found = [ClaimResult(**{**r.__dict__, "note": f"{method} on {pair}; {rule}"}) for r in found]
        break
    for i, claim in enumerate(paper.FIGURE5_CLAIMS):
        yield claim_row(claim, found[i] if found else None, (paper.FIGURE5_PAIR,))


def status_table(
    results_dir: str | os.PathLike[str], n_boot: int = 500, seed: int = 0, level: float = 0.95
) -> pd.DataFrame:
    """Every result of the paper with its status on the results found in ``results_dir``.

    Rows: Table 1 (one per variant), Figure 4, each Figure 4 claim, the abstract's and Section 4.4's
    claims about test PCCs, each Figure 5 claim, and Appendix Section 1.6's Table 3 (one per
    classification variant) and Figure 2.

    Returns
    -------
    DataFrame
        Columns :data:`STATUS_COLUMNS`: ``result``, ``paper``, ``ours``, ``status`` (one of
        :data:`STATUSES`), ``data``, ``budget``, ``note``, ``full data`` (``yes`` or ``no``).
    """
    results = collect_results(results_dir)
    ctxs = contexts(results)
    boots = {c: bootstrap_context(results, c, n_boot=n_boot, seed=seed) for c in ctxs}
    rows = [
        *table1_rows(ctxs, boots, level),
        figure4_row(ctxs, boots),
        *figure4_claim_rows(ctxs, boots, level),
        *pcc_claim_rows(ctxs, boots, level, paper.OTHER_CLAIMS),
        *figure5_rows(results, ctxs, n_boot, seed, level),
        *table3_rows(ctxs, boots, level),
        figure2_row(ctxs, boots),
    ]
    return pd.DataFrame(rows, columns=list(STATUS_COLUMNS))


#: Background of each status in :func:`status_styler`.
STATUS_COLOURS = {
    "reproduced": "#c6f6d5",
    "partly": "#fefcbf",
    "not": "#fed7d7",
    "not yet run": "#edf2f7",
    "no paper value": "#e9d8fd",
}


def status_styler(table: pd.DataFrame) -> pd.io.formats.style.Styler:
    """The status table for an HTML page: every cell HTML-escaped (labels come from runs' files),
    the status column coloured, no index."""
    return (
        table.style.format(escape="html")
        .hide(axis="index")
        .map(lambda s: f"background-color: {STATUS_COLOURS.get(s, 'transparent')}", subset=["status"])
    )


#: How the status page says what fills it when no run on the real full data exists.
FILL_COMMANDS = (
    "run the paper's grid with `make reproduce` (every core of this machine; see `workflow/README.md` for "
    "its cost) or on a SLURM cluster with `snakemake -s workflow/Snakefile --profile workflow/profiles/slurm`, "
    "or add a published results bundle: `deepdiff results unpack BUNDLE {results}` (a path or an https URL; "
    "`DEEPDIFF_RESULTS_BUNDLE=BUNDLE make book` does this before building the book)"
)


def _grid_text(grid: Mapping[str, object] | None) -> str:
    """A recorded grid in words (its own words when it no longer parses)."""
    if not grid:
        return ""
    from deepdiff.errors import DeepDiffError
    from deepdiff.grid.settings import GridConfig

    try:
        return GridConfig.from_mapping(grid).describe()
    except (DeepDiffError, TypeError):
        return str(dict(grid))


def runs_provenance(results_dir: str | os.PathLike[str], results: pd.DataFrame | None = None) -> list[str]:
    """Where the runs of ``results_dir`` came from, one Markdown line each.

    The bundles unpacked into it (:func:`deepdiff.results.bundle.bundle_records`: source, checksum, when
    and by which code they were packed, their grid or shards) with the number of the runs they
    added still present, the runs computed in place, and the grid table the workflow wrote
    (:func:`deepdiff.grid.aggregate.read_grid_summary`), if any.
    """
    from deepdiff.grid.aggregate import read_grid_summary
    from deepdiff.results.bundle import bundle_records

    root = Path(results_dir).resolve()
    results = collect_results(root) if results is None else results
    present = {Path(p).resolve().relative_to(root).as_posix() for p in results["path"]}
    lines = [f"{len(present)} complete run(s) in {markdown.code(display_path(root))}."]
    from_bundles: set[str] = set()
    for record in bundle_records(root):
        # only the runs it added: a run already here when it was unpacked was computed here
        runs = set(record.get("added", record["runs"])) & present
        from_bundles |= runs
        lines.append(f"- {len(runs)} run(s) from the bundle {_bundle_text(record)}.")
    here = len(present - from_bundles)
    if from_bundles:
        lines.append(f"- {here} run(s) computed in this directory, not from a bundle.")
    summary = read_grid_summary(root)
    if summary is not None:
        lines.append(
            f"- The workflow's grid table ({markdown.code(display_path(summary['table']))}, written "
            f"{markdown.text(summary['written'])}): {markdown.text(summary['found'])} of "
            f"{markdown.text(summary['jobs'])} jobs have a run; grid: {markdown.text(_grid_text(summary['grid']))}."
        )
    return lines


def _bundle_text(record: Mapping[str, object]) -> str:
    """A bundle's record in words (every field escaped: it comes from the bundle): source, checksum,
    when and by which code it was packed, its label and grid, and for a merge its parents' grids."""
    parents = record.get("parents") or []
    parents = parents if isinstance(parents, list) else []
    origin = f"merged from {len(parents)} bundle(s)" if parents else "packed"
    what = _grid_text(record.get("grid"))  # type: ignore[arg-type]
    if not what and parents:
        grids = sorted({_grid_text(p.get("grid")) for p in parents if isinstance(p, dict)} - {""})
        what = "; ".join(f"{g} (a parent's)" for g in grids)
    return (
        f"{markdown.code(_source_text(record.get('source', '?')))} (SHA-256 {markdown.text(record.get('sha256', ''))}, "
        f"{origin} {markdown.text(record.get('created', '?'))} by code {markdown.text(record.get('code_version', '?'))}"
        + (f"; {markdown.text(record['label'])}" if record.get("label") else "")
        + (f"; grid: {markdown.text(what)}" if what else "")
        + ")"
    )


def _source_text(source: object) -> str:
    """Where a bundle came from: a URL as given, a local file by its name or its path in the project."""
    text = str(source)
    return text if "://" in text else display_path(text)


def verdict_summary(table: pd.DataFrame) -> str:
    """The verdict in one Markdown paragraph: how many of the paper's results have a verdict from runs
    on the real full data, and how many each status.

    ``table`` is a :func:`status_table`; the count is computed from it, never written by hand.
    """
    full = table[(table["full data"] == "yes") & table["status"].isin(VERDICTS)]
    counts = full["status"].value_counts()
    parts = ", ".join(f"{counts[s]} {s}" for s in VERDICTS if s in counts)
    head = (
        f"**{len(full)} of the paper's {len(table)} results have a verdict from runs on the real, full data**"
        + (f" ({parts})" if parts else "")
        + "."
    )
    if len(full) < len(table):
        rest = table.drop(index=full.index)["status"].value_counts()
        head += (
            " The other "
            + str(len(table) - len(full))
            + ": "
            + ", ".join(f"{n} {s}" for s, n in rest.items())
            + " (on reduced or simulated evidence, or no run)."
        )
    return head


def book_runs_summary(results: pd.DataFrame, profile: str = "book") -> str:
    """Which data the runs made at the book's budget (``profile``) used, in one Markdown sentence."""
    own = [c for c in contexts(results) if c.profile == profile]
    if not own:
        return f"No run at the book's budget (profile `{profile}`) is in the results directory."
    real = [c for c in own if c.is_real]
    kinds = (
        "simulated data"
        if not real
        else ("real data" if len(real) == len(own) else "real and simulated data")
    )
    listed = "; ".join(markdown.text(c.data_label) for c in own)
    return (
        f"The chapters' own runs in this build are on **{kinds}** with the **`{profile}` budget** "
        f"(profile `{profile}`, far below the paper's): {listed}."
        + ("" if real else " Simulated data check the code; they say nothing about the paper's numbers.")
    )


def status_preamble(results_dir: str | os.PathLike[str]) -> str:
    """The status page's paragraph after the verdict (Markdown): which runs on the real full data
    exist, or, without any, that nothing on the page confirms or refutes the paper and the commands
    and the bundle that would fill it. Where the runs came from is :func:`provenance_text`.
    """
    results = collect_results(results_dir)
    root = Path(results_dir).resolve()
    full = [c for c in contexts(results) if c.is_full_data]
    if full:
        head = f"**Runs on the real full data found**: {'; '.join(markdown.text(c) for c in full)}."
    else:
        others = ", ".join(markdown.text(c) for c in contexts(results)) or "none"
        head = (
            "**No run on the real, full REMC data is in this results directory, so nothing on this page "
            "confirms or refutes a result of the paper.** Every verdict below comes from "
            f"{'simulated data or the real sample (a check of the code, not of the paper)' if len(results) else 'no run at all'}"
            f" (runs found: {others}). To fill it, "
            + FILL_COMMANDS.format(results=display_path(root).replace("`", "'"))
            + "."
        )
    return head


def provenance_text(results_dir: str | os.PathLike[str]) -> str:
    """Where the runs of ``results_dir`` came from (:func:`runs_provenance`), as Markdown lines."""
    return "\n".join(runs_provenance(results_dir))
