"Property tests of the signed perturbation primitive (hypothesis)."
import torch, torch.nn as nn
from hypothesis import given, settings, strategies as st
from advanti.perturb import perturb

torch.manual_seed(0)
MODEL = nn.Sequential(nn.Flatten(), nn.Linear(12, 16), nn.Tanh(), nn.Linear(16, 3)).eval()
bounds = st.lists(st.floats(-0.5, 0.5, allow_nan=False), min_size=1, max_size=6)

@settings(max_examples=40, deadline=None)
@given(eps=bounds, norm=st.sampled_from(["linf", "l2"]), steps=st.integers(1, 5),
       start=st.sampled_from(["uniform", "normal", None]), objective=st.sampled_from(["ce", "trades_kl", ("trades_kl", "ce")]))
def test_inside_ball_and_box_zero_is_identity(eps, norm, steps, start, objective):
    x = torch.rand(len(eps), 3, 2, 2); y = torch.randint(0, 3, (len(eps),)); e = torch.tensor(eps)
    out = perturb(MODEL, x, y, e, norm=norm, steps=steps, random_start=start, objective=objective)
    size = (out - x).flatten(1).abs().amax(1) if norm == "linf" else (out - x).flatten(1).norm(dim=1)
    assert (size <= e.abs() + 1e-5).all()
    assert out.min() >= 0 and out.max() <= 1
    assert torch.equal(out[e == 0], x[e == 0])

@settings(max_examples=20, deadline=None)
@given(eps=bounds)
def test_direction_follows_sign(eps):
    x = torch.rand(len(eps), 3, 2, 2) * 0.4 + 0.3; y = torch.randint(0, 3, (len(eps),)); e = torch.tensor(eps)
    ce = lambda inp: nn.functional.cross_entropy(MODEL(inp), y, reduction="none").detach()
    out = perturb(MODEL, x, y, e, random_start=None)
    assert (ce(out)[e > 0] >= ce(x)[e > 0] - 1e-6).all() and (ce(out)[e < 0] <= ce(x)[e < 0] + 1e-6).all()
