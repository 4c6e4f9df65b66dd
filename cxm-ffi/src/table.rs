//! Response tables: loaded from CSV (a file or a buffer) with a column mapping, or built
//! from C arrays; the load report that accounts for every input row; and the headline
//! metrics of a whole table.

use std::ffi::c_char;
use std::mem::size_of;

use cxm_core::csv_input::{read_csv, read_csv_from, CsvMapping};
use cxm_core::metrics::{Ces, Csat, Nps};
use cxm_core::metrics::{CesSummary, CsatSummary, MetricKind, NpsSummary, Scale};
use cxm_core::table::{
    AttributeColumn, LoadReport, Policy, ResponseTable, ScoreColumn, SkipReason, TableBuilder,
    TimestampColumn,
};

use crate::args::{self, RowProblems, Versioned};
use crate::metrics::{
    ces_result, csat_result, cxm_ces_result, cxm_csat_result, cxm_metric_options, cxm_nps_result,
    metric_options, nps_result,
};
use crate::status::{cxm_status, guard, run, Failure, FfiResult};

/// What to do with a bad row.
pub type cxm_policy = u32;
/// The first bad row is an error naming its row, column and value.
pub const CXM_POLICY_REJECT: cxm_policy = 0;
/// Bad rows are dropped and counted by reason in the load report.
pub const CXM_POLICY_SKIP: cxm_policy = 1;

/// A validated, columnar table of survey responses (opaque).
pub struct cxm_table(ResponseTable);

/// Which CSV column plays which role. Every name may be NULL (role absent) except that a
/// table needs at least one column. Column names must match the header exactly.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_csv_mapping {
    /// `sizeof(cxm_csv_mapping)`.
    pub size: usize,
    /// NPS answers (0–10; empty cell = question skipped).
    pub nps: *const c_char,
    /// CSAT answers (1–`csat_points`).
    pub csat: *const c_char,
    /// CES answers (1–7).
    pub ces: *const c_char,
    /// Survey weights (finite, ≥ 0).
    pub weight: *const c_char,
    /// Timestamps: ISO-8601 with offset, or epoch seconds.
    pub timestamp: *const c_char,
    /// Free-text comments.
    pub comment: *const c_char,
    /// Respondent ids.
    pub respondent_id: *const c_char,
    /// Categorical attribute columns (`n_attributes` names; may be NULL when 0).
    pub attributes: *const *const c_char,
    pub n_attributes: usize,
    /// CSAT scale points, 2–11. 0 = 5.
    pub csat_points: u32,
    /// Field delimiter, an ASCII character. 0 = `,`.
    pub delimiter: u32,
}

/// One categorical column of a `cxm_table_input`: either one string per row (`values`),
/// or integer codes into `levels` (pandas-style categoricals; a negative code is a
/// missing value, labelled `(missing)`). Exactly one of `values` and `codes` is set.
/// Array element type: frozen, no `size` field.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_attribute_column {
    /// Column name.
    pub name: *const c_char,
    /// `n_rows` strings, or NULL when `codes` is given.
    pub values: *const *const c_char,
    /// `n_rows` codes, or NULL when `values` is given.
    pub codes: *const i32,
    /// `n_levels` level labels for `codes`.
    pub levels: *const *const c_char,
    pub n_levels: usize,
}

/// Columns of a table built from C arrays. Every array has `n_rows` elements; every
/// pointer may be NULL (column absent) but a table needs at least one column.
///
/// Row data is validated like CSV cells: a bad value makes its row bad, and the policy
/// decides whether that is an error or a counted skip. In string arrays, invalid UTF-8 is
/// `invalid_utf8`, and a NULL element is a bad row counted as `malformed_record` (under
/// `CXM_POLICY_REJECT` the call returns `CXM_NULL_POINTER` naming the column and row).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_table_input {
    /// `sizeof(cxm_table_input)`.
    pub size: usize,
    /// Number of rows of every array.
    pub n_rows: usize,
    /// NPS answers (0–10).
    pub nps: *const f64,
    /// NULL, or `false` where the respondent skipped the NPS question (NaN is never
    /// "skipped": it is a bad value).
    pub nps_present: *const bool,
    /// CSAT answers (1–`csat_points`).
    pub csat: *const f64,
    pub csat_present: *const bool,
    /// CES answers (1–7).
    pub ces: *const f64,
    pub ces_present: *const bool,
    /// Survey weights (finite, ≥ 0).
    pub weights: *const f64,
    /// Timestamps as UTC epoch seconds. At most one of `timestamps` and
    /// `timestamp_text` is set.
    pub timestamps: *const i64,
    /// Timestamps as text: ISO-8601 with offset (`2025-03-04T18:30:00+01:00`) or epoch
    /// seconds.
    pub timestamp_text: *const *const c_char,
    /// `n_attributes` categorical columns.
    pub attributes: *const cxm_attribute_column,
    pub n_attributes: usize,
    /// Comments (`""` = no comment).
    pub comments: *const *const c_char,
    /// Respondent ids.
    pub respondent_ids: *const *const c_char,
    /// CSAT scale points, 2–11. 0 = 5.
    pub csat_points: u32,
    /// Must be 0.
    pub _reserved: u32,
}

