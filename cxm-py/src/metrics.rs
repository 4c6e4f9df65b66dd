//! NPS / CSAT / CES: summaries, results and comparisons.
//!
//! Results are frozen classes that keep the distribution and options they were computed
//! from. That is what they pickle (a result is a pure function of both, so unpickling
//! recomputes it exactly) and what [`compare`] reads, so nothing here re-derives a
//! statistic the core already computes.

use cxm_core::interval::Interval;
use cxm_core::metrics::{
    compare as core_compare, headline, Ces, CesResult, CesSummary, Csat, CsatResult, CsatSummary,
    Distribution, Metric, MetricKind, MetricOptions, Nps, NpsInterval, NpsResult, NpsSummary,
    Scale, FORMAT_VERSION,
};
use cxm_core::CxmError;
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use serde::{Deserialize, Serialize};

use crate::arrays::{borrow, borrow_opt, slice};
use crate::errors::{guard, invalid_argument, map_row, run, IntoPyResult};

fn interval_name(i: NpsInterval) -> &'static str {
    match i {
        NpsInterval::Wald => "wald",
        NpsInterval::AdjustedWald => "adjusted_wald",
    }
}

/// The scale a metric is measured on.
pub fn scale_of(kind: MetricKind, points: u8) -> Result<Scale, CxmError> {
    match kind {
        MetricKind::Nps => Ok(Scale::Nps),
        MetricKind::Csat => Scale::Csat { points }.validate(),
        MetricKind::Ces => Ok(Scale::Ces),
    }
}

/// The metric a distribution's scale belongs to.
pub fn kind_of(scale: Scale) -> MetricKind {
    match scale {
        Scale::Nps => MetricKind::Nps,
        Scale::Csat { .. } => MetricKind::Csat,
        Scale::Ces => MetricKind::Ces,
    }
}

/// Metric options from Python arguments.
pub fn options(confidence: f64, interval: &str, small_n: u64) -> Result<MetricOptions, CxmError> {
    Ok(MetricOptions {
        confidence,
        small_n,
        nps_interval: NpsInterval::parse(interval)?,
    })
}

fn serialization(e: serde_json::Error) -> CxmError {
    CxmError::Serialization {
        message: e.to_string(),
    }
}

/// What a result is computed from; its pickled form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ResultInputs {
    format_version: u32,
    dist: Distribution,
    opts: MetricOptions,
}

impl ResultInputs {
    fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    fn from_bytes(bytes: &[u8], scale: impl Fn(Scale) -> bool) -> Result<Self, CxmError> {
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(serialization)?;
        check_version(&value)?;
        let inputs: ResultInputs = serde_json::from_value(value).map_err(serialization)?;
        if !scale(inputs.dist.scale()) {
            return Err(CxmError::Serialization {
                message: format!(
                    "pickled result is on the wrong scale ({})",
                    inputs.dist.scale()
                ),
            });
        }
        Ok(inputs)
    }
}

/// Checks the `format_version` of a pickled binding object.
fn check_version(value: &serde_json::Value) -> Result<(), CxmError> {
    let found = value
        .get("format_version")
        .and_then(serde_json::Value::as_u64)
        .ok_or_else(|| CxmError::Serialization {
            message: "missing `format_version`".into(),
        })?;
    if found != u64::from(FORMAT_VERSION) {
        return Err(CxmError::FormatVersion {
            found: u32::try_from(found).unwrap_or(u32::MAX),
            expected: FORMAT_VERSION,
        });
    }
    Ok(())
}

fn fmt_interval(iv: &Interval) -> (f64, f64) {
    (iv.low, iv.high)
}

/// Result of `cxm.nps`: the Net Promoter Score with its intervals.
#[pyclass(module = "cxm", name = "NpsResult", frozen, eq)]
#[derive(Debug, Clone)]
pub struct PyNpsResult {
    r: NpsResult,
    inputs: ResultInputs,
}

/// Result of `cxm.csat`: CSAT% (top-two box) and the mean answer.
#[pyclass(module = "cxm", name = "CsatResult", frozen, eq)]
#[derive(Debug, Clone)]
pub struct PyCsatResult {
    r: CsatResult,
    inputs: ResultInputs,
}

