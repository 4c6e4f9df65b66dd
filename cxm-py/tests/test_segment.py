"""Segmentation and hotspots against a pandas groupby / statsmodels reference."""

from __future__ import annotations

import functools
import json
import math
import pickle
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.multitest import multipletests

import cxm
from cxm import _columns

ALPHA = 0.05


def split(df: pd.DataFrame, parts: int) -> list:
    """Row partitions of a frame (like Dask partitions)."""
    edges = np.linspace(0, len(df), parts + 1).astype(int)
    return [df.iloc[a:b] for a, b in zip(edges[:-1], edges[1:])]


def nps_parts(x: pd.Series) -> tuple:
    p, d = (x >= 9).mean(), (x <= 6).mean()
    return 100 * (p - d), (p + d - (p - d) ** 2) / len(x) * 1e4


def reference_nps_segments(df: pd.DataFrame, by: list, min_n: int) -> pd.DataFrame:
    """NPS per group, z-test against the rest, BH q-values — written with pandas."""
    rows = []
    for key, g in df.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        rest = df.drop(g.index)
        v, var = nps_parts(g["nps"])
        rv, rvar = nps_parts(rest["nps"])
        z = (v - rv) / math.sqrt(var + rvar)
        rows.append(dict(zip(by, map(str, key)), n=len(g), nps=v, rest=rv, diff=v - rv,
                         p_value=2 * stats.norm.sf(abs(z)) if len(g) >= min_n else np.nan))
    ref = pd.DataFrame(rows)
    tested = ref["p_value"].notna()
    ref["q_value"] = np.nan
    ref.loc[tested, "q_value"] = multipletests(ref.loc[tested, "p_value"], method="fdr_bh")[1]
    ref["flag"] = np.where(~tested, "suppressed", np.where(ref["q_value"] < ALPHA,
                                                         np.where(ref["diff"] < 0, "worse", "better"),
                                                         "not_significant"))
    return ref


def test_segment_matches_pandas_groupby(survey: pd.DataFrame) -> None:
    out = cxm.segment(survey, "nps", by=["store", "channel"], min_n=150)
    ref = reference_nps_segments(survey, ["store", "channel"], 150)
    merged = out.merge(ref, on=["store", "channel"], suffixes=("", "_ref"))
    assert len(merged) == len(ref) == len(out)
    assert (merged["n"] == merged["n_ref"]).all()
    assert list(out.columns[:11]) == ["store", "channel", "n", "nps", "low", "high", "diff", "p_value", "q_value",
                                      "flag", "weighted_n"]
    tested = merged["flag"] != "suppressed"
    assert tested.any() and (~tested).any()
    for c in ("nps", "diff", "p_value", "q_value"):
        np.testing.assert_allclose(merged.loc[tested, c], merged.loc[tested, f"{c}_ref"], rtol=1e-9, atol=1e-12)
    assert (merged["flag"] == merged["flag_ref"]).all()
    assert merged.loc[~tested, "nps"].isna().all()
    assert "worse" in set(out["flag"])  # Leeds/phone is built to be worse
    assert out.attrs["overall"] == pytest.approx(nps_parts(survey["nps"])[0])
    assert out.attrs["n"] == len(survey)
    assert out.attrs["load_report"] == {"rows_in": len(survey), "rows_accepted": len(survey), "skipped": {}}


def test_segment_interval_and_weights(survey: pd.DataFrame) -> None:
    out = cxm.segment(survey, "nps", by="store", weights="weight")
    for _, row in out.iterrows():
        g = survey[survey["store"] == row["store"]]
        r = cxm.nps(g["nps"], g["weight"])
        assert row["nps"] == pytest.approx(r.nps)
        assert (row["low"], row["high"]) == pytest.approx((r.low, r.high))
        assert row["n_eff"] == pytest.approx(r.n_eff)
        assert row["weighted_n"] == pytest.approx(r.weighted_n)
    assert out.attrs["overall"] == pytest.approx(cxm.nps(survey["nps"], survey["weight"]).nps)


