"CIFAR loading through torchvision, on archives fabricated in CIFAR's own format."
import pytest, torch
from advanti.data import load_cifar_arrays, load_cifar_bundle, load_bundle

def test_cifar10_arrays_shape_range_labels(cifar_root):
    x, y, xt, yt, classes = load_cifar_arrays("cifar10", cifar_root, check=False)
    assert x.shape == (300, 3, 32, 32) and xt.shape == (60, 3, 32, 32)
    assert x.dtype == torch.float32 and 0 <= x.min() and x.max() <= 1
    assert classes == [f"class{c}" for c in range(10)] and sorted(set(y.tolist())) == list(range(10))

def test_cifar_checksums_verified_by_default(cifar_root):
    with pytest.raises(FileNotFoundError, match="cifar-10-batches-py"):
        load_cifar_arrays("cifar10", cifar_root)  # fabricated files fail torchvision's md5 check

def test_missing_cifar_says_where_and_how(tmp_path):
    with pytest.raises(FileNotFoundError) as err:
        load_cifar_arrays("cifar100", tmp_path / "nowhere", check=False)
    assert "nowhere" in str(err.value) and "download=True" in str(err.value)

def test_cifar10_bundle_protocol(cifar_root):
    b = load_bundle("cifar10", root=cifar_root, check=False, meta_per_class=5, val_fraction=0.1,
                    noise="pair", noise_rate=0.2, seed=0)
    assert b.num_classes == 10 and len(b.test) == 60
    assert torch.equal(b.meta.class_counts(10), torch.full((10,), 5)) and b.meta.clean_y is None
    assert b.info["measured_noise_rate"] == pytest.approx(0.2, abs=0.02)
    assert torch.equal(b.train.corrupted, b.train.y != b.train.clean_y)
    assert len(b.train) + len(b.val) + len(b.meta) == 300
    assert b.mean == pytest.approx((0.4914, 0.4822, 0.4465))

def test_cifar100_bundle_long_tail(cifar_root):
    b = load_cifar_bundle("cifar100", root=cifar_root, check=False, meta_per_class=1, val_fraction=0.0, imbalance_factor=2)
    counts = b.train.class_counts(100)
    assert b.num_classes == 100 and counts[0] == 9 and counts[-1] == 4  # floor(9 * 2^(-c/99))
