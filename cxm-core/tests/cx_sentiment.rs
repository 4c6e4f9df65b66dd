//! The Cx mode (issue 4): golden cases with their signs and rough strengths, one text per
//! rule that `explain` reports, custom entries and serialized models, properties that
//! hold for any input (no panic, ranges, `explain` agrees with `score`, batch equals
//! single for any thread count), and the sentiment planted in the bundled sample data
//! (`examples/data/responses.csv`, written by `cxm_core::sample`).
//!
//! Strengths are asserted as ranges: the lexicon values may be tuned. Exact values are
//! asserted only where the rules fix them (VADER's normalization, the ×−0.74 negation,
//! the 0.293 booster, the 0.733 caps bonus, the 0.292 per "!", the duration formula, the
//! ×1.2 weight of negative valences applied after all other rules).

use cxm_core::metrics::Scale;
use cxm_core::sample::{generate, SampleConfig};
use cxm_core::sentiment::{
    Clause, Contribution, Explanation, Label, Mode, Rule, Scores, SentimentModel, Source,
    DEFAULT_CUT, MODEL_FORMAT_VERSION,
};
use cxm_core::CxmError;
use proptest::prelude::*;

/// VADER's normalization, `x / √(x² + 15)`.
fn normalize(x: f64) -> f64 {
    x / (x * x + 15.0).sqrt()
}

fn cx() -> SentimentModel {
    SentimentModel::cx()
}

/// The Cx mode's last rule ([`Rule::NegativeWeight`]): every negative token valence is
/// multiplied by 1.2 after all other rules (contrast included); positive and zero
/// valences are left alone.
const NEGATIVE_WEIGHT: f64 = 1.2;

/// A token's final valence given its valence after the other rules.
fn weighted(v: f64) -> f64 {
    if v < 0.0 {
        v * NEGATIVE_WEIGHT
    } else {
        v
    }
}

fn assert_close(got: f64, want: f64, what: &str) {
    assert!((got - want).abs() <= 1e-9, "{what}: got {got}, want {want}");
}

// ---------------------------------------------------------------------------------------
// Invariants of an explanation, shared by the golden tests and the property tests.
// ---------------------------------------------------------------------------------------

/// Scores are finite, in range, and the shares add up to 1 (or are all 0). The Vader
/// mode rounds the shares to 3 decimals like the reference, hence `tolerance`.
fn check_scores(s: &Scores, tolerance: f64) -> Result<(), String> {
    for v in [s.compound, s.pos, s.neu, s.neg] {
        if !v.is_finite() {
            return Err(format!("non-finite score in {s:?}"));
        }
    }
    if !(-1.0..=1.0).contains(&s.compound) {
        return Err(format!("compound out of range: {s:?}"));
    }
    for v in [s.pos, s.neu, s.neg] {
        if !(0.0..=1.0).contains(&v) {
            return Err(format!("share out of range: {s:?}"));
        }
    }
    let total = s.pos + s.neu + s.neg;
    let all_zero = s.pos == 0.0 && s.neu == 0.0 && s.neg == 0.0;
    if !(all_zero || (total - 1.0).abs() <= tolerance) {
        return Err(format!("shares sum to {total}: {s:?}"));
    }
    if all_zero && s.compound != 0.0 {
        return Err(format!("no weight but compound {}", s.compound));
    }
    Ok(())
}

/// Spans of a contribution or a clause: inside the text, on character boundaries, with
/// character offsets that count the code points before and inside the byte span.
fn check_span(
    text: &str,
    (start, end, char_start, char_end): (usize, usize, usize, usize),
) -> Result<(), String> {
    if !(start < end && end <= text.len()) {
        return Err(format!(
            "span {start}..{end} outside text of {} bytes",
            text.len()
        ));
    }
    if !(text.is_char_boundary(start) && text.is_char_boundary(end)) {
        return Err(format!("span {start}..{end} splits a character"));
    }
    let cs = text[..start].chars().count();
    let ce = cs + text[start..end].chars().count();
    if (char_start, char_end) != (cs, ce) {
        return Err(format!(
            "char span {char_start}..{char_end} of bytes {start}..{end}, want {cs}..{ce}"
        ));
    }
    Ok(())
}

/// Everything `explain` promises about one text.
fn check_explanation(model: &SentimentModel, text: &str, e: &Explanation) -> Result<(), String> {
    let tolerance = match model.mode() {
        Mode::Vader => 0.0021,
        _ => 1e-9,
    };
    check_scores(&e.scores, tolerance)?;
    if e.scores != model.score(text) {
        return Err(format!(
            "explain {:?} != score {:?}",
            e.scores,
            model.score(text)
        ));
    }
    if e.mode != model.mode() {
        return Err("mode differs".into());
    }
    if model.mode() == Mode::Vader {
        return if e.contributions.is_empty() && e.clauses.is_empty() {
            Ok(())
        } else {
            Err("Vader explanation has contributions or clauses".into())
        };
    }
    // Contributions: in token order, one per token, spans consistent, rules present.
    for w in e.contributions.windows(2) {
        if w[0].token >= w[1].token || w[0].end > w[1].start {
            return Err(format!("contributions out of order: {:?} {:?}", w[0], w[1]));
        }
    }
    for c in &e.contributions {
        check_span(text, (c.start, c.end, c.char_start, c.char_end))?;
        if text[c.start..c.end] != c.text {
            return Err(format!("contribution text {:?} != text[span]", c.text));
        }
        if c.rules.is_empty() || !c.valence.is_finite() || !c.base.is_finite() {
            return Err(format!("bad contribution {c:?}"));
        }
    }
    // Clauses: ordered, non-overlapping, non-empty, inside the text.
    for c in &e.clauses {
        check_span(text, (c.start, c.end, c.char_start, c.char_end))?;
        if text[c.start..c.end].trim().is_empty() {
            return Err(format!("blank clause {c:?}"));
        }
        if (c.compound - normalize(c.sum).clamp(-1.0, 1.0)).abs() > 1e-12 {
            return Err(format!("clause compound is not normalize(sum): {c:?}"));
        }
    }
    for w in e.clauses.windows(2) {
        if w[0].end > w[1].start || w[0].char_end > w[1].char_start {
            return Err(format!(
                "clauses overlap or are out of order: {:?} {:?}",
                w[0], w[1]
            ));
        }
    }
    if !text.trim().is_empty() && e.clauses.is_empty() {
        return Err("a non-blank text has no clause".into());
    }
    // Every contribution lies in exactly one clause, and each clause's sum is the sum of
    // its contributions.
    for clause in &e.clauses {
        let inside: f64 = e
            .contributions
            .iter()
            .filter(|c| c.start >= clause.start && c.end <= clause.end)
            .map(|c| c.valence)
            .sum();
        if (inside - clause.sum).abs() > 1e-9 {
            return Err(format!(
                "clause sum {} != contributions {inside}",
                clause.sum
            ));
        }
    }
    for c in &e.contributions {
        let n = e
            .clauses
            .iter()
            .filter(|k| c.start >= k.start && c.end <= k.end)
            .count();
        if n != 1 {
            return Err(format!("contribution {c:?} lies in {n} clauses"));
        }
    }
    // Without "!"/"?" emphasis, compound is the normalized sum of the contributions.
    if !text.contains(['!', '?']) {
        let sum: f64 = e.contributions.iter().map(|c| c.valence).sum();
        let want = normalize(sum).clamp(-1.0, 1.0);
        if (e.scores.compound - want).abs() > 1e-12 {
            return Err(format!(
                "compound {} but contributions sum to {sum} (normalized {want})",
                e.scores.compound
            ));
        }
        // The same, read backwards where it is well conditioned.
        let c = e.scores.compound;
        if c.abs() < 0.99 {
            let implied = c * 15f64.sqrt() / (1.0 - c * c).sqrt();
            if (implied - sum).abs() > 1e-9 * (1.0 + sum.abs()) {
                return Err(format!("sum implied by compound {implied} != {sum}"));
            }
        }
    }
    Ok(())
}

/// The negativity weight of the full Cx model in an explanation: it fires exactly once on
/// every token whose final valence is negative, as its last rule, and never on a token
/// whose valence is positive or zero.
fn check_negative_weight(e: &Explanation) -> Result<(), String> {
    for c in &e.contributions {
        let n = c
            .rules
            .iter()
            .filter(|r| **r == Rule::NegativeWeight)
            .count();
        let want = usize::from(c.valence < 0.0);
        if n != want || (want == 1 && c.rules.last() != Some(&Rule::NegativeWeight)) {
            return Err(format!(
                "negative weight fired {n} times (want {want}, last): {c:?}"
            ));
        }
    }
    Ok(())
}

