"The command line as the README describes it: status, run, report, evaluate, clean, --force, list, a light --help."
import json, subprocess, sys
from pathlib import Path
import pytest
from advanti.cli import main
from advanti.experiments import experiment_parameters, declared_jobs
from advanti.runner import Job, record_path, weights_path, read_record

PROFILE = str(Path(__file__).parent / "fixtures" / "tiny-standard.yaml")  # the standard notebook on three rows

def _tiny_baselines(results, *extra):
    return ["--profile", PROFILE, "--only", "standard", "--results", str(results), *extra]

def test_help_imports_no_torch():
    code = "import sys, advanti.cli; assert 'torch' not in sys.modules; advanti.cli.main(['--help'])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and "reproduce" in out.stdout, out.stderr

def test_reproduce_status_force_report_clean(tmp_path, capsys):
    assert main(["reproduce", *_tiny_baselines(tmp_path)]) == 0
    main(["status", *_tiny_baselines(tmp_path)])
    shown = capsys.readouterr().out
    out_dir, params = experiment_parameters("standard", PROFILE, tmp_path)
    jobs = declared_jobs("standard", params)
    folder = Path(jobs[0][1])  # the scenario's job folder, shared by the experiments
    assert f"{len(jobs)} done, 0 running, 0 failed, 0 missing; notebook ran" in shown
    # --force LABEL trains that job again, and only it
    erm = next(j for j, _ in jobs if j.label == "ERM")
    before = {j.label: record_path(j, f).stat().st_mtime_ns for j, f in jobs}
    assert main(["reproduce", *_tiny_baselines(tmp_path, "--force", "ERM")]) == 0
    after = {j.label: record_path(j, f).stat().st_mtime_ns for j, f in jobs}
    assert [l for l in before if before[l] != after[l]] == ["ERM"]
    # report: from records only (a missing record is an error, not a training run)
    (out_dir / "table_best.csv").unlink()
    assert main(["report", *_tiny_baselines(tmp_path)]) == 0 and (out_dir / "table_best.csv").exists()
    record_path(erm, folder).unlink()
    with pytest.raises(SystemExit, match="failed"): main(["report", *_tiny_baselines(tmp_path)])
    assert not record_path(erm, folder).exists()
    # clean: a record of an older code version is listed, and deleted only with --yes
    stale = folder / "records" / "ERM-seed0-0123456789.json"; stale.write_text("{}")
    main(["clean", "--results", str(tmp_path)])
    assert str(stale) in capsys.readouterr().out and stale.exists()
    main(["clean", "--results", str(tmp_path), "--yes"])
    assert not stale.exists() and all(record_path(j, f).exists() for j, f in jobs if j is not erm)  # ERM: unlinked above
    hot_starts = [Job(**j.init) for j, _ in jobs if j.init]
    assert hot_starts and all(record_path(j, folder).exists() for j in hot_starts), "clean deleted a hot start in use"
    # the random control (trained by caat_ablation, declared by no profile) stays while its hot start is in use
    caat = next(j for j, _ in jobs if j.init)
    kept, gone = folder / "records" / "Control_ random-seed0-aaaaaaaaaa.json", folder / "records" / "ERM-seed0-bbbbbbbbbb.json"
    kept.write_text(json.dumps(dict(job=dict(method="random_mix", init=caat.init, key="aaaaaaaaaa"))))
    gone.write_text(json.dumps(dict(job=dict(method="erm", init=caat.init, key="bbbbbbbbbb"))))
    main(["clean", "--results", str(tmp_path), "--yes"])
    assert kept.exists() and not gone.exists()

def test_run_writes_its_own_folder_and_evaluate_reads_weights(tmp_path, capsys):
    assert main(["run", "standard", "--profile", "tiny", "--results", str(tmp_path), "-p", "rows", "[ERM, PGD-AT]",
                 "-p", "caat_rows", "[]", "-p", "per_class_rows", "[PGD-AT]", "-p", "legacy_normalisation", "false",
                 "-p", "autoattack_version", "null"]) == 0
    folders = [p.name for p in (tmp_path / "standard").iterdir()]
    assert len(folders) == 1 and folders[0].startswith("custom-")
    weights = next((tmp_path / "jobs" / folders[0] / "standard" / "weights").glob("*.pt"))
    capsys.readouterr()
    assert main(["evaluate", str(weights), "--width", "8", "--samples", "40", "--autoattack", "custom"]) == 0
    table = capsys.readouterr().out
    assert "| PGD-20 |" in table and "| AutoAttack (APGD-CE + APGD-T) |" in table and "robust (worst)" in table

def test_profiles_list_shows_jobs(capsys):
    main(["list", "--profile", "tiny", "--results", "/nonexistent"])
    shown = capsys.readouterr().out
    assert "noisy_labels:" in shown and "jobs, seeds [0]" in shown

def _tree(folder: Path) -> dict:
    "{relative path: bytes} of every file under `folder`."
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

def test_verify_retrains_committed_records_bit_for_bit_and_writes_no_report(tmp_path, capsys):
    profile = tmp_path / "committed.yaml"  # the tiny standard table, committing its report under tmp_path/reports
    profile.write_text(f"extends: {PROFILE}\nexperiments:\n  standard: {{report_dir: {tmp_path / 'reports' / 'standard'}}}\n")
    assert main(["reproduce", "--profile", str(profile), "--only", "standard", "--results", str(tmp_path / "results")]) == 0
    committed = _tree(tmp_path / "reports")
    # as a user runs it: a fresh process, which pins its kernels before torch loads (the grid's workers did the same)
    verify = [sys.executable, "-c", "import sys; from advanti.cli import main; sys.exit(main(sys.argv[1:]))", "verify",
              "--profile", str(profile), "--sample", "2", "--results", str(tmp_path / "again")]
    done = subprocess.run(verify, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    shown = done.stdout
    assert "2 of 2 records identical; largest move 0 points." in shown, shown  # the same machine: bit for bit
    assert "standard: " in shown and " 0 changed." in shown
    assert _tree(tmp_path / "reports") == committed, "verify wrote into the committed reports"
    assert list((tmp_path / "again" / "verify" / "committed").glob("*/records/*.json")), "no retrained record"
    with pytest.raises(SystemExit): main(["verify", "--profile", "tiny", "--results", str(tmp_path / "again")])
    assert "--profile 'tiny' is not valid for verify: it commits no report folder" in capsys.readouterr().err
