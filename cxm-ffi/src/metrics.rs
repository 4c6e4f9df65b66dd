//! NPS, CSAT and CES over C arrays: one-shot functions, mergeable summaries as opaque
//! handles (`new → push / extend → merge → finish`, JSON round trip), and two-sample
//! comparisons. Definitions are `cxm_core::metrics`'; see `docs/metrics.md`.

use std::ffi::c_char;
use std::mem::size_of;

use cxm_core::interval::Interval;
use cxm_core::metrics::{
    compare, headline, CesResult, CesSummary, Comparison, Csat, CsatResult, CsatSummary, Metric,
    MetricKind, MetricOptions, NpsInterval, NpsResult, NpsSummary, SampleSize, Scale, Summary,
};

use crate::args::{self, Versioned};
use crate::status::{cxm_status, run, Failure, FfiResult};

/// Main NPS interval method (`cxm_metric_options.nps_interval`).
pub type cxm_nps_interval = u32;
/// `NPS ± z·100·√Var` (the default).
pub const CXM_NPS_INTERVAL_WALD: cxm_nps_interval = 0;
/// Adjusted Wald (Rocks 2016): better coverage for small samples.
pub const CXM_NPS_INTERVAL_ADJUSTED_WALD: cxm_nps_interval = 1;

/// Metric options. Zero in any field means its default, so `{ .size = sizeof(...) }` is
/// the default options; a NULL options pointer means the same.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct cxm_metric_options {
    /// `sizeof(cxm_metric_options)`.
    pub size: usize,
    /// Confidence level of intervals, in (0, 1). 0 = 0.95.
    pub confidence: f64,
    /// Results with fewer answers are flagged `small`. 0 = 30.
    pub small_n: u64,
    /// Main NPS interval, a `CXM_NPS_INTERVAL_*` value. 0 = Wald.
    pub nps_interval: cxm_nps_interval,
    /// Must be 0.
    pub _reserved: u32,
}

/// A two-sided confidence interval.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cxm_interval {
    pub low: f64,
    pub high: f64,
}

/// Sample sizes carried by every result: small samples are flagged, never hidden.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cxm_sample_size {
    /// Number of answers.
    pub n: u64,
    /// Sum of weights.
    pub weighted_n: f64,
    /// Kish effective sample size `(Σw)²/Σw²`.
    pub n_eff: f64,
    /// `n` is below the small-sample threshold.
    pub small: bool,
    pub _reserved: [u8; 7],
}

/// NPS of a set of answers (points, −100..100).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cxm_nps_result {
    /// `sizeof(cxm_nps_result)`, set by the caller; on return, the bytes written.
    pub size: usize,
    /// NPS = 100·(P − D)/N.
    pub nps: f64,
    /// Main interval (per `cxm_metric_options.nps_interval`).
    pub interval: cxm_interval,
    /// Wald interval.
    pub wald: cxm_interval,
    /// Adjusted-Wald interval.
    pub adjusted_wald: cxm_interval,
    /// Variance of (P − D)/N on the −1..1 scale, with n = n_eff.
    pub variance: f64,
    /// Weighted shares, 0..1.
    pub promoters: f64,
    pub passives: f64,
    pub detractors: f64,
    pub sample: cxm_sample_size,
    /// Confidence level of the intervals.
    pub confidence: f64,
}

/// CSAT: top-two-box percent and mean.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cxm_csat_result {
    /// `sizeof(cxm_csat_result)`, set by the caller; on return, the bytes written.
    pub size: usize,
    /// CSAT% = 100 × weighted share of the top two boxes.
    pub csat: f64,
    /// Wilson interval of CSAT%, in percent.
    pub interval: cxm_interval,
    /// Weighted mean answer.
    pub mean: f64,
    /// Student-t interval of the mean.
    pub mean_interval: cxm_interval,
    /// Number of scale points.
    pub points: u32,
    pub _reserved: u32,
    pub sample: cxm_sample_size,
    pub confidence: f64,
}

/// CES 2.0: mean (1–7) and % agree (5–7).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cxm_ces_result {
    /// `sizeof(cxm_ces_result)`, set by the caller; on return, the bytes written.
    pub size: usize,
    /// Weighted mean answer.
    pub mean: f64,
    /// Student-t interval of the mean.
    pub interval: cxm_interval,
    /// 100 × weighted share answering 5–7.
    pub agree: f64,
    /// Wilson interval of % agree, in percent.
    pub agree_interval: cxm_interval,
    pub sample: cxm_sample_size,
    pub confidence: f64,
}