/// Result of `cxm.ces`: CES 2.0 mean and % agree.
#[pyclass(module = "cxm", name = "CesResult", frozen, eq)]
#[derive(Debug, Clone)]
pub struct PyCesResult {
    r: CesResult,
    inputs: ResultInputs,
}

impl PyNpsResult {
    fn compute(inputs: ResultInputs) -> Result<Self, CxmError> {
        Ok(PyNpsResult {
            r: Nps.compute(&inputs.dist, &inputs.opts)?,
            inputs,
        })
    }
}

impl PyCsatResult {
    fn compute(inputs: ResultInputs) -> Result<Self, CxmError> {
        let points = match inputs.dist.scale() {
            Scale::Csat { points } => points,
            other => {
                return Err(invalid_argument(
                    "dist",
                    format!("CSAT needs a CSAT distribution, got {other}"),
                ))
            }
        };
        Ok(PyCsatResult {
            r: Csat { points }.compute(&inputs.dist, &inputs.opts)?,
            inputs,
        })
    }
}

impl PyCesResult {
    fn compute(inputs: ResultInputs) -> Result<Self, CxmError> {
        Ok(PyCesResult {
            r: Ces.compute(&inputs.dist, &inputs.opts)?,
            inputs,
        })
    }
}

fn reduce<'py>(
    slf: &Bound<'py, PyAny>,
    bytes: &[u8],
) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
    let py = slf.py();
    let ctor = slf.get_type().getattr("_from_bytes")?;
    Ok((ctor, (PyBytes::new(py, bytes),)))
}

/// A p-value in 4 significant-ish digits (scientific below 1e-4).
fn fmt_p(p: f64) -> String {
    if p != 0.0 && p.abs() < 1e-4 {
        format!("{p:.2e}")
    } else {
        format!("{p:.4}")
    }
}

fn flag(small: bool) -> &'static str {
    if small {
        ", small sample"
    } else {
        ""
    }
}

#[pymethods]
impl PyNpsResult {
    /// NPS in points, -100..100.
    #[getter]
    fn nps(&self) -> f64 {
        self.r.nps
    }
    /// Lower bound of the main interval (see `interval`).
    #[getter]
    fn low(&self) -> f64 {
        self.r.interval.low
    }
    /// Upper bound of the main interval.
    #[getter]
    fn high(&self) -> f64 {
        self.r.interval.high
    }
    /// Method of the main interval: "wald" or "adjusted_wald".
    #[getter]
    fn interval(&self) -> &'static str {
        interval_name(self.inputs.opts.nps_interval)
    }
    /// Wald interval (low, high) in points.
    #[getter]
    fn wald(&self) -> (f64, f64) {
        fmt_interval(&self.r.wald)
    }
    /// Adjusted-Wald interval (low, high) in points.
    #[getter]
    fn adjusted_wald(&self) -> (f64, f64) {
        fmt_interval(&self.r.adjusted_wald)
    }
    /// Variance of (P - D)/N on the -1..1 scale, with n = n_eff.
    #[getter]
    fn variance(&self) -> f64 {
        self.r.variance
    }
    /// Weighted share of promoters (0..1).
    #[getter]
    fn promoters(&self) -> f64 {
        self.r.promoters
    }
    /// Weighted share of passives (0..1).
    #[getter]
    fn passives(&self) -> f64 {
        self.r.passives
    }
    /// Weighted share of detractors (0..1).
    #[getter]
    fn detractors(&self) -> f64 {
        self.r.detractors
    }
    /// Number of answers.
    #[getter]
    fn n(&self) -> u64 {
        self.r.size.n
    }
    /// Sum of weights.
    #[getter]
    fn weighted_n(&self) -> f64 {
        self.r.size.weighted_n
    }
    /// Kish effective sample size.
    #[getter]
    fn n_eff(&self) -> f64 {
        self.r.size.n_eff
    }
    /// n is below the small-sample threshold.
    #[getter]
    fn small(&self) -> bool {
        self.r.size.small
    }
    /// Confidence level of the intervals.
    #[getter]
    fn confidence(&self) -> f64 {
        self.r.confidence
    }
    /// All fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("nps", self.r.nps)?;
        d.set_item("low", self.r.interval.low)?;
        d.set_item("high", self.r.interval.high)?;
        d.set_item("interval", self.interval())?;
        d.set_item("wald", self.wald())?;
        d.set_item("adjusted_wald", self.adjusted_wald())?;
        d.set_item("variance", self.r.variance)?;
        d.set_item("promoters", self.r.promoters)?;
        d.set_item("passives", self.r.passives)?;
        d.set_item("detractors", self.r.detractors)?;
        size_items(&d, &self.r.size)?;
        d.set_item("confidence", self.r.confidence)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "NpsResult(nps={:.2}, {:.0}% CI [{:.2}, {:.2}] ({}), promoters={:.1}%, passives={:.1}%, detractors={:.1}%, n={}{})",
            self.r.nps,
            self.r.confidence * 100.0,
            self.r.interval.low,
            self.r.interval.high,
            self.interval(),
            self.r.promoters * 100.0,
            self.r.passives * 100.0,
            self.r.detractors * 100.0,
            self.r.size.n,
            flag(self.r.size.small)
        )
    }
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        reduce(slf.as_any(), &slf.get().inputs.to_bytes())
    }
    #[staticmethod]
    fn _from_bytes(data: &[u8]) -> PyResult<Self> {
        guard(|| Self::compute(ResultInputs::from_bytes(data, |s| s == Scale::Nps)?))
    }
}

