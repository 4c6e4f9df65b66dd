//! `cxm_segment_from_columns_many`: several answer columns grouped by the same
//! dimensions in one call. Each table must equal a separate `cxm_segment_from_columns`
//! call on its answer column; failures leave every output NULL.

mod common;

use std::ffi::{c_char, CString};
use std::ptr;

use common::*;
use cxm::*;

/// 400 rows: the planted NPS, a CSAT 1–5 and a CES 1–7 derived from the row number (CES
/// skipped on every seventh row), weights, store codes and epoch timestamps.
struct Data {
    planted: Planted,
    csat: Vec<f64>,
    ces: Vec<f64>,
    ces_present: Vec<bool>,
    weights: Vec<f64>,
    store_name: CString,
    store_levels: CStrings,
    channel_name: CString,
    channel_codes: Vec<i32>,
    channel_levels: CStrings,
    buckets: Vec<cxm_time_bucket>,
}

fn data() -> Data {
    let planted = planted();
    let n = planted.nps.len();
    let csat = (0..n)
        .map(|i| {
            if planted.nps[i] == 0.0 {
                1.0
            } else {
                (1 + i % 5) as f64
            }
        })
        .collect();
    let ces = (0..n).map(|i| (1 + (i * 3) % 7) as f64).collect();
    let ces_present = (0..n).map(|i| i % 7 != 0).collect();
    let weights = (0..n).map(|i| 0.5 + (i % 4) as f64 * 0.25).collect();
    // Negative codes are missing: a `(missing)` group.
    let channel_codes = planted
        .channel
        .iter()
        .enumerate()
        .map(|(i, c)| {
            if i % 25 == 0 {
                -1
            } else {
                i32::from(*c == "web")
            }
        })
        .collect();
    Data {
        planted,
        csat,
        ces,
        ces_present,
        weights,
        store_name: CString::new("store").unwrap(),
        store_levels: cstrings(&["A", "B"]),
        channel_name: CString::new("channel").unwrap(),
        channel_codes,
        channel_levels: cstrings(&["app", "web"]),
        buckets: vec![CXM_TIME_BUCKET_DAYPART],
    }
}

impl Data {
    fn dims(&self) -> [cxm_code_dimension; 2] {
        [
            cxm_code_dimension {
                name: self.store_name.as_ptr(),
                codes: self.planted.store_codes.as_ptr(),
                levels: self.store_levels.as_ptr(),
                n_levels: self.store_levels.len(),
            },
            cxm_code_dimension {
                name: self.channel_name.as_ptr(),
                codes: self.channel_codes.as_ptr(),
                levels: self.channel_levels.as_ptr(),
                n_levels: self.channel_levels.len(),
            },
        ]
    }

    fn shared(&self, dims: &[cxm_code_dimension]) -> cxm_segment_shared_columns {
        let mut c: cxm_segment_shared_columns = sized();
        c.n_rows = self.planted.nps.len();
        c.weights = self.weights.as_ptr();
        c.dims = dims.as_ptr();
        c.n_dims = dims.len();
        c.timestamps = self.planted.timestamps.as_ptr();
        c.time_buckets = self.buckets.as_ptr();
        c.n_time_buckets = self.buckets.len();
        c.utc_offset_minutes = 60;
        c
    }

    /// NPS, CSAT (5 points) and CES with its mask.
    fn answers(&self) -> [cxm_answer_column; 3] {
        [
            answer(CXM_METRIC_NPS, &self.planted.nps, None),
            answer(CXM_METRIC_CSAT, &self.csat, None),
            answer(CXM_METRIC_CES, &self.ces, Some(&self.ces_present)),
        ]
    }
}

fn answer(metric: cxm_metric, scores: &[f64], present: Option<&[bool]>) -> cxm_answer_column {
    cxm_answer_column {
        metric,
        csat_points: 0,
        scores: scores.as_ptr(),
        present: present.map_or(ptr::null(), <[bool]>::as_ptr),
        name: ptr::null(),
    }
}