/// How input rows were accounted for: `rows_in == rows_accepted + rows_skipped`, and
/// `rows_skipped` is the sum of the per-reason counts (a row with several problems counts
/// once, under its first).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct cxm_load_report {
    /// `sizeof(cxm_load_report)`, set by the caller; on return, the bytes written.
    pub size: usize,
    pub rows_in: u64,
    pub rows_accepted: u64,
    pub rows_skipped: u64,
    /// A score or weight is NaN or infinite.
    pub skipped_non_finite: u64,
    /// A score is outside its scale or not an integer.
    pub skipped_invalid_score: u64,
    /// A numeric cell is not a number.
    pub skipped_invalid_number: u64,
    /// A weight is negative.
    pub skipped_invalid_weight: u64,
    /// A timestamp could not be parsed.
    pub skipped_invalid_timestamp: u64,
    /// Text is not valid UTF-8.
    pub skipped_invalid_utf8: u64,
    /// A CSV record has the wrong number of fields, or a string in a C array is NULL.
    pub skipped_malformed_record: u64,
}

unsafe impl Versioned for cxm_csv_mapping {
    const NAME: &'static str = "cxm_csv_mapping";
}
unsafe impl Versioned for cxm_table_input {
    const NAME: &'static str = "cxm_table_input";
}
unsafe impl Versioned for cxm_load_report {
    const NAME: &'static str = "cxm_load_report";
}

/// Reads a CSV file (with a header row) into a new table in `*out`.
///
/// Empty score cells mean "question skipped". A bad row — a cell that is not a number, an
/// out-of-range score, a bad weight or timestamp, invalid UTF-8, a record with the wrong
/// number of fields — is an error under `CXM_POLICY_REJECT` and a counted skip under
/// `CXM_POLICY_SKIP`. A missing file is `CXM_IO`; a mapped column absent from the header
/// is `CXM_MISSING_COLUMN`; a header without rows is `CXM_EMPTY_INPUT`.
///
/// # Safety
///
/// `path` must be a NUL-terminated string, `mapping` a valid `cxm_csv_mapping` (its
/// strings NUL-terminated), `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn cxm_table_read_csv(
    path: *const c_char,
    mapping: *const cxm_csv_mapping,
    policy: cxm_policy,
    out: *mut *mut cxm_table,
) -> cxm_status {
    run("cxm_table_read_csv", || {
        args::handle_out(out, "out")?;
        let path = file_path(path)?;
        let mapping = csv_mapping(mapping)?;
        let table = read_csv(path, &mapping, policy_of(policy)?)?;
        args::give(out, cxm_table(table));
        Ok(())
    })
}

/// Reads CSV text from a buffer of `len` bytes (with a header row) into a new table in
/// `*out`. Behaves as `cxm_table_read_csv`.
///
/// # Safety
///
/// `data` must point to `len` readable bytes; `mapping` and `out` as for
/// `cxm_table_read_csv`.
#[no_mangle]
pub unsafe extern "C" fn cxm_table_read_csv_buffer(
    data: *const u8,
    len: usize,
    mapping: *const cxm_csv_mapping,
    policy: cxm_policy,
    out: *mut *mut cxm_table,
) -> cxm_status {
    run("cxm_table_read_csv_buffer", || {
        args::handle_out(out, "out")?;
        let data = args::slice(data, len, "data")?;
        let mapping = csv_mapping(mapping)?;
        let table = read_csv_from(data, &mapping, policy_of(policy)?)?;
        args::give(out, cxm_table(table));
        Ok(())
    })
}

