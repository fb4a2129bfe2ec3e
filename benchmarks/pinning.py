"""What the CPU kernel level does to a digits job: its numbers and its CPU time, per environment.

Runs one digits PGD-AT job (3 epochs, one thread) twice in a fresh process per environment: torch's own choice, the
pinned AVX2 level, and unpinned requests for `avx512` and for the `default` (non-SIMD) kernels. Prints and writes JSON:
the kernel level torch used, the training losses, the best-epoch test errors and the CPU seconds of each run.

    python benchmarks/pinning.py [OUT.json]
"""
import json, os, subprocess, sys

JOB = r'''
import json, time, torch
from advanti.runner import Job, job_bundle
from advanti.models import make_model
from advanti.train import TrainConfig, train
torch.set_num_threads(1)
job = Job("pgd_at", config=dict(epochs=3, progress=False, seed=0))
bundle = job_bundle(job); torch.manual_seed(0); model = make_model("small_cnn", bundle)
started = time.process_time(); record = train(model, bundle, "pgd_at", TrainConfig(**job.config))
print(json.dumps(dict(cpu_s=time.process_time() - started, capability=torch.backends.cpu.get_cpu_capability(),
                      losses=[h["train_loss"] for h in record["history"]],
                      best=record["metrics"]["best"]["test"]["summary"])))
'''
ENVIRONMENTS = {"unset (torch picks)": {},
                "pinned avx2": dict(ATEN_CPU_CAPABILITY="avx2", ONEDNN_MAX_CPU_ISA="AVX2", MKL_CBWR="AVX2"),
                "asks avx512": dict(ATEN_CPU_CAPABILITY="avx512"),
                "asks default (no SIMD)": dict(ATEN_CPU_CAPABILITY="default")}

def measure(env_vars: dict, repeats: int = 2) -> dict:
    "Run the job `repeats` times in fresh processes with `env_vars`; its numbers and CPU times (or how it died)."
    env = {k: v for k, v in os.environ.items() if k not in ("ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "MKL_CBWR")}
    env.update(env_vars, OMP_NUM_THREADS="1")
    runs = [subprocess.run([sys.executable, "-c", JOB], env=env, capture_output=True, text=True) for _ in range(repeats)]
    if runs[0].returncode: return dict(returncode=runs[0].returncode, stderr=runs[0].stderr[-300:])
    first = json.loads(runs[0].stdout)
    return dict(first, cpu_s=[json.loads(r.stdout)["cpu_s"] for r in runs])

if __name__ == "__main__":
    results = {}
    for name, env_vars in ENVIRONMENTS.items():
        results[name] = measure(env_vars); print(name, results[name], flush=True)
    if len(sys.argv) > 1: json.dump(results, open(sys.argv[1], "w"), indent=1)
