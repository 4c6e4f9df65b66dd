"""Sentiment of customer comments: :func:`sentiment`, :class:`SentimentModel` and
:class:`Calibration`.

The scoring is the core's (``cxm_core::sentiment``); this module turns text columns
(lists, numpy arrays, pandas Series) into a list for the native layer and builds the
DataFrames and dicts. Rules:

* Modes: ``"cx"`` (the default: the VADER lexicon and rules redone for customer
  feedback) and ``"vader"`` (vaderSentiment 3.3.2 exactly).
* Text: ``str`` values (numpy ``str_`` included). Lists, tuples, numpy ``str`` / object
  arrays and pandas Series of ``object``, ``string`` or categorical dtype are accepted; a
  numeric, boolean or bytes column raises :class:`~cxm.InvalidDtypeError`.
* Rows that cannot be scored: *missing* values (``None``, ``NaN``, ``pd.NA``, ``NaT``),
  values that are *not text* (a number in an object column) and strings that are not
  valid Unicode (lone surrogates). ``policy="reject"`` (the default) raises on the first
  one, naming its row; ``policy="skip"`` keeps the row with NaN scores and label ``None``
  and counts it by reason in ``df.attrs["load_report"]``. Nothing is dropped silently.
* Labels: ``"positive"`` when ``compound >= 0.05``, ``"negative"`` when
  ``compound <= -0.05``, else ``"neutral"`` (VADER's standard cut-offs).
* Offsets given to Python (``explain``, ``clauses``) are character offsets, i.e. string
  indices: ``text[char_start:char_end]`` is the token. ``explain`` also gives the UTF-8
  byte offsets (``byte_start`` / ``byte_end``) the C API and the core use.
"""

from __future__ import annotations

import json
import numbers
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from cxm import _columns, _cxm
from cxm.exceptions import InvalidDtypeError, InvalidUtf8Error

__all__ = ["Calibration", "SentimentModel", "sentiment"]

SentimentModel = _cxm.SentimentModel

#: Modes accepted by :class:`SentimentModel` and :func:`sentiment` (the first is the default).
MODES: Tuple[str, ...] = ("cx", "vader")
#: Survey scales a :class:`Calibration` is fitted on.
SCALES: Tuple[str, ...] = ("nps", "csat", "ces")
#: ``compound`` at or above this is labelled ``"positive"``.
POSITIVE_CUTOFF: float = 0.05
#: ``compound`` at or below this is labelled ``"negative"``.
NEGATIVE_CUTOFF: float = -0.05

_POLICIES = ("reject", "skip")
# Row status codes of `SentimentModel._score_column` (see cxm-py/src/sentiment.rs).
_OK, _MISSING, _NOT_TEXT, _INVALID_UTF8 = 0, 1, 2, 3
_REASONS = {_MISSING: "missing", _NOT_TEXT: "not_text", _INVALID_UTF8: "invalid_utf8"}


def _dtype_error(column: str, dtype: Any, detail: str = "") -> InvalidDtypeError:
    extra = f" ({detail})" if detail else ""
    return InvalidDtypeError(
        f"column `{column}` has dtype {dtype}{extra}; expected text (str)",
        column=column,
        dtype=str(dtype),
        expected="text (str)",
    )


