"""Sentiment in the Cx mode (the default): scores, explanations and clauses with
character offsets, custom lexicon entries, serialization, calibration, and scoring that
does not depend on batching or threads."""

from __future__ import annotations

import json
import math
import os
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Tuple

import numpy as np
import pandas as pd
import pytest

import cxm

# Customer comments whose sign any reader agrees on. The Vader mode gets most of these
# wrong (waits, deliveries, ironic thanks, resolved problems); the Cx mode must not.
GOLDEN_CX = [
    ("I waited 2 hours on hold.", "negative"),
    ("On hold for 40 minutes.", "negative"),
    ("Couldn't be happier!", "positive"),
    ("The problem was fixed immediately.", "positive"),
    ("Thanks for nothing.", "negative"),
    ("My package never arrived.", "negative"),
    ("The agent was rude and unhelpful.", "negative"),
    ("They went above and beyond!", "positive"),
    ("No complaints at all.", "positive"),
    ("The app keeps crashing.", "negative"),
    ("Refund still not processed after three weeks.", "negative"),
    ("The staff were friendly and helpful.", "positive"),
    ("", "neutral"),
]

NON_ASCII = "Café staff were rude 😡, but the crème brûlée was great 😍"


def label(compound: float) -> str:
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


@pytest.fixture(scope="module")
def model() -> cxm.SentimentModel:
    return cxm.SentimentModel()


# --- modes -----------------------------------------------------------------------------


def test_cx_is_the_default_mode(model: cxm.SentimentModel) -> None:
    assert model.mode == "cx" and model.entries == []
    assert cxm.SentimentModel("cx") == model
    assert repr(model) == "SentimentModel(mode='cx')"
    texts = [t for t, _ in GOLDEN_CX]
    default = cxm.sentiment(texts)
    explicit = cxm.sentiment(texts, mode="cx")
    pd.testing.assert_frame_equal(default, explicit)
    assert default.attrs["mode"] == "cx"
    # the Vader mode is still there, and differs
    vader = cxm.sentiment(texts, mode="vader")
    assert vader.attrs["mode"] == "vader"
    assert not np.allclose(default["compound"], vader["compound"])


@pytest.mark.parametrize("text,expected", GOLDEN_CX)
def test_golden_labels(model: cxm.SentimentModel, text: str, expected: str) -> None:
    s = model.score(text)
    assert label(s["compound"]) == expected, (text, s)
    assert -1.0 <= s["compound"] <= 1.0
    if text:
        assert s["pos"] + s["neu"] + s["neg"] == pytest.approx(1.0, abs=1e-9)
    df = cxm.sentiment([text])
    assert df["label"].tolist() == [expected]
    assert df["compound"].tolist() == [s["compound"]]


def test_unknown_mode_lists_allowed(model: cxm.SentimentModel) -> None:
    for bad in ("CX", "vaderx", ""):
        with pytest.raises(cxm.InvalidArgumentError, match=r"allowed: cx, vader") as e:
            cxm.SentimentModel(bad)
        assert e.value.name == "mode"
    with pytest.raises(cxm.InvalidArgumentError, match="allowed: cx, vader"):
        cxm.sentiment(["good"], mode="textblob")


# --- explain and clauses ---------------------------------------------------------------


def test_explain_structure(model: cxm.SentimentModel) -> None:
    text = "Not happy: on hold for 40 minutes"
    e = model.explain(text)
    assert set(e) == {"mode", "scores", "contributions", "clauses"}
    assert e["mode"] == "cx"
    assert e["scores"] == model.score(text)  # exactly the scores of `score`
    assert e["scores"]["compound"] < -0.5
    assert e["contributions"], "a valenced text has contributions"
    keys = ["token", "text", "char_start", "char_end", "byte_start", "byte_end", "base", "valence", "rules"]
    for c in e["contributions"]:
        assert list(c) == keys
        assert isinstance(c["rules"], list)
        for r in c["rules"]:
            assert isinstance(r, dict) and isinstance(r["rule"], str)
    # the documented example of the core: "on hold" is a phrase, 40 minutes a wait
    hold = next(c for c in e["contributions"] if c["text"] == "on")
    assert hold["rules"][0] == {"rule": "phrase", "phrase": "on hold", "source": "cx"}
    minutes = next(c for c in e["contributions"] if c["text"] == "minutes")
    assert minutes["rules"][0] == {"rule": "duration", "minutes": 40.0}
    # the token valences are what the clauses add up
    for cl in e["clauses"]:
        assert list(cl) == ["text", "char_start", "char_end", "byte_start", "byte_end", "sum", "compound"]
        inside = [c["valence"] for c in e["contributions"] if cl["char_start"] <= c["char_start"] < cl["char_end"]]
        assert cl["sum"] == pytest.approx(sum(inside), abs=1e-9)
        assert cl["compound"] == pytest.approx(cl["sum"] / math.sqrt(cl["sum"] ** 2 + 15), abs=1e-12)
    json.dumps(e)  # plain data


