//! Response tables: loading from CSV or from pandas columns, and reading them back.

use cxm_core::csv_input::{read_csv as core_read_csv, CsvMapping};
use cxm_core::metrics::MetricKind;
use cxm_core::table::{
    AttributeColumn, LoadReport, Policy, ResponseTable, ScoreColumn, TableBuilder, TimestampColumn,
    MISSING,
};
use cxm_core::CxmError;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::arrays::{borrow, borrow_opt, restore_timestamp_text, slice};
use crate::errors::{invalid_argument, run, IntoPyResult};

/// A validated columnar table of survey responses (native half of `cxm.ResponseTable`).
#[pyclass(module = "cxm._cxm", name = "Table", frozen)]
pub struct PyTable {
    pub inner: ResponseTable,
}

/// `{"rows_in": .., "rows_accepted": .., "skipped": {reason: count}}`.
pub fn load_report_dict<'py>(py: Python<'py>, r: &LoadReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("rows_in", r.rows_in)?;
    d.set_item("rows_accepted", r.rows_accepted)?;
    let skipped = PyDict::new(py);
    for (reason, count) in &r.skipped {
        skipped.set_item(reason.name(), count)?;
    }
    d.set_item("skipped", skipped)?;
    Ok(d)
}

#[pymethods]
impl PyTable {
    fn __len__(&self) -> usize {
        self.inner.len()
    }

    /// How input rows were accounted for.
    fn load_report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        load_report_dict(py, self.inner.load_report())
    }

    /// Names of the columns present (roles and attribute names).
    fn columns(&self) -> Vec<String> {
        self.inner.column_names()
    }

    /// CSAT scale points.
    #[getter]
    fn csat_points(&self) -> u8 {
        match self.inner.scale(MetricKind::Csat) {
            cxm_core::metrics::Scale::Csat { points } => points,
            _ => 5,
        }
    }

    /// Columns as numpy arrays / lists for building a DataFrame: scores as float64
    /// answers with NaN where the question was skipped, timestamps as int64 epoch
    /// seconds, attributes as `(codes int64, levels)`.
    fn to_columns<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let t = &self.inner;
        let d = PyDict::new(py);
        for kind in [MetricKind::Nps, MetricKind::Csat, MetricKind::Ces] {
            if let Some(levels) = t.levels(kind) {
                let min = f64::from(t.scale(kind).min());
                let v: Vec<f64> = levels
                    .iter()
                    .map(|&l| {
                        if l == MISSING {
                            f64::NAN
                        } else {
                            f64::from(l) + min
                        }
                    })
                    .collect();
                d.set_item(kind.name(), PyArray1::from_vec(py, v))?;
            }
        }
        if let Some(w) = t.weights() {
            d.set_item("weight", PyArray1::from_slice(py, w))?;
        }
        if let Some(ts) = t.timestamps() {
            d.set_item("timestamp", PyArray1::from_slice(py, ts))?;
        }
        let attrs = PyDict::new(py);
        for a in t.attributes() {
            let codes: Vec<i64> = a.codes.iter().map(|&c| i64::from(c)).collect();
            attrs.set_item(&a.name, (PyArray1::from_vec(py, codes), a.levels.clone()))?;
        }
        d.set_item("attributes", attrs)?;
        if let Some(c) = t.comments() {
            d.set_item("comment", c.to_vec())?;
        }
        if let Some(c) = t.respondent_ids() {
            d.set_item("respondent_id", c.to_vec())?;
        }
        Ok(d)
    }

    /// JSON form of the table (used for pickling).
    fn to_json(&self) -> String {
        serde_json::to_string(&self.inner).unwrap_or_default()
    }

    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        serde_json::from_str(json)
            .map(|inner| PyTable { inner })
            .map_err(|e| CxmError::Serialization {
                message: e.to_string(),
            })
            .py()
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }
}

/// Reads a CSV file (header row required) into a table.
#[pyfunction]
#[pyo3(signature = (
    path, *, nps = None, csat = None, csat_points = 5, ces = None, weight = None,
    timestamp = None, attributes = Vec::new(), comment = None, respondent_id = None,
    policy = "reject", delimiter = ","
))]
#[allow(clippy::too_many_arguments)]
pub fn read_csv(
    py: Python<'_>,
    path: std::path::PathBuf,
    nps: Option<String>,
    csat: Option<String>,
    csat_points: u8,
    ces: Option<String>,
    weight: Option<String>,
    timestamp: Option<String>,
    attributes: Vec<String>,
    comment: Option<String>,
    respondent_id: Option<String>,
    policy: &str,
    delimiter: &str,
) -> PyResult<PyTable> {
    let policy = Policy::parse(policy).py()?;
    let delimiter = match delimiter.as_bytes() {
        [b] => *b,
        _ => {
            return Err(invalid_argument(
                "delimiter",
                format!("`{delimiter}` must be a single ASCII character"),
            ))
            .py()
        }
    };
    let mapping = CsvMapping {
        nps,
        csat,
        csat_points,
        ces,
        weight,
        timestamp,
        attributes,
        comment,
        respondent_id,
        delimiter,
    };
    let inner = run(py, || core_read_csv(&path, &mapping, policy))?;
    Ok(PyTable { inner })
}

/// One score column: `(values float64, present bool | None)`.
type ScoreArg<'py> = (
    PyReadonlyArray1<'py, f64>,
    Option<PyReadonlyArray1<'py, bool>>,
);

