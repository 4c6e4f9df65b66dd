//! Reading arguments from C callers and writing results back: arrays, strings, versioned
//! structs and opaque handles. Every function here checks before it dereferences:
//! NULL, alignment, and sizes, so that a caller's mistake becomes a status instead of
//! undefined behaviour wherever it can be detected.

use std::ffi::{c_char, CStr, CString};
use std::mem::size_of;

use cxm_core::CxmError;

use crate::status::{Failure, FfiResult};

/// Largest `size` accepted in a versioned struct: far beyond any real version, small
/// enough that a garbage `size` is rejected instead of read past.
const MAX_STRUCT_SIZE: usize = 1 << 16;

/// A `#[repr(C)]` struct that starts with `size_t size` (set by the caller to `sizeof`
/// the struct it was compiled with) and whose fields are all plain numbers or pointers,
/// so that all-zero bytes are a valid value.
///
/// # Safety
///
/// Implementors must be `#[repr(C)]`, have a `usize` field at offset 0, contain no
/// padding, and be valid when zeroed.
pub(crate) unsafe trait Versioned: Copy + 'static {
    /// C type name for messages.
    const NAME: &'static str;
    /// Size of the first released version of the struct; callers compiled against it
    /// keep working when fields are appended.
    const MIN_SIZE: usize = size_of::<Self>();
}

/// Borrows `n` elements at `ptr`. NULL is accepted only when `n == 0`.
pub(crate) unsafe fn slice<'a, T>(ptr: *const T, n: usize, what: &str) -> FfiResult<&'a [T]> {
    if n == 0 {
        return Ok(&[]);
    }
    check_required_array(ptr, n, what)?;
    Ok(std::slice::from_raw_parts(ptr, n))
}

/// Checks a caller's output array of `n` elements (possibly uninitialized: it is only
/// written through the pointer, never read). NULL is accepted only when `n` is 0.
pub(crate) fn out_array<T>(ptr: *mut T, n: usize, what: &str) -> FfiResult<*mut T> {
    if n > 0 {
        check_required_array(ptr.cast_const(), n, what)?;
    }
    Ok(ptr)
}

/// [`check_array`] for an array that must be there (`n > 0`): NULL is an error.
fn check_required_array<T>(ptr: *const T, n: usize, what: &str) -> FfiResult<()> {
    if ptr.is_null() {
        return Err(Failure::Null(format!(
            "argument `{what}` is NULL but its length is {n}"
        )));
    }
    check_array(ptr, n, what)
}

/// Borrows an optional array of `n` elements: NULL means "absent".
pub(crate) unsafe fn opt_slice<'a, T>(
    ptr: *const T,
    n: usize,
    what: &str,
) -> FfiResult<Option<&'a [T]>> {
    if ptr.is_null() {
        return Ok(None);
    }
    if n == 0 {
        return Ok(Some(&[]));
    }
    check_array(ptr, n, what)?;
    Ok(Some(std::slice::from_raw_parts(ptr, n)))
}

/// Copies an optional `bool` mask of `n` elements, reading bytes so that any nonzero byte
/// is `true` (a Rust `bool` must be exactly 0 or 1; a C buffer need not be).
pub(crate) unsafe fn opt_mask(
    ptr: *const bool,
    n: usize,
    what: &str,
) -> FfiResult<Option<Vec<bool>>> {
    Ok(opt_slice(ptr.cast::<u8>(), n, what)?.map(|bytes| bytes.iter().map(|&b| b != 0).collect()))
}

fn check_array<T>(ptr: *const T, n: usize, what: &str) -> FfiResult<()> {
    if !ptr.is_aligned() {
        return Err(Failure::argument(
            what,
            format!(
                "pointer {ptr:p} is not aligned to {} bytes",
                align_of::<T>()
            ),
        ));
    }
    if n.checked_mul(size_of::<T>())
        .is_none_or(|b| b > isize::MAX as usize)
    {
        return Err(Failure::argument(what, format!("length {n} is too large")));
    }
    Ok(())
}

/// Borrows a required NUL-terminated UTF-8 argument string.
pub(crate) unsafe fn string<'a>(ptr: *const c_char, what: &str) -> FfiResult<&'a str> {
    if ptr.is_null() {
        return Err(Failure::null(what));
    }
    CStr::from_ptr(ptr)
        .to_str()
        .map_err(|_| Failure::Utf8(format!("argument `{what}` is not valid UTF-8")))
}

