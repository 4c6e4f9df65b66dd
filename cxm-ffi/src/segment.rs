//! Segmentation: a metric grouped by categorical attributes and calendar buckets, each
//! group with its interval, its difference from the rest of the data, p- and q-values and
//! a worse / better / not-significant / suppressed flag. From a `cxm_table`, or straight
//! from arrays of scores and integer codes (`cxm_segment_from_columns`, the hot path), or
//! several answer columns over the same dimensions in one pass
//! (`cxm_segment_from_columns_many`).

use std::ffi::{c_char, CString};
use std::mem::size_of;

use cxm_core::metrics::{MetricKind, Scale};
use cxm_core::segment::{
    segment, Answers, Codes, Columns, DimColumn, Dimension, Flag, SegmentOptions, SegmentSpec,
    SegmentSummary, SegmentTable,
};
use cxm_core::time::TimeBucket;
use cxm_core::CxmError;

use crate::args::{self, Versioned};
use crate::metrics::{cxm_nps_interval, nps_interval, or_default};
use crate::status::{cxm_status, guard, run, Failure, FfiResult};
use crate::table::{cxm_load_report, cxm_policy, cxm_table, load_report, policy_of};

/// Which headline metric to segment.
pub type cxm_metric = u32;
/// NPS points (−100..100).
pub const CXM_METRIC_NPS: cxm_metric = 0;
/// CSAT% (top-two-box percent).
pub const CXM_METRIC_CSAT: cxm_metric = 1;
/// CES mean (1–7).
pub const CXM_METRIC_CES: cxm_metric = 2;

/// A calendar bucket of the timestamp, in local time at the spec's UTC offset.
pub type cxm_time_bucket = u32;
/// Hour of day, `00`–`23`.
pub const CXM_TIME_BUCKET_HOUR: cxm_time_bucket = 0;
/// Day of week, `Mon`–`Sun`.
pub const CXM_TIME_BUCKET_WEEKDAY: cxm_time_bucket = 1;
/// `night` (22–05), `morning` (06–11), `afternoon` (12–16), `evening` (17–21).
pub const CXM_TIME_BUCKET_DAYPART: cxm_time_bucket = 2;
/// Calendar date, `2025-03-04`.
pub const CXM_TIME_BUCKET_DATE: cxm_time_bucket = 3;
/// ISO week, `2025-W10`.
pub const CXM_TIME_BUCKET_WEEK: cxm_time_bucket = 4;
/// Month, `2025-03`.
pub const CXM_TIME_BUCKET_MONTH: cxm_time_bucket = 5;
/// Quarter, `2025-Q1`.
pub const CXM_TIME_BUCKET_QUARTER: cxm_time_bucket = 6;

/// Verdict on a group against the rest of the data.
pub type cxm_flag = u32;
/// No significant difference.
pub const CXM_FLAG_NOT_SIGNIFICANT: cxm_flag = 0;
/// Significantly worse than the rest (q < alpha).
pub const CXM_FLAG_WORSE: cxm_flag = 1;
/// Significantly better than the rest.
pub const CXM_FLAG_BETTER: cxm_flag = 2;
/// Fewer than `min_n` answers: metric suppressed (NaN), `n` still reported.
pub const CXM_FLAG_SUPPRESSED: cxm_flag = 3;

/// What to group and measure. Dimensions are the attributes (in order) followed by the
/// time buckets (in order). Also the spec of a hotspot search (`cxm_hotspots`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_segment_spec {
    /// `sizeof(cxm_segment_spec)`.
    pub size: usize,
    /// A `CXM_METRIC_*` value.
    pub metric: cxm_metric,
    /// Offset of local time from UTC in minutes, for time buckets (60 for +01:00).
    pub utc_offset_minutes: i32,
    /// `n_attributes` attribute column names (NULL when 0).
    pub attributes: *const *const c_char,
    pub n_attributes: usize,
    /// `n_time_buckets` `CXM_TIME_BUCKET_*` values (NULL when 0).
    pub time_buckets: *const cxm_time_bucket,
    pub n_time_buckets: usize,
}

