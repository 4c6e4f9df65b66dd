"""Turning user columns (lists, numpy arrays, pandas Series) into the arrays the native
layer borrows without copying.

Rules, in one place:

* Scores: float64 / float32 / int8..int64 / uint8 numpy arrays pass through untouched
  (zero-copy); other numeric dtypes are converted. pandas nullable dtypes (``Int64``,
  ``Float64`` …) and ``None`` / ``pd.NA`` in object columns mark *missing* answers (the
  respondent skipped the question). A float ``NaN`` is a *bad* value, never "missing".
  Booleans, strings, dates and other objects raise :class:`~cxm.InvalidDtypeError`.
* Weights: float64; a missing weight is NaN, i.e. invalid.
* Categorical dimensions: pandas categorical codes as they are (int8..int64); any other
  column is dictionary-encoded with ``pd.factorize(sort=False)``; labels are ``str()`` of
  the values and missing values become the level ``"(missing)"``.
* Timestamps: ``datetime64`` (timezone-aware → converted to UTC; naive → taken as UTC)
  and integer epoch seconds become int64 epoch seconds with ``NaT`` / ``pd.NA`` as
  ``INT64_MIN``; the core counts that and any value at or beyond ``EPOCH_LIMIT`` (10¹⁵ s)
  as a bad row. Text is handed to the core's ISO-8601 parser, and so are the few values
  the core would otherwise not quote as the user wrote them (float NaN / inf / huge
  values, int64's minimum itself, uint64 past int64's range).
"""

from __future__ import annotations

import datetime as _dt
import numbers
import re
from typing import Any, List, Optional, Tuple, Union

import numpy as np
import pandas as pd

from cxm import _cxm
from cxm.exceptions import InvalidArgumentError, InvalidDtypeError

#: int64 value standing for a missing timestamp (numpy's NaT).
NAT = np.iinfo(np.int64).min

_INT64_MAX = np.iinfo(np.int64).max

#: dtypes the core reads directly as answers.
_NATIVE_ANSWER_DTYPES = {
    np.dtype(t) for t in (np.float64, np.float32, np.int64, np.int32, np.int16, np.int8, np.uint8)
}

Mask = Optional[np.ndarray]


def _dtype_error(column: str, dtype: Any, expected: str, detail: str = "") -> InvalidDtypeError:
    extra = f" ({detail})" if detail else ""
    return InvalidDtypeError(
        f"column `{column}` has dtype {dtype}{extra}; expected {expected}",
        column=column,
        dtype=str(dtype),
        expected=expected,
    )


def invalid_argument(name: str, reason: str) -> InvalidArgumentError:
    """An :class:`InvalidArgumentError` worded like the core's."""
    return InvalidArgumentError(f"invalid argument `{name}`: {reason}", name=name, reason=reason)


def _is_missing(x: Any) -> bool:
    return x is None or x is pd.NA or x is pd.NaT


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_))


def _one_dimensional(arr: np.ndarray, column: str) -> np.ndarray:
    if arr.ndim != 1:
        raise invalid_argument(column, f"expected a one-dimensional column, got shape {arr.shape}")
    return arr


def _parts(values: Any, column: str) -> Tuple[np.ndarray, Mask]:
    """numpy values and a missing mask (``True`` = missing) of any column-like input."""
    if isinstance(values, pd.Index):
        values = pd.Series(values)
    if isinstance(values, pd.Series):
        dtype = values.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            cats = dtype.categories
            if not pd.api.types.is_numeric_dtype(cats.dtype) or pd.api.types.is_bool_dtype(cats.dtype):
                raise _dtype_error(column, dtype, "numeric answers", f"categories of dtype {cats.dtype}")
            codes = np.asarray(values.cat.codes)
            missing = codes < 0
            out = np.asarray(cats).take(np.where(missing, 0, codes)) if len(cats) else np.zeros(len(codes))
            return out, (missing if missing.any() else None)
        if isinstance(dtype, np.dtype):
            return _object_parts(np.asarray(values), column) if dtype == object else (np.asarray(values), None)
        # pandas extension dtypes: nullable numbers carry a mask, everything else is wrong.
        numpy_dtype = getattr(dtype, "numpy_dtype", None)
        if (
            numpy_dtype is not None
            and isinstance(numpy_dtype, np.dtype)
            and numpy_dtype.kind in "iuf"
            and not pd.api.types.is_bool_dtype(dtype)
        ):
            missing = np.asarray(values.isna())
            out = values.to_numpy(dtype=numpy_dtype, na_value=0)
            return out, (missing if missing.any() else None)
        raise _dtype_error(column, dtype, "numeric answers")
    if isinstance(values, np.ndarray):
        arr = values
    else:
        if isinstance(values, (str, bytes)) or not hasattr(values, "__len__") and not hasattr(values, "__iter__"):
            raise _dtype_error(column, type(values).__name__, "a column of numbers (list, numpy array or Series)")
        arr = np.asarray(list(values) if not hasattr(values, "__len__") else values)
    if arr.dtype == object:
        return _object_parts(arr, column)
    return arr, None


