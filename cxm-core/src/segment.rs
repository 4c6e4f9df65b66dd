//! Segmentation and hotspot search.
//!
//! [`SegmentSummary`] groups answers by categorical attributes and/or a calendar bucket
//! and keeps one [`Distribution`] per group (keyed by labels, so summaries built on
//! different partitions merge). [`SegmentSummary::finish`] turns it into a
//! [`SegmentTable`]: per group `n`, the headline metric with its interval, the
//! difference against the rest of the data with a two-sample test (z for NPS and CSAT%,
//! Welch t for CES), Benjamini–Hochberg q-values across the groups, a worse / better /
//! not-significant flag at `alpha`, and suppression of groups below `min_n` (their `n`
//! is still reported).
//!
//! [`hotspots`] searches every combination of one to three dimensions and ranks groups
//! by their *points cost*: how much the overall score would rise if the group scored
//! like the rest of the data, `cost = (W_g / W) · (value_rest − value_g)`.
//!
//! The row scan is columnar and parallel: fixed-size chunks (independent of the thread
//! count) are histogrammed with rayon and merged in chunk order, so results are
//! identical for any number of threads.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::{CxmError, Result};
use crate::interval::{benjamini_hochberg, check_confidence, Interval};
use crate::metrics::{
    compare, from_versioned_json, headline, Distribution, MetricKind, MetricOptions, NpsInterval,
    Scale, FORMAT_VERSION, MAX_LEVELS,
};
use crate::table::{
    timestamp_error, LoadReport, Policy, ResponseTable, SkipReason, MISSING, MISSING_LEVEL,
};
use crate::time::{valid_epoch, TimeBucket};

/// Bounds of the rows per parallel work unit (see `SegmentSummary::from_columns`).
const MIN_CHUNK: usize = 1 << 16;
const MAX_CHUNK: usize = 1 << 20;

/// Chunks histogrammed at once before merging (bounds memory).
const WAVE: usize = 32;

/// Largest `groups × levels` held in a dense histogram; larger key spaces use a hash map.
const DENSE_LIMIT: usize = 1 << 18;

/// Default minimum group size below which a group's metric is suppressed.
pub const DEFAULT_MIN_N: u64 = 30;

/// A grouping dimension.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// A categorical attribute column, by name.
    Attribute(String),
    /// A calendar bucket of the timestamp column.
    Time(TimeBucket),
}

impl Dimension {
    /// Column name of the dimension in output tables.
    pub fn name(&self) -> &str {
        match self {
            Dimension::Attribute(n) => n,
            Dimension::Time(b) => b.name(),
        }
    }
}

/// What to group and measure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSpec {
    pub metric: MetricKind,
    /// Grouping dimensions, in output order.
    pub dims: Vec<Dimension>,
    /// Offset of local time from UTC in minutes, for time buckets (e.g. 60 for +01:00).
    pub utc_offset_minutes: i32,
}

impl SegmentSpec {
    /// Group `metric` by attribute columns `by` and an optional time bucket (last).
    pub fn new(metric: MetricKind, by: &[&str], time: Option<TimeBucket>) -> Self {
        let mut dims: Vec<Dimension> = by
            .iter()
            .map(|s| Dimension::Attribute(s.to_string()))
            .collect();
        dims.extend(time.map(Dimension::Time));
        SegmentSpec {
            metric,
            dims,
            utc_offset_minutes: 0,
        }
    }

    /// Sets the UTC offset used for time buckets.
    pub fn utc_offset_minutes(mut self, minutes: i32) -> Self {
        self.utc_offset_minutes = minutes;
        self
    }
}

/// Options of [`SegmentSummary::finish`] and [`hotspots`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SegmentOptions {
    /// Groups with fewer answers are suppressed (default 30).
    pub min_n: u64,
    /// Confidence level of intervals (default 0.95).
    pub confidence: f64,
    /// False discovery rate for the worse/better flag (default 0.05).
    pub alpha: f64,
    /// NPS interval method.
    pub nps_interval: NpsInterval,
}

impl Default for SegmentOptions {
    fn default() -> Self {
        SegmentOptions {
            min_n: DEFAULT_MIN_N,
            confidence: 0.95,
            alpha: 0.05,
            nps_interval: NpsInterval::Wald,
        }
    }
}

impl SegmentOptions {
    fn check(&self) -> Result<MetricOptions> {
        check_confidence(self.confidence)?;
        if !(self.alpha > 0.0 && self.alpha < 1.0) {
            return Err(CxmError::invalid_argument(
                "alpha",
                format!("{} must be strictly between 0 and 1", self.alpha),
            ));
        }
        Ok(MetricOptions {
            confidence: self.confidence,
            small_n: self.min_n,
            nps_interval: self.nps_interval,
        })
    }
}

/// Verdict on a group against the rest of the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// Significantly worse than the rest (q < alpha).
    Worse,
    /// Significantly better than the rest.
    Better,
    /// No significant difference.
    NotSignificant,
    /// Fewer than `min_n` answers: metric suppressed.
    Suppressed,
}

impl Flag {
    /// snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            Flag::Worse => "worse",
            Flag::Better => "better",
            Flag::NotSignificant => "not_significant",
            Flag::Suppressed => "suppressed",
        }
    }
}

/// One part of a group key: a categorical label or a time-bucket key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum KeyPart {
    Label(String),
    Time(i64),
}

/// One group of a [`SegmentTable`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentRow {
    /// Labels of the group, one per dimension.
    pub keys: Vec<String>,
    pub n: u64,
    pub weighted_n: f64,
    pub n_eff: f64,
    /// Headline metric (NaN when suppressed).
    pub value: f64,
    pub low: f64,
    pub high: f64,
    /// Metric of all other rows.
    pub rest: f64,
    /// `value − rest`.
    pub diff: f64,
    pub p_value: f64,
    /// Benjamini–Hochberg q-value across the table's unsuppressed groups.
    pub q_value: f64,
    pub flag: Flag,
    /// Points the overall metric would gain if this group scored like the rest.
    pub cost: f64,
}

/// The result of a segmentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentTable {
    pub metric: MetricKind,
    /// Dimension names (the key columns).
    pub dims: Vec<String>,
    /// Overall metric over every group.
    pub overall: f64,
    pub overall_interval: Interval,
    /// Answers counted.
    pub n: u64,
    /// Rows without an answer to this metric.
    pub missing: u64,
    pub rows: Vec<SegmentRow>,
    /// How input rows were accounted for.
    pub load: LoadReport,
}

/// Mergeable per-group distributions. See the module documentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentSummary {
    format_version: u32,
    metric: MetricKind,
    scale: Scale,
    dims: Vec<Dimension>,
    utc_offset_minutes: i32,
    groups: Vec<(Vec<KeyPart>, Distribution)>,
    missing: u64,
    load: LoadReport,
}

