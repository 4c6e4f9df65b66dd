//! The columnar response table and how it is built and validated.
//!
//! A [`ResponseTable`] holds one survey response per row: optional NPS, CSAT and CES
//! answers (stored as level codes, [`MISSING`] where a respondent skipped the question),
//! an optional weight, an optional timestamp (UTC epoch seconds), any number of
//! dictionary-encoded categorical attributes, and optional comment and respondent-id
//! text. Tables are built from borrowed columns with [`TableBuilder`] (the path every
//! binding takes) or from CSV with [`crate::csv_input::read_csv`].
//!
//! Every input row is accounted for: with [`Policy::Reject`] the first bad row is an
//! error naming its row, column and value; with [`Policy::Skip`] bad rows are dropped
//! and counted by reason in [`LoadReport`].

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::error::{CxmError, Result};
use crate::metrics::{
    check_weight, Ces, CesResult, Csat, CsatResult, Distribution, MetricKind, MetricOptions, Nps,
    NpsResult, Scale, Summary,
};
use crate::segment::{Answers, Columns, SegmentSummary};
use crate::time::{parse_timestamp, valid_epoch};

/// Level code of a skipped question.
pub const MISSING: u8 = u8::MAX;

/// What to do with a bad row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// The first bad row is an error (default).
    #[default]
    Reject,
    /// Bad rows are dropped and counted by reason.
    Skip,
}

impl Policy {
    /// Parses `reject` or `skip`.
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "reject" => Ok(Policy::Reject),
            "skip" => Ok(Policy::Skip),
            _ => Err(CxmError::invalid_argument(
                "policy",
                format!("`{s}` is not one of reject, skip"),
            )),
        }
    }
}

/// Why a row was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// A score or weight is NaN or infinite.
    NonFinite,
    /// A score is outside its scale or not an integer.
    InvalidScore,
    /// A numeric cell is not a number.
    InvalidNumber,
    /// A weight is negative.
    InvalidWeight,
    /// A timestamp could not be parsed.
    InvalidTimestamp,
    /// Text is not valid UTF-8.
    InvalidUtf8,
    /// A CSV record is malformed (wrong number of fields).
    MalformedRecord,
}

impl SkipReason {
    /// All reasons, in a stable order.
    pub const ALL: [SkipReason; 7] = [
        SkipReason::NonFinite,
        SkipReason::InvalidScore,
        SkipReason::InvalidNumber,
        SkipReason::InvalidWeight,
        SkipReason::InvalidTimestamp,
        SkipReason::InvalidUtf8,
        SkipReason::MalformedRecord,
    ];

    /// The reason a row-level error stands for.
    pub fn of(err: &CxmError) -> SkipReason {
        match err {
            CxmError::NonFinite { .. } => SkipReason::NonFinite,
            CxmError::InvalidScore { .. } => SkipReason::InvalidScore,
            CxmError::InvalidNumber { .. } => SkipReason::InvalidNumber,
            CxmError::InvalidWeight { value, .. } if !value.is_finite() => SkipReason::NonFinite,
            CxmError::InvalidWeight { .. } => SkipReason::InvalidWeight,
            CxmError::InvalidTimestamp { .. } => SkipReason::InvalidTimestamp,
            CxmError::InvalidUtf8 { .. } => SkipReason::InvalidUtf8,
            _ => SkipReason::MalformedRecord,
        }
    }

    /// snake_case name.
    pub fn name(self) -> &'static str {
        match self {
            SkipReason::NonFinite => "non_finite",
            SkipReason::InvalidScore => "invalid_score",
            SkipReason::InvalidNumber => "invalid_number",
            SkipReason::InvalidWeight => "invalid_weight",
            SkipReason::InvalidTimestamp => "invalid_timestamp",
            SkipReason::InvalidUtf8 => "invalid_utf8",
            SkipReason::MalformedRecord => "malformed_record",
        }
    }
}

/// How the input rows were accounted for: `rows_in == rows_accepted + Σ skipped`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadReport {
    pub rows_in: usize,
    pub rows_accepted: usize,
    /// Skipped rows by reason (a row with several problems counts once, under its first).
    pub skipped: BTreeMap<SkipReason, usize>,
}