fn size_items(d: &Bound<'_, PyDict>, size: &cxm_core::metrics::SampleSize) -> PyResult<()> {
    d.set_item("n", size.n)?;
    d.set_item("weighted_n", size.weighted_n)?;
    d.set_item("n_eff", size.n_eff)?;
    d.set_item("small", size.small)?;
    Ok(())
}

#[pymethods]
impl PyCsatResult {
    /// CSAT% = 100 x weighted share of the top two boxes.
    #[getter]
    fn csat(&self) -> f64 {
        self.r.csat
    }
    /// Lower bound of the Wilson interval of CSAT%.
    #[getter]
    fn low(&self) -> f64 {
        self.r.interval.low
    }
    /// Upper bound of the Wilson interval of CSAT%.
    #[getter]
    fn high(&self) -> f64 {
        self.r.interval.high
    }
    /// Weighted mean answer.
    #[getter]
    fn mean(&self) -> f64 {
        self.r.mean
    }
    /// Lower bound of the Student-t interval of the mean.
    #[getter]
    fn mean_low(&self) -> f64 {
        self.r.mean_interval.low
    }
    /// Upper bound of the Student-t interval of the mean.
    #[getter]
    fn mean_high(&self) -> f64 {
        self.r.mean_interval.high
    }
    /// Number of scale points.
    #[getter]
    fn points(&self) -> u8 {
        self.r.points
    }
    /// Number of answers.
    #[getter]
    fn n(&self) -> u64 {
        self.r.size.n
    }
    /// Sum of weights.
    #[getter]
    fn weighted_n(&self) -> f64 {
        self.r.size.weighted_n
    }
    /// Kish effective sample size.
    #[getter]
    fn n_eff(&self) -> f64 {
        self.r.size.n_eff
    }
    /// n is below the small-sample threshold.
    #[getter]
    fn small(&self) -> bool {
        self.r.size.small
    }
    /// Confidence level of the intervals.
    #[getter]
    fn confidence(&self) -> f64 {
        self.r.confidence
    }
    /// All fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("csat", self.r.csat)?;
        d.set_item("low", self.r.interval.low)?;
        d.set_item("high", self.r.interval.high)?;
        d.set_item("mean", self.r.mean)?;
        d.set_item("mean_low", self.r.mean_interval.low)?;
        d.set_item("mean_high", self.r.mean_interval.high)?;
        d.set_item("points", self.r.points)?;
        size_items(&d, &self.r.size)?;
        d.set_item("confidence", self.r.confidence)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "CsatResult(csat={:.2}%, {:.0}% CI [{:.2}, {:.2}], mean={:.3} [{:.3}, {:.3}], points={}, n={}{})",
            self.r.csat,
            self.r.confidence * 100.0,
            self.r.interval.low,
            self.r.interval.high,
            self.r.mean,
            self.r.mean_interval.low,
            self.r.mean_interval.high,
            self.r.points,
            self.r.size.n,
            flag(self.r.size.small)
        )
    }
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        reduce(slf.as_any(), &slf.get().inputs.to_bytes())
    }
    #[staticmethod]
    fn _from_bytes(data: &[u8]) -> PyResult<Self> {
        guard(|| {
            Self::compute(ResultInputs::from_bytes(data, |s| {
                matches!(s, Scale::Csat { .. })
            })?)
        })
    }
}

