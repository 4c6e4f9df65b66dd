"""Summaries are monoids: merge of partitions == summary of the whole; they pickle."""

from __future__ import annotations

import functools
import json
import pickle

import numpy as np
import pytest

import cxm
from conftest import GOLDEN_NPS

KINDS = [
    (cxm.NpsSummary, lambda rng, n: rng.integers(0, 11, size=n)),
    (lambda: cxm.CsatSummary(points=7), lambda rng, n: rng.integers(1, 8, size=n)),
    (cxm.CesSummary, lambda rng, n: rng.integers(1, 8, size=n)),
]


def test_push_extend_finish() -> None:
    s = cxm.NpsSummary()
    for x in GOLDEN_NPS[:4]:
        s.push(x)
    s.extend(np.array(GOLDEN_NPS[4:]))
    assert len(s) == 10
    assert s.finish().nps == pytest.approx(10.0)
    assert s.counts == [1, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
    assert repr(s) == "NpsSummary(n=10, weighted_n=10)"
    assert s.finish(interval="adjusted_wald").interval == "adjusted_wald"


@pytest.mark.parametrize("make, draw", KINDS)
def test_merge_of_partitions_equals_whole(rng: np.random.Generator, make, draw) -> None:
    x = draw(rng, 1000)
    whole = make()
    whole.extend(x)
    parts = []
    for chunk in np.array_split(x, [10, 333, 334, 900]):
        p = make()
        p.extend(chunk)
        parts.append(p)
    merged = functools.reduce(lambda a, b: a.merge(b), parts)
    assert merged == whole
    assert merged.finish() == whole.finish()
    # merge returns a new summary and leaves its operands alone
    assert len(parts[0]) == 10


def test_weighted_merge_matches_within_rounding(rng: np.random.Generator) -> None:
    x = rng.integers(0, 11, size=500)
    w = rng.uniform(0.2, 3.0, size=500)
    whole = cxm.NpsSummary()
    whole.extend(x, w)
    a, b = cxm.NpsSummary(), cxm.NpsSummary()
    a.extend(x[:200], w[:200])
    b.extend(x[200:], w[200:])
    m = a.merge(b).finish()
    r = whole.finish()
    assert m.nps == pytest.approx(r.nps, rel=1e-12)
    assert m.n_eff == pytest.approx(r.n_eff, rel=1e-12)


@pytest.mark.parametrize("make, draw", KINDS)
def test_pickle_and_json_round_trip(rng: np.random.Generator, make, draw) -> None:
    s = make()
    s.extend(draw(rng, 50), rng.uniform(0.5, 2, size=50))
    back = pickle.loads(pickle.dumps(s))
    assert back == s and type(back) is type(s)
    assert type(s).from_json(s.to_json()) == s
    assert back.finish().to_dict() == s.finish().to_dict()


def test_format_version_is_checked() -> None:
    s = cxm.NpsSummary()
    s.extend(GOLDEN_NPS)
    value = json.loads(s.to_json())
    value["format_version"] = 99
    with pytest.raises(cxm.FormatVersionError) as e:
        cxm.NpsSummary.from_json(json.dumps(value))
    assert (e.value.found, e.value.expected) == (99, 1)
    assert isinstance(e.value, cxm.SerializationError) and isinstance(e.value, ValueError)
    with pytest.raises(cxm.SerializationError):
        cxm.NpsSummary.from_json("{not json")
    with pytest.raises(cxm.SerializationError):
        pickle.loads(pickle.dumps(s).replace(b"format_version", b"format_versiom"))


def test_summary_json_of_another_metric_is_refused() -> None:
    ces = cxm.CesSummary()
    ces.extend([1, 2, 3])
    with pytest.raises(cxm.SerializationError):
        cxm.NpsSummary.from_json(ces.to_json())  # NPS and CES serialize alike
    with pytest.raises(cxm.SerializationError):
        cxm.CsatSummary.from_json(ces.to_json())


def test_merge_refuses_other_metrics_and_scales() -> None:
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.NpsSummary().merge(cxm.CesSummary())  # type: ignore[arg-type]
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.CsatSummary(points=5).merge(cxm.CsatSummary(points=7))


def test_empty_summary_cannot_finish() -> None:
    with pytest.raises(cxm.EmptyInputError) as e:
        cxm.CsatSummary().finish()
    assert "CSAT" in str(e.value) and e.value.what


def test_failed_extend_adds_nothing() -> None:
    s = cxm.NpsSummary()
    s.extend([1, 2])
    with pytest.raises(cxm.InvalidScoreError):
        s.extend([3, 4, 42])
    assert len(s) == 2
    with pytest.raises(cxm.InvalidScoreError) as e:
        s.push(11)
    assert e.value.row == 2  # push errors name row len(self)
    assert len(s) == 2


def test_push_checks_types() -> None:
    s = cxm.CesSummary()
    with pytest.raises(cxm.InvalidDtypeError):
        s.push("7")  # type: ignore[arg-type]
    with pytest.raises(cxm.InvalidDtypeError):
        s.push(True)
    s.push(np.int8(7), np.float32(0.5))
    assert s.weighted_n == 0.5


def test_csat_points_are_validated() -> None:
    for bad in (1, 12, 0):
        with pytest.raises(cxm.InvalidArgumentError) as e:
            cxm.CsatSummary(points=bad)
        assert e.value.name == "points"
    assert cxm.CsatSummary(points=11).points == 11
