//! Turning [`CxmError`] into Python exceptions.
//!
//! The exception hierarchy is generated in one place: [`describe`] is the only code that
//! knows the core variants and their fields. [`error_variants`] publishes that list
//! (variant name, coarse kind, field names) to `cxm.exceptions`, which builds one
//! exception class per entry at import time (`InvalidScore` → `InvalidScoreError`, a
//! subclass of the kind's base `InvalidInputError`). Raising looks the class up by
//! variant name and sets the variant's fields as attributes (`err.row`, `err.column`).

use cxm_core::error::ErrorKind;
use cxm_core::metrics::Scale;
use cxm_core::CxmError;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple};

/// One field of an error variant, in a Python-convertible form.
enum Field {
    Int(u64),
    OptInt(Option<u64>),
    Float(f64),
    Text(String),
}

/// Variant name and fields of an error. The one place that lists the core variants.
fn describe(e: &CxmError) -> (&'static str, Vec<(&'static str, Field)>) {
    use Field::{Float, Int, OptInt, Text};
    let row = |r: &usize| ("row", Int(*r as u64));
    let column = |c: &String| ("column", Text(c.clone()));
    match e {
        CxmError::InvalidScore {
            row: r,
            column: c,
            value,
            scale,
        } => (
            "InvalidScore",
            vec![
                row(r),
                column(c),
                ("value", Float(*value)),
                ("scale", Text(scale_name(*scale))),
            ],
        ),
        CxmError::NonFinite {
            row: r,
            column: c,
            value,
        } => (
            "NonFinite",
            vec![row(r), column(c), ("value", Float(*value))],
        ),
        CxmError::InvalidNumber {
            row: r,
            column: c,
            value,
        } => (
            "InvalidNumber",
            vec![row(r), column(c), ("value", Text(value.clone()))],
        ),
        CxmError::InvalidWeight { row: r, value } => {
            ("InvalidWeight", vec![row(r), ("value", Float(*value))])
        }
        CxmError::InvalidTimestamp { row: r, value } => (
            "InvalidTimestamp",
            vec![row(r), ("value", Text(value.clone()))],
        ),
        CxmError::InvalidUtf8 { row: r, column: c } => ("InvalidUtf8", vec![row(r), column(c)]),
        CxmError::LengthMismatch {
            column: c,
            expected,
            found,
        } => (
            "LengthMismatch",
            vec![
                column(c),
                ("expected", Int(*expected as u64)),
                ("found", Int(*found as u64)),
            ],
        ),
        CxmError::EmptyInput { what } => ("EmptyInput", vec![("what", Text(what.clone()))]),
        CxmError::MissingColumn {
            column: c,
            available,
        } => (
            "MissingColumn",
            vec![column(c), ("available", Text(available.clone()))],
        ),
        CxmError::InvalidArgument { name, reason } => (
            "InvalidArgument",
            vec![
                ("name", Text(name.clone())),
                ("reason", Text(reason.clone())),
            ],
        ),
        CxmError::Csv { row: r, message } => (
            "Csv",
            vec![
                ("row", OptInt(r.map(|r| r as u64))),
                ("message", Text(message.clone())),
            ],
        ),
        CxmError::Serialization { message } => {
            ("Serialization", vec![("message", Text(message.clone()))])
        }
        CxmError::FormatVersion { found, expected } => (
            "FormatVersion",
            vec![
                ("found", Int(u64::from(*found))),
                ("expected", Int(u64::from(*expected))),
            ],
        ),
        // A variant added to the core after this binding was written: raised as the
        // base class of its kind, with the message only.
        _ => ("", Vec::new()),
    }
}

/// One example of every variant, so the variant table is derived from [`describe`].
fn examples() -> Vec<CxmError> {
    let s = String::new;
    vec![
        CxmError::InvalidScore {
            row: 0,
            column: s(),
            value: 0.0,
            scale: Scale::Nps,
        },
        CxmError::NonFinite {
            row: 0,
            column: s(),
            value: 0.0,
        },
        CxmError::InvalidNumber {
            row: 0,
            column: s(),
            value: s(),
        },
        CxmError::InvalidWeight { row: 0, value: 0.0 },
        CxmError::InvalidTimestamp { row: 0, value: s() },
        CxmError::InvalidUtf8 {
            row: 0,
            column: s(),
        },
        CxmError::LengthMismatch {
            column: s(),
            expected: 0,
            found: 0,
        },
        CxmError::EmptyInput { what: s() },
        CxmError::MissingColumn {
            column: s(),
            available: s(),
        },
        CxmError::InvalidArgument {
            name: s(),
            reason: s(),
        },
        CxmError::Csv {
            row: None,
            message: s(),
        },
        CxmError::Serialization { message: s() },
        CxmError::FormatVersion {
            found: 0,
            expected: 0,
        },
    ]
}

fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidInput => "InvalidInput",
        ErrorKind::Io => "Io",
        ErrorKind::Serialization => "Serialization",
    }
}

