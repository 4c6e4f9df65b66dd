//! The Cx mode: VADER's lexicon and intensity rules, with the rules re-done for customer
//! feedback. Every rule is listed, with its evidence, in `docs/sentiment.md`.
//!
//! Pipeline for one text:
//!
//! 1. tokens ([`super::words`]): Unicode word boundaries, emoticons, @handles and URLs
//!    (skipped), numbers with their unit;
//! 2. sentences (at `.`, `!`, `?`, `;`, line breaks) and clauses (also at `:` and before a
//!    contrast word);
//! 3. each word resolved once per thread (cache): exact lexicon entry (custom, then CX,
//!    then VADER), else — for words ending in -s/-ed/-ing — the entry of its Snowball
//!    stem; its rule class (negation, booster, contrast, time unit…);
//! 4. phrases of the CX lexicon and custom entries, longest first, on stems (`NEG` =
//!    any negation, consumed by the phrase);
//! 5. per valenced token: ALL-CAPS emphasis, boosters up to three words before (same
//!    clause), negation by a negator up to four words before in the same clause with no
//!    punctuation or conjunction between (×−0.74); "like" only as a verb;
//! 6. durations in a waiting context ("for 2 hours", "waited 40 minutes") as negative
//!    valence growing with the logarithm of the duration;
//! 7. ironic gratitude ("thanks for the 3 hour delay");
//! 8. contrast per sentence: before "but"/"however" ×0.5, after ×1.5 (a sentence opening
//!    with them contrasts with the previous sentence); "although/though/despite/whereas"
//!    mark the subordinate side ×0.5 and the main side ×1.5;
//! 9. sum, "!"/"?" emphasis and `compound = x/√(x²+15)` as in VADER; shares likewise.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};

use super::lexicon::{
    short_key, FastHash, BOOSTERS, B_INCR, EMOJI_LEXICON, NEGATIONS, SHORT_KEY_MAX, VADER_LEXICON,
};
use super::vader::normalize;
use super::words::{tokenize, Kind, Tok, SHAPE_CAPS, SHAPE_KNOWN, SHAPE_WORD};
use super::Scores;

/// The CX lexicon shipped with the crate (`data/cx/cx_lexicon.tsv`).
pub(crate) const CX_LEXICON: &str = include_str!("../../data/cx/cx_lexicon.tsv");

const N_SCALAR: f64 = -0.74;
/// Weight of negative valences (Taboada et al. 2011 use 1.5 on reviews; see
/// docs/sentiment.md for why cxm uses a milder weight).
const NEGATIVE_WEIGHT: f64 = 1.2;
const C_INCR: f64 = 0.733;
/// Phrase element matching any negation.
const NEG_ID: u32 = 0;
const NO_STEM: u32 = u32::MAX;
/// Phrase element matching any one word (`*`, inside a phrase only).
const ANY_ID: u32 = u32::MAX - 1;
/// Negation reaches this many words ahead.
const NEGATION_SCOPE: usize = 4;
/// Per-thread word cache bound (cleared when full).
const CACHE_MAX: usize = 1 << 16;

/// Where a valence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The VADER 3.3.2 lexicon or emoji table.
    #[default]
    Vader,
    /// The CX lexicon shipped with cxm.
    Cx,
    /// An entry added at run time.
    Custom,
}

/// A rule that set or changed a token's valence ([`Contribution::rules`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Rule {
    /// The word is an entry of a lexicon.
    Lexicon { source: Source },
    /// The word is not an entry, an inflection of it is (same Snowball stem).
    Inflection { stem: String, source: Source },
    /// The token starts a phrase of the lexicon, which gets the phrase's valence; the
    /// phrase's other words score 0.
    Phrase { phrase: String, source: Source },
    /// The token belongs to a phrase started by token `head`.
    InPhrase { head: usize },
    /// An emoji, valued by the words of its description.
    Emoji,
    /// An emoticon of the lexicon.
    Emoticon,
    /// ALL CAPS in a text that is not all caps: `delta` added away from zero.
    Caps { delta: f64 },
    /// A degree word `by` tokens before: `delta` added away from zero.
    Booster { by: usize, delta: f64 },
    /// Negated by token `by`: valence ×−0.74.
    Negation { by: usize },
    /// "no" in front of a valenced word is a negation, not a negative word.
    NoAsNegation,
    /// "like" not used as a verb (no subject before it) has no valence.
    LikeNotVerb,
    /// A rating written in the text ("2/10", "4 out of 5", "5 stars"), as the fraction of
    /// its scale (stars: (n − 1) / 4): valence 6 × (fraction − 0.5), −3 to +3.
    Rating { fraction: f64 },
    /// A duration in a waiting context.
    Duration { minutes: f64 },
    /// Gratitude or praise that the rest of the clause contradicts: ×−0.5.
    Irony,
    /// A negative superlative or comparative under negation keeps its sign ("never had
    /// worse service").
    NegatedSuperlative { by: usize },
    /// Positive valence after a modal, wish, condition or request marker (token `by`:
    /// "would be nice", "if possible", "please help") is not praise given: 0.
    Irrealis { by: usize },
    /// Positive valence in a question is not praise given: 0.
    Question,
    /// A sentence-opening stance word before a comma ("Honestly, …", "To be fair, …",
    /// "Sadly, …") has no valence of its own.
    Discourse,
    /// A negative word in a clause that reports it solved by token `by` ("the problem
    /// was fixed"): 0.
    Resolved { by: usize },
    /// Negative valence ×1.2 (negativity weighting).
    NegativeWeight,
    /// Contrast by token `by`: ×`factor` (0.5 on the conceded side, 1.5 on the other).
    Contrast { by: usize, factor: f64 },
}

/// What one token contributed to a text's score ([`super::Explanation`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contribution {
    /// Index of the token in the text's token sequence.
    pub token: usize,
    /// The token as written.
    pub text: String,
    /// Byte span in the text.
    pub start: usize,
    /// End of the byte span (exclusive).
    pub end: usize,
    /// Character (code point) span in the text.
    pub char_start: usize,
    /// End of the character span (exclusive).
    pub char_end: usize,
    /// Valence before the rules that modify it (lexicon, phrase or duration value).
    pub base: f64,
    /// Valence after all rules: the token's share of the sum.
    pub valence: f64,
    /// The rules that fired, in order.
    pub rules: Vec<Rule>,
}

/// A clause of a text and its score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Clause {
    /// Byte span in the text.
    pub start: usize,
    /// End of the byte span (exclusive).
    pub end: usize,
    /// Character (code point) span in the text.
    pub char_start: usize,
    /// End of the character span (exclusive).
    pub char_end: usize,
    /// Sum of the clause's token valences (after all rules).
    pub sum: f64,
    /// `sum / √(sum² + 15)`, in [−1, 1].
    pub compound: f64,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    valence: f64,
    source: Source,
}

#[derive(Debug)]
struct Phrase {
    ids: Box<[u32]>,
    valence: f64,
    source: Source,
    text: Box<str>,
}

