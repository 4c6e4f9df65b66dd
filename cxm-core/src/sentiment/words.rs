//! The Cx mode's tokenizer: Unicode word boundaries (UAX #29, `unicode-segmentation`)
//! inside whitespace-separated chunks, with emoticons, @mentions and URLs recognised
//! first. Every token keeps its byte span in the text.
//!
//! ASCII chunks take a fast path that produces the same tokens as `unicode-segmentation`
//! does on them (asserted by a property test); other chunks go through
//! `split_word_bound_indices`.

use unicode_segmentation::UnicodeSegmentation;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Letters, digits, apostrophes inside words ("don't", "e-mail" is three tokens).
    Word,
    /// A number written with digits ("2", "3.5", "1,000"), possibly glued to a unit
    /// ("45min"): the unit starts at byte `unit` of the token (0 when none).
    Number { unit: u8 },
    /// An emoticon of the lexicon (":)", ":-(", "<3"), kept whole.
    Emoticon,
    /// A code point with an emoji description, or a pictograph sequence.
    Emoji,
    /// One punctuation or symbol character.
    Punct(char),
    /// A @handle or a URL: not words, no sentiment.
    Skip,
}

/// One token: its kind and byte span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// For ASCII words of at most 15 bytes: the lowercase word packed like
    /// `lexicon::short_key`; 0 otherwise.
    pub key: u128,
    /// For ASCII words: [`SHAPE_KNOWN`], [`SHAPE_WORD`], [`SHAPE_CAPS`]; 0 otherwise.
    pub shape: u8,
}

/// [`Tok::shape`] was computed by the tokenizer.
pub(crate) const SHAPE_KNOWN: u8 = 1;
/// At least two letters.
pub(crate) const SHAPE_WORD: u8 = 2;
/// At least two letters, some uppercase, none lowercase.
pub(crate) const SHAPE_CAPS: u8 = 4;

/// Splits `text` into tokens, appending them to `out`. `is_emoticon` tells whether a
/// whitespace-free string (lowercased by the caller when needed) is an emoticon.
/// Returns whether the text has a line break.
pub(crate) fn tokenize(text: &str, is_emoticon: &dyn Fn(&str) -> bool, out: &mut Vec<Tok>) -> bool {
    if text.is_ascii() {
        return tokenize_ascii(text, is_emoticon, out);
    }
    for (start, chunk) in chunks(text) {
        split_chunk(chunk, start, is_emoticon, out);
    }
    text.contains('\n')
}

// Byte classes of the ASCII fast path.
const WS: u8 = 1;
const ALPHA: u8 = 2;
const DIGIT: u8 = 4;
const UNDERSCORE: u8 = 8;
const UPPER: u8 = 16;
const LOWER: u8 = 32;
const ALNUM: u8 = ALPHA | DIGIT;
const WORD: u8 = ALNUM | UNDERSCORE;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_uppercase() {
            ALPHA | UPPER
        } else if b.is_ascii_lowercase() {
            ALPHA | LOWER
        } else if b.is_ascii_digit() {
            DIGIT
        } else if b == b'_' {
            UNDERSCORE
        } else if matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
            WS
        } else {
            0
        };
        c += 1;
    }
    t
};

/// [`tokenize`] of an ASCII text in one pass per chunk: the same tokens as the generic
/// path (asserted by a property test), with [`Tok::key`] and [`Tok::shape`] filled.
fn tokenize_ascii(text: &str, is_emoticon: &dyn Fn(&str) -> bool, out: &mut Vec<Tok>) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    let mut newline = false;
    while i < b.len() {
        if CLASS[usize::from(b[i])] & WS != 0 {
            newline |= b[i] == b'\n';
            i += 1;
            continue;
        }
        // Tokens are pushed as the chunk is scanned. A chunk is `plain` when it is
        // letters and digits (apostrophes inside words allowed, no underscore, no other
        // joins: "don't" but not "o.o"), then at most a run of sentence
        // punctuation ("great", "day.", "why?!"): no @handle, URL or emoticon of the
        // lexicon has that shape (asserted by a test on the lexicon). Any other chunk is
        // scanned again by the general path.
        let start = i;
        let mark = out.len();
        let mut plain = CLASS[usize::from(b[i])] & ALNUM != 0;
        let mut in_tail = false;
        while i < b.len() {
            let c = b[i];
            let k = CLASS[usize::from(c)];
            if k & WS != 0 {
                break;
            }
            if k & WORD != 0 {
                let (next, irregular) = scan_segment(b, i, 0, out);
                plain &= !in_tail && !irregular;
                i = next;
                continue;
            }
            if matches!(c, b'.' | b',' | b'!' | b'?') {
                in_tail = true;
            } else {
                plain = false;
            }
            out.push(Tok {
                kind: Kind::Punct(char::from(c)),
                start: i,
                end: i + 1,
                key: 0,
                shape: 0,
            });
            i += 1;
        }
        // A chunk that is neither a handle, a URL nor an emoticon is split exactly as
        // scanned (`split_chunk` would call `scan_ascii` on it).
        let chunk = &text[start..i];
        if !plain && (is_handle_or_url(chunk) || emoticon_prefix(chunk, is_emoticon).is_some()) {
            out.truncate(mark);
            split_chunk(chunk, start, is_emoticon, out);
        }
    }
    newline
}

