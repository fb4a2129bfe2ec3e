"""Method-level benchmark of advanti: the cost of one training iteration of every registered method, run as the
trainer runs it (`method.batch_loss` on a real batch, backward, SGD step), its peak memory, and the cost of the
evaluation attacks. No pass/fail: speed figures live here, not in the tests. See benchmarks/README.md.

    python benchmarks/methods.py [--quick] [--only trades caat ...] [--cases digits cifar32 resnet18]
                                 [--threads 1] [--device cpu|cuda] [--out benchmarks/results.json]

The methods run interleaved in one process (in each repeat, every method in turn), each on its own model and
`advanti.train.Run`; the median over repeats of the CPU time (time.process_time) and the wall time per iteration is
reported. Peak memory is measured in a fresh process per method (this script again, with --memory-child).
"""
import argparse, contextlib, io, json, os, platform, re, resource, statistics, subprocess, sys, time
from types import SimpleNamespace
import torch
from advanti.data import load_digits_bundle, make_bundle
from advanti.methods import available_methods, make_method
from advanti.metrics import autoattack_errors, pgd_errors
from advanti.models import make_model
from advanti.perturb import attack_settings
from advanti.train import Run, TrainConfig, batches, provenance

META_VARIANTS = {"caat": [("caat", {}), ("caat[hard]", dict(mode="hard"))], "mwnet": [("mwnet", {})]}
CORE = ("trades", "pgd_at", "caat:ordinary", "caat:meta")  # timed on ResNet-18; memory measured
CASES = {  # data (random32: its pool size), model, batch, iterations per repeat, the variants timed (None: all),
           # the variants whose memory is measured, the model whose evaluation is timed (method, SGD steps at lr 0.1)
           # and the test samples it is timed on (the cost is scaled to 100 samples)
    "digits": dict(data="digits", model="small_cnn", model_options=dict(width=16), batch=64, iters=2,
                   methods=None, memory=CORE, eval_model=("pgd_at", 60), eval_samples=100),
    "cifar32": dict(data=640, model="small_cnn", model_options=dict(width=16), batch=64, iters=1,
                    methods=None, memory=CORE, eval_model=("erm", 18), eval_samples=20),
    "resnet18": dict(data=240, model="preact_resnet18", model_options={}, batch=4, iters=1,
                     methods=CORE, memory=(), eval_model=None, eval_samples=0),
}
CYCLE_KS = (1, 5, 50)
NEVER = 10**9  # a meta interval no benchmark reaches: after the first iteration, ordinary ones only


def random32_bundle(n: int, # pool size: test 20%, meta 4 per class, validation 8% of the rest, the rest train
                    seed: int=0, # seed of the images
                   ):
    "CIFAR-shaped random data in memory: 10 classes, each a random 4x4 colour pattern (blown up) plus uniform noise."
    g = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 10
    patterns = torch.rand(10, 3, 4, 4, generator=g).repeat_interleave(8, 2).repeat_interleave(8, 3)
    x = 0.6 * patterns[y] + 0.4 * torch.rand(n, 3, 32, 32, generator=g)
    mean, std = tuple(x.mean((0, 2, 3)).tolist()), tuple(x.std((0, 2, 3)).tolist())
    return make_bundle("random32", x, y, 10, seed=seed, test=0.2, meta_per_class=4, val_fraction=0.08, mean=mean,
                       std=std)


def case_data(case: dict):
    "The case's DataBundle and attack settings (the random 32x32 data takes CIFAR-10's)."
    if case["data"] == "digits": return load_digits_bundle(seed=0), attack_settings("digits")
    return random32_bundle(case["data"]), attack_settings("cifar10")


def variants(case: dict, only: list|None) -> list[SimpleNamespace]:
    "The variants timed in `case`: every registered method; the meta-learned ones with ordinary and meta iterations."
    out = []
    for name in available_methods():
        if only and name not in only: continue
        if name not in META_VARIANTS: out.append(SimpleNamespace(label=name, name=name, options={})); continue
        for label, options in META_VARIANTS[name]:
            for kind, interval in (("ordinary", NEVER), ("meta", 1)):
                variant = SimpleNamespace(label=f"{label}:{kind}", name=name, options=dict(options, interval=interval))
                out.append(variant)
    return [v for v in out if case["methods"] is None or v.label in case["methods"]]


