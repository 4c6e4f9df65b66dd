#!/usr/bin/env python3
"""Side-by-side: cxm.segment vs pandas groupby vs polars lazy, on the same data.

    bash benches/peers/run.sh              # builds cxm into .venv, installs polars, runs this
    python benches/peers/segment_peers.py --rows 10000000 --segments 250

Every tool computes the same table per segment: n, the metric, its 95% interval, the
difference against the rest of the data, a two-sided p-value and a Benjamini-Hochberg
q-value (pandas and polars do the grouping; the per-group statistics on 250 rows are
vectorised numpy/scipy, shared by both peers). Scenarios: NPS alone, and all three
metrics (NPS, CSAT top-2 box, CES mean): one `cxm.segment(metric=[...])` call, which
scans the rows once for all three, against one groupby with all aggregations.

Each measurement runs in a fresh subprocess. Peak memory is the process's high-water
mark (VmHWM, reset through /proc/self/clear_refs) during the timed calls, above the
resident size once the input columns are in memory; the ratio reported is
(input bytes + that extra) / input bytes.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

METRICS = ("nps", "csat", "ces")


def make_data(rows: int, segments: int, out: str, seed: int = 42) -> None:
    rng = np.random.default_rng(seed)
    seg = rng.integers(0, segments, rows, dtype=np.int16)
    # Segment-dependent score distributions, so groups genuinely differ.
    shift = rng.normal(0, 0.8, segments)[seg]
    latent = rng.normal(0, 1, rows) + shift
    nps = np.clip(np.rint(7.2 + 2.2 * latent), 0, 10).astype(np.int64)
    csat = np.clip(np.rint(3.7 + 0.9 * latent), 1, 5).astype(np.int64)
    ces = np.clip(np.rint(5.0 + 1.2 * latent), 1, 7).astype(np.int64)
    np.save(os.path.join(out, "segment.npy"), seg)
    np.save(os.path.join(out, "nps.npy"), nps)
    np.save(os.path.join(out, "csat.npy"), csat)
    np.save(os.path.join(out, "ces.npy"), ces)
    with open(os.path.join(out, "levels.json"), "w") as f:
        json.dump([f"store-{i:03d}" for i in range(segments)], f)


def load_pandas(data: str):
    import pandas as pd

    levels = json.load(open(os.path.join(data, "levels.json")))
    seg = np.load(os.path.join(data, "segment.npy"))
    cols = {"segment": pd.Categorical.from_codes(seg, categories=levels)}
    for m in METRICS:
        cols[m] = np.load(os.path.join(data, f"{m}.npy"))
    return pd.DataFrame(cols)


def input_bytes(df) -> int:
    # Scores (int64) + categorical codes (int16) + the category labels.
    return int(df.memory_usage(deep=True, index=False).sum())


# ---- per-group statistics shared by the peers (numpy on ~250 rows) -------------------

def _bh(p):
    p = np.asarray(p, dtype=float)
    order = np.argsort(p, kind="stable")
    m = len(p)
    q = np.empty(m)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        i = order[rank]
        running = min(running, p[i] * m / (rank + 1))
        q[i] = min(running, 1.0)
    return q


def stats_share(n, pos, neg, z=1.959963984540054):
    """NPS from promoter/detractor counts (neg=None: a top-box share in percent)."""
    from scipy.special import ndtr

    n = np.asarray(n, float)
    N, Ptot = n.sum(), pos.sum()
    p = pos / n
    rp = (Ptot - pos) / (N - n)
    if neg is None:
        val, rest = 100 * p, 100 * rp
        var = 1e4 * p * (1 - p) / n
        var_r = 1e4 * rp * (1 - rp) / (N - n)
    else:
        Dtot = neg.sum()
        d = neg / n
        rd = (Dtot - neg) / (N - n)
        val, rest = 100 * (p - d), 100 * (rp - rd)
        var = 1e4 * (p + d - (p - d) ** 2) / n
        var_r = 1e4 * (rp + rd - (rp - rd) ** 2) / (N - n)
    half = z * np.sqrt(var)
    diff = val - rest
    zstat = diff / np.sqrt(var + var_r)
    pval = 2 * ndtr(-np.abs(zstat))
    return val, val - half, val + half, diff, pval, _bh(pval)


def stats_mean(n, s1, s2):
    from scipy import stats

    n = np.asarray(n, float)
    mean = s1 / n
    var = (s2 - n * mean**2) / (n - 1)
    N, S1, S2 = n.sum(), s1.sum(), s2.sum()
    rn = N - n
    rmean = (S1 - s1) / rn
    rvar = ((S2 - s2) - rn * rmean**2) / (rn - 1)
    se = np.sqrt(var / n)
    t = stats.t.ppf(0.975, n - 1)
    va, vb = var / n, rvar / rn
    df = (va + vb) ** 2 / (va**2 / (n - 1) + vb**2 / (rn - 1))
    tstat = (mean - rmean) / np.sqrt(va + vb)
    pval = 2 * stats.t.sf(np.abs(tstat), df)
    return mean, mean - t * se, mean + t * se, mean - rmean, pval, _bh(pval)


def peer_tables(counts, metrics):
    out = {}
    for m in metrics:
        if m == "nps":
            out[m] = stats_share(counts["n_nps"], counts["P"], counts["D"])
        elif m == "csat":
            out[m] = stats_share(counts["n_csat"], counts["T2"], None)
        else:
            out[m] = stats_mean(counts["n_ces"], counts["S1"], counts["S2"])
    return out


def run_pandas(df, metrics):
    import pandas as pd

    cols = {"segment": df["segment"]}
    if "nps" in metrics:
        cols["P"] = (df["nps"] >= 9).astype(np.int64)
        cols["D"] = (df["nps"] <= 6).astype(np.int64)
    if "csat" in metrics:
        cols["T2"] = (df["csat"] >= 4).astype(np.int64)
    if "ces" in metrics:
        cols["S1"] = df["ces"]
        cols["S2"] = df["ces"] * df["ces"]
    g = pd.DataFrame(cols).groupby("segment", observed=True)
    agg = g.sum()
    n = g.size().to_numpy()
    counts = {k: agg[k].to_numpy() for k in agg.columns}
    counts.update(n_nps=n, n_csat=n, n_ces=n)
    return peer_tables(counts, metrics)


def run_polars(ldf, metrics):
    import polars as pl

    aggs = [pl.len().alias("n")]
    if "nps" in metrics:
        aggs += [(pl.col("nps") >= 9).sum().alias("P"), (pl.col("nps") <= 6).sum().alias("D")]
    if "csat" in metrics:
        aggs.append((pl.col("csat") >= 4).sum().alias("T2"))
    if "ces" in metrics:
        aggs += [pl.col("ces").sum().alias("S1"), (pl.col("ces") * pl.col("ces")).sum().alias("S2")]
    res = ldf.group_by("segment").agg(aggs).collect()
    n = res["n"].to_numpy()
    counts = {c: res[c].to_numpy().astype(float) for c in res.columns if c not in ("segment", "n")}
    counts.update(n_nps=n, n_csat=n, n_ces=n)
    return peer_tables(counts, metrics)


def run_cxm(df, metrics):
    import cxm

    if len(metrics) == 1:
        return cxm.segment(df, metric=metrics[0], by=["segment"])
    # One call, one pass over the rows for all metrics: a long table (metric, value).
    return cxm.segment(df, metric=list(metrics), by=["segment"])


def split_cxm(result, metrics):
    """cxm's table(s) per metric, for comparing with the peers (not timed)."""
    if len(metrics) == 1:
        return {metrics[0]: result}
    return {m: part.rename(columns={"value": m}) for m, part in result.groupby("metric", sort=False)}


