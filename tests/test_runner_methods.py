"Every registered method trains through `advanti.runner.run_job` on digits: one tiny job each."
import inspect
import pytest
import torch
from advanti.methods import METHODS, available_methods, option_defaults
from advanti.runner import Job, run_job, weights_path, resume_path

# options a method cannot run without (they have no default)
REQUIRED = {"classwise_at": {"class_eps": [0.1, -0.1] * 5}}
# options that keep a job tiny: few validation samples, a couple of meta steps
FAST = {
    "caat": {"meta_steps": 2},
    "mwnet": {"interval": 2},
    **{name: {"val_samples": 16} for name in ("frl_reweight", "frl_remargin", "frl_reweight_remargin", "baseline_reweight")},
}
# one epoch of 4 batches; two-step attacks (the evaluation attack runs on the full test split twice)
ATTACK = dict(train_eps=0.2, train_step_size=0.1, train_steps=2, eval_eps=0.2, eval_step_size=0.1, eval_steps=2)
CONFIG = dict(epochs=1, batch_size=256, eval_samples=16, progress=False, threads=1, attack=ATTACK)


def required_options(name: str) -> set[str]:
    "The options of method `name` that have no default."
    params = [p for p in inspect.signature(METHODS[name].__init__).parameters if p != "self"]
    return set(params) - set(option_defaults(name))


def test_every_required_option_is_given():
    missing = {name: required_options(name) - set(REQUIRED.get(name, {})) for name in available_methods()}
    assert not any(missing.values()), f"methods with required options the test does not give: {missing}"


@pytest.mark.parametrize("name", available_methods())
def test_method_runs_through_the_runner(name, tmp_path):
    threads = torch.get_num_threads()
    options = {**FAST.get(name, {}), **REQUIRED.get(name, {})}
    job = Job(name, method_options=options, model_options=dict(width=8), config=CONFIG)
    try: record = run_job(job, tmp_path)
    finally: torch.set_num_threads(threads)
    assert record["method"] == name and [h["epoch"] for h in record["history"] if "val" in h] == [1]
    for option, value in REQUIRED.get(name, {}).items():
        assert record["job"]["method_options"][option] == value and record["options"][option] == value
    assert record["job"]["key"] == job.key()
    assert weights_path(job, tmp_path).exists() and not resume_path(job, tmp_path).exists()
