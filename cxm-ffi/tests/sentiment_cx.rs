//! The Cx mode, custom lexicon entries, explanations, model JSON and calibration through
//! the C entry points: every number equals `cxm-core`'s for the same input (the Cx rules
//! are the core's to test; here the conversion is), bad arguments are statuses with
//! messages naming them, and `*out` is NULL on every failure.

mod common;

use std::ffi::c_char;
use std::ptr::{null, null_mut};

use common::*;
use cxm::*;
use cxm_core::metrics::Scale;
use cxm_core::sentiment::{Calibration, SentimentModel};

const COMMENTS: [&str; 6] = [
    "I waited 2 hours on hold.",
    "Couldn't be happier!",
    "The agent sorted it out in five minutes, thanks.",
    "Delivery was late again and nobody called back.",
    "Great app but it crashes every time I pay.",
    "No complaints, the refund arrived quickly.",
];

/// A model handle freed on drop.
struct Model(*mut cxm_sentiment_model);

impl Model {
    fn new(mode: cxm_sentiment_mode) -> Self {
        let mut m = null_mut();
        ok(unsafe { cxm_sentiment_model_new(mode, &mut m) });
        assert!(!m.is_null());
        Model(m)
    }

    fn cx() -> Self {
        Model::new(CXM_SENTIMENT_MODE_CX)
    }

    fn score(&self, text: &str) -> cxm_sentiment_scores {
        let mut out = cxm_sentiment_scores {
            compound: f64::NAN,
            pos: f64::NAN,
            neu: f64::NAN,
            neg: f64::NAN,
        };
        ok(unsafe { cxm_sentiment_score(self.0, text.as_ptr().cast(), text.len(), &mut out) });
        out
    }

    fn with_entries(&self, entries: &[(&str, f64)]) -> Model {
        let c = cstrings(&entries.iter().map(|e| e.0).collect::<Vec<_>>());
        let valences: Vec<f64> = entries.iter().map(|e| e.1).collect();
        let mut out = null_mut();
        ok(unsafe {
            cxm_sentiment_model_with_entries(
                self.0,
                c.as_ptr(),
                null(),
                valences.as_ptr(),
                c.len(),
                &mut out,
            )
        });
        assert!(!out.is_null());
        Model(out)
    }

    fn to_json(&self) -> String {
        let mut out = null_mut();
        ok(unsafe { cxm_sentiment_model_to_json(self.0, &mut out) });
        take_string(out)
    }

    fn explain(&self, text: &str) -> String {
        let mut out = null_mut();
        ok(unsafe {
            cxm_sentiment_explain_json(self.0, text.as_ptr().cast(), text.len(), &mut out)
        });
        take_string(out)
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        unsafe { cxm_sentiment_model_free(self.0) }
    }
}

/// A calibration handle freed on drop.
struct Cal(*mut cxm_calibration);

impl Drop for Cal {
    fn drop(&mut self) {
        unsafe { cxm_calibration_free(self.0) }
    }
}

impl Cal {
    fn fit(compound: &[f64], scores: &[f64], metric: cxm_metric, points: u32) -> Cal {
        assert_eq!(compound.len(), scores.len());
        let mut out = null_mut();
        ok(unsafe {
            cxm_calibration_fit(
                compound.as_ptr(),
                scores.as_ptr(),
                compound.len(),
                metric,
                points,
                &mut out,
            )
        });
        assert!(!out.is_null());
        Cal(out)
    }

    fn predict(&self, compound: &[f64]) -> (Vec<f64>, Vec<f64>) {
        let n = compound.len();
        let (mut e, mut p) = (vec![42.0; n], vec![42.0; n]);
        ok(unsafe {
            cxm_calibration_predict(self.0, compound.as_ptr(), n, e.as_mut_ptr(), p.as_mut_ptr())
        });
        (e, p)
    }

    fn to_json(&self) -> String {
        let mut out = null_mut();
        ok(unsafe { cxm_calibration_to_json(self.0, &mut out) });
        take_string(out)
    }
}

fn bits(s: &cxm_sentiment_scores) -> [u64; 4] {
    [s.compound, s.pos, s.neu, s.neg].map(f64::to_bits)
}

fn core_bits(s: cxm_core::sentiment::Scores) -> [u64; 4] {
    [s.compound, s.pos, s.neu, s.neg].map(f64::to_bits)
}

/// A non-NULL pointer that a failing call must overwrite with NULL.
fn dangling<T>() -> *mut T {
    std::ptr::NonNull::dangling().as_ptr()
}