/// `NPS 0-10`, `CSAT 1-5`, `CES 1-7`.
fn scale_name(scale: Scale) -> String {
    scale.to_string()
}

/// The core's error variants as `(variant, kind, field names)`, for `cxm.exceptions`.
#[pyfunction]
pub fn error_variants() -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    examples()
        .iter()
        .map(|e| {
            let (name, fields) = describe(e);
            (
                name,
                kind_name(e.kind()),
                fields.into_iter().map(|(f, _)| f).collect(),
            )
        })
        .collect()
}

static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Builds the Python exception for a core error (`cxm.exceptions._from_core`).
pub fn to_pyerr(e: CxmError) -> PyErr {
    Python::attach(|py| match build(py, &e) {
        Ok(err) => err,
        Err(_) => PyRuntimeError::new_err(e.to_string()),
    })
}

fn factory(py: Python<'_>) -> PyResult<&Py<PyAny>> {
    FACTORY.get_or_try_init(py, || {
        py.import("cxm.exceptions")?
            .getattr("_from_core")
            .map(Bound::unbind)
    })
}

fn build(py: Python<'_>, e: &CxmError) -> PyResult<PyErr> {
    let factory = factory(py)?;
    let (variant, fields) = describe(e);
    let kwargs = PyDict::new(py);
    for (name, value) in fields {
        match value {
            Field::Int(v) => kwargs.set_item(name, v)?,
            Field::OptInt(v) => kwargs.set_item(name, v)?,
            Field::Float(v) => kwargs.set_item(name, v)?,
            Field::Text(v) => kwargs.set_item(name, v)?,
        }
    }
    let args = PyTuple::new(py, [variant, kind_name(e.kind()), &e.to_string()])?;
    let exc = factory.bind(py).call(args, Some(&kwargs))?;
    Ok(PyErr::from_value(exc))
}

/// A core call that failed: an error, or a panic (a bug) caught before it reached Python.
pub enum Failure {
    Core(CxmError),
    Panic(String),
}

/// Runs a core call, catching a panic so that it never unwinds into Python.
pub fn catch<T>(f: impl FnOnce() -> Result<T, CxmError>) -> Result<T, Failure> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r.map_err(Failure::Core),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(Failure::Panic(what))
        }
    }
}

/// Runs a (heavy) core call with the GIL released and panics caught.
pub fn run<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    F: Send + FnOnce() -> Result<T, CxmError>,
    T: Send,
{
    py.detach(|| catch(f)).py()
}

/// Runs a light core call (GIL held) with panics caught.
pub fn guard<T>(f: impl FnOnce() -> Result<T, CxmError>) -> PyResult<T> {
    catch(f).py()
}

impl<T> IntoPyResult<T> for Result<T, Failure> {
    fn py(self) -> PyResult<T> {
        self.map_err(|f| match f {
            Failure::Core(e) => to_pyerr(e),
            Failure::Panic(what) => Python::attach(|py| {
                let message = format!("internal error in cxm (please report it): {what}");
                match internal_error(py, &message) {
                    Ok(err) => err,
                    Err(_) => PyRuntimeError::new_err(message),
                }
            }),
        })
    }
}

/// A plain `cxm.CxmError` (no core variant) for a caught panic.
fn internal_error(py: Python<'_>, message: &str) -> PyResult<PyErr> {
    let factory = factory(py)?;
    let exc = factory.bind(py).call1(("", "", message))?;
    Ok(PyErr::from_value(exc))
}

/// `Result<T, CxmError>` → `PyResult<T>`.
pub trait IntoPyResult<T> {
    fn py(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for Result<T, CxmError> {
    fn py(self) -> PyResult<T> {
        self.map_err(to_pyerr)
    }
}

/// An `InvalidArgument` error.
pub fn invalid_argument(name: &str, reason: impl Into<String>) -> CxmError {
    CxmError::InvalidArgument {
        name: name.to_string(),
        reason: reason.into(),
    }
}

/// Rewrites the row index of a row-level error (used after the binding filtered rows).
pub fn map_row(e: CxmError, f: impl Fn(usize) -> usize) -> CxmError {
    match e {
        CxmError::InvalidScore {
            row,
            column,
            value,
            scale,
        } => CxmError::InvalidScore {
            row: f(row),
            column,
            value,
            scale,
        },
        CxmError::NonFinite { row, column, value } => CxmError::NonFinite {
            row: f(row),
            column,
            value,
        },
        CxmError::InvalidNumber { row, column, value } => CxmError::InvalidNumber {
            row: f(row),
            column,
            value,
        },
        CxmError::InvalidWeight { row, value } => CxmError::InvalidWeight { row: f(row), value },
        CxmError::InvalidTimestamp { row, value } => {
            CxmError::InvalidTimestamp { row: f(row), value }
        }
        CxmError::InvalidUtf8 { row, column } => CxmError::InvalidUtf8 {
            row: f(row),
            column,
        },
        other => other,
    }
}