/// The single-column input `cxm_segment_from_columns` takes for `a` over `shared`.
fn single(a: &cxm_answer_column, shared: &cxm_segment_shared_columns) -> cxm_segment_columns {
    let mut c: cxm_segment_columns = sized();
    c.n_rows = shared.n_rows;
    c.metric = a.metric;
    c.csat_points = a.csat_points;
    c.scores = a.scores;
    c.present = a.present;
    c.weights = shared.weights;
    c.dims = shared.dims;
    c.n_dims = shared.n_dims;
    c.timestamps = shared.timestamps;
    c.time_buckets = shared.time_buckets;
    c.n_time_buckets = shared.n_time_buckets;
    c.utc_offset_minutes = shared.utc_offset_minutes;
    c
}

/// Everything a segment table exposes, read through the C accessors, plus its JSON.
#[derive(Debug, PartialEq)]
struct Snapshot {
    dims: Vec<String>,
    keys: Vec<Vec<String>>,
    /// Rows as raw bits, so NaN compares equal to NaN and -0.0 differs from 0.0.
    rows: Vec<Vec<u64>>,
    overall: Vec<u64>,
    load: cxm_load_report,
    json: String,
}

unsafe fn snapshot(t: *const cxm_segment_table) -> Snapshot {
    assert!(!t.is_null());
    let dims: Vec<String> = (0..cxm_segment_table_dims(t))
        .map(|j| borrowed(cxm_segment_table_dim_name(t, j)))
        .collect();
    let mut keys = Vec::new();
    let mut rows = Vec::new();
    for i in 0..cxm_segment_table_len(t) {
        keys.push(
            (0..dims.len())
                .map(|j| borrowed(cxm_segment_table_key(t, i, j)))
                .collect(),
        );
        let mut r: cxm_segment_row = sized();
        ok(cxm_segment_table_row(t, i, &mut r));
        rows.push(vec![
            r.n,
            r.weighted_n.to_bits(),
            r.n_eff.to_bits(),
            r.value.to_bits(),
            r.low.to_bits(),
            r.high.to_bits(),
            r.rest.to_bits(),
            r.diff.to_bits(),
            r.p_value.to_bits(),
            r.q_value.to_bits(),
            r.cost.to_bits(),
            u64::from(r.flag),
        ]);
    }
    let mut o: cxm_segment_overall = sized();
    ok(cxm_segment_table_overall(t, &mut o));
    let overall = vec![
        u64::from(o.metric),
        o.value.to_bits(),
        o.low.to_bits(),
        o.high.to_bits(),
        o.n,
        o.missing,
        o.groups,
    ];
    let mut load: cxm_load_report = sized();
    ok(cxm_segment_table_load_report(t, &mut load));
    let mut json = ptr::null_mut();
    ok(cxm_segment_table_to_json(t, &mut json));
    Snapshot {
        dims,
        keys,
        rows,
        overall,
        load,
        json: take_string(json),
    }
}

/// Runs the many-column call and `k` separate calls and checks they agree table for
/// table; returns the snapshots.
unsafe fn many_equals_separate(
    answers: &[cxm_answer_column],
    shared: &cxm_segment_shared_columns,
    policy: cxm_policy,
    opts: *const cxm_segment_options,
) -> Vec<Snapshot> {
    let k = answers.len();
    let mut out = vec![ptr::null_mut(); k];
    ok(cxm_segment_from_columns_many(
        answers.as_ptr(),
        k,
        shared,
        policy,
        opts,
        out.as_mut_ptr(),
    ));
    let mut snaps = Vec::new();
    for (i, a) in answers.iter().enumerate() {
        let mut one = ptr::null_mut();
        ok(cxm_segment_from_columns(
            &single(a, shared),
            policy,
            opts,
            &mut one,
        ));
        let (got, want) = (snapshot(out[i]), snapshot(one));
        assert_eq!(got, want, "answers[{i}]");
        assert!(!got.rows.is_empty());
        cxm_segment_table_free(one);
        cxm_segment_table_free(out[i]);
        snaps.push(got);
    }
    snaps
}