/// The compiled tables of a Cx model: lexicons, stems, phrases, emoji valences.
pub(crate) struct CxTables {
    id: u64,
    /// Rules switched off ([`ABLATIONS`]), for measuring what each rule contributes.
    disabled: u32,
    exact: HashMap<Box<str>, Entry, FastHash>,
    by_stem: HashMap<Box<str>, Entry, FastHash>,
    stem_ids: HashMap<Box<str>, u32, FastHash>,
    /// Phrases by the id of their first element (`NEG_ID` for negation), longest first.
    phrases: Vec<Vec<Phrase>>,
    /// Emoticons of the lexicon (entries with a non-alphanumeric character), lowercase.
    emoticons: HashMap<Box<str>, (), FastHash>,
    longest_emoticon: usize,
    /// Lowercase first bytes of the emoticons: a cheap pre-filter.
    emoticon_first: [bool; 256],
    emoji: HashMap<char, f64, FastHash>,
    stemmer: Stemmer,
}

impl fmt::Debug for CxTables {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CxTables")
            .field("words", &self.exact.len())
            .field("stems", &self.by_stem.len())
            .field("phrases", &self.phrases.iter().map(Vec::len).sum::<usize>())
            .field("emoji", &self.emoji.len())
            .finish()
    }
}

/// Whether an entry of a lexicon is valid: non-empty words, finite valence in −4..4.
pub(crate) fn check_entry(entry: &str, valence: f64) -> Result<(), String> {
    let mut words = entry.split_whitespace();
    match (words.next(), words.next_back()) {
        (None, _) => return Err("the entry is empty".into()),
        (Some("*"), _) | (_, Some("*")) => {
            return Err(
                "`*` (any one word) must be inside a phrase, not at its start or end".into(),
            )
        }
        _ => {}
    }
    if !valence.is_finite() || !(-4.0..=4.0).contains(&valence) {
        return Err(format!("valence {valence} is not a finite number in -4..4"));
    }
    Ok(())
}

fn normalize_word(word: &str) -> String {
    word.to_lowercase().replace('\u{2019}', "'")
}

impl CxTables {
    /// VADER lexicon + CX lexicon + `custom` entries (later entries win).
    pub(crate) fn build(custom: &[(String, f64)], disabled: u32) -> CxTables {
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        let mut tables = CxTables {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            disabled,
            exact: HashMap::default(),
            by_stem: HashMap::default(),
            stem_ids: HashMap::default(),
            phrases: vec![Vec::new()],
            emoticons: HashMap::default(),
            longest_emoticon: 0,
            emoticon_first: [false; 256],
            emoji: HashMap::default(),
            stemmer: Stemmer::create(Algorithm::English),
        };
        // VADER words, and the mean valence of the VADER words sharing each stem.
        let mut groups: HashMap<String, (f64, usize)> = HashMap::new();
        for line in VADER_LEXICON.lines() {
            let mut fields = line.split('\t');
            let (Some(word), Some(Ok(valence))) = (fields.next(), fields.next().map(str::parse))
            else {
                continue;
            };
            tables.exact.insert(
                word.into(),
                Entry {
                    valence,
                    source: Source::Vader,
                },
            );
            if word.bytes().all(|b| b.is_ascii_lowercase()) {
                let stem = tables.stem(word);
                // An inflection inherits the valence of its base form when the base
                // form (a word that is its own stem) is an entry.
                if stem == word {
                    groups.insert(stem, (valence, 1));
                }
            }
        }
        let emoticons: Vec<Box<str>> = tables
            .exact
            .keys()
            .filter(|w| !w.chars().all(char::is_alphanumeric) && w.is_ascii())
            .cloned()
            .collect();
        tables.longest_emoticon = emoticons.iter().map(|w| w.len()).max().unwrap_or(0);
        debug_assert!(
            emoticons.iter().all(|w| !is_plain_chunk(w)),
            "an emoticon looks like a plain word chunk; the tokenizer's fast path would miss it"
        );
        for w in &emoticons {
            tables.emoticon_first[usize::from(w.as_bytes()[0])] = true;
        }
        tables.emoticons = emoticons.into_iter().map(|w| (w, ())).collect();
        for (stem, (sum, n)) in groups {
            tables.by_stem.insert(
                stem.into(),
                Entry {
                    valence: sum / n as f64,
                    source: Source::Vader,
                },
            );
        }
        for line in CX_LEXICON.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let words = line
                .split('\t')
                .next()
                .map_or(0, |e| e.split_whitespace().count());
            if disabled & (if words > 1 { OFF_PHRASES } else { OFF_CX_WORDS }) != 0 {
                continue;
            }
            let mut fields = line.split('\t');
            if let (Some(entry), Some(Ok(valence))) = (fields.next(), fields.next().map(str::parse))
            {
                tables.add(entry, valence, Source::Cx);
            }
        }
        for (entry, valence) in custom {
            tables.add(entry, *valence, Source::Custom);
        }
        for phrases in &mut tables.phrases {
            phrases.sort_by_key(|p| std::cmp::Reverse(p.ids.len()));
        }
        for line in EMOJI_LEXICON.lines() {
            let mut fields = line.split('\t');
            let (Some(key), Some(description)) = (fields.next(), fields.next()) else {
                continue;
            };
            let mut chars = key.chars();
            if let (Some(c), None) = (chars.next(), chars.next()) {
                let valence: f64 = description
                    .split_whitespace()
                    .filter_map(|w| tables.exact.get(normalize_word(w).as_str()))
                    .map(|e| e.valence)
                    .sum();
                if valence != 0.0 {
                    tables.emoji.insert(c, valence);
                }
            }
        }
        tables
    }

    fn stem(&self, word: &str) -> String {
        self.stemmer.stem(word).into_owned()
    }

    fn intern(&mut self, stem: String) -> u32 {
        let next = self.stem_ids.len() as u32 + 1;
        let id = *self.stem_ids.entry(stem.into()).or_insert(next);
        if self.phrases.len() <= id as usize {
            self.phrases.resize_with(id as usize + 1, Vec::new);
        }
        id
    }

    /// Adds one entry (a word or a phrase); invalid entries are ignored (callers check
    /// them with [`check_entry`] first).
    fn add(&mut self, entry: &str, valence: f64, source: Source) {
        if check_entry(entry, valence).is_err() {
            return;
        }
        let words: Vec<String> = entry.split_whitespace().map(normalize_word).collect();
        if let [word] = words.as_slice() {
            if word != "neg" {
                let e = Entry { valence, source };
                self.exact.insert(word.as_str().into(), e);
                let stem = self.stem(word);
                let base_form = stem == *word;
                match self.by_stem.get(stem.as_str()) {
                    Some(old) if old.source != Source::Vader && !base_form => {}
                    _ => {
                        self.by_stem.insert(stem.into(), e);
                    }
                }
                return;
            }
        }
        let ids: Box<[u32]> = entry
            .split_whitespace()
            .map(|w| {
                if w == "NEG" {
                    NEG_ID
                } else if w == "*" {
                    ANY_ID
                } else {
                    let stem = self.stem(&normalize_word(w));
                    self.intern(stem)
                }
            })
            .collect();
        let list = &mut self.phrases[ids[0] as usize];
        let text: Box<str> = words.join(" ").into();
        list.retain(|p| p.ids != ids);
        list.push(Phrase {
            ids,
            valence,
            source,
            text,
        });
    }

    /// Everything the rules need about one lowercase word.
    fn resolve(&self, lower: &str) -> Resolved {
        let mut r = class_of(lower);
        let stem = self.stemmer.stem(lower);
        r.stem_id = self.stem_ids.get(stem.as_ref()).copied().unwrap_or(NO_STEM);
        if r.stem_id != NO_STEM && !self.phrases[r.stem_id as usize].is_empty()
            || r.class & NEGATOR != 0 && !self.phrases[NEG_ID as usize].is_empty()
        {
            r.class |= PHRASE_HEAD;
        }
        if let Some(e) = self.exact.get(lower) {
            r.valence = e.valence;
            r.source = e.source;
        } else if (lower.ends_with('s') || lower.ends_with("ed") || lower.ends_with("ing"))
            && lower.len() >= 4
            && stem.as_ref() != lower
            && self.disabled & OFF_INFLECTIONS == 0
        {
            if let Some(e) = self.by_stem.get(stem.as_ref()) {
                r.valence = e.valence;
                r.source = e.source;
                r.stemmed = true;
            }
        }
        r
    }
}