/// Segmentation options. Zero in any field means its default; NULL means all defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_segment_options {
    /// `sizeof(cxm_segment_options)`.
    pub size: usize,
    /// Groups with fewer answers are suppressed. 0 = 30 (use 1 to suppress nothing).
    pub min_n: u64,
    /// Confidence level of intervals, in (0, 1). 0 = 0.95.
    pub confidence: f64,
    /// False discovery rate for the worse/better flag, in (0, 1). 0 = 0.05.
    pub alpha: f64,
    /// A `CXM_NPS_INTERVAL_*` value. 0 = Wald.
    pub nps_interval: cxm_nps_interval,
    /// Must be 0.
    pub _reserved: u32,
}

/// One group of a segment table. Metric fields are NaN when the group is suppressed, and
/// `rest`, `diff`, `p_value`, `q_value`, `cost` are NaN when there is no rest to compare
/// with.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cxm_segment_row {
    /// `sizeof(cxm_segment_row)`, set by the caller; on return, the bytes written.
    pub size: usize,
    /// Number of answers.
    pub n: u64,
    /// Sum of weights.
    pub weighted_n: f64,
    /// Kish effective sample size.
    pub n_eff: f64,
    /// Headline metric of the group and its interval.
    pub value: f64,
    pub low: f64,
    pub high: f64,
    /// Metric of all other rows.
    pub rest: f64,
    /// `value − rest`.
    pub diff: f64,
    /// Two-sided p-value of the difference.
    pub p_value: f64,
    /// Benjamini–Hochberg q-value across the table's unsuppressed groups.
    pub q_value: f64,
    /// Points the overall metric would gain if this group scored like the rest.
    pub cost: f64,
    /// A `CXM_FLAG_*` value.
    pub flag: cxm_flag,
    pub _reserved: u32,
}

/// Totals of a segment table.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cxm_segment_overall {
    /// `sizeof(cxm_segment_overall)`, set by the caller; on return, the bytes written.
    pub size: usize,
    /// The `CXM_METRIC_*` segmented.
    pub metric: cxm_metric,
    pub _reserved: u32,
    /// Overall metric over every group, and its interval.
    pub value: f64,
    pub low: f64,
    pub high: f64,
    /// Answers counted.
    pub n: u64,
    /// Rows without an answer to this metric.
    pub missing: u64,
    /// Number of groups (rows of the table).
    pub groups: u64,
}

/// One categorical dimension of `cxm_segment_columns`: integer codes into `levels`
/// (negative = missing, labelled `(missing)`). Array element type: frozen, no `size`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_code_dimension {
    /// Dimension name.
    pub name: *const c_char,
    /// `n_rows` codes, each below `n_levels` (or negative).
    pub codes: *const i32,
    /// `n_levels` level labels.
    pub levels: *const *const c_char,
    pub n_levels: usize,
}

/// Columns for `cxm_segment_from_columns` and `cxm_hotspots_from_columns`: one score
/// array, optional mask and weights, categorical code dimensions and time buckets of one
/// timestamp array. Dimensions are the code dimensions followed by the time buckets.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_segment_columns {
    /// `sizeof(cxm_segment_columns)`.
    pub size: usize,
    /// Number of rows of every array.
    pub n_rows: usize,
    /// A `CXM_METRIC_*` value; `scores` are on its scale.
    pub metric: cxm_metric,
    /// CSAT scale points when `metric` is CSAT, 2–11. 0 = 5.
    pub csat_points: u32,
    /// `n_rows` answers.
    pub scores: *const f64,
    /// NULL, or `false` where the question was skipped.
    pub present: *const bool,
    /// NULL, or `n_rows` weights.
    pub weights: *const f64,
    /// `n_dims` code dimensions.
    pub dims: *const cxm_code_dimension,
    pub n_dims: usize,
    /// `n_rows` UTC epoch seconds (`INT64_MIN` = missing: a bad row); required when
    /// `n_time_buckets > 0`.
    pub timestamps: *const i64,
    /// `n_time_buckets` `CXM_TIME_BUCKET_*` values.
    pub time_buckets: *const cxm_time_bucket,
    pub n_time_buckets: usize,
    /// Offset of local time from UTC in minutes.
    pub utc_offset_minutes: i32,
    /// Must be 0.
    pub _reserved: u32,
}

