//! Sentiment scoring (native half of `cxm.SentimentModel` and `cxm.sentiment`).
//!
//! The model is the core's immutable [`SentimentModel`]; scoring runs with the GIL
//! released, batches in parallel (rayon). Converting columns (lists, numpy arrays,
//! pandas Series, missing values) and building the DataFrame is done by the pure-Python
//! layer (`cxm/_sentiment.py`), which calls [`PySentimentModel::score_column`].

use cxm_core::sentiment::{Mode, Scores, SentimentModel};
use cxm_core::CxmError;
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyType};

use crate::arrays::slice;
use crate::errors::{invalid_argument, run, IntoPyResult};

/// The modes accepted by `SentimentModel(mode)`, in the order they are listed in errors.
const MODES: &[&str] = &["vader"];

/// Row status codes returned by `_score_column` (mirrored in `cxm/_sentiment.py`).
const OK: u8 = 0;
const MISSING: u8 = 1;
const NOT_TEXT: u8 = 2;
const INVALID_UTF8: u8 = 3;

/// The model for a mode name; an unknown name lists the allowed ones.
fn model_for(mode: &str) -> Result<SentimentModel, CxmError> {
    match mode {
        "vader" => Ok(SentimentModel::vader()),
        _ => Err(invalid_argument(
            "mode",
            format!(
                "unknown sentiment mode `{mode}` (allowed: {})",
                MODES.join(", ")
            ),
        )),
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Vader => "vader",
        // A mode added to the core after this binding was written.
        _ => "unknown",
    }
}

/// An immutable sentiment scorer (`cxm.SentimentModel`). `frozen`: shared freely
/// between threads; scoring never mutates it.
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
    #[pyo3(signature = (mode))]
    fn new(mode: &str) -> PyResult<Self> {
        Ok(PySentimentModel {
            inner: model_for(mode).py()?,
        })
    }

    /// The rule set: `"vader"`.
    #[getter]
    fn mode(&self) -> &'static str {
        mode_name(self.inner.mode())
    }

    /// Scores one text: `{"compound": …, "pos": …, "neu": …, "neg": …}`.
    fn score<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let s = text
            .cast::<PyString>()
            .map_err(|_| not_text_error(py, text))?;
        let s = s
            .to_cow()
            .map_err(|_| CxmError::InvalidUtf8 {
                row: 0,
                column: "text".to_string(),
            })
            .py()?
            .into_owned();
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
        let mut owned: Vec<String> = Vec::with_capacity(n);
        let mut rows: Vec<usize> = Vec::with_capacity(n);
        let mut stopped = false;
        for (i, item) in texts.iter().enumerate() {
            if missing.is_some_and(|m| m[i]) {
                status[i] = MISSING;
            } else if let Ok(s) = item.cast::<PyString>() {
                match s.to_cow() {
                    Ok(c) => {
                        owned.push(c.into_owned());
                        rows.push(i);
                    }
                    Err(_) => status[i] = INVALID_UTF8,
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
            let refs: Vec<&str> = owned.iter().map(String::as_str).collect();
            run(py, || Ok(model.score_batch(&refs)))?
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

    fn __repr__(&self) -> String {
        format!("SentimentModel(mode='{}')", self.mode())
    }

    /// Pickles as the mode: the model is a fixed lexicon and rule set per mode.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<(Bound<'py, PyType>, (&'static str,))> {
        Ok((slf.get_type(), (slf.get().mode(),)))
    }
}