fn score_arg<'py>(obj: Option<&Bound<'py, PyAny>>, name: &str) -> PyResult<Option<ScoreArg<'py>>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(None);
    };
    let t = obj
        .cast::<PyTuple>()
        .map_err(|_| invalid_argument(name, "expected (values, present)"))
        .py()?;
    let values = borrow::<f64>(&t.get_item(0)?, name)?;
    let present = borrow_opt::<bool>(Some(&t.get_item(1)?), name)?;
    Ok(Some((values, present)))
}

fn score_col<'a>(arg: &'a Option<ScoreArg<'_>>, name: &str) -> PyResult<Option<ScoreColumn<'a>>> {
    arg.as_ref()
        .map(|(v, p)| {
            Ok(ScoreColumn {
                values: slice(v, name)?,
                present: p.as_ref().map(|p| slice(p, name)).transpose()?,
            })
        })
        .transpose()
}

/// Builds a table from columns prepared by `cxm.ResponseTable.from_pandas`.
///
/// Scores are `(float64 values, bool present | None)`; `timestamp_epoch` holds int64
/// epoch seconds with `i64::MIN` for NaT; `timestamp_text` is parsed by the core;
/// attributes are `(name, int64 codes, levels)` with negative codes for missing
/// values; `names` maps roles (`nps`, `weight`, …) to the caller's column names.
#[pyfunction]
#[pyo3(signature = (
    *, nps = None, csat = None, csat_points = 5, ces = None, weight = None,
    timestamp_epoch = None, timestamp_text = None, attributes = Vec::new(),
    comment = None, respondent_id = None, names = None, policy = "reject"
))]
#[allow(clippy::too_many_arguments)]
pub fn table_from_columns(
    py: Python<'_>,
    nps: Option<&Bound<'_, PyAny>>,
    csat: Option<&Bound<'_, PyAny>>,
    csat_points: u8,
    ces: Option<&Bound<'_, PyAny>>,
    weight: Option<&Bound<'_, PyAny>>,
    timestamp_epoch: Option<&Bound<'_, PyAny>>,
    timestamp_text: Option<Vec<String>>,
    attributes: Vec<(String, Bound<'_, PyAny>, Vec<String>)>,
    comment: Option<Vec<String>>,
    respondent_id: Option<Vec<String>>,
    names: Option<std::collections::HashMap<String, String>>,
    policy: &str,
) -> PyResult<PyTable> {
    let policy = Policy::parse(policy).py()?;
    let nps = score_arg(nps, "nps")?;
    let csat = score_arg(csat, "csat")?;
    let ces = score_arg(ces, "ces")?;
    let weight = borrow_opt::<f64>(weight, "weight")?;
    let epoch = borrow_opt::<i64>(timestamp_epoch, "timestamp")?;
    let codes = attributes
        .iter()
        .map(|(name, codes, _)| borrow::<i64>(codes, name))
        .collect::<PyResult<Vec<_>>>()?;
    let level_refs: Vec<Vec<&str>> = attributes
        .iter()
        .map(|(_, _, levels)| levels.iter().map(String::as_str).collect())
        .collect();
    let text_refs: Option<Vec<&str>> = timestamp_text
        .as_ref()
        .map(|t| t.iter().map(String::as_str).collect());
    let comment_refs: Option<Vec<&str>> = comment
        .as_ref()
        .map(|t| t.iter().map(String::as_str).collect());
    let id_refs: Option<Vec<&str>> = respondent_id
        .as_ref()
        .map(|t| t.iter().map(String::as_str).collect());

    let mut b = TableBuilder::new().csat_points(csat_points);
    if let Some(c) = score_col(&nps, "nps")? {
        b = b.nps(c);
    }
    if let Some(c) = score_col(&csat, "csat")? {
        b = b.csat(c);
    }
    if let Some(c) = score_col(&ces, "ces")? {
        b = b.ces(c);
    }
    if let Some(w) = &weight {
        b = b.weight(slice(w, "weight")?);
    }
    if let Some(e) = &epoch {
        let ts = slice(e, "timestamp")?;
        // The core counts `i64::MIN` (NaT) and out-of-range values as bad timestamps.
        b = b.timestamp(TimestampColumn::Epoch(ts));
    } else if let Some(t) = &text_refs {
        b = b.timestamp(TimestampColumn::Text(t));
    }
    for (((name, _, _), codes), levels) in attributes.iter().zip(&codes).zip(&level_refs) {
        b = b.attribute(
            name.clone(),
            AttributeColumn::Codes {
                codes: slice(codes, name)?,
                levels,
            },
        );
    }
    if let Some(c) = &comment_refs {
        b = b.comment(c);
    }
    if let Some(c) = &id_refs {
        b = b.respondent_id(c);
    }
    for (role, name) in names.unwrap_or_default() {
        let role: &'static str = match role.as_str() {
            "nps" => "nps",
            "csat" => "csat",
            "ces" => "ces",
            "weight" => "weight",
            "timestamp" => "timestamp",
            "comment" => "comment",
            "respondent_id" => "respondent_id",
            _ => continue,
        };
        b = b.column_name(role, name);
    }
    // The core calls a NaT "missing"; the error names it as pandas does.
    let inner = run(py, || {
        b.build(policy).map_err(|e| restore_timestamp_text(e, None))
    })?;
    Ok(PyTable { inner })
}
