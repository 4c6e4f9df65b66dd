//! # cxm-ffi — the C ABI of cxm
//!
//! Builds `libcxm` (`cdylib` + `staticlib`) whose header, `include/cxm.h`, is generated
//! from this crate by cbindgen (pinned; see `tests/header.rs`). The crate converts types
//! and nothing else: every number it returns is computed by `cxm-core`.
//!
//! Conventions, the same for every function (see `docs/c-api.md`):
//!
//! - **Status codes.** Every function that can fail returns a [`cxm_status`]; on failure
//!   the text is in [`cxm_last_error_message`] (thread-local). No panic crosses the
//!   boundary: each entry point runs inside one guard (`catch_unwind`) and a panic becomes
//!   `CXM_PANIC`.
//! - **Pointers.** Every pointer argument is checked for NULL (`CXM_NULL_POINTER`); an
//!   array pointer may be NULL only when its length is 0. Strings are NUL-terminated
//!   UTF-8; invalid UTF-8 in an argument is `CXM_INVALID_UTF8`, in row data it makes that
//!   row bad (`CxmError::InvalidUtf8`).
//! - **Versioned structs.** Every struct passed by pointer starts with `size_t size`, set
//!   by the caller to `sizeof` the struct; fields can then be appended in later versions
//!   without breaking compiled callers. Zero in an option field means "the default".
//! - **Ownership.** Opaque handles come from `cxm_<thing>_new` (or a function returning
//!   one through an out pointer) and go back through `cxm_<thing>_free`. Strings the
//!   library returns as `char*` are freed with [`cxm_string_free`]; `const char*`
//!   results are borrowed from the handle they came from.

// C names (`cxm_nps_result`, `CXM_OK`) are the API; Rust naming rules do not apply.
#![allow(non_camel_case_types)]

// Module order is the order of functions in the generated header.
pub mod status;

pub mod metrics;

pub mod table;

pub mod segment;

pub mod hotspot;

pub mod sentiment;

mod args;

#[cfg(test)]
mod boundary_tests;

use std::ffi::{c_char, CString};

use crate::status::guard;

pub use hotspot::*;
pub use metrics::*;
pub use segment::*;
pub use sentiment::*;
pub use status::*;
pub use table::*;

/// The library version, `MAJOR.MINOR.PATCH` (static string, never freed).
#[no_mangle]
pub extern "C" fn cxm_version() -> *const c_char {
    guard(c"".as_ptr(), || {
        concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
    })
}

/// Frees a string returned by the library as `char*` (JSON and the like). NULL is a
/// no-op.
///
/// # Safety
///
/// `s` must be NULL or a string returned by a `cxm_` function as `char*` that has not
/// been freed yet.
#[no_mangle]
pub unsafe extern "C" fn cxm_string_free(s: *mut c_char) {
    guard((), || {
        if !s.is_null() {
            drop(CString::from_raw(s));
        }
    })
}
