//! Laws every summary obeys: merging summaries of any split equals the summary of the
//! whole; Skip accounting adds up to the input; results do not depend on thread count.

use cxm_core::metrics::Scale;
use cxm_core::metrics::{CesSummary, CsatSummary, MetricKind, NpsSummary};
use cxm_core::segment::{
    Answers, Codes, Columns, DimColumn, SegmentOptions, SegmentSpec, SegmentSummary,
};
use cxm_core::table::{AttributeColumn, Policy, TableBuilder, TimestampColumn};
use cxm_core::time::TimeBucket;
use proptest::prelude::*;

fn rows() -> impl Strategy<Value = Vec<(u8, u8, u8, u8, i64)>> {
    // (nps, csat, ces, store, timestamp)
    prop::collection::vec(
        (
            0u8..=10,
            1u8..=5,
            1u8..=7,
            0u8..4,
            1_700_000_000i64..1_760_000_000,
        ),
        1..300,
    )
}

proptest! {
    #[test]
    fn metric_merge_equals_whole(data in rows(), split in 0usize..300) {
        let split = split.min(data.len());
        let nps: Vec<f64> = data.iter().map(|r| f64::from(r.0)).collect();
        let csat: Vec<f64> = data.iter().map(|r| f64::from(r.1)).collect();
        let ces: Vec<f64> = data.iter().map(|r| f64::from(r.2)).collect();
        let mut whole = NpsSummary::default();
        whole.extend(&nps, None).unwrap();
        let mut a = NpsSummary::default();
        a.extend(&nps[..split], None).unwrap();
        let mut b = NpsSummary::default();
        b.extend(&nps[split..], None).unwrap();
        a.merge(&b).unwrap();
        prop_assert_eq!(&a, &whole);
        let mut wc = CsatSummary::default();
        wc.extend(&csat, None).unwrap();
        let mut ac = CsatSummary::default();
        ac.extend(&csat[..split], None).unwrap();
        let mut bc = CsatSummary::default();
        bc.extend(&csat[split..], None).unwrap();
        ac.merge(&bc).unwrap();
        prop_assert_eq!(ac, wc);
        let mut we = CesSummary::default();
        we.extend(&ces, None).unwrap();
        let mut ae = CesSummary::default();
        ae.extend(&ces[..split], None).unwrap();
        let mut be = CesSummary::default();
        be.extend(&ces[split..], None).unwrap();
        ae.merge(&be).unwrap();
        prop_assert_eq!(ae, we);
    }

    #[test]
    fn segment_merge_equals_whole(data in rows(), split in 0usize..300) {
        let split = split.min(data.len().saturating_sub(1)).max(1).min(data.len());
        let build = |part: &[(u8, u8, u8, u8, i64)]| {
            let nps: Vec<f64> = part.iter().map(|r| f64::from(r.0)).collect();
            let store: Vec<String> = part.iter().map(|r| format!("S{}", r.3)).collect();
            let store: Vec<&str> = store.iter().map(String::as_str).collect();
            let ts: Vec<i64> = part.iter().map(|r| r.4).collect();
            let t = TableBuilder::new()
                .nps(&nps[..])
                .attribute("store", AttributeColumn::Text(&store))
                .timestamp(TimestampColumn::Epoch(&ts))
                .build(Policy::Reject)
                .unwrap();
            let spec = SegmentSpec::new(MetricKind::Nps, &["store"], Some(TimeBucket::Weekday)).utc_offset_minutes(60);
            SegmentSummary::from_table(&t, &spec).unwrap()
        };
        let whole = build(&data);
        if split < data.len() {
            let mut a = build(&data[..split]);
            a.merge(&build(&data[split..])).unwrap();
            let opts = SegmentOptions { min_n: 1, ..SegmentOptions::default() };
            let (ta, tw) = (a.finish(&opts).unwrap(), whole.finish(&opts).unwrap());
            prop_assert_eq!(ta.rows.len(), tw.rows.len());
            for (x, y) in ta.rows.iter().zip(&tw.rows) {
                prop_assert_eq!(&x.keys, &y.keys);
                prop_assert_eq!(x.n, y.n);
                prop_assert!((x.value - y.value).abs() < 1e-9 || (x.value.is_nan() && y.value.is_nan()));
            }
        }
    }

    #[test]
    fn skip_accounting_adds_up(values in prop::collection::vec(prop_oneof![
            Just(f64::NAN), Just(f64::INFINITY), -3.0..14.0f64, (0u8..=10).prop_map(f64::from)], 1..200),
        weights in prop::collection::vec(prop_oneof![Just(-1.0), Just(f64::NAN), 0.0..3.0f64], 200)) {
        let w = &weights[..values.len()];
        let t = TableBuilder::new().nps(&values[..]).weight(w).build(Policy::Skip).unwrap();
        let r = t.load_report();
        prop_assert_eq!(r.rows_in, values.len());
        prop_assert_eq!(r.rows_accepted + r.rows_skipped(), r.rows_in);
        prop_assert_eq!(t.len(), r.rows_accepted);
        // The columnar path agrees with the table path.
        let cols = Columns {
            metric: MetricKind::Nps, scale: Scale::Nps, answers: Answers::F64(&values),
            present: None, weights: Some(w), dims: vec![], utc_offset_minutes: 0,
            answer_column: "nps".into(),
        };
        let s = SegmentSummary::from_columns(&cols, Policy::Skip).unwrap();
        let total = s.total();
        prop_assert_eq!(total.n() as usize, r.rows_accepted);
    }
}

