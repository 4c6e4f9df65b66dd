//! Sentiment through the C entry points: golden scores against the reference
//! vaderSentiment 3.3.2, bad rows (NULL, invalid UTF-8) as per-row statuses, bad
//! arguments, `n` = 0, and batch ≡ single.

mod common;

use std::ffi::c_char;
use std::ptr::{null, null_mut};

use common::*;
use cxm::*;

/// Texts and their reference vaderSentiment 3.3.2 scores (compound, pos, neu, neg), from
/// `cxm-core/tests/data/vader_reference.tsv`.
const GOLDEN: [(&str, [f64; 4]); 9] = [
    (
        "The staff were friendly and helpful.",
        [0.7184, 0.6, 0.4, 0.0],
    ),
    (
        "Terrible experience, the order arrived broken.",
        [-0.7351, 0.0, 0.392, 0.608],
    ),
    (
        "The product is fine, nothing special.",
        [-0.1174, 0.223, 0.496, 0.28],
    ),
    ("The refund took ages.", [0.0, 0.0, 1.0, 0.0]),
    ("I don\u{2019}t like it.", [0.3612, 0.455, 0.545, 0.0]),
    ("NO GOOD", [-0.3412, 0.0, 0.294, 0.706]),
    ("\u{c9}T\u{c9} was GREAT", [0.7034, 0.707, 0.293, 0.0]),
    (
        "\u{1f602}\u{1f602} worst app ever",
        [0.1779, 0.323, 0.34, 0.336],
    ),
    ("CAF\u{c9} WAS LOVELY but SLOW", [0.415, 0.409, 0.591, 0.0]),
];

const NAN_ROW: cxm_sentiment_scores = cxm_sentiment_scores {
    compound: f64::NAN,
    pos: f64::NAN,
    neu: f64::NAN,
    neg: f64::NAN,
};

struct Model(*mut cxm_sentiment_model);

impl Model {
    fn vader() -> Self {
        let mut m = null_mut();
        ok(unsafe { cxm_sentiment_model_new(CXM_SENTIMENT_MODE_VADER, &mut m) });
        assert!(!m.is_null());
        Model(m)
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        unsafe { cxm_sentiment_model_free(self.0) }
    }
}

fn as_array(s: &cxm_sentiment_scores) -> [f64; 4] {
    [s.compound, s.pos, s.neu, s.neg]
}

fn is_nan_row(s: &cxm_sentiment_scores) -> bool {
    as_array(s).iter().all(|v| v.is_nan())
}

/// Garbage that a correct call must overwrite.
fn garbage(n: usize) -> (Vec<cxm_sentiment_scores>, Vec<cxm_row_status>) {
    let g = cxm_sentiment_scores {
        compound: 42.0,
        pos: 42.0,
        neu: 42.0,
        neg: 42.0,
    };
    (vec![g; n], vec![0xAA; n])
}

fn batch(
    m: &Model,
    texts: &[*const c_char],
    lengths: Option<&[usize]>,
) -> (Vec<cxm_sentiment_scores>, Vec<cxm_row_status>) {
    let n = texts.len();
    let (mut out, mut rs) = garbage(n);
    ok(unsafe {
        cxm_sentiment_score_batch(
            m.0,
            texts.as_ptr(),
            lengths.map_or(null(), <[usize]>::as_ptr),
            n,
            out.as_mut_ptr(),
            rs.as_mut_ptr(),
        )
    });
    (out, rs)
}

fn single(m: &Model, text: &[u8]) -> (cxm_status, cxm_sentiment_scores) {
    let (mut out, _) = garbage(1);
    let st = unsafe { cxm_sentiment_score(m.0, text.as_ptr().cast(), text.len(), &mut out[0]) };
    (st, out[0])
}

#[track_caller]
fn close(got: &cxm_sentiment_scores, want: [f64; 4], text: &str) {
    for (g, w) in as_array(got).iter().zip(want) {
        assert!(
            (g - w).abs() <= 1e-6,
            "{text:?}: got {got:?}, want {want:?}"
        );
    }
}

#[test]
fn golden_scores_match_the_reference() {
    let m = Model::vader();
    let texts: Vec<&str> = GOLDEN.iter().map(|(t, _)| *t).collect();
    let c = cstrings(&texts);
    let (out, rs) = batch(&m, &c.ptrs, None);
    for (i, (text, want)) in GOLDEN.iter().enumerate() {
        assert_eq!(rs[i], CXM_ROW_OK, "{text:?}");
        close(&out[i], *want, text);
        let (st, one) = single(&m, text.as_bytes());
        ok(st);
        close(&one, *want, text);
    }
}