/// Two-sample comparison `a − b`: z-test for NPS and CSAT%, Welch t-test for means.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct cxm_comparison {
    /// `sizeof(cxm_comparison)`, set by the caller; on return, the bytes written.
    pub size: usize,
    /// `a − b` in the metric's units.
    pub diff: f64,
    /// Interval of the difference.
    pub interval: cxm_interval,
    /// z or Welch t statistic.
    pub statistic: f64,
    /// Degrees of freedom (`INFINITY` for z tests).
    pub df: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

unsafe impl Versioned for cxm_metric_options {
    const NAME: &'static str = "cxm_metric_options";
}
unsafe impl Versioned for cxm_nps_result {
    const NAME: &'static str = "cxm_nps_result";
}
unsafe impl Versioned for cxm_csat_result {
    const NAME: &'static str = "cxm_csat_result";
}
unsafe impl Versioned for cxm_ces_result {
    const NAME: &'static str = "cxm_ces_result";
}
unsafe impl Versioned for cxm_comparison {
    const NAME: &'static str = "cxm_comparison";
}

/// Mergeable summary of NPS answers (opaque).
pub struct cxm_nps_summary(NpsSummary);
/// Mergeable summary of CSAT answers on a 1–k scale (opaque).
pub struct cxm_csat_summary(CsatSummary);
/// Mergeable summary of CES answers (opaque).
pub struct cxm_ces_summary(CesSummary);

// ---------------------------------------------------------------------------------------
// One-shot metrics
// ---------------------------------------------------------------------------------------

/// NPS of `n` answers (integers 0–10) with optional weights.
///
/// `weights` may be NULL (every answer weighs 1); `opts` may be NULL (defaults). A bad
/// answer or weight fails the whole call with its code (`CXM_INVALID_SCORE`,
/// `CXM_NON_FINITE`, `CXM_INVALID_WEIGHT`) and `cxm_last_error_row()` names it; no
/// answers (or zero total weight) is `CXM_EMPTY_INPUT`.
///
/// # Safety
///
/// `scores` (and `weights` unless NULL) must point to `n` readable doubles; `opts` must be
/// NULL or a valid `cxm_metric_options`; `out` must point to a `cxm_nps_result` whose
/// `size` is set.
#[no_mangle]
pub unsafe extern "C" fn cxm_nps(
    scores: *const f64,
    weights: *const f64,
    n: usize,
    opts: *const cxm_metric_options,
    out: *mut cxm_nps_result,
) -> cxm_status {
    run("cxm_nps", || {
        let mut s = NpsSummary::default();
        extend(&mut s, scores, weights, n)?;
        finish_into(&s, opts, out, nps_result)
    })
}

/// CSAT of `n` answers on a 1–`points` scale (`points` 2–11; 0 = 5), with optional
/// weights. Errors as for `cxm_nps`.
///
/// # Safety
///
/// As for `cxm_nps`, with `out` a `cxm_csat_result`.
#[no_mangle]
pub unsafe extern "C" fn cxm_csat(
    scores: *const f64,
    weights: *const f64,
    n: usize,
    points: u32,
    opts: *const cxm_metric_options,
    out: *mut cxm_csat_result,
) -> cxm_status {
    run("cxm_csat", || {
        let mut s = CsatSummary::new(csat_metric(points)?);
        extend(&mut s, scores, weights, n)?;
        finish_into(&s, opts, out, csat_result)
    })
}

/// CES 2.0 of `n` answers (integers 1–7) with optional weights. Errors as for `cxm_nps`.
///
/// # Safety
///
/// As for `cxm_nps`, with `out` a `cxm_ces_result`.
#[no_mangle]
pub unsafe extern "C" fn cxm_ces(
    scores: *const f64,
    weights: *const f64,
    n: usize,
    opts: *const cxm_metric_options,
    out: *mut cxm_ces_result,
) -> cxm_status {
    run("cxm_ces", || {
        let mut s = CesSummary::default();
        extend(&mut s, scores, weights, n)?;
        finish_into(&s, opts, out, ces_result)
    })
}

