//! One-shot metrics, summaries and comparisons through the C entry points, and every bad
//! input they can be given.

mod common;

use std::ffi::c_char;
use std::mem::size_of;
use std::ptr;

use common::*;
use cxm::*;

const TEN: [f64; 10] = [10., 10., 9., 9., 8., 8., 7., 6., 5., 0.];

fn nps(scores: &[f64], weights: Option<&[f64]>) -> (cxm_status, cxm_nps_result) {
    let mut out: cxm_nps_result = sized();
    let st = unsafe {
        cxm_nps(
            scores.as_ptr(),
            weights.map_or(ptr::null(), <[f64]>::as_ptr),
            scores.len(),
            ptr::null(),
            &mut out,
        )
    };
    (st, out)
}

/// The ten-row case worked on paper in cxm-core: NPS 10, Wald half-width 51.4838.
#[test]
fn nps_golden() {
    let (st, r) = nps(&TEN, None);
    ok(st);
    assert_eq!(r.size, size_of::<cxm_nps_result>());
    assert!((r.nps - 10.0).abs() < 1e-9);
    assert!((r.wald.low - (10.0 - 51.4838)).abs() < 1e-3);
    assert_eq!(r.interval, r.wald, "Wald is the default main interval");
    assert!((r.variance - 0.069).abs() < 1e-12);
    assert!((r.promoters - 0.4).abs() < 1e-12);
    assert!((r.passives - 0.3).abs() < 1e-12);
    assert!((r.detractors - 0.3).abs() < 1e-12);
    assert_eq!(r.sample.n, 10);
    assert!(r.sample.small);
    assert_eq!(r.confidence, 0.95);

    let mut opts: cxm_metric_options = sized();
    opts.nps_interval = CXM_NPS_INTERVAL_ADJUSTED_WALD;
    opts.small_n = 5;
    opts.confidence = 0.9;
    let mut r2: cxm_nps_result = sized();
    ok(unsafe { cxm_nps(TEN.as_ptr(), ptr::null(), 10, &opts, &mut r2) });
    assert_eq!(r2.interval, r2.adjusted_wald);
    assert!(!r2.sample.small);
    assert_eq!(r2.confidence, 0.9);
}

#[test]
fn weighted_nps_uses_kish_n() {
    let (st, r) = nps(&[10.0, 0.0, 8.0], Some(&[2.0, 1.0, 1.0]));
    ok(st);
    assert!((r.nps - 25.0).abs() < 1e-12);
    assert!((r.sample.n_eff - 16.0 / 6.0).abs() < 1e-12);
    assert_eq!(r.sample.weighted_n, 4.0);
}

#[test]
fn csat_and_ces_golden() {
    let mut c: cxm_csat_result = sized();
    let s = [5., 5., 4., 3., 1.];
    ok(unsafe { cxm_csat(s.as_ptr(), ptr::null(), 5, 0, ptr::null(), &mut c) });
    assert!((c.csat - 60.0).abs() < 1e-12);
    assert!((c.mean - 3.6).abs() < 1e-12);
    assert_eq!(c.points, 5);
    let half = 2.776_445_105 * (2.8f64 / 5.0).sqrt();
    assert!((c.mean_interval.low - (3.6 - half)).abs() < 1e-6);

    let s7 = [7., 6., 1.];
    ok(unsafe { cxm_csat(s7.as_ptr(), ptr::null(), 3, 7, ptr::null(), &mut c) });
    assert_eq!(c.points, 7);
    assert!((c.csat - 200.0 / 3.0).abs() < 1e-9);

    let mut e: cxm_ces_result = sized();
    let s = [7., 6., 5., 4., 1.];
    ok(unsafe { cxm_ces(s.as_ptr(), ptr::null(), 5, ptr::null(), &mut e) });
    assert!((e.agree - 60.0).abs() < 1e-12);
    assert!((e.mean - 4.6).abs() < 1e-12);
    assert!(e.interval.low < 4.6 && e.interval.high > 4.6);
}