/// UAX #29 word boundaries of an ASCII chunk without whitespace — letters, digits and
/// `_` join (WB8–WB10, WB13a/b); a letter run continues across `'`, `.` or `:` followed
/// by a letter (WB6/WB7); a digit run across `'`, `.`, `,` or `;` followed by a digit
/// (WB11/WB12); every other character is a segment of its own — each segment pushed as
/// a token with its key and shape. Property tests compare it with `unicode-segmentation`.
fn scan_ascii(chunk: &str, base: usize, out: &mut Vec<Tok>) {
    let b = chunk.as_bytes();
    let mut i = 0;
    while i < b.len() {
        i = scan_segment(b, i, base, out).0;
    }
}

/// UAX #29 on ASCII: a letter run continues across `'`, `.` or `:` between letters
/// (WB6/WB7), a digit run across `'`, `.`, `,` or `;` between digits (WB11/WB12).
#[inline]
fn joins(prev: u8, mid: u8, next: u8) -> bool {
    prev.is_ascii_alphabetic() && next.is_ascii_alphabetic() && matches!(mid, b'\'' | b'.' | b':')
        || prev.is_ascii_digit()
            && next.is_ascii_digit()
            && matches!(mid, b'\'' | b'.' | b',' | b';')
}

/// Pushes the segment of `b` that starts at `i` (not whitespace) as a token (offsets
/// `base + …`); returns where the next segment starts and whether the segment is
/// irregular: joined across a `.`, `:`, `,` or `;` (not an apostrophe), or holding an
/// underscore.
/// Whitespace ends a word run by itself, so `b` may be a whole text.
#[inline]
fn scan_segment(b: &[u8], mut i: usize, base: usize, out: &mut Vec<Tok>) -> (usize, bool) {
    if CLASS[usize::from(b[i])] & WORD == 0 {
        out.push(Tok {
            kind: Kind::Punct(char::from(b[i])),
            start: base + i,
            end: base + i + 1,
            key: 0,
            shape: 0,
        });
        return (i + 1, false);
    }
    let s = i;
    let mut joined = false;
    let mut key = [0u8; 16];
    let (mut letters, mut classes) = (0usize, 0u8);
    loop {
        while i < b.len() {
            let c = b[i];
            let k = CLASS[usize::from(c)];
            if k & WORD == 0 {
                break;
            }
            // Branch-free: the key wraps past 15 bytes, but is only kept for words of at
            // most 15 bytes; UPPER << 1 is the ASCII case bit.
            key[(i - s) & 15] = c | ((k & UPPER) << 1);
            letters += usize::from(k & ALPHA != 0);
            classes |= k;
            i += 1;
        }
        if i + 1 < b.len() && joins(b[i - 1], b[i], b[i + 1]) {
            key[(i - s) & 15] = b[i];
            joined |= b[i] != b'\'';
            i += 1;
            continue;
        }
        break;
    }
    if classes & ALNUM == 0 {
        // Underscores only: punctuation, one token per character.
        for j in s..i {
            out.push(Tok {
                kind: Kind::Punct('_'),
                start: base + j,
                end: base + j + 1,
                key: 0,
                shape: 0,
            });
        }
        return (i, true);
    }
    let len = i - s;
    let kind = if b[s].is_ascii_digit() {
        let first_alpha = b[s..i]
            .iter()
            .position(u8::is_ascii_alphabetic)
            .unwrap_or(0);
        Kind::Number {
            unit: u8::try_from(first_alpha).unwrap_or(0),
        }
    } else {
        Kind::Word
    };
    let key = if len <= 15 {
        key[15] = len as u8;
        u128::from_le_bytes(key)
    } else {
        0
    };
    let mut shape = SHAPE_KNOWN;
    if letters >= 2 {
        shape |= SHAPE_WORD;
        if classes & UPPER != 0 && classes & LOWER == 0 {
            shape |= SHAPE_CAPS;
        }
    }
    out.push(Tok {
        kind,
        start: base + s,
        end: base + i,
        key,
        shape,
    });
    (i, joined || classes & UNDERSCORE != 0)
}

