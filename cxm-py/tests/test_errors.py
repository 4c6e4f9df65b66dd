"""Every bad input: the right exception class and attributes under ``reject``, counted by
reason under ``skip``; the exception hierarchy is generated from the core's variants."""

from __future__ import annotations

import datetime as dt
import math
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxm
import cxm.exceptions as ex
from cxm import _cxm


def test_hierarchy_is_generated_from_core_variants() -> None:
    bases = {"InvalidInput": cxm.InvalidInputError, "Io": cxm.IoError, "Serialization": cxm.SerializationError}
    variants = _cxm.error_variants()
    assert len(variants) == 13
    for variant, kind, fields in variants:
        cls = getattr(ex, f"{variant}Error")
        assert issubclass(cls, bases[kind]) and issubclass(cls, cxm.CxmError)
        assert cls.fields == tuple(fields)
        assert getattr(cxm, cls.__name__) is cls
        assert cls.__module__ == "cxm.exceptions"
    assert issubclass(cxm.InvalidInputError, ValueError)
    assert issubclass(cxm.IoError, OSError) and issubclass(cxm.CsvError, cxm.IoError)
    assert issubclass(cxm.FormatVersionError, cxm.SerializationError)
    assert issubclass(cxm.InvalidDtypeError, cxm.InvalidInputError) and issubclass(cxm.InvalidDtypeError, TypeError)
    assert set(ex.__all__) <= set(cxm.__all__)


def test_exceptions_pickle_with_their_fields() -> None:
    with pytest.raises(cxm.InvalidScoreError) as info:
        cxm.nps([3, 12])
    back = pickle.loads(pickle.dumps(info.value))
    assert type(back) is cxm.InvalidScoreError
    assert (back.row, back.column, back.value, back.scale) == (1, "score", 12.0, "NPS 0-10")
    assert str(back) == str(info.value)


# --- one-call metrics: reject only ---------------------------------------------------


@pytest.mark.parametrize(
    "values, cls, fields",
    [
        ([10, math.nan], cxm.NonFiniteError, dict(row=1, column="score")),
        ([math.inf], cxm.NonFiniteError, dict(row=0, value=math.inf)),
        ([10, 9, 11], cxm.InvalidScoreError, dict(row=2, value=11.0, scale="NPS 0-10")),
        ([-1], cxm.InvalidScoreError, dict(row=0, value=-1.0)),
        ([7.5], cxm.InvalidScoreError, dict(row=0, value=7.5)),
        ([], cxm.EmptyInputError, dict()),
    ],
)
def test_bad_scores_raise(values: list, cls: type, fields: dict) -> None:
    with pytest.raises(cls) as info:
        cxm.nps(values)
    assert isinstance(info.value, cxm.InvalidInputError) and isinstance(info.value, ValueError)
    for k, v in fields.items():
        assert getattr(info.value, k) == v


def test_nan_score_value_attribute() -> None:
    with pytest.raises(cxm.NonFiniteError) as info:
        cxm.csat(np.array([1.0, np.nan]))
    assert math.isnan(info.value.value)


@pytest.mark.parametrize(
    "weights, row, check",
    [([1, -1, 1], 1, lambda v: v == -1.0), ([1, 1, math.nan], 2, math.isnan), ([math.inf, 1, 1], 0, math.isinf)],
)
def test_bad_weights_raise(weights: list, row: int, check) -> None:
    with pytest.raises(cxm.InvalidWeightError) as info:
        cxm.nps([1, 2, 3], weights)
    assert info.value.row == row and check(info.value.value)


def test_length_mismatch() -> None:
    with pytest.raises(cxm.LengthMismatchError) as info:
        cxm.nps([1, 2, 3], [1, 1])
    assert (info.value.column, info.value.expected, info.value.found) == ("weights", 3, 2)