fn explain_checked(model: &SentimentModel, text: &str) -> Explanation {
    let e = model.explain(text);
    if let Err(msg) = check_explanation(model, text, &e) {
        panic!("{text:?}: {msg}\n{e:#?}");
    }
    e
}

/// The contribution of the first token written `token` (case-sensitive).
fn contribution<'e>(e: &'e Explanation, token: &str) -> &'e Contribution {
    e.contributions
        .iter()
        .find(|c| c.text == token)
        .unwrap_or_else(|| panic!("no contribution for {token:?} in {e:#?}"))
}

/// Asserts that `rule` fired on `token` of `text`, and returns the explanation.
fn assert_rule(text: &str, token: &str, rule: impl Fn(&Rule) -> bool) -> Explanation {
    let e = explain_checked(&cx(), text);
    let c = contribution(&e, token);
    assert!(
        c.rules.iter().any(&rule),
        "{text:?}: expected rule not found on {token:?}: {:?}",
        c.rules
    );
    e
}

// ---------------------------------------------------------------------------------------
// 1. Golden cases.
// ---------------------------------------------------------------------------------------

/// The issue's list: (text, lowest, highest compound). Observed values (with the ×1.2
/// negativity weight), for reference: −0.774, −0.612, −0.527, −0.527, −0.563, 0.670, 0.296,
/// 0.542, −0.612, −0.687, −0.487. (The Vader mode gets none of the eleven labels right: 0.0
/// for the first five, the wrong sign for the rest.)
const GOLDEN: &[(&str, f64, f64)] = &[
    ("I waited 2 hours on hold.", -0.9, -0.5),
    ("The app keeps crashing", -0.8, -0.35),
    ("Long wait time.", -0.7, -0.3),
    ("It took ages to get a refund.", -0.7, -0.3),
    ("My package never arrived.", -0.7, -0.3),
    ("Couldn't be happier!", 0.5, 0.95),
    ("The problem was fixed immediately.", 0.1, 0.7),
    ("Delivery was fast and no issues.", 0.3, 0.85),
    ("Thanks for nothing.", -0.8, -0.3),
    ("Great, another delayed flight.", -0.85, -0.3),
    ("Please help, I can't log in to my account.", -0.75, -0.2),
];