// ---------------------------------------------------------------------------------------
// NPS summaries
// ---------------------------------------------------------------------------------------

/// Creates an empty NPS summary in `*out` (free with `cxm_nps_summary_free`).
///
/// # Safety
///
/// `out` must be a valid pointer to a `cxm_nps_summary*`.
#[no_mangle]
pub unsafe extern "C" fn cxm_nps_summary_new(out: *mut *mut cxm_nps_summary) -> cxm_status {
    run("cxm_nps_summary_new", || {
        args::handle_out(out, "out")?;
        args::give(out, cxm_nps_summary(NpsSummary::default()));
        Ok(())
    })
}

/// Adds one answer with its weight (1.0 for unweighted data). A bad answer or weight is an
/// error naming row `cxm_nps_summary_len(s)` and adds nothing.
///
/// # Safety
///
/// `s` must be a live summary handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_nps_summary_push(
    s: *mut cxm_nps_summary,
    score: f64,
    weight: f64,
) -> cxm_status {
    run("cxm_nps_summary_push", || {
        Ok(args::handle_mut(s, "s")?.0.push(score, weight)?)
    })
}

/// Adds `n` answers (and optional weights). All or nothing: on the first bad value nothing
/// is added and the error names its index.
///
/// # Safety
///
/// `s` must be a live summary handle; `scores` (and `weights` unless NULL) must point to
/// `n` readable doubles.
#[no_mangle]
pub unsafe extern "C" fn cxm_nps_summary_extend(
    s: *mut cxm_nps_summary,
    scores: *const f64,
    weights: *const f64,
    n: usize,
) -> cxm_status {
    run("cxm_nps_summary_extend", || {
        extend(&mut args::handle_mut(s, "s")?.0, scores, weights, n)
    })
}

/// Adds `other` into `s` (`other` is unchanged; `s == other` doubles `s`).
///
/// # Safety
///
/// `s` and `other` must be live summary handles.
#[no_mangle]
pub unsafe extern "C" fn cxm_nps_summary_merge(
    s: *mut cxm_nps_summary,
    other: *const cxm_nps_summary,
) -> cxm_status {
    run("cxm_nps_summary_merge", || {
        // Copy first: `s` and `other` may be the same handle.
        let other = args::handle(other, "other")?.0.clone();
        Ok(args::handle_mut(s, "s")?.0.merge(&other)?)
    })
}

/// Number of answers added so far (0 for NULL).
///
/// # Safety
///
/// `s` must be NULL or a live summary handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_nps_summary_len(s: *const cxm_nps_summary) -> u64 {
    crate::status::guard(0, || s.as_ref().map_or(0, |s| s.0.len()))
}

/// Computes the NPS of the answers so far. `opts` may be NULL.
///
/// # Safety
///
/// `s` must be a live summary handle; `opts` NULL or valid; `out` a `cxm_nps_result`
/// whose `size` is set.
#[no_mangle]
pub unsafe extern "C" fn cxm_nps_summary_finish(
    s: *const cxm_nps_summary,
    opts: *const cxm_metric_options,
    out: *mut cxm_nps_result,
) -> cxm_status {
    run("cxm_nps_summary_finish", || {
        finish_into(&args::handle(s, "s")?.0, opts, out, nps_result)
    })
}

/// Serializes the summary to JSON (with its format version) in `*out`; free the string
/// with `cxm_string_free`.
///
/// # Safety
///
/// `s` must be a live summary handle; `out` a valid `char**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_nps_summary_to_json(
    s: *const cxm_nps_summary,
    out: *mut *mut c_char,
) -> cxm_status {
    run("cxm_nps_summary_to_json", || {
        args::give_string(out, args::handle(s, "s")?.0.to_json(), "out")
    })
}

/// Restores a summary written by `cxm_nps_summary_to_json` into a new handle in `*out`.
/// Malformed JSON is `CXM_SERIALIZATION`; another format version is `CXM_FORMAT_VERSION`.
///
/// # Safety
///
/// `json` must be a NUL-terminated string; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn cxm_nps_summary_from_json(
    json: *const c_char,
    out: *mut *mut cxm_nps_summary,
) -> cxm_status {
    run("cxm_nps_summary_from_json", || {
        args::handle_out(out, "out")?;
        let s = NpsSummary::from_json(args::string(json, "json")?)?;
        expect_scale(
            s.distribution().scale(),
            matches!(s.distribution().scale(), Scale::Nps),
            "NPS",
        )?;
        args::give(out, cxm_nps_summary(s));
        Ok(())
    })
}

