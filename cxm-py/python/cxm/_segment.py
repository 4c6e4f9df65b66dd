"""Segmentation and hotspot search over pandas DataFrames or response tables."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import pandas as pd

from cxm import _columns, _cxm
from cxm._table import ResponseTable
from cxm.exceptions import FormatVersionError, MissingColumnError, SerializationError

__all__ = [
    "segment",
    "segment_summary",
    "hotspots",
    "hotspot_summary",
    "SegmentSummary",
    "HotspotSummary",
]

Names = Union[str, Sequence[str], None]
Data = Union[pd.DataFrame, ResponseTable]

#: Columns of a segment table after the key columns (the metric's column is its name).
_SEGMENT_COLUMNS = ("n", "{metric}", "low", "high", "diff", "p_value", "q_value", "flag", "weighted_n", "n_eff",
                    "rest", "cost")
_HOTSPOT_COLUMNS = ("segment", "depth", "n", "{metric}", "low", "high", "rest", "diff", "cost", "p_value",
                    "q_value", "flag", "weighted_n")


def _metric(metric: Any) -> str:
    if not isinstance(metric, str) or metric.lower() not in ("nps", "csat", "ces"):
        raise _columns.invalid_argument("metric", f"`{metric}` is not one of nps, csat, ces")
    return metric.lower()


def _column(df: pd.DataFrame, name: str) -> pd.Series:
    if name not in df.columns:
        available = ", ".join(map(str, df.columns))
        raise MissingColumnError(f"column `{name}` not found (available: {available})", column=name,
                                 available=available)
    column = df[name]
    if isinstance(column, pd.DataFrame):
        raise _columns.invalid_argument(name, "the DataFrame has several columns of this name")
    return column


def _check_names(dims: List[str], metric: str, reserved: Sequence[str]) -> None:
    taken = {c.format(metric=metric) for c in reserved}
    for d in dims:
        if d in taken:
            raise _columns.invalid_argument("by", f"dimension `{d}` clashes with the output column of that name")
    if len(set(dims)) != len(dims):
        raise _columns.invalid_argument("by", f"dimensions {dims} repeat a name")


class _Prepared:
    """Arguments of a segment / hotspot call resolved against the data."""

    def __init__(
        self,
        data: Data,
        metric: Any,
        by: Names,
        time: Optional[str],
        bucket: Names,
        utc_offset: Any,
        weights: Optional[str],
        score: Optional[str],
        csat_points: int,
        policy: str,
    ) -> None:
        self.metric = _metric(metric)
        self.by = _columns.names(by, "by")
        self.buckets = [b.lower() for b in _columns.names(bucket, "bucket")]
        self.dims = self.by + self.buckets
        if len(set(self.dims)) != len(self.dims):
            raise _columns.invalid_argument("by", f"dimensions {self.dims} repeat a name")
        self.offset = _columns.utc_offset_minutes(utc_offset)
        self.table: Optional[Any] = None
        self.answers: Any = None
        self.kwargs: Dict[str, Any] = {}
        if isinstance(data, ResponseTable):
            for name, value in (("weights", weights), ("score", score)):
                if value is not None:
                    raise _columns.invalid_argument(name, "a ResponseTable already names its columns; leave it None")
            if time not in (None, "timestamp"):
                raise _columns.invalid_argument("time", "a ResponseTable has one timestamp column; leave time None")
            self.table = data._raw
            return
        if not isinstance(data, pd.DataFrame):
            raise _columns.invalid_argument("data", f"expected a pandas DataFrame or a ResponseTable, got "
                                                    f"{type(data).__name__}")
        score_name = score if score is not None else self.metric
        self.answers, present = _columns.answers(_column(data, score_name), score_name, float64=False)
        dims: List[Tuple[Any, ...]] = []
        for name in self.by:
            codes, levels = _columns.codes(_column(data, name), name)
            dims.append(("attribute", name, codes, levels))
        dims.extend(("time", b) for b in self.buckets)
        stamps = None
        if self.buckets:
            time_name = time if time is not None else "timestamp"
            stamps = _columns.timestamps(_column(data, time_name), time_name)
        self.kwargs = dict(
            points=csat_points,
            present=present,
            weights=None if weights is None else _columns.weights(_column(data, weights), weights),
            dims=dims,
            timestamps=stamps,
            utc_offset=self.offset,
            answer_column=score_name,
            policy=policy,
        )


def _frame(columns: Dict[str, Any], attrs: Dict[str, Any]) -> pd.DataFrame:
    df = pd.DataFrame(columns)
    df.attrs.update(attrs)
    return df


def _overall_attrs(cols: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "metric": cols["metric"],
        "overall": cols["overall"],
        "overall_low": cols["overall_low"],
        "overall_high": cols["overall_high"],
        "n": cols["total_n"],
        "missing": cols["missing"],
        "load_report": cols["load_report"],
    }


class SegmentSummary:
    """Mergeable per-group answer distributions of one metric (see :func:`segment`).

    Build one per partition with :func:`segment_summary`, combine them with
    :meth:`merge`, then :meth:`finish` into the segment table. Picklable (the core's
    versioned JSON), so it travels to and from Dask / Spark workers.
    """

    __slots__ = ("_raw",)

    def __init__(self, raw: Any) -> None:
        if not isinstance(raw, _cxm.SegmentSummary):
            raise _columns.invalid_argument("raw", "use cxm.segment_summary to build a SegmentSummary")
        self._raw = raw

    @property
    def dims(self) -> List[str]:
        """Dimension names: the key columns of the table."""
        return list(self._raw.dims)

    @property
    def group_count(self) -> int:
        """Number of groups seen."""
        return int(self._raw.group_count)

    def merge(self, other: "SegmentSummary") -> "SegmentSummary":
        """A **new** summary of both operands (same metric, dimensions and UTC offset);
        neither operand changes. ``merge(summary(a), summary(b)) == summary(a ∪ b)``."""
        if not isinstance(other, SegmentSummary):
            raise _columns.invalid_argument("other", f"expected a SegmentSummary, got {type(other).__name__}")
        return SegmentSummary(self._raw.merge(other._raw))

    def finish(
        self,
        *,
        min_n: int = 30,
        confidence: float = 0.95,
        alpha: float = 0.05,
        interval: str = "wald",
    ) -> pd.DataFrame:
        """The segment table as a tidy DataFrame (see :func:`segment`)."""
        cols = self._raw.finish(min_n, confidence, alpha, interval)
        metric = cols["metric"]
        dims = list(cols["dims"])
        _check_names(dims, metric, _SEGMENT_COLUMNS)
        data: Dict[str, Any] = {d: pd.Series(k, dtype=object) for d, k in zip(dims, cols["keys"])}
        data["n"] = cols["n"]
        data[metric] = cols["value"]
        for c in ("low", "high", "diff", "p_value", "q_value"):
            data[c] = cols[c]
        data["flag"] = pd.Series(cols["flag"], dtype=object)
        for c in ("weighted_n", "n_eff", "rest", "cost"):
            data[c] = cols[c]
        attrs = _overall_attrs(cols)
        attrs["dims"] = dims
        return _frame(data, attrs)

    def to_json(self) -> str:
        """The core's JSON form (with its format version)."""
        return str(self._raw.to_json())

    @classmethod
    def from_json(cls, json: str) -> "SegmentSummary":
        """Restores a summary from :meth:`to_json` (format version checked)."""
        return cls(_cxm.SegmentSummary.from_json(json))

    @staticmethod
    def _from_bytes(data: bytes) -> "SegmentSummary":
        return SegmentSummary.from_json(data.decode("utf-8"))

    def __reduce__(self) -> Any:
        return (SegmentSummary._from_bytes, (self.to_json().encode("utf-8"),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SegmentSummary) and self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SegmentSummary(dims={self.dims}, groups={self.group_count})"


def segment_summary(
    data: Data,
    metric: str = "nps",
    *,
    by: Names = (),
    time: Optional[str] = None,
    bucket: Names = None,
    utc_offset: Union[int, str] = 0,
    weights: Optional[str] = None,
    score: Optional[str] = None,
    csat_points: int = 5,
    policy: str = "reject",
) -> SegmentSummary:
    """The mergeable summary behind :func:`segment` (same arguments). The scan of the
    columns runs in Rust without the GIL and without copying numeric columns."""
    p = _Prepared(data, metric, by, time, bucket, utc_offset, weights, score, csat_points, policy)
    if p.table is not None:
        return SegmentSummary(_cxm.SegmentSummary.from_table(p.table, p.metric, p.by, p.buckets, p.offset))
    return SegmentSummary(_cxm.SegmentSummary.from_columns(p.metric, p.answers, **p.kwargs))


def segment(
    data: Data,
    metric: Union[str, Sequence[str]] = "nps",
    *,
    by: Names = (),
    time: Optional[str] = None,
    bucket: Names = None,
    min_n: int = 30,
    confidence: float = 0.95,
    alpha: float = 0.05,
    utc_offset: Union[int, str] = 0,
    weights: Optional[str] = None,
    score: Union[str, Dict[str, str], None] = None,
    csat_points: int = 5,
    interval: str = "wald",
    policy: str = "reject",
) -> pd.DataFrame:
    """Where is the score bad? Groups ``metric`` by the categorical columns ``by`` and
    calendar ``bucket`` (hour, weekday, daypart, date, week, month, quarter of the
    timestamp column ``time``, default ``"timestamp"``, in local time at ``utc_offset``).

    Returns one row per group: the key columns, ``n``, the metric (``nps``/``csat``/
    ``ces``), ``low``/``high`` (interval), ``diff`` against the rest of the data,
    ``p_value``, Benjamini–Hochberg ``q_value``, ``flag`` (worse / better /
    not_significant / suppressed below ``min_n``), then ``weighted_n``, ``n_eff``,
    ``rest`` and ``cost`` (points the overall score would gain if the group scored like
    the rest). ``df.attrs`` holds the overall value, its interval, ``n``, ``missing`` and
    the ``load_report``.

    ``data`` is a DataFrame (``score`` names the answer column, default the metric's
    name; ``weights`` a weight column; ``policy`` says what a bad row does) or a
    :class:`ResponseTable` (already validated).

    Several metrics at once (``metric=["nps", "csat", "ces"]``) give one long table: the
    key columns, ``metric``, then ``n``, ``value``, ``low`` … as above; ``score`` is then
    ``None`` or a dict ``{metric: column}``, and a DataFrame is scanned once for all of
    them.
    """
    if not isinstance(metric, str):
        return _segment_many(data, metric, by=by, time=time, bucket=bucket, utc_offset=utc_offset,
                             weights=weights, score=score, csat_points=csat_points, policy=policy,
                             options=dict(min_n=min_n, confidence=confidence, alpha=alpha, interval=interval))
    if isinstance(score, dict):
        score = score.get(metric.lower())
    s = segment_summary(data, metric, by=by, time=time, bucket=bucket, utc_offset=utc_offset, weights=weights,
                        score=score, csat_points=csat_points, policy=policy)
    return s.finish(min_n=min_n, confidence=confidence, alpha=alpha, interval=interval)


def _segment_many(
    data: Data,
    metrics: Any,
    *,
    by: Names,
    time: Optional[str],
    bucket: Names,
    utc_offset: Union[int, str],
    weights: Optional[str],
    score: Any,
    csat_points: int,
    policy: str,
    options: Dict[str, Any],
) -> pd.DataFrame:
    """:func:`segment` for several metrics at once, in long (tidy) form: one row per
    group and metric, the metric named in column ``metric`` and its value in ``value``.
    A DataFrame is scanned once for all metrics (the category codes are read once)."""
    try:
        names = [_metric(m) for m in metrics]
    except TypeError:
        raise _columns.invalid_argument("metric", f"`{metrics}` is neither a metric name nor a list of them") from None
    if not names or len(set(names)) != len(names):
        raise _columns.invalid_argument("metric", f"expected distinct metric names, got {names}")
    if score is not None and not isinstance(score, dict):
        raise _columns.invalid_argument("score", "with several metrics, give a dict {metric: column} or None")
    scores: Dict[str, str] = {m: (score or {}).get(m, m) for m in names}
    if isinstance(data, pd.DataFrame):
        p = _Prepared(data, names[0], by, time, bucket, utc_offset, weights, scores[names[0]], csat_points, policy)
        specs = []
        for m in names:
            answers, present = _columns.answers(_column(data, scores[m]), scores[m], float64=False)
            specs.append((m, answers, present, scores[m]))
        kw = {k: p.kwargs[k] for k in ("points", "weights", "dims", "timestamps", "utc_offset", "policy")}
        raws = _cxm.SegmentSummary.from_columns_many(specs, **kw)
        summaries = [SegmentSummary(r) for r in raws]
    else:
        summaries = [segment_summary(data, m, by=by, time=time, bucket=bucket, utc_offset=utc_offset,
                                     csat_points=csat_points, policy=policy) for m in names]
    # One DataFrame built from the native columns (no per-metric frames to concatenate).
    parts = [(m, sm._raw.finish(options["min_n"], options["confidence"], options["alpha"], options["interval"]))
             for m, sm in zip(names, summaries)]
    dims = list(parts[0][1]["dims"])
    _check_names(dims, "value", _SEGMENT_COLUMNS + ("metric",))
    out: Dict[str, Any] = {}
    for j, d in enumerate(dims):
        out[d] = pd.Series([k for _, c in parts for k in c["keys"][j]], dtype=object)
    out["metric"] = pd.Series([m for m, c in parts for _ in range(len(c["n"]))], dtype=object)
    out["n"] = np.concatenate([c["n"] for _, c in parts])
    out["value"] = np.concatenate([c["value"] for _, c in parts])
    for col in ("low", "high", "diff", "p_value", "q_value"):
        out[col] = np.concatenate([c[col] for _, c in parts])
    out["flag"] = pd.Series([f for _, c in parts for f in c["flag"]], dtype=object)
    for col in ("weighted_n", "n_eff", "rest", "cost"):
        out[col] = np.concatenate([c[col] for _, c in parts])
    overall = {m: _overall_attrs(c) for m, c in parts}
    return _frame(out, {"metrics": names, "overall": overall, "dims": dims})


class HotspotSummary:
    """Mergeable state of a hotspot search (see :func:`hotspots`): one segment summary
    per combination of dimensions. Every combination drops the same rows, so the
    overall headline and the row accounting come from the same state. Picklable."""

    __slots__ = ("_raw", "_dims", "_max_depth")

    def __init__(self, raw: Any, dims: List[str], max_depth: int) -> None:
        if not isinstance(raw, _cxm.HotspotSummary):
            raise _columns.invalid_argument("raw", "use cxm.hotspot_summary to build a HotspotSummary")
        self._raw = raw
        self._dims = list(dims)
        self._max_depth = int(max_depth)

    @property
    def dims(self) -> List[str]:
        """The dimensions searched."""
        return list(self._dims)

    @property
    def max_depth(self) -> int:
        """Largest number of dimensions combined."""
        return self._max_depth

    def merge(self, other: "HotspotSummary") -> "HotspotSummary":
        """A **new** summary of both operands (built with the same arguments)."""
        if not isinstance(other, HotspotSummary) or other._dims != self._dims:
            raise _columns.invalid_argument("other", "expected a HotspotSummary over the same dimensions")
        return HotspotSummary(self._raw.merge(other._raw), self._dims, self._max_depth)

    def finish(
        self,
        *,
        min_n: int = 30,
        top: int = 10,
        concentration: float = 0.5,
        confidence: float = 0.95,
        alpha: float = 0.05,
        interval: str = "wald",
    ) -> pd.DataFrame:
        """The ranked hotspots as a DataFrame (see :func:`hotspots`)."""
        cols = self._raw.finish(min_n, confidence, alpha, interval, self._max_depth, top, concentration)
        metric = cols["metric"]
        _check_names(self._dims, metric, _HOTSPOT_COLUMNS)
        rows = len(cols["segment"])
        keys: Dict[str, List[Optional[str]]] = {d: [None] * rows for d in self._dims}
        for i, conditions in enumerate(cols["conditions"]):
            for dim, label in conditions:
                keys[dim][i] = label
        data: Dict[str, Any] = {d: pd.Series(v, dtype=object) for d, v in keys.items()}
        data["segment"] = pd.Series(cols["segment"], dtype=object)
        data["depth"] = cols["depth"]
        data["n"] = cols["n"]
        data[metric] = cols["value"]
        for c in ("low", "high", "rest", "diff", "cost", "p_value", "q_value"):
            data[c] = cols[c]
        data["flag"] = pd.Series(cols["flag"], dtype=object)
        data["weighted_n"] = cols["weighted_n"]
        attrs = _overall_attrs(cols)
        attrs["dims"] = list(self._dims)
        return _frame(data, attrs)

    def to_json(self) -> str:
        """JSON form: the core summary (with its format version) and the dimension
        list, under this binding's format version."""
        return json.dumps({
            "format_version": int(_cxm.FORMAT_VERSION),
            "dims": self._dims,
            "max_depth": self._max_depth,
            "hotspots": json.loads(self._raw.to_json()),
        })

    @classmethod
    def from_json(cls, text: str) -> "HotspotSummary":
        """Restores a summary from :meth:`to_json` (format versions checked). JSON from
        earlier releases, which also held an ``"overall"`` summary, still loads."""
        try:
            value = json.loads(text)
            found = value["format_version"]
            if found != _cxm.FORMAT_VERSION:
                raise FormatVersionError(
                    f"summary format version {found} is not supported (this build reads version "
                    f"{_cxm.FORMAT_VERSION})", found=found, expected=_cxm.FORMAT_VERSION)
            parts = (value["hotspots"], value["dims"], value["max_depth"])
        except (ValueError, KeyError, TypeError) as e:
            if isinstance(e, FormatVersionError):
                raise
            raise SerializationError(f"serialization error: {e}", message=str(e)) from None
        return cls(_cxm.HotspotSummary.from_json(json.dumps(parts[0])), list(parts[1]), int(parts[2]))

    @staticmethod
    def _from_bytes(data: bytes) -> "HotspotSummary":
        return HotspotSummary.from_json(data.decode("utf-8"))

    def __reduce__(self) -> Any:
        return (HotspotSummary._from_bytes, (self.to_json().encode("utf-8"),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, HotspotSummary) and self._dims == other._dims and self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"HotspotSummary(dims={self._dims}, max_depth={self._max_depth})"


def hotspot_summary(
    data: Data,
    metric: str = "nps",
    *,
    by: Names = (),
    time: Optional[str] = None,
    bucket: Names = None,
    max_depth: int = 3,
    utc_offset: Union[int, str] = 0,
    weights: Optional[str] = None,
    score: Optional[str] = None,
    csat_points: int = 5,
    policy: str = "reject",
) -> HotspotSummary:
    """The mergeable summary behind :func:`hotspots` (same arguments)."""
    p = _Prepared(data, metric, by, time, bucket, utc_offset, weights, score, csat_points, policy)
    if p.table is not None:
        raw = _cxm.HotspotSummary.from_table(p.table, p.metric, p.by, p.buckets, p.offset, max_depth)
    else:
        raw = _cxm.HotspotSummary.from_columns(p.metric, p.answers, max_depth=max_depth, **p.kwargs)
    return HotspotSummary(raw, p.dims, max_depth)


def hotspots(
    data: Data,
    metric: str = "nps",
    *,
    by: Names = (),
    time: Optional[str] = None,
    bucket: Names = None,
    min_n: int = 30,
    max_depth: int = 3,
    top: int = 10,
    concentration: float = 0.5,
    confidence: float = 0.95,
    alpha: float = 0.05,
    utc_offset: Union[int, str] = 0,
    weights: Optional[str] = None,
    score: Optional[str] = None,
    csat_points: int = 5,
    interval: str = "wald",
    policy: str = "reject",
) -> pd.DataFrame:
    """Which slices cost the overall score the most points? Searches every combination
    of 1..``max_depth`` of the dimensions (``by`` columns and time ``bucket``\\ s), tests
    each slice against the rest (Benjamini–Hochberg over the whole search), and ranks the
    significantly worse ones by ``cost = (W_slice/W)·(rest − value)``.

    Returns up to ``top`` rows: one column per dimension (``None`` where the slice does
    not constrain it), ``segment`` (``"store=Leeds & daypart=evening"``), ``depth``,
    ``n``, the metric, ``low``, ``high``, ``rest``, ``diff``, ``cost``, ``p_value``,
    ``q_value``, ``flag`` and ``weighted_n``. ``df.attrs`` holds the overall value and
    the ``load_report``. Other arguments as in :func:`segment`.
    """
    s = hotspot_summary(data, metric, by=by, time=time, bucket=bucket, max_depth=max_depth, utc_offset=utc_offset,
                        weights=weights, score=score, csat_points=csat_points, policy=policy)
    return s.finish(min_n=min_n, top=top, concentration=concentration, confidence=confidence, alpha=alpha,
                    interval=interval)