#[pymethods]
impl PyCesResult {
    /// The headline CES: the weighted mean answer (1..7). Same as `mean`.
    #[getter]
    fn ces(&self) -> f64 {
        self.r.mean
    }
    /// Weighted mean answer (1..7).
    #[getter]
    fn mean(&self) -> f64 {
        self.r.mean
    }
    /// Lower bound of the Student-t interval of the mean.
    #[getter]
    fn low(&self) -> f64 {
        self.r.interval.low
    }
    /// Upper bound of the Student-t interval of the mean.
    #[getter]
    fn high(&self) -> f64 {
        self.r.interval.high
    }
    /// 100 x weighted share answering 5..7 ("agree").
    #[getter]
    fn agree(&self) -> f64 {
        self.r.agree
    }
    /// Lower bound of the Wilson interval of % agree.
    #[getter]
    fn agree_low(&self) -> f64 {
        self.r.agree_interval.low
    }
    /// Upper bound of the Wilson interval of % agree.
    #[getter]
    fn agree_high(&self) -> f64 {
        self.r.agree_interval.high
    }
    /// Number of answers.
    #[getter]
    fn n(&self) -> u64 {
        self.r.size.n
    }
    /// Sum of weights.
    #[getter]
    fn weighted_n(&self) -> f64 {
        self.r.size.weighted_n
    }
    /// Kish effective sample size.
    #[getter]
    fn n_eff(&self) -> f64 {
        self.r.size.n_eff
    }
    /// n is below the small-sample threshold.
    #[getter]
    fn small(&self) -> bool {
        self.r.size.small
    }
    /// Confidence level of the intervals.
    #[getter]
    fn confidence(&self) -> f64 {
        self.r.confidence
    }
    /// All fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("ces", self.r.mean)?;
        d.set_item("mean", self.r.mean)?;
        d.set_item("low", self.r.interval.low)?;
        d.set_item("high", self.r.interval.high)?;
        d.set_item("agree", self.r.agree)?;
        d.set_item("agree_low", self.r.agree_interval.low)?;
        d.set_item("agree_high", self.r.agree_interval.high)?;
        size_items(&d, &self.r.size)?;
        d.set_item("confidence", self.r.confidence)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        format!(
            "CesResult(mean={:.3}, {:.0}% CI [{:.3}, {:.3}], agree={:.2}% [{:.2}, {:.2}], n={}{})",
            self.r.mean,
            self.r.confidence * 100.0,
            self.r.interval.low,
            self.r.interval.high,
            self.r.agree,
            self.r.agree_interval.low,
            self.r.agree_interval.high,
            self.r.size.n,
            flag(self.r.size.small)
        )
    }
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        reduce(slf.as_any(), &slf.get().inputs.to_bytes())
    }
    #[staticmethod]
    fn _from_bytes(data: &[u8]) -> PyResult<Self> {
        guard(|| Self::compute(ResultInputs::from_bytes(data, |s| s == Scale::Ces)?))
    }
}

/// A metric summary of any of the three metrics.
#[derive(Debug, Clone, PartialEq)]
enum AnySummary {
    Nps(NpsSummary),
    Csat(CsatSummary),
    Ces(CesSummary),
}

macro_rules! each {
    ($s:expr, $x:ident => $e:expr) => {
        match $s {
            AnySummary::Nps($x) => $e,
            AnySummary::Csat($x) => $e,
            AnySummary::Ces($x) => $e,
        }
    };
}

/// Mergeable summary of one metric's answers (native half of `cxm.NpsSummary`,
/// `cxm.CsatSummary` and `cxm.CesSummary`).
#[pyclass(module = "cxm._cxm", name = "MetricSummary", eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyMetricSummary {
    inner: AnySummary,
}

