//! The VADER lexicons and rule word lists (Hutto & Gilbert 2014; vaderSentiment 3.3.2,
//! MIT licence, see [`VADER_LICENSE`]).
//!
//! - `data/vader/vader_lexicon.txt`: token → mean valence on −4..4 (7,520 lines, 7,506
//!   distinct tokens; a duplicated token keeps its last line, as in the reference's dict);
//! - `data/vader/emoji_utf8_lexicon.txt`: emoji → English description. The reference
//!   replaces emoji one code point at a time, so only its 1,212 single-code-point entries
//!   can ever fire; multi-code-point sequences (flags, skin tones) are kept for reference
//!   but unused by the Vader mode;
//! - the booster/dampener, negation and special-case tables of the reference source.
//!
//! Both files are compiled into the crate and parsed once into an immutable [`Lexicon`]
//! shared by every model ([`Lexicon::vader`]).

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, OnceLock};

/// The licence of the VADER lexicon and emoji table (MIT, © 2016 C.J. Hutto).
pub const VADER_LICENSE: &str = include_str!("../../data/vader/VADER_LICENSE.txt");

pub(crate) const VADER_LEXICON: &str = include_str!("../../data/vader/vader_lexicon.txt");
pub(crate) const EMOJI_LEXICON: &str = include_str!("../../data/vader/emoji_utf8_lexicon.txt");

/// Mean intensity increase of a booster word (`B_INCR`).
pub(crate) const B_INCR: f64 = 0.293;
/// Mean intensity decrease of a dampener word (`B_DECR`).
pub(crate) const B_DECR: f64 = -0.293;

/// One-word entries of the reference's `BOOSTER_DICT`: degree adverbs and their scalar.
/// The three two-word entries are in [`booster_phrase`].
pub(crate) const BOOSTERS: &[(&str, f64)] = &[
    ("absolutely", B_INCR),
    ("amazingly", B_INCR),
    ("awfully", B_INCR),
    ("completely", B_INCR),
    ("considerable", B_INCR),
    ("considerably", B_INCR),
    ("decidedly", B_INCR),
    ("deeply", B_INCR),
    ("effing", B_INCR),
    ("enormous", B_INCR),
    ("enormously", B_INCR),
    ("entirely", B_INCR),
    ("especially", B_INCR),
    ("exceptional", B_INCR),
    ("exceptionally", B_INCR),
    ("extreme", B_INCR),
    ("extremely", B_INCR),
    ("fabulously", B_INCR),
    ("flipping", B_INCR),
    ("flippin", B_INCR),
    ("frackin", B_INCR),
    ("fracking", B_INCR),
    ("fricking", B_INCR),
    ("frickin", B_INCR),
    ("frigging", B_INCR),
    ("friggin", B_INCR),
    ("fully", B_INCR),
    ("fuckin", B_INCR),
    ("fucking", B_INCR),
    ("fuggin", B_INCR),
    ("fugging", B_INCR),
    ("greatly", B_INCR),
    ("hella", B_INCR),
    ("highly", B_INCR),
    ("hugely", B_INCR),
    ("incredible", B_INCR),
    ("incredibly", B_INCR),
    ("intensely", B_INCR),
    ("major", B_INCR),
    ("majorly", B_INCR),
    ("more", B_INCR),
    ("most", B_INCR),
    ("particularly", B_INCR),
    ("purely", B_INCR),
    ("quite", B_INCR),
    ("really", B_INCR),
    ("remarkably", B_INCR),
    ("so", B_INCR),
    ("substantially", B_INCR),
    ("thoroughly", B_INCR),
    ("total", B_INCR),
    ("totally", B_INCR),
    ("tremendous", B_INCR),
    ("tremendously", B_INCR),
    ("uber", B_INCR),
    ("unbelievably", B_INCR),
    ("unusually", B_INCR),
    ("utter", B_INCR),
    ("utterly", B_INCR),
    ("very", B_INCR),
    ("almost", B_DECR),
    ("barely", B_DECR),
    ("hardly", B_DECR),
    ("kinda", B_DECR),
    ("kindof", B_DECR),
    ("kind-of", B_DECR),
    ("less", B_DECR),
    ("little", B_DECR),
    ("marginal", B_DECR),
    ("marginally", B_DECR),
    ("occasional", B_DECR),
    ("occasionally", B_DECR),
    ("partly", B_DECR),
    ("scarce", B_DECR),
    ("scarcely", B_DECR),
    ("slight", B_DECR),
    ("slightly", B_DECR),
    ("somewhat", B_DECR),
    ("sorta", B_DECR),
    ("sortof", B_DECR),
    ("sort-of", B_DECR),
];

/// `NEGATE` of the reference: a preceding token in this list flips a valence (as does
/// any token containing `n't`).
pub(crate) const NEGATIONS: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