/// One answer column of `cxm_segment_from_columns_many`: a metric, its scores and an
/// optional mask. Array element type: frozen, no `size`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_answer_column {
    /// A `CXM_METRIC_*` value; `scores` are on its scale.
    pub metric: cxm_metric,
    /// CSAT scale points when `metric` is CSAT, 2–11. 0 = 5.
    pub csat_points: u32,
    /// `n_rows` answers.
    pub scores: *const f64,
    /// NULL, or `n_rows` flags, `false` where the question was skipped.
    pub present: *const bool,
    /// Column name used in error messages; NULL = the metric's name (`nps`, `csat`,
    /// `ces`), as in `cxm_segment_from_columns`.
    pub name: *const c_char,
}

/// The columns every answer column of `cxm_segment_from_columns_many` is grouped by:
/// `cxm_segment_columns` without the answer fields. Dimensions are the code dimensions
/// followed by the time buckets.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_segment_shared_columns {
    /// `sizeof(cxm_segment_shared_columns)`.
    pub size: usize,
    /// Number of rows of every array (the answer columns' included).
    pub n_rows: usize,
    /// NULL, or `n_rows` weights.
    pub weights: *const f64,
    /// `n_dims` code dimensions.
    pub dims: *const cxm_code_dimension,
    pub n_dims: usize,
    /// `n_rows` UTC epoch seconds (`INT64_MIN` = missing: a bad row); required when
    /// `n_time_buckets > 0`.
    pub timestamps: *const i64,
    /// `n_time_buckets` `CXM_TIME_BUCKET_*` values.
    pub time_buckets: *const cxm_time_bucket,
    pub n_time_buckets: usize,
    /// Offset of local time from UTC in minutes.
    pub utc_offset_minutes: i32,
    /// Must be 0.
    pub _reserved: u32,
}

unsafe impl Versioned for cxm_segment_spec {
    const NAME: &'static str = "cxm_segment_spec";
}
unsafe impl Versioned for cxm_segment_options {
    const NAME: &'static str = "cxm_segment_options";
}
unsafe impl Versioned for cxm_segment_row {
    const NAME: &'static str = "cxm_segment_row";
}
unsafe impl Versioned for cxm_segment_overall {
    const NAME: &'static str = "cxm_segment_overall";
}
unsafe impl Versioned for cxm_segment_columns {
    const NAME: &'static str = "cxm_segment_columns";
}
unsafe impl Versioned for cxm_segment_shared_columns {
    const NAME: &'static str = "cxm_segment_shared_columns";
}

/// The result of a segmentation (opaque). Strings returned by its accessors are borrowed
/// from it and live until `cxm_segment_table_free`.
pub struct cxm_segment_table {
    table: SegmentTable,
    dims: Vec<CString>,
    keys: Vec<Vec<CString>>,
}

/// Segments a table: groups `spec->metric` by the spec's dimensions. `opts` may be NULL.
/// An unknown attribute, or a time bucket without a timestamp column, is
/// `CXM_MISSING_COLUMN`.
///
/// # Safety
///
/// `table` must be a live table handle, `spec` a valid `cxm_segment_spec`, `opts` NULL or
/// valid, `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment(
    table: *const cxm_table,
    spec: *const cxm_segment_spec,
    opts: *const cxm_segment_options,
    out: *mut *mut cxm_segment_table,
) -> cxm_status {
    run("cxm_segment", || {
        args::handle_out(out, "out")?;
        let t = args::handle(table, "table")?;
        let spec = segment_spec(spec)?;
        let opts = segment_options(opts)?;
        let result = segment(t.inner(), &spec, &opts)?;
        args::give(out, cxm_segment_table::new(result));
        Ok(())
    })
}

