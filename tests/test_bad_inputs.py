"""Every bad input we know of fails before work starts, with the exception type and the message the table says.

One row per case: (entry point, case id, call, expected exception, regex the message must match). The calls are
lambdas over the small helpers defined after the table (late binding), so the table reads first.
"""
import contextlib, math, pickle, re, sys, tempfile
from pathlib import Path
import pytest, torch, torch.nn as nn

from advanti import checks, data, figures, methods, perturb, readme, report, stats, train as training
from advanti.methods import make_method
from advanti.perturb import AttackSettings
from advanti.train import TrainConfig
from advanti.runner import Job

NAN, INF = float("nan"), float("inf")
ATTACK = dict(train_eps=0.1, train_step_size=0.02, train_steps=5, eval_eps=0.1, eval_step_size=0.02, eval_steps=10)
# a CUDA device this machine does not have: "cuda" itself where there is no GPU, an index past the last one otherwise
NO_SUCH_CUDA = "cuda" if not torch.cuda.is_available() else f"cuda:{torch.cuda.device_count()}"
EXTRA = r"pip install 'advanti\[experiments\]'"

class Refused(Exception):
    "The command line refused its arguments (exit status 2); the message is what it printed."

CASES = [
    # ---- methods: options checked when the method is built -------------------------------------------------------
    ("methods", "pgd_at_negative_eps", lambda: make_method("pgd_at", eps=-0.1),  # a magnitude: never negative
     ValueError, r"eps=-0\.1 is not valid: eps must be a finite number >= 0 or None"),
    ("methods", "trades_negative_eps", lambda: make_method("trades", eps=-8 / 255),  # same for TRADES
     ValueError, r"eps=-0\.03\d* is not valid: eps must be a finite number >= 0"),
    ("methods", "trades_nan_beta", lambda: make_method("trades", beta=NAN),  # finiteness
     ValueError, r"beta=nan is not valid: beta must be a finite number >= 0"),
    ("methods", "pgd_at_zero_steps", lambda: make_method("pgd_at", steps=0),  # range of a count
     ValueError, r"steps=0 is not valid: steps must be a positive int or None"),
    ("methods", "pgd_at_bool_steps", lambda: make_method("pgd_at", steps=True),  # a bool is not a count
     ValueError, r"steps=True is not valid"),
    ("methods", "pgd_at_negative_step", lambda: make_method("pgd_at", step_size=-0.01),  # step sizes are > 0
     ValueError, r"step_size=-0\.01 is not valid: step_size must be a finite number > 0"),
    ("methods", "unknown_method", lambda: make_method("madry"),  # the registry lists the valid names
     ValueError, r"unknown method 'madry'; valid: \[.*'pgd_at'"),
    ("methods", "unknown_option", lambda: make_method("trades", gamma=1),  # a typo in an option name
     ValueError, r"unknown option\(s\) \['gamma'\] for method 'trades'; valid: \[.*'beta'"),
    ("methods", "classwise_nan_bound", lambda: make_method("classwise_at", class_eps=[0.1, NAN]),  # signed, finite
     ValueError, r"class_eps=\[0\.1, nan\] is not valid: class_eps must be a non-empty list of finite numbers"),
    ("methods", "classwise_string_bounds", lambda: make_method("classwise_at", class_eps="ab"),  # not a list
     ValueError, r"class_eps='ab' is not valid"),
    ("methods", "classwise_scalar_bound", lambda: make_method("classwise_at", class_eps=5),  # one number, not a list
     ValueError, r"class_eps=5 is not valid"),
    ("methods", "frl_string_tau", lambda: make_method("frl_reweight", tau0="a"),  # was a bare TypeError
     ValueError, r"tau0='a' is not valid: tau0 must be a finite number"),
    ("methods", "frl_zero_rho", lambda: make_method("frl_reweight", rho1=0),  # a step must be > 0
     ValueError, r"rho1=0 is not valid: rho1 must be a finite number > 0"),
    ("methods", "caat_zero_temperature", lambda: make_method("caat", temperature=0.0),  # soft assignment's T > 0
     ValueError, r"temperature=0\.0 is not valid: temperature must be a finite number > 0"),
    ("methods", "caat_unknown_mode", lambda: make_method("caat", mode="x"),  # a choice lists the valid values
     ValueError, r"mode='x' is not valid: mode must be one of \('hard', 'soft'\)"),
    ("methods", "caat_string_meta_seed", lambda: make_method("caat", meta_seed="x"),  # was accepted silently
     ValueError, r"meta_seed='x' is not valid: meta_seed must be an int or None"),
    ("methods", "mwnet_float_meta_seed", lambda: make_method("mwnet", meta_seed=1.5),  # was accepted silently
     ValueError, r"meta_seed=1\.5 is not valid: meta_seed must be an int or None"),
    ("methods", "mwnet_int_features", lambda: make_method("mwnet", features=3),  # was "'int' object is not iterable"
     ValueError, r"features=3 is not valid: features must be 'all', or names of"),
    ("methods", "random_mix_share_above_one", lambda: make_method("random_mix", anti_share=2),  # a probability
     ValueError, r"anti_share must be a probability"),
    # ---- data: options, labels and class counts checked before any split is taken ---------------------------------
    ("data", "noise_rate_string", lambda: data.load_bundle("digits", noise="pair", noise_rate="abc"),  # not a bare TypeError
     ValueError, r"noise_rate='abc' is not valid: noise_rate must be a number in \[0, 1\)"),
    ("data", "noise_rate_one", lambda: data.load_bundle("digits", noise="pair", noise_rate=1.0),  # range
     ValueError, r"noise_rate=1\.0 is not valid"),
    ("data", "noise_rate_without_kind", lambda: data.load_bundle("digits", noise_rate=0.2),  # no kind to apply
     ValueError, r"noise_rate=0\.2 given without a noise kind"),
    ("data", "unknown_noise_kind", lambda: data.load_bundle("digits", noise="uniform", noise_rate=0.2),
     ValueError, r"noise='uniform' is not valid: noise must be one of \('symmetric', 'pair', 'flip1', 'flip2'\)"),
    ("data", "labels_out_of_range", lambda: data.make_bundle("toy", *pool(labels_offset=2), 6),  # was "Target 7 ..."
     ValueError, r"labels y must lie in \[0, 6\), got min 2 and max 7"),
    ("data", "negative_labels", lambda: data.make_bundle("toy", *pool(labels_offset=-1), 6),  # below 0
     ValueError, r"labels y must lie in \[0, 6\), got min -1"),
    ("data", "test_labels_out_of_range", lambda: data.make_bundle("toy", *pool(), 6, test=(pool()[0][:4], torch.tensor([0, 1, 2, 9]))),
     ValueError, r"test labels must lie in \[0, 6\)"),
    ("data", "labels_length_mismatch", lambda: data.make_bundle("toy", pool()[0], pool()[1][:-1], 6),  # x and y disagree
     ValueError, r"y has shape \(599,\), expected \(600,\)"),
    ("data", "imbalance_empties_classes", lambda: data.load_bundle("digits", imbalance_factor=1e9),  # 8 of 10 were empty
     ValueError, r"imbalance_factor=1000000000\.0 is not valid: it leaves classes \[.*9\] with no training sample; "
                 r"the largest imbalance factor that keeps one sample each is \d+"),
    ("data", "imbalance_below_one", lambda: data.load_bundle("digits", imbalance_factor=0.5),  # IF = max/min >= 1
     ValueError, r"imbalance_factor=0\.5 is not valid: imbalance_factor must be a finite number >= 1 or None"),
    ("data", "meta_per_class_too_large", lambda: data.load_bundle("digits", meta_per_class=1000),  # names the bound
     ValueError, r"meta_per_class=1000 is not valid: meta_per_class must be <= \d+ here \(the smallest class has \d+"),
    ("data", "meta_per_class_float", lambda: data.load_bundle("digits", meta_per_class=2.5),  # a count
     ValueError, r"meta_per_class=2\.5 is not valid: meta_per_class must be an int >= 0"),
    ("data", "val_fraction_one", lambda: data.load_bundle("digits", val_fraction=1.0),  # a fraction in [0, 1)
     ValueError, r"val_fraction=1\.0 is not valid: val_fraction must be a number in \[0, 1\)"),
    ("data", "seed_string", lambda: data.load_bundle("digits", seed="0"),  # a seed is an int
     ValueError, r"seed='0' is not valid: seed must be an int"),
    ("data", "empty_class_after_splits", lambda: data.make_bundle("toy", *pool(), 6, meta_per_class=69, val_fraction=0.9),
     ValueError, r"the training split has no sample of classes \[0, 1, 2, 3, 4, 5\] \(after meta_per_class=69"),
    ("data", "unknown_dataset", lambda: data.load_bundle("svhn"),  # lists the datasets
     ValueError, r"unknown dataset 'svhn'; valid: \('digits', 'cifar10', 'cifar100'\)"),
    ("data", "unknown_bundle_option", lambda: data.load_bundle("digits", noise_rat=0.2),  # a typo in an option name
     TypeError, r"unexpected keyword argument 'noise_rat'"),
    ("data", "cifar_missing_archive", lambda: data.load_cifar_arrays("cifar10", scratch() / "nowhere", check=False),
     FileNotFoundError, r"cifar10: no valid archive in .*nowhere.*download=True"),
    ("data", "noise_rate_string_direct", lambda: data.add_label_noise(torch.arange(10) % 2, "0.2", "pair", 2),
     ValueError, r"rate='0\.2' is not valid: rate must be a number in \[0, 1\)"),
    # ---- configuration: TrainConfig checked when built; the device against this machine when train starts ---------
    ("configuration", "lr_nan", lambda: TrainConfig(lr=NAN),  # passed before
     ValueError, r"lr=nan is not valid: lr must be a finite number > 0"),
    ("configuration", "lr_inf", lambda: TrainConfig(lr=INF),
     ValueError, r"lr=inf is not valid: lr must be a finite number > 0"),
    ("configuration", "lr_zero", lambda: TrainConfig(lr=0),
     ValueError, r"lr=0 is not valid"),
    ("configuration", "lr_negative", lambda: TrainConfig(lr=-0.1),
     ValueError, r"lr=-0\.1 is not valid"),
    ("configuration", "lr_string", lambda: TrainConfig(lr="0.1"),  # was a TypeError from a comparison
     ValueError, r"lr='0\.1' is not valid: lr must be a finite number > 0"),
    ("configuration", "epochs_float", lambda: TrainConfig(epochs=2.5),
     ValueError, r"epochs=2\.5 is not valid: epochs must be a positive int"),
    ("configuration", "batch_size_zero", lambda: TrainConfig(batch_size=0),
     ValueError, r"batch_size=0 is not valid: batch_size must be a positive int"),
    ("configuration", "momentum_negative", lambda: TrainConfig(momentum=-0.9),
     ValueError, r"momentum=-0\.9 is not valid: momentum must be a finite number >= 0"),
    ("configuration", "weight_decay_nan", lambda: TrainConfig(weight_decay=NAN),
     ValueError, r"weight_decay=nan is not valid"),
    ("configuration", "gamma_zero", lambda: TrainConfig(gamma=0.0),
     ValueError, r"gamma=0\.0 is not valid: gamma must be a finite number > 0"),
    ("configuration", "seed_float", lambda: TrainConfig(seed=1.5),
     ValueError, r"seed=1\.5 is not valid: seed must be an int"),
    ("configuration", "eval_samples_zero", lambda: TrainConfig(eval_samples=0),
     ValueError, r"eval_samples=0 is not valid: eval_samples must be a positive int or None"),
    ("configuration", "threads_zero", lambda: TrainConfig(threads=0),
     ValueError, r"threads=0 is not valid"),
    ("configuration", "progress_string", lambda: TrainConfig(progress="no"),  # a flag is True or False
     ValueError, r"progress='no' is not valid: progress must be True or False"),
    ("configuration", "select_by_unknown", lambda: TrainConfig(select_by="accuracy"),
     ValueError, r"select_by='accuracy' is not valid: select_by must be one of \('avg_nat'"),
    ("configuration", "milestones_above_one", lambda: TrainConfig(milestones=(0.5, 1.5)),
     ValueError, r"milestones=\(0\.5, 1\.5\) is not valid: milestones must be a tuple of fractions in \(0, 1\]"),
    ("configuration", "milestones_string", lambda: TrainConfig(milestones="0.5"),
     ValueError, r"milestones='0\.5' is not valid"),
    ("configuration", "amp_unknown", lambda: TrainConfig(amp="fp8"),
     ValueError, r"amp='fp8' is not valid: amp must be one of"),
    ("configuration", "device_unknown", lambda: TrainConfig(device="tpu"),  # not a device torch knows
     ValueError, r"device='tpu' is not valid: device must be a device name torch knows"),
    ("configuration", "device_absent", lambda: training.train(None, None, config=TrainConfig(device=NO_SUCH_CUDA)),
     ValueError, r"device='cuda(:\d+)?' is not valid: device must be one of this machine's devices \['cpu'"),
    ("configuration", "eval_bound_negative", lambda: TrainConfig(attack=dict(ATTACK, eval_eps=-0.1)),  # at construction
     ValueError, r"eval_eps=-0\.1 is not valid: eval_eps must be a finite number >= 0"),
    ("configuration", "train_bound_negative", lambda: TrainConfig(attack=dict(ATTACK, train_eps=-0.1)),  # no anti-PGD-AT
     ValueError, r"train_eps=-0\.1 is not valid"),
    ("configuration", "attack_steps_zero", lambda: AttackSettings(**dict(ATTACK, eval_steps=0)),
     ValueError, r"eval_steps=0 is not valid: eval_steps must be a positive int"),
    ("configuration", "attack_clip_reversed", lambda: AttackSettings(**ATTACK, clip=(1.0, 0.0)),
     ValueError, r"clip=\(1\.0, 0\.0\) is not valid: clip must be a pair \(low, high\)"),
    ("configuration", "attack_wrong_type", lambda: TrainConfig(attack="digits"),
     ValueError, r"attack='digits' is not valid: attack must be AttackSettings, a dict or None"),
    ("configuration", "method_options_with_instance", lambda: training.train(*toy(), make_method("erm"), quiet(), {"x": 1}),
     ValueError, r"method_options=\{'x': 1\} given with a Method instance"),
    ("configuration", "truncated_resume_file", lambda: training.train(*toy(), "erm", quiet(), resume_file=truncated()),
     pickle.UnpicklingError, r"resume\.pt is not a plain tensor file"),
    # ---- perturb: arguments checked before the first forward pass -------------------------------------------------
    ("perturb", "eps_string", lambda: attack(eps="abc"),  # was torch's "new(): invalid data type 'str'"
     ValueError, r"eps='abc' is not valid: eps must be a finite number or one per sample"),
    ("perturb", "eps_nan", lambda: attack(eps=NAN),
     ValueError, r"eps must be finite, got \[nan"),
    ("perturb", "eps_wrong_count", lambda: attack(eps=torch.zeros(3)),
     ValueError, r"eps has 3 values for a batch of 4"),
    ("perturb", "step_size_nan", lambda: attack(step_size=NAN),  # named step_size, not eps
     ValueError, r"step_size must be finite"),
    ("perturb", "step_size_negative", lambda: attack(step_size=-0.01),
     ValueError, r"step_size must be >= 0, got -0\.01"),
    ("perturb", "steps_float", lambda: attack(steps=2.0),
     ValueError, r"steps must be a positive int, got 2\.0"),
    ("perturb", "norm_unknown", lambda: attack(norm="l1"),
     ValueError, r"norm='l1' is not valid; choose from \('linf', 'l2'\)"),
    ("perturb", "random_start_unknown", lambda: attack(random_start="gauss"),
     ValueError, r"random_start='gauss' is not valid"),
    ("perturb", "objective_unknown", lambda: attack(objective=("ce", "mse")),
     ValueError, r"objective='mse' is not valid; choose from \('ce', 'trades_kl'\)"),
    ("perturb", "clip_reversed", lambda: attack(clip=(1.0, 0.0)),  # was accepted: every output clamped to 0
     ValueError, r"clip=\(1\.0, 0\.0\) is not valid"),
    ("perturb", "clip_scalar", lambda: attack(clip=0.5),  # was "argument after * must be an iterable"
     ValueError, r"clip=0\.5 is not valid"),
    ("perturb", "integer_images", lambda: attack(x=torch.zeros(4, 3, 2, 2, dtype=torch.long)),  # was accepted
     ValueError, r"x must be a floating-point tensor, got dtype torch\.int64"),
    ("perturb", "labels_count_mismatch", lambda: attack(y=torch.zeros(3, dtype=torch.long)),
     ValueError, r"x has 4 samples but y has 3"),
    ("perturb", "clean_probs_wrong_shape", lambda: attack(objective="trades_kl", clean_probs=torch.rand(3, 3)),
     ValueError, r"clean_probs must be \(B, C\) with B = 4 rows of x, got \(3, 3\)"),
    # ---- report: tables, records and folders --------------------------------------------------------------------
    ("report", "which_unknown", lambda: report.records_frame([], which="first"),
     ValueError, r"which='first' is not valid: which must be one of \('best', 'last'\)"),
    ("report", "split_unknown", lambda: report.records_frame([], split="train"),
     ValueError, r"split='train' is not valid: split must be one of \('test', 'val', 'test_pixel'\)"),
    ("report", "per_class_which_unknown", lambda: figures.per_class_frame([], which="middle"),
     ValueError, r"which='middle' is not valid"),
    ("report", "figure_not_png", lambda: figures.save_figure(None, scratch() / "figure.pdf"),  # the PDF is its sibling
     ValueError, r"path='.*figure\.pdf' is not valid: path must end in \.png"),
    ("report", "groups_of_two_classes", lambda: report.class_groups([5, 3]),  # many / medium / few need 3
     ValueError, r"counts=\[5, 3\] is not valid: counts must hold at least 3 classes"),
    ("report", "group_table_without_counts", lambda: report.group_table([long_tail_record(counts=None)]),
     ValueError, r"the record of 'LT' has no data\.train_class_counts"),
    ("report", "interval_level_percent", lambda: stats.interval([1.0, 2.0], level=95),  # a fraction, not percent
     ValueError, r"level=95 is not valid: level must be a float strictly between 0 and 1"),
    ("report", "interval_nan", lambda: stats.interval([1.0, NAN]),
     ValueError, r"values=\[1\.0, nan\] is not valid: values must be a non-empty list of finite numbers"),
    ("report", "paired_without_shared_seed", lambda: stats.paired_differences([long_tail_record()], "LT", ["absent"]),
     ValueError, r"'LT' and 'absent' share no data seed"),
    ("report", "table_under_a_file", lambda: report.write_table(frame(), a_file() / "table"),  # a file in the way
     NotADirectoryError, r"path='.*a_file' is not valid: .*a_file is a file, not a folder"),
    ("report", "json_under_a_file", lambda: report.save_json({}, a_file() / "sub" / "x.json"),
     NotADirectoryError, r"a_file is a file, not a folder"),
    ("report", "report_folder_is_a_file", lambda: report.Report(a_file(), "title"),  # before anything is written
     NotADirectoryError, r"folder='.*a_file' is not valid: .*a_file is a file, not a folder"),
    ("report", "readme_without_markers", lambda: readme.update_readme(a_file(), scratch()),
     ValueError, r"a_file must hold each results marker once"),
    ("report", "no_reports", lambda: readme.readme_results(scratch() / "empty"),
     FileNotFoundError, r"no report: .*summary\.md matches nothing"),
    ("report", "autoattack_without_record", lambda: report.attack_comparison([], [dict(label="x", seed=0)]),
     ValueError, r"no record for AutoAttack result 'x' seed 0"),
    # ---- extras: a missing optional dependency names the extra that installs it ----------------------------------
    ("extras", "pandas_missing", lambda: hidden("pandas", lambda: report.records_frame([])),
     ImportError, r"pandas is not installed .*`experiments` extra: " + EXTRA),
    ("extras", "scipy_missing", lambda: hidden("scipy", lambda: stats.interval([1.0, 2.0])),  # the t-interval
     ImportError, r"scipy\.stats is not installed .*" + EXTRA),
    ("extras", "seaborn_missing", lambda: hidden("seaborn", lambda: figures.plot_per_class(None)),
     ImportError, r"seaborn is not installed .*" + EXTRA),
    ("extras", "sklearn_missing", lambda: hidden("sklearn", lambda: data.load_bundle("digits")),
     ImportError, r"sklearn\.datasets is not installed .*" + EXTRA),
    ("extras", "torchvision_missing", lambda: hidden("torchvision", lambda: data.load_cifar_arrays("cifar10", scratch())),
     ImportError, r"torchvision\.datasets is not installed .*" + EXTRA),
    ("extras", "tqdm_missing", lambda: hidden("tqdm", lambda: training.train(*toy(), "erm", quiet(progress=True))),
     ImportError, r"tqdm\.auto is not installed .*" + EXTRA),
    ("extras", "autoattack_missing", lambda: hidden("pyautoattack", autoattack),
     ImportError, r"pyautoattack is not installed .*`eval` extra: pip install 'advanti\[eval\]'"),
    # ---- checks: the helpers themselves --------------------------------------------------------------------------
    ("checks", "device_index_absent", lambda: checks.check_device("device", "cuda:99"),
     ValueError, r"device='cuda:99' is not valid"),
    ("checks", "payload_pickle", lambda: checks.load_plain_pickle(payload_pickle()),
     pickle.UnpicklingError, r"payload\.pkl is not a plain-data pickle \(it names (io|builtins)\.open"),
    # ---- job: names checked when the job is built, before a grid trains anything -----------------------------------
    ("job", "job_unknown_dataset", lambda: Job("erm", dataset="imagenet"),  # the datasets are listed
     ValueError, r"dataset='imagenet' is not valid: dataset must be one of \('digits', 'cifar10', 'cifar100'\)"),
    ("job", "data_option_typo", lambda: Job("erm", data_options=dict(noise_rat=0.2)),  # a typo in a data option
     ValueError, r"data_options has unknown option\(s\) \['noise_rat'\] for digits; valid: \[.*'noise_rate'"),
    ("job", "model_option_of_another_model", lambda: Job("erm", model="resnet32", model_options=dict(width=8)),
     ValueError, r"model_options has unknown option\(s\) \['width'\] for resnet32"),
    ("job", "job_unknown_model", lambda: Job("erm", model="vit"),
     ValueError, r"model='vit' is not valid"),
    # ---- command line: refused (usage error, exit status 2) before any work --------------------------------------
    ("command line", "jobs_zero", lambda: cli("reproduce", "--jobs", "0"),  # 0 is not "all cores"
     Refused, r"argument --jobs: '0' is not a positive integer"),
    ("command line", "unknown_profile", lambda: cli("reproduce", "--profile", "imagenet"),  # profiles are files
     Refused, r"profile='imagenet' is not valid: profile must be one of \['full', 'paper', 'paper-cifar100', 'quick', 'tiny'\]"),
    ("command line", "unknown_experiment", lambda: cli("reproduce", "--only", "cifar_main"),  # names listed
     Refused, r"unknown experiment 'cifar_main'; valid: standard"),
    ("command line", "unknown_parameter", lambda: cli("run", "noisy_labels", "-p", "metasteps", "3"),  # a typo
     Refused, r"unknown parameter 'metasteps' for experiment 'noisy_labels'"),
    ("command line", "parameter_of_wrong_kind", lambda: cli("run", "standard", "-p", "finetune_epochs", "many"),
     Refused, r"finetune_epochs='many' is not valid for experiment 'standard': finetune_epochs must be like its default 40"),
    ("command line", "results_is_a_file", lambda: cli("status", "--results", str(a_file())),  # not a folder
     Refused, r"results='.*' is not valid: .* is a file, not a folder"),
    ("command line", "unknown_executor", lambda: cli("reproduce", "--executor", "ray"),  # choices listed
     Refused, r"invalid choice: 'ray' \(choose from .*local"),
    ("command line", "force_names_nothing", lambda: cli("reproduce", "--profile", "tiny", "--only", "theory_gaussian",
                                                       "--force", "PGD-ATT"),  # a typo must not force nothing
     Refused, r"--force 'PGD-ATT' names no selected experiment, job label or key"),
    ("command line", "evaluate_missing_weights", lambda: cli("evaluate", "/nonexistent/w.pt"),
     Refused, r"weights='/nonexistent/w\.pt' is not a file"),
    ("command line", "evaluate_negative_samples", lambda: cli("evaluate", "w.pt", "--samples", "-3"),
     Refused, r"argument --samples: '-3' is not a positive integer"),
    ("command line", "evaluate_payload_weights", lambda: cli("evaluate", str(payload_weights())),  # never runs
     pickle.UnpicklingError, r"is not a plain tensor file .*refused without running it"),
    ("command line", "evaluate_missing_device", lambda: cli("evaluate", "w.pt", "--device", NO_SUCH_CUDA),
     Refused, r"device='cuda(:\d+)?' is not valid: device must be one of this machine's devices"),
    ("command line", "unknown_command", lambda: cli("train"),  # the commands are listed
     Refused, r"invalid choice: 'train'"),
]


