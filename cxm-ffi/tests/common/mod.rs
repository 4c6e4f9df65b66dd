//! Helpers for calling the C API from Rust tests the way a C caller would.

#![allow(dead_code)]

use std::ffi::{c_char, CStr, CString};
use std::mem::size_of;

use cxm::cxm_status;

/// The last error message on this thread.
pub fn last_error() -> String {
    // SAFETY: cxm_last_error_message never returns NULL and the text is NUL-terminated.
    unsafe { CStr::from_ptr(cxm::cxm_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

/// Asserts a status and that the message contains every fragment.
#[track_caller]
pub fn expect(status: cxm_status, want: cxm_status, fragments: &[&str]) {
    let msg = last_error();
    assert_eq!(status, want, "message: {msg}");
    for f in fragments {
        assert!(msg.contains(f), "message {msg:?} lacks {f:?}");
    }
}

/// Asserts success.
#[track_caller]
pub fn ok(status: cxm_status) {
    assert_eq!(status, cxm_status::CXM_OK, "message: {}", last_error());
    assert_eq!(last_error(), "", "success clears the message");
    assert_eq!(cxm::cxm_last_error_row(), -1);
}

/// A zeroed versioned struct with `size` set, like `T v = { .size = sizeof v };` in C.
pub fn sized<T: Copy>() -> T {
    // SAFETY: every versioned struct of the API is plain numbers and pointers (and bools),
    // all valid when zeroed; `size` is its first field.
    unsafe {
        let mut v: T = std::mem::zeroed();
        (&mut v as *mut T).cast::<usize>().write(size_of::<T>());
        v
    }
}

/// NUL-terminated strings and the `const char* const*` array pointing at them.
pub struct CStrings {
    _owned: Vec<Option<CString>>,
    pub ptrs: Vec<*const c_char>,
}

impl CStrings {
    pub fn as_ptr(&self) -> *const *const c_char {
        self.ptrs.as_ptr()
    }
    pub fn len(&self) -> usize {
        self.ptrs.len()
    }
}

/// Strings as C strings; `None` becomes a NULL element.
pub fn cstrings_opt(v: &[Option<&[u8]>]) -> CStrings {
    let owned: Vec<Option<CString>> = v
        .iter()
        .map(|s| s.map(|b| CString::new(b).expect("no interior NUL in test data")))
        .collect();
    let ptrs = owned
        .iter()
        .map(|s| s.as_ref().map_or(std::ptr::null(), |c| c.as_ptr()))
        .collect();
    CStrings {
        _owned: owned,
        ptrs,
    }
}

/// Strings as C strings.
pub fn cstrings(v: &[&str]) -> CStrings {
    let bytes: Vec<Option<&[u8]>> = v.iter().map(|s| Some(s.as_bytes())).collect();
    cstrings_opt(&bytes)
}

/// Takes a library-owned string and frees it.
pub fn take_string(p: *mut c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: p came from the library as char* and is freed exactly once here.
    unsafe {
        let s = CStr::from_ptr(p).to_string_lossy().into_owned();
        cxm::cxm_string_free(p);
        s
    }
}

/// A borrowed C string as Rust text (panics on NULL).
pub fn borrowed(p: *const c_char) -> String {
    assert!(!p.is_null());
    // SAFETY: non-NULL, NUL-terminated string owned by a live handle.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// 200 NPS rows over two stores and four dayparts: store B in the evening scores 0,
/// everything else alternates 10 / 8. Timestamps are epoch seconds at UTC; hours cycle
/// through 08, 13, 19 and 23.
pub struct Planted {
    pub nps: Vec<f64>,
    pub store: Vec<&'static str>,
    pub store_codes: Vec<i32>,
    pub channel: Vec<&'static str>,
    pub timestamps: Vec<i64>,
}

pub fn planted() -> Planted {
    let hours = [8i64, 13, 19, 23];
    let mut p = Planted {
        nps: Vec::new(),
        store: Vec::new(),
        store_codes: Vec::new(),
        channel: Vec::new(),
        timestamps: Vec::new(),
    };
    for i in 0..400usize {
        let store_b = i % 2 == 1;
        let hour = hours[(i / 2) % 4];
        let day = (i / 8) as i64;
        p.timestamps
            .push(1_735_689_600 + day * 86_400 + hour * 3_600);
        p.store.push(if store_b { "B" } else { "A" });
        p.store_codes.push(i32::from(store_b));
        p.channel.push(if i % 3 == 0 { "web" } else { "app" });
        p.nps.push(if store_b && hour == 19 {
            0.0
        } else if i % 4 < 2 {
            10.0
        } else {
            8.0
        });
    }
    p
}