/// Same result with 1 and 2 threads, on enough rows to span several chunks, weighted.
#[test]
fn thread_count_independent() {
    let n = 700_000; // several scan chunks
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    let nps: Vec<f64> = (0..n).map(|_| (next() % 11) as f64).collect();
    let w: Vec<f64> = (0..n).map(|_| (next() % 1000) as f64 / 333.0).collect();
    let codes: Vec<i16> = (0..n).map(|_| (next() % 250) as i16).collect();
    let ts: Vec<i64> = (0..n)
        .map(|_| 1_700_000_000 + (next() % 30_000_000) as i64)
        .collect();
    let levels: Vec<String> = (0..250).map(|i| format!("seg{i}")).collect();
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let cols = Columns {
                metric: MetricKind::Nps,
                scale: Scale::Nps,
                answers: Answers::F64(&nps),
                present: None,
                weights: Some(&w),
                dims: vec![
                    DimColumn::Codes {
                        name: "seg".into(),
                        codes: Codes::I16(&codes),
                        levels: levels.clone(),
                    },
                    DimColumn::Time {
                        timestamps: &ts,
                        bucket: TimeBucket::Month,
                    },
                ],
                utc_offset_minutes: 60,
                answer_column: "nps".into(),
            };
            SegmentSummary::from_columns(&cols, Policy::Reject)
                .unwrap()
                .to_json()
        })
    };
    assert_eq!(run(1), run(2));
    assert_eq!(run(2), run(3));
}

