//! Sentiment of customer comments: lexicon and rules (Hutto & Gilbert 2014, "VADER: A
//! Parsimonious Rule-based Model for Sentiment Analysis of Social Media Text", ICWSM).
//!
//! A [`SentimentModel`] is an immutable value (`Send + Sync`, cheap to clone) that scores
//! texts into [`Scores`]: `compound` in [−1, 1] and the `pos` / `neu` / `neg` shares.
//!
//! # Modes
//!
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

mod lexicon;
mod tokenize;
mod vader;

use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use lexicon::{Lexicon, VADER_LICENSE};

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

/// Which rule set a [`SentimentModel`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Mode {
    /// Exactly the reference vaderSentiment 3.3.2 (Hutto & Gilbert 2014), quirks and
    /// rounding included: |Δ| ≤ 1e-6 against the reference on every text tested.
    Vader,
}

/// An immutable sentiment scorer: a mode and its lexicon. `Send + Sync`; cloning shares
/// the lexicon.
#[derive(Debug, Clone)]
pub struct SentimentModel {
    mode: Mode,
    lexicon: Arc<Lexicon>,
}

impl SentimentModel {
    /// The VADER-compatible model ([`Mode::Vader`]) with the shipped VADER 3.3.2 lexicon
    /// and emoji table (MIT, [`VADER_LICENSE`]). The lexicon is parsed once per process.
    pub fn vader() -> Self {
        SentimentModel {
            mode: Mode::Vader,
            lexicon: Lexicon::vader(),
        }
    }

    /// The rule set of this model.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The lexicon of this model.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Scores one text. Never fails: any string, including an empty one, gets scores.
    pub fn score(&self, text: &str) -> Scores {
        match self.mode {
            Mode::Vader => vader::polarity_scores(&self.lexicon, text),
        }
    }

    /// Scores many texts in parallel (rayon). Element `i` is `self.score(texts[i])`, so
    /// results are identical for any thread count.
    pub fn score_batch(&self, texts: &[&str]) -> Vec<Scores> {
        texts
            .par_iter()
            .with_min_len(256)
            .map(|text| self.score(text))
            .collect()
    }
}
