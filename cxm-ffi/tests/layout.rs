//! Struct layouts of the C API, pinned: size, alignment, every field's offset, and no
//! hidden padding (explicit `_reserved` fields fill every gap), so that the layout C
//! compilers see never changes by accident and no uninitialized byte crosses the ABI.
//! Versioned structs start with `size`.

#![cfg(target_pointer_width = "64")]

use std::mem::{align_of, offset_of, size_of};

use cxm::*;

/// `assert_layout!(T, size, align, { field: Type => offset, ... })`: checks the size, the
/// alignment, each field's type and offset, that fields are contiguous in order, and that
/// the fields' sizes add up to the struct's (no padding anywhere).
macro_rules! assert_layout {
    ($t:ty, $size:expr, $align:expr, { $($f:ident : $ft:ty => $off:expr),+ $(,)? }) => {{
        let name = stringify!($t);
        assert_eq!(size_of::<$t>(), $size, "size of {name}");
        assert_eq!(align_of::<$t>(), $align, "alignment of {name}");
        let mut next = 0usize;
        $(
            let _type_check = |v: $t| -> $ft { v.$f };
            assert_eq!(offset_of!($t, $f), $off, "offset of {name}.{}", stringify!($f));
            assert_eq!(offset_of!($t, $f), next, "padding before {name}.{}", stringify!($f));
            next += size_of::<$ft>();
        )+
        assert_eq!(next, size_of::<$t>(), "trailing padding in {name}");
    }};
}

#[test]
fn metric_structs() {
    assert_layout!(cxm_metric_options, 32, 8, {
        size: usize => 0,
        confidence: f64 => 8,
        small_n: u64 => 16,
        nps_interval: cxm_nps_interval => 24,
        _reserved: u32 => 28,
    });
    assert_layout!(cxm_interval, 16, 8, { low: f64 => 0, high: f64 => 8 });
    assert_layout!(cxm_sample_size, 32, 8, {
        n: u64 => 0,
        weighted_n: f64 => 8,
        n_eff: f64 => 16,
        small: bool => 24,
        _reserved: [u8; 7] => 25,
    });
    assert_layout!(cxm_nps_result, 136, 8, {
        size: usize => 0,
        nps: f64 => 8,
        interval: cxm_interval => 16,
        wald: cxm_interval => 32,
        adjusted_wald: cxm_interval => 48,
        variance: f64 => 64,
        promoters: f64 => 72,
        passives: f64 => 80,
        detractors: f64 => 88,
        sample: cxm_sample_size => 96,
        confidence: f64 => 128,
    });
    assert_layout!(cxm_csat_result, 104, 8, {
        size: usize => 0,
        csat: f64 => 8,
        interval: cxm_interval => 16,
        mean: f64 => 32,
        mean_interval: cxm_interval => 40,
        points: u32 => 56,
        _reserved: u32 => 60,
        sample: cxm_sample_size => 64,
        confidence: f64 => 96,
    });
    assert_layout!(cxm_ces_result, 96, 8, {
        size: usize => 0,
        mean: f64 => 8,
        interval: cxm_interval => 16,
        agree: f64 => 32,
        agree_interval: cxm_interval => 40,
        sample: cxm_sample_size => 56,
        confidence: f64 => 88,
    });
    assert_layout!(cxm_comparison, 56, 8, {
        size: usize => 0,
        diff: f64 => 8,
        interval: cxm_interval => 16,
        statistic: f64 => 32,
        df: f64 => 40,
        p_value: f64 => 48,
    });
}

#[test]
fn table_structs() {
    assert_layout!(cxm_csv_mapping, 88, 8, {
        size: usize => 0,
        nps: *const std::ffi::c_char => 8,
        csat: *const std::ffi::c_char => 16,
        ces: *const std::ffi::c_char => 24,
        weight: *const std::ffi::c_char => 32,
        timestamp: *const std::ffi::c_char => 40,
        comment: *const std::ffi::c_char => 48,
        respondent_id: *const std::ffi::c_char => 56,
        attributes: *const *const std::ffi::c_char => 64,
        n_attributes: usize => 72,
        csat_points: u32 => 80,
        delimiter: u32 => 84,
    });
    assert_layout!(cxm_attribute_column, 40, 8, {
        name: *const std::ffi::c_char => 0,
        values: *const *const std::ffi::c_char => 8,
        codes: *const i32 => 16,
        levels: *const *const std::ffi::c_char => 24,
        n_levels: usize => 32,
    });
    assert_layout!(cxm_table_input, 128, 8, {
        size: usize => 0,
        n_rows: usize => 8,
        nps: *const f64 => 16,
        nps_present: *const bool => 24,
        csat: *const f64 => 32,
        csat_present: *const bool => 40,
        ces: *const f64 => 48,
        ces_present: *const bool => 56,
        weights: *const f64 => 64,
        timestamps: *const i64 => 72,
        timestamp_text: *const *const std::ffi::c_char => 80,
        attributes: *const cxm_attribute_column => 88,
        n_attributes: usize => 96,
        comments: *const *const std::ffi::c_char => 104,
        respondent_ids: *const *const std::ffi::c_char => 112,
        csat_points: u32 => 120,
        _reserved: u32 => 124,
    });
    assert_layout!(cxm_load_report, 88, 8, {
        size: usize => 0,
        rows_in: u64 => 8,
        rows_accepted: u64 => 16,
        rows_skipped: u64 => 24,
        skipped_non_finite: u64 => 32,
        skipped_invalid_score: u64 => 40,
        skipped_invalid_number: u64 => 48,
        skipped_invalid_weight: u64 => 56,
        skipped_invalid_timestamp: u64 => 64,
        skipped_invalid_utf8: u64 => 72,
        skipped_malformed_record: u64 => 80,
    });
}

