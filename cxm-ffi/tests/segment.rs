//! Segmentation and hotspot search through the C entry points, from a table and straight
//! from arrays, and their bad arguments.

mod common;

use std::ffi::{c_char, CString};
use std::ptr;

use common::*;
use cxm::*;

struct Fixture {
    data: Planted,
    _names: Vec<CString>,
    store: CStrings,
    channel: CStrings,
    attrs: Vec<cxm_attribute_column>,
}

fn fixture() -> Fixture {
    let data = planted();
    let names = vec![
        CString::new("store").unwrap(),
        CString::new("channel").unwrap(),
    ];
    let store = cstrings(&data.store);
    let channel = cstrings(&data.channel);
    let attrs = vec![
        cxm_attribute_column {
            name: names[0].as_ptr(),
            values: store.as_ptr(),
            codes: ptr::null(),
            levels: ptr::null(),
            n_levels: 0,
        },
        cxm_attribute_column {
            name: names[1].as_ptr(),
            values: channel.as_ptr(),
            codes: ptr::null(),
            levels: ptr::null(),
            n_levels: 0,
        },
    ];
    Fixture {
        data,
        _names: names,
        store,
        channel,
        attrs,
    }
}

unsafe fn table(f: &Fixture) -> *mut cxm_table {
    let mut input: cxm_table_input = sized();
    input.n_rows = f.data.nps.len();
    input.nps = f.data.nps.as_ptr();
    input.timestamps = f.data.timestamps.as_ptr();
    input.attributes = f.attrs.as_ptr();
    input.n_attributes = f.attrs.len();
    let mut t = ptr::null_mut();
    ok(cxm_table_new(&input, CXM_POLICY_REJECT, &mut t));
    assert_eq!(f.store.len(), f.channel.len());
    t
}

unsafe fn rows(t: *const cxm_segment_table) -> Vec<(Vec<String>, cxm_segment_row)> {
    (0..cxm_segment_table_len(t))
        .map(|i| {
            let mut r: cxm_segment_row = sized();
            ok(cxm_segment_table_row(t, i, &mut r));
            let keys = (0..cxm_segment_table_dims(t))
                .map(|j| borrowed(cxm_segment_table_key(t, i, j)))
                .collect();
            (keys, r)
        })
        .collect()
}

#[test]
fn segment_by_store_and_daypart() {
    let f = fixture();
    unsafe {
        let t = table(&f);
        let by = cstrings(&["store"]);
        let buckets = [CXM_TIME_BUCKET_DAYPART];
        let mut spec: cxm_segment_spec = sized();
        spec.metric = CXM_METRIC_NPS;
        spec.attributes = by.as_ptr();
        spec.n_attributes = 1;
        spec.time_buckets = buckets.as_ptr();
        spec.n_time_buckets = 1;
        let mut seg = ptr::null_mut();
        ok(cxm_segment(t, &spec, ptr::null(), &mut seg));
        assert_eq!(cxm_segment_table_dims(seg), 2);
        assert_eq!(borrowed(cxm_segment_table_dim_name(seg, 0)), "store");
        assert_eq!(borrowed(cxm_segment_table_dim_name(seg, 1)), "daypart");
        assert!(cxm_segment_table_dim_name(seg, 2).is_null());
        let groups = rows(seg);
        assert_eq!(groups.len(), 8);
        let (keys, worst) = groups
            .iter()
            .min_by(|a, b| a.1.value.total_cmp(&b.1.value))
            .unwrap();
        assert_eq!(keys, &["B", "evening"]);
        assert_eq!(worst.n, 50);
        assert_eq!(worst.value, -100.0);
        assert_eq!(worst.flag, CXM_FLAG_WORSE);
        assert!(worst.cost > 0.0 && worst.q_value < 0.05);
        assert!(worst.diff < 0.0 && worst.low <= worst.value);

        let mut all: cxm_segment_overall = sized();
        ok(cxm_segment_table_overall(seg, &mut all));
        assert_eq!(all.metric, CXM_METRIC_NPS);
        assert_eq!((all.n, all.missing, all.groups), (400, 0, 8));
        assert!(all.low < all.value && all.value < all.high);
        let mut lr: cxm_load_report = sized();
        ok(cxm_segment_table_load_report(seg, &mut lr));
        assert_eq!((lr.rows_in, lr.rows_accepted), (400, 400));

        let mut json = ptr::null_mut();
        ok(cxm_segment_table_to_json(seg, &mut json));
        let text = take_string(json);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["rows"].as_array().unwrap().len(), 8);
        assert_eq!(v["dims"][1], "daypart");

        // Accessors out of range.
        let mut r: cxm_segment_row = sized();
        expect(
            cxm_segment_table_row(seg, 8, &mut r),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["row 8 is out of range", "has 8"],
        );
        expect(
            cxm_segment_table_row(seg, 0, ptr::null_mut()),
            cxm_status::CXM_NULL_POINTER,
            &["`out`"],
        );
        assert!(cxm_segment_table_key(seg, 8, 0).is_null());
        assert!(cxm_segment_table_key(seg, 0, 2).is_null());
        assert!(cxm_segment_table_key(ptr::null(), 0, 0).is_null());
        assert_eq!(cxm_segment_table_len(ptr::null()), 0);
        assert_eq!(cxm_segment_table_dims(ptr::null()), 0);
        cxm_segment_table_free(seg);
        cxm_segment_table_free(ptr::null_mut());

        // Suppression below min_n, then no suppression with min_n = 1.
        let mut opts: cxm_segment_options = sized();
        opts.min_n = 60;
        ok(cxm_segment(t, &spec, &opts, &mut seg));
        assert!(rows(seg)
            .iter()
            .all(|(_, r)| r.flag == CXM_FLAG_SUPPRESSED && r.value.is_nan() && r.n == 50));
        cxm_segment_table_free(seg);
        cxm_table_free(t);
    }
}

