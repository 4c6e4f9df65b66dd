//! One test per bad input listed in docs/errors.md, each under Reject (the error names
//! row, column and value) and Skip (the row is counted under its reason).

use cxm_core::csv_input::{read_csv, read_csv_from, CsvMapping};
use cxm_core::metrics::{MetricKind, NpsSummary, Scale};
use cxm_core::segment::{segment, SegmentOptions, SegmentSpec};
use cxm_core::table::{AttributeColumn, Policy, SkipReason, TableBuilder, TimestampColumn};
use cxm_core::CxmError;

fn skipped(
    values: &[f64],
    weights: Option<&[f64]>,
) -> std::collections::BTreeMap<SkipReason, usize> {
    let mut b = TableBuilder::new().nps(values);
    if let Some(w) = weights {
        b = b.weight(w);
    }
    b.build(Policy::Skip).unwrap().load_report().skipped.clone()
}

fn rejected(values: &[f64], weights: Option<&[f64]>) -> CxmError {
    let mut b = TableBuilder::new().nps(values);
    if let Some(w) = weights {
        b = b.weight(w);
    }
    b.build(Policy::Reject).unwrap_err()
}

#[test]
fn nan_and_infinite_scores() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let e = rejected(&[5.0, bad], None);
        assert!(
            matches!(e, CxmError::NonFinite { row: 1, ref column, .. } if column == "nps"),
            "{e}"
        );
        assert_eq!(skipped(&[5.0, bad], None)[&SkipReason::NonFinite], 1);
    }
}

#[test]
fn out_of_range_score() {
    let e = rejected(&[11.0], None);
    assert_eq!(
        e,
        CxmError::InvalidScore {
            row: 0,
            column: "nps".into(),
            value: 11.0,
            scale: Scale::Nps
        }
    );
    assert!(e.to_string().contains("0..=10"), "{e}");
    assert_eq!(skipped(&[-1.0, 3.0], None)[&SkipReason::InvalidScore], 1);
    // CSAT on 1-5: 0 and 6 are out of range; on 1-7, 6 is fine.
    let csat = [0.0, 6.0];
    let e = TableBuilder::new()
        .csat(&csat[..])
        .build(Policy::Reject)
        .unwrap_err();
    assert!(matches!(e, CxmError::InvalidScore { row: 0, .. }));
    let ok = [6.0];
    assert!(TableBuilder::new()
        .csat(&ok[..])
        .csat_points(7)
        .build(Policy::Reject)
        .is_ok());
}

#[test]
fn non_integer_score() {
    let e = rejected(&[7.5], None);
    assert!(matches!(e, CxmError::InvalidScore { row: 0, value, .. } if value == 7.5));
    assert_eq!(skipped(&[7.5, 7.0], None)[&SkipReason::InvalidScore], 1);
}

#[test]
fn negative_or_nan_weight() {
    let e = rejected(&[5.0, 5.0], Some(&[1.0, -0.5]));
    assert_eq!(
        e,
        CxmError::InvalidWeight {
            row: 1,
            value: -0.5
        }
    );
    let e = rejected(&[5.0], Some(&[f64::NAN]));
    assert!(matches!(e, CxmError::InvalidWeight { row: 0, .. }));
    let s = skipped(&[5.0, 5.0, 5.0], Some(&[-1.0, f64::NAN, 1.0]));
    assert_eq!(s[&SkipReason::InvalidWeight], 1);
    assert_eq!(s[&SkipReason::NonFinite], 1);
}

#[test]
fn unparsable_timestamp() {
    let nps = [5.0, 6.0];
    let ts = ["2025-03-04T18:30:00+01:00", "last tuesday"];
    let b = || {
        TableBuilder::new()
            .nps(&nps[..])
            .timestamp(TimestampColumn::Text(&ts))
    };
    let e = b().build(Policy::Reject).unwrap_err();
    assert_eq!(
        e,
        CxmError::InvalidTimestamp {
            row: 1,
            value: "last tuesday".into()
        }
    );
    let t = b().build(Policy::Skip).unwrap();
    assert_eq!(t.load_report().skipped[&SkipReason::InvalidTimestamp], 1);
}

#[test]
fn length_mismatch() {
    let nps = [5.0, 6.0, 7.0];
    let store = ["a", "b"];
    let e = TableBuilder::new()
        .nps(&nps[..])
        .attribute("store", AttributeColumn::Text(&store))
        .build(Policy::Skip)
        .unwrap_err();
    assert_eq!(
        e,
        CxmError::LengthMismatch {
            column: "store".into(),
            expected: 3,
            found: 2
        }
    );
    let mut s = NpsSummary::default();
    assert!(matches!(
        s.extend(&nps, Some(&[1.0])),
        Err(CxmError::LengthMismatch { .. })
    ));
}

#[test]
fn empty_input() {
    let none: [f64; 0] = [];
    assert!(matches!(
        TableBuilder::new().nps(&none[..]).build(Policy::Skip),
        Err(CxmError::EmptyInput { .. })
    ));
    assert!(matches!(
        NpsSummary::default().finish(&Default::default()),
        Err(CxmError::EmptyInput { .. })
    ));
    let mapping = CsvMapping {
        nps: Some("nps".into()),
        ..CsvMapping::default()
    };
    assert!(matches!(
        read_csv_from(&b"nps\n"[..], &mapping, Policy::Skip),
        Err(CxmError::EmptyInput { .. })
    ));
}

