//! Sentiment of customer comments: lexicon and rules (Hutto & Gilbert 2014, "VADER: A
//! Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text", ICWSM).
//!
//! A [`SentimentModel`] is an immutable value (`Send + Sync`, cheap to clone) that scores
//! texts into [`Scores`]: `compound` in [−1, 1] and the `pos` / `neu` / `neg` shares.
//!
//! # Modes
//!
//! - [`Mode::Cx`] (the default, [`SentimentModel::cx`]): VADER's lexicon and intensity
//!   rules re-done for customer feedback — a CX lexicon of words and phrases (waits,
//!   delays, crashes, refunds, rudeness, "above and beyond", "no complaints"…), Snowball
//!   stems so that inflections hit the lexicon, negation scoped to its clause, contrast
//!   ("but", "although") by position within the sentence, durations in a waiting
//!   context ("on hold for 40 minutes"), ironic thanks, "like" only as a verb,
//!   Unicode word boundaries. Clause scores with character offsets
//!   ([`SentimentModel::clauses`]) and a per-token account ([`SentimentModel::explain`]).
//!   Every rule and its evidence: `docs/sentiment.md`.
//! - [`Mode::Vader`] reproduces the reference Python vaderSentiment 3.3.2 — compound,
//!   pos, neu and neg, rounded like it (4 and 3 decimals), quirks included (see the
//!   `vader` module source and `docs/sentiment.md`). Parity is tested against scores
//!   computed with the reference on a fixture of texts (`tests/vader_parity.rs`) and
//!   measured on the VADER ground-truth sets by `benches/sentiment/vader_parity.py`.
//!
//! The scoring rules, in the reference's order: lexicon valence of each token (7,506
//! tokens, −4..4, emoji described in words first); "no" and negations (×−0.74) up to
//! three tokens before; ALL-CAPS emphasis (+0.733) when only some tokens are caps;
//! boosters and dampeners (±0.293, fading with distance); "never so"/"never this" ×1.25;
//! "least"; a few idioms; contrastive "but" (before ×0.5, after ×1.5); "!" (+0.292 each,
//! up to 4) and "??" emphasis; `compound = x / √(x² + 15)`.
//!
//! ```
//! use cxm_core::sentiment::SentimentModel;
//!
//! let model = SentimentModel::vader();
//! let s = model.score("VADER is smart, handsome, and funny.");
//! assert_eq!((s.compound, s.pos, s.neu, s.neg), (0.8316, 0.746, 0.254, 0.0));
//!
//! let batch = model.score_batch(&["The book was good.", "Not bad at all", ""]);
//! assert_eq!(batch[0].compound, 0.4404);
//! assert_eq!(batch[1].compound, 0.431);
//! assert_eq!(batch[2].compound, 0.0);
//! ```

mod calibrate;
mod cx;
mod lexicon;
mod tokenize;
mod vader;
mod words;

use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{CxmError, Result};

pub use calibrate::{Calibration, CALIBRATION_FORMAT_VERSION};
pub use cx::{Clause, Contribution, Rule, Source};
pub use lexicon::{Lexicon, VADER_LICENSE};

/// Default cut-off of [`Scores::label`]: VADER's ±0.05 on `compound`.
pub const DEFAULT_CUT: f64 = 0.05;

/// Version of the serialized form of a [`SentimentModel`].
pub const MODEL_FORMAT_VERSION: u32 = 1;

/// Sentiment scores of one text.
///
/// `compound` is the normalized sum of the token valences, `x / √(x² + 15)`, in [−1, 1];
/// `pos`, `neu` and `neg` are the shares of positive, neutral and negative weight in the
/// text (they add up to 1 up to rounding). An empty or blank text scores all zeros.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Scores {
    /// Normalized overall sentiment, −1 (most negative) to 1 (most positive).
    pub compound: f64,
    /// Share of positive weight.
    pub pos: f64,
    /// Share of neutral weight.
    pub neu: f64,
    /// Share of negative weight.
    pub neg: f64,
}

/// Three-class label of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    /// `compound ≤ −cut`.
    Negative,
    /// Between the cut-offs.
    Neutral,
    /// `compound ≥ cut`.
    Positive,
}

impl Label {
    /// "negative", "neutral" or "positive".
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Negative => "negative",
            Label::Neutral => "neutral",
            Label::Positive => "positive",
        }
    }
}

