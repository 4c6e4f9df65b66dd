//! `analyze`: the whole analysis of a response table in one call.
//!
//! For now (issue 3) a report holds the load accounting, NPS / CSAT / CES with
//! intervals, per-dimension segment tables (worst first) and the hotspot search. Later
//! modules (drivers, themes, follow-ups, impact) add sections. A [`Report`] serializes
//! to JSON and renders as Markdown.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::error::{CxmError, Result};
use crate::metrics::{CesResult, CsatResult, MetricKind, MetricOptions, NpsResult};
use crate::segment::{
    hotspots, segment, Dimension, Flag, Hotspot, HotspotOptions, SegmentOptions, SegmentSpec,
    SegmentTable,
};
use crate::table::{LoadReport, ResponseTable};
use crate::time::TimeBucket;

/// What [`analyze`] computes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportConfig {
    /// Headline metric for segments and hotspots (default: NPS, else CSAT, else CES).
    pub metric: Option<MetricKind>,
    /// Attributes to segment by (default: every attribute of the table).
    pub attributes: Option<Vec<String>>,
    /// Time buckets to segment by and search hotspots over (if the table has timestamps).
    pub buckets: Vec<TimeBucket>,
    /// Local time offset for buckets, minutes east of UTC.
    pub utc_offset_minutes: i32,
    pub segment: SegmentOptions,
    pub hotspots: HotspotOptions,
}

impl Default for ReportConfig {
    fn default() -> Self {
        ReportConfig {
            metric: None,
            attributes: None,
            buckets: vec![TimeBucket::Weekday, TimeBucket::Daypart, TimeBucket::Month],
            utc_offset_minutes: 0,
            segment: SegmentOptions::default(),
            hotspots: HotspotOptions::default(),
        }
    }
}

/// The result of [`analyze`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub load: LoadReport,
    pub nps: Option<NpsResult>,
    pub csat: Option<CsatResult>,
    pub ces: Option<CesResult>,
    pub metric: MetricKind,
    pub segments: Vec<SegmentTable>,
    pub hotspots: Vec<Hotspot>,
    pub config: ReportConfig,
}

/// Runs the analysis. See the module documentation.
pub fn analyze(table: &ResponseTable, config: &ReportConfig) -> Result<Report> {
    let mopts = MetricOptions {
        confidence: config.segment.confidence,
        small_n: config.segment.min_n,
        nps_interval: config.segment.nps_interval,
    };
    let nps = if_answered(table, MetricKind::Nps, || table.nps(&mopts))?;
    let csat = if_answered(table, MetricKind::Csat, || table.csat(&mopts))?;
    let ces = if_answered(table, MetricKind::Ces, || table.ces(&mopts))?;
    let metric = config.metric.unwrap_or(if nps.is_some() {
        MetricKind::Nps
    } else if csat.is_some() {
        MetricKind::Csat
    } else {
        MetricKind::Ces
    });
    let attributes: Vec<String> = match &config.attributes {
        Some(a) => a.clone(),
        None => table.attributes().iter().map(|a| a.name.clone()).collect(),
    };
    let mut dims: Vec<Dimension> = attributes
        .iter()
        .cloned()
        .map(Dimension::Attribute)
        .collect();
    if table.timestamps().is_some() {
        dims.extend(config.buckets.iter().copied().map(Dimension::Time));
    }
    let mut segments = Vec::new();
    for d in &dims {
        let spec = SegmentSpec {
            metric,
            dims: vec![d.clone()],
            utc_offset_minutes: config.utc_offset_minutes,
        };
        segments.push(segment(table, &spec, &config.segment)?);
    }
    let spots = if dims.is_empty() {
        Vec::new()
    } else {
        let spec = SegmentSpec {
            metric,
            dims,
            utc_offset_minutes: config.utc_offset_minutes,
        };
        hotspots(
            table,
            &spec,
            &HotspotOptions {
                segment: config.segment,
                ..config.hotspots
            },
        )?
    };
    Ok(Report {
        load: table.load_report().clone(),
        nps,
        csat,
        ces,
        metric,
        segments,
        hotspots: spots,
        config: config.clone(),
    })
}