@pytest.mark.parametrize(
    "text",
    [
        NON_ASCII,
        "Café staff were rude 😡",
        "ÉTÉ was GREAT 👍 but the naïve agent was 😡 awful",
        "Ｆｕｌｌ-width text: terrible service — 𝒯𝒽𝒶𝓃𝓀𝓈 for nothing",
        "Lieferung: great!! 👩‍👩‍👧 family emoji, then rude staff",
    ],
)
def test_explain_offsets_are_character_offsets(model: cxm.SentimentModel, text: str) -> None:
    e = model.explain(text)
    raw = text.encode("utf-8")
    assert e["contributions"]
    for c in e["contributions"]:
        assert text[c["char_start"] : c["char_end"]] == c["text"]
        assert raw[c["byte_start"] : c["byte_end"]].decode("utf-8") == c["text"]
    for cl in e["clauses"]:
        assert text[cl["char_start"] : cl["char_end"]] == cl["text"]
        assert raw[cl["byte_start"] : cl["byte_end"]].decode("utf-8") == cl["text"]
    # non-ASCII before a token makes the byte offsets larger than the character ones
    if text == NON_ASCII:
        great = next(c for c in e["contributions"] if c["text"] == "great")
        assert great["byte_start"] > great["char_start"]


def test_clauses_frame(model: cxm.SentimentModel) -> None:
    df = model.clauses(NON_ASCII)
    assert list(df.columns) == ["start", "end", "text", "compound", "sum"]
    assert len(df) == 2
    assert df["start"].dtype == np.int64 and df["end"].dtype == np.int64
    assert df["compound"].dtype == np.float64
    for start, end, text in zip(df["start"], df["end"], df["text"]):
        assert NON_ASCII[start:end] == text
    assert str(df["text"].iloc[0]).startswith("Café staff were rude")
    assert str(df["text"].iloc[1]).startswith("but")
    assert df["compound"].iloc[0] < 0 < df["compound"].iloc[1]
    assert df["compound"].tolist() == [c["compound"] for c in model.explain(NON_ASCII)["clauses"]]


def test_explain_and_clauses_edge_cases(model: cxm.SentimentModel) -> None:
    e = model.explain("")
    assert e["scores"] == {"compound": 0.0, "pos": 0.0, "neu": 0.0, "neg": 0.0}
    assert e["contributions"] == []
    empty = model.clauses("")
    assert list(empty.columns) == ["start", "end", "text", "compound", "sum"] and len(empty) == 0
    # the Vader mode explains its scores only
    vader = cxm.SentimentModel("vader")
    ev = vader.explain("The staff were friendly and helpful.")
    assert ev["mode"] == "vader" and ev["scores"]["compound"] == pytest.approx(0.7184, abs=1e-6)
    assert ev["contributions"] == [] and ev["clauses"] == []
    assert len(vader.clauses("good. bad.")) == 0
    for bad in (None, 3, b"text"):
        with pytest.raises(cxm.InvalidDtypeError):
            model.explain(bad)  # type: ignore[arg-type]
        with pytest.raises(cxm.InvalidDtypeError):
            model.clauses(bad)  # type: ignore[arg-type]
    with pytest.raises(cxm.InvalidUtf8Error):
        model.explain("bad \ud800")


# --- custom entries --------------------------------------------------------------------


