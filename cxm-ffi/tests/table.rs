//! Tables from C arrays and CSV through the C entry points: row accounting, invalid
//! UTF-8 and NULL strings in row data, and every bad argument.

mod common;

use std::ffi::{c_char, CString};
use std::ptr;

use common::*;
use cxm::*;

unsafe fn new_table(input: &cxm_table_input, policy: cxm_policy) -> (cxm_status, *mut cxm_table) {
    let mut t = ptr::null_mut();
    let st = cxm_table_new(input, policy, &mut t);
    if st != cxm_status::CXM_OK {
        assert!(t.is_null(), "no handle on failure");
    }
    (st, t)
}

unsafe fn report(t: *const cxm_table) -> cxm_load_report {
    let mut r: cxm_load_report = sized();
    ok(cxm_table_load_report(t, &mut r));
    r
}

#[test]
fn builds_from_arrays() {
    let nps = [10.0, 3.0, 8.0, 9.0];
    let csat = [5.0, f64::NAN, 4.0, 1.0];
    let csat_present = [true, false, true, true];
    let weights = [1.0, 2.0, 1.0, 0.5];
    let ts = cstrings(&[
        "2025-03-04T18:30:00+01:00",
        "1741109400",
        "2025-03-04T17:30:00Z",
        "2025-03-05 09:00:00+00:00",
    ]);
    let store = cstrings(&["A", "B", "A", "C"]);
    let levels = cstrings(&["web", "app"]);
    let channel_codes = [0i32, 1, -1, 0];
    let comments = cstrings(&["great", "", "slow", "ok"]);
    let store_name = CString::new("store").unwrap();
    let channel_name = CString::new("channel").unwrap();
    let attrs = [
        cxm_attribute_column {
            name: store_name.as_ptr(),
            values: store.as_ptr(),
            codes: ptr::null(),
            levels: ptr::null(),
            n_levels: 0,
        },
        cxm_attribute_column {
            name: channel_name.as_ptr(),
            values: ptr::null(),
            codes: channel_codes.as_ptr(),
            levels: levels.as_ptr(),
            n_levels: levels.len(),
        },
    ];
    let mut input: cxm_table_input = sized();
    input.n_rows = 4;
    input.nps = nps.as_ptr();
    input.csat = csat.as_ptr();
    input.csat_present = csat_present.as_ptr();
    input.weights = weights.as_ptr();
    input.timestamp_text = ts.as_ptr();
    input.attributes = attrs.as_ptr();
    input.n_attributes = 2;
    input.comments = comments.as_ptr();
    unsafe {
        let (st, t) = new_table(&input, CXM_POLICY_REJECT);
        ok(st);
        assert_eq!(cxm_table_len(t), 4);
        let r = report(t);
        assert_eq!((r.rows_in, r.rows_accepted, r.rows_skipped), (4, 4, 0));

        let mut n: cxm_nps_result = sized();
        ok(cxm_table_nps(t, ptr::null(), &mut n));
        // Weighted: promoters 10 (w1), 9 (w0.5); detractor 3 (w2); passive 8 (w1).
        assert!((n.nps - 100.0 * (1.5 - 2.0) / 4.5).abs() < 1e-9);
        let mut c: cxm_csat_result = sized();
        ok(cxm_table_csat(t, ptr::null(), &mut c));
        assert_eq!(c.sample.n, 3, "the skipped CSAT answer is not counted");
        let mut e: cxm_ces_result = sized();
        expect(
            cxm_table_ces(t, ptr::null(), &mut e),
            cxm_status::CXM_MISSING_COLUMN,
            &["`ces` not found", "store", "channel"],
        );

        // Segment by the coded attribute: the negative code is "(missing)".
        let by = cstrings(&["channel"]);
        let mut spec: cxm_segment_spec = sized();
        spec.attributes = by.as_ptr();
        spec.n_attributes = 1;
        let mut opts: cxm_segment_options = sized();
        opts.min_n = 1;
        let mut seg = ptr::null_mut();
        ok(cxm_segment(t, &spec, &opts, &mut seg));
        let keys: Vec<String> = (0..cxm_segment_table_len(seg))
            .map(|i| borrowed(cxm_segment_table_key(seg, i, 0)))
            .collect();
        assert_eq!(keys, ["(missing)", "app", "web"]);
        cxm_segment_table_free(seg);
        cxm_table_free(t);
    }
}

