//! Status codes, the thread-local last error, and the panic boundary every entry point
//! runs in.
//!
//! [`cxm_status`] maps each `CxmError` variant to its own code (numbers are explicit and
//! never reused), plus codes for problems only the C boundary has (NULL pointers, invalid
//! UTF-8 in an argument, panics). The message — the error's `Display` text, prefixed with
//! the function name — and the row it names (if any) are kept per thread until the next
//! status-returning call on that thread.

use std::any::Any;
use std::cell::RefCell;
use std::ffi::{c_char, CStr, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use cxm_core::error::ErrorKind;
use cxm_core::CxmError;

/// Result of every fallible `cxm_` function. Numbers are part of the ABI: they are never
/// changed or reused. Codes 10–19 refine `CXM_INVALID_INPUT` (the caller's data or
/// arguments are wrong); `CXM_FORMAT_VERSION` refines `CXM_SERIALIZATION`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum cxm_status {
    /// Success.
    CXM_OK = 0,
    /// Invalid input of a kind without a finer code (reserved for future `CxmError`
    /// variants; current ones have their own codes below).
    CXM_INVALID_INPUT = 1,
    /// A required pointer argument was NULL, or a string in a row array was NULL under
    /// the `reject` policy.
    CXM_NULL_POINTER = 2,
    /// Reading input failed: file not found, unreadable, or malformed CSV.
    CXM_IO = 3,
    /// A serialized summary could not be decoded.
    CXM_SERIALIZATION = 4,
    /// A bug: the library panicked. The call had no effect on its outputs; the message
    /// says where.
    CXM_PANIC = 5,
    /// A score is outside its scale or not an integer.
    CXM_INVALID_SCORE = 10,
    /// A score or value is NaN or infinite.
    CXM_NON_FINITE = 11,
    /// A text cell is not a number.
    CXM_INVALID_NUMBER = 12,
    /// A weight is negative, NaN or infinite.
    CXM_INVALID_WEIGHT = 13,
    /// A timestamp is neither ISO-8601 with an offset nor epoch seconds.
    CXM_INVALID_TIMESTAMP = 14,
    /// A string is not valid UTF-8 (an argument, or a row under the `reject` policy).
    CXM_INVALID_UTF8 = 15,
    /// Columns of one table have different lengths.
    CXM_LENGTH_MISMATCH = 16,
    /// No rows, or no rows left to compute on.
    CXM_EMPTY_INPUT = 17,
    /// A column named in a mapping or spec does not exist.
    CXM_MISSING_COLUMN = 18,
    /// An argument is outside its domain: an unknown enum value, a struct `size` that is
    /// too small, a nonzero reserved field, an index out of range, a bad confidence…
    CXM_INVALID_ARGUMENT = 19,
    /// A serialized summary was written by an incompatible format version.
    CXM_FORMAT_VERSION = 20,
}

impl cxm_status {
    /// Every status, in number order.
    ///
    /// cbindgen:ignore
    pub const ALL: [cxm_status; 17] = [
        cxm_status::CXM_OK,
        cxm_status::CXM_INVALID_INPUT,
        cxm_status::CXM_NULL_POINTER,
        cxm_status::CXM_IO,
        cxm_status::CXM_SERIALIZATION,
        cxm_status::CXM_PANIC,
        cxm_status::CXM_INVALID_SCORE,
        cxm_status::CXM_NON_FINITE,
        cxm_status::CXM_INVALID_NUMBER,
        cxm_status::CXM_INVALID_WEIGHT,
        cxm_status::CXM_INVALID_TIMESTAMP,
        cxm_status::CXM_INVALID_UTF8,
        cxm_status::CXM_LENGTH_MISMATCH,
        cxm_status::CXM_EMPTY_INPUT,
        cxm_status::CXM_MISSING_COLUMN,
        cxm_status::CXM_INVALID_ARGUMENT,
        cxm_status::CXM_FORMAT_VERSION,
    ];