// ---------------------------------------------------------------------------------------
// The Cx mode
// ---------------------------------------------------------------------------------------

#[test]
fn cx_mode_scores_like_the_core() {
    assert_eq!((CXM_SENTIMENT_MODE_VADER, CXM_SENTIMENT_MODE_CX), (0, 1));
    let m = Model::cx();
    let core = SentimentModel::cx();
    let c = cstrings(&COMMENTS);
    let n = COMMENTS.len();
    let mut out = vec![
        cxm_sentiment_scores {
            compound: 42.0,
            pos: 42.0,
            neu: 42.0,
            neg: 42.0
        };
        n
    ];
    let mut rs = vec![0xAA; n];
    ok(unsafe {
        cxm_sentiment_score_batch(
            m.0,
            c.as_ptr(),
            null(),
            n,
            out.as_mut_ptr(),
            rs.as_mut_ptr(),
        )
    });
    assert!(rs.iter().all(|&s| s == CXM_ROW_OK));
    for (i, text) in COMMENTS.iter().enumerate() {
        assert_eq!(bits(&out[i]), core_bits(core.score(text)), "{text:?}");
        assert_eq!(
            bits(&m.score(text)),
            bits(&out[i]),
            "{text:?}: single ≡ batch"
        );
    }
    // The customer-feedback reading: a two-hour wait is negative, "couldn't be happier"
    // positive (the Vader mode reads the first as neutral and the second as negative).
    assert!(out[0].compound < -0.05 && out[1].compound > 0.05);
    let vader = Model::new(CXM_SENTIMENT_MODE_VADER);
    assert_eq!(vader.score(COMMENTS[0]).compound, 0.0);
    assert!(vader.score(COMMENTS[1]).compound < 0.0);
}

#[test]
fn unknown_mode_names_both_values() {
    let mut m: *mut cxm_sentiment_model = dangling();
    let st = unsafe { cxm_sentiment_model_new(2, &mut m) };
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &[
            "cxm_sentiment_model_new",
            "2 is not a CXM_SENTIMENT_MODE_* value (0 or 1)",
        ],
    );
    assert!(m.is_null());
}

// ---------------------------------------------------------------------------------------
// Custom entries
// ---------------------------------------------------------------------------------------

#[test]
fn custom_entries_add_words_and_phrases() {
    let base = Model::cx();
    let custom = base.with_entries(&[("queue jump", 2.0), ("meh", -1.0)]);
    let core = SentimentModel::cx()
        .with_entries(&[("queue jump", 2.0), ("meh", -1.0)])
        .unwrap();
    for text in ["they let me queue jump", "meh", COMMENTS[0]] {
        assert_eq!(
            bits(&custom.score(text)),
            core_bits(core.score(text)),
            "{text:?}"
        );
    }
    assert!(custom.score("they let me queue jump").compound > 0.3);
    // The base model is unchanged.
    assert!(base.score("they let me queue jump").compound <= 0.0);
    assert_eq!(
        bits(&base.score("meh")),
        core_bits(SentimentModel::cx().score("meh"))
    );

    // Entries of a model with entries add to them; later entries win.
    let again = custom.with_entries(&[("meh", 1.5)]);
    assert!(again.score("meh").compound > 0.0);
    assert!(again.score("they let me queue jump").compound > 0.3);
    assert_eq!(
        again.to_json(),
        r#"{"format_version":1,"mode":"cx","entries":[["queue jump",2.0],["meh",-1.0],["meh",1.5]]}"#
    );

    // n = 0 is a copy (entries and valences may be NULL).
    let mut copy = null_mut();
    ok(unsafe { cxm_sentiment_model_with_entries(custom.0, null(), null(), null(), 0, &mut copy) });
    let copy = Model(copy);
    assert_eq!(copy.to_json(), custom.to_json());
    assert_eq!(
        bits(&copy.score("they let me queue jump")),
        bits(&custom.score("they let me queue jump"))
    );

    // The Vader mode takes words.
    let vader = Model::new(CXM_SENTIMENT_MODE_VADER).with_entries(&[("meh", -2.0)]);
    assert!(vader.score("meh").compound < 0.0);
}