#[test]
fn bad_rows_reject_and_skip() {
    // Row 0 fine; row 1 NaN; row 2 out of range; row 3 negative weight; row 4 bad
    // timestamp; row 5 invalid UTF-8 in an attribute; row 6 NULL attribute string;
    // row 7 non-integer score; row 8 fine.
    let nps = [10.0, f64::NAN, 11.0, 5.0, 5.0, 5.0, 5.0, 7.5, 9.0];
    let weights = [1.0, 1.0, 1.0, -1.0, 1.0, 1.0, 1.0, 1.0, 1.0];
    let ts = cstrings(&["0", "1", "2", "3", "yesterday", "5", "6", "7", "8"]);
    let store = cstrings_opt(&[
        Some(b"A"),
        Some(b"A"),
        Some(b"A"),
        Some(b"A"),
        Some(b"A"),
        Some(b"Leeds \xff"),
        None,
        Some(b"A"),
        Some(b"B"),
    ]);
    let name = CString::new("store").unwrap();
    let attrs = [cxm_attribute_column {
        name: name.as_ptr(),
        values: store.as_ptr(),
        codes: ptr::null(),
        levels: ptr::null(),
        n_levels: 0,
    }];
    let mut input: cxm_table_input = sized();
    input.n_rows = 9;
    input.nps = nps.as_ptr();
    input.weights = weights.as_ptr();
    input.timestamp_text = ts.as_ptr();
    input.attributes = attrs.as_ptr();
    input.n_attributes = 1;
    unsafe {
        let (st, t) = new_table(&input, CXM_POLICY_SKIP);
        ok(st);
        let r = report(t);
        assert_eq!((r.rows_in, r.rows_accepted, r.rows_skipped), (9, 2, 7));
        assert_eq!(r.skipped_non_finite, 1);
        assert_eq!(r.skipped_invalid_score, 2);
        assert_eq!(r.skipped_invalid_weight, 1);
        assert_eq!(r.skipped_invalid_timestamp, 1);
        assert_eq!(r.skipped_invalid_utf8, 1);
        assert_eq!(r.skipped_malformed_record, 1);
        assert_eq!(r.skipped_invalid_number, 0);
        cxm_table_free(t);

        // Reject reports the first bad row, with its own code; move the window along.
        let cases: [(usize, cxm_status, &[&str]); 7] = [
            (1, cxm_status::CXM_NON_FINITE, &["row 1", "not finite"]),
            (2, cxm_status::CXM_INVALID_SCORE, &["row 2", "11"]),
            (3, cxm_status::CXM_INVALID_WEIGHT, &["row 3", "-1"]),
            (
                4,
                cxm_status::CXM_INVALID_TIMESTAMP,
                &["row 4", "yesterday"],
            ),
            (
                5,
                cxm_status::CXM_INVALID_UTF8,
                &["row 5", "`store`", "UTF-8"],
            ),
            (
                6,
                cxm_status::CXM_NULL_POINTER,
                &["`store`", "row 6 is a NULL string"],
            ),
            (7, cxm_status::CXM_INVALID_SCORE, &["row 7", "7.5"]),
        ];
        for (bad, status, fragments) in cases {
            // Two rows: the good row 0, then bad row `bad` (now row 1).
            let pick = |i: usize| [0, bad][i];
            let nps2: Vec<f64> = (0..2).map(|i| nps[pick(i)]).collect();
            let w2: Vec<f64> = (0..2).map(|i| weights[pick(i)]).collect();
            let ts2: Vec<*const c_char> = (0..2).map(|i| ts.ptrs[pick(i)]).collect();
            let store2: Vec<*const c_char> = (0..2).map(|i| store.ptrs[pick(i)]).collect();
            let attrs2 = [cxm_attribute_column {
                values: store2.as_ptr(),
                ..attrs[0]
            }];
            let mut sub = input;
            sub.n_rows = 2;
            sub.nps = nps2.as_ptr();
            sub.weights = w2.as_ptr();
            sub.timestamp_text = ts2.as_ptr();
            sub.attributes = attrs2.as_ptr();
            let (st, _) = new_table(&sub, CXM_POLICY_REJECT);
            let fragments: Vec<String> = fragments
                .iter()
                .map(|f| f.replace(&format!("row {bad}"), "row 1"))
                .collect();
            let fragments: Vec<&str> = fragments.iter().map(String::as_str).collect();
            expect(st, status, &fragments);
            if status != cxm_status::CXM_NULL_POINTER {
                assert_eq!(cxm_last_error_row(), 1);
            }
        }
    }
}

