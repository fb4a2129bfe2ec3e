"""The README's numbers are what the code produced: its results block is generated from the committed reports, and the
CAAT report's tables are recomputed from the committed records."""
import json
from pathlib import Path
import pandas as pd
import pytest
from advanti.readme import README_MARKERS, readme_results
from advanti.report import summary_table, format_table
from advanti.stats import paired_differences

def test_readme_results_block_equals_the_committed_reports(repo_root):
    text = (repo_root / "README.md").read_text()
    start, end = README_MARKERS
    assert text.count(start) == 1 and text.count(end) == 1, "the README lost its results markers"
    block = text.split(start)[1].split(end)[0]
    assert block == "\n" + readme_results(repo_root / "reports"), "README results differ from reports/: run `advanti readme`"

def _records(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((folder / "records").glob("*.json"))]

def _same(frame, path: Path):
    "`frame` equals the committed CSV at `path`, whatever the row order (records are read in file-name order)."
    import io
    committed = pd.read_csv(path, keep_default_na=False)
    fresh = pd.read_csv(io.StringIO(frame.to_csv(index=False)), keep_default_na=False)
    ordered = lambda f: f.astype(str).sort_values(list(f.columns)).reset_index(drop=True)
    pd.testing.assert_frame_equal(ordered(fresh), ordered(committed))

def test_fidelity_tables_come_from_the_committed_records(repo_root):
    folder = repo_root / "reports" / "fidelity"
    records = _records(folder)
    assert records, "no committed record under reports/fidelity/records"
    provenance = json.loads((folder / "provenance.json").read_text())
    pair = [r for r in records if r["job"]["data_options"].get("noise") == "pair"]
    verdict_labels = {"CAAT (ReMargin)", "Control: all adversarial (ReMargin, FRL)", "Control: all adversarial = TRADES (β=1.5)", "PGD-AT (fine-tuned)"}
    verdict_records = [r for r in pair if r["label"] in verdict_labels and r["config"]["seed"] in provenance["verdict_seeds"]]
    controls = ["Control: all adversarial (ReMargin, FRL)", "Control: all adversarial = TRADES (β=1.5)", "PGD-AT (fine-tuned)"]
    for which in ("best", "last"):
        path = folder / f"verdict_{which}.csv"
        fresh = paired_differences(verdict_records, "CAAT (ReMargin)", controls, which)
        _same(fresh[list(pd.read_csv(path, nrows=0).columns)], path)  # a report written before `interval`, `verdict`
    _same(format_table(summary_table(verdict_records, "best"), spread=True), folder / "verdict_runs_best.csv")
    seeds = provenance["seeds"]
    for name, noise in (("pair_flip_20", "pair"), ("long_tailed_IF_10", None)):
        main = [r for r in records if r["job"]["data_options"].get("noise") == noise and r["config"]["seed"] in seeds
                and r["label"] in set(pd.read_csv(folder / f"table_{name}_best.csv")["Method"])
                and (r["method"] != "caat" or r["options"]["meta_seed"] in provenance["meta_seeds"])]
        _same(format_table(summary_table(main, "best"), spread=True), folder / f"table_{name}_best.csv")
