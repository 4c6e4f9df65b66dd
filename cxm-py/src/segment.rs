//! Segment and hotspot summaries over borrowed numpy columns or a response table.

use cxm_core::metrics::{headline, MetricKind, MetricOptions, NpsInterval, Scale};
use cxm_core::segment::{
    Columns, DimColumn, Dimension, HotspotOptions, HotspotSummary, SegmentOptions, SegmentSpec,
    SegmentSummary, SegmentTable,
};
use cxm_core::table::Policy;
use cxm_core::time::TimeBucket;
use cxm_core::CxmError;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::arrays::{
    borrow, borrow_opt, parse_timestamps, restore_timestamp_text, slice, AnswerArray, CodeArray,
};
use crate::errors::{guard, invalid_argument, run, IntoPyResult};
use crate::metrics::{kind_of, scale_of};
use crate::table::{load_report_dict, PyTable};

/// A grouping dimension as passed from Python: `("attribute", name, codes, levels)` or
/// `("time", bucket)`.
enum DimArg<'py> {
    Attribute {
        name: String,
        codes: CodeArray<'py>,
        levels: Vec<String>,
    },
    Time(TimeBucket),
}

fn dim_arg<'py>(obj: &Bound<'py, PyAny>) -> PyResult<DimArg<'py>> {
    let bad = || {
        invalid_argument(
            "dims",
            "expected (\"attribute\", name, codes, levels) or (\"time\", bucket)",
        )
    };
    let t = obj.cast::<PyTuple>().map_err(|_| bad()).py()?;
    let kind: String = t.get_item(0)?.extract()?;
    match (kind.as_str(), t.len()) {
        ("attribute", 4) => {
            let name: String = t.get_item(1)?.extract()?;
            let codes = CodeArray::borrow(&t.get_item(2)?, &name)?;
            let levels: Vec<String> = t.get_item(3)?.extract()?;
            Ok(DimArg::Attribute {
                name,
                codes,
                levels,
            })
        }
        ("time", 2) => {
            let bucket: String = t.get_item(1)?.extract()?;
            Ok(DimArg::Time(TimeBucket::parse(&bucket).py()?))
        }
        _ => Err(bad()).py(),
    }
}

/// Timestamps for time dimensions.
enum Stamps<'py> {
    Epoch(PyReadonlyArray1<'py, i64>),
    Text { parsed: Vec<i64>, text: Vec<String> },
}

/// Every borrowed column of one `from_columns` call.
struct ColumnArgs<'py> {
    metric: MetricKind,
    scale: Scale,
    answers: AnswerArray<'py>,
    present: Option<PyReadonlyArray1<'py, bool>>,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    dims: Vec<DimArg<'py>>,
    stamps: Option<Stamps<'py>>,
    utc_offset: i32,
    answer_column: String,
}

