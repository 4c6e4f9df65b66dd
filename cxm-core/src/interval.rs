//! Sampling distributions, confidence intervals and multiple-testing correction.
//!
//! Normal and Student-t quantiles come from `statrs`; everything else is written out
//! here so the formulas can be read next to their references:
//! Wilson (1927) score interval, Welch (1947) t-test with the Welch–Satterthwaite
//! degrees of freedom, Benjamini & Hochberg (1995) step-up false discovery rate.

use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

use crate::error::{CxmError, Result};

/// A two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

/// Checks that `confidence` is a probability strictly between 0 and 1.
pub fn check_confidence(confidence: f64) -> Result<()> {
    if confidence.is_finite() && confidence > 0.0 && confidence < 1.0 {
        Ok(())
    } else {
        Err(CxmError::invalid_argument(
            "confidence",
            format!("{confidence} must be strictly between 0 and 1 (e.g. 0.95)"),
        ))
    }
}

fn standard_normal() -> Normal {
    // Parameters are constants, so construction cannot fail.
    match Normal::new(0.0, 1.0) {
        Ok(n) => n,
        Err(_) => unreachable!("N(0,1) is a valid distribution"),
    }
}

/// Two-sided critical value z such that P(|Z| ≤ z) = `confidence`.
pub fn z_critical(confidence: f64) -> f64 {
    standard_normal().inverse_cdf(0.5 + confidence / 2.0)
}

/// Two-sided critical value of Student's t with `df` degrees of freedom.
/// Falls back to the normal value for `df` that is infinite or huge.
pub fn t_critical(confidence: f64, df: f64) -> f64 {
    if !df.is_finite() || df > 1e7 {
        return z_critical(confidence);
    }
    match StudentsT::new(0.0, 1.0, df.max(f64::MIN_POSITIVE)) {
        Ok(t) => t.inverse_cdf(0.5 + confidence / 2.0),
        Err(_) => f64::NAN,
    }
}

/// Two-sided p-value of a standard-normal statistic.
pub fn normal_p_value(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    (2.0 * standard_normal().sf(z.abs())).min(1.0)
}

/// Two-sided p-value of a t statistic with `df` degrees of freedom.
pub fn t_p_value(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if !df.is_finite() || df > 1e7 {
        return normal_p_value(t);
    }
    match StudentsT::new(0.0, 1.0, df) {
        Ok(dist) => (2.0 * dist.sf(t.abs())).min(1.0),
        Err(_) => f64::NAN,
    }
}

/// Wilson score interval for a proportion `p` observed on `n` (possibly effective) trials.
///
/// `centre = (p + z²/2n) / (1 + z²/n)`, `half = z/(1 + z²/n) · √(p(1−p)/n + z²/4n²)`.
pub fn wilson(p: f64, n: f64, z: f64) -> Interval {
    if n <= 0.0 || !p.is_finite() {
        return Interval {
            low: f64::NAN,
            high: f64::NAN,
        };
    }
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Interval {
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// Welch–Satterthwaite degrees of freedom for two variances of the mean `v1`, `v2`
/// (each `s²/n`) with `df1`, `df2` degrees of freedom.
pub fn welch_df(v1: f64, df1: f64, v2: f64, df2: f64) -> f64 {
    let num = (v1 + v2) * (v1 + v2);
    let den = v1 * v1 / df1 + v2 * v2 / df2;
    if den > 0.0 {
        num / den
    } else {
        f64::INFINITY
    }
}

/// Benjamini–Hochberg adjusted p-values (q-values), in the order of the input.
///
/// `q_(i) = min_{j ≥ i} min(1, m · p_(j) / j)` over the p-values sorted ascending.
/// NaN p-values are left out of `m` and get a NaN q-value.
pub fn benjamini_hochberg(p_values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..p_values.len())
        .filter(|&i| !p_values[i].is_nan())
        .collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]).then(a.cmp(&b)));
    let m = order.len() as f64;
    let mut q = vec![f64::NAN; p_values.len()];
    let mut running = 1.0_f64;
    for (rank, &i) in order.iter().enumerate().rev() {
        let candidate = (p_values[i] * m / (rank as f64 + 1.0)).min(1.0);
        running = running.min(candidate);
        q[i] = running;
    }
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn critical_values() {
        assert!((z_critical(0.95) - 1.959_963_984_540_054).abs() < 1e-9);
        assert!((t_critical(0.95, 10.0) - 2.228_138_851_986_273_5).abs() < 1e-6);
        assert!((normal_p_value(1.959_963_984_540_054) - 0.05).abs() < 1e-9);
        assert!((t_p_value(2.228_138_851_986_273_5, 10.0) - 0.05).abs() < 1e-6);
    }

    #[test]
    fn wilson_matches_hand_computation() {
        // p = 0.8, n = 10, z = 1.96: centre = (0.8 + 0.19208)/1.38416 = 0.716738
        let iv = wilson(0.8, 10.0, 1.96);
        assert!((iv.low - 0.490_162).abs() < 1e-5, "{iv:?}");
        assert!((iv.high - 0.943_317).abs() < 1e-5, "{iv:?}");
    }

    #[test]
    fn bh_matches_textbook_example() {
        let p = [0.01, 0.04, 0.03, 0.005];
        let q = benjamini_hochberg(&p);
        let expect = [0.02, 0.04, 0.04, 0.02];
        for (a, b) in q.iter().zip(expect) {
            assert!((a - b).abs() < 1e-12, "{q:?}");
        }
        assert!(benjamini_hochberg(&[f64::NAN])[0].is_nan());
    }

    #[test]
    fn confidence_is_checked() {
        assert!(check_confidence(0.95).is_ok());
        for bad in [0.0, 1.0, -0.1, f64::NAN, 95.0] {
            assert!(check_confidence(bad).is_err());
        }
    }
}
