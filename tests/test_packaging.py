"Packaging: pins agree, the core package needs only torch, numpy and fastcore, the CLI works."
import re, subprocess, sys
from configparser import ConfigParser
from pathlib import Path

def pins(text: str) -> dict:
    return {m[1].lower(): m[2] for m in re.finditer(r"^\s*(?:-\s*)?([A-Za-z0-9_.\-]+)==([^\s#]+)", text, re.M)}

def test_environment_yml_mirrors_constraints(repo_root):
    constraints = pins((repo_root / "constraints.txt").read_text())
    environment = pins((repo_root / "environment.yml").read_text())
    assert environment, "environment.yml pins nothing"
    for name, version in environment.items():
        assert constraints.get(name) == version, f"{name}: environment.yml {version} vs constraints.txt {constraints.get(name)}"

def test_every_direct_requirement_is_pinned(repo_root):
    cfg = ConfigParser(delimiters=["="]); cfg.read(repo_root / "settings.ini")
    keys = ["requirements", "experiments_requirements", "eval_requirements", "notebooks_requirements", "dev_requirements"]
    names = {re.split(r"[<>=!~ ]", r)[0].lower() for k in keys for r in cfg["DEFAULT"][k].split()}
    environment = pins((repo_root / "environment.yml").read_text())
    assert names - set(environment) == set(), f"not pinned in environment.yml: {names - set(environment)}"

def test_core_modules_need_only_torch_numpy_and_fastcore():
    blocked = ["pandas", "sklearn", "seaborn", "scipy", "torchvision", "papermill", "tqdm", "matplotlib"]
    code = f"""
import sys, importlib.abc
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in {blocked!r}: raise ImportError('blocked ' + name)
sys.meta_path.insert(0, Block())
import advanti.perturb, advanti.models, advanti.metrics, advanti.methods, advanti.train, advanti.caat, advanti.mwnet
print('ok')
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr

def test_cli_lists_experiments_and_rejects_bad_profile():
    advanti = Path(sys.executable).parent / "advanti"  # the console script of the installed package
    out = subprocess.run([str(advanti), "list"], capture_output=True, text=True)
    assert "noisy_labels" in out.stdout
    bad = subprocess.run([sys.executable, "-c", "from advanti.cli import main; main(['reproduce', '--profile', 'imagenet'])"],
                         capture_output=True, text=True)
    assert bad.returncode != 0 and "imagenet" in bad.stderr
