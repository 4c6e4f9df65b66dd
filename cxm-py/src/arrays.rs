//! Borrowing numpy arrays as Rust slices without copying.
//!
//! The pure-Python layer (`cxm/_columns.py`) hands over C-contiguous one-dimensional
//! arrays of the dtypes below; anything else was converted there. Each wrapper holds a
//! read-only borrow of the array for as long as the core works on its slice (with the
//! GIL released).

use cxm_core::segment::{Answers, Codes};
use cxm_core::CxmError;
use numpy::{PyArray1, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::errors::{invalid_argument, to_pyerr};

/// Borrows a one-dimensional array of `T` read-only.
pub fn borrow<'py, T: numpy::Element>(
    obj: &Bound<'py, PyAny>,
    name: &str,
) -> PyResult<PyReadonlyArray1<'py, T>> {
    let arr = obj.cast::<PyArray1<T>>().map_err(|_| {
        to_pyerr(invalid_argument(
            name,
            format!(
                "expected a one-dimensional numpy array of {}",
                std::any::type_name::<T>()
            ),
        ))
    })?;
    arr.try_readonly().map_err(|e| {
        to_pyerr(invalid_argument(
            name,
            format!("array is being written elsewhere: {e}"),
        ))
    })
}

/// Borrows an optional array.
pub fn borrow_opt<'py, T: numpy::Element>(
    obj: Option<&Bound<'py, PyAny>>,
    name: &str,
) -> PyResult<Option<PyReadonlyArray1<'py, T>>> {
    obj.filter(|o| !o.is_none())
        .map(|o| borrow(o, name))
        .transpose()
}

/// The slice of a borrowed array (fails for non-contiguous arrays).
pub fn slice<'a, T: numpy::Element>(
    arr: &'a PyReadonlyArray1<'_, T>,
    name: &str,
) -> PyResult<&'a [T]> {
    arr.as_slice().map_err(|_| not_contiguous(name))
}

fn not_contiguous(name: &str) -> PyErr {
    to_pyerr(invalid_argument(name, "array must be C-contiguous"))
}

/// A score column in any numeric dtype the core reads directly.
pub enum AnswerArray<'py> {
    F64(PyReadonlyArray1<'py, f64>),
    F32(PyReadonlyArray1<'py, f32>),
    I64(PyReadonlyArray1<'py, i64>),
    I32(PyReadonlyArray1<'py, i32>),
    I16(PyReadonlyArray1<'py, i16>),
    I8(PyReadonlyArray1<'py, i8>),
    U8(PyReadonlyArray1<'py, u8>),
}

impl<'py> AnswerArray<'py> {
    /// Borrows `obj`, which must be a 1-D array of float64/32, int64/32/16/8 or uint8.
    pub fn borrow(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        macro_rules! attempt {
            ($($t:ty => $v:ident),*) => {
                $(if obj.cast::<PyArray1<$t>>().is_ok() {
                    return Ok(AnswerArray::$v(borrow::<$t>(obj, name)?));
                })*
            };
        }
        attempt!(f64 => F64, f32 => F32, i64 => I64, i32 => I32, i16 => I16, i8 => I8, u8 => U8);
        Err(to_pyerr(invalid_argument(
            name,
            "expected a 1-D numpy array of float64, float32, int64, int32, int16, int8 or uint8",
        )))
    }

    /// The core view of the column.
    pub fn answers(&self) -> PyResult<Answers<'_>> {
        let e = |_| not_contiguous("answers");
        Ok(match self {
            AnswerArray::F64(a) => Answers::F64(a.as_slice().map_err(e)?),
            AnswerArray::F32(a) => Answers::F32(a.as_slice().map_err(e)?),
            AnswerArray::I64(a) => Answers::I64(a.as_slice().map_err(e)?),
            AnswerArray::I32(a) => Answers::I32(a.as_slice().map_err(e)?),
            AnswerArray::I16(a) => Answers::I16(a.as_slice().map_err(e)?),
            AnswerArray::I8(a) => Answers::I8(a.as_slice().map_err(e)?),
            AnswerArray::U8(a) => Answers::U8(a.as_slice().map_err(e)?),
        })
    }
}

/// Categorical codes in any signed integer width (pandas categorical codes, factorize).
pub enum CodeArray<'py> {
    I8(PyReadonlyArray1<'py, i8>),
    I16(PyReadonlyArray1<'py, i16>),
    I32(PyReadonlyArray1<'py, i32>),
    I64(PyReadonlyArray1<'py, i64>),
}

impl<'py> CodeArray<'py> {
    /// Borrows `obj`, which must be a 1-D array of int8/16/32/64.
    pub fn borrow(obj: &Bound<'py, PyAny>, name: &str) -> PyResult<Self> {
        macro_rules! attempt {
            ($($t:ty => $v:ident),*) => {
                $(if obj.cast::<PyArray1<$t>>().is_ok() {
                    return Ok(CodeArray::$v(borrow::<$t>(obj, name)?));
                })*
            };
        }
        attempt!(i8 => I8, i16 => I16, i32 => I32, i64 => I64);
        Err(to_pyerr(invalid_argument(
            name,
            "expected a 1-D numpy array of int8, int16, int32 or int64 codes",
        )))
    }

    /// The core view of the codes.
    pub fn codes(&self, name: &str) -> PyResult<Codes<'_>> {
        let e = |_| not_contiguous(name);
        Ok(match self {
            CodeArray::I8(a) => Codes::I8(a.as_slice().map_err(e)?),
            CodeArray::I16(a) => Codes::I16(a.as_slice().map_err(e)?),
            CodeArray::I32(a) => Codes::I32(a.as_slice().map_err(e)?),
            CodeArray::I64(a) => Codes::I64(a.as_slice().map_err(e)?),
        })
    }
}

/// Parses text timestamps with the core parser; unparsable ones become `i64::MIN`
/// (which the core counts as a bad row). Returns the epoch seconds.
pub fn parse_timestamps(text: &[String]) -> Vec<i64> {
    text.iter()
        .map(|s| cxm_core::time::parse_timestamp(s).unwrap_or(i64::MIN))
        .collect()
}

/// Restores the text of an unparsable timestamp in the core's error (the core only saw
/// `i64::MIN` and calls it "missing"). Without text (epoch columns, where `i64::MIN` is
/// pandas' NaT) the value is named "NaT".
pub fn restore_timestamp_text(e: CxmError, text: Option<&[String]>) -> CxmError {
    match e {
        CxmError::InvalidTimestamp { row, value } if value == "missing" => {
            let value = match text.and_then(|t| t.get(row)) {
                Some(s) => s.clone(),
                None => "NaT".to_string(),
            };
            CxmError::InvalidTimestamp { row, value }
        }
        other => other,
    }
}
