//! Hotspot search: the slices (combinations of one to three dimensions, time buckets
//! included) that cost the overall score the most points, with q-values that pay for the
//! whole search. The ranking is `cxm_core::segment::hotspots`'.

use std::ffi::{c_char, CString};
use std::mem::size_of;

use cxm_core::segment::{hotspots, Hotspot, HotspotOptions, HotspotSummary};

use crate::args::{self, Versioned};
use crate::metrics::{cxm_nps_interval, nps_interval, or_default};
use crate::segment::{
    cxm_flag, cxm_segment_columns, cxm_segment_spec, flag, json, segment_spec, with_columns,
};
use crate::status::{cxm_status, guard, run, Failure, FfiResult};
use crate::table::{cxm_policy, cxm_table, policy_of};

/// Hotspot search options. Zero in any field means its default; NULL means all defaults.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_hotspot_options {
    /// `sizeof(cxm_hotspot_options)`.
    pub size: usize,
    /// Slices with fewer answers are not considered. 0 = 30.
    pub min_n: u64,
    /// Confidence level of intervals. 0 = 0.95.
    pub confidence: f64,
    /// False discovery rate over all slices tested. 0 = 0.05.
    pub alpha: f64,
    /// A `CXM_NPS_INTERVAL_*` value. 0 = Wald.
    pub nps_interval: cxm_nps_interval,
    /// Largest number of dimensions combined, 1–3. 0 = 3.
    pub max_depth: u32,
    /// Number of hotspots returned. 0 = 10.
    pub top: u64,
    /// A more specific slice replaces a reported one when it carries at least this share
    /// of its cost, in (0, 1]. 0 = the default, 0.5.
    pub concentration: f64,
}

/// One hotspot. Its conditions are read with `cxm_hotspot_list_condition`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cxm_hotspot {
    /// `sizeof(cxm_hotspot)`, set by the caller; on return, the bytes written.
    pub size: usize,
    /// Number of answers in the slice.
    pub n: u64,
    pub weighted_n: f64,
    /// Metric of the slice and its interval.
    pub value: f64,
    pub low: f64,
    pub high: f64,
    /// Metric of all other rows.
    pub rest: f64,
    /// `value − rest`.
    pub diff: f64,
    /// Points the overall metric would gain if the slice scored like the rest.
    pub cost: f64,
    pub p_value: f64,
    /// Benjamini–Hochberg q-value across every slice tested.
    pub q_value: f64,
    /// Number of `(dimension, label)` conditions defining the slice (1–3).
    pub n_conditions: usize,
    /// A `CXM_FLAG_*` value (hotspots are `CXM_FLAG_WORSE`).
    pub flag: cxm_flag,
    pub _reserved: u32,
}

unsafe impl Versioned for cxm_hotspot_options {
    const NAME: &'static str = "cxm_hotspot_options";
}
unsafe impl Versioned for cxm_hotspot {
    const NAME: &'static str = "cxm_hotspot";
}

/// Hotspots ranked by cost, largest first (opaque). Strings returned by its accessors are
/// borrowed from it and live until `cxm_hotspot_list_free`.
pub struct cxm_hotspot_list {
    list: Vec<Hotspot>,
    conditions: Vec<Vec<(CString, CString)>>,
    descriptions: Vec<CString>,
}

/// Finds the slices of `table` that cost `spec->metric` the most points: every
/// combination of 1..`max_depth` of the spec's dimensions is grouped, each group tested
/// against the rest (q-values over all of them), significantly worse groups ranked by
/// `cost = (W_g/W)·(rest − value)`, redundant refinements dropped.
///
/// # Safety
///
/// `table` must be a live table handle, `spec` a valid `cxm_segment_spec`, `opts` NULL or
/// valid, `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn cxm_hotspots(
    table: *const cxm_table,
    spec: *const cxm_segment_spec,
    opts: *const cxm_hotspot_options,
    out: *mut *mut cxm_hotspot_list,
) -> cxm_status {
    run("cxm_hotspots", || {
        args::handle_out(out, "out")?;
        let t = args::handle(table, "table")?;
        let spec = segment_spec(spec)?;
        let opts = hotspot_options(opts)?;
        let list = hotspots(t.inner(), &spec, &opts)?;
        args::give(out, cxm_hotspot_list::new(list));
        Ok(())
    })
}

/// Hotspot search straight from arrays (see `cxm_segment_from_columns`); bad rows are
/// rejected or skipped under `policy`.
///
/// # Safety
///
/// `cols` must be a valid `cxm_segment_columns` whose arrays hold the declared number of
/// elements; `opts` NULL or valid; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn cxm_hotspots_from_columns(
    cols: *const cxm_segment_columns,
    policy: cxm_policy,
    opts: *const cxm_hotspot_options,
    out: *mut *mut cxm_hotspot_list,
) -> cxm_status {
    run("cxm_hotspots_from_columns", || {
        args::handle_out(out, "out")?;
        let opts = hotspot_options(opts)?;
        let policy = policy_of(policy)?;
        let list = with_columns(cols, |c| {
            Ok(HotspotSummary::from_columns(c, opts.max_depth, policy)?.finish(&opts)?)
        })?;
        args::give(out, cxm_hotspot_list::new(list));
        Ok(())
    })
}

/// Number of hotspots (0 for NULL).
///
/// # Safety
///
/// `l` must be NULL or a live hotspot list handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_hotspot_list_len(l: *const cxm_hotspot_list) -> usize {
    guard(0, || l.as_ref().map_or(0, |l| l.list.len()))
}