impl LoadReport {
    /// Total skipped rows.
    pub fn rows_skipped(&self) -> usize {
        self.skipped.values().sum()
    }
}

/// A dictionary-encoded categorical column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub name: String,
    /// Row → index into `levels`.
    pub codes: Vec<u32>,
    /// Distinct values in order of first appearance.
    pub levels: Vec<String>,
}

/// Columnar survey responses. See the module documentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseTable {
    len: usize,
    nps: Option<Vec<u8>>,
    csat: Option<Vec<u8>>,
    csat_points: u8,
    ces: Option<Vec<u8>>,
    weight: Option<Vec<f64>>,
    timestamp: Option<Vec<i64>>,
    attributes: Vec<Attribute>,
    comment: Option<Vec<String>>,
    respondent_id: Option<Vec<String>>,
    report: LoadReport,
}

impl ResponseTable {
    /// Number of accepted rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How the input rows were accounted for.
    pub fn load_report(&self) -> &LoadReport {
        &self.report
    }

    /// Scale of a metric's column in this table.
    pub fn scale(&self, kind: MetricKind) -> Scale {
        match kind {
            MetricKind::Nps => Scale::Nps,
            MetricKind::Csat => Scale::Csat {
                points: self.csat_points,
            },
            MetricKind::Ces => Scale::Ces,
        }
    }

    /// Level codes (answer − scale min; [`MISSING`] for skipped questions) of a metric's
    /// column, if the table has it.
    pub fn levels(&self, kind: MetricKind) -> Option<&[u8]> {
        match kind {
            MetricKind::Nps => self.nps.as_deref(),
            MetricKind::Csat => self.csat.as_deref(),
            MetricKind::Ces => self.ces.as_deref(),
        }
    }

    /// Level codes of a metric, or an error naming the missing column.
    pub fn require_levels(&self, kind: MetricKind) -> Result<&[u8]> {
        self.levels(kind).ok_or_else(|| CxmError::MissingColumn {
            column: kind.name().to_string(),
            available: self.column_names().join(", "),
        })
    }

    /// Survey weights, if any.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weight.as_deref()
    }

    /// UTC epoch seconds, if the table has timestamps.
    pub fn timestamps(&self) -> Option<&[i64]> {
        self.timestamp.as_deref()
    }

    /// All categorical attributes.
    pub fn attributes(&self) -> &[Attribute] {
        &self.attributes
    }

    /// A categorical attribute by name.
    pub fn attribute(&self, name: &str) -> Result<&Attribute> {
        self.attributes
            .iter()
            .find(|a| a.name == name)
            .ok_or_else(|| CxmError::MissingColumn {
                column: name.to_string(),
                available: self.column_names().join(", "),
            })
    }

    /// Comments (empty string = no comment), if any.
    pub fn comments(&self) -> Option<&[String]> {
        self.comment.as_deref()
    }

    /// Respondent ids, if any.
    pub fn respondent_ids(&self) -> Option<&[String]> {
        self.respondent_id.as_deref()
    }

    /// Names of the columns present.
    pub fn column_names(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (present, name) in [
            (self.nps.is_some(), "nps"),
            (self.csat.is_some(), "csat"),
            (self.ces.is_some(), "ces"),
            (self.weight.is_some(), "weight"),
            (self.timestamp.is_some(), "timestamp"),
        ] {
            if present {
                out.push(name.to_string());
            }
        }
        out.extend(self.attributes.iter().map(|a| a.name.clone()));
        if self.comment.is_some() {
            out.push("comment".into());
        }
        if self.respondent_id.is_some() {
            out.push("respondent_id".into());
        }
        out
    }

    /// NPS of the whole table (weighted when the table has weights).
    pub fn nps(&self, opts: &MetricOptions) -> Result<NpsResult> {
        Summary::from_distribution(Nps, self.distribution(MetricKind::Nps)?)?.finish(opts)
    }

    /// CSAT of the whole table.
    pub fn csat(&self, opts: &MetricOptions) -> Result<CsatResult> {
        let metric = Csat {
            points: self.csat_points,
        };
        Summary::from_distribution(metric, self.distribution(MetricKind::Csat)?)?.finish(opts)
    }

    /// CES of the whole table.
    pub fn ces(&self, opts: &MetricOptions) -> Result<CesResult> {
        Summary::from_distribution(Ces, self.distribution(MetricKind::Ces)?)?.finish(opts)
    }

    /// The distribution of a metric's answers over the whole table.
    pub fn distribution(&self, kind: MetricKind) -> Result<Distribution> {
        let levels = self.require_levels(kind)?;
        let mut d = Distribution::new(self.scale(kind));
        match self.weights() {
            Some(w) => {
                for (&l, &w) in levels.iter().zip(w) {
                    if l != MISSING {
                        d.push_level(l, w);
                    }
                }
            }
            None => {
                let mut counts = [0u64; 256];
                for &l in levels {
                    counts[usize::from(l)] += 1;
                }
                d = Distribution::from_counts(self.scale(kind), &counts[..d.scale().levels()]);
            }
        }
        Ok(d)
    }
}