#[test]
fn custom_entries_with_lengths() {
    // Entries cut from one buffer, without NULs; one NUL-terminated.
    let buf = b"queue jumpmehXXXX";
    let zeroed = c"lovely";
    let entries: [*const c_char; 3] = [
        buf.as_ptr().cast(),
        buf[10..].as_ptr().cast(),
        zeroed.as_ptr(),
    ];
    let lengths = [10, 3, CXM_NUL_TERMINATED];
    let valences = [2.0, -1.0, -3.0];
    let base = Model::cx();
    let mut out = null_mut();
    ok(unsafe {
        cxm_sentiment_model_with_entries(
            base.0,
            entries.as_ptr(),
            lengths.as_ptr(),
            valences.as_ptr(),
            3,
            &mut out,
        )
    });
    let m = Model(out);
    assert_eq!(
        m.to_json(),
        r#"{"format_version":1,"mode":"cx","entries":[["queue jump",2.0],["meh",-1.0],["lovely",-3.0]]}"#
    );
    assert!(m.score("lovely").compound < 0.0);
}

#[test]
fn custom_entry_errors() {
    let base = Model::cx();
    let call = |entries: &[*const c_char],
                lengths: Option<&[usize]>,
                valences: &[f64],
                m: *const cxm_sentiment_model|
     -> cxm_status {
        let mut out: *mut cxm_sentiment_model = dangling();
        let st = unsafe {
            cxm_sentiment_model_with_entries(
                m,
                entries.as_ptr(),
                lengths.map_or(null(), <[usize]>::as_ptr),
                valences.as_ptr(),
                entries.len(),
                &mut out,
            )
        };
        assert!(out.is_null(), "*out is NULL on failure");
        st
    };
    let good = c"meh".as_ptr();

    // A NULL entry, invalid UTF-8: argument errors naming the element.
    let st = call(&[good, null()], None, &[1.0, 1.0], base.0);
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &[
            "cxm_sentiment_model_with_entries",
            "argument `entries[1]` is NULL",
        ],
    );
    let latin1 = b"caf\xe9\0";
    let st = call(&[good, latin1.as_ptr().cast()], None, &[1.0, 1.0], base.0);
    expect(
        st,
        cxm_status::CXM_INVALID_UTF8,
        &["argument `entries[1]` is not valid UTF-8"],
    );
    // Invalid UTF-8 within the given length; the same bytes cut before it are fine.
    let st = call(&[latin1.as_ptr().cast()], Some(&[4]), &[1.0], base.0);
    expect(st, cxm_status::CXM_INVALID_UTF8, &["`entries[0]`"]);
    let mut out = null_mut();
    ok(unsafe {
        cxm_sentiment_model_with_entries(
            base.0,
            [latin1.as_ptr().cast::<c_char>()].as_ptr(),
            [3usize].as_ptr(),
            [1.0].as_ptr(),
            1,
            &mut out,
        )
    });
    unsafe { cxm_sentiment_model_free(out) };
    let st = call(&[good], Some(&[usize::MAX - 1]), &[1.0], base.0);
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["lengths[0]", "too large"],
    );

    // Bad valences and empty entries: the core's message.
    let st = call(&[good, good], None, &[1.0, 5.0], base.0);
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &[
            "cxm_sentiment_model_with_entries: invalid argument `entries[1]`: \"meh\": valence 5 \
             is not a finite number in -4..4",
        ],
    );
    for bad in [f64::NAN, f64::INFINITY, -4.5] {
        let st = call(&[good], None, &[bad], base.0);
        expect(
            st,
            cxm_status::CXM_INVALID_ARGUMENT,
            &["`entries[0]`", "is not a finite number in -4..4"],
        );
    }
    let st = call(&[c"  ".as_ptr()], None, &[1.0], base.0);
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["`entries[0]`", "the entry is empty"],
    );
    let vader = Model::new(CXM_SENTIMENT_MODE_VADER);
    let st = call(&[c"queue jump".as_ptr()], None, &[2.0], vader.0);
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["`entries[0]`", "the Vader mode takes single words only"],
    );

    // NULL model, arrays and out.
    let st = call(&[good], None, &[1.0], null());
    expect(st, cxm_status::CXM_NULL_POINTER, &["argument `m` is NULL"]);
    let mut out: *mut cxm_sentiment_model = dangling();
    let st = unsafe {
        cxm_sentiment_model_with_entries(base.0, null(), null(), [1.0].as_ptr(), 1, &mut out)
    };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["`entries` is NULL but its length is 1"],
    );
    assert!(out.is_null());
    let st = unsafe {
        cxm_sentiment_model_with_entries(base.0, [good].as_ptr(), null(), null(), 1, &mut out)
    };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["`valences` is NULL but its length is 1"],
    );
    let st = unsafe {
        cxm_sentiment_model_with_entries(
            base.0,
            [good].as_ptr(),
            null(),
            [1.0].as_ptr(),
            1,
            null_mut(),
        )
    };
    expect(st, cxm_status::CXM_NULL_POINTER, &["`out`"]);
}

