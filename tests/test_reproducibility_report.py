"""The README's measured reproducibility: every number it quotes about the standard table's primary rows retrained
with other kernels (reports/reproducibility/aten-default) is recomputed here from the committed records."""
import re
from pathlib import Path
import pytest
from advanti.report import load_json, summary_table
from advanti.stats import primary_endpoints
from advanti.verify import _replaced, metric_moves, report_scenarios, verdict_changes, _report_methods

RETRAINED = Path("reports/reproducibility/aten-default/records")

@pytest.fixture(scope="module")
def measured(repo_root):
    standard = repo_root / "reports" / "full" / "standard"
    scenarios = report_scenarios(standard)
    retrained = {r["job"]["key"]: r for r in map(load_json, sorted((repo_root / RETRAINED).glob("*.json")))}
    committed = [r for r in scenarios["standard"] if r["job"]["key"] in retrained]
    primary = load_json(standard / "provenance.json")["primary"]
    return dict(scenarios=scenarios, retrained=retrained, committed=committed, primary=primary,
                moves=[metric_moves(r, retrained[r["job"]["key"]]) for r in committed],
                changes=verdict_changes(scenarios, retrained, _report_methods(standard), primary))

def _paragraph(repo_root: Path) -> str:
    text = (repo_root / "README.md").read_text()
    return " ".join(text.split("**What that does to the results.**")[1].split("Measured here with")[0].split())

def _interval(row) -> str:
    return f"{row['mean']:+.1f} [{row['ci_low']:+.1f}, {row['ci_high']:+.1f}]"

def test_the_retrained_records_are_the_primary_rows_under_other_kernels(measured):
    assert len(measured["committed"]) == len(measured["retrained"]) == 25
    assert {r["label"] for r in measured["committed"]} == {measured["primary"]["method"], measured["primary"]["versus"],
                                                             "PGD-AT (fine-tuned)"}
    assert all(r["provenance"]["cpu"]["capability"] == "DEFAULT" for r in measured["retrained"].values())

def test_the_readme_quotes_what_the_records_give(repo_root, measured):
    said, moves, changes = _paragraph(repo_root), measured["moves"], measured["changes"]
    moved = sum(m["best_epoch"].split(" -> ")[0] != m["best_epoch"].split(" -> ")[1] for m in moves)
    assert f"no run came out identical" in said and not any(m["identical"] for m in moves)
    assert f"the selected epoch moved in {moved} of {len(moves)} runs" in said
    assert f"{max(m['max_move_best'] for m in moves):.1f} points" in said
    assert f"up to {max(abs(m['avg_rob_move_best']) for m in moves):.1f} points at the selected epoch and " \
           f"{max(abs(m['avg_rob_move_last']) for m in moves):.1f} at the last" in said
    before, after = (primary_endpoints({"standard": rs}, measured["primary"]) for rs in
                     (measured["scenarios"]["standard"], _replaced(measured["scenarios"]["standard"], measured["retrained"])))
    for which in ("best", "last"):
        b, a = before[before["epoch"] == which].iloc[0], after[after["epoch"] == which].iloc[0]
        assert f"{_interval(b)} to {_interval(a)}" in said, which
        assert b["verdict"] == a["verdict"] == "worse"
    secondary = changes[~changes["method"].str.startswith("primary")]
    flipped = secondary[secondary["changed"]]
    per_epoch = flipped["epoch"].value_counts()
    assert (f"Of the {len(secondary)} secondary verdicts of the standard report, {len(flipped)} changed "
            f"({per_epoch.get('best', 0)} at the selected epoch, {per_epoch.get('last', 0)} at the last)") in said
    assert not ((flipped["before"] == "better") & (flipped["after"] == "worse")).any()
    assert not ((flipped["before"] == "worse") & (flipped["after"] == "better")).any()
    assert not changes[changes["method"].str.startswith("primary")]["changed"].any()

def test_the_table_cells_moved_as_said(repo_root, measured):
    said = _paragraph(repo_root)
    cells = {}
    for which in ("best", "last"):
        a = summary_table(measured["committed"], which).set_index("label")
        b = summary_table(list(measured["retrained"].values()), which).set_index("label")
        diff = (b - a.loc[b.index]).abs()
        cells[which] = (diff["avg_rob"].max(), diff[["worst_nat", "worst_bdy", "worst_rob"]].max().max())
    avg = max(c[0] for c in cells.values()); worst = max(c[1] for c in cells.values())
    assert f"moved by up to {avg:.1f} point of average robust error and {worst:.1f} points of a worst-class error" in said
