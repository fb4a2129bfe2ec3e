"The job grid: executors agree, one process per job, a killed run resumes, pinning gives the same numbers."
import json, multiprocessing, os, signal, subprocess, sys, time
from pathlib import Path
import pytest
from advanti.grid import run_grid, LocalPool, Submitit
from advanti.runner import record_path, read_record
sys.path.insert(0, str(Path(__file__).parent))
from grid_helpers import tiny_jobs, race

HERE = Path(__file__).parent

def _numbers(job, folder) -> dict:
    record = read_record(record_path(job, folder))
    return dict(history=record["history"], metrics=record["metrics"])

def test_local_pool_and_submitit_give_the_same_records(tmp_path):
    jobs = tiny_jobs()
    pool = run_grid([(j, tmp_path / "pool") for j in jobs], LocalPool(2), progress=False)
    sub = run_grid([(j, tmp_path / "submitit") for j in jobs], Submitit(tmp_path / "logs", cluster="local"),
                   progress=False)
    assert not pool.failed and not sub.failed, (pool.failed, sub.failed)
    assert len(pool.trained) == len(sub.trained) == 4  # the child's parent is one of the four
    for job in jobs: assert _numbers(job, tmp_path / "pool") == _numbers(job, tmp_path / "submitit"), job.label
    child = read_record(record_path(jobs[3], tmp_path / "submitit"))
    assert child["job"]["init"]["label"] == "PGD-AT" and child["schema"] == 2

def test_two_processes_on_one_job_train_it_once(tmp_path):
    context = multiprocessing.get_context("spawn")
    barrier, trained = context.Barrier(2), tmp_path / "trained.txt"
    workers = [context.Process(target=race, args=(str(tmp_path), barrier, str(trained))) for _ in range(2)]
    for w in workers: w.start()
    for w in workers: w.join(300)
    assert [w.exitcode for w in workers] == [0, 0]
    assert len(trained.read_text().split()) == 1  # both passed the cache check together; exactly one trained
    assert read_record(record_path(tiny_jobs()[0], tmp_path)) is not None

def test_a_killed_grid_reruns_only_the_unfinished_jobs(tmp_path):
    folder = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HERE.parent), os.environ.get("PYTHONPATH", "")]))
    run = subprocess.Popen([sys.executable, str(HERE / "grid_helpers.py"), str(folder), "1"], env=env,
                           start_new_session=True)
    records = folder / "records"
    deadline = time.time() + 300
    while not (records.exists() and len(list(records.glob("*.json"))) >= 2) and time.time() < deadline:
        time.sleep(0.05)  # watch the files: kill as soon as two jobs are finished
    os.killpg(run.pid, signal.SIGKILL); run.wait()
    finished = {p.name: p.read_bytes() for p in records.glob("*.json")}
    assert 2 <= len(finished) < 4
    again = run_grid([(j, folder) for j in tiny_jobs()], LocalPool(1), progress=False)
    assert len(again.trained) == 4 - len(finished) and len(again.cached) == len(finished)
    assert {p.name: p.read_bytes() for p in records.glob("*.json") if p.name in finished} == finished

@pytest.mark.parametrize("asked", ["avx512", "default"])
def test_pinning_gives_the_same_numbers_whatever_the_environment_asks(tmp_path, asked):
    job = tiny_jobs()[1]
    def run(capability: str, folder: Path):
        env = dict(os.environ, ATEN_CPU_CAPABILITY=capability, ONEDNN_MAX_CPU_ISA=capability.upper(),
                   MKL_CBWR=capability.upper(), PYTHONPATH=str(HERE))
        code = ("from grid_helpers import tiny_jobs; from advanti.grid import run_grid, LocalPool; "
                f"run_grid([(tiny_jobs()[1], {str(folder)!r})], LocalPool(1), pin=True, progress=False)")
        subprocess.run([sys.executable, "-c", code], env=env, check=True)
        return read_record(record_path(job, folder))
    pinned, other = run("avx2", tmp_path / "avx2"), run(asked, tmp_path / asked)
    assert pinned["metrics"] == other["metrics"] and pinned["history"] == other["history"]
    assert other["provenance"]["cpu"]["pinned"] and other["provenance"]["cpu"]["capability"] == "AVX2"