#[test]
fn segment_bad_arguments() {
    let f = fixture();
    unsafe {
        let t = table(&f);
        let by = cstrings(&["region"]);
        let mut spec: cxm_segment_spec = sized();
        spec.attributes = by.as_ptr();
        spec.n_attributes = 1;
        let mut seg = ptr::null_mut();
        expect(
            cxm_segment(t, &spec, ptr::null(), &mut seg),
            cxm_status::CXM_MISSING_COLUMN,
            &["`region` not found", "store, channel"],
        );
        assert!(seg.is_null());
        let mut s2 = spec;
        s2.metric = 9;
        expect(
            cxm_segment(t, &s2, ptr::null(), &mut seg),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["spec->metric", "9"],
        );
        let buckets = [CXM_TIME_BUCKET_QUARTER + 1];
        let mut s3: cxm_segment_spec = sized();
        s3.time_buckets = buckets.as_ptr();
        s3.n_time_buckets = 1;
        expect(
            cxm_segment(t, &s3, ptr::null(), &mut seg),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["spec->time_buckets[0]"],
        );
        expect(
            cxm_segment(t, &s2, ptr::null(), ptr::null_mut()),
            cxm_status::CXM_NULL_POINTER,
            &["`out`"],
        );
        expect(
            cxm_segment(ptr::null(), &spec, ptr::null(), &mut seg),
            cxm_status::CXM_NULL_POINTER,
            &["`table`"],
        );
        expect(
            cxm_segment(t, ptr::null(), ptr::null(), &mut seg),
            cxm_status::CXM_NULL_POINTER,
            &["`spec`"],
        );
        let mut s4 = spec;
        s4.attributes = ptr::null();
        expect(
            cxm_segment(t, &s4, ptr::null(), &mut seg),
            cxm_status::CXM_NULL_POINTER,
            &["spec->attributes"],
        );
        let mut opts: cxm_segment_options = sized();
        opts.alpha = 2.0;
        let ok_by = cstrings(&["store"]);
        let mut s5 = spec;
        s5.attributes = ok_by.as_ptr();
        expect(
            cxm_segment(t, &s5, &opts, &mut seg),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["alpha"],
        );
        opts.alpha = 0.0;
        opts.confidence = -1.0;
        expect(
            cxm_segment(t, &s5, &opts, &mut seg),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["confidence"],
        );
        // CES is not in the table.
        let mut s6 = s5;
        s6.metric = CXM_METRIC_CES;
        expect(
            cxm_segment(t, &s6, ptr::null(), &mut seg),
            cxm_status::CXM_MISSING_COLUMN,
            &["`ces`"],
        );
        cxm_table_free(t);

        // A time bucket without a timestamp column.
        let mut input: cxm_table_input = sized();
        input.n_rows = f.data.nps.len();
        input.nps = f.data.nps.as_ptr();
        let mut t2 = ptr::null_mut();
        ok(cxm_table_new(&input, CXM_POLICY_REJECT, &mut t2));
        let hour = [CXM_TIME_BUCKET_HOUR];
        let mut s7: cxm_segment_spec = sized();
        s7.time_buckets = hour.as_ptr();
        s7.n_time_buckets = 1;
        expect(
            cxm_segment(t2, &s7, ptr::null(), &mut seg),
            cxm_status::CXM_MISSING_COLUMN,
            &["`timestamp`"],
        );
        cxm_table_free(t2);
    }
}