// ---------------------------------------------------------------------------------------
// Explanations
// ---------------------------------------------------------------------------------------

#[test]
fn explain_json_is_the_cores() {
    let m = Model::cx();
    let core = SentimentModel::cx();
    for text in COMMENTS {
        let json = m.explain(text);
        assert_eq!(json, core.explain(text).to_json(), "{text:?}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["mode"], "cx");
        let scores = m.score(text);
        assert_eq!(v["scores"]["compound"].as_f64(), Some(scores.compound));
        assert_eq!(v["scores"]["neg"].as_f64(), Some(scores.neg));
        assert!(!v["clauses"].as_array().unwrap().is_empty(), "{json}");
    }
    // The wait: contributions name the rules that fired, with spans into the text.
    let json = m.explain(COMMENTS[0]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let contributions = v["contributions"].as_array().unwrap();
    assert!(!contributions.is_empty(), "{json}");
    for c in contributions {
        let (start, end) = (c["start"].as_u64().unwrap(), c["end"].as_u64().unwrap());
        assert_eq!(
            &COMMENTS[0][start as usize..end as usize],
            c["text"].as_str().unwrap()
        );
        assert!(c["rules"].as_array().is_some_and(|r| !r.is_empty()));
    }

    // NUL-terminated text; a length cuts the text.
    let mut out = null_mut();
    ok(unsafe {
        cxm_sentiment_explain_json(
            m.0,
            c"Couldn't be happier!".as_ptr(),
            CXM_NUL_TERMINATED,
            &mut out,
        )
    });
    assert_eq!(take_string(out), m.explain("Couldn't be happier!"));
    ok(unsafe { cxm_sentiment_explain_json(m.0, c"rude staff".as_ptr(), 4, &mut out) });
    assert_eq!(take_string(out), m.explain("rude"));

    // The Vader mode has the scores only.
    let vader = Model::new(CXM_SENTIMENT_MODE_VADER);
    assert_eq!(
        vader.explain("NO GOOD"),
        r#"{"mode":"vader","scores":{"compound":-0.3412,"pos":0.0,"neu":0.294,"neg":0.706},"contributions":[],"clauses":[]}"#
    );
}

#[test]
fn explain_errors() {
    let m = Model::cx();
    let mut out: *mut c_char = dangling();
    let st = unsafe { cxm_sentiment_explain_json(m.0, null(), 0, &mut out) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["cxm_sentiment_explain_json", "argument `text` is NULL"],
    );
    assert!(out.is_null(), "*out is NULL on failure");
    out = dangling();
    let bad = b"caf\xe9 au lait";
    let st = unsafe { cxm_sentiment_explain_json(m.0, bad.as_ptr().cast(), bad.len(), &mut out) };
    expect(
        st,
        cxm_status::CXM_INVALID_UTF8,
        &["argument `text` is not valid UTF-8"],
    );
    assert!(out.is_null());
    out = dangling();
    let st = unsafe { cxm_sentiment_explain_json(null(), c"ok".as_ptr(), 2, &mut out) };
    expect(st, cxm_status::CXM_NULL_POINTER, &["argument `m` is NULL"]);
    assert!(out.is_null());
    let st = unsafe { cxm_sentiment_explain_json(m.0, c"ok".as_ptr(), 2, null_mut()) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["argument `out` is NULL"],
    );
    let st = unsafe { cxm_sentiment_explain_json(m.0, c"ok".as_ptr(), usize::MAX - 1, &mut out) };
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["`text`", "too large"],
    );
    // The empty text is a text.
    ok(unsafe { cxm_sentiment_explain_json(m.0, c"".as_ptr(), 0, &mut out) });
    let v: serde_json::Value = serde_json::from_str(&take_string(out)).unwrap();
    assert_eq!(v["scores"]["compound"], 0.0);
}

// ---------------------------------------------------------------------------------------
// Model JSON
// ---------------------------------------------------------------------------------------

fn model_from_json(json: &[u8], len: usize) -> (cxm_status, *mut cxm_sentiment_model) {
    let mut out: *mut cxm_sentiment_model = dangling();
    let st = unsafe { cxm_sentiment_model_from_json(json.as_ptr().cast(), len, &mut out) };
    (st, out)
}

#[test]
fn model_json_round_trip() {
    for mode in [CXM_SENTIMENT_MODE_CX, CXM_SENTIMENT_MODE_VADER] {
        let m = Model::new(mode).with_entries(&[("meh", -1.0), ("lit", 2.5)]);
        let json = m.to_json();
        // With a length (no NUL needed) and NUL-terminated.
        let (st, back) = model_from_json(json.as_bytes(), json.len());
        ok(st);
        let back = Model(back);
        let nul = format!("{json}\0");
        let (st, back2) = model_from_json(nul.as_bytes(), CXM_NUL_TERMINATED);
        ok(st);
        let back2 = Model(back2);
        assert_eq!(back.to_json(), json);
        assert_eq!(back2.to_json(), json);
        for text in COMMENTS.iter().chain(&["meh, it was lit"]) {
            assert_eq!(bits(&back.score(text)), bits(&m.score(text)), "{text:?}");
            assert_eq!(bits(&back2.score(text)), bits(&m.score(text)), "{text:?}");
        }
    }
    assert_eq!(
        Model::cx().to_json(),
        r#"{"format_version":1,"mode":"cx","entries":[]}"#
    );
    assert_eq!(
        Model::new(CXM_SENTIMENT_MODE_VADER).to_json(),
        r#"{"format_version":1,"mode":"vader","entries":[]}"#
    );
}

#[test]
fn model_json_errors() {
    let cases: [(&[u8], cxm_status, &str); 6] = [
        (
            b"{not json",
            cxm_status::CXM_SERIALIZATION,
            "serialization error",
        ),
        (
            br#"{"format_version":2,"mode":"cx","entries":[]}"#,
            cxm_status::CXM_FORMAT_VERSION,
            "format version 2 is not supported",
        ),
        (
            br#"{"format_version":1,"mode":"loud","entries":[]}"#,
            cxm_status::CXM_SERIALIZATION,
            "loud",
        ),
        (
            br#"{"format_version":1,"mode":"cx","entries":[["meh",9.0]]}"#,
            cxm_status::CXM_SERIALIZATION,
            "valence 9 is not a finite number",
        ),
        (b"", cxm_status::CXM_SERIALIZATION, "serialization error"),
        (
            b"{\"format_version\":1,\"mode\":\"cx\",\"entries\":[[\"caf\xe9\",1.0]]}",
            cxm_status::CXM_INVALID_UTF8,
            "argument `json` is not valid UTF-8",
        ),
    ];
    for (json, want, fragment) in cases {
        let (st, out) = model_from_json(json, json.len());
        expect(st, want, &["cxm_sentiment_model_from_json", fragment]);
        assert!(out.is_null(), "*out is NULL on failure");
    }
    let mut out: *mut cxm_sentiment_model = dangling();
    let st = unsafe { cxm_sentiment_model_from_json(null(), 0, &mut out) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["argument `json` is NULL"],
    );
    assert!(out.is_null());
    let st = unsafe { cxm_sentiment_model_from_json(c"{}".as_ptr(), 2, null_mut()) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["argument `out` is NULL"],
    );

    let mut s: *mut c_char = dangling();
    let st = unsafe { cxm_sentiment_model_to_json(null(), &mut s) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["cxm_sentiment_model_to_json", "argument `m` is NULL"],
    );
    assert!(s.is_null());
    let m = Model::cx();
    let st = unsafe { cxm_sentiment_model_to_json(m.0, null_mut()) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["argument `out` is NULL"],
    );
}

// ---------------------------------------------------------------------------------------
// Calibration
// ---------------------------------------------------------------------------------------

const COMPOUND: [f64; 7] = [-0.8, -0.5, -0.1, 0.0, 0.3, 0.6, 0.9];
const NPS: [f64; 7] = [1.0, 3.0, 6.0, 7.0, 8.0, 9.0, 10.0];

#[test]
fn calibration_predicts_like_the_core() {
    let grid: Vec<f64> = (-12..=12).map(|k| f64::from(k) / 10.0).collect();
    let cases: [(cxm_metric, u32, Scale, [f64; 7]); 4] = [
        (CXM_METRIC_NPS, 0, Scale::Nps, NPS),
        (
            CXM_METRIC_CSAT,
            0,
            Scale::CSAT5,
            [1.0, 2.0, 2.0, 3.0, 4.0, 5.0, 5.0],
        ),
        (
            CXM_METRIC_CSAT,
            7,
            Scale::Csat { points: 7 },
            [1.0, 2.0, 4.0, 3.0, 6.0, 7.0, 7.0],
        ),
        (
            CXM_METRIC_CES,
            0,
            Scale::Ces,
            [2.0, 1.0, 4.0, 5.0, 5.0, 6.0, 7.0],
        ),
    ];
    for (metric, points, scale, scores) in cases {
        let cal = Cal::fit(&COMPOUND, &scores, metric, points);
        let core = Calibration::fit(&COMPOUND, &scores, scale).unwrap();
        assert_eq!(cal.to_json(), core.to_json());
        let (e, p) = cal.predict(&grid);
        for (i, &x) in grid.iter().enumerate() {
            assert_eq!(
                e[i].to_bits(),
                core.expected_score(x).to_bits(),
                "{scale} {x}"
            );
            assert_eq!(p[i].to_bits(), core.p_negative(x).to_bits(), "{scale} {x}");
        }
        assert!(e.windows(2).all(|w| w[0] <= w[1]), "{scale}: {e:?}");
        assert!(p.windows(2).all(|w| w[0] >= w[1]), "{scale}: {p:?}");
        assert!(p.iter().all(|v| (0.0..=1.0).contains(v)));
    }
    // CSAT points are read for CSAT only.
    let a = Cal::fit(&COMPOUND, &NPS, CXM_METRIC_NPS, 0);
    let b = Cal::fit(&COMPOUND, &NPS, CXM_METRIC_NPS, 99);
    assert_eq!(a.to_json(), b.to_json());
}

#[test]
fn calibration_predict_outputs() {
    let cal = Cal::fit(&COMPOUND, &NPS, CXM_METRIC_NPS, 0);
    let x = [-1.0, f64::NAN, 0.15, f64::INFINITY, f64::NEG_INFINITY];
    let (e, p) = cal.predict(&x);
    assert!(e[1].is_nan() && p[1].is_nan(), "NaN in, NaN out");
    assert_eq!((e[0], p[0]), (1.0, 1.0), "constant below the first point");
    assert_eq!((e[3], p[3]), (10.0, 0.0), "constant above the last point");
    assert_eq!((e[4], p[4]), (e[0], p[0]));
    assert!((e[2] - 7.5).abs() < 1e-12, "interpolated: {}", e[2]);

    // Either output may be NULL.
    let mut only_e = vec![0.0; x.len()];
    ok(unsafe {
        cxm_calibration_predict(cal.0, x.as_ptr(), x.len(), only_e.as_mut_ptr(), null_mut())
    });
    let mut only_p = vec![0.0; x.len()];
    ok(unsafe {
        cxm_calibration_predict(cal.0, x.as_ptr(), x.len(), null_mut(), only_p.as_mut_ptr())
    });
    assert_eq!(only_e.map_bits(), e.map_bits());
    assert_eq!(only_p.map_bits(), p.map_bits());
    ok(unsafe { cxm_calibration_predict(cal.0, x.as_ptr(), x.len(), null_mut(), null_mut()) });

    // In place: an output may be the input.
    let mut inplace = x.to_vec();
    let mut p2 = vec![0.0; x.len()];
    ok(unsafe {
        cxm_calibration_predict(
            cal.0,
            inplace.as_ptr(),
            x.len(),
            inplace.as_mut_ptr(),
            p2.as_mut_ptr(),
        )
    });
    assert_eq!(inplace.map_bits(), e.map_bits());
    assert_eq!(p2.map_bits(), p.map_bits());

    // n = 0 reads and writes nothing; every array may be NULL.
    ok(unsafe { cxm_calibration_predict(cal.0, null(), 0, null_mut(), null_mut()) });
    let mut untouched = [42.0];
    ok(unsafe {
        cxm_calibration_predict(cal.0, x.as_ptr(), 0, untouched.as_mut_ptr(), null_mut())
    });
    assert_eq!(untouched, [42.0]);
}

trait MapBits {
    fn map_bits(&self) -> Vec<u64>;
}

impl MapBits for Vec<f64> {
    fn map_bits(&self) -> Vec<u64> {
        self.iter().map(|v| v.to_bits()).collect()
    }
}

#[test]
fn calibration_predict_errors_write_nothing() {
    let cal = Cal::fit(&COMPOUND, &NPS, CXM_METRIC_NPS, 0);
    let x = [0.1, 0.2];
    let (mut e, mut p) = ([42.0; 2], [42.0; 2]);
    let st =
        unsafe { cxm_calibration_predict(null(), x.as_ptr(), 2, e.as_mut_ptr(), p.as_mut_ptr()) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["cxm_calibration_predict", "argument `c` is NULL"],
    );
    let st = unsafe { cxm_calibration_predict(cal.0, null(), 2, e.as_mut_ptr(), p.as_mut_ptr()) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["`compound` is NULL but its length is 2"],
    );
    let mut buf = [0u64; 4];
    let mis = unsafe { buf.as_mut_ptr().cast::<u8>().add(1) }.cast::<f64>();
    let st = unsafe { cxm_calibration_predict(cal.0, x.as_ptr(), 2, e.as_mut_ptr(), mis) };
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["`p_negative`", "not aligned"],
    );
    assert_eq!(buf, [0; 4]);
    assert_eq!((e, p), ([42.0; 2], [42.0; 2]), "nothing written on failure");
}

