"""cxm quick start: load the sample survey with pandas, then ask the three questions a CX
team asks first — what is our score, where is it bad, and which slices cost the most.

    python examples/python/quickstart.py [path/to/responses.csv]
"""

from __future__ import annotations

import pickle
import sys
from functools import reduce
from pathlib import Path

import pandas as pd

import cxm

DATA = Path(__file__).resolve().parents[1] / "data" / "responses.csv"

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 20)


def main(path: Path) -> None:
    # Nullable integer dtypes: an empty cell is a skipped question (<NA>), not a bad
    # value. A float NaN in a score column would be an error (or a counted skip).
    df = pd.read_csv(path, dtype={"nps": "Int64", "csat": "Int64", "ces": "Int64"})
    print(f"{len(df)} responses from {path.name}\n")

    # 1. What is our score, and how sure are we?
    print(cxm.nps(df["nps"], df["weight"]))
    print(cxm.csat(df["csat"]))
    print(cxm.ces(df["ces"]))

    # 2. Where is it bad? NPS by store, with intervals, tests against the rest of the data
    #    and Benjamini–Hochberg q-values.
    by_store = cxm.segment(df, "nps", by="store", weights="weight")
    print("\nNPS by store (overall {:.1f}):".format(by_store.attrs["overall"]))
    cols = ["store", "n", "nps", "low", "high", "diff", "q_value", "flag"]
    print(by_store[cols].sort_values("diff").round(2).to_string(index=False))

    # ... and by time of day, in the shops' local time (+01:00).
    by_daypart = cxm.segment(df, "nps", by="region", bucket="daypart", utc_offset="+01:00")
    worse = by_daypart[by_daypart["flag"] == "worse"]
    print("\nRegion × daypart groups significantly worse than the rest:")
    print(worse[["region", "daypart", "n", "nps", "rest", "diff", "q_value"]].round(2).to_string(index=False))

    # 3. Which slices cost the overall NPS the most points?
    hot = cxm.hotspots(df, "nps", by=["store", "channel", "touchpoint"], bucket=["daypart", "weekday"],
                       utc_offset="+01:00", max_depth=2, top=8)
    print("\nHotspots (points of overall NPS lost to each slice):")
    print(hot[["segment", "n", "nps", "rest", "cost", "q_value"]].round(2).to_string(index=False))

    # Summaries are mergeable and picklable: summarise partitions (e.g. on Dask workers),
    # ship them, merge, finish. Same answer as the whole.
    parts = [df.iloc[i : i + 5000] for i in range(0, len(df), 5000)]
    summaries = [pickle.loads(pickle.dumps(cxm.segment_summary(p, "csat", by="channel"))) for p in parts]
    merged = reduce(cxm.SegmentSummary.merge, summaries).finish()
    whole = cxm.segment(df, "csat", by="channel")
    assert merged.equals(whole)
    print("\nCSAT by channel from 4 merged partitions:")
    print(merged[["channel", "n", "csat", "low", "high", "flag"]].round(2).to_string(index=False))

    # The same data through cxm's own CSV reader, with row accounting.
    table = cxm.read_csv(path, nps="nps", csat="csat", ces="ces", weight="weight", timestamp="timestamp",
                         attributes=["store", "region", "channel", "touchpoint"], policy="skip")
    print(f"\n{table!r}\nload report: {table.load_report}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DATA)
