//! Tokenization with the exact string semantics of the reference vaderSentiment 3.3.2
//! (Hutto & Gilbert 2014), which runs on CPython `str` methods:
//!
//! - [`python_split`]: `str.split()` with no argument — runs of Python whitespace
//!   (category `Zs` or bidirectional class `WS`, `B`, `S`: ASCII `\t`–`\r`, U+001C–U+0020,
//!   U+0085, U+00A0, U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000)
//!   separate tokens, empty tokens are dropped;
//! - [`strip_punctuation_if_word`]: `SentiText._strip_punc_if_word` — strip leading and
//!   trailing ASCII punctuation (`string.punctuation`) unless at most two characters
//!   would remain, in which case the token is probably an emoticon (`:)`, `:-D`) and is
//!   kept whole;
//! - [`python_isupper`]: `str.isupper()` — at least one uppercase character and no
//!   lowercase or titlecase character;
//! - [`python_lower_bytes`]: `str.lower()` — full Unicode lowercase mapping, into a
//!   caller's buffer for ASCII tokens.
//!
//! Character properties come from Rust's Unicode tables; CPython 3.11 uses Unicode 14.0.
//! The two differ only on the ~130 code points added or re-classified since (none of them
//! ASCII, none of them in the VADER lexicon), which can change the ALL-CAPS rule for text
//! containing such characters.
//!
//! The word tokenizer of the Cx mode (Unicode word boundaries) belongs to that mode; the
//! Vader mode must keep the reference's whitespace semantics to reproduce its scores.

use std::borrow::Cow;

/// The tokens of Python's `text.split()`: maximal runs of non-whitespace characters.
pub fn python_split(text: &str) -> PythonSplit<'_> {
    PythonSplit { rest: text }
}

/// Iterator of [`python_split`]; scans bytes, decoding only non-ASCII characters.
#[derive(Debug, Clone)]
pub struct PythonSplit<'t> {
    rest: &'t str,
}

impl<'t> Iterator for PythonSplit<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        let text = self.rest;
        let bytes = text.as_bytes();
        let mut start = 0;
        while let Some(len) = whitespace_len(&bytes[start..]) {
            start += len;
        }
        // Step byte by byte: only lead bytes can start a whitespace character, and
        // continuation bytes (0x80..=0xBF) never look like one.
        let mut end = start;
        while end < bytes.len() {
            let b = bytes[end];
            let space = if b < 0x80 {
                is_ascii_whitespace(b)
            } else {
                b >= 0xc2 && whitespace_len(&bytes[end..]).is_some()
            };
            if space {
                break;
            }
            end += 1;
        }
        self.rest = text.get(end..).unwrap_or("");
        text.get(start..end).filter(|token| !token.is_empty())
    }
}

#[inline]
fn is_ascii_whitespace(b: u8) -> bool {
    matches!(b, 0x09..=0x0d | 0x1c..=0x20)
}

/// Byte length of the Python whitespace character `bytes` starts with, if any (UTF-8
/// encodings of the code points listed in the module documentation).
#[inline]
fn whitespace_len(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [b, ..] if is_ascii_whitespace(*b) => Some(1),
        [b, ..] if *b < 0xc2 => None,
        [0xc2, 0x85 | 0xa0, ..] => Some(2),
        [0xe1, 0x9a, 0x80, ..]
        | [0xe2, 0x80, 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf, ..]
        | [0xe2, 0x81, 0x9f, ..]
        | [0xe3, 0x80, 0x80, ..] => Some(3),
        _ => None,
    }
}

/// `SentiText._strip_punc_if_word`: `token.strip(string.punctuation)` when more than two
/// characters remain, else `token` unchanged (keeps emoticons such as `:)` or `:-(`).
pub fn strip_punctuation_if_word(token: &str) -> &str {
    // ASCII punctuation bytes are whole characters, so both cuts are char boundaries.
    let bytes = token.as_bytes();
    let start = bytes
        .iter()
        .position(|&b| !is_ascii_punctuation(b))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&b| !is_ascii_punctuation(b))
        .map_or(start, |last| last + 1);
    let stripped = token.get(start..end).unwrap_or(token);
    // Three characters take at least 3 bytes; two take at most 8.
    let more_than_two = match stripped.len() {
        0..=2 => false,
        9.. => true,
        _ => stripped.chars().nth(2).is_some(),
    };
    if more_than_two {
        stripped
    } else {
        token
    }
}

/// `string.punctuation` as a byte table.
static PUNCTUATION: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_punctuation();
        b += 1;
    }
    table
};

#[inline]
fn is_ascii_punctuation(b: u8) -> bool {
    PUNCTUATION[usize::from(b)]
}

/// Python's `str.isupper()`: true when the string has at least one uppercase character
/// and no lowercase or titlecase character.
pub fn python_isupper(s: &str) -> bool {
    if s.is_ascii() {
        let bytes = s.as_bytes();
        return !bytes.iter().any(u8::is_ascii_lowercase)
            && bytes.iter().any(u8::is_ascii_uppercase);
    }
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() || is_titlecase(c) {
            return false;
        }
        cased |= c.is_uppercase();
    }
    cased
}