#[test]
fn golden_cases_from_the_issue() {
    let model = cx();
    let mut failures = Vec::new();
    for &(text, lo, hi) in GOLDEN {
        let e = explain_checked(&model, text);
        let c = e.scores.compound;
        let want = if lo > 0.0 {
            Label::Positive
        } else {
            Label::Negative
        };
        if !(lo..=hi).contains(&c) || e.scores.label(DEFAULT_CUT) != want {
            failures.push(format!(
                "{text:?}: compound {c:.4}, want {lo}..={hi} ({want:?})"
            ));
        }
        // Strength shows in the shares too.
        if want == Label::Negative {
            assert!(e.scores.neg > e.scores.pos, "{text:?}: {:?}", e.scores);
        } else {
            assert!(e.scores.pos > e.scores.neg, "{text:?}: {:?}", e.scores);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Why each golden case scores as it does: the rule that carries it.
#[test]
fn golden_cases_fire_the_intended_rules() {
    assert_rule(
        "I waited 2 hours on hold.",
        "hours",
        |r| matches!(r, Rule::Duration { minutes } if *minutes == 120.0),
    );
    assert_rule(
        "I waited 2 hours on hold.",
        "on",
        |r| matches!(r, Rule::Phrase { phrase, .. } if phrase == "on hold"),
    );
    assert_rule(
        "The app keeps crashing",
        "keeps",
        |r| matches!(r, Rule::Phrase { phrase, source: Source::Cx } if phrase == "keep crash"),
    );
    assert_rule(
        "Long wait time.",
        "Long",
        |r| matches!(r, Rule::Phrase { phrase, .. } if phrase == "long wait"),
    );
    assert_rule(
        "It took ages to get a refund.",
        "took",
        |r| matches!(r, Rule::Phrase { phrase, .. } if phrase == "took ages"),
    );
    assert_rule(
        "My package never arrived.",
        "never",
        |r| matches!(r, Rule::Phrase { phrase, .. } if phrase == "neg arrive"),
    );
    assert_rule(
        "Couldn't be happier!",
        "Couldn't",
        |r| matches!(r, Rule::Phrase { phrase, .. } if phrase == "neg be happier"),
    );
    assert_rule("The problem was fixed immediately.", "problem", |r| {
        matches!(r, Rule::Resolved { by: 3 })
    });
    assert_rule(
        "Delivery was fast and no issues.",
        "no",
        |r| matches!(r, Rule::Phrase { phrase, .. } if phrase == "neg issue"),
    );
    assert_rule(
        "Thanks for nothing.",
        "Thanks",
        |r| matches!(r, Rule::Phrase { phrase, .. } if phrase == "thanks for nothing"),
    );
    assert_rule("Great, another delayed flight.", "Great", |r| {
        matches!(r, Rule::Irony)
    });
    assert_rule("Please help, I can't log in to my account.", "help", |r| {
        matches!(r, Rule::Irrealis { by: 0 })
    });
    assert_rule(
        "Please help, I can't log in to my account.",
        "can't",
        |r| matches!(r, Rule::Phrase { phrase, .. } if phrase == "neg log in"),
    );
}

#[test]
fn contrast_weighs_the_clause_after_but() {
    let model = cx();
    let praise_last = model
        .score("took ages but the staff sorted it out")
        .compound;
    let complaint_last = model
        .score("the staff sorted it out but took ages")
        .compound;
    assert!(
        praise_last > complaint_last,
        "{praise_last} vs {complaint_last}"
    );
    // The sample data is written dominant-feeling-last, so the signs follow the last clause.
    assert!(praise_last > 0.05, "{praise_last}");
    assert!(complaint_last < -0.05, "{complaint_last}");

    // Exact factors: before "but" ×0.5, after ×1.5 (then ×1.2 for a negative valence,
    // which comes after contrast).
    let e = explain_checked(&model, "The food was good but the service was awful");
    let good = contribution(&e, "good");
    let awful = contribution(&e, "awful");
    assert_close(good.valence, weighted(good.base * 0.5), "good");
    assert_close(awful.valence, weighted(awful.base * 1.5), "awful");
    assert!(good.rules.contains(&Rule::Contrast { by: 4, factor: 0.5 }));
    assert!(awful.rules.contains(&Rule::Contrast { by: 4, factor: 1.5 }));

    // "although" concedes its own clause and stresses the main one.
    let e = explain_checked(&model, "Although the food was good, the service was awful");
    assert!(contribution(&e, "good")
        .rules
        .contains(&Rule::Contrast { by: 0, factor: 0.5 }));
    assert!(contribution(&e, "awful")
        .rules
        .contains(&Rule::Contrast { by: 0, factor: 1.5 }));
    // Tokens: The(0) service(1) was(2) awful(3) although(4).
    let e = explain_checked(&model, "The service was awful although the food was good");
    assert!(contribution(&e, "awful")
        .rules
        .contains(&Rule::Contrast { by: 4, factor: 1.5 }));
    assert!(contribution(&e, "good")
        .rules
        .contains(&Rule::Contrast { by: 4, factor: 0.5 }));

    // A sentence opening with "But" contrasts with the previous sentence.
    let e = explain_checked(&model, "The staff were lovely. But the queue was awful.");
    assert!(contribution(&e, "lovely")
        .rules
        .iter()
        .any(|r| matches!(r, Rule::Contrast { factor, .. } if *factor == 0.5)));
    assert!(e.scores.compound < -0.05, "{:?}", e.scores);
}

#[test]
fn negation_is_scoped_to_its_clause() {
    let model = cx();
    let not_good = model.score("not good").compound;
    assert!(not_good < -0.05);
    // 1.9 × −0.74 (then ×1.2 as a negative valence), structurally fixed.
    assert_close(not_good, normalize(weighted(1.9 * -0.74)), "not good");
    assert!(model.score("no complaints at all").compound > 0.05);
    assert!(model.score("never again").compound < -0.05);
    assert!(model.score("I've never had worse service").compound < -0.05);

    // The rules behind them.
    assert_rule("not good", "good", |r| {
        matches!(r, Rule::Negation { by: 0 })
    });
    assert_rule(
        "no complaints at all",
        "no",
        |r| matches!(r, Rule::Phrase { phrase, .. } if phrase == "neg complaint"),
    );
    assert_rule(
        "never again",
        "never",
        |r| matches!(r, Rule::Phrase { phrase, .. } if phrase == "never again"),
    );
    // Tokens: I've(0) never(1) had(2) worse(3) service(4).
    assert_rule("I've never had worse service", "worse", |r| {
        matches!(r, Rule::NegatedSuperlative { by: 1 })
    });

    // A conjunction ends the scope: "lovely" is not negated by "not".
    let e = explain_checked(&model, "The room was not clean and the staff were lovely");
    assert!(contribution(&e, "clean")
        .rules
        .contains(&Rule::Negation { by: 3 }));
    let lovely = contribution(&e, "lovely");
    assert!(!lovely
        .rules
        .iter()
        .any(|r| matches!(r, Rule::Negation { .. })));
    assert_eq!(lovely.valence, lovely.base);
    // So does punctuation.
    let e = explain_checked(&model, "Not once, the staff were lovely");
    let lovely = contribution(&e, "lovely");
    assert!(!lovely
        .rules
        .iter()
        .any(|r| matches!(r, Rule::Negation { .. })));
    // And the scope is four words.
    let e = explain_checked(&model, "not one of the many lovely people");
    let lovely = contribution(&e, "lovely");
    assert!(!lovely
        .rules
        .iter()
        .any(|r| matches!(r, Rule::Negation { .. })));
    let e = explain_checked(&model, "not one of the lovely people");
    assert!(contribution(&e, "lovely")
        .rules
        .contains(&Rule::Negation { by: 0 }));
}

/// Durations in a waiting context are negative, growing with the logarithm of the
/// duration: −(0.8 + 0.6·log10(minutes / 10)), capped at −2.5. Under 10 minutes a
/// duration is not a wait and adds nothing.
#[test]
fn durations_are_waits_from_ten_minutes() {
    let model = cx();
    let forty = model.score("on hold for 40 minutes").compound;
    let five = model.score("on hold for 5 minutes").compound;
    assert!(forty < five, "{forty} vs {five}");
    // 5 minutes: only "on hold" (−1.5, weighted ×1.2) counts.
    let e = explain_checked(&model, "on hold for 5 minutes");
    assert!(e.contributions.iter().all(|c| c.text != "minutes"));
    let on = contribution(&e, "on");
    assert_close(e.scores.compound, normalize(weighted(on.base)), "5 minutes");
    // 40 minutes adds the duration's own valence, weighted like any negative valence.
    let e = explain_checked(&model, "on hold for 40 minutes");
    let minutes = contribution(&e, "minutes");
    assert_eq!(
        minutes.rules,
        vec![Rule::Duration { minutes: 40.0 }, Rule::NegativeWeight]
    );
    assert_close(minutes.base, -(0.8 + 0.6 * 4f64.log10()), "40 minutes");
    assert_close(
        minutes.valence,
        weighted(minutes.base),
        "40 minutes, weighted",
    );

    // The boundary is 10 minutes.
    for text in ["waited 9 minutes", "I waited five minutes"] {
        let e = explain_checked(&model, text);
        assert!(
            !e.contributions
                .iter()
                .any(|c| c.rules.iter().any(|r| matches!(r, Rule::Duration { .. }))),
            "{text:?}: {e:#?}"
        );
    }
    let e = explain_checked(&model, "waited 10 minutes");
    let minutes = contribution(&e, "minutes");
    assert_eq!(
        minutes.rules,
        vec![Rule::Duration { minutes: 10.0 }, Rule::NegativeWeight]
    );
    assert_close(minutes.base, -0.8, "10 minutes");
    assert_close(
        minutes.valence,
        -0.8 * NEGATIVE_WEIGHT,
        "10 minutes, weighted",
    );

    // Units, numbers in words, glued units; longer is worse, up to the cap.
    let cases = [
        ("waited 10 minutes", 10.0),
        ("waited 40mins", 40.0),
        ("waited an hour", 60.0),
        ("waited two hours", 120.0),
        ("waited 3 days", 4320.0),
        ("waited 2 weeks", 20160.0),
        ("waited 6 months", 259_200.0),
    ];
    let mut previous = 0.0;
    for (text, want) in cases {
        let e = explain_checked(&model, text);
        let d = e
            .contributions
            .iter()
            .find(|c| c.rules.iter().any(|r| matches!(r, Rule::Duration { .. })))
            .unwrap_or_else(|| panic!("{text:?}: no duration: {e:#?}"));
        assert_eq!(
            d.rules[d.rules.len().saturating_sub(2)..],
            [Rule::Duration { minutes: want }, Rule::NegativeWeight],
            "{text:?}"
        );
        let expected = -(0.8 + 0.6 * (want / 10.0).log10()).min(2.5);
        assert_close(d.base, expected, text);
        assert_close(d.valence, weighted(expected), text);
        assert!(d.base <= previous, "{text:?}: {} after {previous}", d.base);
        previous = d.base;
    }
    assert_close(previous, -2.5, "cap");

    // Not a waiting context: no duration.
    let e = explain_checked(&model, "The battery lasts 10 hours");
    assert!(e.contributions.is_empty(), "{e:#?}");
    assert_eq!(e.scores.compound, 0.0);
}

/// One text per rule of `explain`, and the token the rule fires on.
#[test]
fn every_rule_fires_where_expected() {
    assert_rule("The staff were amazing", "amazing", |r| {
        *r == Rule::Lexicon {
            source: Source::Vader,
        }
    });
    assert_rule("The checkout was slow", "slow", |r| {
        *r == Rule::Lexicon { source: Source::Cx }
    });
    // Phrase: the head gets the phrase's valence, the rest is InPhrase with 0.
    let e = assert_rule(
        "The app keeps crashing",
        "keeps",
        |r| matches!(r, Rule::Phrase { phrase, source: Source::Cx } if phrase == "keep crash"),
    );
    let crashing = contribution(&e, "crashing");
    assert_eq!(crashing.rules, vec![Rule::InPhrase { head: 2 }]);
    assert_eq!(crashing.valence, 0.0);
    assert_rule(
        "It crashes",
        "crashes",
        |r| matches!(r, Rule::Inflection { stem, source: Source::Vader } if stem == "crash"),
    );
    // Tokens: The(0) service(1) was(2) not(3) good(4).
    let e = assert_rule("The service was not good", "good", |r| {
        *r == Rule::Negation { by: 3 }
    });
    assert_close(
        contribution(&e, "good").valence,
        weighted(1.9 * -0.74),
        "negated good",
    );
    let e = assert_rule(
        "The service was very good",
        "good",
        |r| matches!(r, Rule::Booster { by: 3, delta } if (*delta - 0.293).abs() < 1e-12),
    );
    assert_close(contribution(&e, "good").valence, 1.9 + 0.293, "very good");
    let e = assert_rule(
        "The service was GREAT",
        "GREAT",
        |r| matches!(r, Rule::Caps { delta } if (*delta - 0.733).abs() < 1e-12),
    );
    assert_close(contribution(&e, "GREAT").valence, 3.1 + 0.733, "GREAT");
    assert_rule(
        "The food was good but the service was awful",
        "awful",
        |r| *r == Rule::Contrast { by: 4, factor: 1.5 },
    );
    assert_rule("on hold for 40 minutes", "minutes", |r| {
        *r == Rule::Duration { minutes: 40.0 }
    });
    // Tokens: It(0) would(1) be(2) nice(3).
    let e = assert_rule("It would be nice to get a reply", "nice", |r| {
        *r == Rule::Irrealis { by: 1 }
    });
    assert_eq!(e.scores.compound, 0.0);
    let e = assert_rule("Was the service good?", "good", |r| *r == Rule::Question);
    assert_eq!(e.scores.compound, 0.0);
    let e = assert_rule("thanks for the 3 hour delay", "thanks", |r| {
        *r == Rule::Irony
    });
    // Irony turns the positive "thanks" negative, so it is then weighted ×1.2.
    let thanks = contribution(&e, "thanks");
    assert_close(
        thanks.valence,
        weighted(thanks.base * -0.5),
        "ironic thanks",
    );
    assert_rule("Great, another delayed flight.", "Great", |r| {
        *r == Rule::Irony
    });
    let e = assert_rule("Looks like rain", "like", |r| *r == Rule::LikeNotVerb);
    assert_eq!(e.scores.compound, 0.0);
    // "like" as a verb keeps its valence.
    let e = explain_checked(&cx(), "I like it");
    assert_eq!(
        contribution(&e, "like").rules,
        vec![Rule::Lexicon {
            source: Source::Vader
        }]
    );
    // Tokens: The(0) problem(1) was(2) fixed(3).
    let e = assert_rule("The problem was fixed immediately.", "problem", |r| {
        *r == Rule::Resolved { by: 3 }
    });
    assert_eq!(contribution(&e, "problem").valence, 0.0);
    let e = assert_rule("no good", "no", |r| *r == Rule::NoAsNegation);
    assert_eq!(contribution(&e, "no").valence, 0.0);
    assert!(contribution(&e, "good")
        .rules
        .contains(&Rule::Negation { by: 0 }));
    assert_rule("I've never had worse service", "worse", |r| {
        *r == Rule::NegatedSuperlative { by: 1 }
    });
    let e = assert_rule("Great food 😊", "😊", |r| *r == Rule::Emoji);
    assert!(contribution(&e, "😊").valence > 0.0);
    // Emoji whose description has no lexicon word are entries of the CX lexicon.
    let e = assert_rule("Terrible food 😠", "😠", |r| {
        *r == Rule::Lexicon { source: Source::Cx }
    });
    assert!(contribution(&e, "😠").valence < 0.0);
    let e = assert_rule("Great food :)", ":)", |r| *r == Rule::Emoticon);
    assert!(contribution(&e, ":)").valence > 0.0);
    let e = assert_rule("bad :(", ":(", |r| *r == Rule::Emoticon);
    assert!(contribution(&e, ":(").valence < 0.0);
}

/// Explanation and clause invariants on every text of this file, and the clause splits.
#[test]
fn clauses_and_contributions_are_consistent() {
    let model = cx();
    let texts = GOLDEN.iter().map(|g| g.0).chain([
        "took ages but the staff sorted it out",
        "Not happy: on hold for 40 minutes",
        "It was nice. But the wait was long.\nWon't be back",
        "Café «très» bien — but the wait… 40 minutes; never again 😡😡",
        "  leading and trailing spaces  ",
        "Ünïcödé wörds: naïve café, ﬁne ligatures and 𝒮𝒸𝓇𝒾𝓅𝓉",
        "@handle http://example.com/x great!!",
        "",
        " \t\n",
    ]);
    for text in texts {
        let e = explain_checked(&model, text);
        assert_eq!(model.clauses(text), e.clauses, "{text:?}");
    }

    let clause_texts = |text: &str| -> Vec<String> {
        model
            .clauses(text)
            .iter()
            .map(|c| text[c.start..c.end].to_string())
            .collect()
    };
    assert_eq!(
        clause_texts("took ages but the staff sorted it out"),
        ["took ages", "but the staff sorted it out"]
    );
    assert_eq!(
        clause_texts("It was nice. But the wait was long."),
        ["It was nice.", "But the wait was long."]
    );
    assert_eq!(
        clause_texts("Great service!\nWon't be back"),
        ["Great service!", "Won't be back"]
    );
    let colon = clause_texts("Not happy: on hold for 40 minutes");
    assert_eq!(colon.len(), 2, "{colon:?}");
    assert_eq!(colon[0], "Not happy:");
    assert!(colon[1].ends_with("on hold for 40 minutes"), "{colon:?}");
    // Empty and blank texts: no clause, zero scores.
    for text in ["", " ", "\t\n"] {
        let e = explain_checked(&model, text);
        assert!(
            e.clauses.is_empty() && e.contributions.is_empty(),
            "{text:?}"
        );
        assert_eq!(e.scores, Scores::default());
    }

    // Character offsets past multi-byte characters.
    let text = "Café – 😡 but the staff were lovely";
    let e = explain_checked(&model, text);
    let lovely = contribution(&e, "lovely");
    assert_eq!(
        lovely.char_start,
        text.chars().position(|c| c == 'l').unwrap()
    );
    assert!(lovely.start > lovely.char_start);
    let last: &Clause = e.clauses.last().unwrap();
    assert_eq!(last.char_end, text.chars().count());
    assert_eq!(last.end, text.len());

    // The explanation serializes with its rules.
    let json: serde_json::Value =
        serde_json::from_str(&explain_checked(&model, "on hold for 40 minutes").to_json()).unwrap();
    assert_eq!(json["mode"], "cx");
    assert_eq!(json["contributions"][2]["text"], "minutes");
    assert_eq!(json["contributions"][2]["rules"][0]["rule"], "duration");
    assert_eq!(json["contributions"][2]["rules"][0]["minutes"], 40.0);
}

/// The last rule: every negative valence ×1.2, after all other rules (contrast and irony
/// included), recorded as `{"rule":"negative_weight"}`; positive valences never get it,
/// and the model with the rule switched off ("negativity") gives the unweighted values.
#[test]
fn negative_valences_are_weighted_last() {
    let model = cx();
    let unweighted = SentimentModel::cx_ablated(&["negativity"]).unwrap();
    assert!(SentimentModel::cx_rule_names().contains(&"negativity"));

    // Negation, then the weight: 1.9 × −0.74 × 1.2.
    let e = explain_checked(&model, "not good");
    let good = contribution(&e, "good");
    assert_eq!(
        good.rules,
        vec![
            Rule::Lexicon {
                source: Source::Vader
            },
            Rule::Negation { by: 0 },
            Rule::NegativeWeight
        ]
    );
    assert_close(good.base, 1.9, "good base");
    assert_close(good.valence, good.base * -0.74 * 1.2, "not good");
    assert_close(
        e.scores.compound,
        normalize(1.9 * -0.74 * 1.2),
        "not good compound",
    );
    // The shares use the weighted valence: neg = |v − 1|, "not" is neutral.
    let v = 1.9 * 0.74 * 1.2;
    assert_close(e.scores.neg, (v + 1.0) / (v + 2.0), "not good neg share");
    assert_close(e.scores.neu, 1.0 / (v + 2.0), "not good neu share");
    let off = unweighted.explain("not good");
    assert_eq!(
        contribution(&off, "good").rules,
        vec![
            Rule::Lexicon {
                source: Source::Vader
            },
            Rule::Negation { by: 0 }
        ]
    );
    assert_close(
        contribution(&off, "good").valence,
        1.9 * -0.74,
        "unweighted",
    );
    assert_close(
        off.scores.compound,
        normalize(1.9 * -0.74),
        "unweighted compound",
    );

    // After contrast: "awful" ×1.5 then ×1.2; the positive "good" ×0.5 only.
    let e = explain_checked(&model, "The food was good but the service was awful");
    let awful = contribution(&e, "awful");
    assert_eq!(
        awful.rules,
        vec![
            Rule::Lexicon {
                source: Source::Vader
            },
            Rule::Contrast { by: 4, factor: 1.5 },
            Rule::NegativeWeight
        ]
    );
    assert_close(awful.base, -2.0, "awful base");
    assert_close(awful.valence, -2.0 * 1.5 * 1.2, "awful");
    let good = contribution(&e, "good");
    assert!(!good.rules.contains(&Rule::NegativeWeight), "{good:?}");
    assert_close(good.valence, good.base * 0.5, "good");

    // The sign that counts is the final one: ironic "thanks" (1.9 × −0.5) is weighted,
    // and so is the duration.
    let e = explain_checked(&model, "thanks for the 3 hour delay");
    let thanks = contribution(&e, "thanks");
    assert_eq!(thanks.rules.last(), Some(&Rule::NegativeWeight));
    assert_close(thanks.valence, 1.9 * -0.5 * 1.2, "ironic thanks");
    let hour = contribution(&e, "hour");
    assert_eq!(
        hour.rules,
        vec![Rule::Duration { minutes: 180.0 }, Rule::NegativeWeight]
    );
    assert_close(
        hour.valence,
        -(0.8 + 0.6 * 18f64.log10()) * 1.2,
        "3 hour delay",
    );

    // A positive word never gets it, however boosted or stressed.
    for text in [
        "The staff were amazing",
        "The service was VERY GOOD!",
        "took ages but the staff were lovely",
        "Although the wait was long, the staff were lovely",
    ] {
        let e = explain_checked(&model, text);
        for c in e.contributions.iter().filter(|c| c.valence > 0.0) {
            assert!(!c.rules.contains(&Rule::NegativeWeight), "{text:?}: {c:?}");
        }
    }

    // Serialized as a rule without fields, after the token's other rules.
    let json: serde_json::Value =
        serde_json::from_str(&explain_checked(&model, "on hold for 40 minutes").to_json()).unwrap();
    assert_eq!(json["contributions"][2]["rules"][0]["rule"], "duration");
    assert_eq!(
        json["contributions"][2]["rules"][1],
        serde_json::json!({"rule": "negative_weight"})
    );
    assert_eq!(
        json["contributions"][2]["rules"].as_array().unwrap().len(),
        2
    );

    // Against the model with the rule off, on rule-dense texts: same tokens and bases,
    // each negative valence ×1.2 with NegativeWeight appended, everything else equal.
    let mut weighted_tokens = 0;
    for text in corpus(1500, 7) {
        let (on, off) = (explain_checked(&model, &text), unweighted.explain(&text));
        check_negative_weight(&on).unwrap_or_else(|msg| panic!("{text:?}: {msg}"));
        assert_eq!(on.contributions.len(), off.contributions.len(), "{text:?}");
        for (a, b) in on.contributions.iter().zip(&off.contributions) {
            assert_eq!((a.token, a.base), (b.token, b.base), "{text:?}");
            assert!(!b.rules.contains(&Rule::NegativeWeight), "{text:?}: {b:?}");
            assert_close(a.valence, weighted(b.valence), &text);
            if b.valence < 0.0 {
                weighted_tokens += 1;
                assert_eq!(a.rules[..a.rules.len() - 1], b.rules[..], "{text:?}");
            } else {
                assert_eq!(a.rules, b.rules, "{text:?}");
            }
        }
    }
    assert!(weighted_tokens > 1000, "{weighted_tokens} weighted tokens");
}

/// "!" adds 0.292 to the sum (at most four), away from zero: fixed by the rules.
#[test]
fn exclamation_emphasis_is_vaders() {
    let model = cx();
    let great = 3.1;
    assert_close(model.score("Great food").compound, normalize(great), "no !");
    assert_close(
        model.score("Great food!").compound,
        normalize(great + 0.292),
        "one !",
    );
    assert_close(
        model.score("Great food!!!!!!!").compound,
        normalize(great + 4.0 * 0.292),
        "capped at four",
    );
    // The emphasis is added to the sum of the (weighted) valences.
    assert_close(
        model.score("Awful food!!").compound,
        normalize(weighted(-2.0) - 2.0 * 0.292),
        "away from zero",
    );
    // "!" alone adds nothing.
    assert_eq!(model.score("!!!").compound, 0.0);
}

#[test]
fn modes_and_defaults() {
    assert_eq!(SentimentModel::default().mode(), Mode::Cx);
    assert_eq!("cx".parse::<Mode>().unwrap(), Mode::Cx);
    assert_eq!("vader".parse::<Mode>().unwrap(), Mode::Vader);
    assert!(matches!(
        "VADER".parse::<Mode>(),
        Err(CxmError::InvalidArgument { .. })
    ));
    let text = "Great, another delayed flight.";
    assert_eq!(SentimentModel::new(Mode::Cx).score(text), cx().score(text));
    let vader = SentimentModel::new(Mode::Vader);
    assert_eq!(vader.score(text), SentimentModel::vader().score(text));
    // The Vader explanation carries the scores only.
    let e = vader.explain(text);
    assert_eq!(e.mode, Mode::Vader);
    assert_eq!(e.scores, vader.score(text));
    assert!(e.contributions.is_empty() && e.clauses.is_empty());
    assert!(vader.clauses(text).is_empty());
    // The two modes differ where the Cx rules matter.
    assert!(vader.score(text).compound > 0.0 && cx().score(text).compound < 0.0);
}

// ---------------------------------------------------------------------------------------
// 2. Custom entries and serialized models.
// ---------------------------------------------------------------------------------------

#[test]
fn custom_word_overrides_the_lexicon() {
    let base = cx();
    let custom = base.with_entries(&[("slow", 2.0)]).unwrap();
    let e = explain_checked(&custom, "The checkout was slow");
    let slow = contribution(&e, "slow");
    assert_eq!(slow.valence, 2.0);
    assert_eq!(
        slow.rules,
        vec![Rule::Lexicon {
            source: Source::Custom
        }]
    );
    // Its inflections follow it.
    let e = explain_checked(&custom, "It slowed down");
    assert!(contribution(&e, "slowed")
        .rules
        .contains(&Rule::Inflection {
            stem: "slow".into(),
            source: Source::Custom
        }));
    // The base model is unchanged.
    assert!(base.score("The checkout was slow").compound < 0.0);
    assert!(custom.score("The checkout was slow").compound > 0.0);
    assert_eq!(custom.entries(), &[("slow".to_string(), 2.0)]);
    assert!(base.entries().is_empty());

    // A new word, matched case-insensitively, with its inflections.
    let custom = base.with_entries(&[("Zorp", -3.0)]).unwrap();
    assert_close(
        custom.score("ZORP").compound,
        normalize(weighted(-3.0)),
        "new word",
    );
    assert_close(
        custom.score("it zorped").compound,
        normalize(weighted(-3.0)),
        "inflection",
    );
    assert_eq!(base.score("it zorped").compound, 0.0);
}

#[test]
fn custom_phrases_and_negation_patterns() {
    let base = cx();
    let custom = base
        .with_entries(&[("self checkout", -1.5), ("NEG bother", -2.0)])
        .unwrap();
    // A phrase matches on stems, across a hyphen.
    for text in ["the self checkout", "the self-checkouts were slow"] {
        let e = explain_checked(&custom, text);
        let head = contribution(&e, "self");
        assert_eq!(
            head.rules[0],
            Rule::Phrase {
                phrase: "self checkout".into(),
                source: Source::Custom
            },
            "{text:?}"
        );
        assert_close(head.valence, weighted(-1.5), text);
        assert_eq!(head.rules.last(), Some(&Rule::NegativeWeight), "{text:?}");
    }
    assert_eq!(base.score("the self checkout").compound, 0.0);
    // NEG matches any negation and consumes it: the phrase is not negated again.
    for (text, head) in [
        ("they didn't bother to call", "didn't"),
        ("never bothered to reply", "never"),
        ("No bother", "No"),
    ] {
        let e = explain_checked(&custom, text);
        let c = contribution(&e, head);
        assert_eq!(
            c.rules,
            vec![
                Rule::Phrase {
                    phrase: "neg bother".into(),
                    source: Source::Custom
                },
                Rule::NegativeWeight
            ],
            "{text:?}"
        );
        assert_close(c.valence, weighted(-2.0), text);
        assert_close(e.scores.compound, normalize(weighted(-2.0)), text);
    }
    // Without a negation the phrase does not match.
    let e = explain_checked(&custom, "bother");
    assert!(!contribution(&e, "bother")
        .rules
        .iter()
        .any(|r| matches!(r, Rule::Phrase { .. })));
    // A custom phrase overrides a shipped one.
    let custom = base.with_entries(&[("on hold", 1.0)]).unwrap();
    let e = explain_checked(&custom, "on hold");
    assert_eq!(
        contribution(&e, "on").rules,
        vec![Rule::Phrase {
            phrase: "on hold".into(),
            source: Source::Custom
        }]
    );
    assert!(e.scores.compound > 0.0);
}

#[test]
fn later_entries_win() {
    let base = cx();
    // In one call.
    let m = base.with_entries(&[("zorp", 1.0), ("zorp", -3.0)]).unwrap();
    assert_close(
        m.score("zorp").compound,
        normalize(weighted(-3.0)),
        "same call",
    );
    assert_close(
        m.score("zorps").compound,
        normalize(weighted(-3.0)),
        "inflection",
    );
    // Across calls: the new model wins, the old one is unchanged.
    let first = base.with_entries(&[("zorp", 1.0)]).unwrap();
    let second = first.with_entries(&[("zorp", -3.0)]).unwrap();
    assert_close(first.score("zorp").compound, normalize(1.0), "first");
    assert_close(
        second.score("zorp").compound,
        normalize(weighted(-3.0)),
        "second",
    );
    assert_eq!(
        second.entries(),
        &[("zorp".to_string(), 1.0), ("zorp".to_string(), -3.0)]
    );
    // Phrases too.
    let m = base
        .with_entries(&[("queue jump", 2.0)])
        .unwrap()
        .with_entries(&[("queue jump", -2.0)])
        .unwrap();
    assert_close(
        m.score("queue jump").compound,
        normalize(weighted(-2.0)),
        "phrase",
    );
    // Bounds are inclusive.
    let m = base.with_entries(&[("zorp", 4.0), ("blip", -4.0)]).unwrap();
    assert_close(m.score("zorp").compound, normalize(4.0), "4.0");
    assert_close(m.score("blip").compound, normalize(weighted(-4.0)), "-4.0");
}

#[test]
fn invalid_entries_are_errors() {
    for mode in [Mode::Cx, Mode::Vader] {
        let base = SentimentModel::new(mode);
        for (entry, valence) in [
            ("", 1.0),
            ("   ", 1.0),
            ("\t\n", 1.0),
            ("word", f64::NAN),
            ("word", f64::INFINITY),
            ("word", f64::NEG_INFINITY),
            ("word", 5.0),
            ("word", -4.5),
            ("word", 4.000001),
        ] {
            match base.with_entries(&[("fine", 1.0), (entry, valence)]) {
                Err(CxmError::InvalidArgument { name, reason }) => {
                    assert_eq!(name, "entries[1]", "{mode:?} {entry:?} {valence}");
                    assert!(!reason.is_empty());
                }
                other => panic!("{mode:?} {entry:?} {valence}: {other:?}"),
            }
        }
    }
    // The Vader mode takes words, not phrases.
    let vader = SentimentModel::vader();
    for phrase in ["queue jump", "NEG bother"] {
        assert!(
            matches!(
                vader.with_entries(&[(phrase, 1.0)]),
                Err(CxmError::InvalidArgument { .. })
            ),
            "{phrase:?}"
        );
    }
    let custom = vader.with_entries(&[("zorp", 2.0)]).unwrap();
    assert_eq!(custom.mode(), Mode::Vader);
    // Rounded like the reference: 2/√19 = 0.45883…
    assert_eq!(custom.score("zorp").compound, 0.4588);
    assert_eq!(vader.score("zorp").compound, 0.0);
    let custom = vader.with_entries(&[("good", -2.0)]).unwrap();
    assert!(custom.score("The book was good.").compound < 0.0);
}

#[test]
fn serialized_models_round_trip() {
    let texts = [
        "the self-checkouts were slow",
        "they didn't bother to call",
        "zorp zorped",
        "Great, another delayed flight.",
        "on hold for 40 minutes",
    ];
    let models = [
        cx(),
        cx().with_entries(&[
            ("self checkout", -1.5),
            ("NEG bother", -2.0),
            ("zorp", 1.25),
        ])
        .unwrap(),
        SentimentModel::vader(),
        SentimentModel::vader()
            .with_entries(&[("zorp", -0.1), ("zorp", 3.3)])
            .unwrap(),
    ];
    for model in &models {
        let json = model.to_json();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(value["format_version"], MODEL_FORMAT_VERSION);
        assert_eq!(value["mode"], model.mode().as_str());

        let again = SentimentModel::from_json(&json).unwrap();
        let via_serde: SentimentModel =
            serde_json::from_str(&serde_json::to_string(model).unwrap()).unwrap();
        assert_eq!(serde_json::to_string(model).unwrap(), json);
        for m in [&again, &via_serde] {
            assert_eq!(m.mode(), model.mode());
            assert_eq!(m.entries(), model.entries());
            assert_eq!(m.to_json(), json);
            for text in texts {
                assert_eq!(m.score(text), model.score(text), "{json} {text:?}");
            }
        }
    }
    // Inside another serialized value.
    #[derive(serde::Serialize, serde::Deserialize)]
    struct Config {
        name: String,
        model: SentimentModel,
    }
    let config = Config {
        name: "cx".into(),
        model: models[1].clone(),
    };
    let back: Config = serde_json::from_str(&serde_json::to_string(&config).unwrap()).unwrap();
    assert_eq!(back.name, "cx");
    assert_eq!(back.model.score(texts[0]), models[1].score(texts[0]));
}

#[test]
fn bad_serialized_models_are_errors() {
    let json = cx().with_entries(&[("zorp", 1.0)]).unwrap().to_json();
    let future = json.replace(
        &format!("\"format_version\":{MODEL_FORMAT_VERSION}"),
        "\"format_version\":2",
    );
    assert_ne!(future, json);
    match SentimentModel::from_json(&future) {
        Err(CxmError::FormatVersion { found, expected }) => {
            assert_eq!((found, expected), (2, MODEL_FORMAT_VERSION));
        }
        other => panic!("{other:?}"),
    }
    assert!(serde_json::from_str::<SentimentModel>(&future).is_err());
    for bad in [
        "",
        "{",
        "null",
        "{}",
        r#"{"format_version":1,"mode":"other","entries":[]}"#,
        r#"{"format_version":1,"mode":"cx","entries":[["zorp",5.0]]}"#,
        r#"{"format_version":1,"mode":"cx","entries":[["",1.0]]}"#,
        r#"{"format_version":1,"mode":"vader","entries":[["two words",1.0]]}"#,
    ] {
        assert!(
            matches!(
                SentimentModel::from_json(bad),
                Err(CxmError::Serialization { .. })
            ),
            "{bad:?}: {:?}",
            SentimentModel::from_json(bad).map(|m| m.to_json())
        );
        assert!(
            serde_json::from_str::<SentimentModel>(bad).is_err(),
            "{bad:?}"
        );
    }
}

/// Models with different tables share the per-thread word cache: alternating between
/// them on one thread must not leak one model's entries into the other.
#[test]
fn models_do_not_leak_entries_through_caches() {
    let base = cx();
    let flipped = base
        .with_entries(&[("good", -3.0), ("on hold", 2.0)])
        .unwrap();
    let text = "good service, on hold for 40 minutes";
    let (b, f) = (base.score(text), flipped.score(text));
    assert_ne!(b, f);
    for _ in 0..3 {
        assert_eq!(base.score(text), b);
        assert_eq!(flipped.score(text), f);
        assert_eq!(base.explain(text).scores, b);
        assert_eq!(flipped.explain(text).scores, f);
    }
    let flipped_again = base
        .with_entries(&[("good", -3.0), ("on hold", 2.0)])
        .unwrap();
    assert_eq!(flipped_again.score(text), f);
}

/// The invariant checker used by the property tests rejects broken explanations (so
/// that the properties cannot pass vacuously).
#[test]
fn checker_rejects_tampered_explanations() {
    let model = cx();
    let text = "Café: took ages but the staff sorted it out";
    let good = explain_checked(&model, text);
    type Tamper = Box<dyn Fn(&mut Explanation)>;
    let tampered: Vec<(&str, Tamper)> = vec![
        ("scores", Box::new(|e| e.scores.compound += 0.01)),
        ("valence", Box::new(|e| e.contributions[0].valence += 0.5)),
        (
            "char offset",
            Box::new(|e| e.contributions[0].char_start += 1),
        ),
        (
            "token text",
            Box::new(|e| e.contributions[0].text.push('x')),
        ),
        ("clause order", Box::new(|e| e.clauses.reverse())),
        (
            "clause span",
            Box::new(|e| e.clauses[0].end = text.len() + 1),
        ),
        ("clause char span", Box::new(|e| e.clauses[1].char_end += 1)),
        ("clause sum", Box::new(|e| e.clauses[1].sum += 0.5)),
        ("split character", Box::new(|e| e.clauses[0].end = 4)),
        ("lost clause", Box::new(|e| e.clauses.clear())),
    ];
    for (what, tamper) in tampered {
        let mut e = good.clone();
        tamper(&mut e);
        assert!(
            check_explanation(&model, text, &e).is_err(),
            "{what} not caught"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 3. Properties.
// ---------------------------------------------------------------------------------------

/// Pieces dense in the Cx rules' words, for generated texts.
#[rustfmt::skip]
const PIECES: &[&str] = &[
    "not", "no", "No", "never", "didn't", "can't", "don’t", "nothing", "without", "but",
    "But", "however", "although", "though", "despite", "and", "so", "like", "I", "you",
    "thanks", "Thanks", "for", "waited", "on", "hold", "queue", "took", "ages", "40",
    "5", "10", "2", "minutes", "hours", "two", "an", "hour", "days", "45min", "3.5",
    "1,000", "fixed", "sorted", "problem", "issues", "the", "great", "GREAT", "Great",
    "good", "bad", "awful", "very", "really", "kinda", "would", "be", "nice", "please",
    "help", "if", "worse", "worst", "happier", "couldn't", "keeps", "crashing", "crashes",
    "refund", "log", "in", "arrived", "again", "complaints", "at", "all", "staff",
    "lovely", "rude", "?", "!", "!!", ".", ",", ":", ";", "-", "…", "\"", "'", "😊",
    "😡", "👍", "❤️", "🤷🏽", ":)", ":(", ":-(", "<3", "@united", "http://x.y/z", "é",
    "Ünïcödé", "İ", "\u{212a}", "ﬁne", "\u{200b}", "\u{301}",
];

const SEPARATORS: &[&str] = &[" ", " ", " ", "", "  ", "\t", "\n", "\u{a0}", ", "];

fn cx_like_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(PIECES),
            prop::sample::select(SEPARATORS),
        ),
        0..40,
    )
    .prop_map(|parts| {
        let mut text = String::new();
        for (piece, sep) in parts {
            text.push_str(piece);
            text.push_str(sep);
        }
        text
    })
}

fn check_all(text: &str) -> Result<(), TestCaseError> {
    let model = cx();
    let e = model.explain(text);
    check_explanation(&model, text, &e)
        .and_then(|()| check_negative_weight(&e))
        .map_err(|msg| TestCaseError::fail(format!("{text:?}: {msg}\n{e:#?}")))?;
    let vader = SentimentModel::vader();
    let v = vader.score(text);
    prop_assert!((-1.0..=1.0).contains(&v.compound));
    check_explanation(&vader, text, &vader.explain(text)).map_err(TestCaseError::fail)?;
    Ok(())
}

/// A Cx model with custom entries, built once (building compiles the lexicons again).
fn custom_model() -> &'static SentimentModel {
    static MODEL: std::sync::OnceLock<SentimentModel> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        cx().with_entries(&[("staff", 1.0), ("NEG help", -2.5), ("took ages", 0.5)])
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any string: no panic, scores in range, `explain` agrees with `score`, spans and
    /// sums consistent.
    #[test]
    fn arbitrary_strings(text in any::<String>()) {
        check_all(&text)?;
    }

    /// Arbitrary bytes, decoded lossily as a caller with untrusted input would.
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_all(&String::from_utf8_lossy(&bytes))?;
    }

    /// Texts dense in rule words, emoji, emoticons, numbers and odd Unicode.
    #[test]
    fn rule_dense_texts(text in cx_like_text()) {
        check_all(&text)?;
    }

    /// `score_batch` is `score` element by element (for both modes and a custom model).
    #[test]
    fn batch_equals_single(texts in prop::collection::vec(cx_like_text(), 0..12)) {
        for model in [cx(), SentimentModel::vader(), custom_model().clone()] {
            let batch = model.score_batch(&texts);
            prop_assert_eq!(batch.len(), texts.len());
            for (text, s) in texts.iter().zip(&batch) {
                prop_assert_eq!(*s, model.score(text));
            }
        }
    }
}

/// A deterministic corpus of rule-dense texts (no proptest shrinking needed).
fn corpus(n: usize, seed: u64) -> Vec<String> {
    let mut state = seed;
    let mut next = move || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) as usize
    };
    (0..n)
        .map(|_| {
            let len = next() % 30;
            let mut text = String::new();
            for _ in 0..len {
                text.push_str(PIECES[next() % PIECES.len()]);
                text.push_str(SEPARATORS[next() % SEPARATORS.len()]);
            }
            text
        })
        .collect()
}

