"""The README's results are what the code produced: `reports/full/` holds one record per job the `full` profile
declares, all of this code version, and one AutoAttack result per evaluation it declares; its error tables, every
secondary verdict and every primary endpoint are recomputed here from those records under the analysis plan; the plan,
the profile and the README name the same primary endpoints; and the README's generated block equals what the reports
give."""
import io, re
from pathlib import Path
import pandas as pd
import pytest
from advanti.experiments import declared_attacks, declared_jobs, experiment_parameters, load_profile, notebook_parameters
from advanti.readme import README_MARKERS, readme_results
from advanti.report import group_table, load_json
from advanti.results import PRIMARY_HEADERS, error_table, paired_verdicts, verdict_table
from advanti.stats import primary_endpoints
from advanti.verify import report_scenarios
from advanti.runner import autoattack_path, code_version
from advanti.protocol import scenario_slug

PROFILE = load_profile("full")
TRAINED = [n for n in PROFILE["experiments"] if n not in ("theory_gaussian", "cost")]
NOISY_COLUMNS = ["avg_nat", "worst_nat", "avg_rob", "worst_rob"]
WITH_PRIMARY = [n for n in TRAINED if "primary" in PROFILE["experiments"][n]]

def _report(repo_root: Path, name: str) -> Path:
    return repo_root / PROFILE["experiments"][name]["report_dir"]

def _same(frame, path: Path):
    "`frame` equals the committed CSV at `path`, whatever the row order."
    committed = pd.read_csv(path, keep_default_na=False)
    fresh = pd.read_csv(io.StringIO(frame.to_csv(index=False)), keep_default_na=False)
    ordered = lambda f: f.astype(str).sort_values(list(f.columns)).reset_index(drop=True)
    pd.testing.assert_frame_equal(ordered(fresh), ordered(committed))

def _scenarios(folder: Path) -> dict:
    "{file-name slug: (scenario, its records)}; the standard report is one scenario with slug ''."
    scenarios = report_scenarios(folder)
    if "scenarios" not in load_json(folder / "provenance.json"): return {"": ("standard", scenarios["standard"])}
    return {scenario_slug(s) + "_": (s, records) for s, records in scenarios.items()}

@pytest.mark.parametrize("name", TRAINED)
def test_every_declared_job_has_its_record_of_this_code_version(repo_root, name):
    folder = _report(repo_root, name)
    assert load_json(folder / "provenance.json")["code_version"] == code_version()
    _, params = experiment_parameters(name, PROFILE)
    keys = {p.stem.rsplit("-", 1)[1] for p in (repo_root / "reports" / "full").glob("*/records/*.json")}
    missing = [f"{job.label} seed {job.seed}" for job, _ in declared_jobs(name, params) if job.key() not in keys]
    assert not missing, f"no record of {missing} under reports/full/*/records (jobs shared by experiments are kept once)"

@pytest.mark.parametrize("name", ["standard", "noisy_labels", "long_tail", "theory_in_practice"])
def test_tables_and_verdicts_are_recomputed_from_the_records(repo_root, name):
    folder = _report(repo_root, name)
    checked = 0
    for slug, (scenario, records) in _scenarios(folder).items():
        assert records, f"no record of {scenario} in {folder}/records"
        for which in ("best", "last"):
            if name == "standard": table = error_table(records, which)
            elif name == "noisy_labels": table = error_table(records, which, NOISY_COLUMNS)
            else: table = group_table(records, which)
            _same(table, folder / f"table_{slug}{which}.csv")
            path = folder / f"verdict_{slug}{which}.csv"
            methods = list(dict.fromkeys(pd.read_csv(path)["Method"]))
            primary = load_json(folder / "provenance.json").get("primary")  # left out of the secondary families
            _same(verdict_table(paired_verdicts(records, methods, which, primary)), path)
            checked += 2
    assert checked >= 4

def test_readme_results_block_equals_the_committed_reports(repo_root):
    text = (repo_root / "README.md").read_text()
    start, end = README_MARKERS
    assert text.count(start) == 1 and text.count(end) == 1, "the README lost its results markers"
    block = text.split(start)[1].split(end)[0]
    assert block == "\n" + readme_results(repo_root / "reports" / "full"), "README results differ: run `advanti readme`"

def test_every_report_has_a_digest_and_reports_stay_small(repo_root):
    for name in PROFILE["experiments"]:
        assert (_report(repo_root, name) / "readme.md").exists(), f"{name}: no readme.md digest"
    size = sum(p.stat().st_size for p in (repo_root / "reports").rglob("*") if p.is_file())
    assert size < 30 * 2**20, f"reports/ holds {size / 2**20:.1f} MB (at most 30)"