#[test]
fn many_equals_separate_calls() {
    let d = data();
    let dims = d.dims();
    let shared = d.shared(&dims);
    let answers = d.answers();
    unsafe {
        let snaps = many_equals_separate(&answers, &shared, CXM_POLICY_REJECT, ptr::null());
        assert_eq!(snaps.len(), 3);
        for s in &snaps {
            assert_eq!(s.dims, ["store", "channel", "daypart"]);
            // 2 stores × 3 channel groups (with `(missing)`) × 4 dayparts.
            assert_eq!(s.rows.len(), 24);
        }
        // Metrics in input order; the CES mask counts as missing, not as bad rows.
        let metrics: Vec<u64> = snaps.iter().map(|s| s.overall[0]).collect();
        assert_eq!(
            metrics,
            [CXM_METRIC_NPS, CXM_METRIC_CSAT, CXM_METRIC_CES].map(u64::from)
        );
        assert_eq!((snaps[2].overall[4], snaps[2].overall[5]), (342, 58));
        assert_eq!(snaps[2].load.rows_skipped, 0);
        assert!(snaps[1]
            .keys
            .iter()
            .any(|k| k == &["B", "(missing)", "morning"]));

        // Options, the same metric twice, one answer column alone, another order.
        let mut opts: cxm_segment_options = sized();
        opts.min_n = 5;
        opts.confidence = 0.9;
        opts.alpha = 0.1;
        opts.nps_interval = CXM_NPS_INTERVAL_ADJUSTED_WALD;
        let name = CString::new("nps_again").unwrap();
        let mut again = answers[0];
        again.name = name.as_ptr();
        let mut csat7 = answers[1];
        csat7.csat_points = 7;
        let mix = [answers[2], again, answers[0], csat7];
        let snaps = many_equals_separate(&mix, &shared, CXM_POLICY_SKIP, &opts);
        assert_eq!(
            snaps[1], snaps[2],
            "the same column twice gives the same table"
        );
        many_equals_separate(&answers[1..2], &shared, CXM_POLICY_REJECT, &opts);

        // No dimensions but a time bucket, no weights.
        let mut bare = shared;
        bare.n_dims = 0;
        bare.dims = ptr::null();
        bare.weights = ptr::null();
        bare.time_buckets = [CXM_TIME_BUCKET_HOUR].as_ptr();
        let snaps = many_equals_separate(&answers, &bare, CXM_POLICY_REJECT, ptr::null());
        assert_eq!(snaps[0].dims, ["hour"]);
    }
}

#[test]
fn skip_drops_each_columns_own_bad_rows() {
    let d = data();
    let dims = d.dims();
    let mut shared = d.shared(&dims);
    let mut nps = d.planted.nps.clone();
    nps[10] = 11.0;
    let mut csat = d.csat.clone();
    csat[3] = f64::NAN;
    csat[4] = 2.5;
    let mut weights = d.weights.clone();
    weights[20] = -1.0;
    shared.weights = weights.as_ptr();
    let mut ts = d.planted.timestamps.clone();
    ts[30] = i64::MIN;
    shared.timestamps = ts.as_ptr();
    let answers = [
        answer(CXM_METRIC_NPS, &nps, None),
        answer(CXM_METRIC_CSAT, &csat, None),
        answer(CXM_METRIC_CES, &d.ces, Some(&d.ces_present)),
    ];
    unsafe {
        let snaps = many_equals_separate(&answers, &shared, CXM_POLICY_SKIP, ptr::null());
        let loads: Vec<_> = snaps.iter().map(|s| &s.load).collect();
        // The weight and the timestamp are bad rows for every column; the scores only
        // for their own.
        for l in &loads {
            assert_eq!(l.rows_in, 400);
            assert_eq!(
                (l.skipped_invalid_weight, l.skipped_invalid_timestamp),
                (1, 1)
            );
        }
        assert_eq!(
            (loads[0].skipped_invalid_score, loads[0].skipped_non_finite),
            (1, 0)
        );
        assert_eq!(
            (loads[1].skipped_invalid_score, loads[1].skipped_non_finite),
            (1, 1)
        );
        assert_eq!(
            (loads[2].skipped_invalid_score, loads[2].skipped_non_finite),
            (0, 0)
        );
        assert_eq!(
            [
                loads[0].rows_skipped,
                loads[1].rows_skipped,
                loads[2].rows_skipped
            ],
            [3, 4, 2]
        );
    }
}

/// The message of the last error without its `function: ` prefix, and its row.
fn error_body() -> (String, i64) {
    let msg = last_error();
    let body = msg.split_once(": ").map_or(msg.as_str(), |(_, b)| b);
    (body.to_string(), cxm_last_error_row())
}