#[test]
fn bad_scores_and_weights() {
    let (st, _) = nps(&[1.0, f64::NAN], None);
    expect(
        st,
        cxm_status::CXM_NON_FINITE,
        &["cxm_nps:", "row 1", "not finite"],
    );
    assert_eq!(cxm_last_error_row(), 1);

    let (st, _) = nps(&[1.0, 2.0, 11.0], None);
    expect(
        st,
        cxm_status::CXM_INVALID_SCORE,
        &["row 2", "score 11", "0..=10"],
    );
    assert_eq!(cxm_last_error_row(), 2);

    let (st, _) = nps(&[2.5], None);
    expect(st, cxm_status::CXM_INVALID_SCORE, &["row 0", "2.5"]);

    let (st, _) = nps(&[-1.0], None);
    expect(st, cxm_status::CXM_INVALID_SCORE, &["-1"]);

    let (st, _) = nps(&[f64::INFINITY], None);
    expect(st, cxm_status::CXM_NON_FINITE, &["inf"]);

    let (st, _) = nps(&[1.0, 2.0], Some(&[1.0, -0.5]));
    expect(
        st,
        cxm_status::CXM_INVALID_WEIGHT,
        &["row 1", "weight -0.5"],
    );

    let (st, _) = nps(&[1.0], Some(&[f64::NAN]));
    expect(st, cxm_status::CXM_INVALID_WEIGHT, &["NaN"]);

    let (st, _) = nps(&[1.0, 2.0], Some(&[0.0, 0.0]));
    expect(st, cxm_status::CXM_EMPTY_INPUT, &["positive weight"]);

    let (st, _) = nps(&[], None);
    expect(st, cxm_status::CXM_EMPTY_INPUT, &["empty input"]);

    let mut c: cxm_csat_result = sized();
    let s = [6.0];
    let st = unsafe { cxm_csat(s.as_ptr(), ptr::null(), 1, 5, ptr::null(), &mut c) };
    expect(st, cxm_status::CXM_INVALID_SCORE, &["CSAT 1-5"]);
    let mut e: cxm_ces_result = sized();
    let s = [0.0];
    let st = unsafe { cxm_ces(s.as_ptr(), ptr::null(), 1, ptr::null(), &mut e) };
    expect(st, cxm_status::CXM_INVALID_SCORE, &["CES 1-7"]);
    for points in [1u32, 12, 300] {
        let st = unsafe { cxm_csat(s.as_ptr(), ptr::null(), 1, points, ptr::null(), &mut c) };
        expect(st, cxm_status::CXM_INVALID_ARGUMENT, &["points"]);
    }
}

#[test]
fn null_pointers() {
    let mut out: cxm_nps_result = sized();
    let st = unsafe { cxm_nps(ptr::null(), ptr::null(), 3, ptr::null(), &mut out) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["`scores` is NULL", "length is 3"],
    );
    assert_eq!(cxm_last_error_row(), -1);
    let st = unsafe { cxm_nps(TEN.as_ptr(), ptr::null(), 10, ptr::null(), ptr::null_mut()) };
    expect(st, cxm_status::CXM_NULL_POINTER, &["`out`"]);
    // NULL with n == 0 is an empty array, not a NULL-pointer error.
    let st = unsafe { cxm_nps(ptr::null(), ptr::null(), 0, ptr::null(), &mut out) };
    expect(st, cxm_status::CXM_EMPTY_INPUT, &[]);

    let st = unsafe { cxm_nps_summary_new(ptr::null_mut()) };
    expect(
        st,
        cxm_status::CXM_NULL_POINTER,
        &["cxm_nps_summary_new", "`out`"],
    );
    let st = unsafe { cxm_nps_summary_push(ptr::null_mut(), 1.0, 1.0) };
    expect(st, cxm_status::CXM_NULL_POINTER, &["`s`"]);
    let st = unsafe { cxm_csat_summary_finish(ptr::null(), ptr::null(), ptr::null_mut()) };
    expect(st, cxm_status::CXM_NULL_POINTER, &[]);
    let st = unsafe { cxm_ces_summary_from_json(ptr::null(), ptr::null_mut()) };
    expect(st, cxm_status::CXM_NULL_POINTER, &[]);
    let mut s: *mut cxm_ces_summary = ptr::null_mut();
    let st = unsafe { cxm_ces_summary_from_json(ptr::null(), &mut s) };
    expect(st, cxm_status::CXM_NULL_POINTER, &["`json`"]);
    assert!(s.is_null());
    assert_eq!(unsafe { cxm_nps_summary_len(ptr::null()) }, 0);
    unsafe {
        cxm_nps_summary_free(ptr::null_mut());
        cxm_csat_summary_free(ptr::null_mut());
        cxm_ces_summary_free(ptr::null_mut());
        cxm_string_free(ptr::null_mut());
    }
}

