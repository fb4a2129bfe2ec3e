"Every experiment notebook runs through papermill with its tiny profile and writes its tables and figures."
import csv
import pytest
from advanti.experiments import EXPERIMENTS, run_experiment, load_profile

@pytest.mark.parametrize("name", sorted(load_profile("tiny")["experiments"]))
def test_experiment_runs_tiny(name, tmp_path):
    out = run_experiment(name, "tiny", results=tmp_path)
    assert (out / EXPERIMENTS[name]["notebook"]).exists()
    tables = sorted(out.glob("*.csv")); figures = sorted(out.glob("*.png"))
    assert tables and figures, f"{name} wrote no table or figure"
    for t in tables:
        rows = list(csv.reader(t.open()))
        assert len(rows) >= 2 and (t.with_suffix(".md")).exists()
    # a second run reuses every record (and cached AutoAttack result): none is rewritten
    def cached(): return {p.relative_to(tmp_path): p.stat().st_mtime_ns for p in tmp_path.rglob("*.json")
                          if p.parent.name in ("records", "autoattack")}
    before = cached()
    if name not in ("theory_gaussian", "cost"):
        assert any(p.parent.name == "records" for p in before), f"{name} kept no records"
    run_experiment(name, "tiny", results=tmp_path)
    assert cached() == before

def test_every_experiment_is_in_every_shipped_profile():
    from advanti.experiments import profile_names
    for profile in profile_names(): assert set(load_profile(profile)["experiments"]) == set(EXPERIMENTS), profile

def test_cli_runs_experiments_in_parallel(tmp_path, capsys):
    from advanti.cli import main
    assert main(["reproduce", "--profile", "tiny", "--only", "theory_gaussian", "cost",
                 "--results", str(tmp_path), "--jobs", "2"]) == 0
    printed = capsys.readouterr().out
    for name in ("theory_gaussian", "cost"):
        assert f"{name} -> " in printed and (tmp_path / name / "tiny" / EXPERIMENTS[name]["notebook"]).exists()