#[test]
fn segment_structs() {
    assert_layout!(cxm_segment_spec, 48, 8, {
        size: usize => 0,
        metric: cxm_metric => 8,
        utc_offset_minutes: i32 => 12,
        attributes: *const *const std::ffi::c_char => 16,
        n_attributes: usize => 24,
        time_buckets: *const cxm_time_bucket => 32,
        n_time_buckets: usize => 40,
    });
    assert_layout!(cxm_segment_options, 40, 8, {
        size: usize => 0,
        min_n: u64 => 8,
        confidence: f64 => 16,
        alpha: f64 => 24,
        nps_interval: cxm_nps_interval => 32,
        _reserved: u32 => 36,
    });
    assert_layout!(cxm_segment_row, 104, 8, {
        size: usize => 0,
        n: u64 => 8,
        weighted_n: f64 => 16,
        n_eff: f64 => 24,
        value: f64 => 32,
        low: f64 => 40,
        high: f64 => 48,
        rest: f64 => 56,
        diff: f64 => 64,
        p_value: f64 => 72,
        q_value: f64 => 80,
        cost: f64 => 88,
        flag: cxm_flag => 96,
        _reserved: u32 => 100,
    });
    assert_layout!(cxm_segment_overall, 64, 8, {
        size: usize => 0,
        metric: cxm_metric => 8,
        _reserved: u32 => 12,
        value: f64 => 16,
        low: f64 => 24,
        high: f64 => 32,
        n: u64 => 40,
        missing: u64 => 48,
        groups: u64 => 56,
    });
    assert_layout!(cxm_code_dimension, 32, 8, {
        name: *const std::ffi::c_char => 0,
        codes: *const i32 => 8,
        levels: *const *const std::ffi::c_char => 16,
        n_levels: usize => 24,
    });
    assert_layout!(cxm_segment_columns, 96, 8, {
        size: usize => 0,
        n_rows: usize => 8,
        metric: cxm_metric => 16,
        csat_points: u32 => 20,
        scores: *const f64 => 24,
        present: *const bool => 32,
        weights: *const f64 => 40,
        dims: *const cxm_code_dimension => 48,
        n_dims: usize => 56,
        timestamps: *const i64 => 64,
        time_buckets: *const cxm_time_bucket => 72,
        n_time_buckets: usize => 80,
        utc_offset_minutes: i32 => 88,
        _reserved: u32 => 92,
    });
    assert_layout!(cxm_answer_column, 32, 8, {
        metric: cxm_metric => 0,
        csat_points: u32 => 4,
        scores: *const f64 => 8,
        present: *const bool => 16,
        name: *const std::ffi::c_char => 24,
    });
    assert_layout!(cxm_segment_shared_columns, 72, 8, {
        size: usize => 0,
        n_rows: usize => 8,
        weights: *const f64 => 16,
        dims: *const cxm_code_dimension => 24,
        n_dims: usize => 32,
        timestamps: *const i64 => 40,
        time_buckets: *const cxm_time_bucket => 48,
        n_time_buckets: usize => 56,
        utc_offset_minutes: i32 => 64,
        _reserved: u32 => 68,
    });
}

#[test]
fn hotspot_structs() {
    assert_layout!(cxm_hotspot_options, 56, 8, {
        size: usize => 0,
        min_n: u64 => 8,
        confidence: f64 => 16,
        alpha: f64 => 24,
        nps_interval: cxm_nps_interval => 32,
        max_depth: u32 => 36,
        top: u64 => 40,
        concentration: f64 => 48,
    });
    assert_layout!(cxm_hotspot, 104, 8, {
        size: usize => 0,
        n: u64 => 8,
        weighted_n: f64 => 16,
        value: f64 => 24,
        low: f64 => 32,
        high: f64 => 40,
        rest: f64 => 48,
        diff: f64 => 56,
        cost: f64 => 64,
        p_value: f64 => 72,
        q_value: f64 => 80,
        n_conditions: usize => 88,
        flag: cxm_flag => 96,
        _reserved: u32 => 100,
    });
}

/// The status enum is `int`-sized, as a C compiler lays out `enum cxm_status`.
#[test]
fn sentiment_structs() {
    assert_layout!(cxm_sentiment_scores, 32, 8, {
        compound: f64 => 0,
        pos: f64 => 8,
        neu: f64 => 16,
        neg: f64 => 24,
    });
    assert_eq!(size_of::<cxm_sentiment_mode>(), 4);
    // Mode numbers are ABI.
    assert_eq!(CXM_SENTIMENT_MODE_VADER, 0);
    assert_eq!(CXM_SENTIMENT_MODE_CX, 1);
    assert_eq!(size_of::<cxm_row_status>(), 1);
    assert_eq!(CXM_NUL_TERMINATED, usize::MAX);
}

#[test]
fn status_is_int_sized() {
    assert_eq!(size_of::<cxm_status>(), size_of::<std::ffi::c_int>());
    // Value-set typedefs are fixed-width, whatever the C compiler's enum size.
    assert_eq!(size_of::<cxm_metric>(), 4);
    assert_eq!(size_of::<cxm_policy>(), 4);
    assert_eq!(size_of::<cxm_flag>(), 4);
    assert_eq!(size_of::<cxm_time_bucket>(), 4);
    assert_eq!(size_of::<cxm_nps_interval>(), 4);
}