// Rules that can be switched off to measure their effect (`ABLATIONS`).
const OFF_CX_WORDS: u32 = 1;
const OFF_PHRASES: u32 = 1 << 1;
const OFF_INFLECTIONS: u32 = 1 << 2;
const OFF_NEGATION: u32 = 1 << 3;
const OFF_SUPERLATIVE: u32 = 1 << 4;
const OFF_LIKE: u32 = 1 << 5;
const OFF_DURATIONS: u32 = 1 << 6;
const OFF_IRONY: u32 = 1 << 7;
const OFF_RESOLVED: u32 = 1 << 8;
const OFF_IRREALIS: u32 = 1 << 9;
const OFF_QUESTIONS: u32 = 1 << 10;
const OFF_CONTRAST: u32 = 1 << 11;
const OFF_DISCOURSE: u32 = 1 << 12;
const OFF_NEGATIVITY: u32 = 1 << 13;
const OFF_RATINGS: u32 = 1 << 14;

/// The Cx rules that [`super::SentimentModel::cx_ablated`] can switch off, by name.
pub(crate) const ABLATIONS: &[(&str, u32)] = &[
    ("cx_words", OFF_CX_WORDS),
    ("phrases", OFF_PHRASES),
    ("inflections", OFF_INFLECTIONS),
    ("negation", OFF_NEGATION),
    ("superlative", OFF_SUPERLATIVE),
    ("like", OFF_LIKE),
    ("durations", OFF_DURATIONS),
    ("irony", OFF_IRONY),
    ("resolved", OFF_RESOLVED),
    ("irrealis", OFF_IRREALIS),
    ("questions", OFF_QUESTIONS),
    ("contrast", OFF_CONTRAST),
    ("discourse", OFF_DISCOURSE),
    ("negativity", OFF_NEGATIVITY),
    ("ratings", OFF_RATINGS),
];

// Rule classes of words.
const NEGATOR: u32 = 1;
const CONTRAST: u32 = 1 << 1;
const CONCESSIVE: u32 = 1 << 2;
const CONJ: u32 = 1 << 3;
const LIKE: u32 = 1 << 4;
const LIKE_SUBJECT: u32 = 1 << 5;
const GRATITUDE: u32 = 1 << 6;
const FOR: u32 = 1 << 7;
const DURATION_PREP: u32 = 1 << 8;
const WAIT: u32 = 1 << 9;
const NOTHING_ANY: u32 = 1 << 10;
const ONLY_JUST: u32 = 1 << 11;
const NO: u32 = 1 << 12;
const OF: u32 = 1 << 13;
const YOU: u32 = 1 << 14;
const IRREALIS: u32 = 1 << 15;
const RECOMMEND: u32 = 1 << 16;
const MODAL: u32 = 1 << 17;
const BE_HAVE: u32 = 1 << 18;
const RESOLVE: u32 = 1 << 19;
const PHRASE_HEAD: u32 = 1 << 20;
const DISCOURSE: u32 = 1 << 21;
const RATING_WORD: u32 = 1 << 22;

#[derive(Debug, Clone, Copy)]
struct Resolved {
    valence: f64,
    source: Source,
    stemmed: bool,
    stem_id: u32,
    class: u32,
    /// +1 for a booster ("very"), −1 for a dampener ("slightly"), else 0 (VADER's
    /// scalars are all ±0.293).
    booster: i8,
    minutes: f32,
    number: f32,
    /// "worse", "worst" and other -est words: a negated negative superlative stays
    /// negative ("never seen worse service").
    superlative: bool,
}

impl Default for Resolved {
    fn default() -> Self {
        Resolved {
            valence: 0.0,
            source: Source::Vader,
            stemmed: false,
            stem_id: NO_STEM,
            class: 0,
            booster: 0,
            minutes: 0.0,
            number: 0.0,
            superlative: false,
        }
    }
}

/// Letters and digits (apostrophes between them allowed) followed by at most `.` `,` `!`
/// `?`: the chunks the tokenizer passes without an emoticon check.
fn is_plain_chunk(w: &str) -> bool {
    let t = w.trim_end_matches(['.', ',', '!', '?']).as_bytes();
    !t.is_empty()
        && t[0].is_ascii_alphanumeric()
        && t.iter().enumerate().all(|(i, &b)| {
            b.is_ascii_alphanumeric()
                || b == b'\''
                    && i + 1 < t.len()
                    && t[i - 1].is_ascii_alphanumeric()
                    && t[i + 1].is_ascii_alphanumeric()
        })
}

/// Minutes per time unit (the unit words of durations).
fn unit_minutes(unit: &str) -> f64 {
    match unit {
        "min" | "mins" | "minute" | "minutes" => 1.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 60.0,
        "day" | "days" => 1440.0,
        "week" | "weeks" | "wk" | "wks" => 10080.0,
        "month" | "months" => 43200.0,
        _ => 0.0,
    }
}