def _is_missing(value: Any) -> bool:
    """None, NaN, pd.NA, NaT: what pandas counts as missing in an object column."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes: not a missing scalar
        return False


def _objects(texts: Any, column: str) -> Tuple[List[Any], Optional[np.ndarray], Optional[pd.Index]]:
    """The values as a list, a missing mask (or ``None``) and the Series index."""
    index: Optional[pd.Index] = None
    if isinstance(texts, (str, bytes)):
        raise _columns.invalid_argument(
            "texts", "expected a column of texts (list, numpy array or Series); for one text use SentimentModel.score"
        )
    if isinstance(texts, pd.Index):
        texts = pd.Series(texts, index=texts)
    if isinstance(texts, pd.Series):
        index = texts.index
        dtype = texts.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cats = dtype.categories
            if not (cats.dtype == object or pd.api.types.is_string_dtype(cats.dtype)):
                raise _dtype_error(column, dtype, f"categories of dtype {cats.dtype}")
            arr = texts.astype(object).to_numpy(dtype=object)
        elif isinstance(dtype, np.dtype) and dtype.kind in "OU":
            arr = texts.to_numpy(dtype=object)
        elif pd.api.types.is_string_dtype(dtype) and not isinstance(dtype, np.dtype):
            arr = np.asarray(texts.astype(object), dtype=object)  # pandas `string` dtypes
        elif isinstance(dtype, np.dtype) and dtype.kind == "f" and len(texts) and bool(texts.isna().all()):
            arr = np.full(len(texts), None, dtype=object)  # an all-empty column read as float
        else:
            raise _dtype_error(column, dtype)
    elif isinstance(texts, np.ndarray):
        if texts.ndim != 1:
            raise _columns.invalid_argument(column, f"expected a one-dimensional column, got shape {texts.shape}")
        if texts.dtype.kind == "U":
            return texts.tolist(), None, None
        if texts.dtype != object:
            raise _dtype_error(column, texts.dtype)
        arr = texts
    else:
        if not hasattr(texts, "__iter__"):
            raise _dtype_error(column, type(texts).__name__, "expected a list, numpy array or Series of texts")
        # A list goes as it is: the extension reports rows that are not `str`, and
        # `score_frame` then tells missing values (None, NaN, pd.NA) from other objects.
        return texts if isinstance(texts, list) else list(texts), None, None
    missing = np.asarray(pd.isna(arr), dtype=bool)
    return arr.tolist(), (np.ascontiguousarray(missing) if missing.any() else None), index


_LABELS = np.array(["negative", "neutral", "positive", None], dtype=object)


def _labels(compound: np.ndarray) -> np.ndarray:
    """``"positive"`` / ``"negative"`` / ``"neutral"`` by the cut-offs; ``None`` for NaN."""
    code = 1 + (compound >= POSITIVE_CUTOFF).astype(np.intp) - (compound <= NEGATIVE_CUTOFF).astype(np.intp)
    code[np.isnan(compound)] = 3
    labels: np.ndarray = _LABELS.take(code)
    return labels


def _row_error(status: int, row: int, value: Any, column: str) -> Exception:
    hint = 'pass policy="skip" to keep the row with NaN scores (it is counted in df.attrs["load_report"])'
    if status == _INVALID_UTF8:
        return InvalidUtf8Error(
            f"row {row} of `{column}` is not valid Unicode (lone surrogates); {hint}", row=row, column=column
        )
    what = "is missing" if status == _MISSING else "is not text"
    return _dtype_error(column, "object", f"row {row} {what}: {type(value).__name__} {value!r}; {hint}")


def score_frame(model: Any, texts: Any, policy: str = "reject") -> pd.DataFrame:
    """``SentimentModel.score_batch``: a DataFrame of scores and labels, one row per text."""
    if policy not in _POLICIES:
        raise _columns.invalid_argument("policy", f"`{policy}` is not one of {', '.join(_POLICIES)}")
    column = "texts"
    if isinstance(texts, pd.Series) and isinstance(texts.name, str):
        column = texts.name
    values, missing, index = _objects(texts, column)
    reject = policy == "reject"
    compound, pos, neu, neg, status = model._score_column(values, missing, reject)
    if missing is None and status.any():
        for i in np.flatnonzero(status == _NOT_TEXT).tolist():
            if _is_missing(values[i]):
                status[i] = _MISSING
    if status.any():
        bad = np.flatnonzero(status)
        if reject:
            row = int(bad[0])
            raise _row_error(int(status[row]), row, values[row], column)
    counts = np.bincount(status, minlength=4)
    skipped: Dict[str, int] = {_REASONS[code]: int(counts[code]) for code in _REASONS if counts[code]}
    df = pd.DataFrame(
        {"compound": compound, "pos": pos, "neu": neu, "neg": neg},
        index=index,
    )
    # object dtype on every pandas version (pandas 3 would infer `str` and turn None into NaN)
    df["label"] = pd.Series(_labels(compound), index=df.index, dtype=object)
    df.attrs["load_report"] = {
        "rows_in": len(values),
        "rows_accepted": int(counts[_OK]),
        "skipped": skipped,
    }
    df.attrs["mode"] = model.mode
    return df


def sentiment(texts: Any, *, mode: str = "cx", policy: str = "reject") -> pd.DataFrame:
    """Sentiment of each text: a DataFrame with columns ``compound`` (−1…1), ``pos``,
    ``neu``, ``neg`` (shares) and ``label`` (``"positive"`` if compound ≥ 0.05,
    ``"negative"`` if ≤ −0.05, else ``"neutral"``), indexed like a Series input.

    ``mode="cx"`` (the default) is tuned for customer feedback; ``"vader"`` reproduces
    vaderSentiment 3.3.2. Rows that cannot be scored (missing, not text) raise with
    ``policy="reject"``; with ``"skip"`` they get NaN scores, label ``None``, and are
    counted in ``df.attrs["load_report"]``. Scoring runs in parallel without the GIL.
    For custom lexicon entries use ``SentimentModel(entries=...).score_batch(texts)``.
    """
    return score_frame(SentimentModel(mode), texts, policy)


# --- explanations and clauses ----------------------------------------------------------


def _spans(item: Dict[str, Any]) -> Dict[str, Any]:
    """A core token or clause record with Python's offsets first: ``char_start`` /
    ``char_end`` (string indices), then the UTF-8 ``byte_start`` / ``byte_end``."""
    out: Dict[str, Any] = {}
    for key, value in item.items():
        if key in ("start", "end"):
            continue
        out[key] = value
        if key == "char_end":
            out["byte_start"] = item["start"]
            out["byte_end"] = item["end"]
    return out


def explanation(raw: str, text: str) -> Dict[str, Any]:
    """``SentimentModel.explain``: the core's explanation JSON as plain Python data.

    ``{"mode", "scores": {compound, pos, neu, neg}, "contributions": [...], "clauses":
    [...]}``; a contribution is ``{token, text, char_start, char_end, byte_start,
    byte_end, base, valence, rules}`` with each rule a dict naming it under ``"rule"``;
    a clause is ``{text, char_start, char_end, byte_start, byte_end, sum, compound}``.
    """
    e: Dict[str, Any] = json.loads(raw)
    e["contributions"] = [_spans(c) for c in e.get("contributions", [])]
    e["clauses"] = [
        {"text": text[c["char_start"] : c["char_end"]], **_spans(c)} for c in e.get("clauses", [])
    ]
    return e


def clauses_frame(
    text: str, starts: List[int], ends: List[int], compound: List[float], sums: List[float]
) -> pd.DataFrame:
    """``SentimentModel.clauses``: one row per clause, ``start`` / ``end`` character
    offsets into ``text``, the clause's ``text``, its ``compound`` and raw ``sum``."""
    return pd.DataFrame(
        {
            "start": np.asarray(starts, dtype=np.int64),
            "end": np.asarray(ends, dtype=np.int64),
            "text": pd.Series([text[a:b] for a, b in zip(starts, ends)], dtype=object),
            "compound": np.asarray(compound, dtype=np.float64),
            "sum": np.asarray(sums, dtype=np.float64),
        }
    )