/// Hotspot `i` (0 = costliest). An index out of range is `CXM_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `l` must be a live hotspot list handle; `out` a `cxm_hotspot` whose `size` is set.
#[no_mangle]
pub unsafe extern "C" fn cxm_hotspot_list_get(
    l: *const cxm_hotspot_list,
    i: usize,
    out: *mut cxm_hotspot,
) -> cxm_status {
    run("cxm_hotspot_list_get", || {
        let h = args::handle(l, "l")?.item(i)?;
        let value = cxm_hotspot {
            size: size_of::<cxm_hotspot>(),
            n: h.n,
            weighted_n: h.weighted_n,
            value: h.value,
            low: h.low,
            high: h.high,
            rest: h.rest,
            diff: h.diff,
            cost: h.cost,
            p_value: h.p_value,
            q_value: h.q_value,
            n_conditions: h.conditions.len(),
            flag: flag(h.flag),
            _reserved: 0,
        };
        args::write_versioned(out, value, "out")
    })
}

/// Condition `j` of hotspot `i`: `*dimension` (an attribute or bucket name) and
/// `*label`, both borrowed from `l`. Indices out of range are `CXM_INVALID_ARGUMENT`.
///
/// # Safety
///
/// `l` must be a live hotspot list handle; `dimension` and `label` valid `const char**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_hotspot_list_condition(
    l: *const cxm_hotspot_list,
    i: usize,
    j: usize,
    dimension: *mut *const c_char,
    label: *mut *const c_char,
) -> cxm_status {
    run("cxm_hotspot_list_condition", || {
        if dimension.is_null() {
            return Err(Failure::null("dimension"));
        }
        if label.is_null() {
            return Err(Failure::null("label"));
        }
        let l = args::handle(l, "l")?;
        l.item(i)?;
        let conditions = &l.conditions[i];
        let (d, v) = conditions.get(j).ok_or_else(|| {
            Failure::argument(
                "j",
                format!(
                    "condition {j} is out of range (hotspot {i} has {})",
                    conditions.len()
                ),
            )
        })?;
        dimension.write(d.as_ptr());
        label.write(v.as_ptr());
        Ok(())
    })
}

/// Hotspot `i` described as `store=Leeds Central & daypart=evening`, borrowed from `l`;
/// NULL if `l` is NULL or `i` out of range.
///
/// # Safety
///
/// `l` must be NULL or a live hotspot list handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_hotspot_list_describe(
    l: *const cxm_hotspot_list,
    i: usize,
) -> *const c_char {
    guard(std::ptr::null(), || {
        l.as_ref()
            .and_then(|l| l.descriptions.get(i))
            .map_or(std::ptr::null(), |s| s.as_ptr())
    })
}

/// The list as JSON in `*out`; free it with `cxm_string_free`.
///
/// # Safety
///
/// `l` must be a live hotspot list handle; `out` a valid `char**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_hotspot_list_to_json(
    l: *const cxm_hotspot_list,
    out: *mut *mut c_char,
) -> cxm_status {
    run("cxm_hotspot_list_to_json", || {
        let l = args::handle(l, "l")?;
        args::give_string(out, json(serde_json::to_string(&l.list))?, "out")
    })
}

/// Frees a hotspot list; NULL is a no-op.
///
/// # Safety
///
/// `l` must be NULL or a live handle from this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cxm_hotspot_list_free(l: *mut cxm_hotspot_list) {
    guard((), || args::free(l))
}

impl cxm_hotspot_list {
    fn new(list: Vec<Hotspot>) -> Self {
        let conditions = list
            .iter()
            .map(|h| {
                h.conditions
                    .iter()
                    .map(|(d, v)| (args::c_string(d.clone()), args::c_string(v.clone())))
                    .collect()
            })
            .collect();
        let descriptions = list.iter().map(|h| args::c_string(h.describe())).collect();
        cxm_hotspot_list {
            list,
            conditions,
            descriptions,
        }
    }

    fn item(&self, i: usize) -> FfiResult<&Hotspot> {
        self.list.get(i).ok_or_else(|| {
            Failure::argument(
                "i",
                format!(
                    "hotspot {i} is out of range (the list has {})",
                    self.list.len()
                ),
            )
        })
    }
}

unsafe fn hotspot_options(opts: *const cxm_hotspot_options) -> FfiResult<HotspotOptions> {
    let defaults = HotspotOptions::default();
    let Some(o) = args::read_versioned(opts, "opts")? else {
        return Ok(defaults);
    };
    let seg = defaults.segment;
    let max_depth = if o.max_depth == 0 {
        defaults.max_depth
    } else {
        usize::try_from(o.max_depth).unwrap_or(usize::MAX)
    };
    let top = if o.top == 0 {
        defaults.top
    } else {
        usize::try_from(o.top).unwrap_or(usize::MAX)
    };
    Ok(HotspotOptions {
        segment: cxm_core::segment::SegmentOptions {
            min_n: if o.min_n == 0 { seg.min_n } else { o.min_n },
            confidence: or_default(o.confidence, seg.confidence),
            alpha: or_default(o.alpha, seg.alpha),
            nps_interval: nps_interval(o.nps_interval, "opts->nps_interval")?,
        },
        max_depth,
        top,
        concentration: or_default(o.concentration, defaults.concentration),
    })
}