fn columns(f: &Fixture, levels: &CStrings, dims: &[cxm_code_dimension]) -> cxm_segment_columns {
    let mut c: cxm_segment_columns = sized();
    c.n_rows = f.data.nps.len();
    c.metric = CXM_METRIC_NPS;
    c.scores = f.data.nps.as_ptr();
    c.dims = dims.as_ptr();
    c.n_dims = dims.len();
    c.timestamps = f.data.timestamps.as_ptr();
    assert_eq!(levels.len(), 2);
    c
}

#[test]
fn segment_from_columns_matches_table_path() {
    let f = fixture();
    let levels = cstrings(&["A", "B"]);
    let name = CString::new("store").unwrap();
    let dims = [cxm_code_dimension {
        name: name.as_ptr(),
        codes: f.data.store_codes.as_ptr(),
        levels: levels.as_ptr(),
        n_levels: 2,
    }];
    let buckets = [CXM_TIME_BUCKET_DAYPART];
    let mut c = columns(&f, &levels, &dims);
    c.time_buckets = buckets.as_ptr();
    c.n_time_buckets = 1;
    unsafe {
        let mut direct = ptr::null_mut();
        ok(cxm_segment_from_columns(
            &c,
            CXM_POLICY_REJECT,
            ptr::null(),
            &mut direct,
        ));
        let t = table(&f);
        let by = cstrings(&["store"]);
        let mut spec: cxm_segment_spec = sized();
        spec.attributes = by.as_ptr();
        spec.n_attributes = 1;
        spec.time_buckets = buckets.as_ptr();
        spec.n_time_buckets = 1;
        let mut via_table = ptr::null_mut();
        ok(cxm_segment(t, &spec, ptr::null(), &mut via_table));
        let a = rows(direct);
        let b = rows(via_table);
        assert_eq!(a.len(), b.len());
        for ((ka, ra), (kb, rb)) in a.iter().zip(&b) {
            assert_eq!(ka, kb);
            assert_eq!(ra.n, rb.n);
            assert_eq!(ra.value.to_bits(), rb.value.to_bits());
            assert_eq!(ra.flag, rb.flag);
        }
        cxm_segment_table_free(direct);
        cxm_segment_table_free(via_table);
        cxm_table_free(t);

        // Skip: a NaN score and a missing timestamp are counted, not fatal.
        let mut scores = f.data.nps.clone();
        scores[3] = f64::NAN;
        let mut ts = f.data.timestamps.clone();
        ts[5] = i64::MIN;
        let mut c2 = c;
        c2.scores = scores.as_ptr();
        c2.timestamps = ts.as_ptr();
        let mut seg = ptr::null_mut();
        expect(
            cxm_segment_from_columns(&c2, CXM_POLICY_REJECT, ptr::null(), &mut seg),
            cxm_status::CXM_NON_FINITE,
            &["row 3"],
        );
        ok(cxm_segment_from_columns(
            &c2,
            CXM_POLICY_SKIP,
            ptr::null(),
            &mut seg,
        ));
        let mut lr: cxm_load_report = sized();
        ok(cxm_segment_table_load_report(seg, &mut lr));
        assert_eq!((lr.rows_in, lr.rows_accepted), (400, 398));
        assert_eq!(
            (lr.skipped_non_finite, lr.skipped_invalid_timestamp),
            (1, 1)
        );
        cxm_segment_table_free(seg);

        // Mask: skipped answers are missing, not bad.
        let mut present = vec![true; 400];
        present[0] = false;
        let mut c3 = c;
        c3.present = present.as_ptr();
        ok(cxm_segment_from_columns(
            &c3,
            CXM_POLICY_REJECT,
            ptr::null(),
            &mut seg,
        ));
        let mut all: cxm_segment_overall = sized();
        ok(cxm_segment_table_overall(seg, &mut all));
        assert_eq!((all.n, all.missing), (399, 1));
        cxm_segment_table_free(seg);
    }
}