/// `score_batch` gives identical results inside thread pools of 1, 2, 3 and 8 threads,
/// equal to scoring one text at a time (each worker has its own word cache).
#[test]
fn thread_count_independent() {
    let texts = corpus(4000, 2024);
    for model in [cx(), custom_model().clone(), SentimentModel::vader()] {
        let single: Vec<Scores> = texts.iter().map(|t| model.score(t)).collect();
        assert!(single.iter().filter(|s| s.compound != 0.0).count() > texts.len() / 2);
        for threads in [1, 2, 3, 8] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            let batch = pool.install(|| model.score_batch(&texts));
            assert!(
                batch == single,
                "{:?}: {threads} threads differ from single scoring",
                model.mode()
            );
            if model.mode() == Mode::Vader {
                continue;
            }
            // Explanations computed on the workers agree as well.
            let explained: Vec<Scores> = pool.install(|| {
                use rayon::prelude::*;
                texts.par_iter().map(|t| model.explain(t).scores).collect()
            });
            assert!(explained == single, "{threads} threads: explain differs");
        }
    }
}

// ---------------------------------------------------------------------------------------
// 4. The sample dataset.
// ---------------------------------------------------------------------------------------

struct Response {
    comment: String,
    nps: u8,
    /// The sentiment planted in the comment, for comments about a topic (see
    /// [`planted`]); `None` for generic, neutral and empty comments.
    planted: Option<Label>,
}