impl<'py> ColumnArgs<'py> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'py>,
        metric: &str,
        points: u8,
        answers: &Bound<'py, PyAny>,
        present: Option<&Bound<'py, PyAny>>,
        weights: Option<&Bound<'py, PyAny>>,
        dims: Vec<Bound<'py, PyAny>>,
        timestamps: Option<&Bound<'py, PyAny>>,
        utc_offset: i32,
        answer_column: Option<String>,
    ) -> PyResult<Self> {
        let metric = MetricKind::parse(metric).py()?;
        let dims = dims.iter().map(dim_arg).collect::<PyResult<Vec<_>>>()?;
        let stamps = match timestamps.filter(|t| !t.is_none()) {
            None => None,
            Some(t) => {
                if t.cast::<PyList>().is_ok() {
                    let text: Vec<String> = t.extract()?;
                    let parsed = py.detach(|| parse_timestamps(&text));
                    Some(Stamps::Text { parsed, text })
                } else {
                    Some(Stamps::Epoch(borrow::<i64>(t, "timestamps")?))
                }
            }
        };
        Ok(ColumnArgs {
            metric,
            scale: scale_of(metric, points).py()?,
            answers: AnswerArray::borrow(answers, "answers")?,
            present: borrow_opt::<bool>(present, "present")?,
            weights: borrow_opt::<f64>(weights, "weights")?,
            dims,
            stamps,
            utc_offset,
            answer_column: answer_column.unwrap_or_else(|| metric.name().to_string()),
        })
    }

    fn columns(&self) -> PyResult<Columns<'_>> {
        let timestamps: Option<&[i64]> = match &self.stamps {
            None => None,
            Some(Stamps::Epoch(a)) => Some(slice(a, "timestamps")?),
            Some(Stamps::Text { parsed, .. }) => Some(parsed),
        };
        let mut dims = Vec::with_capacity(self.dims.len());
        for d in &self.dims {
            dims.push(match d {
                DimArg::Attribute {
                    name,
                    codes,
                    levels,
                } => DimColumn::Codes {
                    name: name.clone(),
                    codes: codes.codes(name)?,
                    levels: levels.clone(),
                },
                DimArg::Time(bucket) => DimColumn::Time {
                    timestamps: timestamps
                        .ok_or_else(|| CxmError::MissingColumn {
                            column: "timestamp".into(),
                            available: "(no timestamps given)".into(),
                        })
                        .py()?,
                    bucket: *bucket,
                },
            });
        }
        Ok(Columns {
            metric: self.metric,
            scale: self.scale,
            answers: self.answers.answers()?,
            present: self
                .present
                .as_ref()
                .map(|p| slice(p, "present"))
                .transpose()?,
            weights: self
                .weights
                .as_ref()
                .map(|w| slice(w, "weights"))
                .transpose()?,
            dims,
            utc_offset_minutes: self.utc_offset,
            answer_column: self.answer_column.clone(),
        })
    }

    /// The caller's timestamp text, to put back into core timestamp errors.
    fn stamp_text(&self) -> Option<&[String]> {
        match &self.stamps {
            Some(Stamps::Text { text, .. }) => Some(text.as_slice()),
            _ => None,
        }
    }
}

fn spec_for(
    metric: &str,
    by: Vec<String>,
    buckets: Vec<String>,
    utc_offset: i32,
) -> Result<SegmentSpec, CxmError> {
    let mut dims: Vec<Dimension> = by.into_iter().map(Dimension::Attribute).collect();
    for b in buckets {
        dims.push(Dimension::Time(TimeBucket::parse(&b)?));
    }
    Ok(SegmentSpec {
        metric: MetricKind::parse(metric)?,
        dims,
        utc_offset_minutes: utc_offset,
    })
}

fn segment_options(
    min_n: u64,
    confidence: f64,
    alpha: f64,
    interval: &str,
) -> Result<SegmentOptions, CxmError> {
    Ok(SegmentOptions {
        min_n,
        confidence,
        alpha,
        nps_interval: NpsInterval::parse(interval)?,
    })
}

/// Mergeable per-group distributions (native half of `cxm.SegmentSummary`).
#[pyclass(module = "cxm._cxm", name = "SegmentSummary", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PySegmentSummary {
    inner: SegmentSummary,
}