@pytest.mark.parametrize(
    "values",
    [
        ["10", "9"],
        np.array(["a"]),
        [True, False],
        pd.Series(["10", "7"]),
        pd.Series(["x"], dtype="string"),
        pd.Series([True], dtype="boolean"),
        [10, {"a": 1}],
        np.array(["2025-01-01"], dtype="datetime64[D]"),
        pd.Series(["a", "b"], dtype="category"),
        "1234",
        7,
    ],
)
def test_wrong_dtype(values: object) -> None:
    with pytest.raises(cxm.InvalidDtypeError) as info:
        cxm.nps(values)
    assert isinstance(info.value, TypeError) and isinstance(info.value, cxm.InvalidInputError)
    assert info.value.column == "score" and info.value.dtype


def test_wrong_dtype_weights() -> None:
    with pytest.raises(cxm.InvalidDtypeError) as info:
        cxm.nps([1, 2], ["a", "b"])
    assert info.value.column == "weights"


def test_two_dimensional_input() -> None:
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.nps(np.ones((2, 2)))


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda: cxm.nps([1], confidence=1.5), "confidence"),
        (lambda: cxm.nps([1], interval="wilson"), "interval"),
        (lambda: cxm.csat([1], points=1), "points"),
        (lambda: cxm.segment(pd.DataFrame({"nps": [1]}), "nps", alpha=0), "alpha"),
        (lambda: cxm.segment(pd.DataFrame({"nps": [1]}), "loyalty"), "metric"),
        (lambda: cxm.segment(pd.DataFrame({"nps": [1], "t": [0]}), bucket="fortnight", time="t"), "bucket"),
        (lambda: cxm.segment(pd.DataFrame({"nps": [1]}), policy="ignore"), "policy"),
        (lambda: cxm.segment(pd.DataFrame({"nps": [1]}), utc_offset="+25:00"), "utc_offset"),
        (lambda: cxm.segment(pd.DataFrame({"nps": [1]}), utc_offset="soon"), "utc_offset"),
        (lambda: cxm.segment([1, 2]), "data"),  # type: ignore[arg-type]
        (lambda: cxm.hotspots(pd.DataFrame({"nps": [1], "s": ["a"]}), by="s", max_depth=4), "max_depth"),
        (lambda: cxm.hotspots(pd.DataFrame({"nps": [1]})), "dims"),
        (lambda: cxm.read_csv("x.csv", delimiter=";;"), "delimiter"),
    ],
)
def test_invalid_arguments(call, name: str) -> None:
    with pytest.raises(cxm.InvalidArgumentError) as info:
        call()
    assert info.value.name == name and info.value.reason


# --- DataFrames: reject vs skip ------------------------------------------------------

BAD = pd.DataFrame(
    {
        "nps": [10.0, np.nan, 11.0, 5.0, 7.5, 9.0, np.inf, 3.0, 8.0],
        "store": list("ABABABABA"),
        "weight": [1.0, 1.0, 1.0, -2.0, 1.0, 1.0, 1.0, np.nan, 1.0],
        "when": ["2025-01-01T10:00:00Z"] * 5 + ["never"] + ["2025-01-01T10:00:00Z"] * 3,
    }
)
SKIPPED = {"non_finite": 3, "invalid_score": 2, "invalid_weight": 1, "invalid_timestamp": 1}


def test_skip_counts_every_bad_row_by_reason() -> None:
    out = cxm.segment(BAD, by="store", bucket="hour", time="when", weights="weight", policy="skip", min_n=1)
    report = out.attrs["load_report"]
    assert report["skipped"] == SKIPPED
    assert report["rows_in"] == 9 and report["rows_accepted"] == 2
    assert report["rows_accepted"] + sum(report["skipped"].values()) == report["rows_in"]
    assert out["n"].sum() == 2
    t = cxm.ResponseTable.from_pandas(BAD, nps="nps", weight="weight", timestamp="when", attributes=["store"],
                                      policy="skip")
    assert t.load_report["skipped"] == SKIPPED and len(t) == 2
    hs = cxm.hotspot_summary(BAD, by="store", bucket="hour", time="when", weights="weight", policy="skip")
    assert hs.finish(min_n=1).attrs["load_report"]["skipped"] == SKIPPED