/// Frees a summary; NULL is a no-op.
///
/// # Safety
///
/// `s` must be NULL or a live handle from this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cxm_nps_summary_free(s: *mut cxm_nps_summary) {
    crate::status::guard((), || args::free(s))
}

// ---------------------------------------------------------------------------------------
// CSAT summaries
// ---------------------------------------------------------------------------------------

/// Creates an empty CSAT summary on a 1–`points` scale (`points` 2–11; 0 = 5).
///
/// # Safety
///
/// `out` must be a valid pointer to a `cxm_csat_summary*`.
#[no_mangle]
pub unsafe extern "C" fn cxm_csat_summary_new(
    points: u32,
    out: *mut *mut cxm_csat_summary,
) -> cxm_status {
    run("cxm_csat_summary_new", || {
        args::handle_out(out, "out")?;
        let metric = csat_metric(points)?;
        args::give(out, cxm_csat_summary(CsatSummary::new(metric)));
        Ok(())
    })
}

/// As `cxm_nps_summary_push`.
///
/// # Safety
///
/// `s` must be a live summary handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_csat_summary_push(
    s: *mut cxm_csat_summary,
    score: f64,
    weight: f64,
) -> cxm_status {
    run("cxm_csat_summary_push", || {
        Ok(args::handle_mut(s, "s")?.0.push(score, weight)?)
    })
}

/// As `cxm_nps_summary_extend`.
///
/// # Safety
///
/// As `cxm_nps_summary_extend`.
#[no_mangle]
pub unsafe extern "C" fn cxm_csat_summary_extend(
    s: *mut cxm_csat_summary,
    scores: *const f64,
    weights: *const f64,
    n: usize,
) -> cxm_status {
    run("cxm_csat_summary_extend", || {
        extend(&mut args::handle_mut(s, "s")?.0, scores, weights, n)
    })
}

/// As `cxm_nps_summary_merge`; both summaries must have the same number of points.
///
/// # Safety
///
/// `s` and `other` must be live summary handles.
#[no_mangle]
pub unsafe extern "C" fn cxm_csat_summary_merge(
    s: *mut cxm_csat_summary,
    other: *const cxm_csat_summary,
) -> cxm_status {
    run("cxm_csat_summary_merge", || {
        // Copy first: `s` and `other` may be the same handle.
        let other = args::handle(other, "other")?.0.clone();
        Ok(args::handle_mut(s, "s")?.0.merge(&other)?)
    })
}

/// Number of answers added so far (0 for NULL).
///
/// # Safety
///
/// `s` must be NULL or a live summary handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_csat_summary_len(s: *const cxm_csat_summary) -> u64 {
    crate::status::guard(0, || s.as_ref().map_or(0, |s| s.0.len()))
}

/// As `cxm_nps_summary_finish`.
///
/// # Safety
///
/// As `cxm_nps_summary_finish`, with `out` a `cxm_csat_result`.
#[no_mangle]
pub unsafe extern "C" fn cxm_csat_summary_finish(
    s: *const cxm_csat_summary,
    opts: *const cxm_metric_options,
    out: *mut cxm_csat_result,
) -> cxm_status {
    run("cxm_csat_summary_finish", || {
        finish_into(&args::handle(s, "s")?.0, opts, out, csat_result)
    })
}

/// As `cxm_nps_summary_to_json`.
///
/// # Safety
///
/// `s` must be a live summary handle; `out` a valid `char**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_csat_summary_to_json(
    s: *const cxm_csat_summary,
    out: *mut *mut c_char,
) -> cxm_status {
    run("cxm_csat_summary_to_json", || {
        args::give_string(out, args::handle(s, "s")?.0.to_json(), "out")
    })
}

