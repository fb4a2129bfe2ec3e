"""The fixed CAAT meta step behind tests/fixtures/caat_meta_grad.pt: one `CAAT.meta_update` on digits, its exact
meta-gradient read off a zero-lr meta optimiser. `python tests/caat_meta_case.py` rewrites the fixture."""
from pathlib import Path
import torch
from advanti.data import load_digits_bundle
from advanti.methods import make_method
from advanti.models import SmallCNN
from advanti.perturb import attack_settings
from advanti.train import TrainConfig, Run

FIXTURE = Path(__file__).parent / "fixtures" / "caat_meta_grad.pt"
CASES = {"soft": {}, "hard": {"mode": "hard"}}  # CAAT's defaults (soft, T=1e-3, both directions in the meta loss)

def caat_meta_grad(options: dict) -> dict:
    "The meta-gradient (one flat tensor), training and meta loss of one CAAT meta step on a fixed digits batch."
    bundle = load_digits_bundle(seed=0, noise="pair", noise_rate=0.2)
    torch.manual_seed(0)
    model = SmallCNN(1, bundle.num_classes, bundle.mean, bundle.std, width=8).train()  # has BatchNorm
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    x, y = bundle.train.x[:64], bundle.train.y[:64]
    torch.nn.functional.cross_entropy(model(x), y).backward(); opt.step(); opt.zero_grad()  # fills the momentum buffer
    config = TrainConfig(epochs=1, batch_size=64, progress=False)
    method = make_method("caat", interval=1, **options)
    run = Run(model, opt, None, bundle, config, attack_settings("digits"), torch.device("cpu"), method)
    method.prepare(run)
    method.meta_optimizer = torch.optim.SGD(method.meta_net.parameters(), lr=0.0)  # keeps the gradient, moves nothing
    x, y = bundle.train.x[64:128], bundle.train.y[64:128]
    f = method.batch_features(run, x, y)
    torch.manual_seed(123)
    method.meta_update(run, x, y, f, method.bounds(run, y, f))
    info = method.stats.steps[-1]
    grad = torch.cat([p.grad.flatten() for p in method.meta_net.parameters()])
    return dict(grad=grad, train_loss=torch.tensor(info["train_loss"]), meta_loss=torch.tensor(info["meta_loss"]))

if __name__ == "__main__":
    torch.set_num_threads(1)
    out = {name: caat_meta_grad(options) for name, options in CASES.items()}
    for name, v in out.items(): print(name, float(v["grad"].norm()), float(v["train_loss"]), float(v["meta_loss"]))
    torch.save(out, FIXTURE)