/// The rule classes of an English word.
fn class_of(lower: &str) -> Resolved {
    let mut r = Resolved::default();
    if lower != "despite" && NEGATIONS.contains(&lower)
        || lower.contains("n't")
        || matches!(
            lower,
            "no" | "nobody" | "noone" | "hardly" | "barely" | "scarcely"
        )
    {
        r.class |= NEGATOR;
    }
    if let Some(&(_, scalar)) = BOOSTERS.iter().find(|(w, _)| *w == lower) {
        r.booster = if scalar > 0.0 { 1 } else { -1 };
    }
    r.minutes = unit_minutes(lower) as f32;
    r.number = match lower {
        "a" | "an" | "one" => 1.0,
        "two" | "couple" => 2.0,
        "three" | "few" | "several" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        _ => 0.0,
    };
    r.class |= match lower {
        "but" | "however" => CONTRAST,
        "although" | "though" | "despite" | "whereas" => CONCESSIVE,
        "and" | "because" | "so" | "when" | "while" | "which" | "who" | "since" | "then" | "as" => {
            CONJ
        }
        "like" => LIKE,
        "i" | "we" | "they" | "he" | "she" | "really" | "do" | "does" | "did" | "also"
        | "definitely" | "totally" | "absolutely" | "genuinely" | "truly" | "still" | "i'd"
        | "we'd" | "always" | "people" | "everyone" | "customers" => LIKE_SUBJECT,
        "you" => LIKE_SUBJECT | YOU,
        "recommend" | "recommended" => RECOMMEND,
        "out" | "star" | "stars" => RATING_WORD,
        "honestly" | "frankly" | "truthfully" | "honest" | "fair" | "seriously" | "admittedly"
        | "sadly" | "unfortunately" | "luckily" | "fortunately" | "thankfully" => DISCOURSE,
        "fixed" | "resolved" | "solved" | "sorted" | "handled" | "rectified" | "addressed" => {
            RESOLVE
        }
        "thanks" | "thank" | "thx" | "ty" | "appreciate" | "appreciated" | "great"
        | "wonderful" | "awesome" | "brilliant" | "perfect" | "fantastic" | "nice" | "lovely"
        | "excellent" | "superb" | "terrific" | "love" | "cool" => GRATITUDE,
        "for" => FOR | DURATION_PREP,
        "over" | "after" | "nearly" | "almost" | "than" | "another" | "past" | "extra"
        | "additional" => DURATION_PREP,
        "wait" | "waited" | "waiting" | "waits" | "hold" | "holding" | "queue" | "queued"
        | "queuing" | "queueing" | "delay" | "delayed" | "delays" | "late" | "stuck" | "sat"
        | "sitting" | "standing" | "stood" | "took" | "take" | "takes" | "taking" | "spent"
        | "wasted" | "now" | "overdue" => WAIT,
        "nothing" | "anything" | "all" => NOTHING_ANY,
        "would" => LIKE_SUBJECT | IRREALIS | MODAL,
        "could" | "should" | "might" => IRREALIS | MODAL,
        "be" | "been" | "have" => BE_HAVE,
        "wish" | "wished" | "hope" | "hoping" | "hopefully" | "if" | "please" | "pls" | "plz"
        | "need" | "needs" | "expect" | "expected" | "deserve" | "deserved" | "deserves" => {
            IRREALIS
        }
        "only" | "just" => ONLY_JUST,
        "of" => OF,
        _ => 0,
    };
    if lower == "no" {
        r.class |= NO;
    }
    r.superlative = matches!(lower, "worse" | "worst") || lower.len() > 5 && lower.ends_with("est");
    r
}

// Per-token flags.
const CONSUMED: u8 = 1;
const NEG_CONSUMED: u8 = 2;
const UPPER: u8 = 4;
/// The token starts a phrase of the lexicon.
const PHRASE: u8 = 8;

/// Buffers reused from text to text, and the word cache (one set per thread).
#[derive(Default)]
struct Scratch {
    tables_id: u64,
    short_cache: HashMap<u128, Resolved, FastHash>,
    cache: HashMap<Box<str>, Resolved, FastHash>,
    toks: Vec<Tok>,
    res: Vec<Resolved>,
    base: Vec<f64>,
    val: Vec<f64>,
    flags: Vec<u8>,
    sentence: Vec<u32>,
    clause: Vec<u32>,
    lower: String,
}

/// Rule events, recorded only when explaining.
struct Events {
    on: bool,
    list: Vec<(usize, Rule)>,
}

impl Events {
    #[inline]
    fn push(&mut self, token: usize, rule: impl FnOnce() -> Rule) {
        if self.on {
            self.list.push((token, rule()));
        }
    }
}

/// Scores one text.
pub(crate) fn polarity_scores(tables: &CxTables, text: &str) -> Scores {
    with_scratch(|s| {
        let mut events = Events {
            on: false,
            list: Vec::new(),
        };
        s.run(tables, text, &mut events)
    })
}

/// Full analysis: scores, per-token contributions and clauses.
pub(crate) fn analyze(tables: &CxTables, text: &str) -> (Scores, Vec<Contribution>, Vec<Clause>) {
    with_scratch(|s| {
        let mut events = Events {
            on: true,
            list: Vec::new(),
        };
        let scores = s.run(tables, text, &mut events);
        let (contributions, clauses) = s.report(tables, text, events.list);
        (scores, contributions, clauses)
    })
}

fn with_scratch<T>(f: impl Fn(&mut Scratch) -> T) -> T {
    thread_local! {
        static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
    }
    SCRATCH
        .try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => f(&mut scratch),
            Err(_) => f(&mut Scratch::default()),
        })
        .unwrap_or_else(|_| f(&mut Scratch::default()))
}

impl Scratch {
    /// [`Scratch::word`] of a short ASCII word given by its packed lowercase key.
    fn word_key(&mut self, tables: &CxTables, key: u128) -> Resolved {
        if let Some(r) = self.short_cache.get(&key) {
            return *r;
        }
        let bytes = key.to_le_bytes();
        let len = usize::from(bytes[15]).min(SHORT_KEY_MAX);
        let r = tables.resolve(std::str::from_utf8(&bytes[..len]).unwrap_or_default());
        if self.short_cache.len() >= CACHE_MAX {
            self.short_cache.clear();
        }
        self.short_cache.insert(key, r);
        r
    }

    fn word(&mut self, tables: &CxTables, text: &str) -> Resolved {
        // Short ASCII words (nearly all) are cached under a packed 16-byte key: no
        // allocation, no pointer to chase, no string comparison.
        if text.len() <= SHORT_KEY_MAX && text.is_ascii() {
            let mut buf = [0u8; SHORT_KEY_MAX];
            let lower = &mut buf[..text.len()];
            lower.copy_from_slice(text.as_bytes());
            lower.make_ascii_lowercase();
            let key = short_key(lower);
            if let Some(r) = self.short_cache.get(&key) {
                return *r;
            }
            let r = tables.resolve(std::str::from_utf8(lower).unwrap_or_default());
            if self.short_cache.len() >= CACHE_MAX {
                self.short_cache.clear();
            }
            self.short_cache.insert(key, r);
            return r;
        }
        self.lower.clear();
        self.lower.push_str(&normalize_word(text));
        if let Some(r) = self.cache.get(self.lower.as_str()) {
            return *r;
        }
        let r = tables.resolve(&self.lower);
        if self.cache.len() >= CACHE_MAX {
            self.cache.clear();
        }
        self.cache.insert(self.lower.as_str().into(), r);
        r
    }