/// A non-NULL value that is not a handle, to see that failures overwrite every slot.
fn sentinel() -> *mut cxm_segment_table {
    ptr::NonNull::dangling().as_ptr()
}

#[test]
fn reject_reports_the_first_bad_column_like_separate_calls() {
    let d = data();
    let dims = d.dims();
    let shared = d.shared(&dims);
    let mut csat = d.csat.clone();
    csat[3] = f64::NAN;
    let mut ces = d.ces.clone();
    ces[100] = 0.0;
    let nps_name = CString::new("q1").unwrap();
    let mut first = answer(CXM_METRIC_NPS, &d.planted.nps, None);
    first.name = nps_name.as_ptr();
    // CES's bad row comes after CSAT's, but CES is listed first.
    let answers = [
        first,
        answer(CXM_METRIC_CES, &ces, None),
        answer(CXM_METRIC_CSAT, &csat, None),
    ];
    unsafe {
        let mut out = [sentinel(); 3];
        let st = cxm_segment_from_columns_many(
            answers.as_ptr(),
            3,
            &shared,
            CXM_POLICY_REJECT,
            ptr::null(),
            out.as_mut_ptr(),
        );
        expect(
            st,
            cxm_status::CXM_INVALID_SCORE,
            &[
                "cxm_segment_from_columns_many: row 100, column `ces`",
                "CES 1-7",
            ],
        );
        let many = error_body();
        assert_eq!(many.1, 100);
        assert!(out.iter().all(|p| p.is_null()), "all or nothing");

        // The first separate call that fails reports the same error.
        let mut want = None;
        for a in &answers {
            let mut one = sentinel();
            let st = cxm_segment_from_columns(
                &single(a, &shared),
                CXM_POLICY_REJECT,
                ptr::null(),
                &mut one,
            );
            if st != cxm_status::CXM_OK {
                assert!(one.is_null());
                want = Some((st, error_body()));
                break;
            }
            cxm_segment_table_free(one);
        }
        assert_eq!(want, Some((cxm_status::CXM_INVALID_SCORE, many)));

        // The column name given for an answer column is the one messages use.
        let mut nps = d.planted.nps.clone();
        nps[7] = f64::INFINITY;
        let mut named = answers;
        named[0].scores = nps.as_ptr();
        expect(
            cxm_segment_from_columns_many(
                named.as_ptr(),
                3,
                &shared,
                CXM_POLICY_REJECT,
                ptr::null(),
                out.as_mut_ptr(),
            ),
            cxm_status::CXM_NON_FINITE,
            &["row 7, column `q1`"],
        );
        assert_eq!(cxm_last_error_row(), 7);

        // A bad weight is every column's bad row: reported once, for the first.
        let mut weights = d.weights.clone();
        weights[42] = f64::NAN;
        let mut s2 = shared;
        s2.weights = weights.as_ptr();
        let fine = d.answers();
        expect(
            cxm_segment_from_columns_many(
                fine.as_ptr(),
                3,
                &s2,
                CXM_POLICY_REJECT,
                ptr::null(),
                out.as_mut_ptr(),
            ),
            cxm_status::CXM_INVALID_WEIGHT,
            &["row 42"],
        );
        assert!(out.iter().all(|p| p.is_null()));
    }
}

/// Calls the function with `answers` and `cols`, `out` of `answers.len()` slots
/// pre-filled with a sentinel, and checks the status, the message and that every slot
/// is NULL afterwards.
#[track_caller]
fn fails(
    answers: &[cxm_answer_column],
    cols: *const cxm_segment_shared_columns,
    policy: cxm_policy,
    opts: *const cxm_segment_options,
    want: cxm_status,
    fragments: &[&str],
) {
    let mut out = vec![sentinel(); answers.len()];
    // SAFETY: every array holds the declared number of elements.
    let st = unsafe {
        cxm_segment_from_columns_many(
            answers.as_ptr(),
            answers.len(),
            cols,
            policy,
            opts,
            out.as_mut_ptr(),
        )
    };
    expect(st, want, fragments);
    assert!(
        last_error().starts_with("cxm_segment_from_columns_many: "),
        "{}",
        last_error()
    );
    assert!(out.iter().all(|p| p.is_null()), "every out[i] is NULL");
}

