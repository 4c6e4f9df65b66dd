"""Response tables from CSV and pandas."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxm


def test_from_pandas_round_trip(survey: pd.DataFrame) -> None:
    df = survey.assign(comment=["great"] * (len(survey) - 1) + [None], rid=[f"R{i}" for i in range(len(survey))])
    t = cxm.ResponseTable.from_pandas(df, nps="nps", csat="csat", ces="ces", weight="weight", timestamp="timestamp",
                                      attributes=["store", "channel"], comment="comment", respondent_id="rid")
    assert len(t) == len(df)
    assert t.columns == ["nps", "csat", "ces", "weight", "timestamp", "store", "channel", "comment",
                         "respondent_id"]
    assert t.load_report == {"rows_in": len(df), "rows_accepted": len(df), "skipped": {}}
    back = t.to_pandas()
    assert (back["nps"].astype(int).to_numpy() == df["nps"].to_numpy()).all()
    assert (back["store"].astype(str).to_numpy() == df["store"].to_numpy()).all()
    assert (back["timestamp"] == df["timestamp"].dt.floor("s")).all()
    np.testing.assert_array_equal(back["weight"], df["weight"])
    assert back["comment"].iloc[-1] == "" and back["respondent_id"].iloc[3] == "R3"
    assert "ResponseTable(rows=3000" in repr(t)


def test_table_pickles(survey: pd.DataFrame) -> None:
    t = cxm.ResponseTable.from_pandas(survey.head(50), nps="nps", attributes=["store"])
    back = pickle.loads(pickle.dumps(t))
    assert len(back) == 50 and back.columns == t.columns
    pd.testing.assert_frame_equal(back.to_pandas(), t.to_pandas())


def test_read_csv_matches_from_pandas(tmp_path: Path, survey: pd.DataFrame) -> None:
    p = tmp_path / "s.csv"
    out = survey.assign(timestamp=survey["timestamp"].map(lambda x: x.isoformat()))
    out.to_csv(p, index=False)
    t = cxm.read_csv(p, nps="nps", csat="csat", ces="ces", weight="weight", timestamp="timestamp",
                     attributes=["store", "channel"])
    u = cxm.ResponseTable.from_pandas(survey, nps="nps", csat="csat", ces="ces", weight="weight",
                                      timestamp="timestamp", attributes=["store", "channel"])
    for metric in ("nps", "csat", "ces"):
        pd.testing.assert_frame_equal(cxm.segment(t, metric, by="channel", bucket="month"),
                                      cxm.segment(u, metric, by="channel", bucket="month"))


def test_csat_points_and_delimiter(tmp_path: Path) -> None:
    p = tmp_path / "c.csv"
    p.write_text("csat;team\n7;a\n6;b\n1;a\n")
    t = cxm.read_csv(p, csat="csat", csat_points=7, attributes="team", delimiter=";")
    assert t.csat_points == 7
    out = cxm.segment(t, "csat", by="team", min_n=1)
    assert out.set_index("team")["csat"].to_dict() == pytest.approx({"a": 50.0, "b": 100.0})
    with pytest.raises(cxm.InvalidScoreError):
        cxm.read_csv(p, csat="csat", attributes="team", delimiter=";")


def test_constructor_is_not_public() -> None:
    with pytest.raises(cxm.InvalidArgumentError):
        cxm.ResponseTable(object())
