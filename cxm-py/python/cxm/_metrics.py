"""NPS, CSAT and CES: one-call functions, mergeable summaries and comparisons."""

from __future__ import annotations

import numbers
from typing import Any, ClassVar, List, Union, cast

import numpy as np

from cxm import _columns, _cxm
from cxm._cxm import CesResult, Comparison, CsatResult, NpsResult
from cxm.exceptions import InvalidDtypeError

__all__ = [
    "nps",
    "csat",
    "ces",
    "compare",
    "NpsSummary",
    "CsatSummary",
    "CesSummary",
    "NpsResult",
    "CsatResult",
    "CesResult",
    "Comparison",
]


def _scalar(x: Any, name: str) -> float:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise InvalidDtypeError(
            f"`{name}` is {type(x).__name__} {x!r}; expected a number",
            column=name,
            dtype=type(x).__name__,
            expected="a number",
        )
    return float(x)


class _MetricSummary:
    """Shared implementation of the three metric summaries."""

    __slots__ = ("_raw",)
    _metric: ClassVar[str]

    def __init__(self) -> None:
        self._raw = _cxm.MetricSummary(self._metric)

    @classmethod
    def _wrap(cls, raw: Any) -> Any:
        out = cls.__new__(cls)
        out._raw = raw
        return out

    def push(self, score: float, weight: float = 1.0) -> None:
        """Adds one answer (``weight`` 1.0 for unweighted data).

        A bad answer or weight raises and adds nothing; the error's ``row`` is
        ``len(self)``.
        """
        self._raw.push(_scalar(score, "score"), _scalar(weight, "weight"))

    def extend(self, values: Any, weights: Any = None) -> None:
        """Adds a column of answers (list, numpy array or pandas Series) and optional
        weights, in place. All-or-nothing: on the first bad value nothing is added and the
        error names its index. Missing answers (``None``, ``pd.NA``) are left out; a float
        ``NaN`` is an error."""
        arr, present = _columns.answers(values, "score", float64=True)
        w = None if weights is None else _columns.weights(weights)
        self._raw.extend(arr, w, present)

    def merge(self, other: Any) -> Any:
        """A **new** summary of both operands' answers; neither operand changes.

        ``functools.reduce(lambda a, b: a.merge(b), partitions)`` combines partition
        summaries (e.g. from Dask) into the summary of the whole.
        """
        if type(other) is not type(self):
            raise _columns.invalid_argument(
                "other", f"cannot merge {type(other).__name__} into {type(self).__name__}"
            )
        return self._wrap(self._raw.merge(other._raw))

    @property
    def counts(self) -> List[int]:
        """Answer counts per scale level, lowest answer first."""
        return list(self._raw.counts)

    @property
    def weighted_n(self) -> float:
        """Sum of weights."""
        return float(self._raw.weighted_n)

    def to_json(self) -> str:
        """JSON form (with the core's format version)."""
        return str(self._raw.to_json())

    @classmethod
    def from_json(cls, json: str) -> Any:
        """Restores a summary from :meth:`to_json`; raises ``FormatVersionError`` for
        another format version and ``SerializationError`` for anything else wrong."""
        return cls._wrap(_cxm.MetricSummary.from_json(cls._metric, json))

    @classmethod
    def _from_bytes(cls, data: bytes) -> Any:
        return cls.from_json(data.decode("utf-8"))

    def __reduce__(self) -> Any:
        return (type(self)._from_bytes, (self.to_json().encode("utf-8"),))

    def __len__(self) -> int:
        return len(self._raw)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _MetricSummary) and type(other) is type(self) and self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(n={len(self)}, weighted_n={self.weighted_n:g})"


class NpsSummary(_MetricSummary):
    """Mergeable summary of NPS answers (0-10): ``push``/``extend`` → ``merge`` →
    ``finish``. Picklable (over the core's versioned JSON)."""

    __slots__ = ()
    _metric = "nps"

    def finish(self, *, confidence: float = 0.95, interval: str = "wald", small_n: int = 30) -> NpsResult:
        """The NPS with its interval; ``interval`` picks the main one ("wald" or
        "adjusted_wald"; both are always reported)."""
        return cast(NpsResult, self._raw.finish(confidence, interval, small_n))


