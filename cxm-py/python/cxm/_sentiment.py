"""Sentiment of customer comments: :func:`sentiment` and :class:`SentimentModel`.

The scoring is the core's (``cxm_core::sentiment``); this module turns text columns
(lists, numpy arrays, pandas Series) into a list for the native layer and builds the
DataFrame. Rules:

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
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from cxm import _columns, _cxm
from cxm.exceptions import InvalidDtypeError, InvalidUtf8Error

__all__ = ["SentimentModel", "sentiment"]

SentimentModel = _cxm.SentimentModel

#: Modes accepted by :class:`SentimentModel` and :func:`sentiment`.
MODES: Tuple[str, ...] = ("vader",)
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
        values = texts if isinstance(texts, list) else list(texts)
        if all(type(x) is str for x in values):  # the common case: no mask to build
            return values, None, None
        arr = np.empty(len(values), dtype=object)
        arr[:] = values
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


def sentiment(texts: Any, *, mode: str, policy: str = "reject") -> pd.DataFrame:
    """Sentiment of each text: a DataFrame with columns ``compound`` (−1…1), ``pos``,
    ``neu``, ``neg`` (shares) and ``label`` (``"positive"`` if compound ≥ 0.05,
    ``"negative"`` if ≤ −0.05, else ``"neutral"``), indexed like a Series input.

    ``mode`` is required: ``"vader"`` reproduces vaderSentiment 3.3.2. Rows that cannot
    be scored (missing, not text) raise with ``policy="reject"``; with ``"skip"`` they get
    NaN scores, label ``None``, and are counted in ``df.attrs["load_report"]``. Scoring
    runs in parallel without the GIL.
    """
    return score_frame(SentimentModel(mode), texts, policy)
