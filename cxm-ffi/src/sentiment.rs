//! Sentiment of comments: an opaque, immutable model (`cxm_sentiment_model`) that scores
//! UTF-8 texts into `compound`, `pos`, `neu` and `neg`, one text at a time or a whole
//! array at once. Only the VADER-compatible mode exists so far; the mode is an explicit
//! `cxm_sentiment_mode` so that later modes are added without changing any signature.
//!
//! Text is row data in the batch call: a NULL element or invalid UTF-8 is a per-row
//! status (`CXM_ROW_NULL`, `CXM_ROW_INVALID_UTF8`) with NaN scores, and the call still
//! succeeds; every other row is scored. Output arrays stay aligned with the input, which
//! is why the table functions' reject/skip policy (which drops or fails rows) is not used.

use std::ffi::{c_char, CStr};

use cxm_core::sentiment::{Scores, SentimentModel};

use crate::args;
use crate::status::{cxm_status, guard, run, Failure, FfiResult};

/// Which rule set a sentiment model applies. Numbers are part of the ABI; new modes get
/// new numbers.
pub type cxm_sentiment_mode = u32;
/// The reference vaderSentiment 3.3.2 (Hutto & Gilbert 2014), quirks and rounding
/// included (compound to 4 decimals, pos / neu / neg to 3).
pub const CXM_SENTIMENT_MODE_VADER: cxm_sentiment_mode = 0;

/// Per-row outcome of `cxm_sentiment_score_batch` (one byte per row).
pub type cxm_row_status = u8;
/// The row was scored.
pub const CXM_ROW_OK: cxm_row_status = 0;
/// `texts[i]` was NULL: not scored, its scores are NaN. Pass `""` for an empty text.
pub const CXM_ROW_NULL: cxm_row_status = 1;
/// `texts[i]` is not valid UTF-8: not scored, its scores are NaN.
pub const CXM_ROW_INVALID_UTF8: cxm_row_status = 2;

/// A length meaning "the text is NUL-terminated" (`SIZE_MAX`), for the `len` argument of
/// `cxm_sentiment_score` and the elements of the `lengths` array of
/// `cxm_sentiment_score_batch`.
// Written with a cast so that cbindgen emits `~(size_t)0` (it cannot spell `usize::MAX`).
#[allow(clippy::unnecessary_cast)]
pub const CXM_NUL_TERMINATED: usize = !(0 as usize);

/// An immutable sentiment model: a mode and its lexicon. Create it with
/// `cxm_sentiment_model_new`, free it with `cxm_sentiment_model_free`. It may be shared
/// between threads and used by several at once.
pub struct cxm_sentiment_model(SentimentModel);

/// Sentiment scores of one text. An array element type: no `size` field, frozen (later
/// additions will come as new types).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cxm_sentiment_scores {
    /// Normalized overall sentiment, −1 (most negative) to 1 (most positive).
    pub compound: f64,
    /// Share of positive weight, 0–1.
    pub pos: f64,
    /// Share of neutral weight, 0–1.
    pub neu: f64,
    /// Share of negative weight, 0–1 (`pos + neu + neg` is 1 up to rounding; all three
    /// are 0 for an empty or blank text).
    pub neg: f64,
}

/// Creates a sentiment model of `mode` (a `CXM_SENTIMENT_MODE_*` value) in `*out`; free
/// it with `cxm_sentiment_model_free`. `*out` is NULL on failure. The lexicon is parsed
/// once per process, so creating more models is cheap.
///
/// # Safety
///
/// `out` must be a valid `cxm_sentiment_model**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_sentiment_model_new(
    mode: cxm_sentiment_mode,
    out: *mut *mut cxm_sentiment_model,
) -> cxm_status {
    run("cxm_sentiment_model_new", || {
        args::handle_out(out, "out")?;
        args::give(out, cxm_sentiment_model(sentiment_model(mode)?));
        Ok(())
    })
}

/// Frees a sentiment model; NULL is a no-op.
///
/// # Safety
///
/// `m` must be NULL or a live model from `cxm_sentiment_model_new`, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cxm_sentiment_model_free(m: *mut cxm_sentiment_model) {
    guard((), || args::free(m))
}

/// Scores one text of `len` bytes (`CXM_NUL_TERMINATED`: up to its NUL) into `*out`.
/// Gives exactly what `cxm_sentiment_score_batch` gives for the same text.
///
/// A NULL `text` is `CXM_NULL_POINTER` (pass `""` for an empty text); text that is not
/// UTF-8 is `CXM_INVALID_UTF8`. `*out` is written only on success.
///
/// # Safety
///
/// `m` must be a live model; `text` must point to `len` readable bytes (or be
/// NUL-terminated when `len` is `CXM_NUL_TERMINATED`); `out` must point to a
/// `cxm_sentiment_scores`.
#[no_mangle]
pub unsafe extern "C" fn cxm_sentiment_score(
    m: *const cxm_sentiment_model,
    text: *const c_char,
    len: usize,
    out: *mut cxm_sentiment_scores,
) -> cxm_status {
    run("cxm_sentiment_score", || {
        let model = &args::handle(m, "m")?.0;
        if text.is_null() {
            return Err(Failure::null("text"));
        }
        if out.is_null() {
            return Err(Failure::null("out"));
        }
        let out = out_array(out, 1, "out")?;
        let text = match row_text(text, len, "text")? {
            Ok(s) => s,
            Err(_) => {
                return Err(Failure::Utf8(
                    "argument `text` is not valid UTF-8".to_string(),
                ))
            }
        };
        out.write(scores(&model.score(text)));
        Ok(())
    })
}