/// The sentiment the generator planted in a comment about topics: all praise is
/// positive, all complaints negative, and a mixed comment ends on the dominant feeling,
/// the complaint for a detractor (NPS ≤ 6), the praise otherwise (`docs/sample-data.md`,
/// "Comments"; `compose_comment` in `sample.rs`).
fn planted(topics: usize, complaints: usize, nps: u8) -> Option<Label> {
    if topics == 0 {
        None
    } else if complaints == 0 {
        Some(Label::Positive)
    } else if complaints == topics || nps <= 6 {
        Some(Label::Negative)
    } else {
        Some(Label::Positive)
    }
}

fn responses() -> Vec<Response> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/data/responses.csv"
    );
    let mut reader = csv::Reader::from_path(path).expect("examples/data/responses.csv");
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (comment, nps) = (column("comment"), column("nps"));
    // The ground truth that is not in the CSV comes from the generator; the committed
    // file is its output (tests/sample_truths.rs), which the comments confirm row by row.
    let data = generate(&SampleConfig::default());
    let rows: Vec<Response> = reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let record = record.unwrap();
            let nps: u8 = record[nps].parse().unwrap();
            assert_eq!(record[comment], data.comment[i], "row {i}");
            Response {
                comment: record[comment].to_string(),
                nps,
                planted: planted(
                    data.comment_topics(i).len(),
                    data.comment_complaints(i).len(),
                    nps,
                ),
            }
        })
        .collect();
    assert_eq!(rows.len(), data.len());
    rows
}