#[test]
fn text_columns_null_and_utf8() {
    let nps = [10.0, 9.0, 8.0];
    let comments = cstrings_opt(&[Some(b"fine"), None, Some(b"ok")]);
    let ids = cstrings_opt(&[Some(b"r1"), Some(b"r\xc3"), Some(b"r3")]);
    let ts = cstrings_opt(&[Some(b"0"), Some(b"1"), None]);
    let mut input: cxm_table_input = sized();
    input.n_rows = 3;
    input.nps = nps.as_ptr();
    input.comments = comments.as_ptr();
    input.respondent_ids = ids.as_ptr();
    input.timestamp_text = ts.as_ptr();
    unsafe {
        let (st, _) = new_table(&input, CXM_POLICY_REJECT);
        expect(st, cxm_status::CXM_NULL_POINTER, &["`comment`", "row 1"]);
        let (st, t) = new_table(&input, CXM_POLICY_SKIP);
        ok(st);
        let r = report(t);
        assert_eq!(r.rows_accepted, 1);
        // Row 1: the NULL comment is found first (malformed), though its id is not UTF-8.
        assert_eq!(r.skipped_malformed_record, 2);
        assert_eq!(r.skipped_invalid_utf8, 0);
        cxm_table_free(t);
    }
}

#[test]
fn bad_table_arguments() {
    let nps = [10.0, 9.0];
    let epoch = [0i64, 1];
    let ts = cstrings(&["0", "1"]);
    let name = CString::new("store").unwrap();
    let levels = cstrings(&["x"]);
    let codes = [0i32, 1];
    let values = cstrings(&["a", "b"]);
    unsafe {
        let mut t = ptr::null_mut();
        expect(
            cxm_table_new(ptr::null(), CXM_POLICY_REJECT, &mut t),
            cxm_status::CXM_NULL_POINTER,
            &["`input`"],
        );
        let mut input: cxm_table_input = sized();
        input.n_rows = 2;
        input.nps = nps.as_ptr();
        expect(
            cxm_table_new(&input, CXM_POLICY_REJECT, ptr::null_mut()),
            cxm_status::CXM_NULL_POINTER,
            &["`out`"],
        );
        expect(
            cxm_table_new(&input, 2, &mut t),
            cxm_status::CXM_INVALID_ARGUMENT,
            &["policy", "2"],
        );

        let mut both = input;
        both.timestamps = epoch.as_ptr();
        both.timestamp_text = ts.as_ptr();
        expect(
            new_table(&both, CXM_POLICY_REJECT).0,
            cxm_status::CXM_INVALID_ARGUMENT,
            &["at most one"],
        );

        let mut no_attrs = input;
        no_attrs.n_attributes = 2;
        expect(
            new_table(&no_attrs, CXM_POLICY_REJECT).0,
            cxm_status::CXM_NULL_POINTER,
            &["input->attributes", "length is 2"],
        );

        let neither = [cxm_attribute_column {
            name: name.as_ptr(),
            values: ptr::null(),
            codes: ptr::null(),
            levels: ptr::null(),
            n_levels: 0,
        }];
        let mut with = input;
        with.attributes = neither.as_ptr();
        with.n_attributes = 1;
        expect(
            new_table(&with, CXM_POLICY_REJECT).0,
            cxm_status::CXM_NULL_POINTER,
            &["both NULL"],
        );
        let both_set = [cxm_attribute_column {
            values: values.as_ptr(),
            codes: codes.as_ptr(),
            levels: levels.as_ptr(),
            n_levels: 1,
            ..neither[0]
        }];
        with.attributes = both_set.as_ptr();
        expect(
            new_table(&with, CXM_POLICY_REJECT).0,
            cxm_status::CXM_INVALID_ARGUMENT,
            &["exactly one"],
        );
        // Declared number of levels smaller than the codes used.
        let short_levels = [cxm_attribute_column {
            codes: codes.as_ptr(),
            levels: levels.as_ptr(),
            n_levels: 1,
            ..neither[0]
        }];
        with.attributes = short_levels.as_ptr();
        expect(
            new_table(&with, CXM_POLICY_SKIP).0,
            cxm_status::CXM_INVALID_ARGUMENT,
            &["code 1 is not below the number of levels 1"],
        );
        // A name that is not UTF-8 is an argument error, not a bad row.
        let bad_name = CString::new(vec![b's', 0xff]).unwrap();
        let bad_named = [cxm_attribute_column {
            name: bad_name.as_ptr(),
            values: values.as_ptr(),
            ..neither[0]
        }];
        with.attributes = bad_named.as_ptr();
        expect(
            new_table(&with, CXM_POLICY_SKIP).0,
            cxm_status::CXM_INVALID_UTF8,
            &["input->attributes[0].name"],
        );
        let null_name = [cxm_attribute_column {
            name: ptr::null(),
            values: values.as_ptr(),
            ..neither[0]
        }];
        with.attributes = null_name.as_ptr();
        expect(
            new_table(&with, CXM_POLICY_SKIP).0,
            cxm_status::CXM_NULL_POINTER,
            &["input->attributes[0].name"],
        );

        let mut empty: cxm_table_input = sized();
        expect(
            new_table(&empty, CXM_POLICY_SKIP).0,
            cxm_status::CXM_EMPTY_INPUT,
            &["no columns"],
        );
        empty.nps = nps.as_ptr();
        expect(
            new_table(&empty, CXM_POLICY_SKIP).0,
            cxm_status::CXM_EMPTY_INPUT,
            &["zero rows"],
        );

        let mut points = input;
        points.csat = nps.as_ptr();
        points.csat_points = 12;
        expect(
            new_table(&points, CXM_POLICY_SKIP).0,
            cxm_status::CXM_INVALID_ARGUMENT,
            &["2 to 11"],
        );
        let mut reserved = input;
        reserved._reserved = 3;
        expect(
            new_table(&reserved, CXM_POLICY_SKIP).0,
            cxm_status::CXM_INVALID_ARGUMENT,
            &["reserved"],
        );
        let mut small = input;
        small.size = 16;
        expect(
            new_table(&small, CXM_POLICY_SKIP).0,
            cxm_status::CXM_INVALID_ARGUMENT,
            &["input->size is 16", "sizeof(cxm_table_input)"],
        );

        // Every row bad under skip leaves an empty table, whose metrics are empty input.
        let bad = [11.0, 12.0];
        let mut all_bad = input;
        all_bad.nps = bad.as_ptr();
        let (st, t) = new_table(&all_bad, CXM_POLICY_SKIP);
        ok(st);
        assert_eq!(cxm_table_len(t), 0);
        let mut r: cxm_nps_result = sized();
        expect(
            cxm_table_nps(t, ptr::null(), &mut r),
            cxm_status::CXM_EMPTY_INPUT,
            &[],
        );
        cxm_table_free(t);
        assert_eq!(cxm_table_len(ptr::null()), 0);
        let mut lr: cxm_load_report = sized();
        expect(
            cxm_table_load_report(ptr::null(), &mut lr),
            cxm_status::CXM_NULL_POINTER,
            &["`table`"],
        );
        cxm_table_free(ptr::null_mut());
    }
}