impl PyMetricSummary {
    pub fn distribution(&self) -> &Distribution {
        each!(&self.inner, s => s.distribution())
    }
}

#[pymethods]
impl PyMetricSummary {
    #[new]
    #[pyo3(signature = (metric, points = 5))]
    fn new(metric: &str, points: u8) -> PyResult<Self> {
        let inner = match MetricKind::parse(metric).py()? {
            MetricKind::Nps => AnySummary::Nps(NpsSummary::default()),
            MetricKind::Csat => {
                scale_of(MetricKind::Csat, points).py()?;
                AnySummary::Csat(CsatSummary::new(Csat { points }))
            }
            MetricKind::Ces => AnySummary::Ces(CesSummary::default()),
        };
        Ok(PyMetricSummary { inner })
    }

    /// "nps", "csat" or "ces".
    #[getter]
    fn metric(&self) -> &'static str {
        kind_of(self.distribution().scale()).name()
    }

    /// Number of scale points (11 for NPS, 7 for CES).
    #[getter]
    fn points(&self) -> usize {
        self.distribution().scale().levels()
    }

    /// Answer counts per scale level, lowest answer first.
    #[getter]
    fn counts(&self) -> Vec<u64> {
        self.distribution().counts().to_vec()
    }

    /// Sum of weights.
    #[getter]
    fn weighted_n(&self) -> f64 {
        self.distribution().weighted_n()
    }

    fn __len__(&self) -> usize {
        each!(&self.inner, s => s.len() as usize)
    }

    fn push(&mut self, score: f64, weight: f64) -> PyResult<()> {
        guard(|| each!(&mut self.inner, s => s.push(score, weight)))
    }

    /// Adds a float64 column (all-or-nothing). `present` marks answered rows; rows with
    /// `present == False` are left out and errors name rows of the full column.
    #[pyo3(signature = (values, weights = None, present = None))]
    fn extend(
        &mut self,
        py: Python<'_>,
        values: &Bound<'_, PyAny>,
        weights: Option<&Bound<'_, PyAny>>,
        present: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        let v: PyReadonlyArray1<'_, f64> = borrow(values, "values")?;
        let w = borrow_opt::<f64>(weights, "weights")?;
        let p = borrow_opt::<bool>(present, "present")?;
        let v = slice(&v, "values")?;
        let w = w.as_ref().map(|w| slice(w, "weights")).transpose()?;
        let p = p.as_ref().map(|p| slice(p, "present")).transpose()?;
        let inner = &mut self.inner;
        run(py, || extend_masked(inner, v, w, p))
    }

    /// A new summary holding both (neither operand changes).
    fn merge(&self, other: &PyMetricSummary) -> PyResult<PyMetricSummary> {
        let mut out = self.clone();
        guard(|| match (&mut out.inner, &other.inner) {
            (AnySummary::Nps(a), AnySummary::Nps(b)) => a.merge(b),
            (AnySummary::Csat(a), AnySummary::Csat(b)) => a.merge(b),
            (AnySummary::Ces(a), AnySummary::Ces(b)) => a.merge(b),
            (a, b) => Err(invalid_argument(
                "other",
                format!(
                    "cannot merge a {} summary into a {} summary",
                    each!(b, s => s.distribution().scale()),
                    each!(a, s => s.distribution().scale())
                ),
            )),
        })?;
        Ok(out)
    }

    #[pyo3(signature = (confidence = 0.95, interval = "wald", small_n = 30))]
    fn finish(
        &self,
        py: Python<'_>,
        confidence: f64,
        interval: &str,
        small_n: u64,
    ) -> PyResult<Py<PyAny>> {
        let inputs = ResultInputs {
            format_version: FORMAT_VERSION,
            dist: self.distribution().clone(),
            opts: options(confidence, interval, small_n).py()?,
        };
        Ok(match self.inner {
            AnySummary::Nps(_) => Py::new(py, guard(|| PyNpsResult::compute(inputs))?)?.into_any(),
            AnySummary::Csat(_) => {
                Py::new(py, guard(|| PyCsatResult::compute(inputs))?)?.into_any()
            }
            AnySummary::Ces(_) => Py::new(py, guard(|| PyCesResult::compute(inputs))?)?.into_any(),
        })
    }

    /// The core's JSON form (with its format version).
    fn to_json(&self) -> String {
        each!(&self.inner, s => s.to_json())
    }

    /// Restores a summary of `metric` from [`to_json`]'s output (the core checks the
    /// format version and that the summary is of that metric).
    #[staticmethod]
    fn from_json(metric: &str, json: &str) -> PyResult<Self> {
        let kind = MetricKind::parse(metric).py()?;
        let inner = match kind {
            MetricKind::Nps => AnySummary::Nps(guard(|| NpsSummary::from_json(json))?),
            MetricKind::Csat => AnySummary::Csat(guard(|| CsatSummary::from_json(json))?),
            MetricKind::Ces => AnySummary::Ces(guard(|| CesSummary::from_json(json))?),
        };
        Ok(PyMetricSummary { inner })
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (&'static str, String))> {
        let this = slf.borrow();
        Ok((
            slf.get_type().getattr("from_json")?,
            (this.metric(), this.to_json()),
        ))
    }

    fn __repr__(&self) -> String {
        format!("MetricSummary({}, n={})", self.metric(), self.__len__())
    }
}