impl Scores {
    /// The label at cut-off `cut` (VADER's convention: positive if `compound ≥ cut`,
    /// negative if `compound ≤ −cut`, else neutral). [`DEFAULT_CUT`] is 0.05.
    pub fn label(&self, cut: f64) -> Label {
        if self.compound >= cut {
            Label::Positive
        } else if self.compound <= -cut {
            Label::Negative
        } else {
            Label::Neutral
        }
    }
}

/// Which rule set a [`SentimentModel`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mode {
    /// Customer-feedback rules (the default); see the module documentation.
    #[default]
    Cx,
    /// Exactly the reference vaderSentiment 3.3.2 (Hutto & Gilbert 2014), quirks and
    /// rounding included: |Δ| ≤ 1e-6 against the reference on every text tested.
    Vader,
}

impl Mode {
    /// "cx" or "vader".
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Cx => "cx",
            Mode::Vader => "vader",
        }
    }
}

impl std::str::FromStr for Mode {
    type Err = CxmError;

    fn from_str(s: &str) -> Result<Mode> {
        match s {
            "cx" => Ok(Mode::Cx),
            "vader" => Ok(Mode::Vader),
            other => Err(CxmError::InvalidArgument {
                name: "mode".into(),
                reason: format!("unknown sentiment mode {other:?} (expected \"cx\" or \"vader\")"),
            }),
        }
    }
}

/// A per-token account of one text's score ([`SentimentModel::explain`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// The rule set that scored the text.
    pub mode: Mode,
    /// The text's scores (equal to [`SentimentModel::score`]).
    pub scores: Scores,
    /// Every token with a valence or a rule, in text order.
    pub contributions: Vec<Contribution>,
    /// The clauses of the text and their scores.
    pub clauses: Vec<Clause>,
}

impl Explanation {
    /// JSON of the explanation.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }
}

#[derive(Debug, Clone)]
enum Engine {
    Vader(Arc<Lexicon>),
    Cx(Arc<cx::CxTables>),
}

/// An immutable sentiment scorer: a mode, its lexicons and any custom entries.
/// `Send + Sync`; cloning shares the tables. Serializable ([`SentimentModel::to_json`],
/// serde): the mode and the custom entries are stored, the shipped lexicons are not.
#[derive(Debug, Clone)]
pub struct SentimentModel {
    mode: Mode,
    entries: Arc<[(String, f64)]>,
    engine: Engine,
}

impl Default for SentimentModel {
    fn default() -> Self {
        SentimentModel::cx()
    }
}

impl SentimentModel {
    /// The model of `mode` with the shipped lexicons.
    pub fn new(mode: Mode) -> Self {
        match mode {
            Mode::Cx => SentimentModel::cx(),
            Mode::Vader => SentimentModel::vader(),
        }
    }

    /// The customer-feedback model ([`Mode::Cx`], the default): VADER lexicon + CX
    /// lexicon, compiled once per process.
    pub fn cx() -> Self {
        static CX: OnceLock<Arc<cx::CxTables>> = OnceLock::new();
        SentimentModel {
            mode: Mode::Cx,
            entries: Arc::from(Vec::new()),
            engine: Engine::Cx(Arc::clone(
                CX.get_or_init(|| Arc::new(cx::CxTables::build(&[], 0))),
            )),
        }
    }

    /// The VADER-compatible model ([`Mode::Vader`]) with the shipped VADER 3.3.2 lexicon
    /// and emoji table (MIT, [`VADER_LICENSE`]). The lexicon is parsed once per process.
    pub fn vader() -> Self {
        SentimentModel {
            mode: Mode::Vader,
            entries: Arc::from(Vec::new()),
            engine: Engine::Vader(Lexicon::vader()),
        }
    }