def test_custom_entries_change_scores(model: cxm.SentimentModel) -> None:
    text = "they let me queue jump"
    custom = cxm.SentimentModel(entries={"queue jump": 2.0, "meh": -1.0})
    assert custom.mode == "cx"
    assert custom.entries == [("queue jump", 2.0), ("meh", -1.0)]
    assert model.score(text)["compound"] <= 0.0
    assert custom.score(text)["compound"] > 0.3
    assert custom.score("meh")["compound"] < model.score("meh")["compound"]
    e = custom.explain(text)
    head = next(c for c in e["contributions"] if c["text"] == "queue")
    assert head["rules"][0] == {"rule": "phrase", "phrase": "queue jump", "source": "custom"}
    # a list of pairs is the same model
    pairs = cxm.SentimentModel("cx", [("queue jump", 2.0), ("meh", -1.0)])
    assert pairs == custom and pairs.score(text) == custom.score(text)
    # batch scoring uses the entries too
    assert custom.score_batch([text])["compound"].tolist() == [custom.score(text)["compound"]]


def test_with_entries_is_a_new_model(model: cxm.SentimentModel) -> None:
    base = cxm.SentimentModel(entries={"meh": -1.0})
    more = base.with_entries([("meh", 1.5), ("queue jump", 2)])
    assert base.entries == [("meh", -1.0)]  # unchanged
    assert more.entries == [("meh", -1.0), ("meh", 1.5), ("queue jump", 2.0)]
    assert base.score("meh")["compound"] < 0 < more.score("meh")["compound"]  # later entries win
    assert model.with_entries({}) == model
    with pytest.raises(AttributeError):
        base.entries = []  # type: ignore[misc]
    vader = cxm.SentimentModel("vader", {"meh": 1.5, "zorp": -2.0})
    assert vader.mode == "vader"
    assert vader.score("meh")["compound"] > 0 > cxm.SentimentModel("vader").score("meh")["compound"]
    assert vader.score("zorp")["compound"] < 0 == cxm.SentimentModel("vader").score("zorp")["compound"]
    # a Series indexed by entry is a mapping
    series = cxm.SentimentModel(entries=pd.Series({"queue jump": 2.0}))
    assert series.entries == [("queue jump", 2.0)]


@pytest.mark.parametrize(
    "entries,match",
    [
        ({"great": 5.0}, r"entries\[0\].*-4\.\.4"),
        ({"ok": -4.5}, r"entries\[0\].*-4\.\.4"),
        ({"fine": 1.0, "bad": float("nan")}, r"entries\[1\].*-4\.\.4"),
        ({"x": float("inf")}, r"entries\[0\]"),
        ({"": 1.0}, r"entries\[0\].*empty"),
        ({"   ": 1.0}, r"entries\[0\].*empty"),
        ({"ok": "2"}, r"entries\[0\].*must be a number"),
        ({"ok": True}, r"entries\[0\].*must be a number"),
        ({"ok": None}, r"entries\[0\].*must be a number"),
        ({3: 1.0}, r"entries\[0\].*must be text"),
        ([("ok", 1.0, 2.0)], r"entries\[0\].*pair"),
        (["ok"], r"entries\[0\].*pair"),
        ([("ok", 1.0), "ab"], r"entries\[1\].*pair"),
        ("queue jump", r"`entries`.*dict"),
        (42, r"`entries`.*dict"),
    ],
)
def test_invalid_entries_raise(entries: Any, match: str) -> None:
    with pytest.raises(cxm.InvalidArgumentError, match=match) as e:
        cxm.SentimentModel("cx", entries)
    assert str(e.value.name).startswith("entries")
    with pytest.raises(cxm.InvalidArgumentError, match=match):
        cxm.SentimentModel().with_entries(entries)


def test_vader_mode_takes_single_words_only() -> None:
    with pytest.raises(cxm.InvalidArgumentError, match="single words") as e:
        cxm.SentimentModel("vader", {"queue jump": 2.0})
    assert e.value.name == "entries[0]"