#[test]
fn versioned_struct_sizes() {
    let mut out: cxm_nps_result = sized();
    out.size = 0;
    let st = unsafe { cxm_nps(TEN.as_ptr(), ptr::null(), 10, ptr::null(), &mut out) };
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["out->size is 0", "sizeof(cxm_nps_result)"],
    );

    let mut opts: cxm_metric_options = sized();
    opts.size = 8;
    let mut out: cxm_nps_result = sized();
    let st = unsafe { cxm_nps(TEN.as_ptr(), ptr::null(), 10, &opts, &mut out) };
    expect(
        st,
        cxm_status::CXM_INVALID_ARGUMENT,
        &["cxm_metric_options"],
    );

    let mut opts: cxm_metric_options = sized();
    opts._reserved = 1;
    let st = unsafe { cxm_nps(TEN.as_ptr(), ptr::null(), 10, &opts, &mut out) };
    expect(st, cxm_status::CXM_INVALID_ARGUMENT, &["reserved"]);

    let mut opts: cxm_metric_options = sized();
    opts.nps_interval = 7;
    let st = unsafe { cxm_nps(TEN.as_ptr(), ptr::null(), 10, &opts, &mut out) };
    expect(st, cxm_status::CXM_INVALID_ARGUMENT, &["nps_interval", "7"]);

    let mut opts: cxm_metric_options = sized();
    opts.confidence = 1.5;
    let st = unsafe { cxm_nps(TEN.as_ptr(), ptr::null(), 10, &opts, &mut out) };
    expect(st, cxm_status::CXM_INVALID_ARGUMENT, &["confidence", "1.5"]);
    opts.confidence = f64::NAN;
    let st = unsafe { cxm_nps(TEN.as_ptr(), ptr::null(), 10, &opts, &mut out) };
    expect(st, cxm_status::CXM_INVALID_ARGUMENT, &["confidence"]);

    // A caller compiled against a newer, larger struct: the library writes what it knows
    // and says how much; unknown option fields must be zero.
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct NewerResult {
        r: cxm_nps_result,
        extra: [f64; 4],
    }
    let mut newer: NewerResult = sized();
    newer.extra = [7.0; 4];
    let st = unsafe {
        cxm_nps(
            TEN.as_ptr(),
            ptr::null(),
            10,
            ptr::null(),
            (&mut newer as *mut NewerResult).cast(),
        )
    };
    ok(st);
    assert_eq!(newer.r.size, size_of::<cxm_nps_result>());
    assert_eq!(
        newer.extra, [7.0; 4],
        "bytes past the known struct are untouched"
    );
    assert!((newer.r.nps - 10.0).abs() < 1e-9);

    #[repr(C)]
    #[derive(Clone, Copy)]
    struct NewerOptions {
        o: cxm_metric_options,
        extra: u64,
    }
    let mut newer_opts: NewerOptions = sized();
    let opts_ptr = (&newer_opts as *const NewerOptions).cast::<cxm_metric_options>();
    ok(unsafe { cxm_nps(TEN.as_ptr(), ptr::null(), 10, opts_ptr, &mut out) });
    newer_opts.extra = 1;
    let opts_ptr = (&newer_opts as *const NewerOptions).cast::<cxm_metric_options>();
    let st = unsafe { cxm_nps(TEN.as_ptr(), ptr::null(), 10, opts_ptr, &mut out) };
    expect(st, cxm_status::CXM_INVALID_ARGUMENT, &["does not know"]);
}