struct Figures {
    /// Mean compound of non-empty comments: detractors, passives, promoters.
    mean_by_group: [f64; 3],
    /// Share of topical comments whose label is the planted one.
    accuracy: f64,
    /// Share of topical comments labelled with the opposite sign.
    wrong_sign: f64,
    /// Calibration on (comment, NPS): expected score and P(detractor) at −0.8 and 0.8.
    expected: (f64, f64),
    p_negative: (f64, f64),
}

fn figures(model: &SentimentModel, rows: &[Response]) -> Figures {
    let with_comment: Vec<&Response> = rows.iter().filter(|r| !r.comment.is_empty()).collect();
    let texts: Vec<&str> = with_comment.iter().map(|r| r.comment.as_str()).collect();
    let scores = model.score_batch(&texts);
    let mut groups = [(0.0, 0usize); 3];
    let (mut topical, mut right, mut wrong) = (0usize, 0usize, 0usize);
    for (r, s) in with_comment.iter().zip(&scores) {
        let g = match r.nps {
            0..=6 => 0,
            7..=8 => 1,
            _ => 2,
        };
        groups[g].0 += s.compound;
        groups[g].1 += 1;
        if let Some(truth) = r.planted {
            topical += 1;
            let label = s.label(DEFAULT_CUT);
            if label == truth {
                right += 1;
            } else if label != Label::Neutral {
                wrong += 1;
            }
        }
    }
    assert!(groups.iter().all(|g| g.1 > 1000), "group sizes");
    assert!(topical > 5000, "{topical} topical comments");
    let nps: Vec<f64> = with_comment.iter().map(|r| f64::from(r.nps)).collect();
    let cal = model.calibrate(&texts, &nps, Scale::Nps).unwrap();
    assert_eq!(cal.n(), texts.len());
    // Monotone over the whole range, and within the scale.
    let mut previous = (f64::NEG_INFINITY, f64::INFINITY);
    for k in -100..=100 {
        let c = f64::from(k) / 100.0;
        let (e, p) = (cal.expected_score(c), cal.p_negative(c));
        assert!(e >= previous.0 - 1e-12, "expected score falls at {c}");
        assert!(p <= previous.1 + 1e-12, "P(negative) rises at {c}");
        assert!((0.0..=10.0).contains(&e) && (0.0..=1.0).contains(&p));
        previous = (e, p);
    }
    Figures {
        mean_by_group: groups.map(|(sum, n)| sum / n as f64),
        accuracy: right as f64 / topical as f64,
        wrong_sign: wrong as f64 / topical as f64,
        expected: (cal.expected_score(-0.8), cal.expected_score(0.8)),
        p_negative: (cal.p_negative(-0.8), cal.p_negative(0.8)),
    }
}