def test_segment_csat_and_ces(survey: pd.DataFrame) -> None:
    c = cxm.segment(survey, "csat", by="channel")
    for _, row in c.iterrows():
        g = survey.loc[survey["channel"] == row["channel"], "csat"]
        assert row["csat"] == pytest.approx(100 * (g >= 4).mean())
    e = cxm.segment(survey, "ces", by="channel")
    for _, row in e.iterrows():
        g = survey.loc[survey["channel"] == row["channel"], "ces"]
        rest = survey.loc[survey["channel"] != row["channel"], "ces"]
        ref = stats.ttest_ind(g, rest, equal_var=False)
        assert row["ces"] == pytest.approx(g.mean())
        assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    # score= names the answer column when it is not called like the metric
    renamed = survey.rename(columns={"ces": "effort"})
    pd.testing.assert_frame_equal(cxm.segment(renamed, "ces", by="channel", score="effort"), e)


def local_labels(ts: pd.Series, offset_minutes: int) -> pd.DataFrame:
    local = ts.dt.tz_convert("UTC").dt.tz_localize(None) + pd.Timedelta(minutes=offset_minutes)
    hour = local.dt.hour
    daypart = np.select([(hour >= 6) & (hour <= 11), (hour >= 12) & (hour <= 16), (hour >= 17) & (hour <= 21)],
                        ["morning", "afternoon", "evening"], "night")
    iso = local.dt.isocalendar()
    return pd.DataFrame({
        "hour": hour.map("{:02d}".format),
        "weekday": local.dt.day_of_week.map(dict(enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]))),
        "daypart": daypart,
        "date": local.dt.strftime("%Y-%m-%d"),
        "week": iso["year"].astype(str) + "-W" + iso["week"].map("{:02d}".format),
        "month": local.dt.strftime("%Y-%m"),
        "quarter": local.dt.year.astype(str) + "-Q" + local.dt.quarter.astype(str),
    })


@pytest.mark.parametrize("bucket", ["hour", "weekday", "daypart", "date", "week", "month", "quarter"])
@pytest.mark.parametrize("offset", [0, "+05:30", -300])
def test_time_buckets_match_pandas(survey: pd.DataFrame, bucket: str, offset) -> None:
    minutes = _columns.utc_offset_minutes(offset)
    out = cxm.segment(survey, "nps", bucket=bucket, utc_offset=offset, min_n=1)
    ref = local_labels(survey["timestamp"], minutes)[bucket].value_counts()
    got = out.set_index(bucket)["n"]
    assert got.to_dict() == ref.to_dict()


def test_timestamp_forms_agree(survey: pd.DataFrame) -> None:
    base = cxm.segment(survey, "nps", by="store", bucket="daypart", utc_offset=60)
    seconds = (survey["timestamp"] - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)
    epoch = survey.assign(timestamp=seconds.astype(np.int64))
    naive = survey.assign(timestamp=survey["timestamp"].dt.tz_localize(None))
    paris = survey.assign(timestamp=survey["timestamp"].dt.tz_convert("Europe/Paris"))
    text = survey.assign(timestamp=survey["timestamp"].dt.tz_convert("Asia/Kolkata").map(lambda t: t.isoformat()))
    floats = epoch.assign(timestamp=epoch["timestamp"].astype(float) + 0.5)
    millis = survey.assign(timestamp=survey["timestamp"].dt.tz_localize(None).astype("datetime64[ms]"))
    for df in (epoch, naive, paris, text, floats, millis):
        pd.testing.assert_frame_equal(cxm.segment(df, "nps", by="store", bucket="daypart", utc_offset=60), base)
    other = survey.rename(columns={"timestamp": "when"})
    pd.testing.assert_frame_equal(cxm.segment(other, by="store", bucket="daypart", time="when", utc_offset=60), base)


def test_categorical_and_factorized_codes_agree(survey: pd.DataFrame) -> None:
    base = cxm.segment(survey, by=["store", "channel"])
    cat = survey.assign(store=survey["store"].astype("category"), channel=survey["channel"].astype("category"))
    out = cxm.segment(cat, by=["store", "channel"])
    key = ["store", "channel"]
    pd.testing.assert_frame_equal(out.sort_values(key).reset_index(drop=True),
                                  base.sort_values(key).reset_index(drop=True))


def test_missing_categories_become_a_level(survey: pd.DataFrame) -> None:
    df = survey.copy()
    df.loc[df.index[:40], "store"] = None
    out = cxm.segment(df, by="store", min_n=1)
    assert out.loc[out["store"] == "(missing)", "n"].item() == 40
    cat = df.assign(store=df["store"].astype("category"))
    assert cxm.segment(cat, by="store", min_n=1).set_index("store")["n"].to_dict() == \
        out.set_index("store")["n"].to_dict()