#[test]
fn calibration_fit_errors() {
    let fit = |compound: &[f64], scores: &[f64], metric: cxm_metric, points: u32| {
        let mut out: *mut cxm_calibration = dangling();
        let st = unsafe {
            cxm_calibration_fit(
                compound.as_ptr(),
                scores.as_ptr(),
                compound.len(),
                metric,
                points,
                &mut out,
            )
        };
        assert!(out.is_null(), "*out is NULL on failure");
        st
    };
    let st = fit(&[], &[], CXM_METRIC_NPS, 0);
    expect(
        st,
        cxm_status::CXM_EMPTY_INPUT,
        &["cxm_calibration_fit", "empty input: calibration pairs"],
    );
    let st = fit(&[0.1, f64::NAN, 0.3], &[1.0, 2.0, 3.0], CXM_METRIC_NPS, 0);
    expect(
        st,
        cxm_status::CXM_NON_FINITE,
        &["row 1, column `compound`", "NaN is not finite"],
    );
    assert_eq!(cxm_last_error_row(), 1);
    let st = fit(&[0.1, 0.2, 0.3], &[1.0, 2.0, 11.0], CXM_METRIC_NPS, 0);
    expect(
        st,
        cxm_status::CXM_INVALID_SCORE,
        &[
            "row 2, column `scores`",
            "score 11 is not an integer in 0..=10",
        ],
    );
    assert_eq!(cxm_last_error_row(), 2);
    let st = fit(&[0.1], &[6.0], CXM_METRIC_CSAT, 0);
    expect(
        st,
        cxm_status::CXM_INVALID_SCORE,
        &["not an integer in 1..=5"],
    );
    let st = fit(&[0.1], &[0.0], CXM_METRIC_CES, 0);
    expect(
        st,
        cxm_status::CXM_INVALID_SCORE,
        &["not an integer in 1..=7"],
    );
    let st = fit(&[0.1], &[2.5], CXM_METRIC_CSAT, 7);
    expect(st, cxm_status::CXM_INVALID_SCORE, &["score 2.5"]);
    let st = fit(&[0.1], &[1.0], 7, 0);
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["`metric`", "7 is not a CXM_METRIC_* value (0, 1 or 2)"],
    );
    let st = fit(&[0.1], &[1.0], CXM_METRIC_CSAT, 12);
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["`csat_points`", "12"],
    );

    let mut out: *mut cxm_calibration = dangling();
    let st = unsafe { cxm_calibration_fit(null(), NPS.as_ptr(), 7, CXM_METRIC_NPS, 0, &mut out) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["`compound` is NULL but its length is 7"],
    );
    assert!(out.is_null());
    let st =
        unsafe { cxm_calibration_fit(COMPOUND.as_ptr(), null(), 7, CXM_METRIC_NPS, 0, &mut out) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["`scores` is NULL but its length is 7"],
    );
    let st = unsafe {
        cxm_calibration_fit(
            COMPOUND.as_ptr(),
            NPS.as_ptr(),
            7,
            CXM_METRIC_NPS,
            0,
            null_mut(),
        )
    };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["argument `out` is NULL"],
    );
    // NULL is a no-op for free.
    unsafe { cxm_calibration_free(null_mut()) };
}

