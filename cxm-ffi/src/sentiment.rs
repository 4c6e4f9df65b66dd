//! Sentiment of comments: an opaque, immutable model (`cxm_sentiment_model`) that scores
//! UTF-8 texts into `compound`, `pos`, `neu` and `neg`, one text at a time or a whole
//! array at once, and explains a text's score as JSON. Two modes exist: the
//! customer-feedback rules (`CXM_SENTIMENT_MODE_CX`, the default of the Rust and Python
//! APIs) and the VADER-compatible ones (`CXM_SENTIMENT_MODE_VADER`). The C API has no
//! default: the mode is an explicit `cxm_sentiment_mode`, so that later modes are added
//! without changing any signature. A model can be extended with custom lexicon entries
//! and saved to and restored from JSON.
//!
//! Text is row data in the batch call: a NULL element or invalid UTF-8 is a per-row
//! status (`CXM_ROW_NULL`, `CXM_ROW_INVALID_UTF8`) with NaN scores, and the call still
//! succeeds; every other row is scored. Output arrays stay aligned with the input, which
//! is why the table functions' reject/skip policy (which drops or fails rows) is not used.
//! Everywhere else (a single text, lexicon entries, JSON) a string is an argument: NULL is
//! `CXM_NULL_POINTER`, invalid UTF-8 is `CXM_INVALID_UTF8`.
//!
//! Calibration (`cxm_calibration`) maps `compound` to the survey score customers gave
//! (NPS, CSAT or CES) and to the probability of a negative answer: fitted from pairs of
//! compound and answer, applied to arrays, saved to and restored from JSON.

use std::ffi::{c_char, CStr};

use cxm_core::sentiment::{Calibration, Scores, SentimentModel};

use crate::args;
use crate::segment::{cxm_metric, metric_scale};
use crate::status::{cxm_status, guard, run, Failure, FfiResult};

/// Which rule set a sentiment model applies. Numbers are part of the ABI; new modes get
/// new numbers.
pub type cxm_sentiment_mode = u32;
/// The reference vaderSentiment 3.3.2 (Hutto & Gilbert 2014), quirks and rounding
/// included (compound to 4 decimals, pos / neu / neg to 3).
pub const CXM_SENTIMENT_MODE_VADER: cxm_sentiment_mode = 0;
/// Customer-feedback rules (the default mode of the Rust and Python APIs): VADER's
/// lexicon and intensity rules re-done for customer comments — a CX lexicon of words and
/// phrases (waits, delays, refunds, rudeness, "above and beyond"…), inflections, negation
/// scoped to its clause, contrast by position, durations in a waiting context ("on hold
/// for 40 minutes"), ironic thanks. Not tied to a reference implementation: its rules
/// may be refined in later versions (`docs/sentiment.md`).
pub const CXM_SENTIMENT_MODE_CX: cxm_sentiment_mode = 1;

/// Per-row outcome of `cxm_sentiment_score_batch` (one byte per row).
pub type cxm_row_status = u8;
/// The row was scored.
pub const CXM_ROW_OK: cxm_row_status = 0;
/// `texts[i]` was NULL: not scored, its scores are NaN. Pass `""` for an empty text.
pub const CXM_ROW_NULL: cxm_row_status = 1;
/// `texts[i]` is not valid UTF-8: not scored, its scores are NaN.
pub const CXM_ROW_INVALID_UTF8: cxm_row_status = 2;

/// A length meaning "the text is NUL-terminated" (`SIZE_MAX`), for the `len` argument of
/// `cxm_sentiment_score`, `cxm_sentiment_explain_json`, `cxm_sentiment_model_from_json`
/// and `cxm_calibration_from_json`, and the elements of the `lengths` arrays of
/// `cxm_sentiment_score_batch` and `cxm_sentiment_model_with_entries`.
// Written with a cast so that cbindgen emits `~(size_t)0` (it cannot spell `usize::MAX`).
#[allow(clippy::unnecessary_cast)]
pub const CXM_NUL_TERMINATED: usize = !(0 as usize);

/// An immutable sentiment model: a mode, its lexicon and any custom entries. Create it
/// with `cxm_sentiment_model_new`, `cxm_sentiment_model_with_entries` or
/// `cxm_sentiment_model_from_json`, free it with `cxm_sentiment_model_free`. It may be
/// shared between threads and used by several at once.
pub struct cxm_sentiment_model(SentimentModel);

