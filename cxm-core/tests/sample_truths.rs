//! The bundled sample dataset (`examples/data/`) is what the generator produces, and
//! segmentation and hotspot search recover the truths planted in it that this layer
//! can see (truth 1: one store on weekday evenings scores far worse).

use std::path::PathBuf;

use cxm_core::csv_input::{read_csv, CsvMapping};
use cxm_core::metrics::MetricKind;
use cxm_core::sample::{generate, SampleConfig};
use cxm_core::segment::{
    hotspots, segment, Dimension, Flag, HotspotOptions, SegmentOptions, SegmentSpec,
};
use cxm_core::table::{Policy, ResponseTable};
use cxm_core::time::TimeBucket;

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data")
}

fn truths() -> serde_json::Value {
    let text = std::fs::read_to_string(data_dir().join("truths.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn table() -> ResponseTable {
    let mapping = CsvMapping {
        nps: Some("nps".into()),
        csat: Some("csat".into()),
        ces: Some("ces".into()),
        weight: Some("weight".into()),
        timestamp: Some("timestamp".into()),
        attributes: ["store", "region", "channel", "touchpoint"]
            .map(String::from)
            .to_vec(),
        comment: Some("comment".into()),
        respondent_id: Some("response_id".into()),
        ..CsvMapping::default()
    };
    read_csv(data_dir().join("responses.csv"), &mapping, Policy::Reject).unwrap()
}

#[test]
fn committed_sample_is_the_generators_output() {
    let data = generate(&SampleConfig::default());
    let mut bytes = Vec::new();
    data.write_csv(&mut bytes).unwrap();
    let committed = std::fs::read(data_dir().join("responses.csv")).unwrap();
    assert!(
        bytes == committed,
        "examples/data/responses.csv is stale: run `cargo run -p cxm-core --example generate_sample --release -- examples/data`"
    );
}

#[test]
fn sample_loads_completely() {
    let t = table();
    assert_eq!(t.len(), 20_000);
    assert_eq!(t.load_report().rows_skipped(), 0);
}

#[test]
fn segment_flags_the_planted_store_evenings() {
    let truth = &truths()["truth_1_hotspot"];
    let store = truth["store"].as_str().unwrap();
    let offset = truth["utc_offset_minutes"].as_i64().unwrap() as i32;
    let t = table();
    let spec = SegmentSpec::new(MetricKind::Nps, &["store"], Some(TimeBucket::Daypart))
        .utc_offset_minutes(offset);
    let seg = segment(&t, &spec, &SegmentOptions::default()).unwrap();
    let row = seg
        .rows
        .iter()
        .find(|r| r.keys == [store, "evening"])
        .unwrap();
    assert_eq!(row.flag, Flag::Worse, "{row:?}");
    assert!(row.value < seg.overall - 30.0, "{row:?}");
    // Elsewhere that store is normal: its mornings are not flagged worse.
    let morning = seg
        .rows
        .iter()
        .find(|r| r.keys == [store, "morning"])
        .unwrap();
    assert_ne!(morning.flag, Flag::Worse, "{morning:?}");
}

#[test]
fn hotspots_recover_the_planted_slice() {
    let truth = &truths()["truth_1_hotspot"];
    let store = truth["store"].as_str().unwrap();
    let offset = truth["utc_offset_minutes"].as_i64().unwrap() as i32;
    let hours: Vec<String> = truth["hours_local"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("{:02}", h.as_i64().unwrap()))
        .collect();
    let slice_nps = truth["realized"]["slice_nps"].as_f64().unwrap();
    let t = table();
    // Two searches: every attribute with weekday, daypart and hour; and the set a C
    // caller used (no region, no hour). Both must surface the planted slice.
    for (attrs, buckets) in [
        (
            &["store", "region", "channel", "touchpoint"][..],
            &[TimeBucket::Weekday, TimeBucket::Daypart, TimeBucket::Hour][..],
        ),
        (
            &["store", "channel", "touchpoint"][..],
            &[TimeBucket::Weekday, TimeBucket::Daypart][..],
        ),
    ] {
        let mut dims: Vec<Dimension> = attrs
            .iter()
            .map(|a| Dimension::Attribute(a.to_string()))
            .collect();
        dims.extend(buckets.iter().copied().map(Dimension::Time));
        let spec = SegmentSpec {
            metric: MetricKind::Nps,
            dims,
            utc_offset_minutes: offset,
        };
        let spots = hotspots(&t, &spec, &HotspotOptions::default()).unwrap();
        check_planted(&spots, store, &hours, slice_nps);
    }
}

fn check_planted(
    spots: &[cxm_core::segment::Hotspot],
    store: &str,
    hours: &[String],
    slice_nps: f64,
) {
    let found = spots.iter().find(|h| {
        h.conditions.iter().any(|(d, v)| d == "store" && v == store)
            && h.conditions.iter().any(|(d, v)| {
                (d == "daypart" && v == "evening") || (d == "hour" && hours.contains(v))
            })
    });
    let listing: Vec<String> = spots
        .iter()
        .map(|h| format!("{} cost {:.2}", h.describe(), h.cost))
        .collect();
    let h = found.unwrap_or_else(|| panic!("planted slice not among hotspots: {listing:#?}"));
    assert_eq!(h.flag, Flag::Worse);
    assert!(h.value < h.rest - 30.0, "{h:?}");
    // The reported slice holds the planted one plus weekend evenings, so its NPS lies
    // between the planted slice's and the rest's.
    assert!(h.value >= slice_nps - 10.0, "{h:?} vs planted {slice_nps}");
    assert!(h.q_value < 1e-6, "{h:?}");
}

/// Truth 4, the part segmentation can see: the app channel's NPS, by month, is low
/// before the release date and clearly higher in the full months after it.
#[test]
fn segment_sees_the_app_recover_after_the_release() {
    let truth = &truths()["truth_4_app_release"];
    let date = truth["change_date"].as_str().unwrap(); // "2025-09-15"
    let change_month = &date[..7];
    let t = table();
    let spec = SegmentSpec::new(MetricKind::Nps, &["channel"], Some(TimeBucket::Month))
        .utc_offset_minutes(60);
    let seg = segment(&t, &spec, &SegmentOptions::default()).unwrap();
    let app: Vec<_> = seg.rows.iter().filter(|r| r.keys[0] == "app").collect();
    let weighted_mean = |rows: &[&&cxm_core::segment::SegmentRow]| {
        let w: f64 = rows.iter().map(|r| r.weighted_n).sum();
        rows.iter().map(|r| r.value * r.weighted_n).sum::<f64>() / w
    };
    let before: Vec<_> = app
        .iter()
        .filter(|r| r.keys[1].as_str() < change_month)
        .collect();
    let after: Vec<_> = app
        .iter()
        .filter(|r| r.keys[1].as_str() > change_month)
        .collect();
    assert!(
        before.len() >= 6 && after.len() >= 3,
        "{before:?} {after:?}"
    );
    let (b, a) = (weighted_mean(&before), weighted_mean(&after));
    let realized_gap = truth["realized"]["after"]["nps"].as_f64().unwrap()
        - truth["realized"]["before"]["nps"].as_f64().unwrap();
    assert!(
        a - b > realized_gap / 2.0,
        "app NPS before {b:.1}, after {a:.1}"
    );
}

/// The main job's analysis: every metric present, the planted slice among the hotspots,
/// readable Markdown and valid JSON.
#[test]
fn analyze_reports_the_sample() {
    use cxm_core::report::{analyze, ReportConfig};
    let t = table();
    let config = ReportConfig {
        utc_offset_minutes: 60,
        ..ReportConfig::default()
    };
    let r = analyze(&t, &config).unwrap();
    assert!(r.nps.is_some() && r.csat.is_some() && r.ces.is_some());
    assert_eq!(r.ces.as_ref().unwrap().size.n, 15_112);
    assert!(r
        .hotspots
        .iter()
        .any(|h| h.describe() == "store=Leeds Central & daypart=evening"));
    let md = r.to_markdown();
    assert!(
        md.contains("## Hotspots") && md.contains("Leeds Central"),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(json["load"]["rows_in"], 20_000);
    // What the comments say: respondents with negative comments score far below those
    // with positive ones; the calibration is monotone.
    let c = r.comments.as_ref().expect("the sample has comments");
    assert!(c.comments > 10_000 && c.comments < 20_000, "{}", c.comments);
    assert!((c.negative + c.neutral + c.positive - 1.0).abs() < 1e-12);
    let by = |label: &str| {
        c.by_sentiment
            .rows
            .iter()
            .find(|row| row.keys == [label])
            .unwrap_or_else(|| panic!("no {label} row"))
    };
    assert!(by("negative").value < by("neutral").value);
    assert!(by("neutral").value < by("positive").value);
    assert!(by("negative").value < -20.0 && by("positive").value > 40.0);
    assert!(by("negative").q_value < 1e-10 && by("positive").q_value < 1e-10);
    let cal = c.calibration.as_ref().unwrap();
    assert!(cal.expected_score(-0.5) < cal.expected_score(0.5));
    assert!(cal.p_negative(-0.5) > cal.p_negative(0.5));
    assert!(
        md.contains("## What the comments say") && md.contains("(no comment)"),
        "{md}"
    );
    let off = analyze(
        &t,
        &ReportConfig {
            sentiment: false,
            ..config.clone()
        },
    )
    .unwrap();
    assert!(off.comments.is_none());
    // Only NPS: CSAT and CES sections are absent, not errors.
    let nps = [9.0, 10.0, 3.0];
    let small = cxm_core::table::TableBuilder::new()
        .nps(&nps[..])
        .build(Policy::Reject)
        .unwrap();
    let r = analyze(&small, &ReportConfig::default()).unwrap();
    assert!(r.nps.unwrap().size.small && r.csat.is_none() && r.ces.is_none());
}
