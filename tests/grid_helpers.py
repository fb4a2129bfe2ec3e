"Functions the grid tests run in other processes (they must be importable, not defined in a test)."
import os, sys

TINY = dict(epochs=1, progress=False, eval_samples=64, batch_size=256)

def tiny_jobs():
    "Four digits jobs, the last a hot-start child of the first."
    from advanti.runner import Job
    parent = Job("pgd_at", "PGD-AT", model_options=dict(width=8), config=TINY)
    return [parent, Job("erm", "ERM", model_options=dict(width=8), config=dict(TINY, select_by="avg_nat")),
            Job("trades", "TRADES", model_options=dict(width=8), config=TINY),
            Job("erm", "ERM from PGD-AT", model_options=dict(width=8), config=TINY, init=parent)]

def race(out_dir: str, barrier, trained_file: str):
    "Reach the first tiny job together with another process (at the barrier), then run it; note if this one trained."
    import advanti.runner as runner
    original = runner._train_job
    def counting(job, folder, fresh):
        with open(trained_file, "a") as f: f.write(f"{os.getpid()}\n")
        return original(job, folder, fresh)
    runner._train_job = counting
    runner._before_lock = lambda job: barrier.wait(timeout=120)
    runner.run_job(tiny_jobs()[0], out_dir)

if __name__ == "__main__":  # python grid_helpers.py OUT_DIR PIN: run the tiny grid on one worker
    from advanti.grid import run_grid, LocalPool
    run_grid([(j, sys.argv[1]) for j in tiny_jobs()], LocalPool(1), pin=sys.argv[2] == "1", progress=False)