# --- serialization ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: cxm.SentimentModel(),
        lambda: cxm.SentimentModel("vader"),
        lambda: cxm.SentimentModel(entries={"queue jump": 2.0, "meh": -1.0, "naïve 😍": 1.5}),
        lambda: cxm.SentimentModel("vader", [("meh", -1.0), ("meh", 0.5)]),
    ],
    ids=["cx", "vader", "cx-entries", "vader-entries"],
)
def test_model_pickles_and_json_round_trip(make: Any) -> None:
    m = make()
    texts = ["they let me queue jump", "meh", "naïve 😍 staff", NON_ASCII, "on hold for an hour"]
    for clone in (pickle.loads(pickle.dumps(m)), pickle.loads(pickle.dumps(m, protocol=2)),
                  cxm.SentimentModel.from_json(m.to_json())):
        assert isinstance(clone, cxm.SentimentModel)
        assert clone == m and hash(clone) == hash(m)
        assert clone.mode == m.mode and clone.entries == m.entries
        assert [clone.score(t) for t in texts] == [m.score(t) for t in texts]
    doc = json.loads(m.to_json())
    assert doc["format_version"] == 1 and doc["mode"] == m.mode
    assert [tuple(e) for e in doc["entries"]] == m.entries


def test_model_json_errors() -> None:
    with pytest.raises(cxm.SerializationError):
        cxm.SentimentModel.from_json("not json")
    with pytest.raises(cxm.SerializationError):
        cxm.SentimentModel.from_json('{"format_version":1,"mode":"cx","entries":[["x",9.0]]}')
    with pytest.raises(cxm.FormatVersionError):
        cxm.SentimentModel.from_json('{"format_version":99,"mode":"cx","entries":[]}')


def test_model_repr_and_equality() -> None:
    assert repr(cxm.SentimentModel("vader")) == "SentimentModel(mode='vader')"
    assert repr(cxm.SentimentModel(entries={"queue jump": 2.0})) == (
        "SentimentModel(mode='cx', entries=[('queue jump', 2.0)])"
    )
    many = cxm.SentimentModel(entries={f"w{i}": 1.0 for i in range(10)})
    assert repr(many) == "SentimentModel(mode='cx', entries=[... 10 entries])"
    assert cxm.SentimentModel() != cxm.SentimentModel("vader")
    assert cxm.SentimentModel() != cxm.SentimentModel(entries={"meh": -1.0})
    assert cxm.SentimentModel() != "cx"
    assert len({cxm.SentimentModel(), cxm.SentimentModel("cx"), cxm.SentimentModel("vader")}) == 2


# --- calibration -----------------------------------------------------------------------


def synthetic_pairs(n: int = 2000, seed: int = 7) -> Tuple[np.ndarray, np.ndarray]:
    """Compound scores and NPS answers that rise with them (with noise)."""
    rng = np.random.default_rng(seed)
    compound = rng.uniform(-1, 1, n)
    nps = np.clip(np.round(5.5 + 4.5 * compound + rng.normal(0, 1.5, n)), 0, 10)
    return compound, nps


def test_calibration_is_monotone_on_synthetic_data() -> None:
    compound, nps = synthetic_pairs()
    cal = cxm.Calibration.fit(compound, nps, "nps")
    assert cal.n == 2000 and cal.scale == "nps" and cal.csat_points is None
    grid = np.linspace(-1.2, 1.2, 241)
    expected = cal.expected_score(grid)
    p_neg = cal.p_negative(grid)
    assert isinstance(expected, np.ndarray) and expected.shape == grid.shape
    assert np.all(np.diff(expected) >= -1e-12) and np.all(np.diff(p_neg) <= 1e-12)
    assert np.all((expected >= 0) & (expected <= 10)) and np.all((p_neg >= 0) & (p_neg <= 1))
    assert expected[0] < 3 and expected[-1] > 8  # follows the data
    assert p_neg[0] > 0.9 and p_neg[-1] < 0.1
    # flat beyond the data
    assert cal.expected_score(-5.0) == cal.expected_score(-1.0)
    # a scalar gives a float equal to the array's element
    for x in (-0.75, 0.0, 0.31, 1.0):
        assert isinstance(cal.expected_score(x), float)
        assert cal.expected_score(x) == cal.expected_score(np.array([x]))[0]
        assert cal.p_negative(x) == cal.p_negative([x])[0]