def required_options(name: str, attack) -> dict:
    "Options a method cannot do without: classwise_at's signed bounds (class 0 anti-adversarial, the rest adversarial)."
    if name == "classwise_at": return dict(class_eps=[-attack.train_eps] + [attack.train_eps] * 9)
    return {}


def build_entry(case: dict, bundle, attack, variant, device: torch.device, lr: float=0.01) -> SimpleNamespace:
    "A prepared `Run` of `variant` as the trainer builds it (same model init for all), with its own batch stream."
    torch.manual_seed(0)
    model = make_model(case["model"], bundle, **case["model_options"]).to(device)
    config = TrainConfig(epochs=1, batch_size=case["batch"], lr=lr, momentum=0.9, weight_decay=5e-4,
                         device=str(device), attack=attack, progress=False)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum,
                                weight_decay=config.weight_decay)
    scheduler = torch.optim.lr_scheduler.MultiStepLR(optimizer, [NEVER], config.gamma)
    method = make_method(variant.name, **required_options(variant.name, attack), **variant.options)
    run = Run(model, optimizer, scheduler, bundle, config, attack, device, method)
    method.prepare(run)
    x, y = bundle.train.x.to(device), bundle.train.y.to(device)
    return SimpleNamespace(label=variant.label, run=run, x=x, y=y, stream=batch_stream(len(y), case["batch"]))


def batch_stream(n: int, batch_size: int, seed: int=0):
    "Endless full batches of indices, in the trainer's shuffled order, epoch after epoch."
    generator = torch.Generator().manual_seed(seed)
    while True: yield from (i for i in batches(n, batch_size, generator) if len(i) == batch_size)


def train_step(entry: SimpleNamespace):
    "One iteration as the trainer runs it: the method's loss on the next batch, backward, SGD step."
    run = entry.run
    index = next(entry.stream).to(run.device)
    run.model.train()
    loss = run.method.batch_loss(run, entry.x[index], entry.y[index], index)
    run.optimizer.zero_grad(set_to_none=True); loss.backward(); run.optimizer.step()
    run.iteration += 1
    if run.device.type == "cuda": torch.cuda.synchronize()


def timed(fn) -> tuple[float, float]:
    "CPU and wall seconds of fn()."
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def time_entries(entries: list, repeats: int, iters: int) -> dict:
    "Interleaved: in each repeat, `iters` iterations of every entry in turn; medians of the per-iteration seconds."
    for e in entries: train_step(e)  # warm-up; a CAAT/MWNet ordinary variant takes its one meta step here
    runs = {e.label: ([], []) for e in entries}
    for _ in range(repeats):
        for e in entries:
            cpu, wall = timed(lambda: [train_step(e) for _ in range(iters)])
            runs[e.label][0].append(cpu / iters); runs[e.label][1].append(wall / iters)
    return {label: dict(cpu_s=statistics.median(c), wall_s=statistics.median(w), cpu_runs=c, wall_runs=w)
            for label, (c, w) in runs.items()}


def cycle_costs(times: dict) -> dict:
    "Per-iteration cost of a cycle of k iterations, one meta and k-1 ordinary: (meta + (k-1) ordinary) / k."
    out = {}
    for label in times:
        if not label.endswith(":meta") or label.replace(":meta", ":ordinary") not in times: continue
        base, meta, ordinary = label[:-5], times[label], times[label.replace(":meta", ":ordinary")]
        out[base] = {str(k): {c: (meta[c] + (k - 1) * ordinary[c]) / k for c in ("cpu_s", "wall_s")} for k in CYCLE_KS}
    return out


def _rss_bytes(field: str) -> int:
    "A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in bytes."
    return int(re.search(rf"{field}:\s+(\d+) kB", open("/proc/self/status").read()).group(1)) * 1024


def _reset_peak() -> bool:
    "Reset this process's peak RSS (VmHWM) to its current RSS; False where the kernel does not allow it."
    try:
        with open("/proc/self/clear_refs", "w") as f: f.write("5")
        return True
    except OSError: return False


