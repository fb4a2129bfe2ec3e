"""The exact meta-gradient of one CAAT meta step against its stored fixture, on any x86-64 machine: each value within
ten times the spread measured under settings that stand in for other machines (see tests/caat_meta_case.py). In
float64 that is tight (about 1e-4 relative for the soft assignment's gradient, 1e-6 for the hard one); in float32 it
is loose for the gradient (the soft assignment at T = 0.001 amplifies the last bits of float32 sums), so float32 is
also checked bit for bit against a second run on the same machine. `make test` runs these tests under every setting."""
import json
import pytest, torch
from caat_meta_case import CASES, DTYPES, FIXTURE, SPREAD, apply_onednn_setting, caat_meta_grad, distances

pytestmark = pytest.mark.numerics
NAMES = [f"{case}-{d}" for case in CASES for d in DTYPES]
FLOOR = 1e-12  # a tolerance is never below this, even where every setting gave the fixture exactly

@pytest.fixture
def one_thread():
    threads = torch.get_num_threads(); torch.set_num_threads(1); apply_onednn_setting()
    yield
    torch.set_num_threads(threads); torch.backends.mkldnn.enabled = True

def tolerance(name: str, value: str) -> float:
    "Ten times the largest distance from the fixture measured under any setting, for `value` of case `name`."
    spread = json.loads(SPREAD.read_text())
    return max(FLOOR, 10 * max(setting[name][value] for setting in spread.values()))

def _result(name: str) -> dict:
    case, dtype = name.split("-")
    return caat_meta_grad(CASES[case], DTYPES[dtype])

@pytest.mark.parametrize("name", NAMES)
def test_caat_meta_grad_matches_fixture_within_the_measured_spread(name, one_thread):
    stored = torch.load(FIXTURE, weights_only=True)[name]
    assert stored["grad"].norm() > 0
    now = _result(name)
    assert now["grad"].dtype == DTYPES[name.split("-")[1]]
    for value, distance in distances(now, stored).items():
        assert distance <= tolerance(name, value), f"{name}: {value} moved {distance:.3g} from the fixture " \
                                                   f"(tolerance {tolerance(name, value):.3g})"

def test_the_tolerances_mean_something():
    "float64 pins the meta-gradient far tighter than float32 does, and the losses to a few parts in a million."
    for case in CASES:
        assert tolerance(f"{case}-float64", "grad") < 1e-3 and tolerance(f"{case}-float64", "grad") < tolerance(f"{case}-float32", "grad") / 100
        for value in ("train_loss", "meta_loss"): assert tolerance(f"{case}-float32", value) < 1e-2

@pytest.mark.parametrize("case", list(CASES))
def test_caat_meta_grad_is_bit_for_bit_on_one_machine(case, one_thread):
    first, second = caat_meta_grad(CASES[case]), caat_meta_grad(CASES[case])
    for k in ("grad", "train_loss", "meta_loss"): assert torch.equal(first[k], second[k]), f"{case}: {k} differs between two runs"