/// A fitted mapping from `compound` to the expected survey score and to the probability
/// of a negative answer (opaque, immutable). Create it with `cxm_calibration_fit` or
/// `cxm_calibration_from_json`, free it with `cxm_calibration_free`. It may be shared
/// between threads.
pub struct cxm_calibration(Calibration);

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
/// `m` must be NULL or a live model from this library, not used afterwards.
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
        let out = args::out_array(out, 1, "out")?;
        let text = arg_text(text, len, "text", "text")?;
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
        let out = args::out_array(out, n, "out")?;
        let row_status = if row_status.is_null() {
            None
        } else {
            Some(args::out_array(row_status, n, "row_status")?)
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

/// Creates in `*out` a new model: `m` with `n` custom lexicon entries added (or
/// overriding its own); later entries win over earlier ones and over `m`'s. `m` is
/// unchanged. Free the new model with `cxm_sentiment_model_free`; `*out` is NULL on
/// failure.
///
/// Entry `i` is the UTF-8 text `entries[i]` of `lengths[i]` bytes (`CXM_NUL_TERMINATED`:
/// up to its NUL; `lengths` NULL: every entry is NUL-terminated) with the valence
/// `valences[i]`, in −4..4 (VADER's scale: 1 mildly, 2 clearly, 3 strongly positive). An
/// entry is a word or, in the Cx mode, a phrase (words matched by stem; `*` inside it any
/// one word; `NEG` any negation).
///
/// Entries are arguments, not row data: a NULL `entries[i]` is `CXM_NULL_POINTER`, one
/// that is not UTF-8 is `CXM_INVALID_UTF8`, and an empty entry, a valence that is not a
/// finite number in −4..4, or a phrase in the Vader mode is `CXM_INVALID_ARGUMENT`; each
/// message names `entries[i]`. `entries` and `valences` may be NULL only when `n` is 0
/// (`n` = 0 gives a copy of `m`).
///
/// # Safety
///
/// `m` must be a live model; `entries` must point to `n` pointers, each NULL or a text as
/// described; `lengths` NULL or `n` lengths; `valences` `n` doubles; `out` a valid
/// `cxm_sentiment_model**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_sentiment_model_with_entries(
    m: *const cxm_sentiment_model,
    entries: *const *const c_char,
    lengths: *const usize,
    valences: *const f64,
    n: usize,
    out: *mut *mut cxm_sentiment_model,
) -> cxm_status {
    run("cxm_sentiment_model_with_entries", || {
        args::handle_out(out, "out")?;
        let model = &args::handle(m, "m")?.0;
        let texts = args::slice(entries, n, "entries")?;
        let lengths = args::opt_slice(lengths, n, "lengths")?;
        let valences = args::slice(valences, n, "valences")?;
        let mut pairs = Vec::with_capacity(n);
        for (i, (&p, &valence)) in texts.iter().zip(valences).enumerate() {
            let what = format!("entries[{i}]");
            if p.is_null() {
                return Err(Failure::null(&what));
            }
            let len = lengths.map_or(CXM_NUL_TERMINATED, |l| l[i]);
            pairs.push((arg_text(p, len, &what, &format!("lengths[{i}]"))?, valence));
        }
        args::give(out, cxm_sentiment_model(model.with_entries(&pairs)?));
        Ok(())
    })
}

/// Explains the score of one text of `len` bytes (`CXM_NUL_TERMINATED`: up to its NUL)
/// as JSON in `*out`; free the string with `cxm_string_free`. `*out` is NULL on failure.
///
/// The JSON is an object: `mode` (`"cx"` or `"vader"`); `scores` (`compound`, `pos`,
/// `neu`, `neg`: exactly what `cxm_sentiment_score` gives); `contributions`, every token
/// with a valence or a rule in text order (`token`, `text`, byte span `start`–`end`,
/// character span `char_start`–`char_end`, `base` and final `valence`, and the `rules`
/// that fired, each an object with a `rule` name); `clauses`, each with its byte and
/// character spans, `sum` and `compound`. The Vader mode has scores only (empty
/// `contributions` and `clauses`). Rules: `docs/sentiment.md`.
///
/// A NULL `text` is `CXM_NULL_POINTER`; text that is not UTF-8 is `CXM_INVALID_UTF8`.
///
/// # Safety
///
/// `m` must be a live model; `text` must point to `len` readable bytes (or be
/// NUL-terminated when `len` is `CXM_NUL_TERMINATED`); `out` a valid `char**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_sentiment_explain_json(
    m: *const cxm_sentiment_model,
    text: *const c_char,
    len: usize,
    out: *mut *mut c_char,
) -> cxm_status {
    run("cxm_sentiment_explain_json", || {
        args::handle_out(out, "out")?;
        let model = &args::handle(m, "m")?.0;
        if text.is_null() {
            return Err(Failure::null("text"));
        }
        let text = arg_text(text, len, "text", "text")?;
        args::give_string(out, model.explain(text).to_json(), "out")
    })
}