def measure_memory(case_name: str, label: str, device: torch.device) -> dict:
    "Peak memory of one iteration of `label` in `case_name` over the memory after one throwaway iteration (MiB)."
    case = CASES[case_name]
    bundle, attack = case_data(case)
    variant = next(v for v in variants(dict(case, methods=None), None) if v.label == label)
    entry = build_entry(case, bundle, attack, variant, device)
    train_step(entry)  # throwaway: allocator pools, lazy initialisation, an ordinary variant's first (meta) step
    if device.type == "cuda":
        base, how = torch.cuda.memory_allocated(device), "torch.cuda.max_memory_allocated"
        torch.cuda.reset_peak_memory_stats(device)
    else:
        base, reset = _rss_bytes("VmRSS"), _reset_peak()
        how = "VmHWM (reset) - VmRSS" if reset else "ru_maxrss (includes the throwaway step) - VmRSS"
    train_step(entry)
    if device.type == "cuda": peak = torch.cuda.max_memory_allocated(device)
    elif reset: peak = _rss_bytes("VmHWM")
    else: peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return dict(baseline_mib=base / 2**20, peak_mib=peak / 2**20, delta_mib=(peak - base) / 2**20, how=how)


def memory_in_child(case_name: str, label: str, args) -> dict:
    "`measure_memory` in a fresh process: this script with --memory-child."
    cmd = [sys.executable, os.path.abspath(__file__), "--memory-child", case_name, label,
           "--threads", str(args.threads), "--device", args.device]
    env = dict(os.environ, MALLOC_MMAP_THRESHOLD_="65536")  # big blocks come from mmap, and go back when freed
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode: raise RuntimeError(f"memory of {label} in {case_name} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def eval_model(case: dict, bundle, attack, device: torch.device):
    "The model whose evaluation is timed, briefly trained (`eval_model`) so that some points resist the attacks."
    name, steps = case["eval_model"]
    entry = build_entry(case, bundle, attack, SimpleNamespace(label=name, name=name, options={}), device, lr=0.1)
    for _ in range(steps): train_step(entry)
    return entry.run.model.eval()


def eval_costs(case: dict, bundle, attack, device: torch.device) -> dict:
    "CPU and wall seconds per 100 test samples of PGD-20 and AutoAttack (custom apgd-ce + apgd-t, and standard)."
    model, eps = eval_model(case, bundle, attack, device), attack.eval_eps
    pick = torch.randperm(len(bundle.test.y), generator=torch.Generator().manual_seed(0))[:case["eval_samples"]]
    x, y = bundle.test.x[pick], bundle.test.y[pick]
    attacks = {"pgd20": lambda: pgd_errors(model, x, y, 10, eps, 20, attack.eval_step_size, clip=attack.clip,
                                           device=device),
               "autoattack_custom": lambda: autoattack_errors(model, x, y, 10, eps, version="custom",
                                                              attacks=["apgd-ce", "apgd-t"], device=device),
               "autoattack_standard": lambda: autoattack_errors(model, x, y, 10, eps, device=device)}
    out = {}
    for name, fn in attacks.items():
        result = {}
        with contextlib.redirect_stdout(io.StringIO()):  # AutoAttack reports as it goes
            cpu, wall = timed(lambda: result.update(errors=fn()))
        e, share = result["errors"], lambda v: 100 * float((v * e.counts).sum() / e.counts.sum())
        out[name] = dict(cpu_s=cpu * 100 / len(y), wall_s=wall * 100 / len(y), samples=len(y),
                         nat_error=share(e.natural), rob_error=share(e.robust))
    return out


def run_case(case_name: str, args) -> dict:
    "Timing, cycle costs, peak memory and evaluation costs of one case."
    case, device = CASES[case_name], torch.device(args.device)
    bundle, attack = case_data(case)
    chosen = variants(case, args.only)
    print(f"{case_name}: preparing {len(chosen)} variants", file=sys.stderr, flush=True)
    entries = [build_entry(case, bundle, attack, v, device) for v in chosen]
    times = time_entries(entries, args.repeats, 1 if args.quick else case["iters"])
    del entries
    out = dict(setup=dict(model=case["model"], model_options=case["model_options"], batch=case["batch"],
                          input=list(bundle.input_shape), iterations_per_repeat=1 if args.quick else case["iters"],
                          repeats=args.repeats, attack=attack.as_dict()),
               iteration=times, cycles=cycle_costs(times))
    print(f"{case_name}: memory", file=sys.stderr, flush=True)
    out["memory"] = {label: memory_in_child(case_name, label, args) for label in case["memory"] if label in times}
    if case["eval_model"] and not args.no_eval:
        print(f"{case_name}: evaluation", file=sys.stderr, flush=True)
        out["evaluation"] = eval_costs(case, bundle, attack, device)
    return out


def machine(args) -> dict:
    "The machine and software the figures were measured on."
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), None)
    return dict(provenance(), cpu=cpu, cores=os.cpu_count(), threads=torch.get_num_threads(), device=args.device,
                platform=platform.platform(), gpu=torch.cuda.get_device_name() if args.device == "cuda" else None)