/// The words the rules compare tokens with (the reference compares lowercase strings;
/// here the comparison is done once, at lookup).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Keyword {
    #[default]
    Other,
    // "no" rules, "but", "kind of", "least", negation-check exceptions
    No,
    Or,
    Nor,
    But,
    Kind,
    Of,
    Least,
    At,
    Very,
    Never,
    So,
    This,
    Without,
    Doubt,
    // words of the special idioms and two-word dampeners
    The,
    Shit,
    Bomb,
    Bad,
    Ass,
    Bus,
    Stop,
    Yeah,
    Right,
    To,
    Die,
    For,
    Kiss,
    Death,
    Beating,
    Heart,
    Just,
    Enough,
    Sort,
}

const KEYWORDS: &[(&str, Keyword)] = &[
    ("no", Keyword::No),
    ("or", Keyword::Or),
    ("nor", Keyword::Nor),
    ("but", Keyword::But),
    ("kind", Keyword::Kind),
    ("of", Keyword::Of),
    ("least", Keyword::Least),
    ("at", Keyword::At),
    ("very", Keyword::Very),
    ("never", Keyword::Never),
    ("so", Keyword::So),
    ("this", Keyword::This),
    ("without", Keyword::Without),
    ("doubt", Keyword::Doubt),
    ("the", Keyword::The),
    ("shit", Keyword::Shit),
    ("bomb", Keyword::Bomb),
    ("bad", Keyword::Bad),
    ("ass", Keyword::Ass),
    ("bus", Keyword::Bus),
    ("stop", Keyword::Stop),
    ("yeah", Keyword::Yeah),
    ("right", Keyword::Right),
    ("to", Keyword::To),
    ("die", Keyword::Die),
    ("for", Keyword::For),
    ("kiss", Keyword::Kiss),
    ("death", Keyword::Death),
    ("beating", Keyword::Beating),
    ("heart", Keyword::Heart),
    ("just", Keyword::Just),
    ("enough", Keyword::Enough),
    ("sort", Keyword::Sort),
];

/// What the rules need to know about one lowercase token, gathered in one lookup
/// (16 bytes, so that the lookup table stays cache-friendly).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct WordInfo {
    valence: f64,
    flags: u8,
    keyword: Keyword,
}

const HAS_VALENCE: u8 = 1;
const NEGATION: u8 = 2;
const BOOSTER_INCR: u8 = 4;
const BOOSTER_DECR: u8 = 8;

impl WordInfo {
    /// Valence in the VADER lexicon.
    #[inline]
    pub fn valence(&self) -> Option<f64> {
        (self.flags & HAS_VALENCE != 0).then_some(self.valence)
    }

    /// Scalar as a booster or dampener (one-word entries of `BOOSTER_DICT`).
    #[inline]
    pub fn booster(&self) -> Option<f64> {
        if self.flags & BOOSTER_INCR != 0 {
            Some(B_INCR)
        } else if self.flags & BOOSTER_DECR != 0 {
            Some(B_DECR)
        } else {
            None
        }
    }

    /// Listed in `NEGATE`.
    #[inline]
    pub fn negation(&self) -> bool {
        self.flags & NEGATION != 0
    }

    /// The token is one of the words some rule compares with.
    #[inline]
    pub fn keyword(&self) -> Keyword {
        self.keyword
    }
}

/// Longest token (bytes) looked up through the packed-key table.
pub(crate) const SHORT_KEY_MAX: usize = 15;

/// Packed key of a lowercase token of at most [`SHORT_KEY_MAX`] bytes: the bytes
/// little-endian, the length in the top byte (so trailing NUL bytes stay distinct).
#[inline]
pub(crate) fn short_key(lowercase: &[u8]) -> u128 {
    let mut key = (lowercase.len() as u128) << 120;
    for (i, &b) in lowercase.iter().take(SHORT_KEY_MAX).enumerate() {
        key |= u128::from(b) << (8 * i);
    }
    key
}

/// An immutable sentiment lexicon: word valences, emoji descriptions and rule word lists.
/// Cheap to share (`Arc`), `Send + Sync`.
#[derive(Clone)]
pub struct Lexicon {
    /// Tokens of at most [`SHORT_KEY_MAX`] bytes, by [`short_key`] (no pointer to chase).
    short: HashMap<u128, WordInfo, FastHash>,
    /// Longer tokens, by lowercase UTF-8 bytes.
    long: HashMap<Box<[u8]>, WordInfo, FastHash>,
    /// Longest key, in bytes: longer tokens need no lookup.
    longest_word: usize,
    emoji: HashMap<char, Box<str>, FastHash>,
    emoji_sequences: usize,
    /// Smallest code point with an emoji description: a cheap pre-filter.
    emoji_min: u32,
    valences: usize,
}