/// A score column: values on the metric's scale and an optional validity mask
/// (`false` = the respondent skipped the question; NaN is never "missing", it is bad).
#[derive(Debug, Clone, Copy)]
pub struct ScoreColumn<'a> {
    pub values: &'a [f64],
    pub present: Option<&'a [bool]>,
}

impl<'a> From<&'a [f64]> for ScoreColumn<'a> {
    fn from(values: &'a [f64]) -> Self {
        ScoreColumn {
            values,
            present: None,
        }
    }
}

/// A timestamp column.
#[derive(Debug, Clone, Copy)]
pub enum TimestampColumn<'a> {
    /// UTC epoch seconds; `i64::MIN` marks a missing timestamp and, like any value with
    /// `|t| ≥ 10¹⁵`, makes the row bad.
    Epoch(&'a [i64]),
    /// ISO-8601 with offset, or epoch seconds, as text.
    Text(&'a [&'a str]),
}

/// A categorical column.
#[derive(Debug, Clone, Copy)]
pub enum AttributeColumn<'a> {
    /// One string per row.
    Text(&'a [&'a str]),
    /// Pre-encoded codes into `levels` (pandas categoricals); a negative code is a
    /// missing value and becomes the level `"(missing)"`.
    Codes {
        codes: &'a [i64],
        levels: &'a [&'a str],
    },
}

/// Builds a [`ResponseTable`] from borrowed columns.
///
/// ```
/// use cxm_core::table::{TableBuilder, Policy, AttributeColumn};
/// let nps = [10.0, 3.0, 8.0];
/// let store = ["A", "B", "A"];
/// let table = TableBuilder::new()
///     .nps(&nps[..])
///     .attribute("store", AttributeColumn::Text(&store))
///     .build(Policy::Reject)
///     .unwrap();
/// assert_eq!(table.len(), 3);
/// assert_eq!(table.attribute("store").unwrap().levels, ["A", "B"]);
/// ```
#[derive(Debug, Default)]
pub struct TableBuilder<'a> {
    nps: Option<ScoreColumn<'a>>,
    csat: Option<ScoreColumn<'a>>,
    csat_points: Option<u8>,
    ces: Option<ScoreColumn<'a>>,
    weight: Option<&'a [f64]>,
    timestamp: Option<TimestampColumn<'a>>,
    attributes: Vec<(String, AttributeColumn<'a>)>,
    comment: Option<&'a [&'a str]>,
    respondent_id: Option<&'a [&'a str]>,
    invalid: Vec<(usize, CxmError)>,
    names: BTreeMap<&'static str, String>,
}

impl<'a> TableBuilder<'a> {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// NPS answers (0–10).
    pub fn nps(mut self, col: impl Into<ScoreColumn<'a>>) -> Self {
        self.nps = Some(col.into());
        self
    }

    /// CSAT answers (1–`points`, default 5).
    pub fn csat(mut self, col: impl Into<ScoreColumn<'a>>) -> Self {
        self.csat = Some(col.into());
        self
    }

