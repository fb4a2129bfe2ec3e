"The exact meta-gradient of one CAAT meta step, against the fixture stored from the code before the speed work."
import pytest, torch
from caat_meta_case import CASES, FIXTURE, caat_meta_grad

@pytest.fixture
def one_thread():
    threads = torch.get_num_threads(); torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)

@pytest.mark.parametrize("case", list(CASES))
def test_caat_meta_grad_matches_fixture(case, one_thread):
    stored = torch.load(FIXTURE, weights_only=True)[case]
    now = caat_meta_grad(CASES[case])
    assert stored["grad"].norm() > 0
    assert float((now["grad"] - stored["grad"]).norm() / stored["grad"].norm()) < 1e-6
    for k in ("train_loss", "meta_loss"): assert abs(float(now[k] - stored[k])) <= 1e-6 * abs(float(stored[k]))