#[test]
fn invalid_utf8_text() {
    let mapping = CsvMapping {
        nps: Some("nps".into()),
        attributes: vec!["store".into()],
        ..CsvMapping::default()
    };
    let data = b"nps,store\n5,ok\n6,\xff\xfe\n";
    let e = read_csv_from(&data[..], &mapping, Policy::Reject).unwrap_err();
    assert_eq!(
        e,
        CxmError::InvalidUtf8 {
            row: 1,
            column: "store".into()
        }
    );
    let t = read_csv_from(&data[..], &mapping, Policy::Skip).unwrap();
    assert_eq!(t.load_report().skipped[&SkipReason::InvalidUtf8], 1);
}

#[test]
fn not_a_number_cell_and_malformed_record() {
    let mapping = CsvMapping {
        nps: Some("nps".into()),
        ..CsvMapping::default()
    };
    let data = b"nps,x\nten,1\n5\n7,1\n";
    let e = read_csv_from(&data[..], &mapping, Policy::Reject).unwrap_err();
    assert_eq!(
        e,
        CxmError::InvalidNumber {
            row: 0,
            column: "nps".into(),
            value: "ten".into()
        }
    );
    let t = read_csv_from(&data[..], &mapping, Policy::Skip).unwrap();
    let r = t.load_report();
    assert_eq!(r.skipped[&SkipReason::InvalidNumber], 1);
    assert_eq!(r.skipped[&SkipReason::MalformedRecord], 1);
    assert_eq!(r.rows_accepted, 1);
}

#[test]
fn missing_column_and_file() {
    let mapping = CsvMapping {
        nps: Some("score".into()),
        ..CsvMapping::default()
    };
    let e = read_csv_from(&b"nps\n5\n"[..], &mapping, Policy::Reject).unwrap_err();
    assert!(
        matches!(e, CxmError::MissingColumn { ref column, .. } if column == "score"),
        "{e}"
    );
    let e = read_csv("/nonexistent/answers.csv", &mapping, Policy::Reject).unwrap_err();
    assert!(matches!(e, CxmError::Csv { .. }), "{e}");
    let nps = [5.0];
    let t = TableBuilder::new()
        .nps(&nps[..])
        .build(Policy::Reject)
        .unwrap();
    let e = segment(
        &t,
        &SegmentSpec::new(MetricKind::Nps, &["store"], None),
        &SegmentOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, CxmError::MissingColumn { .. }));
}

#[test]
fn invalid_arguments() {
    let nps = [5.0; 40];
    let t = TableBuilder::new()
        .nps(&nps[..])
        .build(Policy::Reject)
        .unwrap();
    let spec = SegmentSpec::new(MetricKind::Nps, &[], None);
    for opts in [
        SegmentOptions {
            confidence: 1.5,
            ..Default::default()
        },
        SegmentOptions {
            alpha: 0.0,
            ..Default::default()
        },
    ] {
        let e = segment(&t, &spec, &opts).unwrap_err();
        assert!(matches!(e, CxmError::InvalidArgument { .. }), "{e}");
    }
    let e = segment(
        &t,
        &SegmentSpec::new(MetricKind::Csat, &[], None),
        &SegmentOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, CxmError::MissingColumn { .. }));
    assert!(matches!(
        Scale::Csat { points: 1 }.validate(),
        Err(CxmError::InvalidArgument { .. })
    ));
}

#[test]
fn epoch_timestamps_out_of_range_or_missing() {
    let nps = [5.0, 6.0, 7.0];
    let ts = [0, i64::MIN, 2_000_000_000_000_000];
    let b = || {
        TableBuilder::new()
            .nps(&nps[..])
            .timestamp(TimestampColumn::Epoch(&ts))
    };
    let e = b().build(Policy::Reject).unwrap_err();
    assert_eq!(
        e,
        CxmError::InvalidTimestamp {
            row: 1,
            value: "missing".into()
        }
    );
    let t = b().build(Policy::Skip).unwrap();
    assert_eq!(t.load_report().skipped[&SkipReason::InvalidTimestamp], 2);
    assert_eq!(cxm_core::time::parse_timestamp("9999999999999999"), None);
}

/// Every combination of a hotspot search drops the same rows: a row with a bad
/// timestamp is also out of the combinations without a time bucket.
#[test]
fn hotspot_combinations_share_one_row_mask() {
    use cxm_core::segment::{Answers, Codes, Columns, DimColumn, HotspotSummary};
    use cxm_core::time::TimeBucket;
    let nps: Vec<f64> = (0..200).map(|i| f64::from(i % 11)).collect();
    let mut ts: Vec<i64> = (0..200).map(|i| 1_700_000_000 + i * 3600).collect();
    ts[3] = i64::MIN;
    ts[7] = i64::MAX;
    let codes: Vec<i32> = (0..200).map(|i| i % 3).collect();
    let cols = Columns {
        metric: MetricKind::Nps,
        scale: Scale::Nps,
        answers: Answers::F64(&nps),
        present: None,
        weights: None,
        dims: vec![
            DimColumn::Codes {
                name: "store".into(),
                codes: Codes::I32(&codes),
                levels: vec!["a".into(), "b".into(), "c".into()],
            },
            DimColumn::Time {
                timestamps: &ts,
                bucket: TimeBucket::Weekday,
            },
        ],
        utc_offset_minutes: 0,
        answer_column: "nps".into(),
    };
    let e = HotspotSummary::from_columns(&cols, 2, Policy::Reject).unwrap_err();
    assert_eq!(
        e,
        CxmError::InvalidTimestamp {
            row: 3,
            value: "missing".into()
        }
    );
    let s = HotspotSummary::from_columns(&cols, 2, Policy::Skip).unwrap();
    let r = s.load_report();
    assert_eq!((r.rows_in, r.rows_accepted), (200, 198));
    assert_eq!(r.skipped[&SkipReason::InvalidTimestamp], 2);
    assert_eq!(s.total().n(), 198);
}
