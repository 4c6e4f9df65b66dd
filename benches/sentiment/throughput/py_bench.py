#!/usr/bin/env python3
"""Sentiment throughput of a Python implementation over a file of texts (one per line).

    /tmp/vvenv/bin/python py_bench.py TEXTS_FILE --impl vader_python
    RAYON_NUM_THREADS=1 .venv/bin/python py_bench.py TEXTS_FILE --impl cxm_python --mode vader

Implementations:

- ``vader_python``: the reference vaderSentiment 3.3.2,
  ``SentimentIntensityAnalyzer().polarity_scores`` in a Python loop (``--mode`` must be
  ``vader``). Install with
  ``python3 -m venv /tmp/vvenv && /tmp/vvenv/bin/pip install vaderSentiment==3.3.2``.
- ``cxm_python``: ``cxm.sentiment(texts, mode=MODE)`` on a Python list, from the
  project's .venv (build it with ``bash cxm-py/run_py_tests.sh``). It scores with rayon:
  set ``RAYON_NUM_THREADS=1`` for one core. A mode cxm does not know (ValueError) is
  reported on stderr and skipped: exit 0, no output.

The texts are scored once untimed (warm-up: the first ``--warmup`` texts for the
reference, whose loop has nothing to warm beyond that; all of them for cxm), then
``--repeat`` timed times; one JSON line gives the median, in the same format as the Rust
benchmark:

    {"impl":"vader_python","texts":119970,"seconds":14.2,"texts_per_s":8448.6}

``--show K`` times nothing and prints the scores of the first K texts instead.
"""

import argparse
import json
import statistics
import sys
import time

SEP = (",", ":")  # compact JSON, as the Rust benchmark prints it


def load_texts(path):
    """One text per line, UTF-8; a trailing '\\r' is dropped, like Rust's `lines`."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def vader_python(mode):
    """(name, score_all, show) of the reference implementation."""
    if mode != "vader":
        sys.exit(f"error: vader_python only has mode vader, not {mode}")
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        sys.exit("error: vaderSentiment is not installed in this interpreter; run "
                 "python3 -m venv /tmp/vvenv && "
                 "/tmp/vvenv/bin/pip install vaderSentiment==3.3.2")
    analyzer = SentimentIntensityAnalyzer()

    def score_all(texts):
        return [analyzer.polarity_scores(t) for t in texts]

    def show(texts):
        return [(s["compound"], s["pos"], s["neu"], s["neg"]) for s in score_all(texts)]

    return "vader_python", score_all, show


def cxm_python(mode):
    """(name, score_all, show) of cxm's Python API, or None if `mode` is unknown."""
    try:
        import cxm
    except ImportError as e:
        sys.exit(f"error: cannot import cxm ({e}); run `bash cxm-py/run_py_tests.sh` "
                 "first to build it into /work/main/.venv")
    try:
        cxm.sentiment(["ok"], mode=mode)
    except ValueError:
        print(f"mode {mode} not available in this build", file=sys.stderr)
        return None

    def score_all(texts):
        return cxm.sentiment(texts, mode=mode)

    def show(texts):
        df = score_all(texts)
        return list(zip(df["compound"], df["pos"], df["neu"], df["neg"]))

    return f"cxm_python_{mode}", score_all, show


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("texts_file")
    parser.add_argument("--impl", required=True, choices=["vader_python", "cxm_python"])
    parser.add_argument("--mode", default="vader")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=2000, metavar="N",
                        help="texts scored untimed first by vader_python (default 2000)")
    parser.add_argument("--show", type=int, metavar="K",
                        help="print the scores of the first K texts; no timing")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be >= 1")

    texts = load_texts(args.texts_file)
    chosen = (vader_python if args.impl == "vader_python" else cxm_python)(args.mode)
    if chosen is None:
        return 0
    name, score_all, show = chosen

    if args.show is not None:
        for i, (compound, pos, neu, neg) in enumerate(show(texts[:args.show])):
            print(json.dumps({"impl": name, "index": i, "compound": compound,
                              "pos": pos, "neu": neu, "neg": neg}, separators=SEP))
        return 0

    score_all(texts[:args.warmup] if args.impl == "vader_python" else texts)
    seconds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        out = score_all(texts)
        seconds.append(time.perf_counter() - start)
        assert len(out) == len(texts)
        del out
    median = statistics.median(seconds)
    print(json.dumps({"impl": name, "texts": len(texts), "seconds": round(median, 6),
                      "texts_per_s": round(len(texts) / median, 1)}, separators=SEP),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