def test_numeric_dims_and_dtypes(survey: pd.DataFrame) -> None:
    df = survey.assign(tier=np.where(survey["store"] == "Leeds", 1, 2), nps=survey["nps"].astype(np.int8))
    out = cxm.segment(df, by="tier", min_n=1)
    assert set(out["tier"]) == {"1", "2"}
    for dtype in (np.float64, np.float32, np.int16, np.int32, np.uint8, np.uint32, "Int64", "Float64"):
        again = cxm.segment(df.assign(nps=df["nps"].astype(dtype)), by="tier", min_n=1)
        pd.testing.assert_frame_equal(again, out)


def test_zero_copy_conversion() -> None:
    for dtype in (np.float64, np.float32, np.int64, np.int32, np.int16, np.int8, np.uint8):
        arr = np.arange(5, dtype=dtype)
        out, present = _columns.answers(arr, "nps", float64=False)
        assert out is arr and present is None
    s = pd.Series(np.arange(5.0))
    out, _ = _columns.answers(s, "nps", float64=True)
    assert np.shares_memory(out, s.to_numpy())
    codes, levels = _columns.codes(pd.Series(["a", "b", "a"], dtype="category"), "x")
    assert codes.dtype == np.int8 and levels == ["a", "b"]


def test_min_n_suppresses_but_reports_n(survey: pd.DataFrame) -> None:
    out = cxm.segment(survey, by="store", min_n=500)
    small = out[out["n"] < 500]
    assert len(small) and (small["flag"] == "suppressed").all() and small["nps"].isna().all()
    assert (out.loc[out["n"] >= 500, "flag"] != "suppressed").all()


def test_segment_summary_merges_and_pickles(survey: pd.DataFrame) -> None:
    kwargs = dict(by=["store", "channel"], bucket="month", utc_offset=60)
    whole = cxm.segment_summary(survey, "nps", **kwargs)
    parts = [cxm.segment_summary(chunk, "nps", **kwargs) for chunk in split(survey, 4)]
    merged = functools.reduce(cxm.SegmentSummary.merge, parts)
    assert merged == whole
    pd.testing.assert_frame_equal(merged.finish(), whole.finish())
    back = pickle.loads(pickle.dumps(merged))
    assert back == merged and back.dims == ["store", "channel", "month"]
    assert cxm.SegmentSummary.from_json(whole.to_json()) == whole
    assert whole.group_count == len(whole.finish(min_n=1))
    with pytest.raises(cxm.InvalidArgumentError):
        whole.merge(cxm.segment_summary(survey, "nps", by="store"))


def test_skip_accounting_survives_merge() -> None:
    df = pd.DataFrame({"nps": [10, np.nan, 11, 5, 9, 3.5], "store": list("ABABAB")})
    parts = [cxm.segment_summary(df.iloc[:3], by="store", policy="skip"),
             cxm.segment_summary(df.iloc[3:], by="store", policy="skip")]
    report = parts[0].merge(parts[1]).finish(min_n=1).attrs["load_report"]
    assert report == {"rows_in": 6, "rows_accepted": 3, "skipped": {"non_finite": 1, "invalid_score": 2}}


def test_response_table_and_dataframe_paths_agree(survey: pd.DataFrame) -> None:
    t = cxm.ResponseTable.from_pandas(survey, nps="nps", timestamp="timestamp", attributes=["store", "channel"])
    a = cxm.segment(t, "nps", by=["store"], bucket="quarter", utc_offset=60)
    b = cxm.segment(survey, "nps", by=["store"], bucket="quarter", utc_offset=60)
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.segment(t, weights="weight")


def test_hotspots_find_the_planted_slice(survey: pd.DataFrame) -> None:
    hs = cxm.hotspots(survey, "nps", by=["store", "channel"], bucket="daypart", min_n=50)
    assert list(hs.columns[:5]) == ["store", "channel", "daypart", "segment", "depth"]
    top = hs.iloc[0]
    assert top["segment"] == "store=Leeds & channel=phone"
    assert (top["store"], top["channel"], top["daypart"]) == ("Leeds", "phone", None)
    assert top["depth"] == 2 and top["flag"] == "worse" and top["cost"] > 0
    assert (hs["cost"].diff().dropna() <= 0).all()
    g = survey[(survey["store"] == "Leeds") & (survey["channel"] == "phone")]
    assert top["nps"] == pytest.approx(cxm.nps(g["nps"]).nps)
    assert top["n"] == len(g)
    w = len(g) / len(survey)
    assert top["cost"] == pytest.approx(w * (top["rest"] - top["nps"]))
    assert hs.attrs["overall"] == pytest.approx(cxm.nps(survey["nps"]).nps)