#[test]
fn batch_equals_single_bit_for_bit() {
    let m = Model::vader();
    let mut texts: Vec<String> = GOLDEN.iter().map(|(t, _)| t.to_string()).collect();
    // Enough rows to go parallel in the core.
    for i in 0..700 {
        texts.push(format!("{} #{i}", GOLDEN[i % GOLDEN.len()].0));
    }
    texts.push(String::new());
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let c = cstrings(&refs);
    let (out, rs) = batch(&m, &c.ptrs, None);
    assert!(rs.iter().all(|&s| s == CXM_ROW_OK));
    for (i, t) in texts.iter().enumerate() {
        let (st, one) = single(&m, t.as_bytes());
        ok(st);
        assert_eq!(
            as_array(&one).map(f64::to_bits),
            as_array(&out[i]).map(f64::to_bits),
            "{t:?}"
        );
    }
    // The empty text scores all zeros.
    assert_eq!(as_array(out.last().unwrap()), [0.0; 4]);
}

#[test]
fn lengths_and_nul_terminated_agree() {
    let m = Model::vader();
    // With lengths, the texts need no NUL and may be cut: "good!!!" read as "good".
    let buf = b"good!!!The agent was rude";
    let texts = [buf.as_ptr().cast::<c_char>(), buf[7..].as_ptr().cast()];
    let (cut, rs) = batch(&m, &texts, Some(&[4, 18]));
    assert_eq!(rs, [CXM_ROW_OK, CXM_ROW_OK]);
    let good = cstrings(&["good", "The agent was rude"]);
    let (whole, _) = batch(&m, &good.ptrs, None);
    assert_eq!(cut, whole);
    // CXM_NUL_TERMINATED as one element of `lengths`, a real length as another.
    let (mixed, _) = batch(&m, &good.ptrs, Some(&[CXM_NUL_TERMINATED, 4]));
    assert_eq!(mixed[0], whole[0]);
    let (st, four) = single(&m, b"The ");
    ok(st);
    assert_eq!(mixed[1], four);
    // Single text, NUL-terminated.
    let mut out = NAN_ROW;
    ok(unsafe { cxm_sentiment_score(m.0, good.ptrs[0], CXM_NUL_TERMINATED, &mut out) });
    assert_eq!(out, whole[0]);
    // Length 0 is the empty text, whatever the bytes.
    ok(unsafe { cxm_sentiment_score(m.0, good.ptrs[0], 0, &mut out) });
    assert_eq!(as_array(&out), [0.0; 4]);
}

#[test]
fn bad_rows_are_per_row_statuses() {
    let m = Model::vader();
    let rows: [Option<&[u8]>; 5] = [
        Some(b"Great service, fast delivery."),
        None,
        Some(b"bad \xff\xfe bytes"),
        Some(b"\xe2\x82"), // a truncated 3-byte sequence
        Some(b"The agent was rude and unhelpful."),
    ];
    let c = cstrings_opt(&rows);
    let (out, rs) = batch(&m, &c.ptrs, None);
    assert_eq!(
        rs,
        [
            CXM_ROW_OK,
            CXM_ROW_NULL,
            CXM_ROW_INVALID_UTF8,
            CXM_ROW_INVALID_UTF8,
            CXM_ROW_OK
        ]
    );
    close(&out[0], [0.6249, 0.577, 0.423, 0.0], "row 0");
    assert!(is_nan_row(&out[1]) && is_nan_row(&out[2]) && is_nan_row(&out[3]));
    close(&out[4], [-0.4588, 0.0, 0.625, 0.375], "row 4");

    // row_status may be NULL; the scores are the same.
    let (mut out2, _) = garbage(rows.len());
    ok(unsafe {
        cxm_sentiment_score_batch(
            m.0,
            c.as_ptr(),
            null(),
            c.len(),
            out2.as_mut_ptr(),
            null_mut(),
        )
    });
    for (a, b) in out.iter().zip(&out2) {
        assert_eq!(as_array(a).map(f64::to_bits), as_array(b).map(f64::to_bits));
    }

    // A NULL text with explicit lengths is still a NULL row; an invalid byte inside the
    // given length is invalid, one past it is not read.
    let bytes = b"fine\xff";
    let texts = [null(), bytes.as_ptr().cast(), bytes.as_ptr().cast()];
    let (out, rs) = batch(&m, &texts, Some(&[0, 5, 4]));
    assert_eq!(rs, [CXM_ROW_NULL, CXM_ROW_INVALID_UTF8, CXM_ROW_OK]);
    assert!(is_nan_row(&out[0]) && is_nan_row(&out[1]));
    assert!(!is_nan_row(&out[2]));
}

#[test]
fn single_text_errors() {
    let m = Model::vader();
    let mut out = NAN_ROW;
    let st = unsafe { cxm_sentiment_score(m.0, null(), 0, &mut out) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["cxm_sentiment_score", "`text`"],
    );
    let bad = b"caf\xe9";
    let st = unsafe { cxm_sentiment_score(m.0, bad.as_ptr().cast(), 4, &mut out) };
    expect(
        st,
        cxm_status::CXM_INVALID_UTF8,
        &["`text` is not valid UTF-8"],
    );
    assert!(is_nan_row(&out), "out untouched on failure");
    let st = unsafe { cxm_sentiment_score(null(), c"ok".as_ptr(), 2, &mut out) };
    expect(st, cxm_status::CXM_NULL_POINTER, &["`m`"]);
    let st = unsafe { cxm_sentiment_score(m.0, c"ok".as_ptr(), 2, null_mut()) };
    expect(st, cxm_status::CXM_NULL_POINTER, &["`out`"]);
    // Misaligned output.
    let mut buf = [0u64; 8];
    let mis = unsafe { buf.as_mut_ptr().cast::<u8>().add(1) }.cast::<cxm_sentiment_scores>();
    let st = unsafe { cxm_sentiment_score(m.0, c"ok".as_ptr(), 2, mis) };
    expect(st, cxm_status::CXM_INVALID_ARGUMENT, &["not aligned"]);
    assert_eq!(buf, [0; 8]);
}