# ---- helpers the table uses ---------------------------------------------------------------------------------------
_SCRATCH = Path(tempfile.mkdtemp(prefix="advanti-bad-inputs-"))

def scratch() -> Path: return _SCRATCH

def a_file() -> Path:
    "A plain file where a folder would be expected."
    path = _SCRATCH / "a_file"; path.write_text("not a folder\n"); return path

def pool(labels_offset: int = 0, n: int = 600, classes: int = 6):
    "A labelled pool of n 1x8x8 images with balanced labels (shifted by `labels_offset`)."
    g = torch.Generator().manual_seed(0)
    return torch.rand(n, 1, 8, 8, generator=g), torch.arange(n) % classes + labels_offset

def toy():
    "A small model and bundle the trainer accepts (1x8x8 images, 6 classes)."
    torch.manual_seed(0)
    return methods.toy_classifier(6), data.make_bundle("toy", *pool(), 6, meta_per_class=2)

def quiet(**changes) -> TrainConfig:
    "A one-epoch configuration, quiet unless told, with the attack given (the toy bundle has no settings of its own)."
    return TrainConfig(**dict(dict(epochs=1, batch_size=64, progress=False, attack=ATTACK), **changes))

def truncated() -> Path:
    "A resume file cut short, as a crash in the middle of a non-atomic copy would leave it."
    path = _SCRATCH / "resume.pt"
    torch.save({"epoch": 1, "model": methods.toy_classifier(6).state_dict()}, path)
    path.write_bytes(path.read_bytes()[:100]); return path