def test_hotspot_summary_merges_and_pickles(survey: pd.DataFrame) -> None:
    kwargs = dict(by=["store", "channel"], bucket=["daypart", "weekday"], max_depth=2)
    whole = cxm.hotspot_summary(survey, "nps", **kwargs)
    parts = [cxm.hotspot_summary(c, "nps", **kwargs) for c in split(survey, 3)]
    merged = functools.reduce(cxm.HotspotSummary.merge, parts)
    assert merged == whole
    pd.testing.assert_frame_equal(merged.finish(min_n=50), whole.finish(min_n=50))
    back = pickle.loads(pickle.dumps(merged))
    assert back == whole and back.dims == ["store", "channel", "daypart", "weekday"] and back.max_depth == 2
    t = cxm.ResponseTable.from_pandas(survey, nps="nps", timestamp="timestamp", attributes=["store", "channel"])
    pd.testing.assert_frame_equal(cxm.hotspots(t, by=["store", "channel"], bucket=["daypart", "weekday"],
                                               max_depth=2, min_n=50), whole.finish(min_n=50))


def _with_bad_rows(df: pd.DataFrame, seed: int = 11) -> pd.DataFrame:
    """``df`` with skipped answers (None), bad answers (NaN, 11), bad weights and NaT."""
    rng = np.random.default_rng(seed)
    n = len(df)
    nps = df["nps"].astype(object)
    nps[rng.random(n) < 0.05] = None
    nps[rng.integers(0, n, 15)] = np.nan
    nps[rng.integers(0, n, 10)] = 11
    weight = df["weight"].copy()
    weight[rng.integers(0, n, 10)] = -1.0
    stamps = df["timestamp"].where(rng.random(n) > 0.01)
    return df.assign(nps=nps, weight=weight, timestamp=stamps)


def test_hotspot_headline_and_accounting_match_segment(survey: pd.DataFrame) -> None:
    # Every combination of a search drops the same rows: the headline, n, missing answers
    # and load report are those of a segment table over all the dimensions at once.
    df = _with_bad_rows(survey)
    kwargs = dict(by=["store", "channel"], bucket=["daypart", "weekday"], policy="skip")
    for weights in (None, "weight"):
        hs = cxm.hotspots(df, weights=weights, min_n=20, **kwargs)
        seg = cxm.segment(df, weights=weights, min_n=20, **kwargs)
        assert hs.attrs["load_report"] == seg.attrs["load_report"]
        assert hs.attrs["load_report"]["skipped"].keys() == {"non_finite", "invalid_score", "invalid_timestamp"} | (
            {"invalid_weight"} if weights else set())
        assert (hs.attrs["n"], hs.attrs["missing"], hs.attrs["metric"]) == (
            seg.attrs["n"], seg.attrs["missing"], "nps")
        assert hs.attrs["missing"] > 0
        for k in ("overall", "overall_low", "overall_high"):
            # The same answers summed in another order (by group): equal up to rounding.
            assert hs.attrs[k] == pytest.approx(seg.attrs[k], rel=1e-12)
        assert hs.attrs["dims"] == ["store", "channel", "daypart", "weekday"]
    # Partitions merged, and a pickled summary, report the same.
    parts = [cxm.hotspot_summary(c, weights="weight", **kwargs) for c in split(df, 3)]
    merged = pickle.loads(pickle.dumps(functools.reduce(cxm.HotspotSummary.merge, parts)))
    whole = cxm.hotspots(df, weights="weight", min_n=20, **kwargs)
    assert merged.finish(min_n=20).attrs["load_report"] == whole.attrs["load_report"]
    assert merged.finish(min_n=20).attrs["missing"] == whole.attrs["missing"]
    assert merged.finish(min_n=20).attrs["overall"] == pytest.approx(whole.attrs["overall"], rel=1e-12)
    # A table: its load report (rows dropped while building it) and its skipped answers.
    t = cxm.ResponseTable.from_pandas(df, nps="nps", weight="weight", timestamp="timestamp",
                                      attributes=["store", "channel"], policy="skip")
    th = cxm.hotspots(t, by=["store", "channel"], bucket=["daypart", "weekday"], min_n=20)
    ts = cxm.segment(t, by=["store", "channel"], bucket=["daypart", "weekday"], min_n=20)
    assert th.attrs["load_report"] == ts.attrs["load_report"] == t.load_report
    assert (th.attrs["n"], th.attrs["missing"]) == (ts.attrs["n"], ts.attrs["missing"])
    assert th.attrs["overall"] == pytest.approx(ts.attrs["overall"], rel=1e-12)