    fn run(&mut self, tables: &CxTables, text: &str, ev: &mut Events) -> Scores {
        if self.tables_id != tables.id {
            self.cache.clear();
            self.short_cache.clear();
            self.tables_id = tables.id;
        }
        self.toks.clear();
        let has_newline = tokenize(
            text,
            &|s| {
                if s.len() > tables.longest_emoticon
                    || !s.is_ascii()
                    || !tables.emoticon_first[usize::from(s.as_bytes()[0].to_ascii_lowercase())]
                {
                    return false;
                }
                let mut buf = [0u8; 64];
                let lower = &mut buf[..s.len()];
                lower.copy_from_slice(s.as_bytes());
                lower.make_ascii_lowercase();
                std::str::from_utf8(lower).is_ok_and(|l| tables.emoticons.contains_key(l))
            },
            &mut self.toks,
        );
        let n = self.toks.len();
        self.res.clear();
        self.flags.clear();
        self.base.clear();
        self.sentence.clear();
        self.clause.clear();
        let (mut words, mut upper_words) = (0usize, 0usize);
        // Which rules can fire at all: passes with nothing to do are skipped.
        let (mut any_class, mut any_unit, mut any_booster) = (0u32, false, false);
        let (mut any_number, mut any_slash) = (false, false);
        let (mut exclamations, mut questions) = (0usize, 0usize);
        let (mut sentence, mut clause) = (0u32, 0u32);
        let mut pending_break = false;
        let mut pending_clause = false;
        for i in 0..n {
            let tok = self.toks[i];
            let piece = &text[tok.start..tok.end];
            let mut r = Resolved::default();
            let mut flags = 0u8;
            let mut base = 0.0;
            if has_newline && i > 0 && text[self.toks[i - 1].end..tok.start].contains('\n') {
                pending_break = true;
            }
            match tok.kind {
                Kind::Word if tok.shape & SHAPE_KNOWN != 0 => {
                    r = if tok.key != 0 {
                        self.word_key(tables, tok.key)
                    } else {
                        self.word(tables, piece)
                    };
                    base = r.valence;
                    if tok.shape & SHAPE_WORD != 0 {
                        words += 1;
                        if tok.shape & SHAPE_CAPS != 0 {
                            upper_words += 1;
                            flags |= UPPER;
                        }
                    }
                }
                Kind::Word => {
                    r = self.word(tables, piece);
                    base = r.valence;
                    let (letters, upper, lower) = if piece.is_ascii() {
                        piece.bytes().fold((0, false, false), |(n, u, l), b| {
                            (
                                n + usize::from(b.is_ascii_alphabetic()),
                                u || b.is_ascii_uppercase(),
                                l || b.is_ascii_lowercase(),
                            )
                        })
                    } else {
                        piece.chars().fold((0, false, false), |(n, u, l), c| {
                            (
                                n + usize::from(c.is_alphabetic()),
                                u || c.is_uppercase(),
                                l || c.is_lowercase(),
                            )
                        })
                    };
                    if letters >= 2 {
                        words += 1;
                        if upper && !lower {
                            upper_words += 1;
                            flags |= UPPER;
                        }
                    }
                }
                Kind::Number { unit } => {
                    if unit > 0 {
                        let u = &piece[usize::from(unit)..];
                        r.minutes = if u.bytes().any(|b| b.is_ascii_uppercase()) {
                            unit_minutes(&u.to_ascii_lowercase()) as f32
                        } else {
                            unit_minutes(u) as f32
                        };
                        r.number = piece[..usize::from(unit)].parse().unwrap_or(0.0);
                    } else if piece.contains(',') {
                        r.number = piece.replace(',', "").parse().unwrap_or(0.0);
                    } else {
                        r.number = piece.parse().unwrap_or(0.0);
                    }
                }
                Kind::Emoticon => {
                    if let Some(e) = tables.exact.get(normalize_word(piece).as_str()) {
                        base = e.valence;
                        ev.push(i, || Rule::Emoticon);
                    }
                }
                Kind::Emoji => {
                    let entry = piece
                        .chars()
                        .next()
                        .and_then(|c| tables.exact.get(c.encode_utf8(&mut [0u8; 4]) as &str));
                    if let Some(e) = entry {
                        base = e.valence;
                        let source = e.source;
                        ev.push(i, || Rule::Lexicon { source });
                    } else if let Some(&v) = piece.chars().next().and_then(|c| tables.emoji.get(&c))
                    {
                        base = v;
                        ev.push(i, || Rule::Emoji);
                    }
                }
                Kind::Punct(_) | Kind::Skip => {}
            }
            let starts_clause = tok.kind == Kind::Word && r.class & (CONTRAST | CONCESSIVE) != 0;
            if pending_break && !matches!(tok.kind, Kind::Punct(_)) {
                sentence += 1;
                clause += 1;
                pending_break = false;
                pending_clause = false;
            } else if pending_clause && !matches!(tok.kind, Kind::Punct(_)) {
                clause += 1;
                pending_clause = false;
            } else if starts_clause && i > 0 && self.clause[i - 1] == clause {
                clause += 1;
            }
            if let Kind::Punct(c) = tok.kind {
                if matches!(c, '.' | '!' | '?' | ';' | '…' | '。') {
                    pending_break = true;
                } else if c == ':' {
                    pending_clause = true;
                }
            }
            any_class |= r.class;
            any_unit |= r.minutes > 0.0;
            any_booster |= r.booster != 0;
            any_number |= matches!(tok.kind, Kind::Number { unit: 0 }) || r.number > 0.0;
            match tok.kind {
                Kind::Punct('!') => exclamations += 1,
                Kind::Punct('?') => questions += 1,
                Kind::Punct('/') => any_slash = true,
                _ => {}
            }
            self.res.push(r);
            self.flags.push(flags);
            self.base.push(base);
            self.sentence.push(sentence);
            self.clause.push(clause);
        }
        let cap_diff = upper_words > 0 && upper_words < words;
        let Scratch {
            toks,
            res,
            base,
            flags,
            clause,
            sentence,
            val,
            ..
        } = self;
        let is_word = |i: usize| toks[i].kind == Kind::Word;

        // Lexicon events and phrases (nothing to do without a phrase head, a word with a
        // rule of this pass, or an explanation to record).
        let lexicon_pass = ev.on || any_class & (PHRASE_HEAD | DISCOURSE | LIKE) != 0;
        for i in 0..if lexicon_pass { n } else { 0 } {
            if !is_word(i) || flags[i] & CONSUMED != 0 {
                continue;
            }
            if let Some((len_tokens, phrase)) = match_phrase(tables, toks, res, flags, i) {
                base[i] = phrase.valence;
                flags[i] |= PHRASE;
                if phrase.ids[0] == NEG_ID {
                    flags[i] |= NEG_CONSUMED;
                }
                ev.push(i, || Rule::Phrase {
                    phrase: phrase.text.to_string(),
                    source: phrase.source,
                });
                for j in i + 1..i + len_tokens {
                    flags[j] |= CONSUMED | NEG_CONSUMED;
                    base[j] = 0.0;
                    ev.push(j, || Rule::InPhrase { head: i });
                }
                continue;
            }
            if base[i] != 0.0 {
                let r = res[i];
                if r.class & DISCOURSE != 0
                    && tables.disabled & OFF_DISCOURSE == 0
                    && matches!(toks.get(i + 1).map(|t| t.kind), Some(Kind::Punct(',')))
                    && (0..i)
                        .rev()
                        .take_while(|&j| sentence[j] == sentence[i])
                        .filter(|&j| is_word(j))
                        .count()
                        < 3
                {
                    // "Honestly, …", "To be fair, …": a stance marker, not an evaluation.
                    base[i] = 0.0;
                    ev.push(i, || Rule::Discourse);
                    continue;
                }
                if r.class & LIKE != 0 && tables.disabled & OFF_LIKE == 0 {
                    let subject = (0..i)
                        .rev()
                        .take_while(|&j| clause[j] == clause[i])
                        .find(|&j| is_word(j))
                        .is_some_and(|j| res[j].class & (LIKE_SUBJECT | NEGATOR) != 0);
                    if !subject {
                        base[i] = 0.0;
                        ev.push(i, || Rule::LikeNotVerb);
                        continue;
                    }
                }
                if r.stemmed {
                    ev.push(i, || Rule::Inflection {
                        stem: tables.stem(&text[toks[i].start..toks[i].end].to_lowercase()),
                        source: r.source,
                    });
                } else {
                    ev.push(i, || Rule::Lexicon { source: r.source });
                }
            }
        }

        // Ratings written in the text: "2/10", "4 out of 5", "5 stars", "one star".
        if any_number
            && (any_slash || any_class & RATING_WORD != 0)
            && tables.disabled & OFF_RATINGS == 0
        {
            for i in 0..n {
                if let Some((fraction, span)) = rating_at(text, toks, res, flags, i) {
                    let v = RATING_SCALE * (fraction - 0.5);
                    base[i] = v;
                    ev.push(i, || Rule::Rating { fraction });
                    for j in i + 1..i + span {
                        flags[j] |= CONSUMED | NEG_CONSUMED;
                        base[j] = 0.0;
                        ev.push(j, || Rule::InPhrase { head: i });
                    }
                }
            }
        }

        val.clear();
        val.extend_from_slice(base);
        // Caps and boosters.
        let emphasis_pass = any_booster || cap_diff;
        for i in 0..if emphasis_pass { n } else { 0 } {
            if val[i] == 0.0 || !is_word(i) {
                continue;
            }
            let sign = val[i].signum();
            if cap_diff && flags[i] & UPPER != 0 {
                val[i] += sign * C_INCR;
                ev.push(i, || Rule::Caps {
                    delta: sign * C_INCR,
                });
            }
            let mut distance = 0;
            for j in (0..i).rev() {
                if clause[j] != clause[i] || !is_word(j) {
                    if clause[j] != clause[i] || !matches!(toks[j].kind, Kind::Punct('-')) {
                        break;
                    }
                    continue;
                }
                distance += 1;
                if distance > 3 {
                    break;
                }
                let b = f64::from(res[j].booster) * B_INCR;
                if b != 0.0 && flags[j] & CONSUMED == 0 {
                    let mut scalar = b;
                    if cap_diff && flags[j] & UPPER != 0 {
                        scalar += b.signum() * C_INCR;
                    }
                    let delta = sign * scalar * [1.0, 0.95, 0.9][distance - 1];
                    val[i] += delta;
                    ev.push(i, || Rule::Booster { by: j, delta });
                }
            }
        }

        if any_class & NEGATOR != 0 && tables.disabled & OFF_NEGATION == 0 {
            // Negation.
            for k in 0..n {
                if !is_word(k) || res[k].class & NEGATOR == 0 || flags[k] & NEG_CONSUMED != 0 {
                    continue;
                }
                let next_word = (k + 1..n).find(|&j| is_word(j));
                if let Some(j) = next_word {
                    let c = res[j].class;
                    if c & ONLY_JUST != 0 || res[k].class & NOTHING_ANY != 0 && c & CONTRAST != 0 {
                        continue;
                    }
                }
                let mut distance = 0;
                let mut negated_something = false;
                for j in k + 1..n {
                    if clause[j] != clause[k] {
                        break;
                    }
                    match toks[j].kind {
                        Kind::Word => {}
                        Kind::Punct('-' | '\'' | '\u{2019}' | '"') => continue,
                        _ => break,
                    }
                    if res[j].class & (CONJ | CONTRAST | CONCESSIVE) != 0 {
                        break;
                    }
                    distance += 1;
                    if distance > NEGATION_SCOPE {
                        break;
                    }
                    if val[j] < 0.0 && res[j].superlative && tables.disabled & OFF_SUPERLATIVE == 0
                    {
                        ev.push(j, || Rule::NegatedSuperlative { by: k });
                        negated_something = true;
                    } else if val[j] != 0.0 && flags[j] & NEG_CONSUMED == 0 {
                        val[j] *= N_SCALAR;
                        negated_something = true;
                        ev.push(j, || Rule::Negation { by: k });
                    }
                }
                if negated_something && res[k].class & NO != 0 && val[k] != 0.0 {
                    val[k] = 0.0;
                    ev.push(k, || Rule::NoAsNegation);
                }
            }
        }

        if any_unit && tables.disabled & OFF_DURATIONS == 0 {
            // Durations in a waiting context.
            for i in 0..n {
                let (minutes, number_at) = match toks[i].kind {
                    Kind::Number { unit } if unit > 0 => (f64::from(res[i].minutes), Some(i)),
                    Kind::Word if res[i].minutes > 0.0 && flags[i] & CONSUMED == 0 => {
                        let mut j = i;
                        let mut found = None;
                        for _ in 0..2 {
                            let Some(p) = j.checked_sub(1) else { break };
                            j = p;
                            let number = matches!(toks[p].kind, Kind::Number { unit: 0 })
                                || toks[p].kind == Kind::Word && res[p].number > 0.0;
                            if number {
                                found = Some(p);
                                break;
                            }
                            if !(toks[p].kind == Kind::Word && res[p].class & OF != 0) {
                                break;
                            }
                        }
                        (f64::from(res[i].minutes), found)
                    }
                    _ => continue,
                };
                let Some(at) = number_at else { continue };
                if minutes == 0.0 {
                    continue;
                }
                let total =
                    minutes * f64::from(res[at].number).max(if at == i { 0.0 } else { 1.0 });
                if total < 10.0 {
                    continue;
                }
                let prep = (0..at)
                    .rev()
                    .take(2)
                    .take_while(|&j| clause[j] == clause[i])
                    .any(|j| is_word(j) && res[j].class & DURATION_PREP != 0);
                let waiting = prep
                    || (0..n)
                        .filter(|&j| clause[j] == clause[i] && is_word(j))
                        .any(|j| res[j].class & WAIT != 0);
                if !waiting {
                    continue;
                }
                let v = -(0.8 + 0.6 * (total / 10.0).log10()).min(2.5);
                base[i] = v;
                val[i] += v;
                ev.push(i, || Rule::Duration { minutes: total });
            }
        }

        if any_class & GRATITUDE != 0 && tables.disabled & OFF_IRONY == 0 {
            // Ironic gratitude: "thanks for <something bad>".
            for i in 0..n {
                if !is_word(i) || res[i].class & GRATITUDE == 0 || val[i] <= 0.0 {
                    continue;
                }
                let mut j = i + 1;
                while j < n && is_word(j) && res[j].class & YOU != 0 {
                    j += 1;
                }
                let thanks_for = j < n && is_word(j) && res[j].class & FOR != 0;
                if !thanks_for {
                    continue;
                }
                let rest: f64 = (j..n)
                    .take_while(|&t| clause[t] == clause[i])
                    .map(|t| val[t])
                    .sum();
                if rest < 0.0 {
                    val[i] *= -0.5;
                    ev.push(i, || Rule::Irony);
                }
            }

            // Interjected praise before a complaint: "Great, another delayed flight."
            let mut s_start = 0;
            while s_start < n {
                let s = sentence[s_start];
                let s_end = (s_start..n).find(|&j| sentence[j] != s).unwrap_or(n);
                let first = (s_start..s_end).find(|&j| toks[j].kind != Kind::Skip);
                if let Some(i) = first.filter(|&i| {
                    is_word(i)
                        && res[i].class & GRATITUDE != 0
                        && val[i] > 0.0
                        && i + 1 < s_end
                        && matches!(toks[i + 1].kind, Kind::Punct(',' | '!' | '-' | '…'))
                }) {
                    let rest: f64 = val[i + 1..s_end].iter().sum();
                    if rest < 0.0 {
                        val[i] *= -0.5;
                        ev.push(i, || Rule::Irony);
                    }
                }
                s_start = s_end;
            }
        }

        if any_class & RESOLVE != 0 && tables.disabled & OFF_RESOLVED == 0 {
            // A problem reported as solved: "the problem was fixed immediately".
            for k in 0..n {
                if !is_word(k) || res[k].class & RESOLVE == 0 || val[k] <= 0.0 {
                    continue;
                }
                for j in 0..n {
                    // Problem words only: an effort or wait phrase ("had to call", "on
                    // hold") stays a cost even when the problem got solved.
                    if clause[j] == clause[k]
                        && val[j] < 0.0
                        && flags[j] & (NEG_CONSUMED | PHRASE) == 0
                    {
                        val[j] = 0.0;
                        ev.push(j, || Rule::Resolved { by: k });
                    }
                }
            }
        }

        if any_class & IRREALIS != 0 && tables.disabled & OFF_IRREALIS == 0 {
            // Irrealis and questions: praise that is wished for, asked about or requested
            // is not praise given.
            for k in 0..n {
                if !is_word(k) || res[k].class & IRREALIS == 0 || flags[k] & CONSUMED != 0 {
                    continue;
                }
                if res[k].class & MODAL != 0 {
                    // A modal marks a wish only before "be"/"have" ("would be nice",
                    // "could have been better"), not in "would recommend" or "should know".
                    let next = (k + 1..n).find(|&j| is_word(j));
                    if next.is_none_or(|j| res[j].class & BE_HAVE == 0) {
                        continue;
                    }
                }
                for j in k + 1..n {
                    if clause[j] != clause[k] {
                        break;
                    }
                    if val[j] > 0.0 && !(is_word(j) && res[j].class & RECOMMEND != 0) {
                        val[j] = 0.0;
                        ev.push(j, || Rule::Irrealis { by: k });
                    }
                }
            }
        }
        if questions > 0 && tables.disabled & OFF_QUESTIONS == 0 {
            let mut s_end = n;
            while s_end > 0 {
                let s = sentence[s_end - 1];
                let s_start = (0..s_end)
                    .rev()
                    .find(|&j| sentence[j] != s)
                    .map_or(0, |j| j + 1);
                let question = (s_start..s_end).any(|j| toks[j].kind == Kind::Punct('?'));
                if question {
                    for (j, v) in val.iter_mut().enumerate().take(s_end).skip(s_start) {
                        if *v > 0.0 {
                            *v = 0.0;
                            ev.push(j, || Rule::Question);
                        }
                    }
                }
                s_end = s_start;
            }
        }

        if any_class & (CONTRAST | CONCESSIVE) != 0 && tables.disabled & OFF_CONTRAST == 0 {
            // Contrast, per sentence.
            let mut s_start = 0;
            while s_start < n {
                let s = sentence[s_start];
                let s_end = (s_start..n).find(|&j| sentence[j] != s).unwrap_or(n);
                let pivot = (s_start..s_end).find(|&j| {
                    is_word(j)
                        && flags[j] & CONSUMED == 0
                        && res[j].class & (CONTRAST | CONCESSIVE) != 0
                        && !(res[j].class & CONTRAST != 0
                            && (s_start..j)
                                .rev()
                                .find(|&p| is_word(p))
                                .is_some_and(|p| res[p].class & NOTHING_ANY != 0))
                });
                if let Some(p) = pivot {
                    let first_word = (s_start..s_end).find(|&j| is_word(j)) == Some(p);
                    let mut scale = |range: std::ops::Range<usize>, factor: f64| {
                        for t in range {
                            if val[t] != 0.0 {
                                val[t] *= factor;
                                ev.push(t, || Rule::Contrast { by: p, factor });
                            }
                        }
                    };
                    if res[p].class & CONTRAST != 0 {
                        if first_word {
                            if s_start > 0 {
                                let prev = sentence[s_start - 1];
                                let prev_start = (0..s_start)
                                    .rev()
                                    .find(|&j| sentence[j] != prev)
                                    .map_or(0, |j| j + 1);
                                scale(prev_start..s_start, 0.5);
                                scale(p + 1..s_end, 1.5);
                            }
                        } else {
                            scale(s_start..p, 0.5);
                            scale(p + 1..s_end, 1.5);
                        }
                    } else if first_word {
                        if let Some(comma) = (p..s_end).find(|&j| toks[j].kind == Kind::Punct(','))
                        {
                            scale(p + 1..comma, 0.5);
                            scale(comma + 1..s_end, 1.5);
                        }
                    } else {
                        scale(s_start..p, 1.5);
                        scale(p + 1..s_end, 0.5);
                    }
                }
                s_start = s_end;
            }
        }

        // Negativity weighting (SO-CAL): lexicons and texts lean positive, so negative
        // valences weigh more.
        if tables.disabled & OFF_NEGATIVITY == 0 {
            for (t, v) in val.iter_mut().enumerate() {
                if *v < 0.0 {
                    *v *= NEGATIVE_WEIGHT;
                    ev.push(t, || Rule::NegativeWeight);
                }
            }
        }

        finish(val, toks, exclamations, questions)
    }