#[test]
fn misaligned_array_is_an_argument_error() {
    let bytes = [0u8; 64];
    let p = unsafe { bytes.as_ptr().add(1) }.cast::<f64>();
    let mut out: cxm_nps_result = sized();
    let st = unsafe { cxm_nps(p, ptr::null(), 2, ptr::null(), &mut out) };
    expect(st, cxm_status::CXM_INVALID_ARGUMENT, &["not aligned"]);
}

unsafe fn nps_summary(scores: &[f64]) -> *mut cxm_nps_summary {
    let mut s = ptr::null_mut();
    ok(cxm_nps_summary_new(&mut s));
    ok(cxm_nps_summary_extend(
        s,
        scores.as_ptr(),
        ptr::null(),
        scores.len(),
    ));
    s
}

#[test]
fn nps_summary_life_cycle() {
    unsafe {
        let a = nps_summary(&TEN[..4]);
        let b = nps_summary(&TEN[4..]);
        ok(cxm_nps_summary_push(b, 10.0, 2.0));
        assert_eq!(cxm_nps_summary_len(b), 7);
        // A bad push adds nothing.
        expect(
            cxm_nps_summary_push(b, 12.0, 1.0),
            cxm_status::CXM_INVALID_SCORE,
            &["row 7"],
        );
        expect(
            cxm_nps_summary_extend(b, [1.0, 99.0].as_ptr(), ptr::null(), 2),
            cxm_status::CXM_INVALID_SCORE,
            &["row 1"],
        );
        assert_eq!(cxm_nps_summary_len(b), 7);

        // JSON round trip, then merge.
        let mut json: *mut c_char = ptr::null_mut();
        ok(cxm_nps_summary_to_json(b, &mut json));
        let text = take_string(json);
        assert!(text.contains("\"format_version\":1"), "{text}");
        let cs = std::ffi::CString::new(text.clone()).unwrap();
        let mut b2 = ptr::null_mut();
        ok(cxm_nps_summary_from_json(cs.as_ptr(), &mut b2));
        ok(cxm_nps_summary_merge(a, b2));
        assert_eq!(cxm_nps_summary_len(a), 11);

        let mut whole: cxm_nps_result = sized();
        ok(cxm_nps_summary_finish(a, ptr::null(), &mut whole));
        let mut all = TEN.to_vec();
        all.push(10.0);
        let (st, expected) = nps(&all, Some(&[1., 1., 1., 1., 1., 1., 1., 1., 1., 1., 2.]));
        ok(st);
        assert_eq!(whole, expected);

        // Merging a summary into itself doubles it.
        ok(cxm_nps_summary_merge(b, b));
        assert_eq!(cxm_nps_summary_len(b), 14);

        // Malformed JSON and another format version.
        let bad = c"{\"format_version\":1,";
        let mut x = ptr::null_mut();
        expect(
            cxm_nps_summary_from_json(bad.as_ptr(), &mut x),
            cxm_status::CXM_SERIALIZATION,
            &["serialization error"],
        );
        assert!(x.is_null());
        let bumped =
            std::ffi::CString::new(text.replace("\"format_version\":1", "\"format_version\":99"))
                .unwrap();
        expect(
            cxm_nps_summary_from_json(bumped.as_ptr(), &mut x),
            cxm_status::CXM_FORMAT_VERSION,
            &["version 99"],
        );
        let not_utf8 = std::ffi::CString::new(vec![b'{', 0xff, b'}']).unwrap();
        expect(
            cxm_nps_summary_from_json(not_utf8.as_ptr(), &mut x),
            cxm_status::CXM_INVALID_UTF8,
            &["`json`"],
        );

        // Empty summary.
        let mut e = ptr::null_mut();
        ok(cxm_nps_summary_new(&mut e));
        let mut r: cxm_nps_result = sized();
        expect(
            cxm_nps_summary_finish(e, ptr::null(), &mut r),
            cxm_status::CXM_EMPTY_INPUT,
            &[],
        );

        for s in [a, b, b2, e] {
            cxm_nps_summary_free(s);
        }
    }
}

