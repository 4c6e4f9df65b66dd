"""NPS / CSAT / CES: golden cases and independent references (scipy, statsmodels)."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats import proportion as smp

import cxm
from conftest import GOLDEN_NPS

Z95 = stats.norm.ppf(0.975)


def test_golden_ten_row_nps() -> None:
    r = cxm.nps(GOLDEN_NPS)
    assert r.nps == pytest.approx(10.0)
    # Var = (0.4 + 0.3 - 0.1²)/10 = 0.069; half-width = 1.959964·√0.069 = 51.4838 points.
    assert r.variance == pytest.approx(0.069)
    assert r.low == pytest.approx(10 - 51.4838, abs=1e-3)
    assert r.high == pytest.approx(10 + 51.4838, abs=1e-3)
    assert r.wald == (r.low, r.high)
    assert (r.promoters, r.passives, r.detractors) == pytest.approx((0.4, 0.3, 0.3))
    assert (r.n, r.weighted_n, r.n_eff) == (10, 10.0, 10.0)
    assert r.small and r.confidence == 0.95 and r.interval == "wald"
    # Adjusted Wald (Rocks 2016): n = 13, P = 4.75/13, D = 3.75/13, centre 100/13.
    centre = 100 / 13
    assert r.adjusted_wald == pytest.approx((centre - 43.7562, centre + 43.7562), abs=1e-3)
    adj = cxm.nps(GOLDEN_NPS, interval="adjusted_wald")
    assert (adj.low, adj.high) == adj.adjusted_wald and adj.interval == "adjusted_wald"


def test_result_to_dict_and_repr() -> None:
    r = cxm.nps(GOLDEN_NPS)
    d = r.to_dict()
    assert d["nps"] == r.nps and d["low"] == r.low and d["n"] == 10 and d["small"] is True
    assert set(d) >= {"nps", "low", "high", "wald", "adjusted_wald", "promoters", "passives", "detractors", "n",
                      "weighted_n", "n_eff", "small", "confidence"}
    assert "NpsResult(nps=10.00" in repr(r) and "n=10" in repr(r)
    c = cxm.csat([5, 5, 4, 3, 1])
    assert set(c.to_dict()) >= {"csat", "low", "high", "mean", "mean_low", "mean_high", "n", "points"}
    assert repr(c).startswith("CsatResult(csat=60.00%")
    e = cxm.ces([7, 6, 5, 4, 1])
    assert e.to_dict()["ces"] == e.mean == e.ces
    assert repr(e).startswith("CesResult(mean=4.600")


def test_results_are_frozen_and_picklable() -> None:
    for r in (cxm.nps(GOLDEN_NPS), cxm.csat([5, 4, 1, 2], points=5), cxm.ces([7, 1, 3]), cxm.csat([1], points=7)):
        back = pickle.loads(pickle.dumps(r))
        assert back == r and type(back) is type(r)
        assert back.to_dict().keys() == r.to_dict().keys()
        with pytest.raises(AttributeError):
            r.n = 3  # type: ignore[misc]
    # NaN fields (t interval of one answer) survive the round trip too.
    one = cxm.ces([4])
    assert math.isnan(one.low)
    assert pickle.loads(pickle.dumps(one)) == one


def test_weighted_nps_uses_kish_n() -> None:
    scores = np.array([10, 0, 8, 9, 3, 10.0])
    w = np.array([2.0, 1.0, 1.0, 0.5, 1.5, 1.0])
    r = cxm.nps(scores, w)
    p = w[scores >= 9].sum() / w.sum()
    d = w[scores <= 6].sum() / w.sum()
    n_eff = w.sum() ** 2 / (w**2).sum()
    assert r.nps == pytest.approx(100 * (p - d))
    assert r.n_eff == pytest.approx(n_eff)
    var = (p + d - (p - d) ** 2) / n_eff
    assert r.variance == pytest.approx(var)
    assert r.low == pytest.approx(max(-100, 100 * (p - d - Z95 * math.sqrt(var))))
    assert r.weighted_n == pytest.approx(w.sum()) and r.n == 6


@pytest.mark.parametrize("points", [5, 7, 10])
def test_csat_matches_statsmodels_wilson_and_scipy_t(rng: np.random.Generator, points: int) -> None:
    x = rng.integers(1, points + 1, size=137)
    r = cxm.csat(x, points=points, confidence=0.9)
    k = int((x >= points - 1).sum())
    lo, hi = smp.proportion_confint(k, len(x), alpha=0.1, method="wilson")
    assert r.csat == pytest.approx(100 * k / len(x))
    assert (r.low, r.high) == pytest.approx((100 * lo, 100 * hi), rel=1e-9)
    t_lo, t_hi = stats.t.interval(0.9, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert r.mean == pytest.approx(x.mean())
    assert (r.mean_low, r.mean_high) == pytest.approx((t_lo, t_hi), rel=1e-9)
    assert r.points == points and not r.small


def test_ces_matches_references(rng: np.random.Generator) -> None:
    x = rng.integers(1, 8, size=90)
    r = cxm.ces(x)
    k = int((x >= 5).sum())
    lo, hi = smp.proportion_confint(k, len(x), alpha=0.05, method="wilson")
    assert r.agree == pytest.approx(100 * k / len(x))
    assert (r.agree_low, r.agree_high) == pytest.approx((100 * lo, 100 * hi), rel=1e-9)
    t_lo, t_hi = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=stats.sem(x))
    assert (r.low, r.high) == pytest.approx((t_lo, t_hi), rel=1e-9)


def test_compare_nps_is_an_unpooled_z_test(rng: np.random.Generator) -> None:
    a = rng.integers(0, 11, size=400)
    b = np.minimum(rng.integers(0, 11, size=300) + 1, 10)
    c = cxm.compare(cxm.nps(a), cxm.nps(b))

    def parts(x: np.ndarray) -> tuple:
        p, d = (x >= 9).mean(), (x <= 6).mean()
        return 100 * (p - d), (p + d - (p - d) ** 2) / len(x)

    (va, sa), (vb, sb) = parts(a), parts(b)
    se = 100 * math.sqrt(sa + sb)
    assert c.metric == "nps"
    assert c.diff == pytest.approx(va - vb)
    assert c.statistic == pytest.approx((va - vb) / se)
    assert c.p_value == pytest.approx(2 * stats.norm.sf(abs((va - vb) / se)))
    assert (c.low, c.high) == pytest.approx((va - vb - Z95 * se, va - vb + Z95 * se))
    assert math.isinf(c.df)
    assert pickle.loads(pickle.dumps(c)) == c
    assert "z=" in repr(c)


def test_compare_csat_matches_statsmodels_wald(rng: np.random.Generator) -> None:
    a = rng.integers(1, 6, size=250)
    b = rng.integers(2, 6, size=180)
    c = cxm.compare(cxm.csat(a), cxm.csat(b))
    ka, kb = int((a >= 4).sum()), int((b >= 4).sum())
    ref = smp.test_proportions_2indep(ka, len(a), kb, len(b), method="wald", compare="diff", correction=False)
    assert c.diff == pytest.approx(100 * (ka / len(a) - kb / len(b)))
    assert c.statistic == pytest.approx(ref.statistic, rel=1e-9)
    assert c.p_value == pytest.approx(ref.pvalue, rel=1e-9)


def test_compare_ces_matches_scipy_welch(rng: np.random.Generator) -> None:
    a = rng.integers(1, 8, size=120)
    b = rng.integers(3, 8, size=75)
    summary_b = cxm.CesSummary()
    summary_b.extend(b)
    c = cxm.compare(cxm.ces(a), summary_b)  # results and summaries mix
    ref = stats.ttest_ind(a, b, equal_var=False)
    assert c.diff == pytest.approx(a.mean() - b.mean())
    assert c.statistic == pytest.approx(ref.statistic, rel=1e-9)
    assert c.p_value == pytest.approx(ref.pvalue, rel=1e-9)
    assert c.df == pytest.approx(ref.df, rel=1e-9)
    assert "t=" in repr(c)


def test_compare_rejects_mixed_metrics() -> None:
    with pytest.raises(cxm.InvalidArgumentError) as e:
        cxm.compare(cxm.nps(GOLDEN_NPS), cxm.ces([1, 2, 3]))
    assert e.value.name == "b"
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.compare(cxm.nps(GOLDEN_NPS), "not a result")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "values",
    [
        GOLDEN_NPS,
        tuple(GOLDEN_NPS),
        np.array(GOLDEN_NPS, dtype=np.float64),
        np.array(GOLDEN_NPS, dtype=np.float32),
        np.array(GOLDEN_NPS, dtype=np.int8),
        np.array(GOLDEN_NPS, dtype=np.uint16),
        np.array(GOLDEN_NPS, dtype=np.int64)[::-1][::-1],
        np.array([0] + GOLDEN_NPS, dtype=np.int64)[1:],
        np.array([[x, 0] for x in GOLDEN_NPS])[:, 0],  # non-contiguous view
        pd.Series(GOLDEN_NPS),
        pd.Series(GOLDEN_NPS, dtype="Int8"),
        pd.Series(GOLDEN_NPS, dtype="category"),
        (x for x in GOLDEN_NPS),
    ],
)
def test_accepts_lists_arrays_and_series(values: object) -> None:
    assert cxm.nps(values).nps == pytest.approx(10.0)


def test_missing_answers_are_left_out_not_bad() -> None:
    s = pd.Series(GOLDEN_NPS + [None, None], dtype="Int64")
    assert cxm.nps(s).n == 10
    assert cxm.nps(GOLDEN_NPS + [None]).n == 10
    w = pd.Series([1.0] * 10 + [5.0, 5.0])
    assert cxm.nps(s, w).weighted_n == 10.0
    # ... and errors still name rows of the full column.
    with pytest.raises(cxm.InvalidScoreError) as e:
        cxm.nps(pd.Series([None, 10, None, 12], dtype="Int64"))
    assert e.value.row == 3


def test_confidence_level_is_used() -> None:
    r90 = cxm.nps(GOLDEN_NPS, confidence=0.9)
    half = stats.norm.ppf(0.95) * 100 * math.sqrt(0.069)
    assert (r90.low, r90.high) == pytest.approx((10 - half, 10 + half))
    assert r90.confidence == 0.9


def test_small_n_threshold() -> None:
    assert cxm.nps(GOLDEN_NPS, small_n=10).small is False
    assert cxm.nps(GOLDEN_NPS, small_n=11).small is True