    fn report(
        &self,
        _tables: &CxTables,
        text: &str,
        events: Vec<(usize, Rule)>,
    ) -> (Vec<Contribution>, Vec<Clause>) {
        let (char_starts, char_ends) = char_spans(text, &self.toks);
        let mut contributions: Vec<Contribution> = Vec::new();
        let mut by_token: HashMap<usize, usize> = HashMap::new();
        for (token, rule) in events {
            let at = *by_token.entry(token).or_insert_with(|| {
                let t = self.toks[token];
                contributions.push(Contribution {
                    token,
                    text: text[t.start..t.end].to_string(),
                    start: t.start,
                    end: t.end,
                    char_start: char_starts[token],
                    char_end: char_ends[token],
                    base: self.base[token],
                    valence: self.val[token],
                    rules: Vec::new(),
                });
                contributions.len() - 1
            });
            contributions[at].rules.push(rule);
        }
        contributions.sort_by_key(|c| c.token);
        let mut clauses = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            let c = self.clause[i];
            let j = (i..self.toks.len())
                .find(|&j| self.clause[j] != c)
                .unwrap_or(self.toks.len());
            let sum: f64 = self.val[i..j].iter().sum();
            let (start, end) = (self.toks[i].start, self.toks[j - 1].end);
            clauses.push(Clause {
                start,
                end,
                char_start: char_starts[i],
                char_end: char_ends[j - 1],
                sum,
                compound: normalize(sum),
            });
            i = j;
        }
        (contributions, clauses)
    }
}