const CSV: &str = "id,when,store,nps,csat,ces,weight,comment\n\
r1,2025-01-06T18:00:00+01:00,A,10,5,7,1.0,great\n\
r2,2025-01-06T19:00:00+01:00,B,3,2,,2.0,slow\n\
r3,2025-01-07T09:00:00+01:00,A,9,4,6,1.0,\n\
r4,2025-01-07T10:00:00+01:00,B,8,,2,1.0,ok\n";

fn mapping<'a>(attrs: &'a CStrings, names: &'a [CString]) -> cxm_csv_mapping {
    let mut m: cxm_csv_mapping = sized();
    m.respondent_id = names[0].as_ptr();
    m.timestamp = names[1].as_ptr();
    m.nps = names[2].as_ptr();
    m.csat = names[3].as_ptr();
    m.ces = names[4].as_ptr();
    m.weight = names[5].as_ptr();
    m.comment = names[6].as_ptr();
    m.attributes = attrs.as_ptr();
    m.n_attributes = attrs.len();
    m
}

fn names() -> Vec<CString> {
    ["id", "when", "nps", "csat", "ces", "weight", "comment"]
        .iter()
        .map(|s| CString::new(*s).unwrap())
        .collect()
}

unsafe fn read_buffer(
    text: &[u8],
    m: &cxm_csv_mapping,
    policy: cxm_policy,
) -> (cxm_status, *mut cxm_table) {
    let mut t = ptr::null_mut();
    let st = cxm_table_read_csv_buffer(text.as_ptr(), text.len(), m, policy, &mut t);
    (st, t)
}