/// Borrows an optional argument string (NULL = absent).
pub(crate) unsafe fn opt_string<'a>(ptr: *const c_char, what: &str) -> FfiResult<Option<&'a str>> {
    if ptr.is_null() {
        Ok(None)
    } else {
        string(ptr, what).map(Some)
    }
}

/// Borrows an array of `n` required argument strings (names, level labels).
pub(crate) unsafe fn strings<'a>(
    ptr: *const *const c_char,
    n: usize,
    what: &str,
) -> FfiResult<Vec<&'a str>> {
    slice(ptr, n, what)?
        .iter()
        .enumerate()
        .map(|(i, &p)| string(p, &format!("{what}[{i}]")))
        .collect()
}

/// Problems found in row data while converting it (invalid UTF-8, NULL strings). They are
/// handed to the core's table builder as bad rows, so `reject` / `skip` treat them like
/// any other bad value.
#[derive(Debug, Default)]
pub(crate) struct RowProblems {
    /// `(row, error)` in discovery order.
    pub(crate) rows: Vec<(usize, CxmError)>,
    /// The errors standing for NULL strings, to report them as `CXM_NULL_POINTER`.
    nulls: Vec<CxmError>,
}

impl RowProblems {
    /// Converts a row-data string column of `n` elements. A NULL element or invalid UTF-8
    /// makes its row bad and reads as `""`.
    ///
    /// A NULL element is recorded as `CxmError::InvalidArgument` naming the column and row:
    /// skipped rows count it under `malformed_record` (a record lacking a field), and
    /// under `reject` the call returns `CXM_NULL_POINTER` (see [`RowProblems::failure`]).
    pub(crate) unsafe fn text<'a>(
        &mut self,
        ptr: *const *const c_char,
        n: usize,
        column: &str,
    ) -> FfiResult<Vec<&'a str>> {
        let cells = slice(ptr, n, column)?;
        let mut out = Vec::with_capacity(n);
        for (row, &p) in cells.iter().enumerate() {
            if p.is_null() {
                let err = CxmError::InvalidArgument {
                    name: column.to_string(),
                    reason: format!("row {row} is a NULL string (pass \"\" for an empty value)"),
                };
                self.nulls.push(err.clone());
                self.rows.push((row, err));
                out.push("");
                continue;
            }
            match CStr::from_ptr(p).to_str() {
                Ok(s) => out.push(s),
                Err(_) => {
                    self.rows.push((
                        row,
                        CxmError::InvalidUtf8 {
                            row,
                            column: column.to_string(),
                        },
                    ));
                    out.push("");
                }
            }
        }
        Ok(out)
    }

    /// The failure for an error the table builder returned: a NULL-string row becomes
    /// `CXM_NULL_POINTER`, everything else keeps its own code.
    pub(crate) fn failure(&self, err: CxmError) -> Failure {
        if self.nulls.contains(&err) {
            Failure::Null(err.to_string())
        } else {
            Failure::Core(err)
        }
    }
}

/// Reads a versioned struct. NULL gives `None` (the caller wants every default).
pub(crate) unsafe fn read_versioned<T: Versioned>(
    ptr: *const T,
    what: &str,
) -> FfiResult<Option<T>> {
    if ptr.is_null() {
        return Ok(None);
    }
    let size = checked_size::<T>(ptr, what)?;
    if size > size_of::<T>() {
        // A caller built against a newer header: fields this version does not know must
        // be unset (zero), or it would silently ignore what the caller asked for.
        let bytes = std::slice::from_raw_parts(ptr.cast::<u8>(), size);
        if bytes[size_of::<T>()..].iter().any(|&b| b != 0) {
            return Err(Failure::argument(
                what,
                format!(
                    "{} sets fields this library version ({}) does not know (size {size}, \
                     known {})",
                    T::NAME,
                    env!("CARGO_PKG_VERSION"),
                    size_of::<T>()
                ),
            ));
        }
    }
    // Zero-fill what an older caller did not provide; zero means "default".
    let mut value = std::mem::MaybeUninit::<T>::zeroed();
    std::ptr::copy_nonoverlapping(
        ptr.cast::<u8>(),
        value.as_mut_ptr().cast::<u8>(),
        size.min(size_of::<T>()),
    );
    Ok(Some(value.assume_init()))
}