/// Valence range of a written rating: a fraction f of the scale scores 6 × (f − 0.5).
const RATING_SCALE: f64 = 6.0;

/// A rating starting at token `i`: its fraction of the scale and the tokens it spans.
/// Accepted: `N/M` and `N out of M` with M = 5, 10 or 100 and 0 ≤ N ≤ M; `N star(s)`
/// with 1 ≤ N ≤ 5 (digits or a number word other than "a"/"an").
fn rating_at(
    text: &str,
    toks: &[Tok],
    res: &[Resolved],
    flags: &[u8],
    i: usize,
) -> Option<(f64, usize)> {
    let number = |t: usize| -> Option<f64> {
        let tok = toks.get(t)?;
        match tok.kind {
            Kind::Number { unit: 0 } => Some(f64::from(res[t].number)),
            Kind::Word if res[t].number > 0.0 && flags[t] & CONSUMED == 0 => {
                let w = &text[tok.start..tok.end];
                (!w.eq_ignore_ascii_case("a") && !w.eq_ignore_ascii_case("an"))
                    .then(|| f64::from(res[t].number))
            }
            _ => None,
        }
    };
    let word = |t: usize, want: &[&str]| {
        toks.get(t).is_some_and(|tok| {
            tok.kind == Kind::Word
                && want
                    .iter()
                    .any(|w| text[tok.start..tok.end].eq_ignore_ascii_case(w))
        })
    };
    let n = number(i)?;
    let scale = |max: f64| (max == 5.0 || max == 10.0 || max == 100.0) && n <= max;
    if toks.get(i + 1).is_some_and(|t| t.kind == Kind::Punct('/')) {
        if let Some(max) = matches!(
            toks.get(i + 2).map(|t| t.kind),
            Some(Kind::Number { unit: 0 })
        )
        .then(|| f64::from(res[i + 2].number))
        .filter(|&m| scale(m))
        {
            return Some((n / max, 3));
        }
        return None;
    }
    if word(i + 1, &["out"]) && word(i + 2, &["of"]) {
        return number(i + 3).filter(|&m| scale(m)).map(|m| (n / m, 4));
    }
    if word(i + 1, &["star", "stars"]) && (1.0..=5.0).contains(&n) {
        return Some(((n - 1.0) / 4.0, 2));
    }
    None
}