#[test]
fn csat_and_ces_summaries() {
    unsafe {
        let mut s5 = ptr::null_mut();
        let mut s7 = ptr::null_mut();
        ok(cxm_csat_summary_new(0, &mut s5));
        ok(cxm_csat_summary_new(7, &mut s7));
        let mut bad = ptr::null_mut();
        expect(
            cxm_csat_summary_new(1, &mut bad),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["2 to 11"],
        );
        assert!(bad.is_null());
        ok(cxm_csat_summary_extend(
            s5,
            [5., 4., 1.].as_ptr(),
            ptr::null(),
            3,
        ));
        ok(cxm_csat_summary_push(s7, 7.0, 1.0));
        expect(
            cxm_csat_summary_merge(s5, s7),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["CSAT 1-7", "CSAT 1-5"],
        );
        let mut r: cxm_csat_result = sized();
        ok(cxm_csat_summary_finish(s5, ptr::null(), &mut r));
        assert!((r.csat - 200.0 / 3.0).abs() < 1e-9);
        let mut json = ptr::null_mut();
        ok(cxm_csat_summary_to_json(s7, &mut json));
        let text = std::ffi::CString::new(take_string(json)).unwrap();
        let mut back = ptr::null_mut();
        ok(cxm_csat_summary_from_json(text.as_ptr(), &mut back));
        ok(cxm_csat_summary_finish(back, ptr::null(), &mut r));
        assert_eq!(r.points, 7);
        assert_eq!(cxm_csat_summary_len(back), 1);

        let mut c1 = ptr::null_mut();
        let mut c2 = ptr::null_mut();
        ok(cxm_ces_summary_new(&mut c1));
        ok(cxm_ces_summary_new(&mut c2));
        ok(cxm_ces_summary_extend(
            c1,
            [7., 6., 5.].as_ptr(),
            [1., 1., 2.].as_ptr(),
            3,
        ));
        ok(cxm_ces_summary_push(c2, 1.0, 1.0));
        ok(cxm_ces_summary_merge(c1, c2));
        assert_eq!(cxm_ces_summary_len(c1), 4);
        let mut e: cxm_ces_result = sized();
        ok(cxm_ces_summary_finish(c1, ptr::null(), &mut e));
        assert!((e.mean - (7. + 6. + 10. + 1.) / 5.).abs() < 1e-12);
        let mut json = ptr::null_mut();
        ok(cxm_ces_summary_to_json(c1, &mut json));
        let text = std::ffi::CString::new(take_string(json)).unwrap();
        let mut back = ptr::null_mut();
        ok(cxm_ces_summary_from_json(text.as_ptr(), &mut back));
        // A CES summary is not an NPS summary.
        let mut wrong = ptr::null_mut();
        expect(
            cxm_nps_summary_from_json(text.as_ptr(), &mut wrong),
            cxm_status::CXM_SERIALIZATION,
            &[],
        );
        assert!(wrong.is_null());
        cxm_ces_summary_free(back);
        cxm_ces_summary_free(c1);
        cxm_ces_summary_free(c2);
        for s in [s5, s7] {
            cxm_csat_summary_free(s);
        }
        let csat_back: *mut cxm_csat_summary = ptr::null_mut();
        cxm_csat_summary_free(csat_back);
    }
}