def test_calibration_input_and_output_kinds() -> None:
    compound, nps = synthetic_pairs(300)
    cal = cxm.Calibration.fit(pd.Series(compound), pd.Series(nps.astype(int)), scale="nps")
    s = pd.Series([0.5, -0.5, np.nan], index=["x", "y", "z"], name="compound")
    out = cal.expected_score(s)
    assert isinstance(out, pd.Series) and list(out.index) == ["x", "y", "z"]
    assert out.name == "expected_score"
    assert out["x"] == cal.expected_score(0.5) and math.isnan(out["z"])
    p = cal.p_negative(s)
    assert isinstance(p, pd.Series) and list(p.index) == ["x", "y", "z"] and p.name == "p_negative"
    assert p["y"] == cal.p_negative(-0.5)
    # nullable floats and None: missing in, NaN out
    nullable = cal.p_negative(pd.Series([0.1, None], dtype="Float64"))
    assert nullable.iloc[0] == cal.p_negative(0.1) and math.isnan(nullable.iloc[1])
    assert math.isnan(cal.expected_score(float("nan"))) and math.isnan(cal.expected_score(None))
    assert np.isnan(cal.expected_score([0.1, None])[1])
    # numpy scalars, ints, 2-D arrays, 0-d arrays
    assert cal.expected_score(np.float32(0.25)) == cal.expected_score(float(np.float32(0.25)))
    assert cal.expected_score(0) == cal.expected_score(0.0)
    grid = np.array([[0.1, 0.2], [0.3, 0.4]])
    assert cal.expected_score(grid).shape == (2, 2)
    assert cal.expected_score(np.array(0.3)) == cal.expected_score(0.3)
    for bad in ("0.5", ["a", "b"], True, pd.Series(["a"])):
        with pytest.raises(cxm.InvalidDtypeError):
            cal.expected_score(bad)


def test_calibration_scales_and_errors() -> None:
    compound = np.array([-0.8, -0.3, 0.0, 0.4, 0.9])
    csat = cxm.Calibration.fit(compound, [1, 2, 3, 4, 5], "csat")
    assert csat.scale == "csat" and csat.csat_points == 5
    assert repr(csat) == "Calibration(scale='csat', csat_points=5, n=5)"
    assert cxm.Calibration.fit(compound, [1, 3, 4, 6, 7], "CSAT", csat_points=7).csat_points == 7
    ces = cxm.Calibration.fit(compound, [1, 2, 4, 6, 7], "ces")
    assert ces.scale == "ces" and repr(ces) == "Calibration(scale='ces', n=5)"
    assert ces.p_negative(-0.8) == 1.0 and ces.p_negative(0.9) == 0.0
    assert repr(cxm.Calibration.fit(compound, [0, 3, 6, 8, 10])) == "Calibration(scale='nps', n=5)"
    with pytest.raises(cxm.InvalidScoreError) as e:
        cxm.Calibration.fit(compound, [1, 2, 3, 4, 6], "csat")
    assert e.value.row == 4 and e.value.column == "scores"
    with pytest.raises(cxm.InvalidScoreError):
        cxm.Calibration.fit(compound, [0, 3, 6, 8, 10.5])
    with pytest.raises(cxm.NonFiniteError) as nf:
        cxm.Calibration.fit([0.1, np.nan], [3, 4], "csat")
    assert nf.value.row == 1 and nf.value.column == "compound"
    with pytest.raises(cxm.LengthMismatchError):
        cxm.Calibration.fit(compound, [1, 2, 3], "csat")
    with pytest.raises(cxm.EmptyInputError):
        cxm.Calibration.fit([], [], "nps")
    with pytest.raises(cxm.InvalidArgumentError, match="not one of nps, csat, ces") as a:
        cxm.Calibration.fit(compound, [1, 2, 3, 4, 5], "likert")
    assert a.value.name == "scale"
    with pytest.raises(cxm.InvalidArgumentError, match="2 to 11 points"):
        cxm.Calibration.fit(compound, [1, 2, 3, 4, 5], "csat", csat_points=12)
    with pytest.raises(cxm.InvalidArgumentError, match="row 1 is missing"):
        cxm.Calibration.fit([0.1, 0.2], pd.Series([3, None], dtype="Int64"), "csat")
    with pytest.raises(cxm.InvalidArgumentError, match="index"):
        cxm.Calibration.fit(pd.Series([0.1, 0.2], index=[1, 2]), pd.Series([3, 4], index=[2, 1]), "csat")
    with pytest.raises(cxm.InvalidDtypeError):
        cxm.Calibration.fit(["a", "b"], [3, 4], "csat")
    with pytest.raises(cxm.InvalidArgumentError, match="one-dimensional"):
        cxm.Calibration.fit(np.zeros((2, 2)), [3, 4, 3, 4], "csat")
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.Calibration(object())


