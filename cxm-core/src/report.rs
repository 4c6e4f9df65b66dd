//! `analyze`: the whole analysis of a response table in one call.
//!
//! A report holds the load accounting, NPS / CSAT / CES with intervals, per-dimension
//! segment tables (worst first), the hotspot search and, when the table has comments,
//! what they say: their sentiment (Cx mode), the headline metric of respondents by
//! comment sentiment, and a calibration of comment sentiment against the answers. Later
//! modules (drivers, themes, follow-ups, impact) add sections. A [`Report`] serializes
//! to JSON and renders as Markdown.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::error::{CxmError, Result};
use crate::metrics::{CesResult, CsatResult, MetricKind, MetricOptions, NpsResult};
use crate::segment::{
    hotspots, segment, Answers, Codes, Columns, DimColumn, Dimension, Flag, Hotspot,
    HotspotOptions, SegmentOptions, SegmentSpec, SegmentSummary, SegmentTable,
};
use crate::sentiment::{Calibration, Label, SentimentModel, DEFAULT_CUT};
use crate::table::{LoadReport, Policy, ResponseTable, MISSING};
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
    /// Score the comments (Cx mode) when the table has them.
    #[serde(default = "yes")]
    pub sentiment: bool,
}

fn yes() -> bool {
    true
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
            sentiment: true,
        }
    }
}

/// What the comments say: [`Report::comments`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentSentiment {
    /// Rows with a non-blank comment (all were scored).
    pub comments: usize,
    /// Shares of the comments labelled negative, neutral and positive (cut-off ±0.05).
    pub negative: f64,
    pub neutral: f64,
    pub positive: f64,
    /// Mean compound over the comments.
    pub mean_compound: f64,
    /// The headline metric of respondents grouped by the sentiment of their comment
    /// (dimension "comment sentiment": negative / neutral / positive; rows without a
    /// comment are not in any group).
    pub by_sentiment: SegmentTable,
    /// Compound → headline answer (isotonic), fitted on rows with both a comment and an
    /// answer; `None` when there are none.
    pub calibration: Option<Calibration>,
}

fn comment_sentiment(
    table: &ResponseTable,
    metric: MetricKind,
    opts: &SegmentOptions,
) -> Result<Option<CommentSentiment>> {
    let (Some(comments), Some(levels)) = (table.comments(), table.levels(metric)) else {
        return Ok(None);
    };
    let rows: Vec<usize> = (0..comments.len())
        .filter(|&i| !comments[i].trim().is_empty())
        .collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let model = SentimentModel::cx();
    let texts: Vec<&str> = rows.iter().map(|&i| comments[i].as_str()).collect();
    let scores = model.score_batch(&texts);
    let mut codes = vec![-1i8; comments.len()];
    let mut counts = [0usize; 3];
    for (&row, s) in rows.iter().zip(&scores) {
        let code = match s.label(DEFAULT_CUT) {
            Label::Negative => 0,
            Label::Neutral => 1,
            Label::Positive => 2,
        };
        codes[row] = code;
        counts[code as usize] += 1;
    }
    let n = rows.len() as f64;
    let scale = table.scale(metric);
    let by_sentiment = SegmentSummary::from_columns(
        &Columns {
            metric,
            scale,
            answers: Answers::Levels(levels),
            present: None,
            weights: table.weights(),
            dims: vec![DimColumn::Codes {
                name: "comment sentiment".into(),
                codes: Codes::I8(&codes),
                levels: ["negative", "neutral", "positive"]
                    .map(String::from)
                    .to_vec(),
            }],
            utc_offset_minutes: 0,
            answer_column: metric.name().into(),
        },
        Policy::Skip,
    )?
    .finish(opts)?;
    let (compound, answers): (Vec<f64>, Vec<f64>) = rows
        .iter()
        .zip(&scores)
        .filter(|(&row, _)| levels[row] != MISSING)
        .map(|(&row, s)| (s.compound, f64::from(levels[row]) + f64::from(scale.min())))
        .unzip();
    let calibration = if compound.is_empty() {
        None
    } else {
        Some(Calibration::fit(&compound, &answers, scale)?)
    };
    Ok(Some(CommentSentiment {
        comments: rows.len(),
        negative: counts[0] as f64 / n,
        neutral: counts[1] as f64 / n,
        positive: counts[2] as f64 / n,
        mean_compound: scores.iter().map(|s| s.compound).sum::<f64>() / n,
        by_sentiment,
        calibration,
    }))
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
    /// What the comments say (when the table has comments and `config.sentiment`).
    #[serde(default)]
    pub comments: Option<CommentSentiment>,
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
    let comments = if config.sentiment {
        comment_sentiment(table, metric, &config.segment)?
    } else {
        None
    };
    Ok(Report {
        comments,
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
        if let Some(c) = &self.comments {
            self.comments_markdown(&mut s, c, &name);
        }
        s
    }

    fn comments_markdown(&self, s: &mut String, c: &CommentSentiment, name: &str) {
        let _ = writeln!(s, "\n## What the comments say (sentiment, Cx mode)\n");
        let _ = writeln!(
            s,
            "{} of {} responses have a comment: {:.1}% negative, {:.1}% neutral, {:.1}% positive (mean compound {:+.2}).\n",
            c.comments,
            self.load.rows_accepted,
            100.0 * c.negative,
            100.0 * c.neutral,
            100.0 * c.positive,
            c.mean_compound
        );
        let _ = writeln!(
            s,
            "| comment sentiment | n | {name} | interval | vs rest | q |"
        );
        let _ = writeln!(s, "|---|---:|---:|---|---:|---:|");
        for r in &c.by_sentiment.rows {
            let key = r.keys.join(" & ");
            let _ = writeln!(
                s,
                "| {} | {} | {:.1} | {:.1} to {:.1} | {:+.1} | {:.2e} |",
                if key == "(missing)" {
                    "(no comment)"
                } else {
                    &key
                },
                r.n,
                r.value,
                r.low,
                r.high,
                r.diff,
                r.q_value
            );
        }
        if let Some(cal) = &c.calibration {
            let negative = match self.metric {
                MetricKind::Nps => "detractor",
                MetricKind::Csat => "bottom two boxes",
                MetricKind::Ces => "disagree",
            };
            let _ = writeln!(
                s,
                "\nCalibrated on {} comments with an answer: a comment at compound -0.5 predicts a {name} answer of {:.1} (P({negative}) {:.2}); at +0.5, {:.1} ({:.2}).",
                cal.n(),
                cal.expected_score(-0.5),
                cal.p_negative(-0.5),
                cal.expected_score(0.5),
                cal.p_negative(0.5)
            );
        }
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