/// Extends a summary with the answered rows of a column; errors name full-column rows.
fn extend_masked(
    s: &mut AnySummary,
    values: &[f64],
    weights: Option<&[f64]>,
    present: Option<&[bool]>,
) -> Result<(), CxmError> {
    let Some(present) = present else {
        return each!(s, s => s.extend(values, weights));
    };
    let check = |column: &str, found: usize| {
        if found == values.len() {
            Ok(())
        } else {
            Err(CxmError::LengthMismatch {
                column: column.into(),
                expected: values.len(),
                found,
            })
        }
    };
    check("present", present.len())?;
    if let Some(w) = weights {
        check("weights", w.len())?;
    }
    let rows: Vec<usize> = (0..values.len()).filter(|&i| present[i]).collect();
    let v: Vec<f64> = rows.iter().map(|&i| values[i]).collect();
    let w: Option<Vec<f64>> = weights.map(|w| rows.iter().map(|&i| w[i]).collect());
    each!(s, s => s.extend(&v, w.as_deref()))
        .map_err(|e| map_row(e, |r| rows.get(r).copied().unwrap_or(r)))
}

/// Two-sample comparison of a headline metric (see `cxm.compare`).
#[pyclass(module = "cxm", name = "Comparison", frozen, eq)]
#[derive(Debug, Clone)]
pub struct PyComparison {
    c: cxm_core::metrics::Comparison,
    inputs: ComparisonInputs,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct ComparisonInputs {
    format_version: u32,
    a: Distribution,
    b: Distribution,
    confidence: f64,
}

impl PyComparison {
    fn compute(inputs: ComparisonInputs) -> Result<Self, CxmError> {
        let kind = kind_of(inputs.a.scale());
        let kind_b = kind_of(inputs.b.scale());
        if kind != kind_b {
            return Err(invalid_argument(
                "b",
                format!("cannot compare {} with {}", kind.name(), kind_b.name()),
            ));
        }
        let opts = MetricOptions {
            confidence: inputs.confidence,
            ..MetricOptions::default()
        };
        let ha = headline(kind, &inputs.a, &opts)?;
        let hb = headline(kind, &inputs.b, &opts)?;
        Ok(PyComparison {
            c: core_compare(&ha, &hb, inputs.confidence)?,
            inputs,
        })
    }

    fn metric_name(&self) -> &'static str {
        kind_of(self.inputs.a.scale()).name()
    }
}