def test_calibration_pickles_and_json_round_trip() -> None:
    compound, nps = synthetic_pairs(500)
    cal = cxm.Calibration.fit(compound, nps)
    grid = np.linspace(-1, 1, 101)
    for clone in (pickle.loads(pickle.dumps(cal)), cxm.Calibration.from_json(cal.to_json())):
        assert isinstance(clone, cxm.Calibration) and clone == cal
        assert (clone.n, clone.scale, clone.csat_points) == (cal.n, cal.scale, cal.csat_points)
        np.testing.assert_array_equal(clone.expected_score(grid), cal.expected_score(grid))
        np.testing.assert_array_equal(clone.p_negative(grid), cal.p_negative(grid))
    doc = json.loads(cal.to_json())
    assert doc["format_version"] == 1 and doc["n"] == 500
    assert cal != cxm.Calibration.fit(compound[:100], nps[:100])
    with pytest.raises(cxm.FormatVersionError):
        cxm.Calibration.from_json(json.dumps({**doc, "format_version": 2}))
    with pytest.raises(cxm.SerializationError):
        cxm.Calibration.from_json(json.dumps({**doc, "score_x": [1.0, 0.0], "score_y": [0.0, 1.0]}))
    with pytest.raises(cxm.SerializationError):
        cxm.Calibration.from_json("{")
    with pytest.raises(TypeError):
        hash(cal)


def test_model_calibrate_from_comments(model: cxm.SentimentModel) -> None:
    good = ["Great service, thank you!", "They went above and beyond!", "Couldn't be happier!",
            "The staff were friendly and helpful.", "Quick delivery, lovely driver."]
    bad = ["I waited 2 hours on hold.", "Thanks for nothing.", "My package never arrived.",
           "The agent was rude and unhelpful.", "The app keeps crashing."]
    texts = pd.Series(good * 20 + bad * 20, index=np.arange(200) * 3)
    answers = pd.Series([9, 10, 10, 9, 8] * 20 + [2, 0, 3, 1, 5] * 20, index=texts.index)
    cal = model.calibrate(texts, answers, "nps")
    assert isinstance(cal, cxm.Calibration) and cal.n == 200 and cal.scale == "nps"
    # identical to fitting the model's compound scores
    compound = model.score_batch(texts)["compound"]
    assert cal == cxm.Calibration.fit(compound, answers, "nps")
    assert cal.expected_score(model.score("Couldn't be happier!")["compound"]) >= 9
    assert cal.p_negative(model.score("Thanks for nothing.")["compound"]) == 1.0
    out = cal.p_negative(compound)
    assert isinstance(out, pd.Series) and out.index.equals(texts.index)
    csat = model.calibrate(list(texts), [5] * 100 + [1] * 100, scale="csat", csat_points=5)
    assert csat.scale == "csat" and csat.expected_score(0.9) == 5.0
    with pytest.raises(cxm.InvalidDtypeError, match="row 1 is missing"):
        model.calibrate(["good", None], [9, 3])
    with pytest.raises(cxm.LengthMismatchError):
        model.calibrate(["good", "bad"], [9])
    with pytest.raises(cxm.InvalidArgumentError, match="scale"):
        model.calibrate(["good"], [9], scale="net")
    with pytest.raises(cxm.InvalidArgumentError, match="index"):
        model.calibrate(texts, answers.iloc[::-1])


# --- batches, threads, pandas ----------------------------------------------------------

