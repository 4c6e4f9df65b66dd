#!/usr/bin/env python3
"""Validate the CX sentiment test set and print the counts used in docs/sentiment-testset.md.

Also checks the comments of the synthetic sample (examples/data/responses.csv) against the
sentiment the generator (cxm-core/src/sample.rs) planted: the generator's phrase banks are
read from sample.rs, every sample comment is matched against them, and the NPS of the rows
is summarised per kind of comment.

Standard library only. Usage (from the repository root):

    python3 benches/sentiment/testset_stats.py
    python3 benches/sentiment/testset_stats.py --testset PATH --responses PATH --sample-rs PATH

Exit status 0 when the test set is valid, 1 otherwise (problems are listed on stderr).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

HEADER = ["id", "label", "domain", "phenomenon", "text"]
LABELS = ["negative", "neutral", "positive"]
DOMAINS = [
    "retail_store",
    "ecommerce_delivery",
    "banking_app",
    "telecom_support",
    "airline_travel",
    "restaurant_hospitality",
    "utilities",
]
PHENOMENA = [
    "plain",
    "short",
    "typo",
    "caps_punctuation",
    "emoji",
    "negation",
    "never_phrase",
    "could_not_be_happier",
    "contrast_but",
    "mixed",
    "sarcasm",
    "wait_time",
    "numbers_with_time_units",
    "app_failure",
    "request_for_help",
    "resolved_problem",
    "going_above_and_beyond",
    "refund",
    "rude_staff",
    "price",
    "neutral_fact",
    "question",
    "suggestion",
]
MIN_ROWS = 360
MAX_WORDS = 40
MIN_WORDS = 3  # fewer words are allowed only for phenomenon "short"
NEAR_DUP_JACCARD = 0.75


def normalise(text: str) -> str:
    """Case-folded alphanumeric words only (punctuation, emoji and spacing removed)."""
    t = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"[^\W_]+", t))


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+(?:['’][^\W_]+)*", text)


# ---------------------------------------------------------------------------
# Test set
# ---------------------------------------------------------------------------


def load_testset(path: Path, problems: list[str]) -> list[dict]:
    rows: list[dict] = []
    raw = path.read_bytes()
    if b"\r" in raw:
        problems.append("file contains carriage returns (use LF line endings)")
    lines = raw.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    else:
        problems.append("file does not end with a newline")
    if not lines or lines[0].split("\t") != HEADER:
        problems.append(f"header must be {'<TAB>'.join(HEADER)!r}, got {lines[0] if lines else ''!r}")
        return rows
    ids: set[str] = set()
    for n, line in enumerate(lines[1:], start=2):
        f = line.split("\t")
        if len(f) != len(HEADER):
            problems.append(f"line {n}: {len(f)} fields (a tab inside the text?)")
            continue
        r = dict(zip(HEADER, f))
        if not re.fullmatch(r"cx\d{4}", r["id"]):
            problems.append(f"line {n}: bad id {r['id']!r}")
        if r["id"] in ids:
            problems.append(f"line {n}: duplicate id {r['id']}")
        ids.add(r["id"])
        if r["label"] not in LABELS:
            problems.append(f"line {n}: bad label {r['label']!r}")
        if r["domain"] not in DOMAINS:
            problems.append(f"line {n}: bad domain {r['domain']!r}")
        if r["phenomenon"] not in PHENOMENA:
            problems.append(f"line {n}: unknown phenomenon {r['phenomenon']!r}")
        t = r["text"]
        if not t.strip() or t != t.strip():
            problems.append(f"line {n}: empty text or leading/trailing spaces")
        if any(unicodedata.category(c) == "Cc" for c in t):
            problems.append(f"line {n}: control character in text")
        nw = len(words(t))
        if nw > MAX_WORDS:
            problems.append(f"line {n}: {nw} words (> {MAX_WORDS})")
        if nw < MIN_WORDS and r["phenomenon"] != "short":
            problems.append(f"line {n}: {nw} words; texts under {MIN_WORDS} words must be tagged 'short'")
        if r["phenomenon"] == "short" and nw > MIN_WORDS:
            problems.append(f"line {n}: tagged 'short' but has {nw} words (max {MIN_WORDS})")
        if not normalise(t):
            problems.append(f"line {n}: no words in text")
        r["line"] = n
        r["n_words"] = nw
        rows.append(r)
    if len(rows) < MIN_ROWS:
        problems.append(f"only {len(rows)} rows (need >= {MIN_ROWS})")
    seen: dict[str, str] = {}
    for r in rows:
        k = normalise(r["text"])
        if k in seen:
            problems.append(f"{r['id']}: same normalised text as {seen[k]}: {k!r}")
        else:
            seen[k] = r["id"]
    return rows


def near_duplicates(rows: list[dict]) -> list[tuple[float, str, str]]:
    sets = [(r["id"], set(normalise(r["text"]).split())) for r in rows]
    out = []
    for i in range(len(sets)):
        a_id, a = sets[i]
        if len(a) < 4:
            continue
        for j in range(i + 1, len(sets)):
            b_id, b = sets[j]
            if len(b) < 4:
                continue
            jac = len(a & b) / len(a | b)
            if jac >= NEAR_DUP_JACCARD:
                out.append((jac, a_id, b_id))
    return sorted(out, reverse=True)


def pct(k: int, n: int) -> str:
    return f"{100.0 * k / n:.1f}" if n else "-"


def table(header: list[str], body: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def crosstab(rows: list[dict], key: str, order: list[str]) -> str:
    by = defaultdict(Counter)
    for r in rows:
        by[r[key]][r["label"]] += 1
    body = []
    for k in order:
        c = by.get(k, Counter())
        n = sum(c.values())
        if n:
            body.append([f"`{k}`"] + [c[l] for l in LABELS] + [n])
    tot = Counter(r["label"] for r in rows)
    body.append(["**total**"] + [tot[l] for l in LABELS] + [len(rows)])
    return table([key] + LABELS + ["total"], body)


def report_testset(rows: list[dict]) -> None:
    n = len(rows)
    lab = Counter(r["label"] for r in rows)
    print("## Test set\n")
    print(f"rows: {n}\n")
    print(table(["label", "n", "%"], [[l, lab[l], pct(lab[l], n)] for l in LABELS]))
    print()
    print(crosstab(rows, "domain", DOMAINS))
    print()
    ph = Counter(r["phenomenon"] for r in rows)
    order = sorted(PHENOMENA, key=lambda p: (-ph[p], p))
    print(crosstab(rows, "phenomenon", order))
    print()
    nw = sorted(r["n_words"] for r in rows)
    print(
        f"words per text: min {nw[0]}, median {nw[len(nw) // 2]}, max {nw[-1]}, "
        f"mean {sum(nw) / n:.1f}; texts under {MIN_WORDS} words (all tagged `short`): "
        f"{sum(1 for w in nw if w < MIN_WORDS)}\n"
    )
    nd = near_duplicates(rows)
    print(f"near-duplicate pairs (word-set Jaccard >= {NEAR_DUP_JACCARD}): {len(nd)}")
    for jac, a, b in nd:
        print(f"  {a} ~ {b}  ({jac:.2f})")
    print()


# ---------------------------------------------------------------------------
# Sample data check
# ---------------------------------------------------------------------------

# Phrase banks of sample.rs that carry sentiment, by polarity. Banks that only fill
# slots or join clauses are listed in FILLER; anything else is reported as unknown so
# this check does not silently go stale when the generator changes.
POLARITY_SPECIAL = {
    "APP_CRASH": "negative",
    "APP_LOGIN": "negative",
    "APP_FREEZE": "negative",
    "CLOSE_DETRACTOR": "negative",
    "CLOSE_PROMOTER": "positive",
    "CLOSE_PASSIVE": "lukewarm",
    "GENERIC_MEH": "lukewarm",
}
FILLER = {
    "DUR", "HOLD", "SHORT", "ITEM", "ROLE_STORE", "ROLE_REMOTE", "NAME", "DAYS", "WEEKS",
    "COUNT", "PRICE", "TILLS", "OPEN_STORE", "OPEN_REMOTE", "JOIN_SAME", "JOIN_CONTRAST",
    "END_NEG", "END_NEUTRAL", "END_POS", "WEEKDAY_NAMES",
}
EMOJI_BANKS = {"EMOJI_NEG", "EMOJI_POS"}


def bank_polarity(name: str) -> str | None:
    if name in POLARITY_SPECIAL:
        return POLARITY_SPECIAL[name]
    if "SARCASM" in name:
        return "sarcasm"
    if re.search(r"(^|_)NEG(_|$)", name):
        return "negative"
    if re.search(r"(^|_)POS(_|$)", name):
        return "positive"
    if name.startswith("NEUTRAL_"):
        return "neutral"
    return None


def parse_sample_rs(path: Path) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    src = path.read_text(encoding="utf-8")
    banks: dict[str, list[str]] = {}
    for m in re.finditer(r"const\s+(\w+)\s*:\s*&\[&str\]\s*=\s*&\[(.*?)\];", src, re.S):
        items = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2))
        banks[m.group(1)] = [json.loads(f'"{s}"') for s in items]
    # Slot name -> filler banks, from `fn slot`.
    slots: dict[str, list[str]] = {}
    m = re.search(r"fn slot\(.*?\n\}\n", src, re.S)
    if m:
        body = m.group(0)
        arms = list(re.finditer(r'"(\w+)"\s*=>', body))
        for i, a in enumerate(arms):
            end = arms[i + 1].start() if i + 1 < len(arms) else len(body)
            seg = body[a.end():end]
            slots[a.group(1)] = re.findall(r"rng\.pick\((\w+)\)", seg)
    return banks, slots


class Matcher:
    """Finds generator phrases in a comment, longest template first, without overlaps."""

    def __init__(self, banks: dict[str, list[str]], slots: dict[str, list[str]]):
        self.entries = []  # (len, regex, literal, bank, polarity, template)
        self.unknown = sorted(
            b for b in banks if b not in FILLER and b not in EMOJI_BANKS and bank_polarity(b) is None
        )
        self.emoji = {b: banks[b] for b in EMOJI_BANKS if b in banks}
        for bank, items in banks.items():
            pol = bank_polarity(bank)
            if pol is None or bank in EMOJI_BANKS:
                continue
            for tpl in items:
                t = tpl.strip().lower()
                if not re.search(r"\w", t):  # "-" (a bare dash) is matched as a whole comment
                    continue
                parts, literals, pos = [], [], 0
                for sm in re.finditer(r"\{(\w+)\}", t):
                    lit = t[pos:sm.start()]
                    parts.append(re.escape(lit))
                    literals.append(lit)
                    fills = sorted(
                        {f.lower() for fb in slots.get(sm.group(1), []) for f in banks.get(fb, [])},
                        key=len,
                        reverse=True,
                    )
                    parts.append("(?:" + "|".join(re.escape(f) for f in fills) + ")" if fills else r"[^.!?]{1,60}?")
                    pos = sm.end()
                parts.append(re.escape(t[pos:]))
                literals.append(t[pos:])
                rx = re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)")
                key = max(literals, key=len).strip()
                self.entries.append((len(t), rx, key, bank, pol, tpl))
        self.entries.sort(key=lambda e: -e[0])

    def find(self, comment: str) -> list[tuple[int, str, str, str]]:
        return self.find_with_rest(comment)[0]

    def find_with_rest(self, comment: str) -> tuple[list[tuple[int, str, str, str]], str]:
        """Matches (start, bank, polarity, template) and the text left over."""
        text = comment.lower()
        hits = []
        for _, rx, key, bank, pol, tpl in self.entries:
            if key and key not in text:
                continue
            for m in rx.finditer(text):
                hits.append((m.start(), bank, pol, tpl))
                text = text[: m.start()] + "\x00" * (m.end() - m.start()) + text[m.end():]
        if not hits and not re.search(r"\w", text) and "-" in text:
            hits.append((0, "NEUTRAL_*", "neutral", "-"))
        return sorted(hits), text.replace("\x00", " ")


def nps_summary(scores: list[int]) -> list:
    n = len(scores)
    if not n:
        return [0, "-", "-", "-", "-", "-"]
    det = sum(1 for s in scores if s <= 6)
    pro = sum(1 for s in scores if s >= 9)
    return [
        n,
        f"{sum(scores) / n:.2f}",
        f"{100.0 * (pro - det) / n:+.1f}",
        pct(det, n),
        pct(n - det - pro, n),
        pct(pro, n),
    ]


NPS_HEAD = ["n", "mean NPS (0-10)", "NPS", "% detractors (0-6)", "% passives (7-8)", "% promoters (9-10)"]
CONTRAST = re.compile(r"(?<!\w)(but|however|although|though)(?!\w)")


def report_sample(responses: Path, sample_rs: Path, testset: list[dict]) -> None:
    banks, slots = parse_sample_rs(sample_rs)
    matcher = Matcher(banks, slots)
    print("## Sample data: comments against their planted sentiment\n")
    print(f"source: `{responses.relative_to(ROOT) if responses.is_relative_to(ROOT) else responses}`, "
          f"phrase banks from `{sample_rs.relative_to(ROOT) if sample_rs.is_relative_to(ROOT) else sample_rs}`\n")
    by_pol = defaultdict(list)
    for b in banks:
        if b not in FILLER and b not in EMOJI_BANKS and bank_polarity(b):
            by_pol[bank_polarity(b)].append(b)
    for p in ["negative", "sarcasm", "positive", "lukewarm", "neutral"]:
        print(f"- {p}: {', '.join(sorted(by_pol[p]))}")
    if matcher.unknown:
        print(f"- WARNING, banks not classified (update this script): {', '.join(matcher.unknown)}")
    print()

    with responses.open(newline="", encoding="utf-8") as fh:
        data = [(int(r["nps"]), r["comment"]) for r in csv.DictReader(fh)]
    classes = defaultdict(list)
    mixed_order = defaultdict(list)
    mixed_conn = defaultdict(list)
    whole = defaultdict(list)  # comment that is a single generic / neutral phrase
    per_bank = defaultdict(list)  # rows whose comment contains a phrase of the bank
    emoji = defaultdict(list)
    topic_banks = {"lukewarm", "neutral"}
    for nps, c in data:
        if not c:
            classes["(blank)"].append(nps)
            continue
        for b, items in matcher.emoji.items():
            if any(e in c for e in items):
                emoji[b].append(nps)
        if "🤷" in c:
            emoji["shrug (🤷)"].append(nps)
        hits, rest = matcher.find_with_rest(c)
        pols = {h[2] for h in hits}
        for b in {re.sub(r"_(STORE|PHONE|ONLINE|REMOTE)$", "_*", h[1]) for h in hits}:
            per_bank[b].append(nps)
        neg = bool(pols & {"negative", "sarcasm"})
        pos = "positive" in pols
        if not hits:
            cls = "unmatched (typo in a phrase)"
        elif neg and pos:
            cls = "mixed (negative and positive phrases)"
        elif "sarcasm" in pols:
            cls = "sarcasm only"
        elif neg:
            cls = "negative only"
        elif pos:
            cls = "positive only"
        elif "lukewarm" in pols:
            cls = "lukewarm only (GENERIC_MEH / CLOSE_PASSIVE)"
        else:
            cls = "neutral bank only"
        classes[cls].append(nps)
        if neg and pos:
            # Topic clauses (one per mentioned topic) in order; generic phrases and the
            # closing remark ("Never again.", "Would recommend.") are looked at separately.
            tp = [h[2] for h in hits if not h[1].startswith(("GENERIC_", "CLOSE_")) and h[2] not in topic_banks]
            tp = ["negative" if p == "sarcasm" else p for p in tp]
            closer = [h[2] for h in hits if h[1].startswith("CLOSE_")]
            if len(set(tp)) == 2:
                key = f"topic clauses: {tp[0]} first, {tp[-1]} last"
            elif tp and closer:
                key = f"topic clauses all {tp[0]}; closing remark {closer[-1]}"
            else:
                key = "other (generic phrase with a topic clause)"
            mixed_order[key].append(nps)
            m = CONTRAST.search(c.lower())
            if m and len(set(tp)) == 2:
                side = "negative clause first" if tp[0] == "negative" else "positive clause first"
                conn = "but / however" if m.group(1) in ("but", "however") else "although / though"
                mixed_conn[(conn, side)].append(nps)
        if len(hits) == 1 and hits[0][1].startswith(("GENERIC_", "NEUTRAL_")) and not re.search(r"\w", rest):
            whole[(hits[0][1].replace("_STORE", "_*").replace("_REMOTE", "_*"), hits[0][3])].append(nps)

    order = [
        "negative only", "sarcasm only", "mixed (negative and positive phrases)", "positive only",
        "lukewarm only (GENERIC_MEH / CLOSE_PASSIVE)", "neutral bank only",
        "unmatched (typo in a phrase)", "(blank)",
    ]
    print("### NPS of the rows by the kind of phrases in their comment\n")
    print(table(["comment contains"] + NPS_HEAD, [[k] + nps_summary(classes[k]) for k in order]))
    print()
    commented = sum(len(v) for k, v in classes.items() if k != "(blank)")
    unmatched = len(classes["unmatched (typo in a phrase)"])
    print(f"comments: {commented}; matched to a generator phrase: {commented - unmatched} "
          f"({pct(commented - unmatched, commented)} %)\n")

    print("### NPS of the rows by phrase bank (a comment counts once per bank it uses)\n")
    pol_order = {"negative": 0, "sarcasm": 1, "lukewarm": 2, "neutral": 3, "positive": 4}
    body = []
    for b, v in sorted(per_bank.items(), key=lambda kv: (pol_order[bank_polarity(kv[0].replace("_*", "_STORE")) or bank_polarity(kv[0].replace("_*", "_REMOTE")) or "neutral"], kv[0])):
        pol = bank_polarity(b.replace("_*", "_STORE")) or bank_polarity(b.replace("_*", "_REMOTE"))
        body.append([f"`{b}`", pol] + nps_summary(v))
    print(table(["bank", "polarity"] + NPS_HEAD, body))
    print()

    print("### Mixed comments: which clause carries the planted score\n")
    print(table(["mixed comment"] + NPS_HEAD, [[k] + nps_summary(v) for k, v in sorted(mixed_order.items())]))
    print()
    print(table(["connective", "order"] + NPS_HEAD,
                [[k[0], k[1]] + nps_summary(v) for k, v in sorted(mixed_conn.items())]))
    print()

    print("### Whole-comment generic and neutral phrases\n")
    body = [[b, f"`{t}`"] + nps_summary(v) for (b, t), v in sorted(whole.items(), key=lambda kv: (kv[0][0], -len(kv[1])))]
    print(table(["bank", "phrase"] + NPS_HEAD, body))
    print()
    print("### Emoji appended by the generator\n")
    print(table(["emoji"] + NPS_HEAD, [[k] + nps_summary(v) for k, v in sorted(emoji.items())]))
    print()

    sample_norm = {normalise(c) for _, c in data if c}
    overlap = [r for r in testset if normalise(r["text"]) in sample_norm]
    print("### Overlap of the test set with the sample comments\n")
    print(f"test-set texts whose normalised form equals a sample comment: {len(overlap)}")
    for r in overlap:
        print(f"  {r['id']} {r['label']}: {r['text']}")
    print()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--testset", type=Path, default=ROOT / "examples/data/cx_sentiment_testset.tsv")
    ap.add_argument("--responses", type=Path, default=ROOT / "examples/data/responses.csv")
    ap.add_argument("--sample-rs", type=Path, default=ROOT / "cxm-core/src/sample.rs")
    ap.add_argument("--no-sample", action="store_true", help="skip the sample-data check")
    args = ap.parse_args()

    problems: list[str] = []
    rows = load_testset(args.testset, problems)
    if rows:
        report_testset(rows)
    if not args.no_sample:
        report_sample(args.responses.resolve(), args.sample_rs.resolve(), rows)
    if problems:
        print(f"INVALID: {len(problems)} problem(s)", file=sys.stderr)
        for p in problems:
            print("  " + p, file=sys.stderr)
        return 1
    print(f"OK: {args.testset.name} is valid ({len(rows)} rows)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