@pytest.mark.parametrize("frame_rows, cls, fields", [
    ([0, 1], cxm.NonFiniteError, dict(row=1, column="nps")),
    ([0, 2], cxm.InvalidScoreError, dict(row=1, value=11.0, column="nps", scale="NPS 0-10")),
    ([0, 4], cxm.InvalidScoreError, dict(row=1, value=7.5)),
    ([0, 3], cxm.InvalidWeightError, dict(row=1, value=-2.0)),
    ([0, 5], cxm.InvalidTimestampError, dict(row=1, value="never")),
    ([0, 7], cxm.InvalidWeightError, dict(row=1)),
])
def test_reject_names_the_first_bad_row(frame_rows: list, cls: type, fields: dict) -> None:
    df = BAD.iloc[frame_rows].reset_index(drop=True)
    calls = [
        lambda: cxm.segment(df, by="store", bucket="hour", time="when", weights="weight"),
        lambda: cxm.hotspots(df, by="store", bucket="hour", time="when", weights="weight"),
        lambda: cxm.ResponseTable.from_pandas(df, nps="nps", weight="weight", timestamp="when",
                                              attributes=["store"]),
    ]
    for call in calls:
        with pytest.raises(cls) as info:
            call()
        for k, v in fields.items():
            assert getattr(info.value, k) == v, (k, info.value)


def test_nat_timestamps_are_bad_rows() -> None:
    df = pd.DataFrame({"nps": [10, 3], "s": ["a", "b"],
                       "timestamp": pd.to_datetime(["2025-01-01T10:00:00", None])})
    with pytest.raises(cxm.InvalidTimestampError) as info:
        cxm.segment(df, bucket="hour")
    assert (info.value.row, info.value.value) == (1, "NaT")
    assert cxm.segment(df, bucket="hour", policy="skip", min_n=1).attrs["load_report"]["skipped"] == {
        "invalid_timestamp": 1}
    with pytest.raises(cxm.InvalidTimestampError):
        cxm.ResponseTable.from_pandas(df, nps="nps", timestamp="timestamp")


def test_nullable_missing_scores_are_not_bad() -> None:
    df = pd.DataFrame({"nps": pd.array([10, None, 3], dtype="Int64"), "s": ["a", "b", "a"]})
    out = cxm.segment(df, by="s", min_n=1)
    assert out.attrs["missing"] == 1 and out["n"].sum() == 2
    assert out.attrs["load_report"]["skipped"] == {}
    t = cxm.ResponseTable.from_pandas(df, nps="nps", attributes=["s"])
    assert len(t) == 3 and t.to_pandas()["nps"].isna().sum() == 1


def test_missing_columns() -> None:
    df = pd.DataFrame({"nps": [1], "store": ["a"]})
    with pytest.raises(cxm.MissingColumnError) as info:
        cxm.segment(df, by="region")
    assert info.value.column == "region" and "store" in info.value.available
    with pytest.raises(cxm.MissingColumnError) as info:
        cxm.segment(df, "csat")
    assert info.value.column == "csat"
    with pytest.raises(cxm.MissingColumnError) as info:
        cxm.segment(df, bucket="hour")
    assert info.value.column == "timestamp"
    with pytest.raises(cxm.MissingColumnError):
        cxm.ResponseTable.from_pandas(df, nps="score")
    t = cxm.ResponseTable.from_pandas(df, nps="nps", attributes=["store"])
    with pytest.raises(cxm.MissingColumnError):
        cxm.segment(t, "ces")
    with pytest.raises(cxm.MissingColumnError):
        cxm.segment(t, by="region")
    with pytest.raises(cxm.MissingColumnError):
        cxm.segment(t, bucket="hour")