    /// Number of CSAT scale points (2–11; default 5).
    pub fn csat_points(mut self, points: u8) -> Self {
        self.csat_points = Some(points);
        self
    }

    /// CES answers (1–7).
    pub fn ces(mut self, col: impl Into<ScoreColumn<'a>>) -> Self {
        self.ces = Some(col.into());
        self
    }

    /// Survey weights (finite, ≥ 0).
    pub fn weight(mut self, w: &'a [f64]) -> Self {
        self.weight = Some(w);
        self
    }

    /// Timestamps.
    pub fn timestamp(mut self, ts: TimestampColumn<'a>) -> Self {
        self.timestamp = Some(ts);
        self
    }

    /// A categorical attribute.
    pub fn attribute(mut self, name: impl Into<String>, col: AttributeColumn<'a>) -> Self {
        self.attributes.push((name.into(), col));
        self
    }

    /// Comment text (empty = no comment).
    pub fn comment(mut self, text: &'a [&'a str]) -> Self {
        self.comment = Some(text);
        self
    }

    /// Respondent ids.
    pub fn respondent_id(mut self, ids: &'a [&'a str]) -> Self {
        self.respondent_id = Some(ids);
        self
    }

    /// Names used in error messages for the fixed columns (`nps`, `csat`, `ces`,
    /// `weight`, `timestamp`, `comment`, `respondent_id`) when the caller's columns are
    /// called otherwise.
    pub fn column_name(mut self, role: &'static str, name: impl Into<String>) -> Self {
        self.names.insert(role, name.into());
        self
    }

    /// Marks a row as bad for a reason found outside this builder (a binding that met
    /// invalid UTF-8, say). It is rejected or skipped like any other bad row.
    pub fn invalid_row(mut self, row: usize, err: CxmError) -> Self {
        self.invalid.push((row, err));
        self
    }

    fn name(&self, role: &'static str) -> String {
        self.names
            .get(role)
            .cloned()
            .unwrap_or_else(|| role.to_string())
    }

    /// Validates every column and builds the table.
    pub fn build(self, policy: Policy) -> Result<ResponseTable> {
        let len = self.common_len()?;
        let points = self.csat_points.unwrap_or(5);
        let csat_scale = Scale::Csat { points }.validate()?;
        let mut bad = BadRows::new(len);
        for (row, err) in &self.invalid {
            if *row < len {
                bad.mark(*row, err.clone());
            }
        }
        let nps = self.score_levels(self.nps, Scale::Nps, "nps", &mut bad);
        let csat = self.score_levels(self.csat, csat_scale, "csat", &mut bad);
        let ces = self.score_levels(self.ces, Scale::Ces, "ces", &mut bad);
        if let Some(w) = self.weight {
            for (row, &v) in w.iter().enumerate() {
                if let Err(e) = check_weight(v, row) {
                    bad.mark(row, e);
                }
            }
        }
        let timestamp = self.timestamp.map(|ts| match ts {
            TimestampColumn::Epoch(v) => {
                for (row, &t) in v.iter().enumerate() {
                    if !valid_epoch(t) {
                        bad.mark(row, timestamp_error(row, t));
                    }
                }
                v.to_vec()
            }
            TimestampColumn::Text(v) => v
                .iter()
                .enumerate()
                .map(|(row, s)| {
                    parse_timestamp(s).unwrap_or_else(|| {
                        bad.mark(
                            row,
                            CxmError::InvalidTimestamp {
                                row,
                                value: s.to_string(),
                            },
                        );
                        0
                    })
                })
                .collect(),
        });
        if policy == Policy::Reject {
            if let Some(err) = bad.first {
                return Err(err);
            }
        }
        let keep = bad.keep();
        let select_u8 = |v: Option<Vec<u8>>| v.map(|v| select(&v, &keep));
        let mut report = LoadReport {
            rows_in: len,
            rows_accepted: keep.as_ref().map_or(len, Vec::len),
            skipped: BTreeMap::new(),
        };
        for reason in bad.reason.iter().flatten() {
            *report.skipped.entry(*reason).or_insert(0) += 1;
        }
        let attributes = self
            .attributes
            .iter()
            .map(|(name, col)| encode_attribute(name, *col, keep.as_deref()))
            .collect();
        let text = |v: Option<&[&str]>| {
            v.map(|v| match &keep {
                Some(k) => k.iter().map(|&i| v[i].to_string()).collect(),
                None => v.iter().map(|s| s.to_string()).collect(),
            })
        };
        Ok(ResponseTable {
            len: report.rows_accepted,
            nps: select_u8(nps),
            csat: select_u8(csat),
            csat_points: points,
            ces: select_u8(ces),
            weight: self.weight.map(|w| select(w, &keep)),
            timestamp: timestamp.map(|t| select(&t, &keep)),
            attributes,
            comment: text(self.comment),
            respondent_id: text(self.respondent_id),
            report,
        })
    }

    fn common_len(&self) -> Result<usize> {
        let mut cols: Vec<(String, usize)> = Vec::new();
        for (role, col) in [("nps", self.nps), ("csat", self.csat), ("ces", self.ces)] {
            if let Some(c) = col {
                cols.push((self.name(role), c.values.len()));
                if let Some(p) = c.present {
                    cols.push((format!("{} (mask)", self.name(role)), p.len()));
                }
            }
        }
        if let Some(w) = self.weight {
            cols.push((self.name("weight"), w.len()));
        }
        if let Some(ts) = self.timestamp {
            let n = match ts {
                TimestampColumn::Epoch(v) => v.len(),
                TimestampColumn::Text(v) => v.len(),
            };
            cols.push((self.name("timestamp"), n));
        }
        for (name, col) in &self.attributes {
            let n = match col {
                AttributeColumn::Text(v) => v.len(),
                AttributeColumn::Codes { codes, .. } => codes.len(),
            };
            cols.push((name.clone(), n));
        }
        if let Some(c) = self.comment {
            cols.push((self.name("comment"), c.len()));
        }
        if let Some(c) = self.respondent_id {
            cols.push((self.name("respondent_id"), c.len()));
        }
        let Some((_, expected)) = cols.first().cloned() else {
            return Err(CxmError::EmptyInput {
                what: "no columns given".into(),
            });
        };
        for (column, found) in cols {
            if found != expected {
                return Err(CxmError::LengthMismatch {
                    column,
                    expected,
                    found,
                });
            }
        }
        if expected == 0 {
            return Err(CxmError::EmptyInput {
                what: "zero rows".into(),
            });
        }
        for (name, col) in &self.attributes {
            if let AttributeColumn::Codes { codes, levels } = col {
                if let Some((row, &c)) = codes
                    .iter()
                    .enumerate()
                    .find(|(_, &c)| c >= levels.len() as i64)
                {
                    return Err(CxmError::invalid_argument(
                        "codes",
                        format!(
                            "column `{name}` row {row}: code {c} is not below the number of levels {}",
                            levels.len()
                        ),
                    ));
                }
            }
        }
        Ok(expected)
    }

    fn score_levels(
        &self,
        col: Option<ScoreColumn<'_>>,
        scale: Scale,
        role: &'static str,
        bad: &mut BadRows,
    ) -> Option<Vec<u8>> {
        let col = col?;
        let name = self.name(role);
        Some(
            col.values
                .iter()
                .enumerate()
                .map(|(row, &v)| {
                    if col.present.is_some_and(|p| !p[row]) {
                        return MISSING;
                    }
                    scale.level(v, row, &name).unwrap_or_else(|e| {
                        bad.mark(row, e);
                        MISSING
                    })
                })
                .collect(),
        )
    }
}

