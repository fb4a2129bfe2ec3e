"CAAT as its authors define it: with FRL off and every sample adversarial, the CAAT loss is TRADES(beta_T) exactly."
from pathlib import Path
import copy
import torch
from advanti.data import load_digits_bundle
from advanti.methods import make_method
from advanti.models import SmallCNN
from advanti.train import TrainConfig, train, Run
from advanti.perturb import attack_settings

def _model(bundle, seed=0):
    torch.manual_seed(seed)
    return SmallCNN(1, bundle.num_classes, bundle.mean, bundle.std, width=8).train()  # has BatchNorm

def _loss_and_grads(name, options, bundle, model):
    config = TrainConfig(epochs=1, batch_size=64, progress=False)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    run = Run(model, opt, None, bundle, config, attack_settings("digits"), torch.device("cpu"), make_method(name, **options))
    run.method.prepare(run)
    x, y = bundle.train.x[:64], bundle.train.y[:64]
    torch.manual_seed(123)
    model.train()
    loss = run.method.batch_loss(run, x, y, torch.arange(64))
    grads = torch.autograd.grad(loss, list(model.parameters()))
    return loss, grads, {k: v.clone() for k, v in model.state_dict().items()}

def test_all_adversarial_is_trades_loss_and_gradients():
    bundle = load_digits_bundle(seed=0)
    base = _model(bundle)
    la, ga, sa = _loss_and_grads("all_adversarial", {}, bundle, copy.deepcopy(base))
    lt, gt, st = _loss_and_grads("trades", {"beta": 1.5}, bundle, copy.deepcopy(base))
    assert abs(la.item() - lt.item()) < 1e-6
    for a, t in zip(ga, gt): assert (a - t).abs().max().item() < 1e-6
    for k in sa: assert torch.allclose(sa[k].double(), st[k].double(), atol=1e-6), k  # BatchNorm statistics too

def test_all_adversarial_trains_as_trades():
    bundle = load_digits_bundle(seed=0, noise="pair", noise_rate=0.2)
    config = TrainConfig(epochs=2, batch_size=64, lr=0.01, progress=False, eval_samples=64)
    histories = {}
    for name, options in (("all_adversarial", {}), ("trades", {"beta": 1.5})):
        record = train(_model(bundle), bundle, name, config, options)
        histories[name] = record["history"]
    a, t = histories["all_adversarial"], histories["trades"]
    assert [h["epoch"] for h in a] == [h["epoch"] for h in t] == [1, 2]
    for ha, ht in zip(a, t):  # the same run: only the summation order of the mean differs (sum / B against mean)
        assert abs(ha["train_loss"] - ht["train_loss"]) < 1e-6 * ht["train_loss"] and ha["lr"] == ht["lr"]
        assert ha["val"] == ht["val"]

def test_full_profile_caat_jobs_take_the_authors_meta_budget():
    import pandas as pd
    from advanti.experiments import experiment_parameters, declared_jobs
    from advanti.runner import planned_meta_steps
    plan = []
    for name in ("standard", "noisy_labels", "long_tail", "caat_ablation"):  # the jobs the full profile declares
        _, params = experiment_parameters(name, "full", "unused")
        plan += [dict(scenario=Path(folder).name, label=job.label, meta_steps=planned_meta_steps(job))
                 for job, folder in declared_jobs(name, params) if job.method == "caat"]
    plan = pd.DataFrame(plan)
    budget = plan[~plan["label"].str.contains("40 meta steps")]  # the ablation row that keeps the old budget on purpose
    assert len(budget) >= 12 and budget["scenario"].nunique() == 7  # the standard, noisy and long-tailed scenarios
    assert budget["meta_steps"].min() >= 200, budget.sort_values("meta_steps").head()
    old = plan[plan["label"].str.contains("40 meta steps")]
    assert len(old) and old["meta_steps"].max() <= 60