#[test]
fn segment_from_columns_bad_arguments() {
    let f = fixture();
    let levels = cstrings(&["A", "B"]);
    let name = CString::new("store").unwrap();
    let one_level = cstrings(&["A"]);
    let dims = [cxm_code_dimension {
        name: name.as_ptr(),
        codes: f.data.store_codes.as_ptr(),
        levels: one_level.as_ptr(),
        n_levels: 1,
    }];
    let c = columns(&f, &levels, &dims);
    unsafe {
        let mut seg = ptr::null_mut();
        expect(
            cxm_segment_from_columns(&c, CXM_POLICY_SKIP, ptr::null(), &mut seg),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["code 1 is not below the number of levels 1"],
        );
        let mut c2 = c;
        c2.n_dims = 0;
        let hour = [CXM_TIME_BUCKET_HOUR];
        c2.time_buckets = hour.as_ptr();
        c2.n_time_buckets = 1;
        c2.timestamps = ptr::null();
        expect(
            cxm_segment_from_columns(&c2, CXM_POLICY_SKIP, ptr::null(), &mut seg),
            cxm_status::CXM_NULL_POINTER,
            &["cols->timestamps"],
        );
        let mut c3 = c;
        c3.n_dims = 0;
        c3.scores = ptr::null();
        expect(
            cxm_segment_from_columns(&c3, CXM_POLICY_SKIP, ptr::null(), &mut seg),
            cxm_status::CXM_NULL_POINTER,
            &["cols->scores"],
        );
        let mut c4 = c;
        c4.n_dims = 0;
        c4.n_rows = 0;
        expect(
            cxm_segment_from_columns(&c4, CXM_POLICY_SKIP, ptr::null(), &mut seg),
            cxm_status::CXM_EMPTY_INPUT,
            &[],
        );
        let mut c5 = c;
        c5.n_dims = 0;
        c5.metric = CXM_METRIC_CSAT;
        expect(
            cxm_segment_from_columns(&c5, CXM_POLICY_REJECT, ptr::null(), &mut seg),
            cxm_status::CXM_INVALID_SCORE,
            &["CSAT 1-5"],
        );
        c5.csat_points = 11;
        // The planted zeros are off a 1-11 scale: skipped, the rest segmented.
        ok(cxm_segment_from_columns(
            &c5,
            CXM_POLICY_SKIP,
            ptr::null(),
            &mut seg,
        ));
        let mut lr: cxm_load_report = sized();
        ok(cxm_segment_table_load_report(seg, &mut lr));
        assert_eq!(lr.skipped_invalid_score, 50);
        cxm_segment_table_free(seg);
        c5.csat_points = 20;
        expect(
            cxm_segment_from_columns(&c5, CXM_POLICY_REJECT, ptr::null(), &mut seg),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["points"],
        );
        let bad_level = cstrings_opt(&[Some(b"A"), Some(b"\xffB")]);
        let dims2 = [cxm_code_dimension {
            levels: bad_level.as_ptr(),
            n_levels: 2,
            ..dims[0]
        }];
        let mut c6 = c;
        c6.dims = dims2.as_ptr();
        expect(
            cxm_segment_from_columns(&c6, CXM_POLICY_SKIP, ptr::null(), &mut seg),
            cxm_status::CXM_INVALID_UTF8,
            &["cols->dims[0].levels[1]"],
        );
        let mut c7 = c;
        c7._reserved = 1;
        expect(
            cxm_segment_from_columns(&c7, CXM_POLICY_SKIP, ptr::null(), &mut seg),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["reserved"],
        );
        expect(
            cxm_segment_from_columns(ptr::null(), CXM_POLICY_SKIP, ptr::null(), &mut seg),
            cxm_status::CXM_NULL_POINTER,
            &["`cols`"],
        );
        assert!(seg.is_null());
    }
}

unsafe fn hotspot_list(l: *const cxm_hotspot_list) -> Vec<(String, cxm_hotspot)> {
    (0..cxm_hotspot_list_len(l))
        .map(|i| {
            let mut h: cxm_hotspot = sized();
            ok(cxm_hotspot_list_get(l, i, &mut h));
            (borrowed(cxm_hotspot_list_describe(l, i)), h)
        })
        .collect()
}