/// Whitespace-separated chunks with their byte offsets.
fn chunks(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(char::is_whitespace)
        .scan(0usize, |offset, piece| {
            let start = *offset;
            // Advance past the piece and the one whitespace character after it.
            let rest = &text[start + piece.len()..];
            let ws = rest.chars().next().map_or(0, char::len_utf8);
            *offset = start + piece.len() + ws;
            Some((start, piece))
        })
        .filter(|(_, piece)| !piece.is_empty())
}

/// A @handle or a URL (not words).
fn is_handle_or_url(chunk: &str) -> bool {
    chunk.starts_with('@') && chunk.len() > 1
        || chunk.starts_with("http://")
        || chunk.starts_with("https://")
        || chunk.starts_with("www.")
}

/// The emoticon a chunk is, or starts with before trailing sentence punctuation.
fn emoticon_prefix<'c>(chunk: &'c str, is_emoticon: &dyn Fn(&str) -> bool) -> Option<&'c str> {
    if chunk.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    let trimmed = chunk.trim_end_matches(['.', ',', '!', '?']);
    [chunk, trimmed].into_iter().find(|candidate| {
        candidate.len() >= 2
            && !candidate.bytes().all(|b| b.is_ascii_alphabetic())
            && is_emoticon(candidate)
    })
}

fn split_chunk(chunk: &str, base: usize, is_emoticon: &dyn Fn(&str) -> bool, out: &mut Vec<Tok>) {
    // URLs and @handles are not words.
    if is_handle_or_url(chunk) {
        out.push(Tok {
            kind: Kind::Skip,
            start: base,
            end: base + chunk.len(),
            key: 0,
            shape: 0,
        });
        return;
    }
    // Emoticons: the whole chunk, or the chunk without trailing sentence punctuation.
    if let Some(candidate) = emoticon_prefix(chunk, is_emoticon) {
        out.push(Tok {
            kind: Kind::Emoticon,
            start: base,
            end: base + candidate.len(),
            key: 0,
            shape: 0,
        });
        if candidate.len() < chunk.len() {
            split_chunk(
                &chunk[candidate.len()..],
                base + candidate.len(),
                is_emoticon,
                out,
            );
        }
        return;
    }
    if chunk.is_ascii() {
        scan_ascii(chunk, base, out);
    } else {
        for (s, seg) in chunk.split_word_bound_indices() {
            push_segment(chunk, base, s, s + seg.len(), out);
        }
    }
}

/// Classifies one word-boundary segment of a chunk.
fn push_segment(chunk: &str, base: usize, s: usize, e: usize, out: &mut Vec<Tok>) {
    let seg = &chunk[s..e];
    let Some(first) = seg.chars().next() else {
        return;
    };
    let kind = if first.is_ascii_digit() || first.is_numeric() && seg.chars().all(char::is_numeric)
    {
        let unit = seg
            .char_indices()
            .find(|&(_, c)| c.is_alphabetic())
            .map_or(0, |(i, _)| i);
        Kind::Number {
            unit: u8::try_from(unit).unwrap_or(0),
        }
    } else if seg.chars().any(char::is_alphanumeric) {
        Kind::Word
    } else if is_pictographic(first) {
        Kind::Emoji
    } else if first.is_whitespace() {
        return;
    } else {
        // Punctuation runs are split into characters ("!!!" counts three).
        for (i, c) in seg.char_indices() {
            out.push(Tok {
                kind: if is_pictographic(c) {
                    Kind::Emoji
                } else {
                    Kind::Punct(c)
                },
                start: base + s + i,
                end: base + s + i + c.len_utf8(),
                key: 0,
                shape: 0,
            });
        }
        return;
    };
    out.push(Tok {
        kind,
        start: base + s,
        end: base + e,
        key: 0,
        shape: 0,
    });
}

/// Emoji and pictographs: the blocks of Extended_Pictographic and the emoji modifiers.
pub(crate) fn is_pictographic(c: char) -> bool {
    matches!(u32::from(c),
        0x00A9 | 0x00AE | 0x203C | 0x2049 | 0x2122 | 0x2139 | 0x2194..=0x2199 | 0x21A9..=0x21AA
        | 0x231A..=0x231B | 0x2328 | 0x23CF | 0x23E9..=0x23F3 | 0x23F8..=0x23FA | 0x24C2
        | 0x25AA..=0x25AB | 0x25B6 | 0x25C0 | 0x25FB..=0x25FE | 0x2600..=0x27BF
        | 0x2934..=0x2935 | 0x2B05..=0x2B07 | 0x2B1B..=0x2B1C | 0x2B50 | 0x2B55 | 0x3030
        | 0x303D | 0x3297 | 0x3299 | 0x1F000..=0x1FAFF)
}

