//! Sentiment scoring (native half of `cxm.SentimentModel`, `cxm.sentiment` and
//! `cxm.Calibration`).
//!
//! The model is the core's immutable [`SentimentModel`] (a mode, `cx` by default, and
//! its custom lexicon entries); scoring, explanations and calibration run with the GIL
//! released, batches in parallel (rayon). Converting columns (lists, numpy arrays,
//! pandas Series, missing values), building DataFrames and turning explanation JSON into
//! Python dicts with character offsets is done by the pure-Python layer
//! (`cxm/_sentiment.py`), which calls [`PySentimentModel::score_column`] and wraps
//! [`PyCalibration`]. Models and calibrations pickle as the core's versioned JSON.

use cxm_core::metrics::Scale;
use cxm_core::sentiment::{Calibration, Mode, Scores, SentimentModel};
use cxm_core::CxmError;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyList, PyString, PyTuple};

use crate::arrays::slice;
use crate::errors::{guard, invalid_argument, run, IntoPyResult};

/// The modes accepted by `SentimentModel(mode)`, in the order they are listed in errors.
const MODES: &[&str] = &["cx", "vader"];

/// Row status codes returned by `_score_column` (mirrored in `cxm/_sentiment.py`).
const OK: u8 = 0;
const MISSING: u8 = 1;
const NOT_TEXT: u8 = 2;
const INVALID_UTF8: u8 = 3;

/// The mode of a name; an unknown name lists the allowed ones.
fn parse_mode(mode: &str) -> Result<Mode, CxmError> {
    match mode {
        "cx" => Ok(Mode::Cx),
        "vader" => Ok(Mode::Vader),
        _ => Err(invalid_argument(
            "mode",
            format!(
                "unknown sentiment mode `{mode}` (allowed: {})",
                MODES.join(", ")
            ),
        )),
    }
}

/// Custom lexicon entries from Python: a mapping `{entry: valence}` (anything with
/// `items()`, e.g. a dict or a Series indexed by entry) or an iterable of
/// `(entry, valence)` pairs. Shape errors name `entries[i]`, like the core's.
fn extract_entries(obj: &Bound<'_, PyAny>) -> PyResult<Vec<(String, f64)>> {
    let shape = || {
        invalid_argument(
            "entries",
            "expected a dict {entry: valence} or a list of (entry, valence) pairs",
        )
    };
    if obj.is_instance_of::<PyString>() || obj.is_instance_of::<PyBytes>() {
        return Err(shape()).py();
    }
    let items = if obj.is_instance_of::<PyDict>() || obj.hasattr("items")? {
        obj.call_method0("items")?
    } else {
        obj.clone()
    };
    let iter = items.try_iter().map_err(|_| shape()).py()?;
    let mut out = Vec::new();
    for (i, item) in iter.enumerate() {
        let item = item?;
        let name = format!("entries[{i}]");
        let bad = |reason: String| Err(invalid_argument(&name, reason)).py();
        let pair = if item.is_instance_of::<PyTuple>() || item.is_instance_of::<PyList>() {
            if item.len()? == 2 {
                Some((item.get_item(0)?, item.get_item(1)?))
            } else {
                None
            }
        } else {
            None
        };
        let Some((entry, valence)) = pair else {
            return bad(format!(
                "expected an (entry, valence) pair, got {} {}",
                item.get_type().name()?,
                item.repr()?
            ));
        };
        let Ok(entry) = entry.cast::<PyString>() else {
            return bad(format!(
                "the entry must be text, got {} {}",
                entry.get_type().name()?,
                entry.repr()?
            ));
        };
        let entry = entry
            .to_cow()
            .map_err(|_| invalid_argument(&name, "the entry is not valid Unicode"))
            .py()?
            .into_owned();
        let number = if valence.is_instance_of::<PyBool>() {
            None
        } else {
            valence.extract::<f64>().ok()
        };
        let Some(number) = number else {
            return bad(format!(
                "{entry:?}: the valence must be a number, got {} {}",
                valence.get_type().name()?,
                valence.repr()?
            ));
        };
        out.push((entry, number));
    }
    Ok(out)
}