/// Observed (seed-42 data, 13,936 comments, 7,410 about a topic; cx with the ×1.2
/// negativity weight):
///
/// | mode | mean compound det / pas / pro | topical accuracy | wrong sign | E[NPS] at −0.8 / 0.8 | P(det) at −0.8 / 0.8 |
/// |---|---|---|---|---|---|
/// | cx | −0.333 / 0.041 / 0.387 | 0.851 | 0.048 | 5.64 / 9.07 | 0.82 / 0.02 |
/// | vader | 0.007 / 0.128 / 0.327 | 0.419 | 0.147 | 5.25 / 8.76 | 1.00 / 0.05 |
#[test]
fn sample_comments_carry_the_planted_sentiment() {
    let rows = responses();
    let cx_figures = figures(&cx(), &rows);
    let vader_figures = figures(&SentimentModel::vader(), &rows);
    let report = |name: &str, f: &Figures| {
        format!(
            "{name}: mean compound det/pas/pro {:.3}/{:.3}/{:.3}, topical accuracy {:.3}, \
             wrong sign {:.3}, E[NPS] {:.2}/{:.2}, P(det) {:.3}/{:.3}",
            f.mean_by_group[0],
            f.mean_by_group[1],
            f.mean_by_group[2],
            f.accuracy,
            f.wrong_sign,
            f.expected.0,
            f.expected.1,
            f.p_negative.0,
            f.p_negative.1
        )
    };
    let summary = format!(
        "{}\n{}",
        report("cx", &cx_figures),
        report("vader", &vader_figures)
    );
    println!("{summary}");

    let [det, pas, pro] = cx_figures.mean_by_group;
    assert!(det < pas && pas < pro, "{summary}");
    assert!(det < -0.1 && pro > 0.2, "{summary}");
    // Cx separates detractors from promoters better than Vader.
    let [vdet, _, vpro] = vader_figures.mean_by_group;
    assert!(pro - det > (vpro - vdet) + 0.15, "{summary}");
    // Planted polarity of comments about a topic.
    assert!(cx_figures.accuracy >= 0.75, "{summary}");
    assert!(cx_figures.wrong_sign <= 0.10, "{summary}");
    assert!(
        cx_figures.accuracy > vader_figures.accuracy + 0.2,
        "{summary}"
    );
    // Calibration on (comment, NPS).
    assert!(cx_figures.expected.0 < cx_figures.expected.1, "{summary}");
    assert!(
        cx_figures.p_negative.0 > cx_figures.p_negative.1,
        "{summary}"
    );
    assert!(
        cx_figures.expected.1 - cx_figures.expected.0 > 2.0,
        "{summary}"
    );
    assert!(
        cx_figures.p_negative.0 - cx_figures.p_negative.1 > 0.5,
        "{summary}"
    );
}

