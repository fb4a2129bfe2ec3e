"""Every experiment notebook runs through the grid and papermill with the tiny profile and writes its tables and
figures; `advanti report` rebuilds every one of them byte for byte from the records alone; a second run trains
nothing."""
import csv
import pytest
from advanti.cli import main
from advanti.experiments import EXPERIMENTS, load_profile, profile_names

OUTPUTS = (".csv", ".md", ".tex", ".png", ".pdf")

def _outputs(results):
    "Every table and figure the notebooks wrote, with its bytes."
    return {p.relative_to(results): p.read_bytes() for p in results.rglob("*")
            if p.suffix in OUTPUTS and "jobs" not in p.relative_to(results).parts}

def _cached(results):
    "Every record and AutoAttack result, with its modification time."
    return {p.relative_to(results): p.stat().st_mtime_ns for p in results.rglob("*.json")
            if p.parent.name in ("records", "autoattack")}

@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    results = tmp_path_factory.mktemp("tiny")
    assert main(["reproduce", "--profile", "tiny", "--results", str(results), "--jobs", "2"]) == 0
    return results

def test_every_experiment_writes_tables_and_figures(tiny):
    for name in load_profile("tiny")["experiments"]:
        out = tiny / name / "tiny"
        assert (out / EXPERIMENTS[name]["notebook"]).exists()
        tables, figures = sorted(out.glob("*.csv")), sorted(out.glob("*.png"))
        assert tables and figures, f"{name} wrote no table or figure"
        for t in tables:
            assert len(list(csv.reader(t.open()))) >= 2
            assert t.with_suffix(".md").exists() and t.with_suffix(".tex").exists()
        for f in figures: assert f.with_suffix(".pdf").exists()
    assert any(p.parent.name == "records" for p in _cached(tiny).keys())

def test_report_rebuilds_every_output_byte_for_byte(tiny):
    before, cached = _outputs(tiny), _cached(tiny)
    for path in before: (tiny / path).unlink()
    assert main(["report", "--profile", "tiny", "--results", str(tiny)]) == 0
    after = _outputs(tiny)
    assert sorted(after) == sorted(before)
    assert [str(p) for p in before if before[p] != after[p]] == []
    assert _cached(tiny) == cached  # nothing trained, nothing attacked again

def test_a_second_run_trains_nothing(tiny, capsys):
    cached = _cached(tiny)
    assert main(["reproduce", "--profile", "tiny", "--results", str(tiny), "--jobs", "2"]) == 0
    assert "0 trained" in capsys.readouterr().out and _cached(tiny) == cached

def test_every_experiment_is_in_every_full_scale_profile():
    for profile in ("tiny", "quick", "full", "paper"): assert set(load_profile(profile)["experiments"]) == set(EXPERIMENTS)
    assert set(load_profile("paper-cifar100")["experiments"]) == {"standard"}
    assert set(profile_names()) == {"tiny", "quick", "full", "paper", "paper-cifar100"}