def print_tables(results: dict):
    "One table per case: ms per iteration and the ratio to TRADES (CPU time), cycles, memory, evaluation."
    for name, r in results["cases"].items():
        s, times, memory = r["setup"], r["iteration"], r["memory"]
        print(f"\n{name}: {s['model']} {s['model_options'] or ''} input {s['input']} batch {s['batch']}, "
              f"median of {s['repeats']} repeats x {s['iterations_per_repeat']} iterations")
        trades = times.get("trades", {}).get("cpu_s")
        print(f"{'method':24s} {'cpu ms/it':>10s} {'wall ms/it':>10s} {'x TRADES':>9s} {'peak +MiB':>10s}")
        for label, t in times.items():
            ratio = f"{t['cpu_s'] / trades:9.2f}" if trades else f"{'-':>9s}"
            mem = f"{memory[label]['delta_mib']:10.1f}" if label in memory else f"{'':10s}"
            print(f"{label:24s} {1e3 * t['cpu_s']:10.1f} {1e3 * t['wall_s']:10.1f} {ratio} {mem}")
        for label, cycle in r["cycles"].items():
            ratio = lambda c: f" ({c['cpu_s'] / trades:.2f}x)" if trades else ""
            cells = "  ".join(f"k={k}: {1e3 * c['cpu_s']:8.1f} ms{ratio(c)}" for k, c in cycle.items())
            print(f"cycle {label:18s} {cells}")
        for attack, e in r.get("evaluation", {}).items():
            print(f"eval {attack:19s} {e['cpu_s']:8.2f} cpu s {e['wall_s']:8.2f} wall s per 100 samples "
                  f"(nat err {e['nat_error']:.0f}%, rob err {e['rob_error']:.0f}%)")


def parse_args(argv=None):
    "The command line (see the module docstring)."
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="benchmarks/results.json", help="JSON results")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads")
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--quick", action="store_true", help="one repeat of one iteration (a smoke run)")
    p.add_argument("--only", nargs="+", choices=available_methods(), metavar="METHOD",
                   help="methods to time (default: all registered)")
    p.add_argument("--cases", nargs="+", default=list(CASES), choices=list(CASES))
    p.add_argument("--no-eval", action="store_true", help="skip the evaluation costs")
    p.add_argument("--memory-child", nargs=2, metavar=("CASE", "LABEL"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    args.repeats = 1 if args.quick else 3
    return args


def main(argv=None):
    "Run the benchmark (or, with --memory-child, one memory measurement) and write the JSON."
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.memory_child:
        print(json.dumps(measure_memory(*args.memory_child, torch.device(args.device)))); return
    started = time.perf_counter()
    results = dict(machine=machine(args), cases={name: run_case(name, args) for name in args.cases})
    results["seconds"] = time.perf_counter() - started
    print_tables(results)
    print(f"\ntotal {results['seconds']:.0f} s; results in {args.out}")
    with open(args.out, "w") as f: json.dump(results, f, indent=1)


if __name__ == "__main__": main()