/// As `cxm_nps_summary_from_json`.
///
/// # Safety
///
/// `json` must be a NUL-terminated string; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn cxm_csat_summary_from_json(
    json: *const c_char,
    out: *mut *mut cxm_csat_summary,
) -> cxm_status {
    run("cxm_csat_summary_from_json", || {
        args::handle_out(out, "out")?;
        let s = CsatSummary::from_json(args::string(json, "json")?)?;
        expect_scale(
            s.distribution().scale(),
            matches!(s.distribution().scale(), Scale::Csat { .. }),
            "CSAT",
        )?;
        args::give(out, cxm_csat_summary(s));
        Ok(())
    })
}

/// Frees a summary; NULL is a no-op.
///
/// # Safety
///
/// `s` must be NULL or a live handle from this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cxm_csat_summary_free(s: *mut cxm_csat_summary) {
    crate::status::guard((), || args::free(s))
}

// ---------------------------------------------------------------------------------------
// CES summaries
// ---------------------------------------------------------------------------------------

/// Creates an empty CES summary.
///
/// # Safety
///
/// `out` must be a valid pointer to a `cxm_ces_summary*`.
#[no_mangle]
pub unsafe extern "C" fn cxm_ces_summary_new(out: *mut *mut cxm_ces_summary) -> cxm_status {
    run("cxm_ces_summary_new", || {
        args::handle_out(out, "out")?;
        args::give(out, cxm_ces_summary(CesSummary::default()));
        Ok(())
    })
}

/// As `cxm_nps_summary_push`.
///
/// # Safety
///
/// `s` must be a live summary handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_ces_summary_push(
    s: *mut cxm_ces_summary,
    score: f64,
    weight: f64,
) -> cxm_status {
    run("cxm_ces_summary_push", || {
        Ok(args::handle_mut(s, "s")?.0.push(score, weight)?)
    })
}

/// As `cxm_nps_summary_extend`.
///
/// # Safety
///
/// As `cxm_nps_summary_extend`.
#[no_mangle]
pub unsafe extern "C" fn cxm_ces_summary_extend(
    s: *mut cxm_ces_summary,
    scores: *const f64,
    weights: *const f64,
    n: usize,
) -> cxm_status {
    run("cxm_ces_summary_extend", || {
        extend(&mut args::handle_mut(s, "s")?.0, scores, weights, n)
    })
}

/// As `cxm_nps_summary_merge`.
///
/// # Safety
///
/// `s` and `other` must be live summary handles.
#[no_mangle]
pub unsafe extern "C" fn cxm_ces_summary_merge(
    s: *mut cxm_ces_summary,
    other: *const cxm_ces_summary,
) -> cxm_status {
    run("cxm_ces_summary_merge", || {
        // Copy first: `s` and `other` may be the same handle.
        let other = args::handle(other, "other")?.0.clone();
        Ok(args::handle_mut(s, "s")?.0.merge(&other)?)
    })
}

/// Number of answers added so far (0 for NULL).
///
/// # Safety
///
/// `s` must be NULL or a live summary handle.
#[no_mangle]
pub unsafe extern "C" fn cxm_ces_summary_len(s: *const cxm_ces_summary) -> u64 {
    crate::status::guard(0, || s.as_ref().map_or(0, |s| s.0.len()))
}

/// As `cxm_nps_summary_finish`.
///
/// # Safety
///
/// As `cxm_nps_summary_finish`, with `out` a `cxm_ces_result`.
#[no_mangle]
pub unsafe extern "C" fn cxm_ces_summary_finish(
    s: *const cxm_ces_summary,
    opts: *const cxm_metric_options,
    out: *mut cxm_ces_result,
) -> cxm_status {
    run("cxm_ces_summary_finish", || {
        finish_into(&args::handle(s, "s")?.0, opts, out, ces_result)
    })
}

/// As `cxm_nps_summary_to_json`.
///
/// # Safety
///
/// `s` must be a live summary handle; `out` a valid `char**`.
#[no_mangle]
pub unsafe extern "C" fn cxm_ces_summary_to_json(
    s: *const cxm_ces_summary,
    out: *mut *mut c_char,
) -> cxm_status {
    run("cxm_ces_summary_to_json", || {
        args::give_string(out, args::handle(s, "s")?.0.to_json(), "out")
    })
}