/// Builds a new table in `*out` from C arrays (see `cxm_table_input`).
///
/// # Safety
///
/// `input` must be a valid `cxm_table_input` whose non-NULL arrays each hold `n_rows`
/// elements (and `attributes` `n_attributes`), with NUL-terminated strings; `out` a valid
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn cxm_table_new(
    input: *const cxm_table_input,
    policy: cxm_policy,
    out: *mut *mut cxm_table,
) -> cxm_status {
    run("cxm_table_new", || {
        args::handle_out(out, "out")?;
        let Some(input) = args::read_versioned(input, "input")? else {
            return Err(Failure::null("input"));
        };
        let table = build_table(&input, policy_of(policy)?)?;
        args::give(out, cxm_table(table));
        Ok(())
    })
}

/// Number of accepted rows (0 for NULL).
///
/// # Safety
///
/// `table` must be NULL or a live table handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_table_len(table: *const cxm_table) -> usize {
    guard(0, || table.as_ref().map_or(0, |t| t.0.len()))
}

/// How the input rows of the table were accounted for.
///
/// # Safety
///
/// `table` must be a live table handle; `out` a `cxm_load_report` whose `size` is set.
#[no_mangle]
pub unsafe extern "C" fn cxm_table_load_report(
    table: *const cxm_table,
    out: *mut cxm_load_report,
) -> cxm_status {
    run("cxm_table_load_report", || {
        let t = args::handle(table, "table")?;
        args::write_versioned(out, load_report(t.0.load_report()), "out")
    })
}

/// NPS over the whole table (rows without an NPS answer are left out). A table without an
/// NPS column is `CXM_MISSING_COLUMN`.
///
/// # Safety
///
/// `table` must be a live table handle; `opts` NULL or valid; `out` a `cxm_nps_result`
/// whose `size` is set.
#[no_mangle]
pub unsafe extern "C" fn cxm_table_nps(
    table: *const cxm_table,
    opts: *const cxm_metric_options,
    out: *mut cxm_nps_result,
) -> cxm_status {
    run("cxm_table_nps", || {
        let t = &args::handle(table, "table")?.0;
        let opts = metric_options(opts)?;
        let s = NpsSummary::from_distribution(Nps, t.distribution(MetricKind::Nps)?)?;
        args::write_versioned(out, nps_result(s.finish(&opts)?), "out")
    })
}

/// CSAT over the whole table, on the table's CSAT scale.
///
/// # Safety
///
/// As `cxm_table_nps`, with `out` a `cxm_csat_result`.
#[no_mangle]
pub unsafe extern "C" fn cxm_table_csat(
    table: *const cxm_table,
    opts: *const cxm_metric_options,
    out: *mut cxm_csat_result,
) -> cxm_status {
    run("cxm_table_csat", || {
        let t = &args::handle(table, "table")?.0;
        let opts = metric_options(opts)?;
        let d = t.distribution(MetricKind::Csat)?;
        let points = match d.scale() {
            Scale::Csat { points } => points,
            _ => Csat::default().points,
        };
        let s = CsatSummary::from_distribution(Csat { points }, d)?;
        args::write_versioned(out, csat_result(s.finish(&opts)?), "out")
    })
}

/// CES over the whole table.
///
/// # Safety
///
/// As `cxm_table_nps`, with `out` a `cxm_ces_result`.
#[no_mangle]
pub unsafe extern "C" fn cxm_table_ces(
    table: *const cxm_table,
    opts: *const cxm_metric_options,
    out: *mut cxm_ces_result,
) -> cxm_status {
    run("cxm_table_ces", || {
        let t = &args::handle(table, "table")?.0;
        let opts = metric_options(opts)?;
        let s = CesSummary::from_distribution(Ces, t.distribution(MetricKind::Ces)?)?;
        args::write_versioned(out, ces_result(s.finish(&opts)?), "out")
    })
}

/// Frees a table; NULL is a no-op.
///
/// # Safety
///
/// `table` must be NULL or a live handle from this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cxm_table_free(table: *mut cxm_table) {
    guard((), || args::free(table))
}

impl cxm_table {
    pub(crate) fn inner(&self) -> &ResponseTable {
        &self.0
    }
}