/// Serializes the model to JSON (with its format version) in `*out`: its mode and custom
/// entries, `{"format_version":1,"mode":"cx","entries":[["queue jump",2.0]]}` (the
/// shipped lexicons are not stored). Free the string with `cxm_string_free`. `*out` is
/// NULL on failure.
///
/// # Safety
///
/// `m` must be a live model; `out` a valid `char**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_sentiment_model_to_json(
    m: *const cxm_sentiment_model,
    out: *mut *mut c_char,
) -> cxm_status {
    run("cxm_sentiment_model_to_json", || {
        args::handle_out(out, "out")?;
        let model = &args::handle(m, "m")?.0;
        args::give_string(out, model.to_json(), "out")
    })
}

/// Restores a model written by `cxm_sentiment_model_to_json` from `json` of `len` bytes
/// (`CXM_NUL_TERMINATED`: up to its NUL) into a new model in `*out`; free it with
/// `cxm_sentiment_model_free`. `*out` is NULL on failure. Malformed JSON, an unknown mode
/// or an invalid entry is `CXM_SERIALIZATION`; another format version is
/// `CXM_FORMAT_VERSION`; text that is not UTF-8 is `CXM_INVALID_UTF8`.
///
/// # Safety
///
/// `json` must point to `len` readable bytes (or be NUL-terminated when `len` is
/// `CXM_NUL_TERMINATED`); `out` a valid `cxm_sentiment_model**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_sentiment_model_from_json(
    json: *const c_char,
    len: usize,
    out: *mut *mut cxm_sentiment_model,
) -> cxm_status {
    run("cxm_sentiment_model_from_json", || {
        args::handle_out(out, "out")?;
        if json.is_null() {
            return Err(Failure::null("json"));
        }
        let json = arg_text(json, len, "json", "json")?;
        args::give(out, cxm_sentiment_model(SentimentModel::from_json(json)?));
        Ok(())
    })
}

/// Fits a calibration from `n` pairs into `*out`: `compound[i]`, a model's compound of a
/// customer's comment, and `scores[i]`, the answer the same customer gave to the survey
/// question `metric` (a `CXM_METRIC_*` value; CSAT on 1–`csat_points`, 2–11, 0 = 5;
/// `csat_points` is ignored for NPS and CES). Free it with `cxm_calibration_free`; `*out`
/// is NULL on failure.
///
/// The mapping is monotone (isotonic regression): the expected answer never decreases and
/// the probability of a negative answer — a detractor (0–6) for NPS, the bottom two boxes
/// for CSAT, 1–3 for CES — never increases as `compound` grows. Predictions interpolate
/// linearly between the fitted points and are constant beyond the first and last.
///
/// No pairs is `CXM_EMPTY_INPUT`; a compound that is not finite is `CXM_NON_FINITE`, an
/// answer that is not an integer on the scale `CXM_INVALID_SCORE`, and
/// `cxm_last_error_row()` names the pair; an unknown metric or bad `csat_points` is
/// `CXM_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `compound` and `scores` must point to `n` readable doubles; `out` a valid
/// `cxm_calibration**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_calibration_fit(
    compound: *const f64,
    scores: *const f64,
    n: usize,
    metric: cxm_metric,
    csat_points: u32,
    out: *mut *mut cxm_calibration,
) -> cxm_status {
    run("cxm_calibration_fit", || {
        args::handle_out(out, "out")?;
        let compound = args::slice(compound, n, "compound")?;
        let scores = args::slice(scores, n, "scores")?;
        let (_, scale) = metric_scale(metric, csat_points, "metric", "csat_points")?;
        args::give(
            out,
            cxm_calibration(Calibration::fit(compound, scores, scale)?),
        );
        Ok(())
    })
}

/// Frees a calibration; NULL is a no-op.
///
/// # Safety
///
/// `c` must be NULL or a live calibration from this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cxm_calibration_free(c: *mut cxm_calibration) {
    guard((), || args::free(c))
}