    /// A new model with `entries` added to (or overriding) the lexicon; later entries
    /// win over earlier ones and over this model's. An entry is a word or, in the Cx
    /// mode, a phrase (words matched by stem; `NEG` matches any negation, `*` inside the
    /// phrase any one word) with a valence
    /// in −4..4 (VADER's scale: 1 mildly, 2 clearly, 3 strongly positive).
    ///
    /// Errors: [`CxmError::InvalidArgument`] for an empty entry, a valence that is not a
    /// finite number in −4..4, or a phrase in the Vader mode.
    ///
    /// ```
    /// use cxm_core::sentiment::SentimentModel;
    ///
    /// let base = SentimentModel::cx();
    /// let custom = base.with_entries(&[("queue jump", 2.0), ("meh", -1.0)]).unwrap();
    /// assert!(custom.score("they let me queue jump").compound > 0.3);
    /// assert!(base.score("they let me queue jump").compound <= 0.0);
    /// ```
    pub fn with_entries(&self, entries: &[(&str, f64)]) -> Result<SentimentModel> {
        for (i, &(entry, valence)) in entries.iter().enumerate() {
            cx::check_entry(entry, valence).map_err(|reason| CxmError::InvalidArgument {
                name: format!("entries[{i}]"),
                reason: format!("{entry:?}: {reason}"),
            })?;
            if self.mode == Mode::Vader && entry.split_whitespace().count() > 1 {
                return Err(CxmError::InvalidArgument {
                    name: format!("entries[{i}]"),
                    reason: format!("{entry:?}: the Vader mode takes single words only"),
                });
            }
        }
        let mut all: Vec<(String, f64)> = self.entries.to_vec();
        all.extend(entries.iter().map(|&(e, v)| (e.to_string(), v)));
        Ok(SentimentModel::build(self.mode, all))
    }

    fn build(mode: Mode, entries: Vec<(String, f64)>) -> SentimentModel {
        if entries.is_empty() {
            return SentimentModel::new(mode);
        }
        let engine = match mode {
            Mode::Cx => Engine::Cx(Arc::new(cx::CxTables::build(&entries, 0))),
            Mode::Vader => Engine::Vader(Arc::new(Lexicon::with_words(&entries))),
        };
        SentimentModel {
            mode,
            entries: Arc::from(entries),
            engine,
        }
    }