/// `CXM_POLICY_*` → [`Policy`].
pub(crate) fn policy_of(policy: cxm_policy) -> FfiResult<Policy> {
    match policy {
        CXM_POLICY_REJECT => Ok(Policy::Reject),
        CXM_POLICY_SKIP => Ok(Policy::Skip),
        other => Err(Failure::argument(
            "policy",
            format!("{other} is not CXM_POLICY_REJECT (0) or CXM_POLICY_SKIP (1)"),
        )),
    }
}

pub(crate) fn load_report(r: &LoadReport) -> cxm_load_report {
    let mut out = cxm_load_report {
        size: size_of::<cxm_load_report>(),
        rows_in: r.rows_in as u64,
        rows_accepted: r.rows_accepted as u64,
        rows_skipped: r.rows_skipped() as u64,
        skipped_non_finite: 0,
        skipped_invalid_score: 0,
        skipped_invalid_number: 0,
        skipped_invalid_weight: 0,
        skipped_invalid_timestamp: 0,
        skipped_invalid_utf8: 0,
        skipped_malformed_record: 0,
    };
    for (reason, &count) in &r.skipped {
        let slot = match reason {
            SkipReason::NonFinite => &mut out.skipped_non_finite,
            SkipReason::InvalidScore => &mut out.skipped_invalid_score,
            SkipReason::InvalidNumber => &mut out.skipped_invalid_number,
            SkipReason::InvalidWeight => &mut out.skipped_invalid_weight,
            SkipReason::InvalidTimestamp => &mut out.skipped_invalid_timestamp,
            SkipReason::InvalidUtf8 => &mut out.skipped_invalid_utf8,
            SkipReason::MalformedRecord => &mut out.skipped_malformed_record,
        };
        *slot += count as u64;
    }
    out
}

#[cfg(unix)]
unsafe fn file_path<'a>(path: *const c_char) -> FfiResult<&'a std::path::Path> {
    use std::os::unix::ffi::OsStrExt;
    if path.is_null() {
        return Err(Failure::null("path"));
    }
    // Unix paths are bytes; they need not be UTF-8.
    let bytes = std::ffi::CStr::from_ptr(path).to_bytes();
    Ok(std::path::Path::new(std::ffi::OsStr::from_bytes(bytes)))
}

#[cfg(not(unix))]
unsafe fn file_path<'a>(path: *const c_char) -> FfiResult<&'a std::path::Path> {
    Ok(std::path::Path::new(args::string(path, "path")?))
}

unsafe fn csv_mapping(mapping: *const cxm_csv_mapping) -> FfiResult<CsvMapping> {
    let Some(m) = args::read_versioned(mapping, "mapping")? else {
        return Err(Failure::null("mapping"));
    };
    let name = |p: *const c_char, what: &str| -> FfiResult<Option<String>> {
        Ok(args::opt_string(p, what)?.map(str::to_string))
    };
    let defaults = CsvMapping::default();
    let delimiter = match m.delimiter {
        0 => defaults.delimiter,
        d => u8::try_from(d).ok().filter(u8::is_ascii).ok_or_else(|| {
            Failure::argument(
                "mapping->delimiter",
                format!("{d} is not an ASCII character"),
            )
        })?,
    };
    let csat_points = match m.csat_points {
        0 => defaults.csat_points,
        p => u8::try_from(p).map_err(|_| {
            Failure::argument("mapping->csat_points", format!("{p} must be 2 to 11"))
        })?,
    };
    Ok(CsvMapping {
        nps: name(m.nps, "mapping->nps")?,
        csat: name(m.csat, "mapping->csat")?,
        csat_points,
        ces: name(m.ces, "mapping->ces")?,
        weight: name(m.weight, "mapping->weight")?,
        timestamp: name(m.timestamp, "mapping->timestamp")?,
        attributes: args::strings(m.attributes, m.n_attributes, "mapping->attributes")?
            .into_iter()
            .map(str::to_string)
            .collect(),
        comment: name(m.comment, "mapping->comment")?,
        respondent_id: name(m.respondent_id, "mapping->respondent_id")?,
        delimiter,
    })
}

/// An attribute column converted from C: names and labels borrowed, codes widened.
enum AttrData<'a> {
    Text(Vec<&'a str>),
    Codes {
        codes: Vec<i64>,
        levels: Vec<&'a str>,
    },
}

