//! Criterion benchmarks of the core hot paths.
//!
//! ```text
//! cargo bench -p cxm-core --bench core
//! ```

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use cxm_core::metrics::{MetricKind, NpsSummary, Scale};
use cxm_core::segment::{
    Answers, Codes, Columns, DimColumn, HotspotOptions, HotspotSummary, SegmentOptions,
    SegmentSummary,
};
use cxm_core::table::Policy;
use cxm_core::time::TimeBucket;

/// Deterministic synthetic columns: NPS answers, 250 segment codes, a year of timestamps.
fn data(n: usize) -> (Vec<f64>, Vec<i16>, Vec<i64>, Vec<String>) {
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let nps = (0..n).map(|_| (next() % 11) as f64).collect();
    let codes = (0..n).map(|_| (next() % 250) as i16).collect();
    let ts = (0..n)
        .map(|_| 1_735_689_600 + (next() % 31_536_000) as i64)
        .collect();
    let levels = (0..250).map(|i| format!("segment-{i:03}")).collect();
    (nps, codes, ts, levels)
}

fn columns<'a>(
    nps: &'a [f64],
    codes: &'a [i16],
    ts: Option<&'a [i64]>,
    levels: &[String],
) -> Columns<'a> {
    let mut dims = vec![DimColumn::Codes {
        name: "segment".into(),
        codes: Codes::I16(codes),
        levels: levels.to_vec(),
    }];
    if let Some(ts) = ts {
        dims.push(DimColumn::Time {
            timestamps: ts,
            bucket: TimeBucket::Hour,
        });
    }
    Columns {
        metric: MetricKind::Nps,
        scale: Scale::Nps,
        answers: Answers::F64(nps),
        present: None,
        weights: None,
        dims,
        utc_offset_minutes: 60,
        answer_column: "nps".into(),
    }
}

fn bench(c: &mut Criterion) {
    let n = 1_000_000;
    let (nps, codes, ts, levels) = data(n);
    let mut g = c.benchmark_group("core");
    g.throughput(Throughput::Elements(n as u64));
    g.sample_size(20);
    g.bench_function("nps_summary_extend_1M", |b| {
        b.iter(|| {
            let mut s = NpsSummary::default();
            s.extend(&nps, None).unwrap();
            s
        })
    });
    for (label, with_time) in [("segment_250", false), ("segment_250_x_hour", true)] {
        g.bench_function(BenchmarkId::new(label, n), |b| {
            let cols = columns(&nps, &codes, with_time.then_some(&ts[..]), &levels);
            b.iter(|| {
                SegmentSummary::from_columns(&cols, Policy::Reject)
                    .unwrap()
                    .finish(&SegmentOptions::default())
                    .unwrap()
            })
        });
    }
    g.bench_function("hotspots_depth2_1M", |b| {
        let cols = columns(&nps, &codes, Some(&ts), &levels);
        b.iter(|| {
            HotspotSummary::from_columns(&cols, 2, Policy::Reject)
                .unwrap()
                .finish(&HotspotOptions::default())
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