/// The error for an unusable epoch timestamp (`i64::MIN` is the missing marker).
pub(crate) fn timestamp_error(row: usize, t: i64) -> CxmError {
    CxmError::InvalidTimestamp {
        row,
        value: if t == i64::MIN {
            "missing".to_string()
        } else {
            t.to_string()
        },
    }
}

/// Per-row first problem, and the first problem overall (smallest row).
struct BadRows {
    reason: Vec<Option<SkipReason>>,
    first: Option<CxmError>,
    first_row: usize,
}

impl BadRows {
    fn new(len: usize) -> Self {
        BadRows {
            reason: vec![None; len],
            first: None,
            first_row: usize::MAX,
        }
    }

    fn mark(&mut self, row: usize, err: CxmError) {
        if self.reason[row].is_none() {
            self.reason[row] = Some(SkipReason::of(&err));
        }
        if row < self.first_row {
            self.first_row = row;
            self.first = Some(err);
        }
    }

    /// Indices of rows to keep, or `None` when every row is good.
    fn keep(&self) -> Option<Vec<usize>> {
        self.first.as_ref()?;
        Some(
            self.reason
                .iter()
                .enumerate()
                .filter(|(_, r)| r.is_none())
                .map(|(i, _)| i)
                .collect(),
        )
    }
}