unsafe fn build_table(input: &cxm_table_input, policy: Policy) -> FfiResult<ResponseTable> {
    args::reserved_zero(input._reserved, "input->_reserved")?;
    let n = input.n_rows;
    let mut problems = RowProblems::default();

    let nps = args::opt_slice(input.nps, n, "input->nps")?;
    let nps_present = args::opt_mask(input.nps_present, n, "input->nps_present")?;
    let csat = args::opt_slice(input.csat, n, "input->csat")?;
    let csat_present = args::opt_mask(input.csat_present, n, "input->csat_present")?;
    let ces = args::opt_slice(input.ces, n, "input->ces")?;
    let ces_present = args::opt_mask(input.ces_present, n, "input->ces_present")?;
    let weights = args::opt_slice(input.weights, n, "input->weights")?;
    if !input.timestamps.is_null() && !input.timestamp_text.is_null() {
        return Err(Failure::argument(
            "input->timestamps",
            "set at most one of `timestamps` and `timestamp_text`",
        ));
    }
    let epoch = args::opt_slice(input.timestamps, n, "input->timestamps")?;
    let ts_text = if input.timestamp_text.is_null() {
        None
    } else {
        Some(problems.text(input.timestamp_text, n, "timestamp")?)
    };
    let comments = if input.comments.is_null() {
        None
    } else {
        Some(problems.text(input.comments, n, "comment")?)
    };
    let ids = if input.respondent_ids.is_null() {
        None
    } else {
        Some(problems.text(input.respondent_ids, n, "respondent_id")?)
    };

    let columns = args::slice(input.attributes, input.n_attributes, "input->attributes")?;
    let mut attrs: Vec<(&str, AttrData<'_>)> = Vec::with_capacity(columns.len());
    for (j, col) in columns.iter().enumerate() {
        let what = format!("input->attributes[{j}]");
        let name = args::string(col.name, &format!("{what}.name"))?;
        let data = match (col.values.is_null(), col.codes.is_null()) {
            (false, true) => AttrData::Text(problems.text(col.values, n, name)?),
            (true, false) => AttrData::Codes {
                codes: args::slice(col.codes, n, &format!("{what}.codes"))?
                    .iter()
                    .map(|&c| i64::from(c))
                    .collect(),
                levels: args::strings(col.levels, col.n_levels, &format!("{what}.levels"))?,
            },
            (true, true) => {
                return Err(Failure::Null(format!(
                    "argument `{what}`: `values` and `codes` are both NULL"
                )))
            }
            (false, false) => {
                return Err(Failure::argument(
                    &what,
                    "set exactly one of `values` and `codes`",
                ))
            }
        };
        attrs.push((name, data));
    }

    let mut b = TableBuilder::new();
    if input.csat_points != 0 {
        let points = u8::try_from(input.csat_points).map_err(|_| {
            Failure::argument(
                "input->csat_points",
                format!("{} must be 2 to 11", input.csat_points),
            )
        })?;
        b = b.csat_points(points);
    }
    if let Some((values, present)) = score(nps, &nps_present) {
        b = b.nps(ScoreColumn { values, present });
    }
    if let Some((values, present)) = score(csat, &csat_present) {
        b = b.csat(ScoreColumn { values, present });
    }
    if let Some((values, present)) = score(ces, &ces_present) {
        b = b.ces(ScoreColumn { values, present });
    }
    if let Some(w) = weights {
        b = b.weight(w);
    }
    if let Some(t) = epoch {
        b = b.timestamp(TimestampColumn::Epoch(t));
    }
    if let Some(t) = &ts_text {
        b = b.timestamp(TimestampColumn::Text(t));
    }
    if let Some(c) = &comments {
        b = b.comment(c);
    }
    if let Some(c) = &ids {
        b = b.respondent_id(c);
    }
    for (name, data) in &attrs {
        let col = match data {
            AttrData::Text(v) => AttributeColumn::Text(v),
            AttrData::Codes { codes, levels } => AttributeColumn::Codes { codes, levels },
        };
        b = b.attribute(*name, col);
    }
    for (row, err) in &problems.rows {
        b = b.invalid_row(*row, err.clone());
    }
    b.build(policy).map_err(|e| problems.failure(e))
}

/// Pairs an optional score array with its optional mask.
fn score<'a>(
    values: Option<&'a [f64]>,
    present: &'a Option<Vec<bool>>,
) -> Option<(&'a [f64], Option<&'a [bool]>)> {
    values.map(|values| (values, present.as_deref()))
}
