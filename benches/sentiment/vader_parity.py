#!/usr/bin/env python3
"""Parity and throughput of cxm's Vader mode against the reference vaderSentiment 3.3.2.

Usage (from the repository root, with the reference installed in the interpreter):

    python3 -m venv /tmp/vvenv && /tmp/vvenv/bin/pip install vaderSentiment==3.3.2
    /tmp/vvenv/bin/python benches/sentiment/vader_parity.py /work/shared/data/sentiment
    /tmp/vvenv/bin/python benches/sentiment/vader_parity.py /work/shared/data/sentiment \
        --throughput 100000

The directory holds the VADER ground-truth sets (Hutto & Gilbert 2014):
`*_GroundTruth.txt`, tab separated `id<TAB>mean human rating<TAB>text`.

For each set it prints n, the largest |delta| of compound (and of pos/neu/neg) between
the reference and the Rust implementation (the `vader_score` example of cxm-core, built
in release mode), the number of texts whose compound differs by more than 1e-6, and the
Pearson r of compound against the human mean for both implementations.

`--throughput N` also times both on one core over the texts of all sets repeated to at
least N: the reference's `polarity_scores` in a Python loop, and `score_batch` in Rust
under RAYON_NUM_THREADS=1 (timed inside the binary, I/O excluded).

`--fixture PATH` checks the committed parity fixture of the Rust tests
(cxm-core/tests/data/vader_reference.tsv: a header line, then `text as a JSON string
literal<TAB>compound<TAB>pos<TAB>neu<TAB>neg`) against the reference and the Rust
implementation; with `--write-fixture` it first recomputes the fixture's scores with the
reference (how the file was made: texts written by hand, scores from vaderSentiment).
"""

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

TOLERANCE = 1e-6
ROOT = Path(__file__).resolve().parents[2]
FIELDS = ("compound", "pos", "neu", "neg")


def read_set(path):
    """(mean rating, text) pairs of one ground-truth file."""
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for line in f.read().split("\n"):
            line = line.rstrip("\r")
            if not line:
                continue
            _id, mean, text = line.split("\t", 2)
            rows.append((float(mean), text))
    return rows