#[test]
fn comparisons() {
    unsafe {
        let a = nps_summary(&[10., 10., 10., 9., 9., 8., 7., 6., 2., 10.]);
        let b = nps_summary(&[0., 1., 2., 3., 9., 10., 6., 5., 8., 4.]);
        let mut c: cxm_comparison = sized();
        ok(cxm_compare_nps(a, b, ptr::null(), &mut c));
        assert!((c.diff - 90.0).abs() < 1e-9);
        assert!((c.statistic - 90.0 / (100.0 * 0.129f64.sqrt())).abs() < 1e-9);
        assert!(c.df.is_infinite());
        assert!(c.p_value > 0.01 && c.p_value < 0.05);
        assert!(c.interval.low < 90.0 && c.interval.high > 90.0);

        let mut e = ptr::null_mut();
        ok(cxm_nps_summary_new(&mut e));
        expect(
            cxm_compare_nps(a, e, ptr::null(), &mut c),
            cxm_status::CXM_EMPTY_INPUT,
            &[],
        );
        expect(
            cxm_compare_nps(a, ptr::null(), ptr::null(), &mut c),
            cxm_status::CXM_NULL_POINTER,
            &["`b`"],
        );

        let mut x = ptr::null_mut();
        let mut y = ptr::null_mut();
        ok(cxm_ces_summary_new(&mut x));
        ok(cxm_ces_summary_new(&mut y));
        ok(cxm_ces_summary_extend(
            x,
            [7., 6., 7., 5.].as_ptr(),
            ptr::null(),
            4,
        ));
        ok(cxm_ces_summary_extend(
            y,
            [2., 3., 1., 2., 4.].as_ptr(),
            ptr::null(),
            5,
        ));
        ok(cxm_compare_ces(x, y, ptr::null(), &mut c));
        assert!((c.diff - (6.25 - 2.4)).abs() < 1e-12);
        assert!(c.df.is_finite() && c.df > 0.0);
        assert!(c.p_value < 0.01);

        let mut p = ptr::null_mut();
        let mut q = ptr::null_mut();
        ok(cxm_csat_summary_new(5, &mut p));
        ok(cxm_csat_summary_new(5, &mut q));
        ok(cxm_csat_summary_extend(
            p,
            [5., 5., 4., 4.].as_ptr(),
            ptr::null(),
            4,
        ));
        ok(cxm_csat_summary_extend(
            q,
            [1., 2., 5., 3.].as_ptr(),
            ptr::null(),
            4,
        ));
        ok(cxm_compare_csat(p, q, ptr::null(), &mut c));
        assert!((c.diff - 75.0).abs() < 1e-9);

        cxm_nps_summary_free(a);
        cxm_nps_summary_free(b);
        cxm_nps_summary_free(e);
        cxm_ces_summary_free(x);
        cxm_ces_summary_free(y);
        cxm_csat_summary_free(p);
        cxm_csat_summary_free(q);
    }
}

#[test]
fn status_numbers_and_names() {
    use cxm_status::*;
    let expected = [
        (CXM_OK, 0),
        (CXM_INVALID_INPUT, 1),
        (CXM_NULL_POINTER, 2),
        (CXM_IO, 3),
        (CXM_SERIALIZATION, 4),
        (CXM_PANIC, 5),
        (CXM_INVALID_SCORE, 10),
        (CXM_NON_FINITE, 11),
        (CXM_INVALID_NUMBER, 12),
        (CXM_INVALID_WEIGHT, 13),
        (CXM_INVALID_TIMESTAMP, 14),
        (CXM_INVALID_UTF8, 15),
        (CXM_LENGTH_MISMATCH, 16),
        (CXM_EMPTY_INPUT, 17),
        (CXM_MISSING_COLUMN, 18),
        (CXM_INVALID_ARGUMENT, 19),
        (CXM_FORMAT_VERSION, 20),
    ];
    assert_eq!(expected.len(), cxm_status::ALL.len());
    for (status, number) in expected {
        assert_eq!(status as i32, number, "{status:?} changed its number");
        let name = borrowed(cxm_status_name(number));
        assert_eq!(name, format!("{status:?}"));
    }
    assert_eq!(borrowed(cxm_status_name(6)), "CXM_UNKNOWN_STATUS");
    assert_eq!(borrowed(cxm_status_name(-1)), "CXM_UNKNOWN_STATUS");
    assert_eq!(borrowed(cxm_version()), env!("CARGO_PKG_VERSION"));
}

#[test]
fn last_error_is_per_thread() {
    let (st, _) = nps(&[42.0], None);
    assert_eq!(st, cxm_status::CXM_INVALID_SCORE);
    let other = std::thread::spawn(last_error).join().unwrap();
    assert_eq!(other, "");
    assert!(last_error().contains("42"));
}