/// Segments arrays directly, without building a table: scores are validated under
/// `policy` (bad rows rejected, or skipped and counted in the table's load report).
///
/// # Safety
///
/// `cols` must be a valid `cxm_segment_columns` whose arrays hold the declared number of
/// elements; `opts` NULL or valid; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_from_columns(
    cols: *const cxm_segment_columns,
    policy: cxm_policy,
    opts: *const cxm_segment_options,
    out: *mut *mut cxm_segment_table,
) -> cxm_status {
    run("cxm_segment_from_columns", || {
        args::handle_out(out, "out")?;
        let opts = segment_options(opts)?;
        let policy = policy_of(policy)?;
        let result = with_columns(cols, |c| {
            Ok(SegmentSummary::from_columns(c, policy)?.finish(&opts)?)
        })?;
        args::give(out, cxm_segment_table::new(result));
        Ok(())
    })
}

/// Segments several answer columns (say NPS, CSAT and CES) grouped by the same dimensions,
/// scanning the rows once for all of them: `answers` holds `k` answer columns, `cols` the
/// columns they share, and `out` is the caller's array of `k` pointers that receives one
/// new table per answer column (`out[i]` for `answers[i]`). Each table equals what
/// `cxm_segment_from_columns` returns for that answer column with the same shared
/// columns, policy and options (under `CXM_POLICY_SKIP` each answer column skips its own
/// bad rows).
///
/// All or nothing: every `out[i]` is set to NULL first and stays NULL on failure. `k` = 0
/// is `CXM_INVALID_ARGUMENT`. Under `CXM_POLICY_REJECT` the error is the first bad row of
/// the first answer column that has one, as `k` separate calls in order would report.
///
/// # Safety
///
/// `answers` must point to `k` valid `cxm_answer_column`s and `out` to `k` writable
/// `cxm_segment_table*`; `cols` must be a valid `cxm_segment_shared_columns`; every array
/// must hold the declared number of elements; `opts` NULL or valid.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_from_columns_many(
    answers: *const cxm_answer_column,
    k: usize,
    cols: *const cxm_segment_shared_columns,
    policy: cxm_policy,
    opts: *const cxm_segment_options,
    out: *mut *mut cxm_segment_table,
) -> cxm_status {
    run("cxm_segment_from_columns_many", || {
        let out = args::handles_out(out, k, "out")?;
        if k == 0 {
            return Err(Failure::argument(
                "k",
                "no answer columns (pass at least one)",
            ));
        }
        let opts = segment_options(opts)?;
        let policy = policy_of(policy)?;
        let Some(c) = args::read_versioned(cols, "cols")? else {
            return Err(Failure::null("cols"));
        };
        args::reserved_zero(c._reserved, "cols->_reserved")?;
        let mut inputs = Vec::with_capacity(k);
        for (i, a) in args::slice(answers, k, "answers")?.iter().enumerate() {
            let what = format!("answers[{i}]");
            let name = args::opt_string(a.name, &format!("{what}.name"))?;
            inputs.push(answer_input(
                AnswerFields {
                    metric: a.metric,
                    csat_points: a.csat_points,
                    scores: a.scores,
                    present: a.present,
                },
                c.n_rows,
                name,
                &format!("{what}."),
            )?);
        }
        let shared = shared_input(&c, "cols->")?;
        let columns: Vec<Columns<'_>> = inputs.iter().map(|a| a.columns(&shared)).collect();
        let summaries = SegmentSummary::from_columns_many(&columns, policy)?;
        assert_eq!(summaries.len(), k, "one summary per answer column");
        let mut tables = Vec::with_capacity(k);
        for (i, (s, a)) in summaries.iter().zip(&inputs).enumerate() {
            let table = s.finish(&opts).map_err(|e| match e {
                // Name the answer column that has nothing to compute on.
                CxmError::EmptyInput { what } => Failure::Core(CxmError::EmptyInput {
                    what: format!("answers[{i}] (`{}`): {what}", a.column),
                }),
                other => Failure::Core(other),
            })?;
            tables.push(cxm_segment_table::new(table));
        }
        // Nothing can fail from here on: hand over every table or none.
        for (slot, t) in out.iter_mut().zip(tables) {
            *slot = Box::into_raw(Box::new(t));
        }
        Ok(())
    })
}