_MODEL = nn.Sequential(nn.Flatten(), nn.Linear(12, 3)).eval()

def attack(x=None, y=None, eps=0.1, **options):
    "perturb on a 4-sample batch of 3x2x2 inputs with a linear model, with the arguments changed as given."
    x = torch.rand(4, 3, 2, 2) if x is None else x
    y = torch.tensor([0, 1, 2, 0]) if y is None else y
    return perturb.perturb(_MODEL, x, y, eps, **options)

def frame():
    pd = pytest.importorskip("pandas")
    return pd.DataFrame({"a": [1]})

def long_tail_record(counts=(9, 5, 1)) -> dict:
    "A result record on 3 classes, as `advanti.train.train` writes it (training counts per class unless None)."
    summary = dict(avg_nat=1.0, worst_nat=2.0, avg_bdy=0.0, worst_bdy=0.0, avg_rob=3.0, worst_rob=4.0)
    metric = dict(epoch=1, test=dict(natural=[0.0] * 3, robust=[0.0] * 3, counts=[1] * 3, summary=summary))
    data = {} if counts is None else dict(train_class_counts=list(counts))
    return dict(label="LT", config=dict(seed=0), metrics=dict(best=metric, last=metric), data=data)

def autoattack():
    from advanti.metrics import autoattack_errors
    return autoattack_errors(_MODEL, torch.rand(4, 3, 2, 2), torch.tensor([0, 1, 2, 0]), 3, 0.1, version="custom",
                             attacks=["apgd-ce"])