#[test]
fn bad_arguments() {
    use cxm_status::*;
    let d = data();
    let dims = d.dims();
    let shared = d.shared(&dims);
    let answers = d.answers();
    let reject = CXM_POLICY_REJECT;
    unsafe {
        // NULL arrays.
        expect(
            cxm_segment_from_columns_many(
                answers.as_ptr(),
                3,
                &shared,
                reject,
                ptr::null(),
                ptr::null_mut(),
            ),
            CXM_NULL_POINTER,
            &["`out` is NULL but its length is 3"],
        );
        let mut out = [sentinel(); 3];
        expect(
            cxm_segment_from_columns_many(
                ptr::null(),
                3,
                &shared,
                reject,
                ptr::null(),
                out.as_mut_ptr(),
            ),
            CXM_NULL_POINTER,
            &["`answers` is NULL but its length is 3"],
        );
        assert!(out.iter().all(|p| p.is_null()));

        // k = 0, with or without arrays.
        for (a, o) in [
            (ptr::null(), ptr::null_mut()),
            (answers.as_ptr(), out.as_mut_ptr()),
        ] {
            expect(
                cxm_segment_from_columns_many(a, 0, &shared, reject, ptr::null(), o),
                CXM_INVALID_ARGUMENT,
                &["`k`", "no answer columns"],
            );
        }
        // A misaligned out array.
        let mut bytes = [0u8; 64];
        let odd = bytes.as_mut_ptr().add(1).cast::<*mut cxm_segment_table>();
        expect(
            cxm_segment_from_columns_many(answers.as_ptr(), 3, &shared, reject, ptr::null(), odd),
            CXM_INVALID_ARGUMENT,
            &["`out`", "not aligned"],
        );
    }

    // The shared columns.
    fails(
        &answers,
        ptr::null(),
        reject,
        ptr::null(),
        CXM_NULL_POINTER,
        &["`cols`"],
    );
    let mut c = shared;
    c.size = 8;
    fails(
        &answers,
        &c,
        reject,
        ptr::null(),
        CXM_INVALID_ARGUMENT,
        &["sizeof(cxm_segment_shared_columns) = 72"],
    );
    let mut c = shared;
    c._reserved = 1;
    fails(
        &answers,
        &c,
        reject,
        ptr::null(),
        CXM_INVALID_ARGUMENT,
        &["cols->_reserved"],
    );
    let mut c = shared;
    c.dims = ptr::null();
    fails(
        &answers,
        &c,
        reject,
        ptr::null(),
        CXM_NULL_POINTER,
        &["cols->dims"],
    );
    let mut c = shared;
    c.timestamps = ptr::null();
    fails(
        &answers,
        &c,
        reject,
        ptr::null(),
        CXM_NULL_POINTER,
        &["cols->timestamps"],
    );
    let bad_bucket = [CXM_TIME_BUCKET_QUARTER + 1];
    let mut c = shared;
    c.time_buckets = bad_bucket.as_ptr();
    fails(
        &answers,
        &c,
        reject,
        ptr::null(),
        CXM_INVALID_ARGUMENT,
        &["cols->time_buckets[0]"],
    );

    // Lengths: no rows, and more rows than memory can hold.
    let mut c = shared;
    c.n_rows = 0;
    fails(
        &answers,
        &c,
        CXM_POLICY_SKIP,
        ptr::null(),
        CXM_EMPTY_INPUT,
        &["zero rows"],
    );
    let mut c = shared;
    c.n_rows = usize::MAX / 2;
    fails(
        &answers,
        &c,
        reject,
        ptr::null(),
        CXM_INVALID_ARGUMENT,
        &["answers[0].scores", "too large"],
    );

    // Levels: a code at or above its dimension's number of levels, a bad level label.
    let one_level = cstrings(&["A"]);
    let few = [
        cxm_code_dimension {
            levels: one_level.as_ptr(),
            n_levels: 1,
            ..dims[0]
        },
        dims[1],
    ];
    let c = d.shared(&few);
    fails(
        &answers,
        &c,
        CXM_POLICY_SKIP,
        ptr::null(),
        CXM_INVALID_ARGUMENT,
        &["code 1 is not below the number of levels 1"],
    );
    let bad_label = cstrings_opt(&[Some(b"app"), Some(b"\xffweb")]);
    let labels = [
        dims[0],
        cxm_code_dimension {
            levels: bad_label.as_ptr(),
            ..dims[1]
        },
    ];
    let c = d.shared(&labels);
    fails(
        &answers,
        &c,
        reject,
        ptr::null(),
        CXM_INVALID_UTF8,
        &["cols->dims[1].levels[1]"],
    );

    // The answer columns.
    let mut a = answers;
    a[1].metric = 3;
    fails(
        &a,
        &shared,
        reject,
        ptr::null(),
        CXM_INVALID_ARGUMENT,
        &["answers[1].metric", "3 is not a CXM_METRIC_* value"],
    );
    let mut a = answers;
    a[1].csat_points = 20;
    fails(
        &a,
        &shared,
        reject,
        ptr::null(),
        CXM_INVALID_ARGUMENT,
        &["answers[1].csat_points", "2 to 11"],
    );
    let mut a = answers;
    a[2].scores = ptr::null();
    fails(
        &a,
        &shared,
        reject,
        ptr::null(),
        CXM_NULL_POINTER,
        &["answers[2].scores"],
    );
    let bad_name = b"nps\xff\0";
    let mut a = answers;
    a[0].name = bad_name.as_ptr().cast::<c_char>();
    fails(
        &a,
        &shared,
        reject,
        ptr::null(),
        CXM_INVALID_UTF8,
        &["answers[0].name"],
    );
    // CSAT on 1-5 does not accept the NPS scores.
    let mut a = answers;
    a[1].scores = d.planted.nps.as_ptr();
    fails(
        &a,
        &shared,
        reject,
        ptr::null(),
        CXM_INVALID_SCORE,
        &["column `csat`", "CSAT 1-5"],
    );

    // One column with nothing to compute on fails the whole call, naming the column.
    let none = vec![false; d.ces.len()];
    let mut a = answers;
    a[2].present = none.as_ptr();
    fails(
        &a,
        &shared,
        reject,
        ptr::null(),
        CXM_EMPTY_INPUT,
        &["answers[2] (`ces`)", "no CES 1-7 answers"],
    );

    // Policy and options.
    fails(
        &answers,
        &shared,
        7,
        ptr::null(),
        CXM_INVALID_ARGUMENT,
        &["policy"],
    );
    let mut opts: cxm_segment_options = sized();
    opts.alpha = 1.5;
    fails(
        &answers,
        &shared,
        reject,
        &opts,
        CXM_INVALID_ARGUMENT,
        &["alpha"],
    );
    let mut opts: cxm_segment_options = sized();
    opts._reserved = 2;
    fails(
        &answers,
        &shared,
        reject,
        &opts,
        CXM_INVALID_ARGUMENT,
        &["opts->_reserved"],
    );

    // The library works normally afterwards.
    unsafe {
        many_equals_separate(&answers, &shared, reject, ptr::null());
    }
}