/// The text of a `str` argument (`InvalidDtypeError` for anything else).
fn text_arg(py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<String> {
    let s = text
        .cast::<PyString>()
        .map_err(|_| not_text_error(py, text))?;
    Ok(s.to_cow()
        .map_err(|_| CxmError::InvalidUtf8 {
            row: 0,
            column: "text".to_string(),
        })
        .py()?
        .into_owned())
}

/// An immutable sentiment scorer (`cxm.SentimentModel`): a mode and its custom lexicon
/// entries. `frozen`: shared freely between threads; scoring never mutates it.
#[pyclass(module = "cxm", name = "SentimentModel", frozen)]
pub struct PySentimentModel {
    inner: SentimentModel,
}

/// `cxm.exceptions.InvalidDtypeError` for a value that is not text.
fn not_text_error(py: Python<'_>, what: &Bound<'_, PyAny>) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let type_name = what.get_type().name()?.to_string();
        let kwargs = PyDict::new(py);
        kwargs.set_item("column", "text")?;
        kwargs.set_item("dtype", &type_name)?;
        kwargs.set_item("expected", "str")?;
        let msg = format!(
            "`text` has type {type_name} ({}); expected str",
            what.repr()?
        );
        let cls = py.import("cxm.exceptions")?.getattr("InvalidDtypeError")?;
        Ok(PyErr::from_value(cls.call((msg,), Some(&kwargs))?))
    };
    build().unwrap_or_else(|e| e)
}

type Column<'py> = (
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<u8>>,
);

#[pymethods]
impl PySentimentModel {
    #[new]
    #[pyo3(signature = (mode = "cx", entries = None))]
    fn new(mode: &str, entries: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let model = SentimentModel::new(parse_mode(mode).py()?);
        match entries.filter(|e| !e.is_none()) {
            None => Ok(PySentimentModel { inner: model }),
            Some(entries) => PySentimentModel { inner: model }.with_entries(entries),
        }
    }

