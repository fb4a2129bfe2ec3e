"""How often the intervals of `advanti.stats.interval` cover the true mean.

A 95% interval should contain the true mean in about 95% of data sets. This is checked by simulation:
- for normally distributed differences at n = 3, 5 and 10 values, the t-interval covers in 93.5% to 96.5% of
  data sets, and its p-value is below 0.05 exactly when the interval leaves out zero;
- the percentile bootstrap at n = 5 covers clearly less (about 84%), which is why the reports use the t-interval;
- on data sets resampled from the per-seed differences in the committed verdict tables (5 values each, a
  discrete, heavy-tailed case), the coverage of both is measured and printed (`pytest -s` shows it), and the
  t-interval's is bounded loosely from below.
All simulations use fixed seeds, so every figure is the same on every run."""
from pathlib import Path
import numpy as np
import pandas as pd
import pytest
from advanti.stats import interval

TRUE_MEAN, TRUE_SD = 1.7, 2.3
SETS = 2_000  # simulated data sets per case
LEVEL = 0.95
BOOTSTRAP_RESAMPLES = 2_000
RESAMPLED_SETS = 2_000  # at least this many data sets resampled from the committed differences, in all

def _normal_sets(n: int, sets: int = SETS) -> np.ndarray:
    "`sets` data sets of `n` normal values with mean TRUE_MEAN and sd TRUE_SD (one row each); seeded by `n`."
    return np.random.default_rng(1000 + n).normal(TRUE_MEAN, TRUE_SD, (sets, n))

def _covers(values, truth: float, method: str = "t") -> bool:
    "Whether the 95% interval of `values` by `method` contains `truth`."
    ci = interval(values, LEVEL, method, resamples=BOOTSTRAP_RESAMPLES)
    assert ci["kind"] == method, f"{values} gave a {ci['kind']!r} interval, not {method!r}"
    return ci["low"] <= truth <= ci["high"]

def _coverage(data_sets, truths, method: str = "t") -> float:
    "The share of `data_sets` whose interval by `method` contains its true mean."
    return float(np.mean([_covers(v, truth, method) for v, truth in zip(data_sets, truths)]))

@pytest.mark.parametrize("n", [3, 5, 10])
def test_t_interval_covers_the_mean_of_normal_differences_95_percent_of_the_time(n):
    coverage = _coverage(_normal_sets(n), [TRUE_MEAN] * SETS)
    print(f"\nt-interval, normal differences, n={n}: coverage {coverage:.3f} over {SETS} data sets")
    assert 0.935 <= coverage <= 0.965, f"t-interval coverage at n={n} is {coverage:.3f}, not within [0.935, 0.965]"

@pytest.mark.parametrize("n", [3, 5, 10])
def test_p_value_is_below_5_percent_exactly_when_the_interval_excludes_zero(n):
    outcomes = set()
    for values in _normal_sets(n)[:200]:
        ci = interval(values, LEVEL, "t")
        excludes_zero = ci["low"] > 0 or ci["high"] < 0
        assert (ci["p"] < 1 - LEVEL) == excludes_zero, f"p={ci['p']:.4f}, interval [{ci['low']:.3f}, {ci['high']:.3f}]"
        outcomes.add(excludes_zero)
    assert outcomes == {True, False}, "the sets checked should include intervals that exclude zero and ones that do not"

def test_percentile_bootstrap_covers_clearly_less_at_five_values():
    coverage = _coverage(_normal_sets(5), [TRUE_MEAN] * SETS, "bootstrap")
    print(f"\npercentile bootstrap, normal differences, n=5: coverage {coverage:.3f} over {SETS} data sets")
    assert coverage < 0.90, f"bootstrap coverage at n=5 is {coverage:.3f}; expected clearly below 95% (about 84%)"

def _committed_differences(repo_root: Path) -> list[np.ndarray]:
    "Every 5-value 'Differences per data seed' vector of the committed verdict tables whose values are not all equal."
    paths = sorted((repo_root / "reports" / "full").glob("*/verdict_*best.csv"))
    paths += sorted((repo_root / "reports" / "full").glob("*/verdict_*last.csv"))
    vectors = []
    for path in paths:
        table = pd.read_csv(path, keep_default_na=False)
        for seeds, text in zip(table["Data seeds"], table["Differences per data seed"]):
            v = np.array([float(x) for x in text.split(" / ")])
            if seeds == 5 and np.ptp(v) > 0: vectors.append(v)
    return vectors

@pytest.fixture(scope="module")
def resampled(repo_root):
    "(data sets, their population means, vectors used, draws skipped): size-5 draws with replacement from each vector."
    vectors = _committed_differences(repo_root)
    assert len(vectors) >= 50, f"only {len(vectors)} 5-seed difference vectors found under reports/full"
    per_vector = -(-RESAMPLED_SETS // len(vectors)) + 1  # spread evenly; one spare draw each for the skipped ones
    rng = np.random.default_rng(2024)
    data_sets, truths, skipped = [], [], 0
    for v in vectors:
        for draw in rng.choice(v, (per_vector, 5), replace=True):
            if np.ptp(draw) == 0: skipped += 1; continue  # all equal: "not testable", no interval
            data_sets.append(draw); truths.append(float(v.mean()))
    assert len(data_sets) >= RESAMPLED_SETS, f"only {len(data_sets)} testable resampled data sets"
    return data_sets, truths, len(vectors), skipped

def test_t_interval_coverage_on_differences_resampled_from_the_reports(resampled):
    data_sets, truths, vectors, skipped = resampled
    coverage = _coverage(data_sets, truths)
    print(f"\nt-interval, resampled committed differences: coverage {coverage:.3f} over {len(data_sets)} data sets "
          f"from {vectors} vectors ({skipped} all-equal draws skipped)")
    # Measured 0.900 (2,498 data sets from 359 vectors, 15 draws skipped); the bound is a few points below it.
    # Resampling 5 points is a discrete, heavy-tailed case, so coverage well below 95% is expected: this reports it.
    assert coverage >= 0.86, f"t-interval coverage on resampled committed differences: {coverage:.3f} (measured 0.900)"

def test_bootstrap_coverage_on_differences_resampled_from_the_reports(resampled):
    data_sets, truths, vectors, skipped = resampled
    coverage = _coverage(data_sets, truths, "bootstrap")
    print(f"\npercentile bootstrap, resampled committed differences: coverage {coverage:.3f} over {len(data_sets)} "
          f"data sets from {vectors} vectors ({skipped} all-equal draws skipped)")
    # Measured 0.805 on the same data sets, ten points below the t-interval; the bound is loose, for comparison only.
    assert coverage >= 0.75, f"bootstrap coverage on resampled committed differences is {coverage:.3f} (measured 0.805)"