impl Lexicon {
    /// The VADER 3.3.2 lexicon and emoji table, parsed once per process.
    pub fn vader() -> Arc<Lexicon> {
        static VADER: OnceLock<Arc<Lexicon>> = OnceLock::new();
        Arc::clone(VADER.get_or_init(|| Arc::new(Lexicon::parse(VADER_LEXICON, EMOJI_LEXICON))))
    }

    /// The VADER lexicon with `words` appended (a later entry of the same word wins, as
    /// in the reference's file parsing). Words are matched exactly, lowercase.
    pub(crate) fn with_words(words: &[(String, f64)]) -> Lexicon {
        let mut text = String::from(VADER_LEXICON);
        if !text.ends_with('\n') {
            text.push('\n');
        }
        for (word, valence) in words {
            text.push_str(&format!("{}\t{valence}\n", word.trim().to_lowercase()));
        }
        Lexicon::parse(&text, EMOJI_LEXICON)
    }

    /// Number of distinct tokens with a valence.
    pub fn len(&self) -> usize {
        self.valences
    }

    /// Whether the lexicon has no valence entry.
    pub fn is_empty(&self) -> bool {
        self.valences == 0
    }

    /// Valence of a lowercase token, if it is in the lexicon (keys are matched exactly,
    /// as the reference's dict does).
    pub fn valence(&self, token: &str) -> Option<f64> {
        self.info(token.as_bytes()).valence()
    }

    /// Description that replaces the emoji `c`, if any.
    #[inline]
    pub fn emoji_description(&self, c: char) -> Option<&str> {
        if u32::from(c) < self.emoji_min {
            return None;
        }
        self.emoji.get(&c).map(|d| &**d)
    }

    /// Whether some ASCII character has an emoji description (not in the VADER table).
    #[inline]
    pub(crate) fn has_ascii_emoji(&self) -> bool {
        self.emoji_min < 0x80
    }

    /// Number of emoji entries usable by the Vader mode (single code points).
    pub fn emoji_len(&self) -> usize {
        self.emoji.len()
    }

    /// Everything known about a lowercase token (UTF-8 bytes).
    #[inline]
    pub(crate) fn info(&self, lowercase: &[u8]) -> WordInfo {
        if lowercase.len() <= SHORT_KEY_MAX {
            self.info_short(short_key(lowercase))
        } else if lowercase.len() > self.longest_word {
            WordInfo::default()
        } else {
            self.long.get(lowercase).copied().unwrap_or_default()
        }
    }

    /// [`Lexicon::info`] of a token given by its [`short_key`].
    #[inline]
    pub(crate) fn info_short(&self, key: u128) -> WordInfo {
        self.short.get(&key).copied().unwrap_or_default()
    }

    /// Parses the two reference files like `make_lex_dict` / `make_emoji_dict`: one
    /// tab-separated entry per line, first two fields, later duplicates win. Lines that
    /// do not parse are skipped (the reference would raise; the shipped files have none).
    fn parse(lexicon: &str, emoji: &str) -> Lexicon {
        let mut words: HashMap<&[u8], WordInfo> = HashMap::new();
        for line in lexicon.trim_end_matches('\n').split('\n') {
            let mut fields = line.trim().split('\t');
            let (Some(word), Some(measure)) = (fields.next(), fields.next()) else {
                continue;
            };
            if let Ok(valence) = measure.parse::<f64>() {
                let info = words.entry(word.as_bytes()).or_default();
                info.valence = valence;
                info.flags |= HAS_VALENCE;
            }
        }
        let valences = words.len();
        for &(word, scalar) in BOOSTERS {
            let flag = if scalar > 0.0 {
                BOOSTER_INCR
            } else {
                BOOSTER_DECR
            };
            words.entry(word.as_bytes()).or_default().flags |= flag;
        }
        for &word in NEGATIONS {
            words.entry(word.as_bytes()).or_default().flags |= NEGATION;
        }
        for &(word, keyword) in KEYWORDS {
            words.entry(word.as_bytes()).or_default().keyword = keyword;
        }
        let longest_word = words.keys().map(|k| k.len()).max().unwrap_or(0);
        let mut short: HashMap<u128, WordInfo, FastHash> = HashMap::default();
        let mut long: HashMap<Box<[u8]>, WordInfo, FastHash> = HashMap::default();
        for (word, info) in words {
            if word.len() <= SHORT_KEY_MAX {
                short.insert(short_key(word), info);
            } else {
                long.insert(word.into(), info);
            }
        }

        let mut single: HashMap<char, Box<str>, FastHash> = HashMap::default();
        let mut emoji_sequences = 0;
        for line in emoji.trim_end_matches('\n').split('\n') {
            let mut fields = line.trim().split('\t');
            let (Some(key), Some(description)) = (fields.next(), fields.next()) else {
                continue;
            };
            let mut chars = key.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => {
                    single.insert(c, description.into());
                }
                _ => emoji_sequences += 1,
            }
        }
        let emoji_min = single
            .keys()
            .map(|&c| u32::from(c))
            .min()
            .unwrap_or(u32::MAX);
        Lexicon {
            short,
            long,
            longest_word,
            emoji: single,
            emoji_sequences,
            emoji_min,
            valences,
        }
    }
}