_OPENERS = ["", "Honestly, ", "Well… ", "UPDATE: ", "Café visit: ", "😡 ", "Not sure, but "]
_BODIES = [
    "I waited {n} hours on hold", "the refund took {n} weeks", "the staff were friendly and helpful",
    "my package never arrived", "couldn't be happier", "the problem was fixed immediately",
    "thanks for nothing", "the app keeps crashing", "they went above and beyond",
    "no complaints at all", "the agent was NOT rude", "delivery was quick but the box was damaged",
    "it would be nice if someone called back", "great, another delay", "naïve pricing, très cher",
    "on hold for {n} minutes", "why is it so hard to cancel?", "I love it 😍",
]
_ENDINGS = ["", ".", "!", "!!!", "?", " 👍", " 👎", " :)", " :("]


def varied_texts(n: int) -> List[str]:
    rng = np.random.default_rng(2024)
    out = []
    for i in range(n):
        parts = [_BODIES[j].format(n=int(rng.integers(1, 90))) for j in rng.choice(len(_BODIES), size=1 + i % 3)]
        out.append(_OPENERS[i % len(_OPENERS)] + ", and ".join(parts) + _ENDINGS[i % len(_ENDINGS)])
    return out


def test_batch_equals_single_text_scoring(model: cxm.SentimentModel) -> None:
    texts = varied_texts(2000)
    df = model.score_batch(texts)
    singles = [model.score(t) for t in texts]
    for col in ("compound", "pos", "neu", "neg"):
        assert df[col].tolist() == [s[col] for s in singles], col
    # chunks of any size give the same numbers
    parts = pd.concat([model.score_batch(texts[i : i + 137]) for i in range(0, 2000, 137)], ignore_index=True)
    pd.testing.assert_frame_equal(parts[["compound", "pos", "neu", "neg"]], df[["compound", "pos", "neu", "neg"]])
    # and so do concurrent batches from several Python threads
    with ThreadPoolExecutor(max_workers=4) as pool:
        frames = list(pool.map(lambda _: model.score_batch(texts), range(4)))
    for f in frames:
        assert f["compound"].tolist() == df["compound"].tolist()


def test_scores_do_not_depend_on_rayon_thread_count(tmp_path: Any) -> None:
    texts = varied_texts(3000)
    src = tmp_path / "texts.json"
    src.write_text(json.dumps(texts))
    script = (
        "import json, sys, cxm\n"
        "texts = json.load(open(sys.argv[1]))\n"
        "df = cxm.sentiment(texts)\n"
        "print(json.dumps([df[c].tolist() for c in ('compound', 'pos', 'neu', 'neg')]))\n"
    )
    results: Dict[str, Any] = {}
    for threads in ("1", "3"):
        env = {**os.environ, "RAYON_NUM_THREADS": threads}
        proc = subprocess.run([sys.executable, "-c", script, str(src)], env=env, capture_output=True, text=True,
                              timeout=300, check=True)
        results[threads] = json.loads(proc.stdout)
    assert results["1"] == results["3"]


def test_series_index_is_preserved(model: cxm.SentimentModel) -> None:
    texts = [t for t, _ in GOLDEN_CX]
    idx = pd.Index([f"r{i}" for i in range(len(texts))][::-1], name="response_id")
    s = pd.Series(texts, index=idx, name="comment")
    df = cxm.sentiment(s)
    assert df.index.equals(idx)
    assert df.loc["r12", "label"] == GOLDEN_CX[0][1]
    joined = pd.DataFrame({"comment": s}).join(df)
    assert joined.loc["r0", "compound"] == model.score(texts[-1])["compound"]
    custom = cxm.SentimentModel(entries={"queue jump": 2.0}).score_batch(s)
    assert custom.index.equals(idx)
    # skip keeps every row, index included
    holey = pd.Series(["good", None, "bad"], index=[5, 3, 1])
    skipped = cxm.sentiment(holey, policy="skip")
    assert list(skipped.index) == [5, 3, 1] and skipped["label"].tolist() == ["positive", None, "negative"]


def test_wildcard_phrase_entries() -> None:
    model = cxm.SentimentModel("cx", entries={"queue * jump": 2.0})
    assert model.score("they let me queue straight jump")["compound"] > 0.3
    assert cxm.SentimentModel("cx").score("They sorted it out")["compound"] > 0.3
    for bad in ("* jump", "queue *"):
        with pytest.raises(cxm.InvalidArgumentError, match=r"\*"):
            cxm.SentimentModel("cx", entries={bad: 1.0})