def build_rust():
    """Builds the example and returns the path of its executable."""
    out = subprocess.run(
        ["cargo", "build", "--release", "-p", "cxm-core", "--example", "vader_score",
         "--message-format=json"],
        cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if (msg.get("reason") == "compiler-artifact"
                and msg.get("target", {}).get("name") == "vader_score"
                and msg.get("executable")):
            return msg["executable"]
    sys.exit("vader_score executable not found in cargo output")


def rust_scores(exe, texts, repeat=0):
    """Scores from the Rust example (texts sent as JSON strings, one per line)."""
    payload = "".join(json.dumps(t) + "\n" for t in texts)
    cmd = [exe, "--json"] + (["--repeat", str(repeat)] if repeat else [])
    env = dict(os.environ, RAYON_NUM_THREADS="1")
    proc = subprocess.run(cmd, input=payload, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, check=True, env=env)
    scores = [dict(zip(FIELDS, map(float, line.split("\t"))))
              for line in proc.stdout.splitlines()]
    if len(scores) != len(texts):
        sys.exit(f"Rust returned {len(scores)} rows for {len(texts)} texts")
    return scores, proc.stderr.strip()


def fixture(path, analyzer, exe, write):
    """Checks (and with `write`, regenerates) the Rust tests' parity fixture."""
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    header, rows = lines[0], [l for l in lines[1:] if l]
    texts = [json.loads(row.split("\t", 1)[0]) for row in rows]
    ref = [analyzer.polarity_scores(t) for t in texts]
    if write:
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(header + "\n")
            for t, r in zip(texts, ref):
                f.write(json.dumps(t, ensure_ascii=False) + "\t"
                        + "\t".join(repr(float(r[k])) for k in FIELDS) + "\n")
        print(f"wrote reference scores of {len(texts)} texts to {path}")
    stored = [dict(zip(FIELDS, map(float, row.split("\t")[1:]))) for row in
              Path(path).read_text(encoding="utf-8").split("\n")[1:] if row]
    rust, _ = rust_scores(exe, texts)
    bad_stored = sum(any(abs(r[k] - s[k]) > TOLERANCE for k in FIELDS) for r, s in zip(ref, stored))
    bad_rust = [i for i, (r, s) in enumerate(zip(ref, rust))
                if any(abs(r[k] - s[k]) > TOLERANCE for k in FIELDS)]
    print(f"fixture {path}: {len(texts)} texts; stored scores differing from the reference: "
          f"{bad_stored}; Rust differing from the reference: {len(bad_rust)}")
    for i in bad_rust[:5]:
        print(f"    {texts[i]!r}: reference {ref[i]} rust {rust[i]}")
    return bad_stored + len(bad_rust)


def pearson(xs, ys):
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, nargs="?",
                        help="directory of *_GroundTruth.txt files")
    parser.add_argument("--throughput", type=int, default=0, metavar="N",
                        help="also time both on >= N texts, one core")
    parser.add_argument("--show", type=int, default=5, metavar="K",
                        help="print up to K mismatching texts per set")
    parser.add_argument("--fixture", type=Path, metavar="TSV",
                        help="also check the Rust tests' parity fixture")
    parser.add_argument("--write-fixture", action="store_true",
                        help="recompute the fixture's scores with the reference first")
    args = parser.parse_args()
    if args.data_dir is None and args.fixture is None:
        parser.error("give a ground-truth directory, --fixture, or both")

    from importlib.metadata import version
    import vaderSentiment
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    analyzer = SentimentIntensityAnalyzer()
    exe = build_rust()

    print(f"reference: vaderSentiment {version('vaderSentiment')} "
          f"(from {Path(vaderSentiment.__file__).parent}), Python {sys.version.split()[0]}")
    failures = 0
    if args.fixture:
        failures += fixture(args.fixture, analyzer, exe, args.write_fixture)
    if args.data_dir is None:
        return 0 if failures == 0 else 1
    sets = sorted(args.data_dir.glob("*_GroundTruth.txt"))
    if not sets:
        sys.exit(f"no *_GroundTruth.txt in {args.data_dir}")
    header = (f"{'set':<28} {'n':>6} {'max|dcomp|':>11} {'>1e-6':>6} "
              f"{'max|dpos,neu,neg|':>18} {'r ref':>7} {'r rust':>7}")
    print(header)
    print("-" * len(header))
    all_texts = []
    for path in sets:
        rows = read_set(path)
        human = [m for m, _ in rows]
        texts = [t for _, t in rows]
        all_texts.extend(texts)
        ref = [analyzer.polarity_scores(t) for t in texts]
        rust, _ = rust_scores(exe, texts)
        deltas = [abs(r["compound"] - s["compound"]) for r, s in zip(ref, rust)]
        other = max(abs(r[f] - s[f]) for r, s in zip(ref, rust) for f in FIELDS[1:])
        over = [i for i, d in enumerate(deltas) if d > TOLERANCE]
        failures += len(over) + (other > TOLERANCE)
        r_ref = pearson([r["compound"] for r in ref], human)
        r_rust = pearson([s["compound"] for s in rust], human)
        name = path.name.replace("_GroundTruth.txt", "")
        print(f"{name:<28} {len(texts):>6} {max(deltas):>11.2e} {len(over):>6} "
              f"{other:>18.2e} {r_ref:>7.4f} {r_rust:>7.4f}")
        for i in over[: args.show]:
            print(f"    {texts[i]!r}: reference {ref[i]} rust {rust[i]}")

    if args.throughput:
        repeat = max(1, math.ceil(args.throughput / len(all_texts)))
        corpus = all_texts * repeat
        start = time.perf_counter()
        for t in corpus:
            analyzer.polarity_scores(t)
        py_rate = len(corpus) / (time.perf_counter() - start)
        _, report = rust_scores(exe, all_texts, repeat=repeat)
        # "scored N texts in S s: R texts/s on 1 thread(s) ..."
        rust_rate = float(report.split(": ")[1].split(" ")[0])
        print(f"\nthroughput, one core, {len(corpus)} texts "
              f"({len(all_texts)} ground-truth texts x {repeat}):")
        print(f"  vaderSentiment (Python loop): {py_rate:>12,.0f} texts/s")
        print(f"  cxm Vader (Rust score_batch): {rust_rate:>12,.0f} texts/s "
              f"({rust_rate / py_rate:.1f}x)")

    print(f"\nparity: {'OK' if failures == 0 else 'FAILED'} "
          f"(|delta| <= {TOLERANCE} on all four scores of every text)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