    /// The status a core error maps to.
    pub fn of(err: &CxmError) -> cxm_status {
        use cxm_status::*;
        match err {
            CxmError::InvalidScore { .. } => CXM_INVALID_SCORE,
            CxmError::NonFinite { .. } => CXM_NON_FINITE,
            CxmError::InvalidNumber { .. } => CXM_INVALID_NUMBER,
            CxmError::InvalidWeight { .. } => CXM_INVALID_WEIGHT,
            CxmError::InvalidTimestamp { .. } => CXM_INVALID_TIMESTAMP,
            CxmError::InvalidUtf8 { .. } => CXM_INVALID_UTF8,
            CxmError::LengthMismatch { .. } => CXM_LENGTH_MISMATCH,
            CxmError::EmptyInput { .. } => CXM_EMPTY_INPUT,
            CxmError::MissingColumn { .. } => CXM_MISSING_COLUMN,
            CxmError::InvalidArgument { .. } => CXM_INVALID_ARGUMENT,
            CxmError::Csv { .. } => CXM_IO,
            CxmError::Serialization { .. } => CXM_SERIALIZATION,
            CxmError::FormatVersion { .. } => CXM_FORMAT_VERSION,
            // Variants added to the core later fall back to their coarse class.
            other => match other.kind() {
                ErrorKind::InvalidInput => CXM_INVALID_INPUT,
                ErrorKind::Io => CXM_IO,
                ErrorKind::Serialization => CXM_SERIALIZATION,
            },
        }
    }

    /// The constant's name, e.g. `CXM_INVALID_SCORE`.
    pub fn name(self) -> &'static CStr {
        use cxm_status::*;
        match self {
            CXM_OK => c"CXM_OK",
            CXM_INVALID_INPUT => c"CXM_INVALID_INPUT",
            CXM_NULL_POINTER => c"CXM_NULL_POINTER",
            CXM_IO => c"CXM_IO",
            CXM_SERIALIZATION => c"CXM_SERIALIZATION",
            CXM_PANIC => c"CXM_PANIC",
            CXM_INVALID_SCORE => c"CXM_INVALID_SCORE",
            CXM_NON_FINITE => c"CXM_NON_FINITE",
            CXM_INVALID_NUMBER => c"CXM_INVALID_NUMBER",
            CXM_INVALID_WEIGHT => c"CXM_INVALID_WEIGHT",
            CXM_INVALID_TIMESTAMP => c"CXM_INVALID_TIMESTAMP",
            CXM_INVALID_UTF8 => c"CXM_INVALID_UTF8",
            CXM_LENGTH_MISMATCH => c"CXM_LENGTH_MISMATCH",
            CXM_EMPTY_INPUT => c"CXM_EMPTY_INPUT",
            CXM_MISSING_COLUMN => c"CXM_MISSING_COLUMN",
            CXM_INVALID_ARGUMENT => c"CXM_INVALID_ARGUMENT",
            CXM_FORMAT_VERSION => c"CXM_FORMAT_VERSION",
        }
    }
}

/// The message of the last failed call on this thread (`""` when the last
/// status-returning call succeeded). Never NULL. The text stays valid until the next
/// `cxm_` call that returns a status on the same thread; copy it to keep it.
#[no_mangle]
pub extern "C" fn cxm_last_error_message() -> *const c_char {
    guard(c"".as_ptr(), || {
        LAST_ERROR.with(|e| e.borrow().message.as_ptr())
    })
}

/// The 0-based input row named by the last error on this thread (for CSV input: the
/// data row, header excluded), or -1 when it names no row.
#[no_mangle]
pub extern "C" fn cxm_last_error_row() -> i64 {
    guard(-1, || LAST_ERROR.with(|e| e.borrow().row))
}

/// The name of a status code (`"CXM_INVALID_SCORE"`), or `"CXM_UNKNOWN_STATUS"` for a
/// number that is not one. Static string, never freed.
#[no_mangle]
pub extern "C" fn cxm_status_name(code: i32) -> *const c_char {
    guard(UNKNOWN.as_ptr(), || {
        cxm_status::ALL
            .into_iter()
            .find(|s| *s as i32 == code)
            .map_or(UNKNOWN, cxm_status::name)
            .as_ptr()
    })
}

/// Runs an entry point inside the panic boundary: a panic is caught, recorded as the last
/// error and turned into `on_panic`. Every exported function goes through here (through
/// [`run`] when it returns a status).
pub(crate) fn guard<T>(on_panic: T, f: impl FnOnce() -> T) -> T {
    let result = catch_unwind(AssertUnwindSafe(|| {
        #[cfg(test)]
        test_hooks::maybe_panic();
        f()
    }));
    match result {
        Ok(v) => v,
        Err(payload) => {
            set_last_error(
                &format!("internal error (panic): {}", panic_text(&*payload)),
                None,
            );
            on_panic
        }
    }
}

