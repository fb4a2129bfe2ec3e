"""The fixed CAAT meta step behind tests/fixtures/caat_meta_grad.pt: one `CAAT.meta_update` on digits, its exact
meta-gradient read off a zero-lr meta optimiser, in float32 (as training runs) and in float64 (the same start, the
step computed in double precision).

Numbers differ between processors: another vendor's kernels, another instruction set, oneDNN or MKL's own choices
change the last bits of float32 sums, and the soft assignment at T = 0.001 multiplies such differences by about a
thousand. So each fixture value has a tolerance of ten times the spread measured under settings that stand in for
other machines (`SETTINGS`, stored in tests/fixtures/caat_meta_grad_spread.json):

    python tests/caat_meta_case.py            # rewrites the fixture (on the machine of the committed records)
    python tests/caat_meta_case.py --spread   # measures the spread under SETTINGS, rewrites the spread file
"""
import json, os, subprocess, sys
from pathlib import Path
import torch
from advanti.data import load_digits_bundle
from advanti.methods import make_method
from advanti.models import SmallCNN
from advanti.perturb import attack_settings
from advanti.train import TrainConfig, Run

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "caat_meta_grad.pt"
SPREAD = HERE / "fixtures" / "caat_meta_grad_spread.json"
CASES = {"soft": {}, "hard": {"mode": "hard"}}  # CAAT's defaults (soft, T=1e-3, both directions in the meta loss)
DTYPES = {"float32": torch.float32, "float64": torch.float64}
PINNED = {"ATEN_CPU_CAPABILITY": "avx2", "ONEDNN_MAX_CPU_ISA": "AVX2", "MKL_CBWR": "AVX2"}
SETTINGS = {  # environment of each stand-in for another machine (the Makefile pins the first)
    "pinned": PINNED,
    "aten-default": {**PINNED, "ATEN_CPU_CAPABILITY": "default"},
    "onednn-off": {**PINNED, "ADVANTI_ONEDNN": "0"},
    "mkl-compatible": {**PINNED, "MKL_CBWR": "COMPATIBLE"},
}

def apply_onednn_setting():
    "Turn oneDNN off in this process when ADVANTI_ONEDNN=0 (the `onednn-off` setting)."
    if os.environ.get("ADVANTI_ONEDNN") == "0": torch.backends.mkldnn.enabled = False

def _to_double(model, method, opt, bundle):
    "Everything the meta step touches, in float64 (the model and meta network keep their float32 start)."
    model.double(); method.meta_net.double()
    for split in (bundle.train, bundle.val, bundle.meta, bundle.test): split.x = split.x.double()
    for state in opt.state.values():
        for k, v in state.items():
            if torch.is_tensor(v) and v.is_floating_point(): state[k] = v.double()

def caat_meta_grad(options: dict, dtype: torch.dtype=torch.float32) -> dict:
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
    default = torch.get_default_dtype()
    if dtype == torch.float64: _to_double(model, method, opt, bundle); torch.set_default_dtype(torch.float64)
    try:
        method.meta_optimizer = torch.optim.SGD(method.meta_net.parameters(), lr=0.0)  # keeps the gradient, moves nothing
        x, y = bundle.train.x[64:128], bundle.train.y[64:128]
        f = method.batch_features(run, x, y)
        torch.manual_seed(123)
        method.meta_update(run, x, y, f, method.bounds(run, y, f))
    finally: torch.set_default_dtype(default)
    info = method.stats.steps[-1]
    grad = torch.cat([p.grad.flatten() for p in method.meta_net.parameters()])
    return dict(grad=grad, train_loss=torch.tensor(info["train_loss"], dtype=torch.float64),
                meta_loss=torch.tensor(info["meta_loss"], dtype=torch.float64))

def all_cases() -> dict:
    "{'soft-float32': result, ...}: every case in every dtype."
    return {f"{case}-{d}": caat_meta_grad(options, dtype) for case, options in CASES.items() for d, dtype in DTYPES.items()}

def distances(now: dict, stored: dict) -> dict:
    "Relative distance of the gradient and of each loss from the stored ones."
    rel = lambda a, b: float((a - b).norm() / b.norm()) if b.norm() > 0 else float((a - b).norm())
    return dict(grad=rel(now["grad"].double(), stored["grad"].double()),
                **{k: rel(now[k], stored[k]) for k in ("train_loss", "meta_loss")})

def _measure_here() -> dict:
    "{case: distances from the fixture} in this process (run under one of SETTINGS)."
    stored = torch.load(FIXTURE, weights_only=True)
    return {name: distances(now, stored[name]) for name, now in all_cases().items()}

def measure_spread() -> dict:
    "Run the cases under every setting in a fresh process; the distances from the fixture per setting."
    out = {}
    for name, env in SETTINGS.items():
        done = subprocess.run([sys.executable, __file__, "--measure-here"], capture_output=True, text=True, check=True,
                              env={**os.environ, **env, "OMP_NUM_THREADS": "1"})
        out[name] = json.loads(done.stdout.strip().splitlines()[-1])
    return out

if __name__ == "__main__":
    torch.set_num_threads(1); apply_onednn_setting()
    if "--measure-here" in sys.argv: print(json.dumps(_measure_here()))
    elif "--spread" in sys.argv:
        SPREAD.write_text(json.dumps(measure_spread(), indent=1) + "\n"); print(SPREAD.read_text())
    else:
        out = all_cases()
        for name, v in out.items(): print(name, float(v["grad"].norm()), float(v["train_loss"]), float(v["meta_loss"]))
        torch.save(out, FIXTURE)
