"""The paper profiles as dry runs on fabricated CIFAR-10 and CIFAR-100 archives in the official format: every job trains
two batches (the hot-start parent trained first and used), every notebook runs, AutoAttack runs on 2 samples.

To keep this a CPU test of minutes, the test's profile replaces PreAct-ResNet-18 (the standard table's model) with
ResNet-32, takes 10 clean meta images per class on CIFAR-10 (the profile's 300 would need a large archive) and turns
off the checksum check (the archives are fabricated); everything else is the shipped profile's."""
import json, os, subprocess, sys
from pathlib import Path
import pytest
from conftest import fabricate_cifar
from advanti.experiments import load_profile

CASES = {  # profile: (dataset, images per class in the training archive, test images, data options)
    "paper": ("cifar10", 120, 40, {"check": False, "meta_per_class": 10}),  # IF 100 keeps one of the 108 left
    "paper-cifar100": ("cifar100", 80, 100, {"check": False, "meta_per_class": 30}),  # 30 meta, 2% validation
}

@pytest.mark.parametrize("profile", sorted(CASES))
def test_paper_profile_dry_run(profile, tmp_path):
    name, per_class, test, data_options = CASES[profile]
    data = tmp_path / "data"
    per_batch = per_class * 10 // 5 if name == "cifar10" else 2 * per_class  # CIFAR-10: 5 batches; CIFAR-100: 50 x per_batch
    fabricate_cifar(data, name, per_batch=per_batch, test=test)
    spec = tmp_path / f"{profile}-fabricated.yaml"
    experiments = {n: {"model": "resnet32"} if n == "standard" else {} for n in load_profile(profile)["experiments"]}
    spec.write_text(json.dumps({"description": "test", "extends": profile, "defaults": {"data_options": data_options},
                                "experiments": experiments}))  # JSON is YAML
    env = dict(os.environ, ADVANTI_DATA=str(data))
    args = ["reproduce", "--profile", str(spec), "--dry-run", "--results", str(tmp_path / "results"), "--jobs", "2"]
    code = f"import sys; from advanti.cli import main; sys.exit(main({args!r}))"  # in a process of its own: ADVANTI_DATA
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    folder = f"{spec.stem}-dry-run"
    records = [json.loads(p.read_text()) for p in (tmp_path / "results" / "jobs" / folder).glob("*/records/*.json")]
    assert len(records) >= (15 if name == "cifar100" else 60)
    for r in records:
        assert r["data"]["name"] == name and r["config"]["max_batches"] == 2
        assert r["config"]["epochs"] <= 2  # one epoch; the rows from scratch as many as the hot start and the fine-tuning
        assert len(r["history"]) - (r["history"][0]["epoch"] == 0) == r["config"]["epochs"]
        assert sum(r["metrics"]["best"]["test"]["counts"]) <= 2 * r["config"]["batch_size"]
    children = [r for r in records if r["job"]["init"] is not None]
    assert children and all(r["job"]["init"]["method"] == "pgd_at" for r in children)
    parents = {r["job"]["key"] for r in records if r["label"] == "PGD-AT (hot start)"}
    assert parents and all(_parent_key(r["job"]["init"]) in parents for r in children)  # trained, then used
    attacked = [json.loads(p.read_text()) for p in (tmp_path / "results" / "jobs" / folder).glob("*/autoattack/*.json")]
    assert attacked and all(sum(a["counts"]) == 2 for a in attacked)
    for experiment in experiments:
        assert list((tmp_path / "results" / experiment / folder).glob("*.ipynb")), f"{experiment} did not run"

def _parent_key(init: dict) -> str:
    "The key of a hot-start parent from its definition in a child's record."
    from advanti.runner import Job
    return Job(**init).key()