/// Longest phrase starting at word `i`: (tokens spanned, phrase).
fn match_phrase<'t>(
    tables: &'t CxTables,
    toks: &[Tok],
    res: &[Resolved],
    flags: &[u8],
    i: usize,
) -> Option<(usize, &'t Phrase)> {
    let r = res[i];
    if r.class & PHRASE_HEAD == 0 {
        return None;
    }
    let by_stem = tables
        .phrases
        .get(r.stem_id as usize)
        .map_or(&[][..], Vec::as_slice);
    let by_neg = if r.class & NEGATOR != 0 {
        tables.phrases[NEG_ID as usize].as_slice()
    } else {
        &[]
    };
    let mut best: Option<(usize, &Phrase)> = None;
    for phrase in by_stem.iter().chain(by_neg) {
        if best.is_some_and(|(_, b)| b.ids.len() >= phrase.ids.len()) {
            continue;
        }
        let mut t = i + 1;
        let mut ok = true;
        for &id in &phrase.ids[1..] {
            while t < toks.len() && toks[t].kind == Kind::Punct('-') {
                t += 1;
            }
            let matches = t < toks.len()
                && toks[t].kind == Kind::Word
                && flags[t] & CONSUMED == 0
                && (res[t].stem_id == id
                    || id == NEG_ID && res[t].class & NEGATOR != 0
                    || id == ANY_ID);
            if !matches {
                ok = false;
                break;
            }
            t += 1;
        }
        if ok {
            best = Some((t - i, phrase));
        }
    }
    best
}

/// Sum, punctuation emphasis, compound and shares (VADER's formulas).
fn finish(val: &[f64], toks: &[Tok], exclamations: usize, questions: usize) -> Scores {
    let qm = match questions {
        0 | 1 => 0.0,
        2 | 3 => questions as f64 * 0.18,
        _ => 0.96,
    };
    let emphasis = exclamations.min(4) as f64 * 0.292 + qm;
    let mut sum: f64 = val.iter().sum();
    if sum > 0.0 {
        sum += emphasis;
    } else if sum < 0.0 {
        sum -= emphasis;
    }
    let (mut pos, mut neg, mut neu) = (0.0f64, 0.0f64, 0usize);
    for (v, t) in val.iter().zip(toks) {
        if *v > 0.0 {
            pos += v + 1.0;
        } else if *v < 0.0 {
            neg += v - 1.0;
        } else if matches!(
            t.kind,
            Kind::Word | Kind::Number { .. } | Kind::Emoji | Kind::Emoticon
        ) {
            neu += 1;
        }
    }
    if pos > neg.abs() {
        pos += emphasis;
    } else if pos < neg.abs() {
        neg -= emphasis;
    }
    let total = pos + neg.abs() + neu as f64;
    if total == 0.0 {
        return Scores::default();
    }
    Scores {
        compound: normalize(sum),
        pos: pos / total,
        neu: neu as f64 / total,
        neg: neg.abs() / total,
    }
}

/// Character (code point) offsets of every token's start and end, in one pass over the
/// text (tokens are in text order and do not overlap).
fn char_spans(text: &str, toks: &[Tok]) -> (Vec<usize>, Vec<usize>) {
    let (mut byte, mut chars) = (0usize, 0usize);
    let mut advance = |to: usize| {
        chars += text[byte..to].chars().count();
        byte = to;
        chars
    };
    toks.iter()
        .map(|t| (advance(t.start), advance(t.end)))
        .unzip()
}