/// Integer codes of a categorical column, in whatever width the caller has.
#[derive(Debug, Clone, Copy)]
pub enum Codes<'a> {
    I8(&'a [i8]),
    I16(&'a [i16]),
    I32(&'a [i32]),
    I64(&'a [i64]),
    U8(&'a [u8]),
    U16(&'a [u16]),
    U32(&'a [u32]),
}

impl Codes<'_> {
    fn len(&self) -> usize {
        match self {
            Codes::I8(v) => v.len(),
            Codes::I16(v) => v.len(),
            Codes::I32(v) => v.len(),
            Codes::I64(v) => v.len(),
            Codes::U8(v) => v.len(),
            Codes::U16(v) => v.len(),
            Codes::U32(v) => v.len(),
        }
    }

    /// Code of row `i`; negative means missing.
    #[inline(always)]
    fn get(&self, i: usize) -> i64 {
        match self {
            Codes::I8(v) => i64::from(v[i]),
            Codes::I16(v) => i64::from(v[i]),
            Codes::I32(v) => i64::from(v[i]),
            Codes::I64(v) => v[i],
            Codes::U8(v) => i64::from(v[i]),
            Codes::U16(v) => i64::from(v[i]),
            Codes::U32(v) => i64::from(v[i]),
        }
    }
}

/// Answers in whatever numeric type the caller has.
#[derive(Debug, Clone, Copy)]
pub enum Answers<'a> {
    F64(&'a [f64]),
    F32(&'a [f32]),
    I64(&'a [i64]),
    I32(&'a [i32]),
    I16(&'a [i16]),
    I8(&'a [i8]),
    U8(&'a [u8]),
    /// Already-validated level codes (answer − min, [`MISSING`] = skipped).
    Levels(&'a [u8]),
}

impl Answers<'_> {
    fn len(&self) -> usize {
        match self {
            Answers::F64(v) => v.len(),
            Answers::F32(v) => v.len(),
            Answers::I64(v) => v.len(),
            Answers::I32(v) => v.len(),
            Answers::I16(v) => v.len(),
            Answers::I8(v) => v.len(),
            Answers::U8(v) => v.len(),
            Answers::Levels(v) => v.len(),
        }
    }
}

/// A grouping column for [`SegmentSummary::from_columns`].
#[derive(Debug, Clone)]
pub enum DimColumn<'a> {
    /// Categorical codes into `levels` (negative = missing).
    Codes {
        name: String,
        codes: Codes<'a>,
        levels: Vec<String>,
    },
    /// UTC epoch seconds bucketed by `bucket` (`i64::MIN` = missing timestamp, and any
    /// `|t| ≥ 10¹⁵`: bad row).
    Time {
        timestamps: &'a [i64],
        bucket: TimeBucket,
    },
}

/// Borrowed columns for [`SegmentSummary::from_columns`].
#[derive(Debug, Clone)]
pub struct Columns<'a> {
    pub metric: MetricKind,
    pub scale: Scale,
    pub answers: Answers<'a>,
    /// `false` = question skipped (not an error).
    pub present: Option<&'a [bool]>,
    pub weights: Option<&'a [f64]>,
    pub dims: Vec<DimColumn<'a>>,
    pub utc_offset_minutes: i32,
    /// Column name for error messages.
    pub answer_column: String,
}

impl SegmentSummary {
    /// An empty summary for `spec` on `scale`.
    pub fn new(spec: &SegmentSpec, scale: Scale) -> Self {
        SegmentSummary {
            format_version: FORMAT_VERSION,
            metric: spec.metric,
            scale,
            dims: spec.dims.clone(),
            utc_offset_minutes: spec.utc_offset_minutes,
            groups: Vec::new(),
            missing: 0,
            load: LoadReport::default(),
        }
    }

    /// Summarises a validated table.
    pub fn from_table(table: &ResponseTable, spec: &SegmentSpec) -> Result<Self> {
        let levels = table.require_levels(spec.metric)?;
        let mut dims = Vec::with_capacity(spec.dims.len());
        for d in &spec.dims {
            dims.push(match d {
                Dimension::Attribute(name) => {
                    let a = table.attribute(name)?;
                    DimColumn::Codes {
                        name: name.clone(),
                        codes: Codes::U32(&a.codes),
                        levels: a.levels.clone(),
                    }
                }
                Dimension::Time(bucket) => DimColumn::Time {
                    timestamps: table.timestamps().ok_or_else(|| CxmError::MissingColumn {
                        column: "timestamp".into(),
                        available: table.column_names().join(", "),
                    })?,
                    bucket: *bucket,
                },
            });
        }
        let mut s = Self::from_columns(
            &Columns {
                metric: spec.metric,
                scale: table.scale(spec.metric),
                answers: Answers::Levels(levels),
                present: None,
                weights: table.weights(),
                dims,
                utc_offset_minutes: spec.utc_offset_minutes,
                answer_column: spec.metric.name().into(),
            },
            Policy::Reject,
        )?;
        s.load = table.load_report().clone();
        Ok(s)
    }

    /// Summarises borrowed columns directly (zero-copy path for bindings), validating
    /// answers, weights and timestamps under `policy`.
    pub fn from_columns(cols: &Columns<'_>, policy: Policy) -> Result<Self> {
        Self::from_columns_checking(cols, policy, &[])
    }

    /// [`SegmentSummary::from_columns`] that also treats rows with an unusable timestamp
    /// in any of `also_timestamps` as bad, so every combination of a hotspot search
    /// drops the same rows.
    fn from_columns_checking(
        cols: &Columns<'_>,
        policy: Policy,
        also_timestamps: &[&[i64]],
    ) -> Result<Self> {
        let mut out = Self::scan_many(std::slice::from_ref(cols), policy, also_timestamps)?;
        out.pop().ok_or_else(|| CxmError::EmptyInput {
            what: "no columns".into(),
        })
    }

    /// Summaries of several answer columns over the same rows (say NPS, CSAT and CES
    /// grouped by the same dimensions) in one pass: the columns are scanned chunk by
    /// chunk in lockstep, so each chunk's category codes come from memory once and from
    /// cache for the other columns. Each result equals [`SegmentSummary::from_columns`]
    /// on its columns. With [`Policy::Reject`] the error is the first bad row of the first
    /// column set that has one.
    pub fn from_columns_many(cols: &[Columns<'_>], policy: Policy) -> Result<Vec<Self>> {
        Self::scan_many(cols, policy, &[])
    }

    fn scan_many(
        all_cols: &[Columns<'_>],
        policy: Policy,
        also_timestamps: &[&[i64]],
    ) -> Result<Vec<Self>> {
        let Some(first) = all_cols.first() else {
            return Ok(Vec::new());
        };
        let len = first.answers.len();
        if len == 0 {
            return Err(CxmError::EmptyInput {
                what: "zero rows".into(),
            });
        }
        let check_len = |column: &str, found: usize| {
            if found == len {
                Ok(())
            } else {
                Err(CxmError::LengthMismatch {
                    column: column.to_string(),
                    expected: len,
                    found,
                })
            }
        };
        for ts in also_timestamps {
            check_len("timestamps", ts.len())?;
        }
        let mut plans = Vec::with_capacity(all_cols.len());
        for cols in all_cols {
            check_len(&cols.answer_column, cols.answers.len())?;
            plans.push(Plan::new(cols, &check_len)?);
        }
        let scans: Vec<Scan<'_, '_>> = all_cols
            .iter()
            .zip(&plans)
            .map(|(cols, p)| Scan {
                cols,
                scale: p.scale,
                also_timestamps,
                dims: &p.dims,
                dense: p.dense,
                cells: p.cells,
                levels: p.levels,
            })
            .collect();
        // Chunk size depends only on the shape of the input (the dimensions; never on
        // the thread count or the metric), and chunk histograms merge in chunk order:
        // results are bit-identical for any number of threads. Chunks run in waves to
        // bound memory.
        let chunk = plans
            .iter()
            .map(|p| p.cells.saturating_mul(MAX_LEVELS).saturating_mul(4))
            .max()
            .unwrap_or(0)
            .next_power_of_two()
            .clamp(MIN_CHUNK, MAX_CHUNK);
        let chunks = len.div_ceil(chunk);
        let mut totals: Vec<ChunkHist> = scans
            .iter()
            .map(|s| ChunkHist::empty(s.dense, s.cells, s.levels, s.cols.weights.is_some()))
            .collect();
        let mut first_bad: Vec<Option<CxmError>> = vec![None; scans.len()];
        for wave in (0..chunks).step_by(WAVE) {
            let parts: Vec<Vec<ChunkHist>> = (wave..(wave + WAVE).min(chunks))
                .into_par_iter()
                .map(|c| {
                    let (start, end) = (c * chunk, ((c + 1) * chunk).min(len));
                    scans.iter().map(|s| s.chunk(start, end)).collect()
                })
                .collect();
            for per_chunk in parts {
                for (k, p) in per_chunk.into_iter().enumerate() {
                    if let Some(e) = &p.bad_code {
                        return Err(e.clone());
                    }
                    if first_bad[k].is_none() {
                        first_bad[k] = p.first_bad.clone();
                    }
                    totals[k].absorb(p);
                }
            }
        }
        if policy == Policy::Reject {
            if let Some(e) = first_bad.into_iter().flatten().next() {
                return Err(e);
            }
        }
        Ok(totals
            .into_iter()
            .zip(plans)
            .zip(all_cols)
            .map(|((total, plan), cols)| {
                let skipped_total: usize = total.skipped.values().sum();
                let load = LoadReport {
                    rows_in: len,
                    rows_accepted: len - skipped_total,
                    skipped: total.skipped.clone(),
                };
                SegmentSummary {
                    format_version: FORMAT_VERSION,
                    metric: cols.metric,
                    scale: plan.scale,
                    groups: total.into_groups(&plan.dims, plan.scale),
                    dims: plan.spec_dims,
                    utc_offset_minutes: cols.utc_offset_minutes,
                    missing: scan_missing(cols),
                    load,
                }
            })
            .collect())
    }

    /// How input rows were accounted for.
    pub fn load_report(&self) -> &LoadReport {
        &self.load
    }

    /// Dimensions grouped by.
    pub fn dims(&self) -> &[Dimension] {
        &self.dims
    }

    /// Number of groups seen.
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Adds another summary with the same metric, scale, dimensions and UTC offset.
    pub fn merge(&mut self, other: &SegmentSummary) -> Result<()> {
        if self.metric != other.metric
            || self.scale != other.scale
            || self.dims != other.dims
            || self.utc_offset_minutes != other.utc_offset_minutes
        {
            return Err(CxmError::invalid_argument(
                "other",
                "segment summaries differ in metric, scale, dimensions or UTC offset",
            ));
        }
        let mut map: BTreeMap<Vec<KeyPart>, Distribution> =
            std::mem::take(&mut self.groups).into_iter().collect();
        for (k, d) in &other.groups {
            match map.get_mut(k) {
                Some(mine) => mine.merge(d)?,
                None => {
                    map.insert(k.clone(), d.clone());
                }
            }
        }
        self.groups = map.into_iter().collect();
        self.missing += other.missing;
        self.load.rows_in += other.load.rows_in;
        self.load.rows_accepted += other.load.rows_accepted;
        for (r, c) in &other.load.skipped {
            *self.load.skipped.entry(*r).or_insert(0) += c;
        }
        Ok(())
    }

    /// Distribution over all groups.
    pub fn total(&self) -> Distribution {
        let mut t = Distribution::new(self.scale);
        for (_, d) in &self.groups {
            // Same scale by construction.
            let _ = t.merge(d);
        }
        t
    }

    /// Computes the segment table.
    pub fn finish(&self, opts: &SegmentOptions) -> Result<SegmentTable> {
        let mopts = opts.check()?;
        let total = self.total();
        let overall = headline(self.metric, &total, &mopts)?;
        let total_w = total.weighted_n();
        let mut rows = Vec::with_capacity(self.groups.len());
        let mut tested = Vec::new();
        for (key, d) in &self.groups {
            let n = d.n();
            let keys = key
                .iter()
                .zip(&self.dims)
                .map(|(k, dim)| label(k, dim))
                .collect();
            let mut row = SegmentRow {
                keys,
                n,
                weighted_n: d.weighted_n(),
                n_eff: d.n_eff(),
                value: f64::NAN,
                low: f64::NAN,
                high: f64::NAN,
                rest: f64::NAN,
                diff: f64::NAN,
                p_value: f64::NAN,
                q_value: f64::NAN,
                flag: Flag::Suppressed,
                cost: f64::NAN,
            };
            if n >= opts.min_n.max(1) && d.weighted_n() > 0.0 {
                let h = headline(self.metric, d, &mopts)?;
                row.value = h.value;
                row.low = h.interval.low;
                row.high = h.interval.high;
                row.flag = Flag::NotSignificant;
                let rest = total.minus(d);
                if rest.n() > 0 && rest.weighted_n() > 0.0 {
                    let hr = headline(self.metric, &rest, &mopts)?;
                    let c = compare(&h, &hr, opts.confidence)?;
                    row.rest = hr.value;
                    row.diff = c.diff;
                    row.p_value = c.p_value;
                    row.cost = d.weighted_n() / total_w * (hr.value - h.value);
                    tested.push(rows.len());
                }
            }
            rows.push(row);
        }
        let p: Vec<f64> = tested.iter().map(|&i| rows[i].p_value).collect();
        for (&i, q) in tested.iter().zip(benjamini_hochberg(&p)) {
            let row = &mut rows[i];
            row.q_value = q;
            if q < opts.alpha {
                row.flag = if row.diff < 0.0 {
                    Flag::Worse
                } else {
                    Flag::Better
                };
            }
        }
        Ok(SegmentTable {
            metric: self.metric,
            dims: self.dims.iter().map(|d| d.name().to_string()).collect(),
            overall: overall.value,
            overall_interval: overall.interval,
            n: total.n(),
            missing: self.missing,
            rows,
            load: self.load.clone(),
        })
    }

    /// Serializes to JSON (with the format version).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Restores a summary written by [`SegmentSummary::to_json`].
    pub fn from_json(json: &str) -> Result<Self> {
        from_versioned_json(json)
    }
}

fn label(k: &KeyPart, dim: &Dimension) -> String {
    match (k, dim) {
        (KeyPart::Time(t), Dimension::Time(b)) => b.label(*t),
        (KeyPart::Label(s), _) => s.clone(),
        (KeyPart::Time(t), _) => t.to_string(),
    }
}

fn scan_missing(cols: &Columns<'_>) -> u64 {
    let from_mask = cols
        .present
        .map_or(0, |p| p.iter().filter(|&&x| !x).count());
    let from_levels = match cols.answers {
        Answers::Levels(l) => l.iter().filter(|&&x| x == MISSING).count(),
        _ => 0,
    };
    (from_mask + from_levels) as u64
}

/// Segments a table in one call: [`SegmentSummary::from_table`] then `finish`.
///
/// ```
/// use cxm_core::metrics::MetricKind;
/// use cxm_core::segment::{segment, SegmentOptions, SegmentSpec};
/// use cxm_core::table::{AttributeColumn, Policy, TableBuilder};
/// let nps: Vec<f64> = (0..100).map(|i| if i % 2 == 0 { 10.0 } else { 2.0 }).collect();
/// let store: Vec<&str> = (0..100).map(|i| if i % 2 == 0 { "A" } else { "B" }).collect();
/// let t = TableBuilder::new().nps(&nps[..]).attribute("store", AttributeColumn::Text(&store))
///     .build(Policy::Reject).unwrap();
/// let table = segment(&t, &SegmentSpec::new(MetricKind::Nps, &["store"], None),
///     &SegmentOptions::default()).unwrap();
/// assert_eq!(table.rows[0].keys, ["A"]);
/// assert_eq!(table.rows[0].value, 100.0);
/// assert_eq!(table.rows[1].flag.name(), "worse");
/// ```
pub fn segment(
    table: &ResponseTable,
    spec: &SegmentSpec,
    opts: &SegmentOptions,
) -> Result<SegmentTable> {
    SegmentSummary::from_table(table, spec)?.finish(opts)
}

/// One column set resolved for scanning: its scale, dimension plans and histogram shape.
struct Plan<'a> {
    scale: Scale,
    dims: Vec<DimPlan<'a>>,
    spec_dims: Vec<Dimension>,
    cells: usize,
    levels: usize,
    dense: bool,
}

impl<'a> Plan<'a> {
    fn new(cols: &Columns<'a>, check_len: &dyn Fn(&str, usize) -> Result<()>) -> Result<Self> {
        let scale = cols.scale.validate()?;
        if let Some(p) = cols.present {
            check_len("present", p.len())?;
        }
        if let Some(w) = cols.weights {
            check_len("weights", w.len())?;
        }
        let mut dims = Vec::with_capacity(cols.dims.len());
        let mut spec_dims = Vec::with_capacity(cols.dims.len());
        for d in &cols.dims {
            let (name, n) = match d {
                DimColumn::Codes { name, codes, .. } => (name.as_str(), codes.len()),
                DimColumn::Time { timestamps, bucket } => (bucket.name(), timestamps.len()),
            };
            check_len(name, n)?;
            dims.push(DimPlan::new(d, cols.utc_offset_minutes)?);
            spec_dims.push(match d {
                DimColumn::Codes { name, .. } => Dimension::Attribute(name.clone()),
                DimColumn::Time { bucket, .. } => Dimension::Time(*bucket),
            });
        }
        let cells: usize = dims
            .iter()
            .try_fold(1usize, |acc, d| acc.checked_mul(d.card))
            .unwrap_or(usize::MAX);
        if cells >= BAD_CODE as usize {
            return Err(CxmError::invalid_argument(
                "dims",
                format!(
                    "the dimensions combine into {cells} possible groups; at most {} are supported",
                    BAD_CODE - 1
                ),
            ));
        }
        let levels = scale.levels();
        Ok(Plan {
            scale,
            dims,
            spec_dims,
            cells,
            levels,
            dense: cells.saturating_mul(levels) <= DENSE_LIMIT,
        })
    }
}

/// How one dimension maps a row to a dense code `0..card`.
struct DimPlan<'a> {
    kind: PlanKind<'a>,
    card: usize,
}

enum PlanKind<'a> {
    Codes {
        name: String,
        codes: Codes<'a>,
        /// Labels; the last one is "(missing)", for negative codes.
        labels: Vec<String>,
    },
    Time {
        ts: &'a [i64],
        bucket: TimeBucket,
        offset: i64,
        /// Bucket key of code 0.
        base: i64,
        /// Code of each local day from `day0` (calendar buckets), so the per-row work is
        /// one division and one lookup.
        day_codes: Vec<u32>,
        day0: i64,
    },
}

/// Cell marking a row with an unusable timestamp inside a batch's cell buffer.
const BAD: u32 = u32::MAX;

/// Cell marking a row with a category code ≥ the number of levels (a caller error).
const BAD_CODE: u32 = u32::MAX - 1;

impl<'a> DimPlan<'a> {
    fn new(d: &DimColumn<'a>, offset: i32) -> Result<Self> {
        match d {
            DimColumn::Codes {
                name,
                codes,
                levels,
            } => {
                // The last slot holds missing values (negative codes). Empty groups are
                // never emitted, so it costs nothing when unused, and no pre-scan of the
                // codes is needed: codes ≥ the number of levels are caught in the scan.
                let mut labels = levels.clone();
                labels.push(MISSING_LEVEL.to_string());
                Ok(DimPlan {
                    card: labels.len(),
                    kind: PlanKind::Codes {
                        name: name.clone(),
                        codes: *codes,
                        labels,
                    },
                })
            }
            DimColumn::Time { timestamps, bucket } => {
                let offset = i64::from(offset) * 60;
                let (lo, hi) = timestamps
                    .par_iter()
                    .filter(|&&t| valid_epoch(t))
                    .fold(
                        || (i64::MAX, i64::MIN),
                        |(lo, hi), &t| (lo.min(t), hi.max(t)),
                    )
                    .reduce(|| (i64::MAX, i64::MIN), |a, b| (a.0.min(b.0), a.1.max(b.1)));
                let (card, base, day_codes, day0) = match bucket {
                    TimeBucket::Hour => (24, 0, Vec::new(), 0),
                    TimeBucket::Weekday => (7, 0, Vec::new(), 0),
                    TimeBucket::Daypart => (4, 0, Vec::new(), 0),
                    _ if lo > hi => (1, 0, Vec::new(), 0),
                    _ => {
                        let day0 = (lo.saturating_add(offset)).div_euclid(SECS_PER_DAY);
                        let day1 = (hi.saturating_add(offset)).div_euclid(SECS_PER_DAY);
                        let days = usize::try_from(day1 - day0 + 1).unwrap_or(usize::MAX);
                        if days > MAX_DAY_TABLE {
                            return Err(CxmError::invalid_argument(
                                "timestamps",
                                format!(
                                    "timestamps span {days} days; calendar buckets support at most {MAX_DAY_TABLE}"
                                ),
                            ));
                        }
                        let key = |day: i64| bucket.key(day * SECS_PER_DAY, 0);
                        let base = key(day0);
                        let day_codes = (0..days as i64)
                            .map(|d| (key(day0 + d) - base) as u32)
                            .collect::<Vec<_>>();
                        let card = day_codes.last().map_or(1, |&c| c as usize + 1);
                        (card, base, day_codes, day0)
                    }
                };
                Ok(DimPlan {
                    card,
                    kind: PlanKind::Time {
                        ts: timestamps,
                        bucket: *bucket,
                        offset,
                        base,
                        day_codes,
                        day0,
                    },
                })
            }
        }
    }

    /// Folds this dimension into the cell ids of rows `start..start + cells.len()`:
    /// `cell = cell · card + code`, or [`BAD`] for a missing timestamp.
    fn fold_codes(&self, start: usize, cells: &mut [u32]) {
        let card = self.card as u32;
        match &self.kind {
            PlanKind::Codes { codes, .. } => {
                let n = card - 1;
                macro_rules! fold {
                    ($v:expr) => {
                        for (cell, &c) in cells.iter_mut().zip(&$v[start..]) {
                            let c = i64::from(c);
                            let code = if c < 0 {
                                n
                            } else if c < i64::from(n) {
                                c as u32
                            } else {
                                BAD_CODE
                            };
                            *cell = if code == BAD_CODE {
                                BAD_CODE
                            } else if *cell >= BAD_CODE {
                                *cell
                            } else {
                                *cell * card + code
                            };
                        }
                    };
                }
                match codes {
                    Codes::I8(v) => fold!(v),
                    Codes::I16(v) => fold!(v),
                    Codes::I32(v) => fold!(v),
                    Codes::I64(v) => fold!(v),
                    Codes::U8(v) => fold!(v),
                    Codes::U16(v) => fold!(v),
                    Codes::U32(v) => fold!(v),
                }
            }
            PlanKind::Time {
                ts,
                bucket,
                offset,
                day_codes,
                day0,
                ..
            } => {
                for (cell, &t) in cells.iter_mut().zip(&ts[start..]) {
                    if *cell >= BAD_CODE {
                        continue;
                    }
                    if !valid_epoch(t) {
                        *cell = BAD;
                        continue;
                    }
                    let local = t + offset;
                    let code = match bucket {
                        TimeBucket::Hour => (local.rem_euclid(SECS_PER_DAY) / 3600) as u32,
                        TimeBucket::Weekday => {
                            ((local.div_euclid(SECS_PER_DAY) + 3).rem_euclid(7)) as u32
                        }
                        TimeBucket::Daypart => {
                            DAYPART_OF_HOUR[(local.rem_euclid(SECS_PER_DAY) / 3600) as usize]
                        }
                        _ => day_codes[(local.div_euclid(SECS_PER_DAY) - day0) as usize],
                    };
                    *cell = *cell * card + code;
                }
            }
        }
    }

    fn key(&self, code: usize) -> KeyPart {
        match &self.kind {
            PlanKind::Codes { labels, .. } => {
                KeyPart::Label(labels.get(code).cloned().unwrap_or_default())
            }
            PlanKind::Time { base, .. } => KeyPart::Time(base + code as i64),
        }
    }
}

const SECS_PER_DAY: i64 = 86_400;

/// Largest span of days a calendar bucket may cover (about 27,000 years).
const MAX_DAY_TABLE: usize = 10_000_000;

/// `TimeBucket::Daypart` key of each hour (night 0, morning 1, afternoon 2, evening 3).
const DAYPART_OF_HOUR: [u32; 24] = [
    0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 0, 0,
];

struct Scan<'s, 'a> {
    cols: &'s Columns<'a>,
    scale: Scale,
    /// Timestamp columns outside `dims` whose unusable values also make a row bad.
    also_timestamps: &'s [&'s [i64]],
    dims: &'s [DimPlan<'a>],
    dense: bool,
    cells: usize,
    levels: usize,
}

/// Histogram of one block: per (cell, level) counts and, with weights, weight sums.
struct ChunkHist {
    dense: bool,
    levels: usize,
    count: Vec<u64>,
    weight: Vec<f64>,
    weight_sq: Vec<f64>,
    sparse: HashMap<usize, Distribution>,
    skipped: BTreeMap<SkipReason, usize>,
    first_bad: Option<CxmError>,
    /// First category code out of range (a caller error, whatever the policy).
    bad_code: Option<CxmError>,
}

impl ChunkHist {
    fn empty(dense: bool, cells: usize, levels: usize, weighted: bool) -> Self {
        let size = if dense { cells * levels } else { 0 };
        ChunkHist {
            dense,
            levels,
            count: vec![0; size],
            weight: if weighted {
                vec![0.0; size]
            } else {
                Vec::new()
            },
            weight_sq: if weighted {
                vec![0.0; size]
            } else {
                Vec::new()
            },
            sparse: HashMap::new(),
            skipped: BTreeMap::new(),
            first_bad: None,
            bad_code: None,
        }
    }

    /// Adds one valid answer to cell `cell`.
    #[inline]
    fn add(&mut self, cell: usize, level: u8, w: f64, scale: Scale) {
        if self.dense {
            let idx = cell * self.levels + usize::from(level);
            self.count[idx] += 1;
            if !self.weight.is_empty() {
                self.weight[idx] += w;
                self.weight_sq[idx] += w * w;
            }
        } else {
            self.sparse
                .entry(cell)
                .or_insert_with(|| Distribution::new(scale))
                .push_level(level, w);
        }
    }

    fn bad(&mut self, err: CxmError) {
        *self.skipped.entry(SkipReason::of(&err)).or_insert(0) += 1;
        if self.first_bad.is_none() {
            self.first_bad = Some(err);
        }
    }

    fn absorb(&mut self, other: ChunkHist) {
        for (a, b) in self.count.iter_mut().zip(&other.count) {
            *a += b;
        }
        for (a, b) in self.weight.iter_mut().zip(&other.weight) {
            *a += b;
        }
        for (a, b) in self.weight_sq.iter_mut().zip(&other.weight_sq) {
            *a += b;
        }
        // Sparse maps are merged in sorted key order so float sums are deterministic.
        let mut cells: Vec<(usize, Distribution)> = other.sparse.into_iter().collect();
        cells.sort_unstable_by_key(|(c, _)| *c);
        for (k, d) in cells {
            match self.sparse.get_mut(&k) {
                Some(mine) => {
                    let _ = mine.merge(&d);
                }
                None => {
                    self.sparse.insert(k, d);
                }
            }
        }
        for (r, c) in other.skipped {
            *self.skipped.entry(r).or_insert(0) += c;
        }
    }

    fn into_groups(self, dims: &[DimPlan<'_>], scale: Scale) -> Vec<(Vec<KeyPart>, Distribution)> {
        let key_of = |mut cell: usize| -> Vec<KeyPart> {
            let mut parts = vec![KeyPart::Time(0); dims.len()];
            for (j, d) in dims.iter().enumerate().rev() {
                parts[j] = d.key(cell % d.card);
                cell /= d.card;
            }
            parts
        };
        let mut out: Vec<(Vec<KeyPart>, Distribution)> = Vec::new();
        if self.dense {
            let weighted = !self.weight.is_empty();
            for (cell, counts) in self.count.chunks(self.levels).enumerate() {
                if counts.iter().all(|&c| c == 0) {
                    continue;
                }
                let mut d = Distribution::from_counts(scale, counts);
                if weighted {
                    let base = cell * self.levels;
                    d.set_sums(
                        counts,
                        &self.weight[base..base + self.levels],
                        &self.weight_sq[base..base + self.levels],
                    );
                }
                out.push((key_of(cell), d));
            }
        } else {
            let mut cells: Vec<(usize, Distribution)> = self.sparse.into_iter().collect();
            cells.sort_unstable_by_key(|(c, _)| *c);
            out.extend(cells.into_iter().map(|(c, d)| (key_of(c), d)));
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Level code marking a bad answer inside a block's level buffer.
const BAD_LEVEL: u8 = u8::MAX - 1;

/// Rows per inner batch of a block: the per-row buffers stay in L1/L2 cache.
const BATCH: usize = 1 << 12;

impl Scan<'_, '_> {
    /// Level codes of rows `start..start + out.len()`: answer − min, [`MISSING`] for a
    /// skipped question, [`BAD_LEVEL`] for an invalid answer.
    fn levels_into(&self, start: usize, out: &mut [u8]) {
        let (min, max) = (i64::from(self.scale.min()), i64::from(self.scale.max()));
        macro_rules! ints {
            ($v:expr) => {
                for (o, &x) in out.iter_mut().zip(&$v[start..]) {
                    let x = i64::from(x);
                    *o = if x >= min && x <= max {
                        (x - min) as u8
                    } else {
                        BAD_LEVEL
                    };
                }
            };
        }
        macro_rules! floats {
            ($v:expr) => {
                for (o, &x) in out.iter_mut().zip(&$v[start..]) {
                    let x = f64::from(x);
                    let l = x as i64;
                    *o = if l as f64 == x && l >= min && l <= max {
                        (l - min) as u8
                    } else {
                        BAD_LEVEL
                    };
                }
            };
        }
        match self.cols.answers {
            Answers::F64(v) => floats!(v),
            Answers::F32(v) => floats!(v),
            Answers::I64(v) => ints!(v),
            Answers::I32(v) => ints!(v),
            Answers::I16(v) => ints!(v),
            Answers::I8(v) => ints!(v),
            Answers::U8(v) => ints!(v),
            Answers::Levels(v) => {
                let n = self.levels as u8;
                for (o, &l) in out.iter_mut().zip(&v[start..]) {
                    *o = if l == MISSING || l < n { l } else { BAD_LEVEL };
                }
            }
        }
        if let Some(p) = self.cols.present {
            for (o, &present) in out.iter_mut().zip(&p[start..]) {
                if !present {
                    *o = MISSING;
                }
            }
        }
    }

    /// The error for row `i`, one of whose timestamps is unusable.
    fn timestamp_error(&self, i: usize) -> CxmError {
        let own = self.dims.iter().filter_map(|d| match &d.kind {
            PlanKind::Time { ts, .. } => Some(ts[i]),
            PlanKind::Codes { .. } => None,
        });
        let t = own
            .chain(self.also_timestamps.iter().map(|ts| ts[i]))
            .find(|&t| !valid_epoch(t))
            .unwrap_or(i64::MIN);
        timestamp_error(i, t)
    }

    /// The error for row `i`, whose answer was found invalid.
    fn answer_error(&self, i: usize) -> CxmError {
        let value = match self.cols.answers {
            Answers::F64(v) => v[i],
            Answers::F32(v) => f64::from(v[i]),
            Answers::I64(v) => v[i] as f64,
            Answers::I32(v) => f64::from(v[i]),
            Answers::I16(v) => f64::from(v[i]),
            Answers::I8(v) => f64::from(v[i]),
            Answers::U8(v) => f64::from(v[i]),
            Answers::Levels(v) => f64::from(v[i]) + f64::from(self.scale.min()),
        };
        match self.scale.level(value, i, &self.cols.answer_column) {
            Err(e) => e,
            Ok(_) => CxmError::InvalidScore {
                row: i,
                column: self.cols.answer_column.clone(),
                value,
                scale: self.scale,
            },
        }
    }

    /// Histograms rows `start..end`.
    fn chunk(&self, start: usize, end: usize) -> ChunkHist {
        let mut h = ChunkHist::empty(
            self.dense,
            self.cells,
            self.levels,
            self.cols.weights.is_some(),
        );
        if let Some(slow) = self.fused(start, end, &mut h) {
            for i in slow {
                self.row(i, &mut h);
            }
            return h;
        }
        // General path, in batches of BATCH rows, column at a time.
        let mut levels = vec![0u8; BATCH];
        let mut cells = vec![0u32; BATCH];
        let width = self.levels as u8;
        let mut slow_rows = Vec::new();
        let mut b = start;
        while b < end {
            let len = BATCH.min(end - b);
            let (levels, cells) = (&mut levels[..len], &mut cells[..len]);
            self.levels_into(b, levels);
            cells.fill(0);
            for d in self.dims {
                d.fold_codes(b, cells);
            }
            if self.dense && self.cols.weights.is_none() && self.also_timestamps.is_empty() {
                // Unweighted dense counts: a valid row is one increment; others go to
                // the per-row path.
                let count = &mut h.count[..];
                let w = u32::from(width);
                for (j, (&l, &cell)) in levels.iter().zip(cells.iter()).enumerate() {
                    if l < width && cell < BAD_CODE {
                        count[(cell * w + u32::from(l)) as usize] += 1;
                    } else {
                        slow_rows.push(b + j);
                    }
                }
                b += len;
                continue;
            }
            for (j, (&l, &cell)) in levels.iter().zip(cells.iter()).enumerate() {
                let i = b + j;
                let w = self.cols.weights.map_or(1.0, |w| w[i]);
                if l < width
                    && cell < BAD_CODE
                    && w.is_finite()
                    && w >= 0.0
                    && self.also_timestamps.iter().all(|ts| valid_epoch(ts[i]))
                {
                    h.add(cell as usize, l, w, self.scale);
                } else {
                    self.row(i, &mut h);
                }
            }
            b += len;
        }
        for i in slow_rows {
            self.row(i, &mut h);
        }
        h
    }

    /// The single-dimension fast path: one fused pass over answers and category codes
    /// (no intermediate buffers), monomorphised per answer and code type. Returns the
    /// rows it could not take (skipped questions, bad values), or `None` when the
    /// columns do not fit it.
    fn fused(&self, start: usize, end: usize, h: &mut ChunkHist) -> Option<Vec<usize>> {
        let [DimPlan {
            kind: PlanKind::Codes { codes, .. },
            card,
        }] = self.dims
        else {
            return None;
        };
        if !self.dense || self.cols.present.is_some() || !self.also_timestamps.is_empty() {
            return None;
        }
        let n = (*card - 1) as u64;
        let min = match self.cols.answers {
            Answers::Levels(_) => 0,
            _ => i64::from(self.scale.min()),
        };
        let width = self.levels as u32;
        let mut slow = Vec::new();
        macro_rules! run {
            ($a:expr, $c:expr) => {
                fused_counts(
                    &$a[start..end],
                    &$c[start..end],
                    self.cols.weights.map(|w| &w[start..end]),
                    min,
                    width,
                    n,
                    h,
                    |j| slow.push(start + j),
                )
            };
        }
        macro_rules! with_codes {
            ($a:expr) => {
                match codes {
                    Codes::I8(c) => run!($a, c),
                    Codes::I16(c) => run!($a, c),
                    Codes::I32(c) => run!($a, c),
                    Codes::I64(c) => run!($a, c),
                    Codes::U8(c) => run!($a, c),
                    Codes::U16(c) => run!($a, c),
                    Codes::U32(c) => run!($a, c),
                }
            };
        }
        match self.cols.answers {
            Answers::F64(a) => with_codes!(a),
            Answers::F32(a) => with_codes!(a),
            Answers::I64(a) => with_codes!(a),
            Answers::I32(a) => with_codes!(a),
            Answers::I16(a) => with_codes!(a),
            Answers::I8(a) => with_codes!(a),
            Answers::U8(a) => with_codes!(a),
            Answers::Levels(a) => with_codes!(a),
        }
        Some(slow)
    }

    /// Row `i` on its own: the path for anything unusual (skipped question, bad answer,
    /// weight, timestamp or code), and the reference the fast paths must agree with.
    fn row(&self, i: usize, h: &mut ChunkHist) {
        let mut level = [0u8];
        self.levels_into(i, &mut level);
        let level = level[0];
        if level == MISSING {
            return;
        }
        if level == BAD_LEVEL {
            h.bad(self.answer_error(i));
            return;
        }
        let w = match self.cols.weights {
            Some(w) if !(w[i].is_finite() && w[i] >= 0.0) => {
                h.bad(CxmError::InvalidWeight {
                    row: i,
                    value: w[i],
                });
                return;
            }
            Some(w) => w[i],
            None => 1.0,
        };
        let mut cell = [0u32];
        for d in self.dims {
            d.fold_codes(i, &mut cell);
        }
        match cell[0] {
            BAD_CODE => {
                if h.bad_code.is_none() {
                    h.bad_code = Some(self.code_error(i));
                }
            }
            BAD => h.bad(self.timestamp_error(i)),
            _ if self.also_timestamps.iter().any(|ts| !valid_epoch(ts[i])) => {
                h.bad(self.timestamp_error(i))
            }
            c => h.add(c as usize, level, w, self.scale),
        }
    }

    /// The error for row `i`, one of whose category codes is out of range.
    fn code_error(&self, i: usize) -> CxmError {
        for d in self.dims {
            if let PlanKind::Codes {
                name,
                codes,
                labels,
            } = &d.kind
            {
                let c = codes.get(i);
                let n = labels.len() as i64 - 1;
                if c >= n {
                    return CxmError::invalid_argument(
                        "codes",
                        format!("column `{name}` row {i}: code {c} is not below the number of levels {n}"),
                    );
                }
            }
        }
        CxmError::invalid_argument("codes", format!("row {i}: code out of range"))
    }
}

/// An answer type of the fused scan: its level (answer − `min`), or `u32::MAX`.
trait AnswerValue: Copy {
    fn level(self, min: i64, width: u32) -> u32;
}

macro_rules! int_answer {
    ($($t:ty),*) => {$(
        impl AnswerValue for $t {
            #[inline(always)]
            fn level(self, min: i64, width: u32) -> u32 {
                let d = (i64::from(self) - min) as u64;
                if d < u64::from(width) { d as u32 } else { u32::MAX }
            }
        }
    )*};
}
int_answer!(i8, i16, i32, i64, u8);

macro_rules! float_answer {
    ($($t:ty),*) => {$(
        impl AnswerValue for $t {
            #[inline(always)]
            fn level(self, min: i64, width: u32) -> u32 {
                let x = f64::from(self);
                let l = x as i64;
                if l as f64 == x { l.level(min, width) } else { u32::MAX }
            }
        }
    )*};
}
float_answer!(f32, f64);

/// A category code type of the fused scan.
trait CodeValue: Copy {
    fn code(self) -> i64;
}

macro_rules! code_value {
    ($($t:ty),*) => {$(
        impl CodeValue for $t {
            #[inline(always)]
            fn code(self) -> i64 { i64::from(self) }
        }
    )*};
}
code_value!(i8, i16, i32, i64, u8, u16, u32);

/// Rows per unrolled step of the fused scan (one prefetch per step).
const UNROLL: usize = 8;

/// Rows ahead of the scan whose cache lines are requested early.
const PREFETCH_ROWS: usize = 512;

/// Hints the CPU to load `v[i]` into cache (no effect past the end, or off x86-64).
#[inline(always)]
fn prefetch<T>(v: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = v.get(i) {
        // SAFETY: prefetching is a hint with no architectural effect; the pointer is
        // derived from a live reference.
        unsafe {
            std::arch::x86_64::_mm_prefetch(
                (x as *const T).cast::<i8>(),
                std::arch::x86_64::_MM_HINT_T0,
            )
        };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (v, i);
}

/// Counts valid rows of one answer column × one code column into `h` (dense), handing
/// the index (within the slices) of every other row to `slow`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn fused_counts<A: AnswerValue, C: CodeValue>(
    answers: &[A],
    codes: &[C],
    weights: Option<&[f64]>,
    min: i64,
    width: u32,
    n: u64,
    h: &mut ChunkHist,
    mut slow: impl FnMut(usize),
) {
    let w_usize = width as usize;
    match weights {
        None => {
            // Every valid index is below n × width, so one slice of that length serves
            // the whole loop (and the compiler drops the per-row bounds check).
            let count = &mut h.count[..n as usize * w_usize];
            let mut count_row = |j: usize, a: A, c: C| {
                let l = a.level(min, width);
                let c = c.code();
                if l != u32::MAX && (c as u64) < n {
                    count[c as usize * w_usize + l as usize] += 1;
                } else {
                    slow(j);
                }
            };
            let mut a8 = answers.chunks_exact(UNROLL);
            let mut c8 = codes.chunks_exact(UNROLL);
            let mut base = 0;
            for (a, c) in (&mut a8).zip(&mut c8) {
                prefetch(answers, base + PREFETCH_ROWS);
                prefetch(codes, base + PREFETCH_ROWS);
                for k in 0..UNROLL {
                    count_row(base + k, a[k], c[k]);
                }
                base += UNROLL;
            }
            for (k, (&a, &c)) in a8.remainder().iter().zip(c8.remainder()).enumerate() {
                count_row(base + k, a, c);
            }
        }
        Some(ws) => {
            let cells = n as usize * w_usize;
            let count = &mut h.count[..cells];
            let weight = &mut h.weight[..cells];
            let weight_sq = &mut h.weight_sq[..cells];
            let mut add_row = |j: usize, a: A, c: C, w: f64| {
                let l = a.level(min, width);
                let c = c.code();
                if l != u32::MAX && (c as u64) < n && w.is_finite() && w >= 0.0 {
                    let idx = c as usize * w_usize + l as usize;
                    count[idx] += 1;
                    weight[idx] += w;
                    weight_sq[idx] += w * w;
                } else {
                    slow(j);
                }
            };
            let mut a8 = answers.chunks_exact(UNROLL);
            let mut c8 = codes.chunks_exact(UNROLL);
            let mut w8 = ws.chunks_exact(UNROLL);
            let mut base = 0;
            for ((a, c), w) in (&mut a8).zip(&mut c8).zip(&mut w8) {
                prefetch(answers, base + PREFETCH_ROWS);
                prefetch(codes, base + PREFETCH_ROWS);
                prefetch(ws, base + PREFETCH_ROWS);
                for k in 0..UNROLL {
                    add_row(base + k, a[k], c[k], w[k]);
                }
                base += UNROLL;
            }
            let rest = a8
                .remainder()
                .iter()
                .zip(c8.remainder())
                .zip(w8.remainder());
            for (k, ((&a, &c), &w)) in rest.enumerate() {
                add_row(base + k, a, c, w);
            }
        }
    }
}

/// Options of [`hotspots`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HotspotOptions {
    pub segment: SegmentOptions,
    /// Largest number of dimensions combined (1–3, default 3).
    pub max_depth: usize,
    /// Number of hotspots returned (default 10).
    pub top: usize,
    /// A more specific slice replaces a reported one when it carries at least this share
    /// of its cost (default 0.5: the larger part of the problem lives there).
    pub concentration: f64,
}

impl Default for HotspotOptions {
    fn default() -> Self {
        HotspotOptions {
            segment: SegmentOptions::default(),
            max_depth: 3,
            top: 10,
            concentration: 0.5,
        }
    }
}

/// A slice of the data that costs the overall score points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hotspot {
    /// `(dimension, label)` pairs defining the slice.
    pub conditions: Vec<(String, String)>,
    pub n: u64,
    pub weighted_n: f64,
    pub value: f64,
    pub low: f64,
    pub high: f64,
    pub rest: f64,
    pub diff: f64,
    /// Points the overall metric would gain if the slice scored like the rest.
    pub cost: f64,
    pub p_value: f64,
    /// Benjamini–Hochberg q-value across every slice tested (all combinations).
    pub q_value: f64,
    pub flag: Flag,
}

impl Hotspot {
    /// `store=Leeds & daypart=evening`.
    pub fn describe(&self) -> String {
        self.conditions
            .iter()
            .map(|(d, v)| format!("{d}={v}"))
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

/// Mergeable state of a hotspot search: one [`SegmentSummary`] per dimension combination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HotspotSummary {
    format_version: u32,
    combos: Vec<SegmentSummary>,
}

/// Every combination of 1..=`max_depth` distinct items, shortest first, in a stable order.
fn index_combinations<T: Clone>(items: &[T], max_depth: usize) -> Vec<Vec<T>> {
    fn rec<T: Clone>(
        items: &[T],
        start: usize,
        depth: usize,
        cur: &mut Vec<T>,
        out: &mut Vec<Vec<T>>,
    ) {
        if !cur.is_empty() {
            out.push(cur.clone());
        }
        if cur.len() == depth {
            return;
        }
        for i in start..items.len() {
            cur.push(items[i].clone());
            rec(items, i + 1, depth, cur, out);
            cur.pop();
        }
    }
    let mut out = Vec::new();
    rec(items, 0, max_depth, &mut Vec::new(), &mut out);
    out.sort_by_key(Vec::len);
    out
}

fn check_depth(max_depth: usize, dims: usize) -> Result<()> {
    if !(1..=3).contains(&max_depth) {
        return Err(CxmError::invalid_argument(
            "max_depth",
            format!("{max_depth} must be 1, 2 or 3"),
        ));
    }
    if dims == 0 {
        return Err(CxmError::invalid_argument(
            "dims",
            "hotspot search needs at least one dimension",
        ));
    }
    Ok(())
}

impl HotspotSummary {
    /// Summarises a table for a hotspot search over `spec.dims` combined up to
    /// `max_depth` at a time.
    pub fn from_table(table: &ResponseTable, spec: &SegmentSpec, max_depth: usize) -> Result<Self> {
        check_depth(max_depth, spec.dims.len())?;
        let combos = index_combinations(&spec.dims, max_depth);
        let combos = combos
            .par_iter()
            .map(|c| {
                SegmentSummary::from_table(
                    table,
                    &SegmentSpec {
                        metric: spec.metric,
                        dims: c.clone(),
                        utc_offset_minutes: spec.utc_offset_minutes,
                    },
                )
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(HotspotSummary {
            format_version: FORMAT_VERSION,
            combos,
        })
    }

    /// Summarises borrowed columns (zero-copy binding path) for a hotspot search over
    /// every combination of 1..=`max_depth` of `cols.dims`.
    pub fn from_columns(cols: &Columns<'_>, max_depth: usize, policy: Policy) -> Result<Self> {
        check_depth(max_depth, cols.dims.len())?;
        let idx: Vec<usize> = (0..cols.dims.len()).collect();
        let all_timestamps: Vec<&[i64]> = cols
            .dims
            .iter()
            .filter_map(|d| match d {
                DimColumn::Time { timestamps, .. } => Some(*timestamps),
                DimColumn::Codes { .. } => None,
            })
            .collect();
        let combos = index_combinations(&idx, max_depth)
            .par_iter()
            .map(|c| {
                let sub = Columns {
                    dims: c.iter().map(|&i| cols.dims[i].clone()).collect(),
                    ..cols.clone()
                };
                SegmentSummary::from_columns_checking(&sub, policy, &all_timestamps)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(HotspotSummary {
            format_version: FORMAT_VERSION,
            combos,
        })
    }

    /// Serializes to JSON (with the format version).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Restores a summary written by [`HotspotSummary::to_json`].
    pub fn from_json(json: &str) -> Result<Self> {
        from_versioned_json(json)
    }

    /// How input rows were accounted for (the same for every combination: a row bad in
    /// any dimension is dropped from all of them).
    pub fn load_report(&self) -> LoadReport {
        self.combos
            .first()
            .map(|s| s.load.clone())
            .unwrap_or_default()
    }

    /// Distribution of all answers counted.
    pub fn total(&self) -> Distribution {
        self.combos
            .first()
            .map(SegmentSummary::total)
            .unwrap_or_else(|| Distribution::new(Scale::Nps))
    }

    /// Adds another summary built with the same spec.
    pub fn merge(&mut self, other: &HotspotSummary) -> Result<()> {
        if self.combos.len() != other.combos.len() {
            return Err(CxmError::invalid_argument(
                "other",
                "hotspot summaries cover different dimensions",
            ));
        }
        for (a, b) in self.combos.iter_mut().zip(&other.combos) {
            a.merge(b)?;
        }
        Ok(())
    }

    /// Ranks slices by cost and returns the top ones. See [`hotspots`].
    pub fn finish(&self, opts: &HotspotOptions) -> Result<Vec<Hotspot>> {
        if !(opts.concentration > 0.0 && opts.concentration <= 1.0) {
            return Err(CxmError::invalid_argument(
                "concentration",
                "must be in (0, 1]",
            ));
        }
        let mut all: Vec<Hotspot> = Vec::new();
        let mut dists: Vec<&Distribution> = Vec::new();
        for s in &self.combos {
            let t = s.finish(&opts.segment)?;
            // `finish` emits one row per group, in group order.
            for (r, (_, dist)) in t.rows.into_iter().zip(&s.groups) {
                if r.flag == Flag::Suppressed || r.p_value.is_nan() {
                    continue;
                }
                dists.push(dist);
                all.push(Hotspot {
                    conditions: t.dims.iter().cloned().zip(r.keys).collect(),
                    n: r.n,
                    weighted_n: r.weighted_n,
                    value: r.value,
                    low: r.low,
                    high: r.high,
                    rest: r.rest,
                    diff: r.diff,
                    cost: r.cost,
                    p_value: r.p_value,
                    q_value: f64::NAN,
                    flag: Flag::NotSignificant,
                });
            }
        }
        let p: Vec<f64> = all.iter().map(|h| h.p_value).collect();
        for (h, q) in all.iter_mut().zip(benjamini_hochberg(&p)) {
            h.q_value = q;
            if q < opts.segment.alpha {
                h.flag = if h.diff < 0.0 {
                    Flag::Worse
                } else {
                    Flag::Better
                };
            }
        }
        let sizes = SliceSizes::new(&all);
        let mopts = opts.segment.check()?;
        let metric = self.combos.first().map_or(MetricKind::Nps, |s| s.metric);
        let mut candidates: Vec<(Hotspot, &Distribution)> = all
            .into_iter()
            .zip(dists)
            .filter(|(h, _)| h.flag == Flag::Worse && h.cost > 0.0)
            .collect();
        candidates.sort_by(|(a, _), (b, _)| {
            b.cost
                .total_cmp(&a.cost)
                .then(a.conditions.len().cmp(&b.conditions.len()))
                .then(a.conditions.cmp(&b.conditions))
        });
        // A refinement c of a reported slice y is only more specific in substance when c
        // scores significantly worse than the rest of y (y ∖ c).
        let worse_than_remainder = |c: &Distribution, y: &Distribution| -> Result<bool> {
            let remainder = y.minus(c);
            if remainder.n() == 0 || remainder.weighted_n() <= 0.0 {
                return Ok(true);
            }
            let hc = headline(metric, c, &mopts)?;
            let hr = headline(metric, &remainder, &mopts)?;
            let cmp = compare(&hc, &hr, opts.segment.confidence)?;
            Ok(cmp.diff < 0.0 && cmp.p_value < opts.segment.alpha)
        };
        // Each reported slice keeps its family: the slices it replaced or that it explains.
        let mut chosen: Vec<Reported> = Vec::new();
        'cand: for (c, c_dist) in candidates {
            for r in chosen.iter_mut() {
                let c_in_y = sizes.contained(&c, &r.slice);
                let y_in_c = sizes.contained(&r.slice, &c);
                if c_in_y && !y_in_c {
                    // c refines the reported slice: it takes its place when it carries most
                    // of the cost first reported for this problem and is significantly
                    // worse than the rest of that slice.
                    if c.cost >= opts.concentration * r.anchor_cost
                        && worse_than_remainder(c_dist, r.dist)?
                    {
                        r.family.push(std::mem::replace(&mut r.slice, c));
                        r.dist = c_dist;
                    }
                    continue 'cand;
                }
                if y_in_c {
                    // c restates or generalises the reported slice; when that slice carries
                    // most of c's cost, c's other refinements are the same problem.
                    if r.slice.cost >= opts.concentration * c.cost {
                        r.family.push(c);
                    }
                    continue 'cand;
                }
                if r.family.iter().any(|f| sizes.contained(&c, f)) {
                    continue 'cand;
                }
            }
            if chosen.len() < opts.top {
                chosen.push(Reported {
                    anchor_cost: c.cost,
                    slice: c,
                    dist: c_dist,
                    family: Vec::new(),
                });
            }
        }
        let mut chosen: Vec<Hotspot> = chosen.into_iter().map(|r| r.slice).collect();
        chosen.sort_by(|a, b| b.cost.total_cmp(&a.cost));
        Ok(chosen)
    }
}

/// A reported hotspot with the slices that belong to the same problem.
struct Reported<'d> {
    slice: Hotspot,
    dist: &'d Distribution,
    /// Cost of the slice that first reported this problem.
    anchor_cost: f64,
    family: Vec<Hotspot>,
}

/// Row counts of every tested slice, to decide row-set containment between slices:
/// `rows(a) ⊆ rows(b)` iff the slice `a ∧ b` has as many rows as `a`. This catches
/// nesting that the conditions alone do not show (a store inside its region, an hour
/// inside its part of day). Unknown intersections (deeper than the search, or below
/// `min_n`) count as "not contained".
struct SliceSizes {
    n: HashMap<Vec<(String, String)>, u64>,
}

impl SliceSizes {
    fn new(all: &[Hotspot]) -> Self {
        SliceSizes {
            n: all
                .iter()
                .map(|h| (canonical(&h.conditions), h.n))
                .collect(),
        }
    }

    /// `rows(a) ⊆ rows(b)`: every condition of `b` is implied by `a`.
    fn contained(&self, a: &Hotspot, b: &Hotspot) -> bool {
        b.conditions
            .iter()
            .all(|cond| self.implies(&a.conditions, cond))
    }

    /// The slice `a` lies inside `cond`: `a` states it, or one of `a`'s conditions lies
    /// inside it (a store inside its region), or `a ∧ cond` has as many rows as `a`.
    fn implies(&self, a: &[(String, String)], cond: &(String, String)) -> bool {
        if a.contains(cond) {
            return true;
        }
        if a.iter().any(|(d, v)| *d == cond.0 && *v != cond.1) {
            return false; // same dimension, other value: disjoint
        }
        let size = |conds: &[(String, String)]| self.n.get(&canonical(conds)).copied();
        let single = a.iter().any(|x| {
            let pair = [x.clone(), cond.clone()];
            size(std::slice::from_ref(x)).is_some_and(|n| size(&pair) == Some(n))
        });
        single || {
            let mut both = a.to_vec();
            both.push(cond.clone());
            size(a).is_some_and(|n| size(&both) == Some(n))
        }
    }
}

fn canonical(conditions: &[(String, String)]) -> Vec<(String, String)> {
    let mut c = conditions.to_vec();
    c.sort();
    c
}

/// Finds the slices (combinations of 1..=`max_depth` dimensions, including time
/// buckets) that cost the overall score the most points.
///
/// 1. Every combination of dimensions is grouped; groups below `min_n` are skipped.
/// 2. Each group is tested against the rest; Benjamini–Hochberg runs over **all**
///    groups of all combinations, so the q-values pay for the whole search.
/// 3. Significantly worse groups are ranked by `cost = (W_g/W)·(rest − value)`.
/// 4. Redundancy, by row-set containment (so a store nested in its region counts as a
///    refinement of it), processing slices by decreasing cost:
///    - a slice inside a reported one replaces it when it carries at least
///      `concentration` of the cost first reported for that problem (the larger part of
///      the problem lives there) and scores significantly worse (at `alpha`) than the
///      reported slice's other rows; else it is dropped;
///    - a slice with the same rows as, or containing, a reported one is dropped, and
///      joins that problem's family when the reported slice carries at least
///      `concentration` of its cost;
///    - a slice inside a member of a reported problem's family is dropped.
pub fn hotspots(
    table: &ResponseTable,
    spec: &SegmentSpec,
    opts: &HotspotOptions,
) -> Result<Vec<Hotspot>> {
    HotspotSummary::from_table(table, spec, opts.max_depth)?.finish(opts)
}

/// Checks level-code lengths against [`MAX_LEVELS`] at compile time.
const _: () = assert!(MAX_LEVELS <= u8::MAX as usize);