fn select<T: Copy>(v: &[T], keep: &Option<Vec<usize>>) -> Vec<T> {
    match keep {
        Some(k) => k.iter().map(|&i| v[i]).collect(),
        None => v.to_vec(),
    }
}

/// Label of a missing categorical value.
pub const MISSING_LEVEL: &str = "(missing)";

fn encode_attribute(name: &str, col: AttributeColumn<'_>, keep: Option<&[usize]>) -> Attribute {
    let rows: Box<dyn Iterator<Item = usize>> = match keep {
        Some(k) => Box::new(k.iter().copied()),
        None => {
            let n = match col {
                AttributeColumn::Text(v) => v.len(),
                AttributeColumn::Codes { codes, .. } => codes.len(),
            };
            Box::new(0..n)
        }
    };
    let mut levels: Vec<String> = Vec::new();
    let mut codes = Vec::new();
    match col {
        AttributeColumn::Text(v) => {
            let mut index: HashMap<&str, u32> = HashMap::new();
            for i in rows {
                let s = v[i];
                let code = *index.entry(s).or_insert_with(|| {
                    levels.push(s.to_string());
                    (levels.len() - 1) as u32
                });
                codes.push(code);
            }
        }
        AttributeColumn::Codes {
            codes: src,
            levels: src_levels,
        } => {
            levels = src_levels.iter().map(|s| s.to_string()).collect();
            let missing = levels.len() as u32;
            let mut any_missing = false;
            for i in rows {
                let c = src[i];
                codes.push(if c < 0 {
                    any_missing = true;
                    missing
                } else {
                    c as u32
                });
            }
            if any_missing {
                levels.push(MISSING_LEVEL.to_string());
            }
        }
    }
    Attribute {
        name: name.to_string(),
        codes,
        levels,
    }
}