def test_empty_frames() -> None:
    empty = pd.DataFrame({"nps": pd.Series([], dtype=float), "s": pd.Series([], dtype=object)})
    with pytest.raises(cxm.EmptyInputError):
        cxm.segment(empty, by="s")
    with pytest.raises(cxm.EmptyInputError):
        cxm.ResponseTable.from_pandas(empty, nps="nps")
    all_bad = pd.DataFrame({"nps": [np.nan, 12.0], "s": ["a", "b"]})
    with pytest.raises(cxm.EmptyInputError):  # nothing left to compute on
        cxm.segment(all_bad, by="s", policy="skip")


def test_wrong_dtypes_in_frames() -> None:
    df = pd.DataFrame({"nps": ["10", "9"], "s": ["a", "b"], "t": [True, False], "w": ["1", "2"]})
    with pytest.raises(cxm.InvalidDtypeError) as info:
        cxm.segment(df, by="s")
    assert info.value.column == "nps"
    ok = df.assign(nps=[10, 9])
    with pytest.raises(cxm.InvalidDtypeError) as info:
        cxm.segment(ok, by="s", weights="w")
    assert info.value.column == "w"
    with pytest.raises(cxm.InvalidDtypeError) as info:
        cxm.segment(ok, bucket="hour", time="t")
    assert info.value.column == "t"
    with pytest.raises(cxm.InvalidDtypeError):
        cxm.segment(ok.assign(t=[dt.timedelta(1), dt.timedelta(2)]), bucket="hour", time="t")
    with pytest.raises(cxm.InvalidDtypeError):
        cxm.ResponseTable.from_pandas(df, nps="nps")


# --- CSV -----------------------------------------------------------------------------

CSV = (
    "nps,store,when,w\n"
    "10,A,2025-01-01T10:00:00+01:00,1\n"
    "x,B,2025-01-01T10:00:00+01:00,1\n"
    "12,A,2025-01-01T10:00:00+01:00,1\n"
    ",A,2025-01-01T10:00:00+01:00,1\n"
    "5,A,later,1\n"
    "5,A\n"
    "7,B,2025-01-01T10:00:00+01:00,-1\n"
    "8,B,1735722000,1\n"
)


def read(path: Path, policy: str) -> cxm.ResponseTable:
    return cxm.read_csv(path, nps="nps", attributes=["store"], timestamp="when", weight="w", policy=policy)


def test_csv_skip_and_reject(tmp_path: Path) -> None:
    p = tmp_path / "r.csv"
    p.write_text(CSV)
    t = read(p, "skip")
    assert t.load_report == {"rows_in": 8, "rows_accepted": 3, "skipped": {
        "invalid_number": 1, "invalid_score": 1, "invalid_timestamp": 1, "malformed_record": 1,
        "invalid_weight": 1}}
    assert len(t) == 3 and t.to_pandas()["nps"].isna().sum() == 1
    with pytest.raises(cxm.InvalidNumberError) as info:
        read(p, "reject")
    assert (info.value.row, info.value.column, info.value.value) == (1, "nps", "x")


def test_csv_invalid_utf8(tmp_path: Path) -> None:
    p = tmp_path / "u.csv"
    p.write_bytes(b"nps,store\n10,A\n9,\xff\xfe\n")
    with pytest.raises(cxm.InvalidUtf8Error) as info:
        cxm.read_csv(p, nps="nps", attributes=["store"])
    assert (info.value.row, info.value.column) == (1, "store")
    t = cxm.read_csv(p, nps="nps", attributes=["store"], policy="skip")
    assert t.load_report["skipped"] == {"invalid_utf8": 1}


def test_csv_malformed_record_under_reject(tmp_path: Path) -> None:
    p = tmp_path / "m.csv"
    p.write_text("nps,store\n10,A\n9\n")
    with pytest.raises(cxm.CsvError) as info:
        cxm.read_csv(p, nps="nps", attributes=["store"])
    assert info.value.row == 1 and "fields" in info.value.message
    assert isinstance(info.value, OSError)