#[pymethods]
impl PyComparison {
    /// "nps", "csat" or "ces": the headline compared.
    #[getter]
    fn metric(&self) -> &'static str {
        self.metric_name()
    }
    /// a - b in the metric's units.
    #[getter]
    fn diff(&self) -> f64 {
        self.c.diff
    }
    /// Lower bound of the interval of the difference.
    #[getter]
    fn low(&self) -> f64 {
        self.c.interval.low
    }
    /// Upper bound of the interval of the difference.
    #[getter]
    fn high(&self) -> f64 {
        self.c.interval.high
    }
    /// z (NPS, CSAT%) or Welch t (CES mean) statistic.
    #[getter]
    fn statistic(&self) -> f64 {
        self.c.statistic
    }
    /// Degrees of freedom (inf for z tests).
    #[getter]
    fn df(&self) -> f64 {
        self.c.df
    }
    /// Two-sided p-value.
    #[getter]
    fn p_value(&self) -> f64 {
        self.c.p_value
    }
    /// Confidence level of the interval.
    #[getter]
    fn confidence(&self) -> f64 {
        self.inputs.confidence
    }
    /// All fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("metric", self.metric_name())?;
        d.set_item("diff", self.c.diff)?;
        d.set_item("low", self.c.interval.low)?;
        d.set_item("high", self.c.interval.high)?;
        d.set_item("statistic", self.c.statistic)?;
        d.set_item("df", self.c.df)?;
        d.set_item("p_value", self.c.p_value)?;
        d.set_item("confidence", self.inputs.confidence)?;
        Ok(d)
    }
    fn __repr__(&self) -> String {
        let test = if self.c.df.is_finite() {
            format!("t={:.3}, df={:.1}", self.c.statistic, self.c.df)
        } else {
            format!("z={:.3}", self.c.statistic)
        };
        format!(
            "Comparison({}: diff={:.3}, {:.0}% CI [{:.3}, {:.3}], {}, p={})",
            self.metric_name(),
            self.c.diff,
            self.inputs.confidence * 100.0,
            self.c.interval.low,
            self.c.interval.high,
            test,
            fmt_p(self.c.p_value)
        )
    }
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let bytes = serde_json::to_vec(&slf.get().inputs).unwrap_or_default();
        reduce(slf.as_any(), &bytes)
    }
    #[staticmethod]
    fn _from_bytes(data: &[u8]) -> PyResult<Self> {
        guard(|| {
            let value: serde_json::Value = serde_json::from_slice(data).map_err(serialization)?;
            check_version(&value)?;
            let inputs: ComparisonInputs = serde_json::from_value(value).map_err(serialization)?;
            Self::compute(inputs)
        })
    }
}

/// The distribution behind a result or a summary.
fn distribution_of(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Distribution> {
    if let Ok(r) = obj.cast::<PyNpsResult>() {
        return Ok(r.get().inputs.dist.clone());
    }
    if let Ok(r) = obj.cast::<PyCsatResult>() {
        return Ok(r.get().inputs.dist.clone());
    }
    if let Ok(r) = obj.cast::<PyCesResult>() {
        return Ok(r.get().inputs.dist.clone());
    }
    if let Ok(s) = obj.cast::<PyMetricSummary>() {
        return Ok(s.borrow().distribution().clone());
    }
    Err(invalid_argument(
        name,
        "expected an NpsResult, CsatResult, CesResult or a metric summary",
    ))
    .py()
}

/// Compares the headline metric of two independent samples (results or summaries):
/// z-test for NPS and CSAT%, Welch's t-test for the CES mean.
#[pyfunction]
#[pyo3(signature = (a, b, confidence = 0.95))]
pub fn compare(
    a: &Bound<'_, PyAny>,
    b: &Bound<'_, PyAny>,
    confidence: f64,
) -> PyResult<PyComparison> {
    let inputs = ComparisonInputs {
        format_version: FORMAT_VERSION,
        a: distribution_of(a, "a")?,
        b: distribution_of(b, "b")?,
        confidence,
    };
    guard(|| PyComparison::compute(inputs))
}

/// Equal when computed from the same data and options (NaN fields compare equal).
impl PartialEq for PyNpsResult {
    fn eq(&self, other: &Self) -> bool {
        self.inputs == other.inputs
    }
}

/// Equal when computed from the same data and options (NaN fields compare equal).
impl PartialEq for PyCsatResult {
    fn eq(&self, other: &Self) -> bool {
        self.inputs == other.inputs
    }
}

/// Equal when computed from the same data and options (NaN fields compare equal).
impl PartialEq for PyCesResult {
    fn eq(&self, other: &Self) -> bool {
        self.inputs == other.inputs
    }
}

/// Equal when computed from the same data and options (NaN fields compare equal).
impl PartialEq for PyComparison {
    fn eq(&self, other: &Self) -> bool {
        self.inputs == other.inputs
    }
}