#[test]
fn csv_buffer_and_file() {
    let attrs = cstrings(&["store"]);
    let names = names();
    let m = mapping(&attrs, &names);
    unsafe {
        let (st, t) = read_buffer(CSV.as_bytes(), &m, CXM_POLICY_REJECT);
        ok(st);
        assert_eq!(cxm_table_len(t), 4);
        let mut c: cxm_ces_result = sized();
        ok(cxm_table_ces(t, ptr::null(), &mut c));
        assert_eq!(c.sample.n, 3);
        cxm_table_free(t);

        let dir = std::env::temp_dir().join(format!("cxm-ffi-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("responses.csv");
        std::fs::write(&path, CSV.replace(',', ";")).unwrap();
        let cpath = CString::new(path.to_str().unwrap()).unwrap();
        let mut semi = m;
        semi.delimiter = u32::from(b';');
        let mut t = ptr::null_mut();
        ok(cxm_table_read_csv(
            cpath.as_ptr(),
            &semi,
            CXM_POLICY_REJECT,
            &mut t,
        ));
        assert_eq!(cxm_table_len(t), 4);
        cxm_table_free(t);

        let missing = CString::new(dir.join("nope.csv").to_str().unwrap()).unwrap();
        expect(
            cxm_table_read_csv(missing.as_ptr(), &m, CXM_POLICY_REJECT, &mut t),
            cxm_status::CXM_IO,
            &["cxm_table_read_csv:", "nope.csv"],
        );
        assert!(t.is_null());
        // A path that is not UTF-8 is still a path on Unix: it simply does not exist.
        let odd = CString::new(vec![b'/', b'n', 0xff, b'.', b'c']).unwrap();
        expect(
            cxm_table_read_csv(odd.as_ptr(), &m, CXM_POLICY_REJECT, &mut t),
            cxm_status::CXM_IO,
            &[],
        );
        expect(
            cxm_table_read_csv(ptr::null(), &m, CXM_POLICY_REJECT, &mut t),
            cxm_status::CXM_NULL_POINTER,
            &["`path`"],
        );
        expect(
            cxm_table_read_csv(cpath.as_ptr(), ptr::null(), CXM_POLICY_REJECT, &mut t),
            cxm_status::CXM_NULL_POINTER,
            &["`mapping`"],
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn csv_bad_input() {
    let attrs = cstrings(&["store"]);
    let names = names();
    let m = mapping(&attrs, &names);
    unsafe {
        let bad = CSV.replace("A,10,5", "A,ten,5");
        let (st, _) = read_buffer(bad.as_bytes(), &m, CXM_POLICY_REJECT);
        expect(
            st,
            cxm_status::CXM_INVALID_NUMBER,
            &["row 0", "`nps`", "`ten`"],
        );
        assert_eq!(cxm_last_error_row(), 0);
        let (st, t) = read_buffer(bad.as_bytes(), &m, CXM_POLICY_SKIP);
        ok(st);
        assert_eq!(report(t).skipped_invalid_number, 1);
        cxm_table_free(t);

        let bad = CSV.replace("B,3,2", "B,3,9");
        let (st, _) = read_buffer(bad.as_bytes(), &m, CXM_POLICY_REJECT);
        expect(st, cxm_status::CXM_INVALID_SCORE, &["row 1", "`csat`"]);

        let bad = CSV.replace("2025-01-07T09:00:00+01:00", "soon");
        let (st, _) = read_buffer(bad.as_bytes(), &m, CXM_POLICY_REJECT);
        expect(st, cxm_status::CXM_INVALID_TIMESTAMP, &["row 2", "`soon`"]);

        let bad = CSV.replace(",2.0,", ",-2.0,");
        let (st, _) = read_buffer(bad.as_bytes(), &m, CXM_POLICY_REJECT);
        expect(st, cxm_status::CXM_INVALID_WEIGHT, &["row 1"]);

        let mut bytes = CSV.as_bytes().to_vec();
        let at = CSV.find("slow").unwrap();
        bytes[at] = 0xff;
        let (st, _) = read_buffer(&bytes, &m, CXM_POLICY_REJECT);
        expect(st, cxm_status::CXM_INVALID_UTF8, &["row 1", "`comment`"]);
        let (st, t) = read_buffer(&bytes, &m, CXM_POLICY_SKIP);
        ok(st);
        assert_eq!(report(t).skipped_invalid_utf8, 1);
        cxm_table_free(t);

        let bad = format!("{CSV}r5,2025-01-07T10:00:00+01:00,B\n");
        let (st, t) = read_buffer(bad.as_bytes(), &m, CXM_POLICY_SKIP);
        ok(st);
        assert_eq!(report(t).skipped_malformed_record, 1);
        cxm_table_free(t);

        let header_only = CSV.lines().next().unwrap();
        let (st, _) = read_buffer(header_only.as_bytes(), &m, CXM_POLICY_SKIP);
        expect(st, cxm_status::CXM_EMPTY_INPUT, &["no data rows"]);

        let other = cstrings(&["region"]);
        let m2 = mapping(&other, &names);
        let (st, _) = read_buffer(CSV.as_bytes(), &m2, CXM_POLICY_SKIP);
        expect(
            st,
            cxm_status::CXM_MISSING_COLUMN,
            &["`region` not found", "store"],
        );

        let mut m3 = m;
        m3.delimiter = 300;
        let (st, _) = read_buffer(CSV.as_bytes(), &m3, CXM_POLICY_SKIP);
        expect(st, cxm_status::CXM_INVALID_ARGUMENT, &["delimiter"]);
        let bad_col = CString::new(vec![b'n', 0xff]).unwrap();
        let mut m4 = m;
        m4.nps = bad_col.as_ptr();
        let (st, _) = read_buffer(CSV.as_bytes(), &m4, CXM_POLICY_SKIP);
        expect(st, cxm_status::CXM_INVALID_UTF8, &["mapping->nps"]);
        let mut m5 = m;
        m5.n_attributes = 3;
        m5.attributes = ptr::null();
        let (st, _) = read_buffer(CSV.as_bytes(), &m5, CXM_POLICY_SKIP);
        expect(st, cxm_status::CXM_NULL_POINTER, &["mapping->attributes"]);
        let holes = cstrings_opt(&[Some(b"store"), None]);
        let mut m6 = m;
        m6.attributes = holes.as_ptr();
        m6.n_attributes = 2;
        let (st, _) = read_buffer(CSV.as_bytes(), &m6, CXM_POLICY_SKIP);
        expect(
            st,
            cxm_status::CXM_NULL_POINTER,
            &["mapping->attributes[1]"],
        );

        let (st, _) = read_buffer(CSV.as_bytes(), &m, 5);
        expect(st, cxm_status::CXM_INVALID_ARGUMENT, &["policy"]);
        let empty: &[u8] = &[];
        let mut t = ptr::null_mut();
        let st = cxm_table_read_csv_buffer(ptr::null(), 0, &m, CXM_POLICY_SKIP, &mut t);
        assert_ne!(st, cxm_status::CXM_OK);
        let (st, _) = read_buffer(empty, &m, CXM_POLICY_SKIP);
        assert_ne!(st, cxm_status::CXM_OK);
        let st = cxm_table_read_csv_buffer(ptr::null(), 10, &m, CXM_POLICY_SKIP, &mut t);
        expect(st, cxm_status::CXM_NULL_POINTER, &["`data`"]);
    }
}
