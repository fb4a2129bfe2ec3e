"""A pickle payload inside a file advanti reads never runs: resume files, weight files and CIFAR archives.

The payload is an object whose `__reduce__` makes unpickling call `open(marker, "w")`, which creates the marker file.
Each test first shows that the payload is live (plain `pickle.loads` creates a marker), then that advanti's loader
refuses the file with an error naming it, and that the marker was never created.
"""
import hashlib, pickle
from pathlib import Path
import pytest, torch

from advanti import data, methods
from advanti.checks import load_tensors
from advanti.train import TrainConfig, train
from conftest import fabricate_cifar

class Payload:
    "Unpickling this calls open(marker, 'w'): foreign code that leaves a trace."
    def __init__(self, marker: Path): self.marker = str(marker)
    def __reduce__(self): return (open, (self.marker, "w"))

def test_the_payload_is_live(tmp_path):
    pickle.loads(pickle.dumps(Payload(tmp_path / "live")))
    assert (tmp_path / "live").exists()

def _toy():
    torch.manual_seed(0)
    x, y = torch.rand(600, 1, 8, 8), torch.arange(600) % 6
    attack = dict(train_eps=0.1, train_step_size=0.02, train_steps=2, eval_eps=0.1, eval_step_size=0.02, eval_steps=2)
    config = TrainConfig(epochs=1, batch_size=64, progress=False, attack=attack)
    return methods.toy_classifier(6), data.make_bundle("toy", x, y, 6, meta_per_class=2), config

def test_resume_file_payload_does_not_run(tmp_path):
    model, bundle, config = _toy()
    marker, resume = tmp_path / "marker", tmp_path / "resume.pt"
    torch.save(dict(config=config.to_dict(), epoch=1, model=Payload(marker)), resume)  # a tampered resume file
    with pytest.raises(pickle.UnpicklingError, match=r"resume\.pt is not a plain tensor file .*refused without running"):
        train(model, bundle, "erm", config, resume_file=resume)
    assert not marker.exists()

@pytest.mark.parametrize("loader", ["load_tensors", "torch.load weights_only"])
def test_weight_file_payload_does_not_run(tmp_path, loader):
    marker, weights = tmp_path / "marker", tmp_path / "weights.pt"
    state = methods.toy_classifier(6).state_dict()
    torch.save(dict(state, extra=Payload(marker)), weights)
    if loader == "load_tensors":  # advanti's loader: the file is named
        with pytest.raises(pickle.UnpicklingError, match=r"weights\.pt is not a plain tensor file"): load_tensors(weights)
    else:  # the runner's way of loading final weights
        with pytest.raises(pickle.UnpicklingError):
            torch.load(weights, map_location="cpu", weights_only=True)
    assert not marker.exists()
    torch.save(state, weights)  # a clean file of the same kind still loads
    methods.toy_classifier(6).load_state_dict(load_tensors(weights))

def _tamper(folder: Path, name: str, marker: Path, key: str):
    "Replace `key` of the pickled dict `folder/name` by the payload."
    entry = pickle.loads((folder / name).read_bytes())
    entry[key] = Payload(marker)
    (folder / name).write_bytes(pickle.dumps(entry))

@pytest.mark.parametrize("name, key", [("data_batch_3", "data"), ("test_batch", "labels"),
                                       ("batches.meta", "label_names")])
def test_cifar_payload_does_not_run_unchecked(tmp_path, name, key):
    folder, marker = fabricate_cifar(tmp_path, "cifar10"), tmp_path / "marker"
    _tamper(folder, name, marker, key)
    with pytest.raises(pickle.UnpicklingError, match=rf"{name} is not a plain-data pickle .*refused without running"):
        data.load_cifar_arrays("cifar10", tmp_path, check=False)
    assert not marker.exists()

def _trust_fabricated_checksums(monkeypatch, folder: Path, name: str):
    "Make torchvision's checksum list match the fabricated files, so that check=True passes and the files are read."
    tvd = pytest.importorskip("torchvision.datasets")
    spec = getattr(tvd, data.CIFAR[name][0])
    md5 = lambda f: hashlib.md5((folder / f).read_bytes()).hexdigest()
    monkeypatch.setattr(spec, "train_list", [[f, md5(f)] for f, _ in spec.train_list])
    monkeypatch.setattr(spec, "test_list", [[f, md5(f)] for f, _ in spec.test_list])
    monkeypatch.setattr(spec, "meta", dict(spec.meta, md5=md5(spec.meta["filename"])))

@pytest.mark.parametrize("name, batch, key", [("cifar10", "data_batch_1", "data"), ("cifar100", "meta", "fine_label_names")])
def test_cifar_payload_does_not_run_checked(tmp_path, monkeypatch, name, batch, key):
    folder, marker = fabricate_cifar(tmp_path, name, per_batch=20), tmp_path / "marker"
    _trust_fabricated_checksums(monkeypatch, folder, name)
    data.load_cifar_arrays(name, tmp_path, check=True)  # the untampered archive passes the checksums and loads
    _tamper(folder, batch, marker, key)
    _trust_fabricated_checksums(monkeypatch, folder, name)  # the tampered file's checksum is the trusted one
    with pytest.raises(pickle.UnpicklingError, match=rf"{batch} is not a plain-data pickle"):
        data.load_cifar_arrays(name, tmp_path, check=True)
    assert not marker.exists()

def test_cifar_payload_with_real_checksums_fails_the_check_first(tmp_path):
    folder, marker = fabricate_cifar(tmp_path, "cifar10"), tmp_path / "marker"
    _tamper(folder, "data_batch_1", marker, "data")
    with pytest.raises(FileNotFoundError, match="cifar-10-batches-py"):
        data.load_cifar_arrays("cifar10", tmp_path, check=True)
    assert not marker.exists()