/// A caller built against a newer header (a larger `size`) is accepted when the fields
/// this version does not know are zero, rejected otherwise.
#[test]
fn newer_shared_columns_struct() {
    #[repr(C)]
    #[derive(Clone, Copy)]
    struct Newer {
        known: cxm_segment_shared_columns,
        extra: u64,
    }
    let d = data();
    let dims = d.dims();
    let answers = d.answers();
    let mut newer = Newer {
        known: d.shared(&dims),
        extra: 0,
    };
    newer.known.size = std::mem::size_of::<Newer>();
    let cols = (&newer as *const Newer).cast::<cxm_segment_shared_columns>();
    let mut out = [ptr::null_mut(); 3];
    unsafe {
        ok(cxm_segment_from_columns_many(
            answers.as_ptr(),
            3,
            cols,
            CXM_POLICY_REJECT,
            ptr::null(),
            out.as_mut_ptr(),
        ));
        for t in out {
            assert_eq!(cxm_segment_table_len(t), 24);
            cxm_segment_table_free(t);
        }
    }
    newer.extra = 1;
    fails(
        &answers,
        (&newer as *const Newer).cast(),
        CXM_POLICY_REJECT,
        ptr::null(),
        cxm_status::CXM_INVALID_ARGUMENT,
        &["does not know"],
    );
}