    /// The rule set: `"cx"` or `"vader"`.
    #[getter]
    fn mode(&self) -> &'static str {
        self.inner.mode().as_str()
    }

    /// The custom lexicon entries, in the order they were added: `[(entry, valence), …]`.
    #[getter]
    fn entries(&self) -> Vec<(String, f64)> {
        self.inner.entries().to_vec()
    }

    /// A new model with `entries` added to (or overriding) this model's lexicon.
    fn with_entries(&self, entries: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = entries.py();
        let owned = extract_entries(entries)?;
        let refs: Vec<(&str, f64)> = owned.iter().map(|(e, v)| (e.as_str(), *v)).collect();
        let model = &self.inner;
        let inner = run(py, || model.with_entries(&refs))?;
        Ok(PySentimentModel { inner })
    }

    /// Scores one text: `{"compound": …, "pos": …, "neu": …, "neg": …}`.
    fn score<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let s = text_arg(py, text)?;
        let model = &self.inner;
        let scores = run(py, || Ok(model.score(&s)))?;
        let d = PyDict::new(py);
        d.set_item("compound", scores.compound)?;
        d.set_item("pos", scores.pos)?;
        d.set_item("neu", scores.neu)?;
        d.set_item("neg", scores.neg)?;
        Ok(d)
    }

    /// Scores a batch of texts; returns a DataFrame (see `cxm.sentiment`).
    #[pyo3(signature = (texts, *, policy = "reject"))]
    fn score_batch<'py>(
        slf: &Bound<'py, Self>,
        texts: &Bound<'py, PyAny>,
        policy: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("cxm._sentiment")?
            .getattr("score_frame")?
            .call1((slf, texts, policy))
    }

    /// Each token's contribution, the rules that fired and the clause scores, as plain
    /// Python data (see `cxm._sentiment.explanation`).
    fn explain<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let s = text_arg(py, text)?;
        let model = &self.inner;
        let json = run(py, || Ok(model.explain(&s).to_json()))?;
        py.import("cxm._sentiment")?
            .getattr("explanation")?
            .call1((json, text))
    }

    /// The clauses of a text: a DataFrame (see `cxm._sentiment.clauses_frame`).
    fn clauses<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let s = text_arg(py, text)?;
        let model = &self.inner;
        let clauses = run(py, || Ok(model.clauses(&s)))?;
        let starts: Vec<usize> = clauses.iter().map(|c| c.char_start).collect();
        let ends: Vec<usize> = clauses.iter().map(|c| c.char_end).collect();
        let compound: Vec<f64> = clauses.iter().map(|c| c.compound).collect();
        let sums: Vec<f64> = clauses.iter().map(|c| c.sum).collect();
        py.import("cxm._sentiment")?
            .getattr("clauses_frame")?
            .call1((text, starts, ends, compound, sums))
    }

    /// Fits a `cxm.Calibration` from comments and the survey answers of the same
    /// customers (see `cxm._sentiment.calibrate`).
    #[pyo3(signature = (texts, scores, scale = "nps", *, csat_points = 5))]
    fn calibrate<'py>(
        slf: &Bound<'py, Self>,
        texts: &Bound<'py, PyAny>,
        scores: &Bound<'py, PyAny>,
        scale: &str,
        csat_points: i64,
    ) -> PyResult<Bound<'py, PyAny>> {
        slf.py()
            .import("cxm._sentiment")?
            .getattr("calibrate")?
            .call1((slf, texts, scores, scale, csat_points))
    }

    /// Scores a list of objects: four float64 arrays (NaN where a row was not scored) and
    /// a uint8 status per row (0 scored, 1 missing, 2 not text, 3 not encodable as
    /// UTF-8). `missing` marks rows the caller found missing (None, NaN, pd.NA). With
    /// `stop_at_bad`, stops at the first row that is not scorable and scores nothing.
    #[pyo3(name = "_score_column", signature = (texts, missing = None, stop_at_bad = false))]
    fn score_column<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyList>,
        missing: Option<PyReadonlyArray1<'py, bool>>,
        stop_at_bad: bool,
    ) -> PyResult<Column<'py>> {
        let n = texts.len();
        let missing = missing.as_ref().map(|m| slice(m, "missing")).transpose()?;
        if let Some(m) = missing {
            if m.len() != n {
                return Err(CxmError::LengthMismatch {
                    column: "missing".to_string(),
                    expected: n,
                    found: m.len(),
                })
                .py();
            }
        }
        let mut status = vec![OK; n];
        // The strings are kept alive (and immutable) by `held`, so their UTF-8 buffers
        // are borrowed, not copied, while the GIL is released for scoring.
        let mut held: Vec<Bound<'py, PyString>> = Vec::with_capacity(n);
        let mut rows: Vec<usize> = Vec::with_capacity(n);
        let mut stopped = false;
        for (i, item) in texts.iter().enumerate() {
            if missing.is_some_and(|m| m[i]) {
                status[i] = MISSING;
            } else if let Ok(s) = item.cast_into::<PyString>() {
                if s.to_str().is_ok() {
                    held.push(s);
                    rows.push(i);
                } else {
                    status[i] = INVALID_UTF8;
                }
            } else {
                status[i] = NOT_TEXT;
            }
            if stop_at_bad && status[i] != OK {
                stopped = true;
                break;
            }
        }
        let scores: Vec<Scores> = if stopped {
            Vec::new()
        } else {
            let model = &self.inner;
            let refs: Vec<&str> = held.iter().filter_map(|s| s.to_str().ok()).collect();
            run(py, || {
                // One contiguous copy: Python's allocator scatters the strings, and the
                // scorer, which reads each text several times, runs faster on packed data.
                let total: usize = refs.iter().map(|t| t.len()).sum();
                let mut packed = String::with_capacity(total);
                let mut ends = Vec::with_capacity(refs.len());
                for t in &refs {
                    packed.push_str(t);
                    ends.push(packed.len());
                }
                let mut start = 0;
                let texts: Vec<&str> = ends
                    .iter()
                    .map(|&end| {
                        let t = &packed[start..end];
                        start = end;
                        t
                    })
                    .collect();
                Ok(model.score_batch(&texts))
            })?
        };
        let mut cols = [
            vec![f64::NAN; n],
            vec![f64::NAN; n],
            vec![f64::NAN; n],
            vec![f64::NAN; n],
        ];
        for (&row, s) in rows.iter().zip(&scores) {
            cols[0][row] = s.compound;
            cols[1][row] = s.pos;
            cols[2][row] = s.neu;
            cols[3][row] = s.neg;
        }
        let [compound, pos, neu, neg] = cols;
        Ok((
            PyArray1::from_vec(py, compound),
            PyArray1::from_vec(py, pos),
            PyArray1::from_vec(py, neu),
            PyArray1::from_vec(py, neg),
            PyArray1::from_vec(py, status),
        ))
    }

    /// The core's versioned JSON: the mode and the custom entries.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Restores a model from `to_json` (format version checked).
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        Ok(PySentimentModel {
            inner: guard(|| SentimentModel::from_json(json))?,
        })
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PySentimentModel>().is_ok_and(|o| {
            let o = &o.get().inner;
            o.mode() == self.inner.mode() && o.entries() == self.inner.entries()
        })
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.inner.to_json().hash(&mut h);
        h.finish()
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        let mode = this.mode();
        let entries = this.inner.entries();
        if entries.is_empty() {
            return Ok(format!("SentimentModel(mode='{mode}')"));
        }
        if entries.len() <= 3 {
            let list = PyList::new(slf.py(), this.entries())?;
            return Ok(format!(
                "SentimentModel(mode='{mode}', entries={})",
                list.repr()?
            ));
        }
        Ok(format!(
            "SentimentModel(mode='{mode}', entries=[... {} entries])",
            entries.len()
        ))
    }

    /// Pickles as the core's JSON (the mode and the custom entries; the shipped lexicons
    /// are part of the library).
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }
}

