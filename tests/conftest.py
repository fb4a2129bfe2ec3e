"Shared fixtures: the repository root and a fabricated CIFAR archive in torchvision's own format."
import pickle
from pathlib import Path
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]

def pytest_configure(config):
    config.addinivalue_line("markers", "numerics: numerical fixtures, run under every setting of `make test-numerics`")

@pytest.fixture(scope="session")
def repo_root() -> Path: return ROOT

def _write(path: Path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as f: pickle.dump(obj, f)

def fabricate_cifar(root: Path, name: str, per_batch: int = 60, seed: int = 0, test: int | None = None) -> Path:
    "Write a tiny CIFAR-10/100 archive (real format, random pixels, balanced labels) under `root`; `test` test images."
    rng = np.random.default_rng(seed)
    C = 10 if name == "cifar10" else 100
    def batch(n, offset):
        data = rng.integers(0, 256, (n, 3 * 32 * 32), dtype=np.uint8)
        labels = [int((i + offset) % C) for i in range(n)]
        return data, labels
    if name == "cifar10":
        folder = root / "cifar-10-batches-py"
        for i in range(1, 6):
            data, labels = batch(per_batch, i)
            _write(folder / f"data_batch_{i}", {"data": data, "labels": labels})
        data, labels = batch(test or per_batch, 0)
        _write(folder / "test_batch", {"data": data, "labels": labels})
        _write(folder / "batches.meta", {"label_names": [f"class{c}" for c in range(10)]})
    else:
        folder = root / "cifar-100-python"
        for split, n in (("train", 5 * per_batch * 10), ("test", test or per_batch * 10)):
            data, labels = batch(n, 0)
            _write(folder / split, {"data": data, "fine_labels": labels, "coarse_labels": [l // 5 for l in labels]})
        _write(folder / "meta", {"fine_label_names": [f"class{c}" for c in range(100)]})
    return folder

@pytest.fixture
def cifar_root(tmp_path):
    fabricate_cifar(tmp_path, "cifar10")
    fabricate_cifar(tmp_path, "cifar100", per_batch=20)
    return tmp_path