/// As `cxm_nps_summary_from_json`.
///
/// # Safety
///
/// `json` must be a NUL-terminated string; `out` a valid pointer.
#[no_mangle]
pub unsafe extern "C" fn cxm_ces_summary_from_json(
    json: *const c_char,
    out: *mut *mut cxm_ces_summary,
) -> cxm_status {
    run("cxm_ces_summary_from_json", || {
        args::handle_out(out, "out")?;
        let s = CesSummary::from_json(args::string(json, "json")?)?;
        expect_scale(
            s.distribution().scale(),
            matches!(s.distribution().scale(), Scale::Ces),
            "CES",
        )?;
        args::give(out, cxm_ces_summary(s));
        Ok(())
    })
}

/// Frees a summary; NULL is a no-op.
///
/// # Safety
///
/// `s` must be NULL or a live handle from this library, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn cxm_ces_summary_free(s: *mut cxm_ces_summary) {
    crate::status::guard((), || args::free(s))
}

// ---------------------------------------------------------------------------------------
// Comparisons
// ---------------------------------------------------------------------------------------

/// Compares the NPS of two independent samples: `a − b` in points, z-test on the summed
/// variances. Either summary empty is `CXM_EMPTY_INPUT`.
///
/// # Safety
///
/// `a`, `b` must be live summary handles; `opts` NULL or valid; `out` a `cxm_comparison`
/// whose `size` is set.
#[no_mangle]
pub unsafe extern "C" fn cxm_compare_nps(
    a: *const cxm_nps_summary,
    b: *const cxm_nps_summary,
    opts: *const cxm_metric_options,
    out: *mut cxm_comparison,
) -> cxm_status {
    run("cxm_compare_nps", || {
        compare_into(
            MetricKind::Nps,
            &args::handle(a, "a")?.0,
            &args::handle(b, "b")?.0,
            opts,
            out,
        )
    })
}

/// Compares CSAT% (top-two-box percent) of two independent samples: z-test.
///
/// # Safety
///
/// As `cxm_compare_nps`.
#[no_mangle]
pub unsafe extern "C" fn cxm_compare_csat(
    a: *const cxm_csat_summary,
    b: *const cxm_csat_summary,
    opts: *const cxm_metric_options,
    out: *mut cxm_comparison,
) -> cxm_status {
    run("cxm_compare_csat", || {
        compare_into(
            MetricKind::Csat,
            &args::handle(a, "a")?.0,
            &args::handle(b, "b")?.0,
            opts,
            out,
        )
    })
}

/// Compares the CES mean of two independent samples: Welch's t-test.
///
/// # Safety
///
/// As `cxm_compare_nps`.
#[no_mangle]
pub unsafe extern "C" fn cxm_compare_ces(
    a: *const cxm_ces_summary,
    b: *const cxm_ces_summary,
    opts: *const cxm_metric_options,
    out: *mut cxm_comparison,
) -> cxm_status {
    run("cxm_compare_ces", || {
        compare_into(
            MetricKind::Ces,
            &args::handle(a, "a")?.0,
            &args::handle(b, "b")?.0,
            opts,
            out,
        )
    })
}

// ---------------------------------------------------------------------------------------
// Conversions (shared with `table`)
// ---------------------------------------------------------------------------------------

/// Reads metric options (NULL or zero fields = defaults).
pub(crate) unsafe fn metric_options(opts: *const cxm_metric_options) -> FfiResult<MetricOptions> {
    let defaults = MetricOptions::default();
    let Some(o) = args::read_versioned(opts, "opts")? else {
        return Ok(defaults);
    };
    args::reserved_zero(o._reserved, "opts->_reserved")?;
    Ok(MetricOptions {
        confidence: or_default(o.confidence, defaults.confidence),
        small_n: if o.small_n == 0 {
            defaults.small_n
        } else {
            o.small_n
        },
        nps_interval: nps_interval(o.nps_interval, "opts->nps_interval")?,
    })
}

/// Zero means "default"; anything else (NaN included) is passed on to be validated.
pub(crate) fn or_default(value: f64, default: f64) -> f64 {
    if value == 0.0 {
        default
    } else {
        value
    }
}

pub(crate) fn nps_interval(v: cxm_nps_interval, what: &str) -> FfiResult<NpsInterval> {
    match v {
        CXM_NPS_INTERVAL_WALD => Ok(NpsInterval::Wald),
        CXM_NPS_INTERVAL_ADJUSTED_WALD => Ok(NpsInterval::AdjustedWald),
        other => Err(Failure::argument(
            what,
            format!("{other} is not a CXM_NPS_INTERVAL_* value (0 or 1)"),
        )),
    }
}