    /// The Cx model with some of its rules switched off, to measure what each one
    /// contributes (`benches/sentiment/eval.py --ablate`, `docs/sentiment.md`). Names:
    /// [`SentimentModel::cx_rule_names`]. For evaluation only: the switches are not
    /// serialized.
    ///
    /// Errors: [`CxmError::InvalidArgument`] for an unknown rule name.
    #[doc(hidden)]
    pub fn cx_ablated(off: &[&str]) -> Result<SentimentModel> {
        let mut disabled = 0;
        for name in off {
            let bit = cx::ABLATIONS
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, b)| *b)
                .ok_or_else(|| CxmError::InvalidArgument {
                    name: "off".into(),
                    reason: format!(
                        "unknown rule {name:?} (known: {})",
                        SentimentModel::cx_rule_names().join(", ")
                    ),
                })?;
            disabled |= bit;
        }
        Ok(SentimentModel {
            mode: Mode::Cx,
            entries: Arc::from(Vec::new()),
            engine: Engine::Cx(Arc::new(cx::CxTables::build(&[], disabled))),
        })
    }

    /// Names of the Cx rules [`SentimentModel::cx_ablated`] can switch off.
    #[doc(hidden)]
    pub fn cx_rule_names() -> Vec<&'static str> {
        cx::ABLATIONS.iter().map(|(n, _)| *n).collect()
    }

    /// The rule set of this model.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The custom entries of this model, in the order they were added.
    pub fn entries(&self) -> &[(String, f64)] {
        &self.entries
    }

    /// The VADER lexicon (with any custom words in the Vader mode).
    pub fn lexicon(&self) -> Arc<Lexicon> {
        match &self.engine {
            Engine::Vader(l) => Arc::clone(l),
            Engine::Cx(_) => Lexicon::vader(),
        }
    }

    /// Scores one text. Never fails: any string, including an empty one, gets scores.
    pub fn score(&self, text: &str) -> Scores {
        match &self.engine {
            Engine::Vader(lexicon) => vader::polarity_scores(lexicon, text),
            Engine::Cx(tables) => cx::polarity_scores(tables, text),
        }
    }

    /// Scores many texts in parallel (rayon). Element `i` is `self.score(texts[i])`, so
    /// results are identical for any thread count.
    pub fn score_batch<S: AsRef<str> + Sync>(&self, texts: &[S]) -> Vec<Scores> {
        texts
            .par_iter()
            .with_min_len(256)
            .map(|text| self.score(text.as_ref()))
            .collect()
    }

    /// Each token's contribution, the rules that fired and the clause scores (Cx mode).
    /// In the Vader mode the explanation has the scores only (the reference's rules are
    /// documented in `docs/sentiment.md`; its token positions are not those of the text).
    ///
    /// ```
    /// use cxm_core::sentiment::{Rule, SentimentModel};
    ///
    /// let e = SentimentModel::cx().explain("Not happy: on hold for 40 minutes");
    /// assert!(e.scores.compound < -0.5);
    /// let hold = e.contributions.iter().find(|c| c.text == "on").unwrap();
    /// assert!(matches!(&hold.rules[0], Rule::Phrase { phrase, .. } if phrase == "on hold"));
    /// let minutes = e.contributions.iter().find(|c| c.text == "minutes").unwrap();
    /// assert!(matches!(minutes.rules[0], Rule::Duration { minutes } if minutes == 40.0));
    /// ```
    pub fn explain(&self, text: &str) -> Explanation {
        match &self.engine {
            Engine::Vader(lexicon) => Explanation {
                mode: self.mode,
                scores: vader::polarity_scores(lexicon, text),
                contributions: Vec::new(),
                clauses: Vec::new(),
            },
            Engine::Cx(tables) => {
                let (scores, contributions, clauses) = cx::analyze(tables, text);
                Explanation {
                    mode: self.mode,
                    scores,
                    contributions,
                    clauses,
                }
            }
        }
    }

    /// The clauses of `text` with their scores and character offsets (Cx mode; the Vader
    /// mode has no clauses and returns an empty list).
    pub fn clauses(&self, text: &str) -> Vec<Clause> {
        self.explain(text).clauses
    }

    /// Fits a [`Calibration`] from comments and the survey answers (on `scale`) of the
    /// same customers: this model's compound of each text against the answer.
    ///
    /// Errors: as [`Calibration::fit`].
    pub fn calibrate<S: AsRef<str> + Sync>(
        &self,
        texts: &[S],
        scores: &[f64],
        scale: crate::metrics::Scale,
    ) -> Result<Calibration> {
        if texts.len() != scores.len() {
            return Err(CxmError::LengthMismatch {
                column: "scores".into(),
                expected: texts.len(),
                found: scores.len(),
            });
        }
        let compound: Vec<f64> = self.score_batch(texts).iter().map(|s| s.compound).collect();
        Calibration::fit(&compound, scores, scale)
    }

    /// Serialized model: `{"format_version":1,"mode":"cx","entries":[["word",2.0],…]}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&ModelRepr::from(self.clone()))
            .unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }

    /// Reads a model written by [`SentimentModel::to_json`].
    ///
    /// Errors: [`CxmError::Serialization`] for malformed JSON or invalid entries,
    /// [`CxmError::FormatVersion`] for another format version.
    pub fn from_json(json: &str) -> Result<SentimentModel> {
        let repr: ModelRepr = serde_json::from_str(json).map_err(|e| CxmError::Serialization {
            message: e.to_string(),
        })?;
        SentimentModel::try_from(repr)
    }
}

#[derive(Serialize, Deserialize)]
struct ModelRepr {
    format_version: u32,
    mode: Mode,
    entries: Vec<(String, f64)>,
}

impl From<SentimentModel> for ModelRepr {
    fn from(m: SentimentModel) -> Self {
        ModelRepr {
            format_version: MODEL_FORMAT_VERSION,
            mode: m.mode,
            entries: m.entries.to_vec(),
        }
    }
}

impl TryFrom<ModelRepr> for SentimentModel {
    type Error = CxmError;

    fn try_from(r: ModelRepr) -> Result<SentimentModel> {
        if r.format_version != MODEL_FORMAT_VERSION {
            return Err(CxmError::FormatVersion {
                found: r.format_version,
                expected: MODEL_FORMAT_VERSION,
            });
        }
        let entries: Vec<(&str, f64)> = r.entries.iter().map(|(e, v)| (e.as_str(), *v)).collect();
        SentimentModel::new(r.mode)
            .with_entries(&entries)
            .map_err(|e| CxmError::Serialization {
                message: e.to_string(),
            })
    }
}

impl Serialize for SentimentModel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        ModelRepr::from(self.clone()).serialize(s)
    }
}

impl<'de> Deserialize<'de> for SentimentModel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let repr = ModelRepr::deserialize(d)?;
        SentimentModel::try_from(repr).map_err(serde::de::Error::custom)
    }
}
