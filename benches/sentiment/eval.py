#!/usr/bin/env python3
"""Accuracy of cxm's sentiment modes on the issue-4 evaluation sets.

    .venv/bin/python benches/sentiment/eval.py ../shared/data [--modes vader,cx]

Reads (by path, never copied into the project):
- sentiment/{tweets,movieReviewSnippets,nytEditorialSnippets}_GroundTruth.txt
  (id, human mean rating −4..4, text): Pearson r of compound against the human mean, and
  3-class macro-F1 where the class is positive if the mean > 0.5, negative if < −0.5,
  else neutral;
- cx/airline_tweets_dev.csv (evaluation only, CC BY-NC-SA): 3-class macro-F1 against
  `airline_sentiment`;
and the project's own CX test set examples/data/cx_sentiment_testset.tsv (macro-F1).

Predicted class: positive if compound ≥ cut, negative if ≤ −cut, else neutral, with
VADER's default cut = 0.05 unless --cut is given.
"""
from __future__ import annotations

import argparse
import csv
import math
import os
import sys

import cxm

LABELS = ("negative", "neutral", "positive")
HERE = os.path.dirname(os.path.abspath(__file__))
TESTSET = os.path.join(HERE, "..", "..", "examples", "data", "cx_sentiment_testset.tsv")


def pearson(x: list[float], y: list[float]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy)


def macro_f1(truth: list[str], pred: list[str]) -> float:
    f1s = []
    for c in LABELS:
        tp = sum(t == c and p == c for t, p in zip(truth, pred))
        fp = sum(t != c and p == c for t, p in zip(truth, pred))
        fn = sum(t == c and p != c for t, p in zip(truth, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s)


def classify(compound: list[float], cut: float) -> list[str]:
    return ["positive" if c >= cut else "negative" if c <= -cut else "neutral" for c in compound]


def ground_truth(path: str) -> tuple[list[str], list[float]]:
    texts, means = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                means.append(float(parts[1]))
                texts.append(parts[2])
    return texts, means


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", help="the shared data directory (holding sentiment/ and cx/)")
    ap.add_argument("--modes", default="vader,cx", help="comma-separated cxm modes")
    ap.add_argument("--cut", type=float, default=0.05)
    args = ap.parse_args()
    modes = args.modes.split(",")
    rows = []
    for name in ("tweets", "movieReviewSnippets", "nytEditorialSnippets"):
        texts, means = ground_truth(os.path.join(args.data, "sentiment", f"{name}_GroundTruth.txt"))
        truth = ["positive" if m > 0.5 else "negative" if m < -0.5 else "neutral" for m in means]
        for mode in modes:
            comp = cxm.sentiment(texts, mode=mode)["compound"].tolist()
            rows.append((name, mode, len(texts), pearson(comp, means), macro_f1(truth, classify(comp, args.cut))))
    airline = os.path.join(args.data, "cx", "airline_tweets_dev.csv")
    if os.path.exists(airline):
        with open(airline, encoding="utf-8", errors="replace", newline="") as f:
            data = [(r["text"], r["airline_sentiment"]) for r in csv.DictReader(f)]
        for mode in modes:
            comp = cxm.sentiment([t for t, _ in data], mode=mode)["compound"].tolist()
            rows.append(("airline_tweets_dev", mode, len(data), float("nan"),
                         macro_f1([l for _, l in data], classify(comp, args.cut))))
    with open(TESTSET, encoding="utf-8", newline="") as f:
        data = [(r["text"], r["label"]) for r in csv.DictReader(f, delimiter="\t")]
    for mode in modes:
        comp = cxm.sentiment([t for t, _ in data], mode=mode)["compound"].tolist()
        rows.append(("cx_testset (project)", mode, len(data), float("nan"),
                     macro_f1([l for _, l in data], classify(comp, args.cut))))
    print(f"{'set':24s} {'mode':6s} {'n':>6s} {'pearson r':>10s} {'macro-F1':>9s}   (cut ±{args.cut})")
    for name, mode, n, r, f1 in rows:
        rs = "" if math.isnan(r) else f"{r:.3f}"
        print(f"{name:24s} {mode:6s} {n:6d} {rs:>10s} {f1:9.3f}")


if __name__ == "__main__":
    sys.exit(main())