def _object_parts(arr: np.ndarray, column: str) -> Tuple[np.ndarray, Mask]:
    """Object arrays: numbers pass, ``None``/``pd.NA`` are missing, anything else is wrong."""
    arr = _one_dimensional(arr, column)
    out = np.empty(len(arr), dtype=np.float64)
    missing = np.zeros(len(arr), dtype=bool)
    for i, x in enumerate(arr):
        if _is_missing(x):
            missing[i] = True
            out[i] = 0.0
        elif _is_number(x):
            out[i] = float(x)
        else:
            raise _dtype_error(column, "object", "numeric answers", f"row {i} holds {type(x).__name__} {x!r}")
    return out, (missing if missing.any() else None)


def answers(values: Any, column: str, *, float64: bool) -> Tuple[np.ndarray, Mask]:
    """A score column as a contiguous numpy array and a *present* mask (or ``None``).

    With ``float64=False`` the core's native dtypes pass through without a copy.
    """
    arr, missing = _parts(values, column)
    arr = _one_dimensional(arr, column)
    kind = arr.dtype.kind
    if kind not in "iuf":
        raise _dtype_error(column, arr.dtype, "numeric answers")
    target: np.dtype[Any]
    if float64:
        target = np.dtype(np.float64)
    elif arr.dtype in _NATIVE_ANSWER_DTYPES:
        target = arr.dtype
    elif kind == "f" or arr.dtype == np.uint64:
        target = np.dtype(np.float64)  # keeps out-of-range values out of range
    else:
        target = np.dtype(np.int64)
    out = np.ascontiguousarray(arr, dtype=target)
    present = None if missing is None else np.ascontiguousarray(~missing)
    return out, present


def weights(values: Any, column: str = "weights") -> np.ndarray:
    """A weight column as contiguous float64 (a missing weight becomes NaN: invalid)."""
    arr, missing = _parts(values, column)
    arr = _one_dimensional(arr, column)
    if arr.dtype.kind not in "iuf":
        raise _dtype_error(column, arr.dtype, "numeric weights")
    out = np.array(arr, dtype=np.float64) if missing is not None else np.ascontiguousarray(arr, dtype=np.float64)
    if missing is not None:
        out[missing] = np.nan
    return out


def _categorical_codes(cat: Any) -> np.ndarray:
    """The codes of a pandas Categorical without a copy where pandas allows it.

    ``Categorical.codes`` returns a fresh read-only copy (a full pass over the column);
    the backing array (``_ndarray`` since pandas 1.3, ``_codes`` before) is the same
    data. The public property remains the fallback.
    """
    for attr in ("_ndarray", "_codes"):
        arr = getattr(cat, attr, None)
        if isinstance(arr, np.ndarray) and arr.ndim == 1 and arr.dtype.kind == "i":
            return np.ascontiguousarray(arr)
    return np.ascontiguousarray(np.asarray(cat.codes))