/// Python's `str.lower()` as UTF-8 bytes, written into `buf` without allocating when
/// `word` is ASCII and fits.
pub fn python_lower_bytes<'b>(word: &str, buf: &'b mut [u8]) -> Cow<'b, [u8]> {
    if word.is_ascii() {
        if let Some(dest) = buf.get_mut(..word.len()) {
            for (d, s) in dest.iter_mut().zip(word.as_bytes()) {
                *d = s.to_ascii_lowercase();
            }
            return Cow::Borrowed(dest);
        }
        return Cow::Owned(word.to_ascii_lowercase().into_bytes());
    }
    Cow::Owned(word.to_lowercase().into_bytes())
}

/// Unicode general category `Lt` (titlecase letters; Rust's `char` has no such query).
fn is_titlecase(c: char) -> bool {
    matches!(
        c,
        '\u{1c5}'
            | '\u{1c8}'
            | '\u{1cb}'
            | '\u{1f2}'
            | '\u{1f88}'..='\u{1f8f}'
            | '\u{1f98}'..='\u{1f9f}'
            | '\u{1fa8}'..='\u{1faf}'
            | '\u{1fbc}'
            | '\u{1fcc}'
            | '\u{1ffc}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `c` is whitespace for CPython's `str.isspace()` / `str.split()`: Unicode
    /// category `Zs` or bidirectional class `WS`, `B` or `S`. Unlike [`char::is_whitespace`]
    /// this includes the information separators U+001C–U+001F.
    pub fn is_python_whitespace(c: char) -> bool {
        matches!(
            c,
            '\u{9}'..='\u{d}'
                | '\u{1c}'..='\u{20}'
                | '\u{85}'
                | '\u{a0}'
                | '\u{1680}'
                | '\u{2000}'..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
        )
    }

    #[test]
    fn split_matches_python_whitespace() {
        let text = " a\u{1c}b\u{a0}c\u{3000}\u{2028}d\te \n";
        assert_eq!(
            python_split(text).collect::<Vec<_>>(),
            ["a", "b", "c", "d", "e"]
        );
        // U+200B (zero-width space) and U+180E are not whitespace for Python.
        assert_eq!(python_split("a\u{200b}b").count(), 1);
        assert_eq!(python_split("").count(), 0);
        assert_eq!(python_split(" \t ").count(), 0);
        assert_eq!(
            python_split("é😁 \u{85}x").collect::<Vec<_>>(),
            ["é😁", "x"]
        );
    }

    #[test]
    fn byte_whitespace_matches_char_whitespace() {
        let mut buf = [0u8; 4];
        for c in (0..=0x10ffff).filter_map(char::from_u32) {
            let encoded = c.encode_utf8(&mut buf).as_bytes();
            let expected = is_python_whitespace(c).then_some(encoded.len());
            assert_eq!(whitespace_len(encoded), expected, "U+{:04X}", u32::from(c));
        }
        assert_eq!(whitespace_len(&[0xe2, 0x80]), None);
        assert_eq!(whitespace_len(&[]), None);
    }

    #[test]
    fn punctuation_set_is_string_punctuation() {
        let expected = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
        let found: String = (0u8..=255)
            .filter(|&b| is_ascii_punctuation(b))
            .map(char::from)
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn strip_keeps_short_emoticons() {
        assert_eq!(strip_punctuation_if_word(":)"), ":)");
        assert_eq!(strip_punctuation_if_word(":-)"), ":-)");
        assert_eq!(strip_punctuation_if_word("(good)!!"), "good");
        assert_eq!(strip_punctuation_if_word("ok!"), "ok!");
        assert_eq!(strip_punctuation_if_word("'n'"), "'n'");
        assert_eq!(strip_punctuation_if_word("...é!"), "...é!");
        assert_eq!(strip_punctuation_if_word("..été!"), "été");
        assert_eq!(strip_punctuation_if_word("don't."), "don't");
        assert_eq!(strip_punctuation_if_word("!!!"), "!!!");
        assert_eq!(strip_punctuation_if_word("ab"), "ab");
        assert_eq!(strip_punctuation_if_word("(éé)"), "(éé)");
        assert_eq!(strip_punctuation_if_word("(ééé)"), "ééé");
        assert_eq!(strip_punctuation_if_word("(😁😁)"), "(😁😁)");
    }

    #[test]
    fn isupper_matches_python() {
        assert!(python_isupper("GOOD"));
        assert!(python_isupper("GOOD!"));
        assert!(python_isupper("A1"));
        assert!(!python_isupper("Good"));
        assert!(!python_isupper("123"));
        assert!(!python_isupper(":)"));
        assert!(python_isupper("ÉTÉ"));
        assert!(!python_isupper("ÉTé"));
        assert!(!python_isupper("\u{1c5}A"));
        assert!(!python_isupper(""));
    }

    #[test]
    fn lower_into_buffer() {
        let mut buf = [0u8; 8];
        assert!(matches!(
            python_lower_bytes("GooD", &mut buf),
            Cow::Borrowed(b"good")
        ));
        assert_eq!(
            &*python_lower_bytes("LONGER THAN 8", &mut buf),
            b"longer than 8"
        );
        assert_eq!(&*python_lower_bytes("ÉTÉ", &mut buf), "été".as_bytes());
        // The Kelvin sign lowercases to ASCII `k`, as in Python.
        assert_eq!(&*python_lower_bytes("\u{212a}ILL", &mut buf), b"kill");
    }
}