/// UAX #29 word boundaries restricted to ASCII without whitespace: letters, digits and
/// `_` join (WB8–WB10, WB13a/b); a letter run continues across `'`, `.` or `:` followed by
/// a letter (WB6/WB7); a digit run across `'`, `.`, `,` or `;` followed by a digit
/// (WB11/WB12); every other character is a segment of its own.
#[cfg(test)]
fn ascii_segments(chunk: &str, mut emit: impl FnMut(usize, usize)) {
    let b = chunk.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        if !word(b[i]) {
            emit(i, i + 1);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        loop {
            if i < b.len() && word(b[i]) {
                i += 1;
                continue;
            }
            if i + 1 < b.len() && joins(b[i - 1], b[i], b[i + 1]) {
                i += 2;
                continue;
            }
            break;
        }
        emit(start, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn toks(text: &str) -> Vec<(Kind, &str)> {
        let mut out = Vec::new();
        tokenize(
            text,
            &|s| matches!(s, ":)" | ":-(" | "<3" | ":d" | ":D"),
            &mut out,
        );
        out.iter()
            .map(|t| (t.kind, &text[t.start..t.end]))
            .collect()
    }

    #[test]
    fn words_punctuation_emoticons_and_handles() {
        let got = toks("@united Don't  cancel my 2pm flight!! :) 45min e.g. 3.5 <3. 😡");
        let want = vec![
            (Kind::Skip, "@united"),
            (Kind::Word, "Don't"),
            (Kind::Word, "cancel"),
            (Kind::Word, "my"),
            (Kind::Number { unit: 1 }, "2pm"),
            (Kind::Word, "flight"),
            (Kind::Punct('!'), "!"),
            (Kind::Punct('!'), "!"),
            (Kind::Emoticon, ":)"),
            (Kind::Number { unit: 2 }, "45min"),
            (Kind::Word, "e.g"),
            (Kind::Punct('.'), "."),
            (Kind::Number { unit: 0 }, "3.5"),
            (Kind::Emoticon, "<3"),
            (Kind::Punct('.'), "."),
            (Kind::Emoji, "😡"),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn spans_index_the_original_text() {
        let text = "Café\u{a0}was  “great”—really";
        let mut out = Vec::new();
        tokenize(text, &|_| false, &mut out);
        let words: Vec<&str> = out
            .iter()
            .filter(|t| t.kind == Kind::Word)
            .map(|t| &text[t.start..t.end])
            .collect();
        assert_eq!(words, ["Café", "was", "great", "really"]);
    }

    proptest! {
        #[test]
        fn ascii_fast_path_matches_unicode_segmentation(s in "[a-zA-Z0-9_'.,:;!?()$%&*+/<=>@#-]{0,24}") {
            let mut fast = Vec::new();
            ascii_segments(&s, |a, b| fast.push(&s[a..b]));
            let reference: Vec<&str> = s.split_word_bounds().collect();
            prop_assert_eq!(fast, reference);
        }

        #[test]
        fn ascii_scan_matches_generic_classification(s in "[a-zA-Z0-9_'.,:;!?()$%&*+/<=>@#-]{1,24}") {
            let mut fast = Vec::new();
            scan_ascii(&s, 0, &mut fast);
            let mut slow = Vec::new();
            ascii_segments(&s, |a, b| push_segment(&s, 0, a, b, &mut slow));
            let strip = |v: &[Tok]| v.iter().map(|t| (t.kind, t.start, t.end)).collect::<Vec<_>>();
            prop_assert_eq!(strip(&fast), strip(&slow));
            for t in fast.iter().filter(|t| t.key != 0) {
                let word = s[t.start..t.end].to_ascii_lowercase();
                prop_assert_eq!(t.key, crate::sentiment::lexicon::short_key(word.as_bytes()));
            }
        }

        #[test]
        fn ascii_chunking_matches_char_whitespace(s in "[a-zA-Z0-9_@:;()<>/#,?'\\- \t\n\x0b\x0c\r\x1c-\x1f.!]{0,40}") {
            let emoticon = |t: &str| {
                matches!(t, ":)" | ":(" | ";)" | "<3" | ":/" | "o.o" | "o_o" | "O_o" | "x-d" | "d:" | "8)")
            };
            let mut fast = Vec::new();
            tokenize(&s, &emoticon, &mut fast);
            let mut slow = Vec::new();
            for (start, chunk) in chunks(&s) {
                split_chunk(chunk, start, &emoticon, &mut slow);
            }
            prop_assert_eq!(fast, slow);
        }

        #[test]
        fn any_string_tokenizes_within_bounds(s in "\\PC{0,40}") {
            let mut out = Vec::new();
            tokenize(&s, &|_| false, &mut out);
            for t in out {
                prop_assert!(t.start < t.end && t.end <= s.len());
                prop_assert!(s.is_char_boundary(t.start) && s.is_char_boundary(t.end));
            }
        }
    }
}
