"""Sentiment: `cxm.sentiment` and `cxm.SentimentModel` in the Vader mode (the Cx mode,
explanations, custom entries and calibration: test_sentiment_cx.py)."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxm

# Reference scores (compound, pos, neu, neg) of vaderSentiment 3.3.2, copied from
# cxm-core/tests/data/vader_reference.tsv.
GOLDEN = [
    ("The staff were friendly and helpful.", 0.7184, 0.6, 0.4, 0.0),
    ("Terrible experience, the order arrived broken.", -0.7351, 0.0, 0.392, 0.608),
    ("The agent was rude and unhelpful.", -0.4588, 0.0, 0.625, 0.375),
    ("I can't complain.", 0.2755, 0.513, 0.487, 0.0),
    ("no excuse for rude staff", -0.4976, 0.0, 0.415, 0.585),
    ("Why is it so slow????", 0.0, 0.0, 1.0, 0.0),
    ("VADER is very smart, handsome, and funny.", 0.8545, 0.701, 0.299, 0.0),
    ("The agent was not very good.", -0.3865, 0.0, 0.656, 0.344),
    ("The agent was NOT bad.", 0.431, 0.416, 0.584, 0.0),
    ("The food was good but the service was terrible.", -0.4939, 0.149, 0.534, 0.317),
    ("I don\u2019t like it.", 0.3612, 0.455, 0.545, 0.0),
    ("\u00c9T\u00c9 was GREAT", 0.7034, 0.707, 0.293, 0.0),
    ("Catch utf-8 emoji such as \U0001f498 and \U0001f48b and \U0001f601", 0.875, 0.417, 0.583, 0.0),
]
TEXTS = [g[0] for g in GOLDEN]
REFERENCE = Path(__file__).resolve().parents[2] / "cxm-core" / "tests" / "data" / "vader_reference.tsv"


def label(compound: float) -> str:
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


@pytest.fixture(scope="module")
def model() -> cxm.SentimentModel:
    return cxm.SentimentModel("vader")


@pytest.mark.parametrize("text,compound,pos,neu,neg", GOLDEN)
def test_score_matches_reference(model: cxm.SentimentModel, text: str, compound: float, pos: float,
                                 neu: float, neg: float) -> None:
    s = model.score(text)
    assert set(s) == {"compound", "pos", "neu", "neg"}
    assert s["compound"] == pytest.approx(compound, abs=1e-6)
    assert s["pos"] == pytest.approx(pos, abs=1e-6)
    assert s["neu"] == pytest.approx(neu, abs=1e-6)
    assert s["neg"] == pytest.approx(neg, abs=1e-6)


def test_frame_matches_reference() -> None:
    df = cxm.sentiment(TEXTS, mode="vader")
    assert list(df.columns) == ["compound", "pos", "neu", "neg", "label"]
    assert isinstance(df.index, pd.RangeIndex) and len(df) == len(GOLDEN)
    expected = np.array([g[1:] for g in GOLDEN])
    np.testing.assert_allclose(df[["compound", "pos", "neu", "neg"]].to_numpy(), expected, atol=1e-6, rtol=0)
    assert df["label"].tolist() == [label(g[1]) for g in GOLDEN]
    assert df.attrs["load_report"] == {"rows_in": len(GOLDEN), "rows_accepted": len(GOLDEN), "skipped": {}}
    assert df.attrs["mode"] == "vader"


def test_label_cutoffs_and_empty_text(model: cxm.SentimentModel) -> None:
    df = model.score_batch(["", "   ", "good", "bad", "ok"])
    assert df["compound"].tolist()[:2] == [0.0, 0.0]
    assert df["label"].tolist()[:2] == ["neutral", "neutral"]
    for c, lab in zip(df["compound"], df["label"]):
        assert lab == label(c)


def test_series_index_is_kept() -> None:
    s = pd.Series(TEXTS[:4], index=["d", "a", "c", "b"], name="comment")
    df = cxm.sentiment(s, mode="vader")
    assert list(df.index) == ["d", "a", "c", "b"]
    assert df.loc["a", "compound"] == pytest.approx(GOLDEN[1][1])
    # joins back onto the source frame by index
    src = pd.DataFrame({"comment": s})
    joined = src.join(df)
    assert joined.loc["c", "compound"] == pytest.approx(GOLDEN[2][1])


@pytest.mark.parametrize(
    "make",
    [
        lambda t: list(t),
        lambda t: tuple(t),
        lambda t: np.array(t),  # numpy str_ dtype
        lambda t: np.array(t, dtype=object),
        lambda t: pd.Series(t),
        lambda t: pd.Series(t, dtype="string"),
        lambda t: pd.Series(t, dtype="category"),
        lambda t: (x for x in t),
    ],
    ids=["list", "tuple", "numpy-str", "numpy-object", "series", "series-string", "series-category", "generator"],
)
def test_input_kinds(make: object) -> None:
    df = cxm.sentiment(make(TEXTS), mode="vader")  # type: ignore[operator]
    np.testing.assert_allclose(df["compound"].to_numpy(), [g[1] for g in GOLDEN], atol=1e-6, rtol=0)


MISSING = ["good", None, np.nan, pd.NA, "bad"]


@pytest.mark.parametrize("make", [list, lambda v: np.array(v, dtype=object), pd.Series])
def test_missing_rejected_by_default_naming_row(make: object) -> None:
    with pytest.raises(cxm.InvalidDtypeError, match="row 1 is missing") as e:
        cxm.sentiment(make(MISSING), mode="vader")  # type: ignore[operator]
    assert isinstance(e.value, cxm.InvalidInputError)


def test_missing_skipped_and_counted() -> None:
    s = pd.Series(MISSING, index=[10, 11, 12, 13, 14])
    df = cxm.sentiment(s, mode="vader", policy="skip")
    assert list(df.index) == [10, 11, 12, 13, 14]
    assert df["compound"].isna().tolist() == [False, True, True, True, False]
    assert df["label"].tolist() == ["positive", None, None, None, "negative"]
    report = df.attrs["load_report"]
    assert report == {"rows_in": 5, "rows_accepted": 2, "skipped": {"missing": 3}}
    assert report["rows_in"] == report["rows_accepted"] + sum(report["skipped"].values())


def test_pandas_string_dtype_missing() -> None:
    s = pd.Series(["good", None, "bad"], dtype="string")
    with pytest.raises(cxm.InvalidDtypeError, match="row 1"):
        cxm.sentiment(s, mode="vader")
    df = cxm.sentiment(s, mode="vader", policy="skip")
    assert df.attrs["load_report"]["skipped"] == {"missing": 1}


def test_non_text_values() -> None:
    with pytest.raises(cxm.InvalidDtypeError, match=r"row 2 is not text: int 3"):
        cxm.sentiment(["good", "bad", 3], mode="vader")
    with pytest.raises(cxm.InvalidDtypeError, match="row 0 is not text: bytes"):
        cxm.sentiment([b"good"], mode="vader")
    df = cxm.sentiment(["good", 3, None, "bad"], mode="vader", policy="skip")
    assert df.attrs["load_report"] == {"rows_in": 4, "rows_accepted": 2, "skipped": {"missing": 1, "not_text": 1}}
    assert df["label"].tolist() == ["positive", None, None, "negative"]


def test_invalid_unicode_is_a_row_error() -> None:
    bad = "bad \ud800 text"
    with pytest.raises(cxm.InvalidUtf8Error) as e:
        cxm.sentiment(["good", bad], mode="vader")
    assert e.value.row == 1
    df = cxm.sentiment(["good", bad], mode="vader", policy="skip")
    assert df.attrs["load_report"]["skipped"] == {"invalid_utf8": 1}


@pytest.mark.parametrize(
    "texts",
    [np.array([1, 2, 3]), pd.Series([1.5, 2.0]), pd.Series([True, False]), np.array([b"a", b"b"]),
     pd.Series([1, 2], dtype="Int64")],
    ids=["int-array", "float-series", "bool-series", "bytes-array", "Int64-series"],
)
def test_non_text_columns_raise_dtype_error(texts: object) -> None:
    for policy in ("reject", "skip"):
        with pytest.raises(cxm.InvalidDtypeError) as e:
            cxm.sentiment(texts, mode="vader", policy=policy)
        assert e.value.expected == "text (str)"


def test_all_missing_float_column_is_missing_text() -> None:
    s = pd.Series([np.nan, np.nan])  # an empty comment column as read by pd.read_csv
    with pytest.raises(cxm.InvalidDtypeError, match="row 0 is missing"):
        cxm.sentiment(s, mode="vader")
    assert cxm.sentiment(s, mode="vader", policy="skip").attrs["load_report"]["skipped"] == {"missing": 2}


def test_argument_errors(model: cxm.SentimentModel) -> None:
    with pytest.raises(cxm.InvalidArgumentError, match="allowed: cx, vader") as e:
        cxm.sentiment(TEXTS, mode="VADER")
    assert e.value.name == "mode"
    with pytest.raises(cxm.InvalidArgumentError, match="allowed: cx, vader"):
        cxm.SentimentModel("VADERX")
    with pytest.raises(cxm.InvalidArgumentError, match="policy"):
        cxm.sentiment(TEXTS, mode="vader", policy="drop")
    with pytest.raises(cxm.InvalidArgumentError, match="SentimentModel.score"):
        cxm.sentiment("one text", mode="vader")
    with pytest.raises(cxm.InvalidArgumentError, match="one-dimensional"):
        cxm.sentiment(np.array([["a"]]), mode="vader")
    with pytest.raises(TypeError):
        cxm.sentiment(TEXTS, "vader")  # type: ignore[call-arg]  # mode is keyword-only
    with pytest.raises(cxm.InvalidDtypeError):
        model.score(3)  # type: ignore[arg-type]
    with pytest.raises(cxm.InvalidDtypeError):
        model.score(None)  # type: ignore[arg-type]


def test_empty_input() -> None:
    df = cxm.sentiment([], mode="vader")
    assert list(df.columns) == ["compound", "pos", "neu", "neg", "label"] and len(df) == 0
    assert df.attrs["load_report"] == {"rows_in": 0, "rows_accepted": 0, "skipped": {}}


def test_model_is_frozen_repr_and_pickles(model: cxm.SentimentModel) -> None:
    assert model.mode == "vader"
    assert repr(model) == "SentimentModel(mode='vader')"
    with pytest.raises(AttributeError):
        model.mode = "cx"  # type: ignore[misc]
    clone = pickle.loads(pickle.dumps(model))
    assert isinstance(clone, cxm.SentimentModel) and clone.mode == "vader"
    assert [clone.score(t) for t in TEXTS] == [model.score(t) for t in TEXTS]


def test_concurrent_scoring_is_identical(model: cxm.SentimentModel) -> None:
    texts = TEXTS * 50
    expected = [model.score(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(model.score, texts))
        frames = list(pool.map(lambda _: model.score_batch(texts), range(8)))
    assert results == expected
    for df in frames:
        assert df["compound"].tolist() == [e["compound"] for e in expected]


def test_large_batch_equals_per_text_scores(model: cxm.SentimentModel) -> None:
    if REFERENCE.exists():
        import json

        lines = REFERENCE.read_text(encoding="utf-8").splitlines()[1:]
        base = [json.loads(line.split("\t")[0]) for line in lines]
    else:
        base = TEXTS
    texts = [f"{t} {i % 7}" if i % 3 else t for i, t in enumerate((base * (10_000 // len(base) + 1))[:10_000])]
    df = model.score_batch(texts)
    assert len(df) == 10_000
    singles = [model.score(t) for t in texts]
    for col in ("compound", "pos", "neu", "neg"):
        assert df[col].tolist() == [s[col] for s in singles]