fn calibration_from_json(json: &[u8], len: usize) -> (cxm_status, *mut cxm_calibration) {
    let mut out: *mut cxm_calibration = dangling();
    let st = unsafe { cxm_calibration_from_json(json.as_ptr().cast(), len, &mut out) };
    (st, out)
}

#[test]
fn calibration_json_round_trip() {
    let cal = Cal::fit(&COMPOUND, &NPS, CXM_METRIC_NPS, 0);
    let json = cal.to_json();
    assert!(
        json.starts_with(r#"{"format_version":1,"scale":{"kind":"nps"},"n":7,"#),
        "{json}"
    );
    let (st, back) = calibration_from_json(json.as_bytes(), json.len());
    ok(st);
    let back = Cal(back);
    let nul = format!("{json}\0");
    let (st, back2) = calibration_from_json(nul.as_bytes(), CXM_NUL_TERMINATED);
    ok(st);
    let back2 = Cal(back2);
    assert_eq!(back.to_json(), json);
    let grid: Vec<f64> = (-12..=12).map(|k| f64::from(k) / 10.0).collect();
    let want = cal.predict(&grid);
    for c in [&back, &back2] {
        let got = c.predict(&grid);
        assert_eq!(got.0.map_bits(), want.0.map_bits());
        assert_eq!(got.1.map_bits(), want.1.map_bits());
    }
}

#[test]
fn calibration_json_errors() {
    let json = Cal::fit(&COMPOUND, &NPS, CXM_METRIC_NPS, 0).to_json();
    let bumped = json.replacen("\"format_version\":1", "\"format_version\":2", 1);
    let unsorted = json.replacen("[-0.8,-0.5", "[-0.5,-0.8", 1);
    let mut not_utf8 = json.clone().into_bytes();
    not_utf8.insert(1, 0xff);
    let cases: [(&[u8], cxm_status, &str); 6] = [
        (
            b"[1, 2",
            cxm_status::CXM_SERIALIZATION,
            "serialization error",
        ),
        (
            b"{}",
            cxm_status::CXM_SERIALIZATION,
            "missing `format_version`",
        ),
        (
            bumped.as_bytes(),
            cxm_status::CXM_FORMAT_VERSION,
            "format version 2 is not supported (this build reads version 1)",
        ),
        (
            unsorted.as_bytes(),
            cxm_status::CXM_SERIALIZATION,
            "calibration knots must be finite, sorted and paired",
        ),
        (
            br#"{"format_version":1,"scale":{"kind":"nps"}}"#,
            cxm_status::CXM_SERIALIZATION,
            "missing field",
        ),
        (
            &not_utf8,
            cxm_status::CXM_INVALID_UTF8,
            "argument `json` is not valid UTF-8",
        ),
    ];
    for (text, want, fragment) in cases {
        let (st, out) = calibration_from_json(text, text.len());
        expect(st, want, &["cxm_calibration_from_json", fragment]);
        assert!(out.is_null(), "*out is NULL on failure");
    }
    let mut out: *mut cxm_calibration = dangling();
    let st = unsafe { cxm_calibration_from_json(null(), 0, &mut out) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["argument `json` is NULL"],
    );
    assert!(out.is_null());
    let st = unsafe { cxm_calibration_from_json(json.as_ptr().cast(), json.len(), null_mut()) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["argument `out` is NULL"],
    );

    let mut s: *mut c_char = dangling();
    let st = unsafe { cxm_calibration_to_json(null(), &mut s) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["cxm_calibration_to_json", "argument `c` is NULL"],
    );
    assert!(s.is_null());
}

/// Comments scored in the Cx mode, calibrated against the NPS their authors gave: the
/// whole path a C caller takes.
#[test]
fn calibration_from_scored_comments() {
    let m = Model::cx();
    let texts = [
        "I waited 2 hours on hold.",
        "Couldn't be happier!",
        "Delivery was late again and nobody called back.",
        "No complaints, the refund arrived quickly.",
        "The agent sorted it out in five minutes, thanks.",
        "Great app but it crashes every time I pay.",
    ];
    let nps = [2.0, 10.0, 3.0, 9.0, 9.0, 5.0];
    let compound: Vec<f64> = texts.iter().map(|t| m.score(t).compound).collect();
    let cal = Cal::fit(&compound, &nps, CXM_METRIC_NPS, 0);
    let core = SentimentModel::cx()
        .calibrate(&texts, &nps, Scale::Nps)
        .unwrap();
    assert_eq!(cal.to_json(), core.to_json());
    let (e, p) = cal.predict(&[-0.9, 0.9]);
    assert!(e[0] < e[1] && p[0] > p[1], "{e:?} {p:?}");
}