def cli(*argv):
    "Run the `advanti` command line in this process; Refused(its error output) on a usage error."
    import io
    from advanti.cli import main
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try: return main(list(argv))
        except SystemExit as exit:
            if exit.code == 2: raise Refused(err.getvalue()) from None
            raise

def a_file() -> Path:
    "A plain file (where a folder is expected)."
    path = _SCRATCH / "a_file"; path.write_text("x"); return path

def payload_weights() -> Path:
    "A torch file whose unpickling would create the marker file."
    class Payload:
        def __reduce__(self): return (open, (str(_SCRATCH / "marker"), "w"))
    path = _SCRATCH / "payload.pt"; torch.save({"w": Payload()}, path); return path

def payload_pickle() -> Path:
    "A pickle whose loading would create a file (it calls builtins.open)."
    class Payload:
        def __reduce__(self): return (open, (str(_SCRATCH / "marker"), "w"))
    path = _SCRATCH / "payload.pkl"; path.write_bytes(pickle.dumps({"data": Payload()})); return path

def hidden(module: str, call):
    "Run `call` as if `module` (and its submodules) were not installed."
    names = [m for m in list(sys.modules) if m == module or m.startswith(module + ".")]
    saved = {m: sys.modules[m] for m in names}
    try:
        for m in names + [module]: sys.modules[m] = None
        return call()
    finally:
        for m in names + [module]: sys.modules.pop(m, None)
        sys.modules.update(saved)

# ---- the test ----------------------------------------------------------------------------------------------------
def test_table_spans_the_entry_points():
    entries = {e for e, *_ in CASES}
    assert {"methods", "data", "configuration", "report", "perturb", "extras", "command line", "job"} <= entries
    assert len({c for _, c, *_ in CASES}) == len(CASES), "case ids must be unique"

@pytest.mark.parametrize("entry, case, call, exc, pattern", CASES, ids=[f"{e}-{c}" for e, c, *_ in CASES])
def test_bad_input(entry, case, call, exc, pattern):
    with pytest.raises(exc) as caught: call()
    assert re.search(pattern, str(caught.value)), f"{case}: {type(caught.value).__name__}: {caught.value}"
    assert not (_SCRATCH / "marker").exists()