# ---- measurement ------------------------------------------------------------------------

def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def worker(tool: str, scenario: str, data: str, repeat: int) -> dict:
    metrics = ("nps",) if scenario == "nps" else METRICS
    df = load_pandas(data)
    nbytes = input_bytes(df)
    if tool == "polars":
        import polars as pl

        levels = list(df["segment"].cat.categories)
        labels = np.asarray(levels, dtype=object)[df["segment"].cat.codes.to_numpy()]
        pdf = pl.DataFrame(
            {
                "segment": pl.Series(labels, dtype=pl.Enum(levels)),
                **{m: df[m].to_numpy() for m in METRICS},
            }
        )
        del labels
        del df
        target = pdf.lazy()
        fn = run_polars
        nbytes = int(pdf.estimated_size())
    else:
        target = df
        fn = {"pandas": run_pandas, "cxm": run_cxm}[tool]
    fn(target, metrics)  # warm-up (imports, thread pools)
    gc.collect()
    base = _status_kb("VmRSS")
    reset = _reset_peak()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(target, metrics)
        times.append(time.perf_counter() - t0)
    peak = _status_kb("VmHWM")
    extra = max(peak - base, 0) * 1024 if reset else None
    return {
        "tool": tool,
        "scenario": scenario,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "input_bytes": nbytes,
        "extra_peak_bytes": extra,
        "peak_ratio": (nbytes + extra) / nbytes if extra is not None else None,
    }