#[pymethods]
impl PySegmentSummary {
    /// Summarises borrowed columns (zero-copy) under `policy`.
    #[staticmethod]
    #[pyo3(signature = (
        metric, answers, *, points = 5, present = None, weights = None, dims = Vec::new(),
        timestamps = None, utc_offset = 0, answer_column = None, policy = "reject"
    ))]
    #[allow(clippy::too_many_arguments)]
    fn from_columns<'py>(
        py: Python<'py>,
        metric: &str,
        answers: &Bound<'py, PyAny>,
        points: u8,
        present: Option<&Bound<'py, PyAny>>,
        weights: Option<&Bound<'py, PyAny>>,
        dims: Vec<Bound<'py, PyAny>>,
        timestamps: Option<&Bound<'py, PyAny>>,
        utc_offset: i32,
        answer_column: Option<String>,
        policy: &str,
    ) -> PyResult<Self> {
        let policy = Policy::parse(policy).py()?;
        let args = ColumnArgs::new(
            py,
            metric,
            points,
            answers,
            present,
            weights,
            dims,
            timestamps,
            utc_offset,
            answer_column,
        )?;
        let cols = args.columns()?;
        let text = args.stamp_text();
        let inner = run(py, || {
            SegmentSummary::from_columns(&cols, policy).map_err(|e| restore_timestamp_text(e, text))
        })?;
        Ok(PySegmentSummary { inner })
    }

    /// Summaries of several answer columns grouped by the same dimensions, in one pass
    /// over the rows (`SegmentSummary::from_columns_many`). `metrics` holds
    /// `(metric, answers, present, answer_column)` tuples.
    #[staticmethod]
    #[pyo3(signature = (
        metrics, *, points = 5, weights = None, dims = Vec::new(),
        timestamps = None, utc_offset = 0, policy = "reject"
    ))]
    #[allow(clippy::too_many_arguments)]
    fn from_columns_many<'py>(
        py: Python<'py>,
        metrics: Vec<Bound<'py, PyTuple>>,
        points: u8,
        weights: Option<&Bound<'py, PyAny>>,
        dims: Vec<Bound<'py, PyAny>>,
        timestamps: Option<&Bound<'py, PyAny>>,
        utc_offset: i32,
        policy: &str,
    ) -> PyResult<Vec<Self>> {
        let policy = Policy::parse(policy).py()?;
        let mut args = Vec::with_capacity(metrics.len());
        for m in &metrics {
            if m.len() != 4 {
                return Err(invalid_argument(
                    "metrics",
                    "expected (metric, answers, present, answer_column) tuples",
                ))
                .py();
            }
            let metric: String = m.get_item(0)?.extract()?;
            let present = m.get_item(2)?;
            let answer_column: Option<String> = m.get_item(3)?.extract()?;
            args.push(ColumnArgs::new(
                py,
                &metric,
                points,
                &m.get_item(1)?,
                Some(&present),
                weights,
                dims.clone(),
                timestamps,
                utc_offset,
                answer_column,
            )?);
        }
        let cols = args
            .iter()
            .map(ColumnArgs::columns)
            .collect::<PyResult<Vec<_>>>()?;
        let text = args.first().and_then(ColumnArgs::stamp_text);
        let inner = run(py, || {
            SegmentSummary::from_columns_many(&cols, policy)
                .map_err(|e| restore_timestamp_text(e, text))
        })?;
        Ok(inner
            .into_iter()
            .map(|inner| PySegmentSummary { inner })
            .collect())
    }

    /// Summarises a validated table.
    #[staticmethod]
    #[pyo3(signature = (table, metric, by = Vec::new(), buckets = Vec::new(), utc_offset = 0))]
    fn from_table(
        py: Python<'_>,
        table: &PyTable,
        metric: &str,
        by: Vec<String>,
        buckets: Vec<String>,
        utc_offset: i32,
    ) -> PyResult<Self> {
        let spec = spec_for(metric, by, buckets, utc_offset).py()?;
        let inner = run(py, || SegmentSummary::from_table(&table.inner, &spec))?;
        Ok(PySegmentSummary { inner })
    }

    /// Dimension names (the key columns).
    #[getter]
    fn dims(&self) -> Vec<String> {
        self.inner
            .dims()
            .iter()
            .map(|d| d.name().to_string())
            .collect()
    }

    /// Number of groups seen.
    #[getter]
    fn group_count(&self) -> usize {
        self.inner.group_count()
    }

    /// A new summary holding both (neither operand changes).
    fn merge(&self, py: Python<'_>, other: &PySegmentSummary) -> PyResult<PySegmentSummary> {
        let mut out = self.inner.clone();
        run(py, || out.merge(&other.inner))?;
        Ok(PySegmentSummary { inner: out })
    }

    /// The segment table as columns (see `cxm.segment`).
    #[pyo3(signature = (min_n = 30, confidence = 0.95, alpha = 0.05, interval = "wald"))]
    fn finish<'py>(
        &self,
        py: Python<'py>,
        min_n: u64,
        confidence: f64,
        alpha: f64,
        interval: &str,
    ) -> PyResult<Bound<'py, PyDict>> {
        let opts = segment_options(min_n, confidence, alpha, interval).py()?;
        let t = run(py, || self.inner.finish(&opts))?;
        segment_table_dict(py, &t)
    }

    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        Ok(PySegmentSummary {
            inner: guard(|| SegmentSummary::from_json(json))?,
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }
}

fn f64_col<'py>(py: Python<'py>, v: Vec<f64>) -> Bound<'py, PyArray1<f64>> {
    PyArray1::from_vec(py, v)
}