/// Number of groups (0 for NULL).
///
/// # Safety
///
/// `t` must be NULL or a live segment table handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_table_len(t: *const cxm_segment_table) -> usize {
    guard(0, || t.as_ref().map_or(0, |t| t.table.rows.len()))
}

/// Group `i` (0-based, in key order). An index out of range is `CXM_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `t` must be a live segment table handle; `out` a `cxm_segment_row` whose `size` is
/// set.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_table_row(
    t: *const cxm_segment_table,
    i: usize,
    out: *mut cxm_segment_row,
) -> cxm_status {
    run("cxm_segment_table_row", || {
        let t = args::handle(t, "t")?;
        let row = t.table.rows.get(i).ok_or_else(|| {
            Failure::argument(
                "i",
                format!(
                    "row {i} is out of range (the table has {})",
                    t.table.rows.len()
                ),
            )
        })?;
        let value = cxm_segment_row {
            size: size_of::<cxm_segment_row>(),
            n: row.n,
            weighted_n: row.weighted_n,
            n_eff: row.n_eff,
            value: row.value,
            low: row.low,
            high: row.high,
            rest: row.rest,
            diff: row.diff,
            p_value: row.p_value,
            q_value: row.q_value,
            cost: row.cost,
            flag: flag(row.flag),
            _reserved: 0,
        };
        args::write_versioned(out, value, "out")
    })
}

/// Label of group `i` on dimension `j`, borrowed from `t`; NULL if `t` is NULL or an
/// index is out of range.
///
/// # Safety
///
/// `t` must be NULL or a live segment table handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_table_key(
    t: *const cxm_segment_table,
    i: usize,
    j: usize,
) -> *const c_char {
    guard(std::ptr::null(), || {
        t.as_ref()
            .and_then(|t| t.keys.get(i))
            .and_then(|k| k.get(j))
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// Number of dimensions (key columns); 0 for NULL.
///
/// # Safety
///
/// `t` must be NULL or a live segment table handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_table_dims(t: *const cxm_segment_table) -> usize {
    guard(0, || t.as_ref().map_or(0, |t| t.dims.len()))
}

/// Name of dimension `j` (an attribute name, or a bucket name such as `daypart`),
/// borrowed from `t`; NULL if out of range.
///
/// # Safety
///
/// `t` must be NULL or a live segment table handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_table_dim_name(
    t: *const cxm_segment_table,
    j: usize,
) -> *const c_char {
    guard(std::ptr::null(), || {
        t.as_ref()
            .and_then(|t| t.dims.get(j))
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// Totals: overall metric and interval, answers counted, rows missing the metric.
///
/// # Safety
///
/// `t` must be a live segment table handle; `out` a `cxm_segment_overall` whose `size`
/// is set.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_table_overall(
    t: *const cxm_segment_table,
    out: *mut cxm_segment_overall,
) -> cxm_status {
    run("cxm_segment_table_overall", || {
        let t = &args::handle(t, "t")?.table;
        let value = cxm_segment_overall {
            size: size_of::<cxm_segment_overall>(),
            metric: metric_code(t.metric),
            _reserved: 0,
            value: t.overall,
            low: t.overall_interval.low,
            high: t.overall_interval.high,
            n: t.n,
            missing: t.missing,
            groups: t.rows.len() as u64,
        };
        args::write_versioned(out, value, "out")
    })
}

/// How the input rows behind the table were accounted for.
///
/// # Safety
///
/// `t` must be a live segment table handle; `out` a `cxm_load_report` whose `size` is
/// set.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_table_load_report(
    t: *const cxm_segment_table,
    out: *mut cxm_load_report,
) -> cxm_status {
    run("cxm_segment_table_load_report", || {
        let t = args::handle(t, "t")?;
        args::write_versioned(out, load_report(&t.table.load), "out")
    })
}

/// The whole table as JSON in `*out` (NaN is written as `null`); free it with
/// `cxm_string_free`.
///
/// # Safety
///
/// `t` must be a live segment table handle; `out` a valid `char**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_table_to_json(
    t: *const cxm_segment_table,
    out: *mut *mut c_char,
) -> cxm_status {
    run("cxm_segment_table_to_json", || {
        let t = args::handle(t, "t")?;
        args::give_string(out, json(serde_json::to_string(&t.table))?, "out")
    })
}

/// Frees a segment table; NULL is a no-op.
///
/// # Safety
///
/// `t` must be NULL or a live handle from this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cxm_segment_table_free(t: *mut cxm_segment_table) {
    guard((), || args::free(t))
}