/// Comments the sample generator writes with a known polarity (its phrase banks) that
/// earlier versions of the Cx mode got wrong (count among the 7,410 topical comments of
/// the sample in brackets). The lexicon entries and rules that fixed them are general
/// (prices, politeness, timeouts, delivery speed, "best part of", stance openers,
/// "hardly" as a negation); this keeps them fixed. Still missed, not asserted: "Courier
/// left it in the rain" (22): no word of it carries the complaint.
#[test]
fn sample_phrase_banks_read_right() {
    let model = cx();
    let cases: &[(&str, Label)] = &[
        // Lexicon gaps: no word of these has a valence (all score 0.0).
        ("Not cheap for what you get", Label::Negative), // (57) "cheap" has none
        ("Prices have gone up again", Label::Negative),  // (54)
        ("Cheaper elsewhere", Label::Negative),          // (54)
        ("Bit pricey", Label::Negative),                 // (49)
        ("Really polite team", Label::Positive),         // (40) "polite" has none
        ("The advisor didn't listen", Label::Negative),  // (19)
        ("Website kept timing out", Label::Negative),    // (19)
        ("Arrived next day", Label::Positive),           // (16)
        ("The store was filthy!", Label::Negative),      // (4) "filthy" has none
        // Wrong sign from a positive word used in a complaint.
        ("The chat queue was huge.", Label::Negative), // +0.128: "huge" 1.3
        (
            "Waited the best part of an hour to be served",
            Label::Negative,
        ), // +0.234: "best"
        // Openers with VADER valence outweigh the complaint.
        ("Honestly, parcel never turned up!", Label::Negative), // 0.0: "honestly" +2.0
        ("To be fair, website kept timing out.", Label::Negative), // +0.318: "fair"
        (
            "Honestly, order arrived 10 days after the promised date.",
            Label::Negative,
        ), // +0.670
        // A dampener read as an intensifier of a negative word.
        ("Hardly any wait!", Label::Positive), // −0.157
        // Contrast across sentences balances to exactly zero.
        ("It was nice. But the wait was long.", Label::Negative), // 0.0
    ];
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|&(text, want)| {
            let s = model.score(text);
            (s.label(DEFAULT_CUT) != want)
                .then(|| format!("{text:?}: compound {:.4}, want {want:?}", s.compound))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn wildcard_phrases_match_one_word() {
    let model = cx();
    // Shipped entries: "sort * out", "kept * wait".
    let e = explain_checked(&model, "They sorted it out");
    let head = contribution(&e, "sorted");
    assert!(
        matches!(&head.rules[0], Rule::Phrase { phrase, .. } if phrase == "sort * out"),
        "{:?}",
        head.rules
    );
    assert!(e.scores.compound > 0.3);
    assert!(model.score("They kept us waiting").compound < -0.3);
    // `*` is exactly one word: two words in between do not match.
    let e = explain_checked(&model, "They sorted all of it out");
    assert!(!contribution(&e, "sorted")
        .rules
        .iter()
        .any(|r| matches!(r, Rule::Phrase { .. })));
    // Custom wildcard phrases; `*` may not open or close a phrase.
    let custom = model.with_entries(&[("queue * jump", 2.0)]).unwrap();
    assert!(custom.score("they let me queue straight jump").compound > 0.3);
    for bad in ["* jump", "queue *", "*"] {
        let err = model.with_entries(&[(bad, 1.0)]).unwrap_err();
        assert!(err.to_string().contains('*'), "{bad:?}: {err}");
    }
}

#[test]
fn ratings_written_in_the_text() {
    let model = cx();
    for (text, fraction) in [
        ("Service 2/10", 0.2),
        ("I give it 4 out of 5", 0.8),
        ("10/10 would fly again", 1.0),
        ("Five stars", 1.0),
        ("one star, avoid", 0.0),
        ("4.5/5 overall", 0.9),
    ] {
        let e = explain_checked(&model, text);
        let rated = e
            .contributions
            .iter()
            .find(|c| c.rules.iter().any(|r| matches!(r, Rule::Rating { .. })))
            .unwrap_or_else(|| panic!("{text:?}: no rating in {e:#?}"));
        assert!(
            rated
                .rules
                .iter()
                .any(|r| matches!(r, Rule::Rating { fraction: f } if (f - fraction).abs() < 1e-12)),
            "{text:?}: {:?}",
            rated.rules
        );
        assert_close(rated.base, 6.0 * (fraction - 0.5), text);
    }
    assert!(model.score("Service 2/10").compound < -0.3);
    assert!(model.score("10/10 would fly again").compound > 0.3);
    // Not ratings: other scales, dates, hours, "a star employee".
    for text in [
        "Open 24/7",
        "Flight on 2/23",
        "Took 1/2 hour",
        "She is a star employee",
        "11/10",
    ] {
        let e = explain_checked(&model, text);
        assert!(
            !e.contributions
                .iter()
                .any(|c| c.rules.iter().any(|r| matches!(r, Rule::Rating { .. }))),
            "{text:?}: {e:#?}"
        );
    }
    let off = SentimentModel::cx_ablated(&["ratings"]).unwrap();
    assert_eq!(off.score("Service 2/10").compound, 0.0);
}