/// The CSAT metric on 1–`points` (0 = the default 5), validated.
pub(crate) fn csat_metric(points: u32) -> FfiResult<Csat> {
    if points == 0 {
        return Ok(Csat::default());
    }
    let points = u8::try_from(points)
        .map_err(|_| Failure::argument("points", format!("{points} must be 2 to 11")))?;
    Scale::Csat { points }.validate()?;
    Ok(Csat { points })
}

unsafe fn extend<M: Metric>(
    s: &mut Summary<M>,
    scores: *const f64,
    weights: *const f64,
    n: usize,
) -> FfiResult<()> {
    let scores = args::slice(scores, n, "scores")?;
    let weights = args::opt_slice(weights, n, "weights")?;
    Ok(s.extend(scores, weights)?)
}

/// Fails unless a deserialized summary holds answers of the metric it was read as (the core
/// checks the format version, not that the distribution's scale matches the metric).
fn expect_scale(found: Scale, matches: bool, metric: &str) -> FfiResult<()> {
    if matches {
        Ok(())
    } else {
        Err(Failure::Core(cxm_core::CxmError::Serialization {
            message: format!("the JSON holds a {found} summary, not a {metric} summary"),
        }))
    }
}

unsafe fn finish_into<M: Metric, T: Versioned>(
    s: &Summary<M>,
    opts: *const cxm_metric_options,
    out: *mut T,
    convert: fn(M::Output) -> T,
) -> FfiResult<()> {
    if out.is_null() {
        return Err(Failure::null("out"));
    }
    let opts = metric_options(opts)?;
    args::write_versioned(out, convert(s.finish(&opts)?), "out")
}

unsafe fn compare_into<M: Metric>(
    kind: MetricKind,
    a: &Summary<M>,
    b: &Summary<M>,
    opts: *const cxm_metric_options,
    out: *mut cxm_comparison,
) -> FfiResult<()> {
    if out.is_null() {
        return Err(Failure::null("out"));
    }
    let opts = metric_options(opts)?;
    let ha = headline(kind, a.distribution(), &opts)?;
    let hb = headline(kind, b.distribution(), &opts)?;
    args::write_versioned(out, comparison(compare(&ha, &hb, opts.confidence)?), "out")
}

pub(crate) fn interval(iv: Interval) -> cxm_interval {
    cxm_interval {
        low: iv.low,
        high: iv.high,
    }
}

fn sample(s: SampleSize) -> cxm_sample_size {
    cxm_sample_size {
        n: s.n,
        weighted_n: s.weighted_n,
        n_eff: s.n_eff,
        small: s.small,
        _reserved: [0; 7],
    }
}

pub(crate) fn nps_result(r: NpsResult) -> cxm_nps_result {
    cxm_nps_result {
        size: size_of::<cxm_nps_result>(),
        nps: r.nps,
        interval: interval(r.interval),
        wald: interval(r.wald),
        adjusted_wald: interval(r.adjusted_wald),
        variance: r.variance,
        promoters: r.promoters,
        passives: r.passives,
        detractors: r.detractors,
        sample: sample(r.size),
        confidence: r.confidence,
    }
}

pub(crate) fn csat_result(r: CsatResult) -> cxm_csat_result {
    cxm_csat_result {
        size: size_of::<cxm_csat_result>(),
        csat: r.csat,
        interval: interval(r.interval),
        mean: r.mean,
        mean_interval: interval(r.mean_interval),
        points: u32::from(r.points),
        _reserved: 0,
        sample: sample(r.size),
        confidence: r.confidence,
    }
}

pub(crate) fn ces_result(r: CesResult) -> cxm_ces_result {
    cxm_ces_result {
        size: size_of::<cxm_ces_result>(),
        mean: r.mean,
        interval: interval(r.interval),
        agree: r.agree,
        agree_interval: interval(r.agree_interval),
        sample: sample(r.size),
        confidence: r.confidence,
    }
}

fn comparison(c: Comparison) -> cxm_comparison {
    cxm_comparison {
        size: size_of::<cxm_comparison>(),
        diff: c.diff,
        interval: interval(c.interval),
        statistic: c.statistic,
        df: c.df,
        p_value: c.p_value,
    }
}