class CsatSummary(_MetricSummary):
    """Mergeable summary of CSAT answers on a 1-``points`` scale (default 5)."""

    __slots__ = ()
    _metric = "csat"

    def __init__(self, points: int = 5) -> None:
        self._raw = _cxm.MetricSummary("csat", _points(points))

    @property
    def points(self) -> int:
        """Number of scale points."""
        return int(self._raw.points)

    def finish(self, *, confidence: float = 0.95, small_n: int = 30) -> CsatResult:
        """CSAT% (top-two box, Wilson interval) and the mean (t interval)."""
        return cast(CsatResult, self._raw.finish(confidence, "wald", small_n))

    def __repr__(self) -> str:
        return f"CsatSummary(points={self.points}, n={len(self)}, weighted_n={self.weighted_n:g})"


class CesSummary(_MetricSummary):
    """Mergeable summary of CES 2.0 answers (1-7)."""

    __slots__ = ()
    _metric = "ces"

    def finish(self, *, confidence: float = 0.95, small_n: int = 30) -> CesResult:
        """Mean (t interval) and % agree (5-7, Wilson interval)."""
        return cast(CesResult, self._raw.finish(confidence, "wald", small_n))


def _points(points: Any) -> int:
    if isinstance(points, (bool, np.bool_)) or not isinstance(points, numbers.Integral) or not 2 <= int(points) <= 11:
        raise _columns.invalid_argument("points", f"CSAT scale 1-{points} must have 2 to 11 points")
    return int(points)


def nps(
    values: Any,
    weights: Any = None,
    *,
    confidence: float = 0.95,
    interval: str = "wald",
    small_n: int = 30,
) -> NpsResult:
    """Net Promoter Score of answers 0-10 (list, numpy array or pandas Series).

    ``NPS = 100·(P − D)/N``; Wald interval ``NPS ± z·100·√Var`` with
    ``Var = (p_P + p_D − (p_P − p_D)²)/n`` and Kish's effective n for weights; the
    adjusted-Wald interval (Rocks 2016) is also reported. Bad answers (NaN/inf,
    out-of-range, non-integer) and weights (negative, NaN) raise an
    :class:`~cxm.InvalidInputError` subclass naming the row.
    """
    s = NpsSummary()
    s.extend(values, weights)
    return s.finish(confidence=confidence, interval=interval, small_n=small_n)


def csat(
    values: Any,
    weights: Any = None,
    *,
    confidence: float = 0.95,
    points: int = 5,
    small_n: int = 30,
) -> CsatResult:
    """CSAT of answers 1-``points``: CSAT% = share of the top two boxes (Wilson interval)
    and the mean (Student-t interval)."""
    s = CsatSummary(points)
    s.extend(values, weights)
    return s.finish(confidence=confidence, small_n=small_n)


def ces(
    values: Any,
    weights: Any = None,
    *,
    confidence: float = 0.95,
    small_n: int = 30,
) -> CesResult:
    """CES 2.0 of answers 1-7: mean (Student-t interval) and % agree (5-7, Wilson)."""
    s = CesSummary()
    s.extend(values, weights)
    return s.finish(confidence=confidence, small_n=small_n)


Comparable = Union[NpsResult, CsatResult, CesResult, NpsSummary, CsatSummary, CesSummary]


def compare(a: Comparable, b: Comparable, *, confidence: float = 0.95) -> Comparison:
    """Compares the headline metric of two independent samples (results or summaries of
    the same metric): unpooled z-test for NPS and CSAT%, Welch's t-test for the CES mean.
    Returns ``diff = a − b`` with its interval, the statistic, df and a two-sided p-value.
    """

    def raw(x: Any) -> Any:
        return x._raw if isinstance(x, _MetricSummary) else x

    return _cxm.compare(raw(a), raw(b), confidence)