impl cxm_segment_table {
    fn new(table: SegmentTable) -> Self {
        let dims = table
            .dims
            .iter()
            .map(|d| args::c_string(d.clone()))
            .collect();
        let keys = table
            .rows
            .iter()
            .map(|r| r.keys.iter().map(|k| args::c_string(k.clone())).collect())
            .collect();
        cxm_segment_table { table, dims, keys }
    }
}

/// The result of `serde_json::to_string` as a failure the caller can see.
pub(crate) fn json(result: serde_json::Result<String>) -> FfiResult<String> {
    result.map_err(|e| {
        Failure::Core(CxmError::Serialization {
            message: e.to_string(),
        })
    })
}

pub(crate) fn flag(f: Flag) -> cxm_flag {
    match f {
        Flag::NotSignificant => CXM_FLAG_NOT_SIGNIFICANT,
        Flag::Worse => CXM_FLAG_WORSE,
        Flag::Better => CXM_FLAG_BETTER,
        Flag::Suppressed => CXM_FLAG_SUPPRESSED,
    }
}

fn metric_code(m: MetricKind) -> cxm_metric {
    match m {
        MetricKind::Nps => CXM_METRIC_NPS,
        MetricKind::Csat => CXM_METRIC_CSAT,
        MetricKind::Ces => CXM_METRIC_CES,
    }
}

fn metric_kind(m: cxm_metric, what: &str) -> FfiResult<MetricKind> {
    match m {
        CXM_METRIC_NPS => Ok(MetricKind::Nps),
        CXM_METRIC_CSAT => Ok(MetricKind::Csat),
        CXM_METRIC_CES => Ok(MetricKind::Ces),
        other => Err(Failure::argument(
            what,
            format!("{other} is not a CXM_METRIC_* value (0, 1 or 2)"),
        )),
    }
}

fn time_bucket(b: cxm_time_bucket, what: &str) -> FfiResult<TimeBucket> {
    match b {
        CXM_TIME_BUCKET_HOUR => Ok(TimeBucket::Hour),
        CXM_TIME_BUCKET_WEEKDAY => Ok(TimeBucket::Weekday),
        CXM_TIME_BUCKET_DAYPART => Ok(TimeBucket::Daypart),
        CXM_TIME_BUCKET_DATE => Ok(TimeBucket::Date),
        CXM_TIME_BUCKET_WEEK => Ok(TimeBucket::Week),
        CXM_TIME_BUCKET_MONTH => Ok(TimeBucket::Month),
        CXM_TIME_BUCKET_QUARTER => Ok(TimeBucket::Quarter),
        other => Err(Failure::argument(
            what,
            format!("{other} is not a CXM_TIME_BUCKET_* value (0 to 6)"),
        )),
    }
}

