//! The one error type of `cxm-core`.
//!
//! Every variant carries the structured context a caller needs to act on it (row index,
//! column name, offending value, allowed range). Bindings map variants onto their own
//! conventions: Python exception subclasses with the same fields as attributes, C status
//! codes plus `cxm_last_error_message()`.

use crate::metrics::Scale;

/// Result alias used throughout `cxm-core`.
pub type Result<T> = std::result::Result<T, CxmError>;

/// Everything that can go wrong in `cxm-core`.
///
/// Row indices are 0-based positions in the input (for CSV files: data rows, the header
/// excluded).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CxmError {
    /// A score is finite but outside its scale or not an integer.
    #[error("row {row}, column `{column}`: score {value} is not an integer in {}..={} ({scale})", scale.min(), scale.max())]
    InvalidScore {
        row: usize,
        column: String,
        value: f64,
        scale: Scale,
    },
    /// A numeric value is NaN or infinite.
    #[error("row {row}, column `{column}`: value {value} is not finite")]
    NonFinite {
        row: usize,
        column: String,
        value: f64,
    },
    /// A text cell could not be parsed as a number.
    #[error("row {row}, column `{column}`: `{value}` is not a number")]
    InvalidNumber {
        row: usize,
        column: String,
        value: String,
    },
    /// A weight is negative, NaN or infinite.
    #[error("row {row}: weight {value} must be finite and >= 0")]
    InvalidWeight { row: usize, value: f64 },
    /// A timestamp is neither ISO-8601 with an offset nor epoch seconds.
    #[error("row {row}: timestamp `{value}` is neither ISO-8601 with offset (2025-03-04T18:30:00+01:00) nor epoch seconds")]
    InvalidTimestamp { row: usize, value: String },
    /// A text cell is not valid UTF-8 (C callers).
    #[error("row {row}, column `{column}`: text is not valid UTF-8")]
    InvalidUtf8 { row: usize, column: String },
    /// Two columns of one table have different lengths.
    #[error("column `{column}` has {found} rows, expected {expected}")]
    LengthMismatch {
        column: String,
        expected: usize,
        found: usize,
    },
    /// No rows at all, or no rows left to compute on.
    #[error("empty input: {what}")]
    EmptyInput { what: String },
    /// A column named in a mapping or spec does not exist.
    #[error("column `{column}` not found (available: {available})")]
    MissingColumn { column: String, available: String },
    /// An argument is outside its allowed domain.
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument { name: String, reason: String },
    /// The CSV reader failed (I/O or malformed record).
    #[error("CSV error{}: {message}", row.map(|r| format!(" at row {r}")).unwrap_or_default())]
    Csv { row: Option<usize>, message: String },
    /// Serialized summary could not be decoded.
    #[error("serialization error: {message}")]
    Serialization { message: String },
    /// Serialized summary was written by an incompatible format version.
    #[error(
        "summary format version {found} is not supported (this build reads version {expected})"
    )]
    FormatVersion { found: u32, expected: u32 },
}

impl CxmError {
    pub(crate) fn invalid_argument(name: &str, reason: impl Into<String>) -> Self {
        CxmError::InvalidArgument {
            name: name.to_string(),
            reason: reason.into(),
        }
    }

    /// Short stable identifier of the variant (used for C status codes and Python classes).
    pub fn kind(&self) -> ErrorKind {
        match self {
            CxmError::InvalidScore { .. }
            | CxmError::NonFinite { .. }
            | CxmError::InvalidNumber { .. }
            | CxmError::InvalidWeight { .. }
            | CxmError::InvalidTimestamp { .. }
            | CxmError::InvalidUtf8 { .. }
            | CxmError::LengthMismatch { .. }
            | CxmError::EmptyInput { .. }
            | CxmError::MissingColumn { .. }
            | CxmError::InvalidArgument { .. } => ErrorKind::InvalidInput,
            CxmError::Csv { .. } => ErrorKind::Io,
            CxmError::Serialization { .. } | CxmError::FormatVersion { .. } => {
                ErrorKind::Serialization
            }
        }
    }
}

/// Coarse error classes, stable across versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The caller's data or arguments are wrong.
    InvalidInput,
    /// Reading input failed.
    Io,
    /// Decoding a serialized value failed.
    Serialization,
}