def test_hotspot_summary_reads_json_of_earlier_releases(survey: pd.DataFrame) -> None:
    # Earlier releases stored an overall segment summary next to the search; it is ignored.
    hs = cxm.hotspot_summary(survey, by=["store", "channel"], bucket="daypart", max_depth=2)
    value = json.loads(hs.to_json())
    assert set(value) == {"format_version", "dims", "max_depth", "hotspots"}
    value["overall"] = json.loads(cxm.segment_summary(survey, bucket="daypart").to_json())
    old = cxm.HotspotSummary.from_json(json.dumps(value))
    assert old == hs and old.max_depth == 2
    pd.testing.assert_frame_equal(old.finish(min_n=50), hs.finish(min_n=50))
    with pytest.raises(cxm.SerializationError):
        cxm.HotspotSummary.from_json(json.dumps({k: v for k, v in value.items() if k != "hotspots"}))


def test_threads_give_identical_results(survey: pd.DataFrame) -> None:
    def run(_: int) -> pd.DataFrame:
        return cxm.segment(survey, by=["store", "channel"], bucket="weekday", weights="weight")

    with ThreadPoolExecutor(4) as pool:
        outs = list(pool.map(run, range(8)))
    for o in outs[1:]:
        pd.testing.assert_frame_equal(o, outs[0])


def test_output_column_clash_is_refused(survey: pd.DataFrame) -> None:
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.segment(survey.assign(n=survey["store"]), by="n")


def _three_metric_frame(n: int = 4000, seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ces = pd.array(rng.integers(1, 8, n), dtype="Int64")
    ces[rng.random(n) < 0.2] = pd.NA  # skipped questions
    return pd.DataFrame(
        {
            "store": pd.Categorical(rng.choice(["a", "b", "c", "d"], n)),
            "nps": rng.integers(0, 11, n),
            "sat": rng.integers(1, 6, n).astype(np.float64),
            "ces": ces,
            "w": rng.uniform(0.5, 2.0, n),
        }
    )


def test_several_metrics_in_one_call_equal_separate_calls() -> None:
    df = _three_metric_frame()
    many = cxm.segment(df, ["nps", "csat", "ces"], by=["store"], weights="w", score={"csat": "sat"}, min_n=5)
    assert list(many.columns[:3]) == ["store", "metric", "n"]
    assert "value" in many.columns
    assert many.attrs["metrics"] == ["nps", "csat", "ces"]
    for m, col in (("nps", "nps"), ("csat", "sat"), ("ces", "ces")):
        one = cxm.segment(df, m, by=["store"], weights="w", score=col, min_n=5)
        part = many[many["metric"] == m].reset_index(drop=True)
        assert part["store"].tolist() == one["store"].tolist()
        assert part["n"].tolist() == one["n"].tolist()
        # Same scan chunks, same merge order: identical numbers, not just close ones.
        for c in ("low", "high", "diff", "p_value", "q_value"):
            assert part[c].tolist() == one[c].tolist()
        assert part["value"].tolist() == one[m].tolist()
        assert many.attrs["overall"][m]["overall"] == one.attrs["overall"]


def test_several_metrics_argument_errors() -> None:
    df = _three_metric_frame(200)
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.segment(df, ["nps", "nps"], by=["store"])
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.segment(df, ["nps", "bogus"], by=["store"])
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.segment(df, ["nps", "csat"], by=["store"], score="nps")
    with pytest.raises(cxm.MissingColumnError):
        cxm.segment(df, ["nps", "csat"], by=["store"])  # no `csat` column and no score mapping