proptest! {
    /// The fused single-dimension scan and the batch path agree with a naive per-row
    /// reference, bad rows and missing codes included, weighted or not.
    #[test]
    fn fused_scan_matches_naive_reference(
        rows in prop::collection::vec((prop_oneof![
            Just(f64::NAN), Just(11.0), Just(7.5), Just(-1.0), (0u8..=10).prop_map(f64::from)],
            -1i16..5, prop_oneof![Just(-1.0), 0.0..2.0f64]), 1..400),
        weighted in any::<bool>(),
        two_dims in any::<bool>(),
    ) {
        let nps: Vec<f64> = rows.iter().map(|r| r.0).collect();
        let codes: Vec<i16> = rows.iter().map(|r| r.1).collect();
        let w: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let zeros = vec![0u8; rows.len()];
        let levels: Vec<String> = (0..5).map(|i| format!("L{i}")).collect();
        let mut dims = vec![DimColumn::Codes { name: "g".into(), codes: Codes::I16(&codes), levels: levels.clone() }];
        if two_dims {
            // A second, constant dimension sends the rows through the batch path.
            dims.push(DimColumn::Codes { name: "k".into(), codes: Codes::U8(&zeros), levels: vec!["all".into()] });
        }
        let cols = Columns {
            metric: MetricKind::Nps, scale: Scale::Nps, answers: Answers::F64(&nps),
            present: None, weights: weighted.then_some(&w[..]),
            dims,
            utc_offset_minutes: 0, answer_column: "nps".into(),
        };
        let s = SegmentSummary::from_columns(&cols, Policy::Skip).unwrap();
        let t = s.finish(&SegmentOptions { min_n: 1, ..SegmentOptions::default() });
        // Naive reference.
        let mut expect: std::collections::BTreeMap<String, u64> = Default::default();
        let mut bad = 0usize;
        for r in &rows {
            let ok_score = r.0.is_finite() && r.0.fract() == 0.0 && (0.0..=10.0).contains(&r.0);
            let ok_w = !weighted || r.2 >= 0.0;
            if !(ok_score && ok_w) { bad += 1; continue; }
            let label = if r.1 < 0 { "(missing)".to_string() } else { format!("L{}", r.1) };
            *expect.entry(label).or_default() += 1;
        }
        let r = s.load_report();
        prop_assert_eq!(r.rows_skipped(), bad);
        prop_assert_eq!(r.rows_in, rows.len());
        match t {
            Ok(t) => {
                let got: std::collections::BTreeMap<String, u64> =
                    t.rows.iter().map(|row| (row.keys[0].clone(), row.n)).collect();
                prop_assert_eq!(got, expect);
            }
            Err(_) => prop_assert!(expect.values().sum::<u64>() == 0 || weighted),
        }
    }
}

#[test]
fn code_out_of_range_is_an_error_under_any_policy() {
    let nps = [1.0, 2.0, 3.0];
    let codes = [0i32, 2, 1];
    for policy in [Policy::Reject, Policy::Skip] {
        let cols = Columns {
            metric: MetricKind::Nps,
            scale: Scale::Nps,
            answers: Answers::F64(&nps),
            present: None,
            weights: None,
            dims: vec![DimColumn::Codes {
                name: "g".into(),
                codes: Codes::I32(&codes),
                levels: vec!["a".into(), "b".into()],
            }],
            utc_offset_minutes: 0,
            answer_column: "nps".into(),
        };
        let e = SegmentSummary::from_columns(&cols, policy).unwrap_err();
        assert!(e.to_string().contains("row 1: code 2"), "{e}");
    }
}

/// Scanning NPS, CSAT and CES together gives exactly the per-metric summaries.
#[test]
fn many_metrics_in_one_pass_equal_separate_scans() {
    let n = 300_000;
    let mut state = 99u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    let nps: Vec<i64> = (0..n).map(|_| (next() % 11) as i64).collect();
    let csat: Vec<i64> = (0..n).map(|_| 1 + (next() % 5) as i64).collect();
    let ces: Vec<f64> = (0..n).map(|_| 1.0 + (next() % 7) as f64).collect();
    let w: Vec<f64> = (0..n).map(|_| (next() % 100) as f64 / 50.0).collect();
    let codes: Vec<i16> = (0..n).map(|_| (next() % 40) as i16 - 1).collect();
    let levels: Vec<String> = (0..39).map(|i| format!("g{i}")).collect();
    let dims = || {
        vec![DimColumn::Codes {
            name: "g".into(),
            codes: Codes::I16(&codes),
            levels: levels.clone(),
        }]
    };
    let cols = [
        (MetricKind::Nps, Scale::Nps, Answers::I64(&nps)),
        (MetricKind::Csat, Scale::CSAT5, Answers::I64(&csat)),
        (MetricKind::Ces, Scale::Ces, Answers::F64(&ces)),
    ]
    .map(|(metric, scale, answers)| Columns {
        metric,
        scale,
        answers,
        present: None,
        weights: Some(&w),
        dims: dims(),
        utc_offset_minutes: 0,
        answer_column: metric.name().into(),
    });
    let together = SegmentSummary::from_columns_many(&cols, Policy::Reject).unwrap();
    for (c, t) in cols.iter().zip(&together) {
        let alone = SegmentSummary::from_columns(c, Policy::Reject).unwrap();
        assert_eq!(alone.to_json(), t.to_json());
    }
    assert!(SegmentSummary::from_columns_many(&[], Policy::Reject)
        .unwrap()
        .is_empty());
}