impl Report {
    /// JSON form of the report (NaN values become `null`).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// A readable Markdown report.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let pct = self.config.segment.confidence * 100.0;
        let _ = writeln!(s, "# CX report\n");
        let l = &self.load;
        let _ = writeln!(
            s,
            "Rows: {} read, {} used, {} skipped{}.\n",
            l.rows_in,
            l.rows_accepted,
            l.rows_skipped(),
            if l.skipped.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    l.skipped
                        .iter()
                        .map(|(r, c)| format!("{}: {c}", r.name()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
        let _ = writeln!(s, "## Scores ({pct:.0}% intervals)\n");
        let _ = writeln!(s, "| metric | value | interval | n | n_eff | detail |");
        let _ = writeln!(s, "|---|---:|---|---:|---:|---|");
        if let Some(r) = &self.nps {
            let _ = writeln!(
                s,
                "| NPS | {:+.1} | {:+.1} to {:+.1} | {} | {:.0} | promoters {:.1}%, passives {:.1}%, detractors {:.1}%{} |",
                r.nps, r.interval.low, r.interval.high, r.size.n, r.size.n_eff,
                100.0 * r.promoters, 100.0 * r.passives, 100.0 * r.detractors,
                small(r.size.small)
            );
        }
        if let Some(r) = &self.csat {
            let _ = writeln!(
                s,
                "| CSAT (top-2 box) | {:.1}% | {:.1} to {:.1} | {} | {:.0} | mean {:.2} ({:.2} to {:.2}) on 1-{}{} |",
                r.csat, r.interval.low, r.interval.high, r.size.n, r.size.n_eff, r.mean,
                r.mean_interval.low, r.mean_interval.high, r.points, small(r.size.small)
            );
        }
        if let Some(r) = &self.ces {
            let _ = writeln!(
                s,
                "| CES (mean, 1-7) | {:.2} | {:.2} to {:.2} | {} | {:.0} | {:.1}% agree ({:.1} to {:.1}){} |",
                r.mean, r.interval.low, r.interval.high, r.size.n, r.size.n_eff, r.agree,
                r.agree_interval.low, r.agree_interval.high, small(r.size.small)
            );
        }
        let name = self.metric.name().to_uppercase();
        let _ = writeln!(
            s,
            "\n## Where {name} is worse (significant at q < {})\n",
            self.config.segment.alpha
        );
        let _ = writeln!(s, "| segment | n | {name} | interval | vs rest | q |");
        let _ = writeln!(s, "|---|---:|---:|---|---:|---:|");
        let mut worse: Vec<(String, &crate::segment::SegmentRow)> = self
            .segments
            .iter()
            .flat_map(|t| {
                t.rows
                    .iter()
                    .filter(|r| r.flag == Flag::Worse)
                    .map(move |r| (format!("{}={}", t.dims.join(" & "), r.keys.join(" & ")), r))
            })
            .collect();
        worse.sort_by(|a, b| a.1.diff.total_cmp(&b.1.diff));
        if worse.is_empty() {
            let _ = writeln!(s, "| (none) | | | | | |");
        }
        for (label, r) in worse.iter().take(15) {
            let _ = writeln!(
                s,
                "| {label} | {} | {:.1} | {:.1} to {:.1} | {:+.1} | {:.2e} |",
                r.n, r.value, r.low, r.high, r.diff, r.q_value
            );
        }
        let suppressed: usize = self
            .segments
            .iter()
            .map(|t| t.rows.iter().filter(|r| r.flag == Flag::Suppressed).count())
            .sum();
        if suppressed > 0 {
            let _ = writeln!(
                s,
                "\n{suppressed} segment(s) below min_n = {} are suppressed (their n is still in the tables).",
                self.config.segment.min_n
            );
        }
        let _ = writeln!(s, "\n## Hotspots: what costs the most {name} points\n");
        let _ = writeln!(
            s,
            "Cost = points the overall {name} would gain if the slice scored like the rest.\n"
        );
        let _ = writeln!(s, "| # | slice | n | {name} | rest | cost (points) | q |");
        let _ = writeln!(s, "|---:|---|---:|---:|---:|---:|---:|");
        if self.hotspots.is_empty() {
            let _ = writeln!(s, "| | (none significant) | | | | | |");
        }
        for (i, h) in self.hotspots.iter().enumerate() {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.1} | {:.1} | {:.2} | {:.2e} |",
                i + 1,
                h.describe(),
                h.n,
                h.value,
                h.rest,
                h.cost,
                h.q_value
            );
        }
        s
    }
}

/// A metric is reported when its column exists and holds answers with weight.
fn if_answered<T>(
    table: &ResponseTable,
    kind: MetricKind,
    compute: impl FnOnce() -> Result<T>,
) -> Result<Option<T>> {
    if table.levels(kind).is_none() {
        return Ok(None);
    }
    match compute() {
        Ok(r) => Ok(Some(r)),
        Err(CxmError::EmptyInput { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

fn small(flag: bool) -> &'static str {
    if flag {
        " (small sample)"
    } else {
        ""
    }
}