/// Writes a versioned result struct: at most the caller's `size` bytes are written, and
/// `size` is set to the number written.
pub(crate) unsafe fn write_versioned<T: Versioned>(
    out: *mut T,
    value: T,
    what: &str,
) -> FfiResult<()> {
    if out.is_null() {
        return Err(Failure::null(what));
    }
    let size = checked_size::<T>(out, what)?;
    let written = size.min(size_of::<T>());
    std::ptr::copy_nonoverlapping(
        std::ptr::addr_of!(value).cast::<u8>(),
        out.cast::<u8>(),
        written,
    );
    out.cast::<usize>().write(written);
    Ok(())
}

unsafe fn checked_size<T: Versioned>(ptr: *const T, what: &str) -> FfiResult<usize> {
    if !ptr.is_aligned() {
        return Err(Failure::argument(
            what,
            format!(
                "pointer {ptr:p} is not aligned to {} bytes",
                align_of::<T>()
            ),
        ));
    }
    let size = ptr.cast::<usize>().read();
    if size < T::MIN_SIZE || size > MAX_STRUCT_SIZE {
        return Err(Failure::argument(
            what,
            format!(
                "{what}->size is {size}; set it to sizeof({}) = {}",
                T::NAME,
                size_of::<T>()
            ),
        ));
    }
    Ok(size)
}

/// Fails unless a reserved field is zero (so that it can be given a meaning later).
pub(crate) fn reserved_zero(value: u32, what: &str) -> FfiResult<()> {
    if value == 0 {
        Ok(())
    } else {
        Err(Failure::argument(what, "reserved field must be 0"))
    }
}

/// Stores a new handle in `*out` (which the caller checked is non-NULL).
pub(crate) unsafe fn give<T>(out: *mut *mut T, value: T) {
    out.write(Box::into_raw(Box::new(value)));
}

/// Checks an out-pointer for a new handle and sets `*out = NULL` so that it is NULL on
/// every failure.
pub(crate) unsafe fn handle_out<T>(out: *mut *mut T, what: &str) -> FfiResult<()> {
    if out.is_null() {
        return Err(Failure::null(what));
    }
    if !out.is_aligned() {
        return Err(Failure::argument(what, "pointer is not aligned"));
    }
    out.write(std::ptr::null_mut());
    Ok(())
}

/// Checks a caller-provided array of `n` out-pointers for new handles and sets every
/// element to NULL, so that all are NULL on every failure. NULL is accepted only when
/// `n == 0`.
pub(crate) unsafe fn handles_out<'a, T>(
    out: *mut *mut T,
    n: usize,
    what: &str,
) -> FfiResult<&'a mut [*mut T]> {
    if n == 0 {
        return Ok(&mut []);
    }
    check_required_array(out.cast_const(), n, what)?;
    // The elements may be uninitialized: write them before making a slice of them.
    for i in 0..n {
        out.add(i).write(std::ptr::null_mut());
    }
    Ok(std::slice::from_raw_parts_mut(out, n))
}

/// Borrows a handle.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, what: &str) -> FfiResult<&'a T> {
    ptr.as_ref().ok_or_else(|| Failure::null(what))
}

/// Borrows a handle mutably.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T, what: &str) -> FfiResult<&'a mut T> {
    ptr.as_mut().ok_or_else(|| Failure::null(what))
}

/// Frees a handle made by [`give`]; NULL is a no-op.
pub(crate) unsafe fn free<T>(ptr: *mut T) {
    if !ptr.is_null() {
        drop(Box::from_raw(ptr));
    }
}

/// Hands a string to the caller as `char*` (freed with `cxm_string_free`).
pub(crate) unsafe fn give_string(out: *mut *mut c_char, s: String, what: &str) -> FfiResult<()> {
    if out.is_null() {
        return Err(Failure::null(what));
    }
    out.write(c_string(s).into_raw());
    Ok(())
}

/// A C string of `s`; interior NULs (possible in CSV data) become U+FFFD so that the text
/// is never cut short.
pub(crate) fn c_string(s: String) -> CString {
    match CString::new(s) {
        Ok(c) => c,
        Err(e) => {
            let s = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{FFFD}");
            CString::new(s).unwrap_or_default()
        }
    }
}