/// Scores `n` texts: `out[i]` gets the scores of `texts[i]`, computed in parallel; the
/// results do not depend on the number of threads.
///
/// `lengths` gives each text's length in bytes (an element `CXM_NUL_TERMINATED` means that
/// text is NUL-terminated); NULL means every text is NUL-terminated. A NULL `texts[i]` or
/// one that is not UTF-8 does not fail the call: its row status is `CXM_ROW_NULL` or
/// `CXM_ROW_INVALID_UTF8` and `out[i]` is all NaN. `row_status` (may be NULL) receives one
/// `CXM_ROW_*` byte per text.
///
/// `texts` and `out` may be NULL only when `n` is 0; with `n` = 0 nothing is read or
/// written. The call fails (writing nothing) only on bad arguments: NULL `m`, NULL or
/// misaligned arrays.
///
/// # Safety
///
/// `m` must be a live model; `texts` must point to `n` pointers, each NULL or a text as
/// described; `lengths` NULL or `n` lengths; `out` must point to `n` writable
/// `cxm_sentiment_scores`; `row_status` NULL or `n` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn cxm_sentiment_score_batch(
    m: *const cxm_sentiment_model,
    texts: *const *const c_char,
    lengths: *const usize,
    n: usize,
    out: *mut cxm_sentiment_scores,
    row_status: *mut cxm_row_status,
) -> cxm_status {
    run("cxm_sentiment_score_batch", || {
        let model = &args::handle(m, "m")?.0;
        let texts = args::slice(texts, n, "texts")?;
        let lengths = args::opt_slice(lengths, n, "lengths")?;
        let out = out_array(out, n, "out")?;
        let row_status = if row_status.is_null() {
            None
        } else {
            Some(out_array(row_status, n, "row_status")?)
        };

        let mut statuses = vec![CXM_ROW_OK; n];
        let mut valid = Vec::with_capacity(n);
        for (i, &p) in texts.iter().enumerate() {
            if p.is_null() {
                statuses[i] = CXM_ROW_NULL;
                continue;
            }
            let len = lengths.map_or(CXM_NUL_TERMINATED, |l| l[i]);
            match row_text(p, len, &format!("lengths[{i}]"))? {
                Ok(s) => valid.push(s),
                Err(()) => statuses[i] = CXM_ROW_INVALID_UTF8,
            }
        }

        // Nothing has been written yet: every argument error came first.
        let mut scored = model.score_batch(&valid).into_iter();
        let nan = cxm_sentiment_scores {
            compound: f64::NAN,
            pos: f64::NAN,
            neu: f64::NAN,
            neg: f64::NAN,
        };
        for (i, &status) in statuses.iter().enumerate() {
            let value = if status == CXM_ROW_OK {
                scored.next().as_ref().map_or(nan, scores)
            } else {
                nan
            };
            out.add(i).write(value);
            if let Some(rs) = row_status {
                rs.add(i).write(status);
            }
        }
        Ok(())
    })
}

/// The model of a `CXM_SENTIMENT_MODE_*` value.
fn sentiment_model(mode: cxm_sentiment_mode) -> FfiResult<SentimentModel> {
    match mode {
        CXM_SENTIMENT_MODE_VADER => Ok(SentimentModel::vader()),
        other => Err(Failure::argument(
            "mode",
            format!("{other} is not a CXM_SENTIMENT_MODE_* value (0)"),
        )),
    }
}

fn scores(s: &Scores) -> cxm_sentiment_scores {
    cxm_sentiment_scores {
        compound: s.compound,
        pos: s.pos,
        neu: s.neu,
        neg: s.neg,
    }
}

/// Checks a caller's output array of `n` elements (possibly uninitialized: it is only
/// written through the pointer, never read). NULL is accepted only when `n` is 0.
fn out_array<T>(ptr: *mut T, n: usize, what: &str) -> FfiResult<*mut T> {
    if n == 0 {
        return Ok(ptr);
    }
    if ptr.is_null() {
        return Err(Failure::Null(format!(
            "argument `{what}` is NULL but its length is {n}"
        )));
    }
    if !ptr.is_aligned() {
        return Err(Failure::argument(
            what,
            format!(
                "pointer {ptr:p} is not aligned to {} bytes",
                align_of::<T>()
            ),
        ));
    }
    if n.checked_mul(size_of::<T>())
        .is_none_or(|b| b > isize::MAX as usize)
    {
        return Err(Failure::argument(what, format!("length {n} is too large")));
    }
    Ok(ptr)
}

/// Reads a non-NULL text of `len` bytes (`CXM_NUL_TERMINATED`: up to its NUL). The outer
/// error is an argument error (a length too large to be real); the inner one means "not
/// UTF-8".
unsafe fn row_text<'a>(p: *const c_char, len: usize, what: &str) -> FfiResult<Result<&'a str, ()>> {
    let bytes = if len == CXM_NUL_TERMINATED {
        CStr::from_ptr(p).to_bytes()
    } else {
        if len > isize::MAX as usize {
            return Err(Failure::argument(
                what,
                format!("length {len} is too large"),
            ));
        }
        std::slice::from_raw_parts(p.cast::<u8>(), len)
    };
    Ok(std::str::from_utf8(bytes).map_err(|_| ()))
}
