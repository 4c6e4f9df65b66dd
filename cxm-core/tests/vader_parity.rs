//! The Vader mode against the reference vaderSentiment 3.3.2 (Hutto & Gilbert 2014).
//!
//! `data/vader_reference.tsv` holds 607 texts written for this test (customer feedback,
//! negation, "no", "but", caps, punctuation, emoji, emoticons, boosters, "kind of",
//! "least", "never so", idioms, odd whitespace and Unicode, empty and long texts) with
//! the scores the reference Python package gave them (CPython 3.11; regenerate or check
//! with `benches/sentiment/vader_parity.py --fixture ... [--write-fixture]`). Every score
//! must match within 1e-6 — in practice exactly, since both sides round the same way.

use cxm_core::sentiment::{Mode, Scores, SentimentModel};
use proptest::prelude::*;

const FIXTURE: &str = include_str!("data/vader_reference.tsv");
const TOLERANCE: f64 = 1e-6;

struct Case {
    line: usize,
    text: String,
    expected: Scores,
}

fn fixture() -> Vec<Case> {
    let mut lines = FIXTURE.split('\n').enumerate();
    let header = lines.next().map(|(_, h)| h);
    assert_eq!(header, Some("text_json\tcompound\tpos\tneu\tneg"));
    lines
        .filter(|(_, line)| !line.is_empty())
        .map(|(i, line)| {
            let fields: Vec<&str> = line.split('\t').collect();
            assert_eq!(fields.len(), 5, "line {}: {line:?}", i + 1);
            let text: String = serde_json::from_str(fields[0])
                .unwrap_or_else(|e| panic!("line {}: bad JSON text: {e}", i + 1));
            let num = |k: usize| -> f64 {
                fields[k]
                    .parse()
                    .unwrap_or_else(|e| panic!("line {}: bad number {:?}: {e}", i + 1, fields[k]))
            };
            Case {
                line: i + 1,
                text,
                expected: Scores {
                    compound: num(1),
                    pos: num(2),
                    neu: num(3),
                    neg: num(4),
                },
            }
        })
        .collect()
}

fn max_delta(a: &Scores, b: &Scores) -> f64 {
    [
        (a.compound - b.compound).abs(),
        (a.pos - b.pos).abs(),
        (a.neu - b.neu).abs(),
        (a.neg - b.neg).abs(),
    ]
    .into_iter()
    .fold(0.0, f64::max)
}

#[test]
fn matches_reference_vader_on_fixture() {
    let model = SentimentModel::vader();
    let cases = fixture();
    assert!(cases.len() >= 600, "fixture has {} texts", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let got = model.score(&case.text);
            (max_delta(&got, &case.expected) > TOLERANCE).then(|| {
                format!(
                    "line {}: {:?}\n    reference {:?}\n    cxm       {:?}",
                    case.line, case.text, case.expected, got
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} texts differ from vaderSentiment 3.3.2:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Worked by hand from the rules: "good" has valence 1.9, the other three tokens 0.
/// compound = 1.9/√(1.9² + 15) = 0.44043…; pos = (1.9+1)/(2.9+3) = 0.4915…;
/// neu = 3/5.9 = 0.5084…
#[test]
fn golden_case_by_hand() {
    let s = SentimentModel::vader().score("The book was good.");
    assert_eq!(
        s,
        Scores {
            compound: 0.4404,
            pos: 0.492,
            neu: 0.508,
            neg: 0.0
        }
    );
    // "!" adds 0.292 to the sum: 2.192/√(2.192² + 15) = 0.49262…
    let s = SentimentModel::vader().score("The book was good!");
    assert_eq!(s.compound, 0.4926);
    // "not" flips with ×−0.74: −1.406/√(1.406² + 15) = −0.34123…
    let s = SentimentModel::vader().score("The book was not good.");
    assert_eq!(s.compound, -0.3412);
}

#[test]
fn empty_and_blank_texts_score_zero() {
    let model = SentimentModel::vader();
    for text in ["", " ", "\t\n", "\u{3000}"] {
        assert_eq!(model.score(text), Scores::default(), "{text:?}");
    }
}

#[test]
fn batch_equals_single_for_any_thread_count() {
    let cases = fixture();
    let texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    let model = SentimentModel::vader();
    let single: Vec<Scores> = texts.iter().map(|t| model.score(t)).collect();
    for threads in [1, 2, 3, 8] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool");
        let batch = pool.install(|| model.score_batch(&texts));
        assert_eq!(batch, single, "{threads} threads");
    }
}

#[test]
fn model_is_an_immutable_shareable_value() {
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<SentimentModel>();
    let model = SentimentModel::vader();
    assert_eq!(model.mode(), Mode::Vader);
    assert_eq!(model.lexicon().len(), 7506);
    let copy = model.clone();
    let text = "Great service, but the wait was awful!!";
    assert_eq!(copy.score(text), model.score(text));
    assert!(cxm_core::sentiment::VADER_LICENSE.contains("MIT License"));
}

/// Pieces that exercise every rule, for the structured property tests.
const PIECES: &[&str] = &[
    "good", "GOOD", "bad", "BAD", "not", "no", "No", "but", "BUT", "kind", "of", "least", "at",
    "very", "VERY", "never", "so", "this", "without", "doubt", "the", "shit", "bomb", "isn't",
    "kinda", "or", "nor", ":)", ":-(", "!", "!!!", "??", "?", "...", "😁", "💔", "🏽", "🆙", "é",
    "\u{212a}", "İ", " ", " ", " ", "\t", "\u{a0}", "\u{2028}", "\u{1c}",
];

fn vader_like_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..120).prop_map(|pieces| pieces.concat())
}

fn check_invariants(s: &Scores) -> Result<(), TestCaseError> {
    for v in [s.compound, s.pos, s.neu, s.neg] {
        prop_assert!(v.is_finite());
    }
    prop_assert!((-1.0..=1.0).contains(&s.compound));
    for v in [s.pos, s.neu, s.neg] {
        prop_assert!((0.0..=1.0).contains(&v));
    }
    let total = s.pos + s.neu + s.neg;
    prop_assert!(
        total == 0.0 || (total - 1.0).abs() <= 0.0021,
        "shares sum to {total}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any string, including control characters, lone combining marks and any code
    /// point, scores without panicking, into valid ranges.
    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        let s = SentimentModel::vader().score(&text);
        check_invariants(&s)?;
    }

    /// Arbitrary bytes, decoded lossily as a caller with untrusted input would.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        check_invariants(&SentimentModel::vader().score(&text))?;
    }

    /// Texts dense in rule words: no panic, valid ranges, batch equals single.
    #[test]
    fn rule_dense_texts_are_well_formed(texts in prop::collection::vec(vader_like_text(), 1..8)) {
        let model = SentimentModel::vader();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let batch = model.score_batch(&refs);
        for (text, s) in refs.iter().zip(&batch) {
            check_invariants(s)?;
            prop_assert_eq!(*s, model.score(text));
        }
    }
}