#[test]
fn batch_argument_errors_write_nothing() {
    let m = Model::vader();
    let c = cstrings(&["good", "bad"]);
    let (mut out, mut rs) = garbage(2);
    let untouched = (out.clone(), rs.clone());
    let call = |m: *const cxm_sentiment_model,
                texts: *const *const c_char,
                out: *mut cxm_sentiment_scores,
                rs: *mut cxm_row_status| unsafe {
        cxm_sentiment_score_batch(m, texts, null(), 2, out, rs)
    };
    let st = call(null(), c.as_ptr(), out.as_mut_ptr(), rs.as_mut_ptr());
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["cxm_sentiment_score_batch", "`m`"],
    );
    let st = call(m.0, null(), out.as_mut_ptr(), rs.as_mut_ptr());
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["`texts` is NULL but its length is 2"],
    );
    let st = call(m.0, c.as_ptr(), null_mut(), rs.as_mut_ptr());
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["`out` is NULL but its length is 2"],
    );
    assert_eq!(rs, untouched.1, "row_status untouched on failure");
    // Misaligned out.
    let (mut out, mut rs) = garbage(2);
    let mut buf = [0u64; 9];
    let mis = unsafe { buf.as_mut_ptr().cast::<u8>().add(4) }.cast::<cxm_sentiment_scores>();
    let st = call(m.0, c.as_ptr(), mis, rs.as_mut_ptr());
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["`out`", "not aligned"],
    );
    assert_eq!(buf, [0; 9]);
    assert_eq!(rs, untouched.1, "row_status untouched on failure");
    // A length no real text has.
    let st = unsafe {
        cxm_sentiment_score_batch(
            m.0,
            c.as_ptr(),
            [3usize, usize::MAX - 1].as_ptr(),
            2,
            out.as_mut_ptr(),
            rs.as_mut_ptr(),
        )
    };
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["lengths[1]", "too large"],
    );
    assert_eq!(
        out.iter().map(as_array).collect::<Vec<_>>(),
        untouched.0.iter().map(as_array).collect::<Vec<_>>()
    );
    assert_eq!(rs, untouched.1);
}

#[test]
fn empty_batch_is_ok_and_touches_nothing() {
    let m = Model::vader();
    ok(unsafe { cxm_sentiment_score_batch(m.0, null(), null(), 0, null_mut(), null_mut()) });
    let (mut out, mut rs) = garbage(1);
    let c = cstrings(&["good"]);
    ok(unsafe {
        cxm_sentiment_score_batch(
            m.0,
            c.as_ptr(),
            null(),
            0,
            out.as_mut_ptr(),
            rs.as_mut_ptr(),
        )
    });
    assert_eq!(out[0].compound, 42.0);
    assert_eq!(rs[0], 0xAA);
    // Still a NULL model error.
    let st =
        unsafe { cxm_sentiment_score_batch(null(), null(), null(), 0, null_mut(), null_mut()) };
    expect(st, cxm_status::CXM_NULL_POINTER, &["`m`"]);
}

#[test]
fn model_new_and_free() {
    let mut m: *mut cxm_sentiment_model = null_mut();
    let st = unsafe { cxm_sentiment_model_new(CXM_SENTIMENT_MODE_VADER, null_mut()) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["cxm_sentiment_model_new", "`out`"],
    );
    // An unknown mode fails and leaves *out NULL.
    m = m.wrapping_add(1);
    let st = unsafe { cxm_sentiment_model_new(7, &mut m) };
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["mode", "7 is not a CXM_SENTIMENT_MODE_* value"],
    );
    assert!(m.is_null());
    // NULL is a no-op for free.
    unsafe { cxm_sentiment_model_free(null_mut()) };
    // Two models agree; a model can be used from several threads at once.
    let a = Model::vader();
    let b = Model::vader();
    let c = cstrings(&["Great service, fast delivery."]);
    let (x, _) = batch(&a, &c.ptrs, None);
    let (y, _) = batch(&b, &c.ptrs, None);
    assert_eq!(x, y);
    let shared = a.0 as usize;
    let handles: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                let mut out = NAN_ROW;
                let text = "Great service, fast delivery.";
                let st = unsafe {
                    cxm_sentiment_score(
                        shared as *const cxm_sentiment_model,
                        text.as_ptr().cast(),
                        text.len(),
                        &mut out,
                    )
                };
                assert_eq!(st, cxm_status::CXM_OK);
                out
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), x[0]);
    }
}
