"""The sample data set (examples/data) against its generator's recorded truths."""

from __future__ import annotations

import pandas as pd
import pytest

import cxm
from conftest import SAMPLE


def test_overall_nps(sample_df: pd.DataFrame, truths: dict) -> None:
    overall = truths["overall"]
    assert len(sample_df) == overall["n"]
    assert cxm.nps(sample_df["nps"]).nps == pytest.approx(overall["nps"], abs=0.006)
    assert cxm.nps(sample_df["nps"], sample_df["weight"]).nps == pytest.approx(overall["nps_weighted"], abs=0.006)
    ces = cxm.ces(sample_df["ces"])
    assert ces.mean == pytest.approx(overall["ces_mean"], abs=0.006)
    assert 1 - ces.n / len(sample_df) == pytest.approx(overall["ces_missing_share"], abs=1e-4)


def test_store_nps_matches_truths(sample_df: pd.DataFrame, truths: dict) -> None:
    store_nps = truths["truth_5_store_kpis"]["store_nps"]
    out = cxm.segment(sample_df, "nps", by="store").set_index("store")["nps"]
    assert out.to_dict() == pytest.approx(store_nps, abs=0.006)


def test_planted_hotspot(sample_df: pd.DataFrame, truths: dict) -> None:
    truth = truths["truth_1_hotspot"]
    offset = truth["utc_offset_minutes"]
    # The slice written with pandas: store × weekdays × local hours.
    local = pd.to_datetime(sample_df["timestamp"], utc=True) + pd.Timedelta(minutes=offset)
    in_slice = (
        (sample_df["store"] == truth["store"])
        & local.dt.day_of_week.isin([d - 1 for d in truth["iso_weekdays"]])
        & local.dt.hour.isin(truth["hours_local"])
    )
    realized = truth["realized"]
    assert in_slice.sum() == realized["slice_n"]
    assert cxm.nps(sample_df.loc[in_slice, "nps"]).nps == pytest.approx(realized["slice_nps"], abs=0.006)
    # cxm finds it: the costliest slice involving the store is its evenings.
    hs = cxm.hotspots(sample_df, "nps", by=["store", "channel"], bucket=["daypart", "weekday"],
                      utc_offset=offset, max_depth=2)
    leeds = hs[hs["store"] == truth["store"]]
    assert len(leeds) and leeds.iloc[0]["daypart"] == "evening"
    assert leeds.iloc[0]["flag"] == "worse"


def test_read_csv_and_pandas_agree(sample_df: pd.DataFrame) -> None:
    t = cxm.read_csv(SAMPLE, nps="nps", csat="csat", ces="ces", weight="weight", timestamp="timestamp",
                     attributes=["store", "region", "channel", "touchpoint"], comment="comment",
                     respondent_id="response_id")
    assert t.load_report["rows_accepted"] == len(sample_df)
    for metric in ("nps", "csat", "ces"):
        a = cxm.segment(t, metric, by=["region"], bucket="quarter", utc_offset="+01:00")
        b = cxm.segment(sample_df, metric, by=["region"], bucket="quarter", utc_offset="+01:00", weights="weight")
        pd.testing.assert_frame_equal(a, b)