#[test]
fn hotspots_find_the_planted_slice() {
    let f = fixture();
    unsafe {
        let t = table(&f);
        let by = cstrings(&["store", "channel"]);
        let buckets = [CXM_TIME_BUCKET_DAYPART, CXM_TIME_BUCKET_HOUR];
        let mut spec: cxm_segment_spec = sized();
        spec.attributes = by.as_ptr();
        spec.n_attributes = 2;
        spec.time_buckets = buckets.as_ptr();
        spec.n_time_buckets = 2;
        let mut l = ptr::null_mut();
        ok(cxm_hotspots(t, &spec, ptr::null(), &mut l));
        let list = hotspot_list(l);
        assert!(!list.is_empty());
        let (top, h) = &list[0];
        assert!(
            top == "store=B & daypart=evening" || top == "store=B & hour=19",
            "{top}"
        );
        assert_eq!(h.n, 50);
        assert_eq!(h.n_conditions, 2);
        assert_eq!(h.flag, CXM_FLAG_WORSE);
        assert!(h.cost > 0.0 && h.q_value < 0.05);
        let (mut d, mut v): (*const c_char, *const c_char) = (ptr::null(), ptr::null());
        ok(cxm_hotspot_list_condition(l, 0, 0, &mut d, &mut v));
        assert_eq!((borrowed(d), borrowed(v)), ("store".into(), "B".into()));
        expect(
            cxm_hotspot_list_condition(l, 0, 2, &mut d, &mut v),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["condition 2 is out of range"],
        );
        expect(
            cxm_hotspot_list_condition(l, 99, 0, &mut d, &mut v),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["hotspot 99 is out of range"],
        );
        expect(
            cxm_hotspot_list_condition(l, 0, 0, ptr::null_mut(), &mut v),
            cxm_status::CXM_NULL_POINTER,
            &["`dimension`"],
        );
        let mut h2: cxm_hotspot = sized();
        expect(
            cxm_hotspot_list_get(l, 99, &mut h2),
            cxm_status::CXM_INVALID_ARGUMENT,
            &[],
        );
        assert!(cxm_hotspot_list_describe(l, 99).is_null());
        let mut json = ptr::null_mut();
        ok(cxm_hotspot_list_to_json(l, &mut json));
        let v: serde_json::Value = serde_json::from_str(&take_string(json)).unwrap();
        assert_eq!(v.as_array().unwrap().len(), list.len());
        cxm_hotspot_list_free(l);

        // Same search straight from arrays.
        let levels = cstrings(&["A", "B"]);
        let name = CString::new("store").unwrap();
        let dims = [cxm_code_dimension {
            name: name.as_ptr(),
            codes: f.data.store_codes.as_ptr(),
            levels: levels.as_ptr(),
            n_levels: 2,
        }];
        let mut c = columns(&f, &levels, &dims);
        c.time_buckets = buckets.as_ptr();
        c.n_time_buckets = 2;
        let mut opts: cxm_hotspot_options = sized();
        opts.max_depth = 2;
        opts.top = 3;
        ok(cxm_hotspots_from_columns(
            &c,
            CXM_POLICY_REJECT,
            &opts,
            &mut l,
        ));
        let direct = hotspot_list(l);
        assert!(direct.len() <= 3);
        assert_eq!(direct[0].1.n, 50);
        cxm_hotspot_list_free(l);

        // Bad options.
        opts.max_depth = 4;
        expect(
            cxm_hotspots(t, &spec, &opts, &mut l),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["max_depth"],
        );
        assert!(l.is_null());
        opts.max_depth = 0;
        opts.concentration = 2.0;
        expect(
            cxm_hotspots(t, &spec, &opts, &mut l),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["concentration"],
        );
        opts.concentration = 0.0;
        opts.nps_interval = 5;
        expect(
            cxm_hotspots(t, &spec, &opts, &mut l),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["nps_interval"],
        );
        let empty: cxm_segment_spec = sized();
        expect(
            cxm_hotspots(t, &empty, ptr::null(), &mut l),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["at least one dimension"],
        );
        assert_eq!(cxm_hotspot_list_len(ptr::null()), 0);
        cxm_hotspot_list_free(ptr::null_mut());
        cxm_table_free(t);
    }
}