unsafe fn time_buckets(
    ptr: *const cxm_time_bucket,
    n: usize,
    what: &str,
) -> FfiResult<Vec<TimeBucket>> {
    args::slice(ptr, n, what)?
        .iter()
        .enumerate()
        .map(|(i, &b)| time_bucket(b, &format!("{what}[{i}]")))
        .collect()
}

/// Reads a segment spec (required).
pub(crate) unsafe fn segment_spec(spec: *const cxm_segment_spec) -> FfiResult<SegmentSpec> {
    let Some(s) = args::read_versioned(spec, "spec")? else {
        return Err(Failure::null("spec"));
    };
    let mut dims: Vec<Dimension> = args::strings(s.attributes, s.n_attributes, "spec->attributes")?
        .into_iter()
        .map(|a| Dimension::Attribute(a.to_string()))
        .collect();
    dims.extend(
        time_buckets(s.time_buckets, s.n_time_buckets, "spec->time_buckets")?
            .into_iter()
            .map(Dimension::Time),
    );
    Ok(SegmentSpec {
        metric: metric_kind(s.metric, "spec->metric")?,
        dims,
        utc_offset_minutes: s.utc_offset_minutes,
    })
}

/// Reads segment options (NULL or zero fields = defaults).
pub(crate) unsafe fn segment_options(
    opts: *const cxm_segment_options,
) -> FfiResult<SegmentOptions> {
    let defaults = SegmentOptions::default();
    let Some(o) = args::read_versioned(opts, "opts")? else {
        return Ok(defaults);
    };
    args::reserved_zero(o._reserved, "opts->_reserved")?;
    Ok(SegmentOptions {
        min_n: if o.min_n == 0 {
            defaults.min_n
        } else {
            o.min_n
        },
        confidence: or_default(o.confidence, defaults.confidence),
        alpha: or_default(o.alpha, defaults.alpha),
        nps_interval: nps_interval(o.nps_interval, "opts->nps_interval")?,
    })
}

/// Converts `cxm_segment_columns` to the core's borrowed [`Columns`] and runs `f` on them.
pub(crate) unsafe fn with_columns<R>(
    cols: *const cxm_segment_columns,
    f: impl FnOnce(&Columns<'_>) -> FfiResult<R>,
) -> FfiResult<R> {
    let Some(c) = args::read_versioned(cols, "cols")? else {
        return Err(Failure::null("cols"));
    };
    args::reserved_zero(c._reserved, "cols->_reserved")?;
    let answer = answer_input(
        AnswerFields {
            metric: c.metric,
            csat_points: c.csat_points,
            scores: c.scores,
            present: c.present,
        },
        c.n_rows,
        None,
        "cols->",
    )?;
    let shared = shared_input(
        &cxm_segment_shared_columns {
            size: size_of::<cxm_segment_shared_columns>(),
            n_rows: c.n_rows,
            weights: c.weights,
            dims: c.dims,
            n_dims: c.n_dims,
            timestamps: c.timestamps,
            time_buckets: c.time_buckets,
            n_time_buckets: c.n_time_buckets,
            utc_offset_minutes: c.utc_offset_minutes,
            _reserved: 0,
        },
        "cols->",
    )?;
    f(&answer.columns(&shared))
}

/// The answer fields of `cxm_segment_columns` or of a `cxm_answer_column`.
struct AnswerFields {
    metric: cxm_metric,
    csat_points: u32,
    scores: *const f64,
    present: *const bool,
}

/// One answer column read from C: metric, scale, borrowed scores, a copy of the mask (a C
/// `bool` buffer may hold bytes other than 0 and 1) and the name for messages.
struct AnswerInput<'a> {
    metric: MetricKind,
    scale: Scale,
    scores: &'a [f64],
    present: Option<Vec<bool>>,
    column: String,
}

/// The columns answer columns are grouped by, read from C.
struct SharedInput<'a> {
    weights: Option<&'a [f64]>,
    dims: Vec<DimColumn<'a>>,
    utc_offset_minutes: i32,
}

