//! Every exported function runs inside the panic boundary: with a panic injected at the
//! boundary (`status::test_hooks`), status functions return `CXM_PANIC` and record a
//! message, value functions return their neutral value, and nothing unwinds into C.

use std::ffi::{c_char, CStr};
use std::ptr::{null, null_mut};

use crate::status::test_hooks::panic_next_call;
use crate::*;

const SOURCES: [&str; 8] = [
    include_str!("lib.rs"),
    include_str!("status.rs"),
    include_str!("metrics.rs"),
    include_str!("table.rs"),
    include_str!("segment.rs"),
    include_str!("hotspot.rs"),
    include_str!("sentiment.rs"),
    include_str!("args.rs"),
];

fn message() -> String {
    // SAFETY: never NULL, NUL-terminated.
    unsafe { CStr::from_ptr(cxm_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

/// Calls `f` with a panic injected; returns what it returned.
fn injected<T>(f: impl FnOnce() -> T) -> T {
    panic_next_call();
    f()
}

#[test]
fn every_entry_point_turns_panics_into_status() {
    let mut covered: Vec<&str> = Vec::new();
    macro_rules! status {
        ($name:ident ( $($arg:expr),* )) => {{
            covered.push(stringify!($name));
            // SAFETY: the injected panic fires before any argument is read.
            let st = injected(|| unsafe { $name($($arg),*) });
            assert_eq!(st, cxm_status::CXM_PANIC, "{}", stringify!($name));
            let msg = message();
            assert!(msg.contains("internal error (panic): injected test panic"), "{msg}");
        }};
    }
    macro_rules! value {
        ($name:ident ( $($arg:expr),* ) == $want:expr) => {{
            covered.push(stringify!($name));
            // SAFETY: as above.
            let got = injected(|| unsafe { $name($($arg),*) });
            assert_eq!(got, $want, "{}", stringify!($name));
        }};
    }
    macro_rules! void {
        ($name:ident ( $($arg:expr),* )) => {{
            covered.push(stringify!($name));
            // SAFETY: as above.
            injected(|| unsafe { $name($($arg),*) });
            assert!(message().contains("injected test panic"));
        }};
    }
    let s: *const c_char = null();

    status!(cxm_nps(null(), null(), 0, null(), null_mut()));
    status!(cxm_csat(null(), null(), 0, 0, null(), null_mut()));
    status!(cxm_ces(null(), null(), 0, null(), null_mut()));
    status!(cxm_nps_summary_new(null_mut()));
    status!(cxm_nps_summary_push(null_mut(), 0.0, 1.0));
    status!(cxm_nps_summary_extend(null_mut(), null(), null(), 0));
    status!(cxm_nps_summary_merge(null_mut(), null()));
    value!(cxm_nps_summary_len(null()) == 0);
    status!(cxm_nps_summary_finish(null(), null(), null_mut()));
    status!(cxm_nps_summary_to_json(null(), null_mut()));
    status!(cxm_nps_summary_from_json(s, null_mut()));
    void!(cxm_nps_summary_free(null_mut()));
    status!(cxm_csat_summary_new(0, null_mut()));
    status!(cxm_csat_summary_push(null_mut(), 0.0, 1.0));
    status!(cxm_csat_summary_extend(null_mut(), null(), null(), 0));
    status!(cxm_csat_summary_merge(null_mut(), null()));
    value!(cxm_csat_summary_len(null()) == 0);
    status!(cxm_csat_summary_finish(null(), null(), null_mut()));
    status!(cxm_csat_summary_to_json(null(), null_mut()));
    status!(cxm_csat_summary_from_json(s, null_mut()));
    void!(cxm_csat_summary_free(null_mut()));
    status!(cxm_ces_summary_new(null_mut()));
    status!(cxm_ces_summary_push(null_mut(), 0.0, 1.0));
    status!(cxm_ces_summary_extend(null_mut(), null(), null(), 0));
    status!(cxm_ces_summary_merge(null_mut(), null()));
    value!(cxm_ces_summary_len(null()) == 0);
    status!(cxm_ces_summary_finish(null(), null(), null_mut()));
    status!(cxm_ces_summary_to_json(null(), null_mut()));
    status!(cxm_ces_summary_from_json(s, null_mut()));
    void!(cxm_ces_summary_free(null_mut()));
    status!(cxm_compare_nps(null(), null(), null(), null_mut()));
    status!(cxm_compare_csat(null(), null(), null(), null_mut()));
    status!(cxm_compare_ces(null(), null(), null(), null_mut()));

    status!(cxm_table_read_csv(s, null(), 0, null_mut()));
    status!(cxm_table_read_csv_buffer(null(), 0, null(), 0, null_mut()));
    status!(cxm_table_new(null(), 0, null_mut()));
    value!(cxm_table_len(null()) == 0);
    status!(cxm_table_load_report(null(), null_mut()));
    status!(cxm_table_nps(null(), null(), null_mut()));
    status!(cxm_table_csat(null(), null(), null_mut()));
    status!(cxm_table_ces(null(), null(), null_mut()));
    void!(cxm_table_free(null_mut()));

    status!(cxm_segment(null(), null(), null(), null_mut()));
    status!(cxm_segment_from_columns(null(), 0, null(), null_mut()));
    status!(cxm_segment_from_columns_many(
        null(),
        0,
        null(),
        0,
        null(),
        null_mut()
    ));
    value!(cxm_segment_table_len(null()) == 0);
    status!(cxm_segment_table_row(null(), 0, null_mut()));
    value!(cxm_segment_table_key(null(), 0, 0) == null());
    value!(cxm_segment_table_dims(null()) == 0);
    value!(cxm_segment_table_dim_name(null(), 0) == null());
    status!(cxm_segment_table_overall(null(), null_mut()));
    status!(cxm_segment_table_load_report(null(), null_mut()));
    status!(cxm_segment_table_to_json(null(), null_mut()));
    void!(cxm_segment_table_free(null_mut()));

    status!(cxm_hotspots(null(), null(), null(), null_mut()));
    status!(cxm_hotspots_from_columns(null(), 0, null(), null_mut()));
    value!(cxm_hotspot_list_len(null()) == 0);
    status!(cxm_hotspot_list_get(null(), 0, null_mut()));
    status!(cxm_hotspot_list_condition(
        null(),
        0,
        0,
        null_mut(),
        null_mut()
    ));
    value!(cxm_hotspot_list_describe(null(), 0) == null());
    status!(cxm_hotspot_list_to_json(null(), null_mut()));
    void!(cxm_hotspot_list_free(null_mut()));

    status!(cxm_sentiment_model_new(
        CXM_SENTIMENT_MODE_VADER,
        null_mut()
    ));
    status!(cxm_sentiment_score(null(), s, 0, null_mut()));
    status!(cxm_sentiment_score_batch(
        null(),
        null(),
        null(),
        0,
        null_mut(),
        null_mut()
    ));
    void!(cxm_sentiment_model_free(null_mut()));
    status!(cxm_sentiment_model_with_entries(
        null(),
        null(),
        null(),
        null(),
        0,
        null_mut()
    ));
    status!(cxm_sentiment_explain_json(null(), s, 0, null_mut()));
    status!(cxm_sentiment_model_to_json(null(), null_mut()));
    status!(cxm_sentiment_model_from_json(s, 0, null_mut()));
    status!(cxm_calibration_fit(
        null(),
        null(),
        0,
        CXM_METRIC_NPS,
        0,
        null_mut()
    ));
    status!(cxm_calibration_predict(
        null(),
        null(),
        0,
        null_mut(),
        null_mut()
    ));
    status!(cxm_calibration_to_json(null(), null_mut()));
    status!(cxm_calibration_from_json(s, 0, null_mut()));
    void!(cxm_calibration_free(null_mut()));

    void!(cxm_string_free(null_mut()));
    covered.push("cxm_version");
    let v = injected(|| cxm_version());
    // SAFETY: the fallback is a static NUL-terminated string.
    assert_eq!(unsafe { CStr::from_ptr(v) }.to_bytes(), b"");
    covered.push("cxm_status_name");
    let name = injected(|| cxm_status_name(0));
    // SAFETY: as above.
    assert_eq!(
        unsafe { CStr::from_ptr(name) }.to_bytes(),
        b"CXM_UNKNOWN_STATUS"
    );
    covered.push("cxm_last_error_row");
    assert_eq!(injected(|| cxm_last_error_row()), -1);
    covered.push("cxm_last_error_message");
    let m = injected(|| cxm_last_error_message());
    // SAFETY: as above.
    assert_eq!(unsafe { CStr::from_ptr(m) }.to_bytes(), b"");

    // Every exported function is covered above.
    let mut exported: Vec<&str> = SOURCES
        .iter()
        .flat_map(|src| {
            let mut lines = src.lines();
            let mut names = Vec::new();
            while let Some(line) = lines.next() {
                if line.trim() == "#[no_mangle]" {
                    let sig = lines.next().unwrap_or_default();
                    let name = sig
                        .split("fn ")
                        .nth(1)
                        .and_then(|r| r.split('(').next())
                        .unwrap_or_default();
                    names.push(name);
                }
            }
            names
        })
        .collect();
    exported.sort_unstable();
    covered.sort_unstable();
    assert_eq!(exported, covered);
}

/// Once the panic is handled the library keeps working on the same thread.
#[test]
fn library_works_after_a_panic() {
    let scores = [10.0, 0.0];
    let mut out: cxm_nps_result = unsafe { std::mem::zeroed() };
    out.size = std::mem::size_of::<cxm_nps_result>();
    let st = injected(|| unsafe { cxm_nps(scores.as_ptr(), null(), 2, null(), &mut out) });
    assert_eq!(st, cxm_status::CXM_PANIC);
    assert_eq!(
        out.size,
        std::mem::size_of::<cxm_nps_result>(),
        "out untouched"
    );
    assert_eq!(out.nps, 0.0);
    let st = unsafe { cxm_nps(scores.as_ptr(), null(), 2, null(), &mut out) };
    assert_eq!(st, cxm_status::CXM_OK);
    assert_eq!(message(), "");
    assert_eq!(out.nps, 0.0);
    assert_eq!(out.sample.n, 2);
}
