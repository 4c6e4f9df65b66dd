use cxm_core::metrics::{MetricKind, Scale};
use cxm_core::segment::*;
use cxm_core::table::Policy;
fn main() {
    let n = 10_000_000;
    let mut s = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let nps: Vec<i64> = (0..n).map(|_| (next() % 11) as i64).collect();
    let codes: Vec<i16> = (0..n).map(|_| (next() % 250) as i16).collect();
    let levels: Vec<String> = (0..250).map(|i| format!("s{i}")).collect();
    let cols = Columns {
        metric: MetricKind::Nps,
        scale: Scale::Nps,
        answers: Answers::I64(&nps),
        present: None,
        weights: None,
        dims: vec![DimColumn::Codes {
            name: "seg".into(),
            codes: Codes::I16(&codes),
            levels,
        }],
        utc_offset_minutes: 0,
        answer_column: "nps".into(),
    };
    calib(&nps, &codes);
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let sm = SegmentSummary::from_columns(&cols, Policy::Reject).unwrap();
        let t1 = t.elapsed();
        let tab = sm.finish(&SegmentOptions::default()).unwrap();
        println!(
            "scan {:?} finish {:?} rows {}",
            t1,
            t.elapsed() - t1,
            tab.rows.len()
        );
    }
}
#[allow(dead_code)]
fn calib(nps: &[i64], codes: &[i16]) {
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let s: i64 = nps.iter().sum();
        let t1 = t.elapsed();
        let t = std::time::Instant::now();
        let mn = codes.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &x| {
            (lo.min(i64::from(x)), hi.max(i64::from(x)))
        });
        let t2 = t.elapsed();
        let t = std::time::Instant::now();
        let mut out = vec![0u8; nps.len()];
        for (o, &x) in out.iter_mut().zip(nps) {
            *o = if (0..=10).contains(&x) { x as u8 } else { 254 };
        }
        let t3 = t.elapsed();
        let t = std::time::Instant::now();
        let mut h = vec![0u64; 2750];
        for (&l, &c) in out.iter().zip(codes) {
            h[c as usize * 11 + l as usize] += 1;
        }
        let t4 = t.elapsed();
        println!(
            "sum {t1:?} range {t2:?} levels {t3:?} hist {t4:?} {s} {mn:?} {}",
            h[5]
        );
    }
}