def test_numbers_quoted_in_the_summary_are_in_the_reports(repo_root):
    "Every number quoted under 'In short' is in the generated block or in a report it links (intervals whole)."
    text = (repo_root / "README.md").read_text()
    summary = text.split("### In short")[1].split(README_MARKERS[0])[0]
    block = text.split(README_MARKERS[0])[1].split(README_MARKERS[1])[0]
    linked = "".join((repo_root / p).read_text() for p in re.findall(r"\]\((reports/full/[^)]+\.md)\)", summary))
    intervals = re.findall(r"[+-]?\d+\.\d+ \[[+-]?\d+\.\d+, [+-]?\d+\.\d+\]", summary)
    assert len(intervals) >= 10, "the summary quotes too few intervals for this test to mean anything"
    missing = [i for i in intervals if i not in block + linked]
    rest = re.sub(r"[+-]?\d+\.\d+ \[[^]]+\]", "", summary)
    missing += [n for n in re.findall(r"(?<![\w.])\d+\.\d+", rest) if n not in block + linked]
    assert not missing, f"numbers in the README's summary that the reports do not give: {missing}"

def _autoattack(folder: Path) -> list[dict]:
    "The report's per-model AutoAttack results."
    return [load_json(p) for p in sorted((folder / "autoattack").glob("*.json"))]

@pytest.mark.parametrize("name", TRAINED)
def test_every_declared_autoattack_result_is_kept_per_model(repo_root, name):
    folder = _report(repo_root, name)
    _, params = experiment_parameters(name, PROFILE)
    kept = {(a["key"], a["attack"].startswith("AutoAttack-standard")) for a in _autoattack(folder)}
    declared = [(job, how) for job, _, how in declared_attacks(name, params)]
    missing = [f"{job.label} seed {job.seed} ({how['version']})" for job, how in declared
               if (job.key(), how["version"] == "standard") not in kept]
    assert not missing, f"{folder}/autoattack lacks the AutoAttack results of {missing[:5]} ({len(missing)} in all)"

@pytest.mark.parametrize("name", WITH_PRIMARY)
def test_primary_endpoints_are_recomputed_from_the_records(repo_root, name):
    "Under the plan: the primary per scenario at the best epoch (PGD-20), its last-epoch and AutoAttack sensitivity."
    folder = _report(repo_root, name)
    primary = load_json(folder / "provenance.json")["primary"]
    assert primary == PROFILE["experiments"][name]["primary"], f"{folder} was made with another primary endpoint"
    scenarios = {scenario: records for scenario, records in _scenarios(folder).values()}
    custom = [a for a in _autoattack(folder) if not a["attack"].startswith("AutoAttack-standard")]
    keys = lambda records: {r["job"]["key"] for r in records}
    attacked = {s: [a for a in custom if a["key"] in keys(records)] for s, records in scenarios.items()}
    fresh = primary_endpoints(scenarios, primary, attacked).rename(columns=PRIMARY_HEADERS)
    _same(fresh, folder / "primary.csv")
    assert set(fresh["Attack"]) == {"PGD-20", "AutoAttack"} and set(fresh["Epoch"]) == {"best", "last"}

def _plan_primaries(repo_root: Path) -> dict:
    "{report: (method, versus, error)} from the table of reports/analysis-plan.md."
    text = (repo_root / "reports" / "analysis-plan.md").read_text()
    table = text.split("<!-- primaries:start -->")[1].split("<!-- primaries:end -->")[0].strip().splitlines()[2:]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in table]
    return {c[0]: (c[1], c[2], c[3]) for c in cells}

def test_the_plan_the_profile_and_the_readme_name_the_same_primaries(repo_root):
    plan = _plan_primaries(repo_root)
    profile = {n: tuple(PROFILE["experiments"][n]["primary"][k] for k in ("method", "versus", "error")) for n in WITH_PRIMARY}
    assert plan == profile, f"reports/analysis-plan.md names {plan}, the full profile {profile}"
    for name in WITH_PRIMARY:  # the notebooks' defaults (the quick profile's) are the same endpoints
        default = notebook_parameters(name)["primary"]
        assert tuple(default[k] for k in ("method", "versus", "error")) == plan[name], f"{name}'s notebook default"
    readme = (repo_root / "README.md").read_text()
    said = readme.split("<!-- primaries:start -->")[1].split("<!-- primaries:end -->")[0]
    for report, (method, versus, error) in plan.items():
        assert f"| {report} | {method} | {versus} | {error} |" in said, f"the README's summary does not name {report}'s primary"