# --- calibration -----------------------------------------------------------------------


def _scale(scale: Any) -> str:
    if not isinstance(scale, str) or scale.lower() not in SCALES:
        raise _columns.invalid_argument("scale", f"`{scale}` is not one of {', '.join(SCALES)}")
    return scale.lower()


def _csat_points(points: Any) -> int:
    if isinstance(points, (bool, np.bool_)) or not isinstance(points, numbers.Integral) or not 2 <= int(points) <= 11:
        raise _columns.invalid_argument("csat_points", f"CSAT scale 1-{points} must have 2 to 11 points")
    return int(points)


def _floats(values: Any, column: str) -> np.ndarray:
    """A numeric column (any shape for numpy input) as float64; missing values are NaN."""
    arr, missing = _columns._parts(values, column)
    if arr.dtype.kind not in "iuf":
        raise InvalidDtypeError(
            f"column `{column}` has dtype {arr.dtype}; expected numbers",
            column=column,
            dtype=str(arr.dtype),
            expected="numbers",
        )
    out = np.array(arr, dtype=np.float64)
    if missing is not None:
        out[missing] = np.nan
    return out


def _same_index(a: Any, b: Any, name: str) -> None:
    """Pairs are positional: two Series must be in the same order."""
    if isinstance(a, pd.Series) and isinstance(b, pd.Series) and not a.index.equals(b.index):
        raise _columns.invalid_argument(
            name, "its index differs from the other column's; align them first (e.g. `b.reindex(a.index)`)"
        )