/// The survey scale of a calibration: `"nps"`, `"csat"` (1–`csat_points`) or `"ces"`.
fn parse_scale(scale: &str, csat_points: i64) -> Result<Scale, CxmError> {
    match scale.to_ascii_lowercase().as_str() {
        "nps" => Ok(Scale::Nps),
        "ces" => Ok(Scale::Ces),
        "csat" => match u8::try_from(csat_points) {
            Ok(points) if (2..=11).contains(&points) => Ok(Scale::Csat { points }),
            _ => Err(invalid_argument(
                "csat_points",
                format!("CSAT scale 1-{csat_points} must have 2 to 11 points"),
            )),
        },
        _ => Err(invalid_argument(
            "scale",
            format!("`{scale}` is not one of nps, csat, ces"),
        )),
    }
}

/// Native half of `cxm.Calibration`: the core's fitted monotone mapping from compound to
/// the expected survey answer and to P(negative answer).
#[pyclass(module = "cxm._cxm", name = "Calibration", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub struct PyCalibration {
    inner: Calibration,
}

#[pymethods]
impl PyCalibration {
    /// Fits the mapping from contiguous float64 arrays (checked by the core).
    #[staticmethod]
    #[pyo3(signature = (compound, scores, scale = "nps", csat_points = 5))]
    fn fit(
        py: Python<'_>,
        compound: PyReadonlyArray1<'_, f64>,
        scores: PyReadonlyArray1<'_, f64>,
        scale: &str,
        csat_points: i64,
    ) -> PyResult<Self> {
        let scale = parse_scale(scale, csat_points).py()?;
        let c = slice(&compound, "compound")?;
        let s = slice(&scores, "scores")?;
        let inner = run(py, || Calibration::fit(c, s, scale))?;
        Ok(PyCalibration { inner })
    }

    /// Number of pairs fitted.
    #[getter]
    fn n(&self) -> usize {
        self.inner.n()
    }

    /// `"nps"`, `"csat"` or `"ces"`.
    #[getter]
    fn scale(&self) -> &'static str {
        match self.inner.scale() {
            Scale::Nps => "nps",
            Scale::Csat { .. } => "csat",
            Scale::Ces => "ces",
        }
    }

    /// Points of a CSAT scale; `None` for NPS and CES.
    #[getter]
    fn csat_points(&self) -> Option<u8> {
        match self.inner.scale() {
            Scale::Csat { points } => Some(points),
            _ => None,
        }
    }

    /// Expected survey answer at one compound.
    fn expected_score(&self, compound: f64) -> f64 {
        self.inner.expected_score(compound)
    }

    /// P(negative answer) at one compound.
    fn p_negative(&self, compound: f64) -> f64 {
        self.inner.p_negative(compound) + 0.0 // -0.0 (the fit negates) reads as 0.0
    }

    /// `expected_score` of every element of a contiguous float64 array.
    fn expected_score_array<'py>(
        &self,
        py: Python<'py>,
        compound: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let c = slice(&compound, "compound")?;
        let cal = &self.inner;
        let out = run(py, || {
            Ok(c.iter().map(|&x| cal.expected_score(x)).collect())
        })?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// `p_negative` of every element of a contiguous float64 array.
    fn p_negative_array<'py>(
        &self,
        py: Python<'py>,
        compound: PyReadonlyArray1<'py, f64>,
    ) -> PyResult<Bound<'py, PyArray1<f64>>> {
        let c = slice(&compound, "compound")?;
        let cal = &self.inner;
        let out = run(py, || {
            Ok(c.iter().map(|&x| cal.p_negative(x) + 0.0).collect())
        })?;
        Ok(PyArray1::from_vec(py, out))
    }

    /// The core's versioned JSON.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Restores a calibration from `to_json` (format version and knots checked).
    #[staticmethod]
    fn from_json(json: &str) -> PyResult<Self> {
        Ok(PyCalibration {
            inner: guard(|| Calibration::from_json(json))?,
        })
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        Ok((slf.get_type().getattr("from_json")?, (slf.get().to_json(),)))
    }
}
