"A damaged record, resume file or weight file never blocks a job: it is moved aside and the job reruns to the same result."
import warnings
import pytest
from advanti.runner import Job, run_job, record_path, resume_path, weights_path, read_record

TINY = dict(epochs=2, progress=False, eval_samples=64, batch_size=256)

def _cut(path, keep: int = 100):
    data = path.read_bytes(); path.write_bytes(data[:keep])

def _rerun(job, folder):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always"); record = run_job(job, folder)
    return record, [str(w.message) for w in caught if "moved aside" in str(w.message)]

def test_truncated_record_is_moved_aside_and_the_job_reruns_to_the_same_result(tmp_path):
    job = Job("trades", model_options=dict(width=8), config=TINY)
    first = run_job(job, tmp_path)
    _cut(record_path(job, tmp_path))
    again, said = _rerun(job, tmp_path)
    assert again["metrics"] == first["metrics"] and again["history"] == first["history"]
    aside = list((tmp_path / "records").glob("*.corrupt-*"))
    assert len(aside) == 1 and len(said) == 1 and aside[0].name in said[0]

def test_truncated_resume_file_is_moved_aside_and_the_job_reruns_to_the_same_result(tmp_path):
    job = Job("pgd_at", model_options=dict(width=8), config=TINY)
    reference = run_job(job, tmp_path / "reference")
    resume = resume_path(job, tmp_path)
    resume.parent.mkdir(parents=True); resume.write_bytes(b"PK\x03\x04 a zip cut short")  # as a crash mid-copy leaves it
    record, said = _rerun(job, tmp_path)
    assert record["metrics"] == reference["metrics"] and record["history"] == reference["history"]
    assert len(said) == 1 and list(resume.parent.glob("*.resume.pt.corrupt-*"))

def test_damaged_parent_weights_are_moved_aside_and_the_parent_reruns(tmp_path):
    parent = Job("pgd_at", model_options=dict(width=8), config=TINY)
    child = Job("erm", "ERM from PGD-AT", model_options=dict(width=8), config=TINY, init=parent)
    reference = run_job(child, tmp_path / "reference")
    run_job(parent, tmp_path, need_weights=True)
    _cut(weights_path(parent, tmp_path), 50)
    record, said = _rerun(child, tmp_path)
    assert record["metrics"] == reference["metrics"] and said
    assert read_record(record_path(parent, tmp_path)) is not None and weights_path(parent, tmp_path).stat().st_size > 50