class Calibration:
    """A fitted monotone mapping from a comment's ``compound`` to the survey answer the
    customer gave: :meth:`expected_score` (non-decreasing) and :meth:`p_negative`, the
    probability of a negative answer (non-increasing): an NPS detractor (0–6), the bottom
    two boxes of CSAT, or 1–3 on CES 2.0.

    Fitted by isotonic regression (pool-adjacent-violators) of the answers on
    ``compound``; predictions interpolate linearly between the fitted blocks and are
    constant beyond the first and last. Build one with :meth:`SentimentModel.calibrate`
    (comments and answers) or :meth:`fit` (compound scores and answers). Immutable and
    picklable (the core's versioned JSON).
    """

    __slots__ = ("_raw",)

    def __init__(self, raw: Any) -> None:
        if not isinstance(raw, _cxm.Calibration):
            raise _columns.invalid_argument(
                "raw", "use SentimentModel.calibrate, Calibration.fit or Calibration.from_json to build a Calibration"
            )
        self._raw = raw

    @classmethod
    def fit(cls, compound: Any, scores: Any, scale: str = "nps", *, csat_points: int = 5) -> "Calibration":
        """Fits the mapping from ``compound[i]`` (a model's score of comment ``i``) to
        ``scores[i]`` (the same customer's answer on ``scale``: ``"nps"`` 0–10,
        ``"csat"`` 1–``csat_points``, ``"ces"`` 1–7). Pairs are positional (two Series
        must share their index). Every pair must be usable: a missing answer, a
        non-finite compound or an answer off the scale raises."""
        name = _scale(scale)
        points = _csat_points(csat_points)
        _same_index(compound, scores, "scores")
        c = np.ascontiguousarray(_columns._one_dimensional(_floats(compound, "compound"), "compound"))
        s, present = _columns.answers(scores, "scores", float64=True)
        if present is not None and not present.all():
            row = int(np.flatnonzero(~present)[0])
            raise _columns.invalid_argument(
                "scores", f"row {row} is missing; every comment needs its answer (drop the rows without one first)"
            )
        return cls(_cxm.Calibration.fit(c, np.ascontiguousarray(s, dtype=np.float64), name, points))

    @property
    def n(self) -> int:
        """Number of (compound, answer) pairs fitted."""
        return int(self._raw.n)

    @property
    def scale(self) -> str:
        """``"nps"``, ``"csat"`` or ``"ces"``."""
        return str(self._raw.scale)

    @property
    def csat_points(self) -> Optional[int]:
        """Points of the CSAT scale (1–``csat_points``); ``None`` for NPS and CES."""
        points = self._raw.csat_points
        return None if points is None else int(points)

    def _apply(self, compound: Any, one: Callable[[float], float], many: Callable[[np.ndarray], np.ndarray],
               name: str) -> Any:
        if np.ndim(compound) == 0 and not isinstance(compound, (pd.Series, np.ndarray)):
            if compound is None or compound is pd.NA:
                return float("nan")
            if not _columns._is_number(compound):
                raise InvalidDtypeError(
                    f"`compound` has type {type(compound).__name__} ({compound!r}); expected a number",
                    column="compound",
                    dtype=type(compound).__name__,
                    expected="numbers",
                )
            return float(one(float(compound)))
        values = _floats(compound, "compound")
        out = many(np.ascontiguousarray(values.ravel())).reshape(values.shape)
        if isinstance(compound, pd.Series):
            return pd.Series(out, index=compound.index, name=name)
        if out.ndim == 0:
            return float(out)
        return out

    def expected_score(self, compound: Any) -> Any:
        """Expected survey answer at ``compound``: a float for a number, a numpy array
        for an array-like, a Series with the same index for a Series. NaN or missing in,
        NaN out."""
        return self._apply(compound, self._raw.expected_score, self._raw.expected_score_array, "expected_score")

    def p_negative(self, compound: Any) -> Any:
        """Probability of a negative answer at ``compound`` (same input and output types
        as :meth:`expected_score`)."""
        return self._apply(compound, self._raw.p_negative, self._raw.p_negative_array, "p_negative")

    def to_json(self) -> str:
        """The core's JSON form (with its format version)."""
        return str(self._raw.to_json())

    @classmethod
    def from_json(cls, json: str) -> "Calibration":
        """Restores a calibration from :meth:`to_json` (format version checked)."""
        return cls(_cxm.Calibration.from_json(json))

    @staticmethod
    def _from_bytes(data: bytes) -> "Calibration":
        return Calibration.from_json(data.decode("utf-8"))

    def __reduce__(self) -> Any:
        return (Calibration._from_bytes, (self.to_json().encode("utf-8"),))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Calibration) and self._raw == other._raw

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        scale = f"scale='{self.scale}'"
        if self.csat_points is not None:
            scale += f", csat_points={self.csat_points}"
        return f"Calibration({scale}, n={self.n})"


def calibrate(model: Any, texts: Any, scores: Any, scale: str = "nps", csat_points: int = 5) -> Calibration:
    """``SentimentModel.calibrate``: scores ``texts`` with ``model`` (every text must be
    scorable) and fits a :class:`Calibration` of ``scores`` on the compound."""
    name = _scale(scale)
    points = _csat_points(csat_points)
    _same_index(texts, scores, "scores")
    compound = score_frame(model, texts, "reject")["compound"].to_numpy(dtype=np.float64)
    return Calibration.fit(compound, scores, name, csat_points=points)