/// Validates a score column and returns its distribution (all-or-nothing; the error
/// names the first bad index).
pub fn distribution_of(
    scale: Scale,
    scores: &[f64],
    weights: Option<&[f64]>,
    column: &str,
) -> Result<Distribution> {
    if let Some(w) = weights {
        if w.len() != scores.len() {
            return Err(CxmError::LengthMismatch {
                column: "weights".into(),
                expected: scores.len(),
                found: w.len(),
            });
        }
    }
    if scores.is_empty() {
        return Ok(Distribution::new(scale));
    }
    // The segment scan with no dimension is the parallel, validated histogram.
    let cols = Columns {
        metric: match scale {
            Scale::Nps => MetricKind::Nps,
            Scale::Csat { .. } => MetricKind::Csat,
            Scale::Ces => MetricKind::Ces,
        },
        scale,
        answers: Answers::F64(scores),
        present: None,
        weights,
        dims: Vec::new(),
        utc_offset_minutes: 0,
        answer_column: column.to_string(),
    };
    Ok(SegmentSummary::from_columns(&cols, Policy::Reject)?.total())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skip_accounts_for_every_row() {
        let nps = [10.0, f64::NAN, 11.0, 5.0, 7.5, 9.0];
        let w = [1.0, 1.0, 1.0, -2.0, 1.0, 1.0];
        let ts = ["0", "1", "2", "3", "4", "never"];
        let t = TableBuilder::new()
            .nps(&nps[..])
            .weight(&w)
            .timestamp(TimestampColumn::Text(&ts))
            .build(Policy::Skip)
            .unwrap();
        let r = t.load_report();
        assert_eq!(r.rows_in, 6);
        assert_eq!(r.rows_accepted, 1);
        assert_eq!(r.rows_skipped() + r.rows_accepted, r.rows_in);
        assert_eq!(r.skipped[&SkipReason::NonFinite], 1);
        assert_eq!(r.skipped[&SkipReason::InvalidScore], 2);
        assert_eq!(r.skipped[&SkipReason::InvalidWeight], 1);
        assert_eq!(r.skipped[&SkipReason::InvalidTimestamp], 1);
        assert_eq!(t.levels(MetricKind::Nps).unwrap(), &[10]);
    }

    #[test]
    fn reject_names_first_bad_row() {
        let nps = [10.0, 3.0, 11.0];
        let csat = [5.0, 0.0, 5.0];
        let e = TableBuilder::new()
            .nps(&nps[..])
            .csat(&csat[..])
            .column_name("csat", "satisfaction")
            .build(Policy::Reject)
            .unwrap_err();
        match e {
            CxmError::InvalidScore {
                row, column, value, ..
            } => {
                assert_eq!((row, column.as_str(), value), (1, "satisfaction", 0.0));
            }
            other => panic!("{other}"),
        }
    }

    #[test]
    fn missing_answers_are_not_bad() {
        let ces = [7.0, f64::NAN, 1.0];
        let present = [true, false, true];
        let t = TableBuilder::new()
            .ces(ScoreColumn {
                values: &ces,
                present: Some(&present),
            })
            .build(Policy::Reject)
            .unwrap();
        assert_eq!(t.levels(MetricKind::Ces).unwrap(), &[6, MISSING, 0]);
        assert_eq!(t.distribution(MetricKind::Ces).unwrap().n(), 2);
    }

    #[test]
    fn length_mismatch_and_empty() {
        let a = [1.0, 2.0];
        let s = ["x"];
        let e = TableBuilder::new()
            .nps(&a[..])
            .attribute("store", AttributeColumn::Text(&s))
            .build(Policy::Skip)
            .unwrap_err();
        assert!(matches!(
            e,
            CxmError::LengthMismatch {
                expected: 2,
                found: 1,
                ..
            }
        ));
        let empty: [f64; 0] = [];
        assert!(matches!(
            TableBuilder::new().nps(&empty[..]).build(Policy::Skip),
            Err(CxmError::EmptyInput { .. })
        ));
        assert!(matches!(
            TableBuilder::new().build(Policy::Skip),
            Err(CxmError::EmptyInput { .. })
        ));
    }

    #[test]
    fn categorical_codes_with_missing() {
        let nps = [1.0, 2.0, 3.0];
        let codes = [1, -1, 0];
        let levels = ["a", "b"];
        let t = TableBuilder::new()
            .nps(&nps[..])
            .attribute(
                "x",
                AttributeColumn::Codes {
                    codes: &codes,
                    levels: &levels,
                },
            )
            .build(Policy::Reject)
            .unwrap();
        let a = t.attribute("x").unwrap();
        assert_eq!(a.codes, [1, 2, 0]);
        assert_eq!(a.levels, ["a", "b", MISSING_LEVEL]);
        let bad = [5];
        assert!(TableBuilder::new()
            .attribute(
                "x",
                AttributeColumn::Codes {
                    codes: &bad,
                    levels: &levels
                }
            )
            .build(Policy::Reject)
            .is_err());
    }

    #[test]
    fn external_invalid_rows() {
        let nps = [1.0, 2.0];
        let t = TableBuilder::new()
            .nps(&nps[..])
            .invalid_row(
                0,
                CxmError::InvalidUtf8 {
                    row: 0,
                    column: "store".into(),
                },
            )
            .build(Policy::Skip)
            .unwrap();
        assert_eq!(t.load_report().skipped[&SkipReason::InvalidUtf8], 1);
        assert_eq!(t.len(), 1);
    }
}