impl AnswerInput<'_> {
    /// The core's columns for this answer column grouped by `shared`.
    fn columns<'s>(&'s self, shared: &SharedInput<'s>) -> Columns<'s> {
        Columns {
            metric: self.metric,
            scale: self.scale,
            answers: Answers::F64(self.scores),
            present: self.present.as_deref(),
            weights: shared.weights,
            dims: shared.dims.clone(),
            utc_offset_minutes: shared.utc_offset_minutes,
            answer_column: self.column.clone(),
        }
    }
}

/// The metric of a `CXM_METRIC_*` value and the scale of its answers (`csat_points` is
/// read for CSAT only; 0 = 5). `metric_what` and `points_what` name the two fields in
/// messages.
pub(crate) fn metric_scale(
    metric: cxm_metric,
    csat_points: u32,
    metric_what: &str,
    points_what: &str,
) -> FfiResult<(MetricKind, Scale)> {
    let metric = metric_kind(metric, metric_what)?;
    let scale = match metric {
        MetricKind::Nps => Scale::Nps,
        MetricKind::Ces => Scale::Ces,
        MetricKind::Csat => Scale::Csat {
            points: crate::metrics::csat_metric(csat_points)
                .map_err(|e| match e {
                    Failure::Core(CxmError::InvalidArgument { reason, .. }) => {
                        Failure::argument(points_what, reason)
                    }
                    other => other,
                })?
                .points,
        },
    };
    Ok((metric, scale))
}

/// Reads one answer column of `n` rows; `prefix` names its fields in messages (`cols->`,
/// `answers[1].`). `name` NULL means the metric's name.
unsafe fn answer_input<'a>(
    a: AnswerFields,
    n: usize,
    name: Option<&str>,
    prefix: &str,
) -> FfiResult<AnswerInput<'a>> {
    let (metric, scale) = metric_scale(
        a.metric,
        a.csat_points,
        &format!("{prefix}metric"),
        &format!("{prefix}csat_points"),
    )?;
    Ok(AnswerInput {
        metric,
        scale,
        scores: args::slice(a.scores, n, &format!("{prefix}scores"))?,
        present: args::opt_mask(a.present, n, &format!("{prefix}present"))?,
        column: name.unwrap_or(metric.name()).to_string(),
    })
}

/// Reads the shared columns: weights, code dimensions, and time buckets of one timestamp
/// array; `prefix` names their fields in messages.
unsafe fn shared_input<'a>(
    c: &cxm_segment_shared_columns,
    prefix: &str,
) -> FfiResult<SharedInput<'a>> {
    let n = c.n_rows;
    let weights = args::opt_slice(c.weights, n, &format!("{prefix}weights"))?;
    let mut dims = Vec::new();
    for (j, d) in args::slice(c.dims, c.n_dims, &format!("{prefix}dims"))?
        .iter()
        .enumerate()
    {
        let what = format!("{prefix}dims[{j}]");
        dims.push(DimColumn::Codes {
            name: args::string(d.name, &format!("{what}.name"))?.to_string(),
            codes: Codes::I32(args::slice(d.codes, n, &format!("{what}.codes"))?),
            levels: args::strings(d.levels, d.n_levels, &format!("{what}.levels"))?
                .into_iter()
                .map(str::to_string)
                .collect(),
        });
    }
    let buckets = time_buckets(
        c.time_buckets,
        c.n_time_buckets,
        &format!("{prefix}time_buckets"),
    )?;
    if !buckets.is_empty() {
        if c.timestamps.is_null() {
            return Err(Failure::Null(format!(
                "argument `{prefix}timestamps` is NULL but time buckets are requested"
            )));
        }
        let timestamps = args::slice(c.timestamps, n, &format!("{prefix}timestamps"))?;
        dims.extend(
            buckets
                .into_iter()
                .map(|bucket| DimColumn::Time { timestamps, bucket }),
        );
    }
    Ok(SharedInput {
        weights,
        dims,
        utc_offset_minutes: c.utc_offset_minutes,
    })
}