def test_csv_io_errors(tmp_path: Path) -> None:
    with pytest.raises(cxm.CsvError) as info:
        cxm.read_csv(tmp_path / "nope.csv", nps="nps")
    assert isinstance(info.value, cxm.IoError) and isinstance(info.value, OSError) and info.value.row is None
    p = tmp_path / "h.csv"
    p.write_text("nps,store\n")
    with pytest.raises(cxm.EmptyInputError):
        cxm.read_csv(p, nps="nps")
    with pytest.raises(cxm.MissingColumnError) as mc:
        cxm.read_csv(p, nps="score")
    assert mc.value.column == "score" and mc.value.available == "nps, store"


@pytest.mark.parametrize(
    "stamps, value",
    [
        (np.array([0, 2**62], dtype=np.int64), str(2**62)),  # nanoseconds passed as seconds
        (np.array([0, 10**15], dtype=np.int64), str(10**15)),  # the first value out of range
        (np.array([0, -(10**15)], dtype=np.int64), str(-(10**15))),
        (np.array([0, np.iinfo(np.int64).min], dtype=np.int64), str(np.iinfo(np.int64).min)),
        (np.array([0, 2**64 - 1], dtype=np.uint64), str(2**64 - 1)),
        (pd.array([0, 10**15], dtype="Int64"), str(10**15)),
        (pd.array([0, 2**64 - 1], dtype="UInt64"), str(2**64 - 1)),  # would wrap to -1 as int64
        (pd.to_datetime(["2025-01-01T10:00:00", None]), "NaT"),
        ([0.0, np.nan], "nan"),
        ([0.0, np.inf], "inf"),
        (pd.array([0, None], dtype="Int64"), "NaT"),
        (["2025-01-01T10:00:00Z", None], "NaT"),
        (["2025-01-01T10:00:00Z", "2025-01-01T10:00:00"], "2025-01-01T10:00:00"),  # no offset
    ],
)
def test_bad_timestamps_keep_their_text(stamps, value: str) -> None:
    df = pd.DataFrame({"nps": [1, 2], "t": stamps})
    with pytest.raises(cxm.InvalidTimestampError) as info:
        cxm.segment(df, bucket="date", time="t")
    assert (info.value.row, info.value.value) == (1, value)
    out = cxm.segment(df, bucket="date", time="t", policy="skip", min_n=1)
    assert out.attrs["load_report"]["skipped"] == {"invalid_timestamp": 1}


@pytest.mark.parametrize(
    "stamps",
    [
        pd.to_datetime(["2025-01-01T10:00:00", None]),
        pd.array([0, None], dtype="Int64"),
        np.array([0, 10**15], dtype=np.int64),
        ["2025-01-01T10:00:00Z", "never"],
    ],
)
def test_a_row_with_several_problems_counts_under_its_first_everywhere(stamps) -> None:
    # Row 1 has a bad answer and a bad timestamp: every path (and every timestamp dtype)
    # names the answer, checked first, and counts the row once, under that reason.
    df = pd.DataFrame({"nps": [1.0, np.nan], "s": ["a", "b"], "t": stamps})
    calls = [
        lambda policy: cxm.segment(df, by="s", bucket="date", time="t", policy=policy, min_n=1),
        lambda policy: cxm.hotspots(df, by="s", bucket="date", time="t", policy=policy, min_n=1),
        lambda policy: cxm.ResponseTable.from_pandas(df, nps="nps", timestamp="t", attributes=["s"],
                                                     policy=policy),
    ]
    for call in calls:
        with pytest.raises(cxm.NonFiniteError) as info:
            call("reject")
        assert info.value.row == 1
        out = call("skip")
        report = out.load_report if isinstance(out, cxm.ResponseTable) else out.attrs["load_report"]
        assert report["skipped"] == {"non_finite": 1}