impl fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lexicon")
            .field("valences", &self.valences)
            .field("emoji", &self.emoji.len())
            .field("emoji_sequences", &self.emoji_sequences)
            .finish()
    }
}

/// Scalar of a two-word booster/dampener phrase of `BOOSTER_DICT`: "kind of",
/// "sort of", "just enough" (they only act as n-grams in the special-idiom rule).
pub(crate) fn booster_phrase(first: Keyword, second: Keyword) -> Option<f64> {
    use Keyword::*;
    match (first, second) {
        (Kind, Of) | (Sort, Of) | (Just, Enough) => Some(B_DECR),
        _ => None,
    }
}

/// `SPECIAL_CASES` of the reference: idioms of two or three words whose valence replaces
/// the computed one. (Its one-word entry "badass" can never match a word sequence; the
/// word scores through the lexicon.)
pub(crate) fn special_case(words: &[Keyword]) -> Option<f64> {
    use Keyword::*;
    match words {
        [The, Shit] | [The, Bomb] | [To, Die, For] => Some(3.0),
        [Bad, Ass] => Some(1.5),
        [Bus, Stop] => Some(0.0),
        [Yeah, Right] => Some(-2.0),
        [Kiss, Of, Death] => Some(-1.5),
        [Beating, Heart] => Some(3.5),
        _ => None,
    }
}

/// FxHash-style multiplicative hasher: the keys are a fixed, trusted table, so a fast
/// non-keyed hash is safe here and roughly halves lookup time against SipHash.
pub(crate) type FastHash = BuildHasherDefault<MulHasher>;

#[derive(Default, Clone, Copy)]
pub(crate) struct MulHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl MulHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for MulHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    #[inline]
    fn write_u128(&mut self, i: u128) {
        self.add(i as u64);
        self.add((i >> 64) as u64);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vader_tables_parse_like_the_reference() {
        let lex = Lexicon::vader();
        // len(SentimentIntensityAnalyzer().lexicon) and the single-code-point part of
        // .emojis in vaderSentiment 3.3.2.
        assert_eq!(lex.len(), 7506);
        assert_eq!(lex.emoji_len(), 1212);
        assert_eq!(lex.valence("good"), Some(1.9));
        assert_eq!(lex.valence("no"), Some(-1.2));
        assert_eq!(lex.valence(":)"), Some(2.0));
        assert_eq!(lex.valence("Good"), None);
        assert_eq!(
            lex.emoji_description('😁'),
            Some("beaming face with smiling eyes")
        );
        assert!(lex.info(b"never").negation());
        assert_eq!(lex.info(b"never").keyword(), Keyword::Never);
        assert_eq!(lex.info(b"kinda").booster(), Some(B_DECR));
        assert_eq!(lex.info(b"very").booster(), Some(B_INCR));
        assert_eq!(lex.info(b"very").keyword(), Keyword::Very);
        assert_eq!(lex.info(b"kind").booster(), None);
        assert_eq!(lex.info(b"kind").keyword(), Keyword::Kind);
        assert_eq!(lex.info(b"kind").valence(), Some(2.4));
        // A 16+ byte key goes through the long table.
        assert_eq!(lex.valence("compassionateness"), Some(0.9));
        assert_eq!(lex.valence("advantageousness"), Some(1.6));
        assert_eq!(lex.info(b"good\0"), WordInfo::default());
        assert_eq!(
            lex.info(b"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"),
            WordInfo::default()
        );
    }

    #[test]
    fn phrase_tables() {
        use Keyword::*;
        assert_eq!(booster_phrase(Kind, Of), Some(B_DECR));
        assert_eq!(booster_phrase(Just, Enough), Some(B_DECR));
        assert_eq!(booster_phrase(Kind, Other), None);
        assert_eq!(booster_phrase(Other, Other), None);
        assert_eq!(special_case(&[The, Shit]), Some(3.0));
        assert_eq!(special_case(&[Kiss, Of, Death]), Some(-1.5));
        assert_eq!(special_case(&[Kiss, Of]), None);
        assert_eq!(special_case(&[Bus, Stop, Other]), None);
        assert_eq!(special_case(&[Other, Other]), None);
    }
}