/// Runs a status-returning entry point named `function`: `Ok` clears the last error and
/// returns `CXM_OK`; a failure records its message and returns its code; a panic returns
/// `CXM_PANIC`.
pub(crate) fn run(function: &str, f: impl FnOnce() -> FfiResult<()>) -> cxm_status {
    guard(cxm_status::CXM_PANIC, || match f() {
        Ok(()) => {
            clear_last_error();
            cxm_status::CXM_OK
        }
        Err(failure) => {
            let status = failure.status();
            set_last_error(&format!("{function}: {}", failure.message()), failure.row());
            status
        }
    })
}

/// Why a call failed, before it becomes a status and a message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Failure {
    /// An error from the core (or an argument error phrased as one).
    Core(CxmError),
    /// A NULL pointer; the text says which.
    Null(String),
    /// An argument string that is not UTF-8; the text says which.
    Utf8(String),
}

pub(crate) type FfiResult<T> = Result<T, Failure>;

impl From<CxmError> for Failure {
    fn from(e: CxmError) -> Self {
        Failure::Core(e)
    }
}

impl Failure {
    /// `CXM_NULL_POINTER` for argument `what`.
    pub(crate) fn null(what: &str) -> Self {
        Failure::Null(format!("argument `{what}` is NULL"))
    }

    /// `CXM_INVALID_ARGUMENT` for argument `name`.
    pub(crate) fn argument(name: &str, reason: impl Into<String>) -> Self {
        Failure::Core(CxmError::InvalidArgument {
            name: name.to_string(),
            reason: reason.into(),
        })
    }

    fn status(&self) -> cxm_status {
        match self {
            Failure::Core(e) => cxm_status::of(e),
            Failure::Null(_) => cxm_status::CXM_NULL_POINTER,
            Failure::Utf8(_) => cxm_status::CXM_INVALID_UTF8,
        }
    }

    fn message(&self) -> String {
        match self {
            Failure::Core(e) => e.to_string(),
            Failure::Null(m) | Failure::Utf8(m) => m.clone(),
        }
    }

    fn row(&self) -> Option<usize> {
        match self {
            Failure::Core(e) => error_row(e),
            Failure::Null(_) | Failure::Utf8(_) => None,
        }
    }
}

/// The row a core error names, if any.
fn error_row(e: &CxmError) -> Option<usize> {
    match e {
        CxmError::InvalidScore { row, .. }
        | CxmError::NonFinite { row, .. }
        | CxmError::InvalidNumber { row, .. }
        | CxmError::InvalidWeight { row, .. }
        | CxmError::InvalidTimestamp { row, .. }
        | CxmError::InvalidUtf8 { row, .. } => Some(*row),
        CxmError::Csv { row, .. } => *row,
        _ => None,
    }
}

const UNKNOWN: &CStr = c"CXM_UNKNOWN_STATUS";

struct LastError {
    message: CString,
    row: i64,
}

thread_local! {
    static LAST_ERROR: RefCell<LastError> = RefCell::new(LastError {
        message: CString::default(),
        row: -1,
    });
}

fn set_last_error(message: &str, row: Option<usize>) {
    // Interior NULs (from user data echoed in a message) would truncate the C string.
    let message = CString::new(message.replace('\0', "\\0")).unwrap_or_default();
    let row = row.and_then(|r| i64::try_from(r).ok()).unwrap_or(-1);
    LAST_ERROR.with(|e| *e.borrow_mut() = LastError { message, row });
}

fn clear_last_error() {
    LAST_ERROR.with(|e| {
        let mut e = e.borrow_mut();
        if !e.message.as_bytes().is_empty() || e.row != -1 {
            *e = LastError {
                message: CString::default(),
                row: -1,
            };
        }
    });
}

fn panic_text(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "unknown panic payload"
    }
}

/// Test-only fault injection: makes the next guarded call on this thread panic inside the
/// boundary, so tests can check that every entry point turns panics into `CXM_PANIC`.
#[cfg(test)]
pub(crate) mod test_hooks {
    use std::cell::Cell;

    thread_local! {
        static PANIC_NEXT: Cell<bool> = const { Cell::new(false) };
    }

    /// Arms the hook for the next guarded call on this thread.
    pub(crate) fn panic_next_call() {
        PANIC_NEXT.with(|p| p.set(true));
    }

    pub(super) fn maybe_panic() {
        if PANIC_NEXT.with(|p| p.replace(false)) {
            panic!("injected test panic");
        }
    }
}