/// Applies a calibration to `n` compounds: `expected[i]` gets the expected survey answer
/// of a customer whose comment scores `compound[i]`, `p_negative[i]` the probability that
/// the answer is negative. Either output may be NULL (not wanted); an output may be the
/// `compound` array itself. A NaN compound gives NaN; an infinite one the value at that
/// end.
///
/// `compound` and the outputs may be NULL only when `n` is 0; with `n` = 0 nothing is
/// read or written. The call fails (writing nothing) only on bad arguments: NULL `c`,
/// NULL or misaligned arrays.
///
/// # Safety
///
/// `c` must be a live calibration; `compound` must point to `n` readable doubles;
/// `expected` and `p_negative` NULL or `n` writable doubles each.
#[no_mangle]
pub unsafe extern "C" fn cxm_calibration_predict(
    c: *const cxm_calibration,
    compound: *const f64,
    n: usize,
    expected: *mut f64,
    p_negative: *mut f64,
) -> cxm_status {
    run("cxm_calibration_predict", || {
        let cal = &args::handle(c, "c")?.0;
        let compound = args::slice(compound, n, "compound")?;
        let expected = if expected.is_null() {
            None
        } else {
            Some(args::out_array(expected, n, "expected")?)
        };
        let p_negative = if p_negative.is_null() {
            None
        } else {
            Some(args::out_array(p_negative, n, "p_negative")?)
        };
        // Everything is read before anything is written: an output may alias `compound`.
        let values: Vec<(f64, f64)> = compound
            .iter()
            .map(|&x| (cal.expected_score(x), cal.p_negative(x)))
            .collect();
        for (i, (e, p)) in values.into_iter().enumerate() {
            if let Some(out) = expected {
                out.add(i).write(e);
            }
            if let Some(out) = p_negative {
                out.add(i).write(p);
            }
        }
        Ok(())
    })
}

/// Serializes the calibration to JSON (with its format version, scale and number of
/// pairs) in `*out`; free the string with `cxm_string_free`. `*out` is NULL on failure.
///
/// # Safety
///
/// `c` must be a live calibration; `out` a valid `char**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_calibration_to_json(
    c: *const cxm_calibration,
    out: *mut *mut c_char,
) -> cxm_status {
    run("cxm_calibration_to_json", || {
        args::handle_out(out, "out")?;
        let cal = &args::handle(c, "c")?.0;
        args::give_string(out, cal.to_json(), "out")
    })
}

/// Restores a calibration written by `cxm_calibration_to_json` from `json` of `len` bytes
/// (`CXM_NUL_TERMINATED`: up to its NUL) into a new handle in `*out`; free it with
/// `cxm_calibration_free`. `*out` is NULL on failure. Malformed JSON or an inconsistent
/// mapping is `CXM_SERIALIZATION`; another format version is `CXM_FORMAT_VERSION`; text
/// that is not UTF-8 is `CXM_INVALID_UTF8`.
///
/// # Safety
///
/// `json` must point to `len` readable bytes (or be NUL-terminated when `len` is
/// `CXM_NUL_TERMINATED`); `out` a valid `cxm_calibration**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_calibration_from_json(
    json: *const c_char,
    len: usize,
    out: *mut *mut cxm_calibration,
) -> cxm_status {
    run("cxm_calibration_from_json", || {
        args::handle_out(out, "out")?;
        if json.is_null() {
            return Err(Failure::null("json"));
        }
        let json = arg_text(json, len, "json", "json")?;
        args::give(out, cxm_calibration(Calibration::from_json(json)?));
        Ok(())
    })
}

/// The model of a `CXM_SENTIMENT_MODE_*` value.
fn sentiment_model(mode: cxm_sentiment_mode) -> FfiResult<SentimentModel> {
    match mode {
        CXM_SENTIMENT_MODE_VADER => Ok(SentimentModel::vader()),
        CXM_SENTIMENT_MODE_CX => Ok(SentimentModel::cx()),
        other => Err(Failure::argument(
            "mode",
            format!("{other} is not a CXM_SENTIMENT_MODE_* value (0 or 1)"),
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

/// Reads a non-NULL argument text of `len` bytes (`CXM_NUL_TERMINATED`: up to its NUL):
/// not UTF-8 is `CXM_INVALID_UTF8` naming `what`, a length too large to be real an
/// argument error naming `len_what`.
unsafe fn arg_text<'a>(
    p: *const c_char,
    len: usize,
    what: &str,
    len_what: &str,
) -> FfiResult<&'a str> {
    row_text(p, len, len_what)?
        .map_err(|()| Failure::Utf8(format!("argument `{what}` is not valid UTF-8")))
}