def codes(column: pd.Series, name: str) -> Tuple[np.ndarray, List[str]]:
    """Dictionary codes (signed ints, -1 = missing) and level labels of a column."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return _categorical_codes(column.array), [str(v) for v in column.cat.categories]
    try:
        c, uniques = pd.factorize(column, sort=False, use_na_sentinel=True)
    except TypeError as e:  # unhashable values
        raise _dtype_error(name, column.dtype, "hashable categorical values", str(e)) from None
    return np.ascontiguousarray(c), [str(v) for v in uniques]


def timestamps(column: Any, name: str) -> Union[np.ndarray, List[str]]:
    """int64 epoch seconds (``NAT`` for missing), or a list of text for the core parser."""
    s = column if isinstance(column, pd.Series) else pd.Series(column)
    dtype = s.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        s = s.dt.tz_convert("UTC").dt.tz_localize(None)
        dtype = s.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "M":
        return _epoch_seconds(s.to_numpy())
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return _int_epochs(s.to_numpy(), None)
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        v = s.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(v) | (np.abs(v) >= _cxm.EPOCH_LIMIT)
        if bad.any():  # NaN, inf, out of range: the core's parser rejects them by their text
            return [repr(float(x)) for x in v]
        floored: np.ndarray = np.floor(v).astype(np.int64)
        return floored
    numpy_dtype = getattr(dtype, "numpy_dtype", None)
    if isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind in "iu" and not pd.api.types.is_bool_dtype(dtype):
        return _int_epochs(s.to_numpy(dtype=numpy_dtype, na_value=0), np.asarray(s.isna()))
    if pd.api.types.is_string_dtype(dtype) or dtype == object:
        values = s.to_numpy(dtype=object)
        if all(isinstance(x, str) or _is_missing(x) or (isinstance(x, float) and np.isnan(x)) for x in values):
            return ["NaT" if not isinstance(x, str) else x for x in values]
        if all(isinstance(x, (_dt.datetime, np.datetime64)) or _is_missing(x) for x in values):
            return timestamps(pd.to_datetime(s, utc=True), name)
        raise _dtype_error(name, dtype, "timestamps (datetime64, epoch seconds or ISO-8601 text)")
    raise _dtype_error(name, dtype, "timestamps (datetime64, epoch seconds or ISO-8601 text)")


def _int_epochs(v: np.ndarray, missing: Mask) -> Union[np.ndarray, List[str]]:
    """Integer epoch seconds as int64, ``NAT`` where ``missing``.

    Values at or beyond ``EPOCH_LIMIT`` (nanoseconds passed as seconds, say) pass as they
    are: the core counts them as bad rows and quotes them. Only values it could not quote
    as written go to its parser as text: int64's minimum (the core's NaT marker) and
    uint64 values past int64's range (which would wrap).
    """
    present = v if missing is None else v[~missing]
    if present.size and (
        (v.dtype == np.uint64 and present.max() > _INT64_MAX) or (v.dtype == np.int64 and present.min() == NAT)
    ):
        nat = np.zeros(len(v), dtype=bool) if missing is None else missing
        return ["NaT" if m else str(x) for x, m in zip(v, nat)]
    if missing is None or not missing.any():
        return np.ascontiguousarray(v, dtype=np.int64)
    out = np.array(v, dtype=np.int64)  # a copy: `v` may be the caller's data
    out[missing] = NAT
    return out


_TICKS_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9, "ps": 10**12, "fs": 10**15, "as": 10**18}
_SECONDS_PER_TICK = {"m": 60, "h": 3600, "D": 86400, "W": 7 * 86400}


def _epoch_seconds(values: np.ndarray) -> np.ndarray:
    """datetime64 of any unit → int64 epoch seconds (floored), ``NaT`` → ``NAT``."""
    unit, count = np.datetime_data(values.dtype)
    nat = np.isnat(values)
    ticks = values.view(np.int64)
    if unit in _TICKS_PER_SECOND and _TICKS_PER_SECOND[unit] % count == 0:
        out = np.floor_divide(ticks, _TICKS_PER_SECOND[unit] // count)
    elif unit in _SECONDS_PER_TICK:
        out = ticks * (_SECONDS_PER_TICK[unit] * count)
    else:  # months, years, odd multiples: let numpy do the calendar
        out = values.astype("datetime64[s]").view(np.int64).copy()
    out = np.ascontiguousarray(out, dtype=np.int64)
    out[nat] = NAT
    return out


_OFFSET = re.compile(r"^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$")


def utc_offset_minutes(offset: Any) -> int:
    """Minutes east of UTC from ``60``, ``"+01:00"``, ``"-0530"``, ``"Z"`` or a timedelta."""
    if isinstance(offset, (bool, np.bool_)):
        raise invalid_argument("utc_offset", f"{offset!r} is not an offset")
    if isinstance(offset, numbers.Integral):
        minutes = int(offset)
    elif isinstance(offset, _dt.timedelta):
        seconds = offset.total_seconds()
        if seconds % 60:
            raise invalid_argument("utc_offset", f"{offset} is not a whole number of minutes")
        minutes = int(seconds // 60)
    elif isinstance(offset, str):
        text = offset.strip().upper()
        if text in ("Z", "UTC", "GMT"):
            return 0
        m = _OFFSET.match(text)
        if not m:
            raise invalid_argument("utc_offset", f"`{offset}` is not an offset like +01:00, -0530 or Z")
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        minutes = -minutes if m.group(1) == "-" else minutes
    else:
        raise invalid_argument("utc_offset", f"{offset!r} is not minutes, text like +01:00, or a timedelta")
    if abs(minutes) >= 24 * 60:
        raise invalid_argument("utc_offset", f"{minutes} minutes is not within +-24 hours")
    return minutes


def names(value: Any, argument: str) -> List[str]:
    """``"store"`` or ``["store", "channel"]`` → a list of column names."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    out = list(value)
    for v in out:
        if not isinstance(v, str):
            raise invalid_argument(argument, f"{v!r} is not a column name")
    return out


def text(column: Any, name: str) -> List[str]:
    """A text column as ``str`` values (missing → empty string)."""
    s = column if isinstance(column, pd.Series) else pd.Series(column)
    return ["" if _is_missing(x) or (isinstance(x, float) and np.isnan(x)) else str(x) for x in s.to_numpy(dtype=object)]
