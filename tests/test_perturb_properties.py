"Property tests of the signed perturbation primitive (hypothesis)."
import torch, torch.nn as nn
from hypothesis import given, settings, strategies as st
from advanti.perturb import perturb, objective_values

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

# ---- random shapes, dtypes, modes: every invariant of the foundation ----------------------------------------------
shapes = st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 4), st.integers(1, 4))  # (B, C, H, W)
objectives = st.sampled_from(["ce", "trades_kl", ("ce", "trades_kl"), ("trades_kl", "ce")])

def _model(shape, dtype, seed):
    "A small classifier for `shape` inputs with BatchNorm and Dropout, whose train/eval modes matter."
    torch.manual_seed(seed)
    C, H, W = shape[1:]
    return nn.Sequential(nn.Flatten(), nn.Linear(C * H * W, 8), nn.BatchNorm1d(8), nn.Tanh(), nn.Dropout(0.1),
                         nn.Linear(8, 3)).to(dtype)

@settings(max_examples=60, deadline=None)
@given(shape=shapes, data=st.data(), norm=st.sampled_from(["linf", "l2"]), steps=st.integers(1, 4),
       start=st.sampled_from(["uniform", "normal", None]), objective=objectives,
       dtype=st.sampled_from([torch.float32, torch.float64]), training=st.booleans(), eval_mode=st.booleans(),
       fixed_step=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_random_shapes_keep_every_invariant(shape, data, norm, steps, start, objective, dtype, training, eval_mode,
                                            fixed_step, seed):
    B = shape[0]
    eps = torch.tensor(data.draw(st.lists(st.floats(-0.5, 0.5, allow_nan=False, width=32), min_size=B, max_size=B)))
    model = _model(shape, dtype, seed).train(training)
    if B == 1 and (training and not eval_mode): model[2].eval()  # BatchNorm cannot train on one sample
    modes = [m.training for m in model.modules()]
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(shape, generator=g, dtype=dtype); y = torch.randint(0, 3, (B,), generator=g)
    x_before = x.clone()
    step = 0.05 if fixed_step else None
    out = perturb(model, x, y, eps, norm=norm, steps=steps, step_size=step, random_start=start, objective=objective,
                  eval_mode=eval_mode, generator=g)
    assert out.shape == x.shape and out.dtype == x.dtype and out.device == x.device and not out.requires_grad
    assert torch.equal(x, x_before)  # the input is not changed in place
    delta = (out - x).flatten(1).double()
    size = delta.abs().amax(1) if norm == "linf" else delta.norm(dim=1)
    assert (size <= eps.abs().double() + 1e-5).all()  # inside each sample's ball
    assert out.min() >= 0 and out.max() <= 1  # inside the [0, 1] box
    assert torch.equal(out[eps == 0], x[eps == 0])  # a zero bound is the identity
    assert [m.training for m in model.modules()] == modes  # every submodule's mode as it was
    assert all(p.grad is None for p in model.parameters())  # no gradient left on the parameters

@settings(max_examples=60, deadline=None)
@given(shape=shapes, data=st.data(), norm=st.sampled_from(["linf", "l2"]), objective=objectives,
       seed=st.integers(0, 2 ** 16))
def test_first_step_follows_the_sign_of_each_bound(shape, data, norm, objective, seed):
    "One step from the clean input moves along sign(eps_i) times the gradient of sample i's objective."
    B = shape[0]
    eps = torch.tensor(data.draw(st.lists(st.floats(-0.5, 0.5, allow_nan=False, width=32), min_size=B, max_size=B)))
    model = _model(shape, torch.float64, seed).eval()
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(shape, generator=g, dtype=torch.float64); y = torch.randint(0, 3, (B,), generator=g)
    out = perturb(model, x, y, eps, norm=norm, steps=1, random_start=None, objective=objective)
    adv, anti = (objective, objective) if isinstance(objective, str) else objective
    x_req = x.clone().requires_grad_(True)
    logits = model(x_req)
    clean = nn.functional.softmax(model(x), 1).detach()
    value = lambda name: objective_values(name, logits, y, clean)
    J = torch.where(eps > 0, value(adv), value(anti))
    grad, = torch.autograd.grad(J.sum(), x_req)
    along = (grad * (out - x)).flatten(1).sum(1)
    assert (torch.sign(eps) * along >= -1e-9).all()