def check_agreement(rows: int = 200_000) -> None:
    """Before timing anything: cxm and pandas give the same tables (values, p, q)."""
    with tempfile.TemporaryDirectory() as data:
        make_data(rows, 250, data, seed=7)
        df = load_pandas(data)
        theirs = run_pandas(df, METRICS)
        ours = split_cxm(run_cxm(df, METRICS), METRICS)
        for m in METRICS:
            t = ours[m].sort_values("segment")
            for k, col in ((0, m), (4, "p_value"), (5, "q_value")):
                if not np.allclose(t[col].to_numpy(dtype=float), theirs[m][k], rtol=1e-6, atol=1e-12):
                    raise SystemExit(f"cxm and pandas disagree on {m} {col}")
    print(f"agreement check on {rows:,} rows: cxm = pandas reference for {', '.join(METRICS)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--segments", type=int, default=250)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--tools", default="cxm,polars,pandas")
    ap.add_argument("--json", help="write results here")
    ap.add_argument("--worker", nargs=3, metavar=("TOOL", "SCENARIO", "DATA"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        tool, scenario, data = args.worker
        print(json.dumps(worker(tool, scenario, data, args.repeat)))
        return
    check_agreement()
    results = []
    with tempfile.TemporaryDirectory() as data:
        make_data(args.rows, args.segments, data)
        for scenario in ("nps", "all3"):
            for tool in args.tools.split(","):
                out = subprocess.run(
                    [sys.executable, __file__, "--repeat", str(args.repeat), "--worker", tool, scenario, data],
                    check=True, capture_output=True, text=True,
                )
                r = json.loads(out.stdout.strip().splitlines()[-1])
                results.append(r)
                print(f"{scenario:5s} {tool:7s} median {r['median_s']*1e3:9.1f} ms"
                      f"  peak/input {r['peak_ratio'] if r['peak_ratio'] is None else round(r['peak_ratio'], 3)}",
                      flush=True)
    by = {(r["scenario"], r["tool"]): r for r in results}
    print()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}")
    print(f"rows: {args.rows:,}  segments: {args.segments}  repeat: {args.repeat} (median)")
    for scenario in ("nps", "all3"):
        c = by.get((scenario, "cxm"))
        if not c:
            continue
        for peer in ("polars", "pandas"):
            p = by.get((scenario, peer))
            if p:
                print(f"{scenario:5s} cxm is {p['median_s'] / c['median_s']:.2f}x faster than {peer}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": args.rows, "segments": args.segments, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()