fn segment_table_dict<'py>(py: Python<'py>, t: &SegmentTable) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("metric", t.metric.name())?;
    d.set_item("dims", t.dims.clone())?;
    let keys: Vec<Vec<String>> = (0..t.dims.len())
        .map(|j| {
            t.rows
                .iter()
                .map(|r| r.keys.get(j).cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    d.set_item("keys", keys)?;
    let col = |f: fn(&cxm_core::segment::SegmentRow) -> f64| -> Vec<f64> {
        t.rows.iter().map(f).collect()
    };
    d.set_item(
        "n",
        PyArray1::from_vec(py, t.rows.iter().map(|r| r.n as i64).collect()),
    )?;
    d.set_item("value", f64_col(py, col(|r| r.value)))?;
    d.set_item("low", f64_col(py, col(|r| r.low)))?;
    d.set_item("high", f64_col(py, col(|r| r.high)))?;
    d.set_item("diff", f64_col(py, col(|r| r.diff)))?;
    d.set_item("p_value", f64_col(py, col(|r| r.p_value)))?;
    d.set_item("q_value", f64_col(py, col(|r| r.q_value)))?;
    d.set_item(
        "flag",
        t.rows.iter().map(|r| r.flag.name()).collect::<Vec<_>>(),
    )?;
    d.set_item("weighted_n", f64_col(py, col(|r| r.weighted_n)))?;
    d.set_item("n_eff", f64_col(py, col(|r| r.n_eff)))?;
    d.set_item("rest", f64_col(py, col(|r| r.rest)))?;
    d.set_item("cost", f64_col(py, col(|r| r.cost)))?;
    d.set_item("overall", t.overall)?;
    d.set_item("overall_low", t.overall_interval.low)?;
    d.set_item("overall_high", t.overall_interval.high)?;
    d.set_item("total_n", t.n)?;
    d.set_item("missing", t.missing)?;
    d.set_item("load_report", load_report_dict(py, &t.load)?)?;
    Ok(d)
}

/// Mergeable state of a hotspot search (native half of `cxm.HotspotSummary`).
#[pyclass(module = "cxm._cxm", name = "HotspotSummary", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyHotspotSummary {
    inner: HotspotSummary,
}

#[pymethods]
impl PyHotspotSummary {
    /// Summarises borrowed columns (zero-copy) for every combination of 1..=max_depth
    /// of `dims`.
    #[staticmethod]
    #[pyo3(signature = (
        metric, answers, *, points = 5, present = None, weights = None, dims = Vec::new(),
        timestamps = None, utc_offset = 0, answer_column = None, policy = "reject",
        max_depth = 3
    ))]
    #[allow(clippy::too_many_arguments)]
    fn from_columns<'py>(
        py: Python<'py>,
        metric: &str,
        answers: &Bound<'py, PyAny>,
        points: u8,
        present: Option<&Bound<'py, PyAny>>,
        weights: Option<&Bound<'py, PyAny>>,
        dims: Vec<Bound<'py, PyAny>>,
        timestamps: Option<&Bound<'py, PyAny>>,
        utc_offset: i32,
        answer_column: Option<String>,
        policy: &str,
        max_depth: usize,
    ) -> PyResult<Self> {
        let policy = Policy::parse(policy).py()?;
        let args = ColumnArgs::new(
            py,
            metric,
            points,
            answers,
            present,
            weights,
            dims,
            timestamps,
            utc_offset,
            answer_column,
        )?;
        let cols = args.columns()?;
        let text = args.stamp_text();
        let inner = run(py, || {
            HotspotSummary::from_columns(&cols, max_depth, policy)
                .map_err(|e| restore_timestamp_text(e, text))
        })?;
        Ok(PyHotspotSummary { inner })
    }

    /// Summarises a validated table.
    #[staticmethod]
    #[pyo3(signature = (table, metric, by = Vec::new(), buckets = Vec::new(), utc_offset = 0, max_depth = 3))]
    fn from_table(
        py: Python<'_>,
        table: &PyTable,
        metric: &str,
        by: Vec<String>,
        buckets: Vec<String>,
        utc_offset: i32,
        max_depth: usize,
    ) -> PyResult<Self> {
        let spec = spec_for(metric, by, buckets, utc_offset).py()?;
        let inner = run(py, || {
            HotspotSummary::from_table(&table.inner, &spec, max_depth)
        })?;
        Ok(PyHotspotSummary { inner })
    }

    /// A new summary holding both (neither operand changes).
    fn merge(&self, py: Python<'_>, other: &PyHotspotSummary) -> PyResult<PyHotspotSummary> {
        let mut out = self.inner.clone();
        run(py, || out.merge(&other.inner))?;
        Ok(PyHotspotSummary { inner: out })
    }

    /// The ranked hotspots as columns (see `cxm.hotspots`), with the overall headline
    /// and row accounting of the search (`metric`, `overall`, `overall_low`,
    /// `overall_high`, `total_n`, `missing`, `load_report`, as in `SegmentSummary.finish`).
    #[pyo3(signature = (
        min_n = 30, confidence = 0.95, alpha = 0.05, interval = "wald", max_depth = 3,
        top = 10, concentration = 0.5
    ))]
    #[allow(clippy::too_many_arguments)]
    fn finish<'py>(
        &self,
        py: Python<'py>,
        min_n: u64,
        confidence: f64,
        alpha: f64,
        interval: &str,
        max_depth: usize,
        top: usize,
        concentration: f64,
    ) -> PyResult<Bound<'py, PyDict>> {
        let opts = HotspotOptions {
            segment: segment_options(min_n, confidence, alpha, interval).py()?,
            max_depth,
            top,
            concentration,
        };
        let (spots, total, overall) = run(py, || {
            let spots = self.inner.finish(&opts)?;
            // Every combination of the search drops the same rows, so its total is the
            // distribution of every answer counted; its headline is computed with the
            // options `SegmentSummary::finish` uses for a table's overall value.
            let total = self.inner.total();
            let mopts = MetricOptions {
                confidence,
                small_n: min_n,
                nps_interval: opts.segment.nps_interval,
            };
            let overall = headline(kind_of(total.scale()), &total, &mopts)?;
            Ok((spots, total, overall))
        })?;
        let load = self.inner.load_report();
        let d = PyDict::new(py);
        d.set_item("metric", kind_of(total.scale()).name())?;
        d.set_item("overall", overall.value)?;
        d.set_item("overall_low", overall.interval.low)?;
        d.set_item("overall_high", overall.interval.high)?;
        d.set_item("total_n", total.n())?;
        // An accepted row is either counted in `total` or skipped the question (a row
        // without an answer is never a bad row), so this is `SegmentTable::missing`.
        d.set_item(
            "missing",
            (load.rows_accepted as u64).saturating_sub(total.n()),
        )?;
        d.set_item("load_report", load_report_dict(py, &load)?)?;
        let conditions: Vec<Vec<(String, String)>> =
            spots.iter().map(|h| h.conditions.clone()).collect();
        d.set_item("conditions", conditions)?;
        d.set_item(
            "segment",
            spots.iter().map(|h| h.describe()).collect::<Vec<_>>(),
        )?;
        d.set_item(
            "depth",
            PyArray1::from_vec(
                py,
                spots.iter().map(|h| h.conditions.len() as i64).collect(),
            ),
        )?;
        d.set_item(
            "n",
            PyArray1::from_vec(py, spots.iter().map(|h| h.n as i64).collect()),
        )?;
        let col =
            |f: fn(&cxm_core::segment::Hotspot) -> f64| f64_col(py, spots.iter().map(f).collect());
        d.set_item("value", col(|h| h.value))?;
        d.set_item("low", col(|h| h.low))?;
        d.set_item("high", col(|h| h.high))?;
        d.set_item("rest", col(|h| h.rest))?;
        d.set_item("diff", col(|h| h.diff))?;
        d.set_item("cost", col(|h| h.cost))?;
        d.set_item("p_value", col(|h| h.p_value))?;
        d.set_item("q_value", col(|h| h.q_value))?;
        d.set_item(
            "flag",
            spots.iter().map(|h| h.flag.name()).collect::<Vec<_>>(),
        )?;
        d.set_item("weighted_n", col(|h| h.weighted_n))?;
        Ok(d)
    }

    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        Ok(PyHotspotSummary {
            inner: guard(|| HotspotSummary::from_json(json))?,
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }
}
