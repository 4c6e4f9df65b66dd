//! Calibration: from comments paired with the score the customer gave, a monotone
//! mapping from raw `compound` to the expected survey score and to the probability that
//! the customer is negative (isotonic regression, pool-adjacent-violators).

use serde::{Deserialize, Serialize};

use crate::error::{CxmError, Result};
use crate::metrics::Scale;

/// Version of the serialized form of a [`Calibration`].
pub const CALIBRATION_FORMAT_VERSION: u32 = 1;

/// A fitted monotone mapping from `compound` to the expected survey score (non-
/// decreasing) and to P(negative answer) (non-increasing).
///
/// A *negative* answer is a detractor for NPS (0–6), the bottom two boxes for CSAT
/// (1–2 on 1–5), and the disagree side for CES 2.0 (1–3 on 1–7).
///
/// Fitted by isotonic regression (pool-adjacent-violators, equal weights) of the
/// answers on `compound`; predictions interpolate linearly between the fitted blocks
/// (at the mean `compound` of each block) and are constant beyond the first and last.
///
/// ```
/// use cxm_core::metrics::Scale;
/// use cxm_core::sentiment::Calibration;
///
/// let compound = [-0.8, -0.5, -0.1, 0.0, 0.3, 0.6, 0.9];
/// let nps = [1.0, 3.0, 6.0, 7.0, 8.0, 9.0, 10.0];
/// let cal = Calibration::fit(&compound, &nps, Scale::Nps).unwrap();
/// assert!(cal.expected_score(-0.9) < cal.expected_score(0.9));
/// assert!(cal.p_negative(-0.9) > cal.p_negative(0.9));
/// let again = Calibration::from_json(&cal.to_json()).unwrap();
/// assert_eq!(again, cal);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    format_version: u32,
    scale: Scale,
    n: usize,
    /// Block means of compound, and the fitted expected score at each.
    score_x: Vec<f64>,
    score_y: Vec<f64>,
    /// Block means of compound, and the fitted P(negative) at each.
    negative_x: Vec<f64>,
    negative_y: Vec<f64>,
}

impl Calibration {
    /// Fits the mapping from `compound[i]` (a model's score of comment `i`) to
    /// `scores[i]` (the survey answer of the same customer on `scale`).
    ///
    /// Errors: [`CxmError::LengthMismatch`], [`CxmError::EmptyInput`] (no pair),
    /// [`CxmError::NonFinite`] for a compound that is not finite, and
    /// [`CxmError::InvalidScore`] for an answer that is not an integer on the scale.
    pub fn fit(compound: &[f64], scores: &[f64], scale: Scale) -> Result<Calibration> {
        if compound.len() != scores.len() {
            return Err(CxmError::LengthMismatch {
                column: "scores".into(),
                expected: compound.len(),
                found: scores.len(),
            });
        }
        if compound.is_empty() {
            return Err(CxmError::EmptyInput {
                what: "calibration pairs".into(),
            });
        }
        let mut pairs = Vec::with_capacity(compound.len());
        for (row, (&c, &s)) in compound.iter().zip(scores).enumerate() {
            if !c.is_finite() {
                return Err(CxmError::NonFinite {
                    row,
                    column: "compound".into(),
                    value: c,
                });
            }
            if !(s.is_finite()
                && s.fract() == 0.0
                && s >= f64::from(scale.min())
                && s <= f64::from(scale.max()))
            {
                return Err(CxmError::InvalidScore {
                    row,
                    column: "scores".into(),
                    value: s,
                    scale,
                });
            }
            pairs.push((c, s));
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        let threshold = negative_max(scale);
        let xs: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let ys: Vec<f64> = pairs.iter().map(|p| p.1).collect();
        let negative: Vec<f64> = pairs
            .iter()
            .map(|p| if p.1 <= threshold { -1.0 } else { 0.0 })
            .collect();
        let (score_x, score_y) = isotonic(&xs, &ys);
        let (negative_x, negative_y) = isotonic(&xs, &negative);
        Ok(Calibration {
            format_version: CALIBRATION_FORMAT_VERSION,
            scale,
            n: pairs.len(),
            score_x,
            score_y,
            negative_x,
            negative_y: negative_y.into_iter().map(|p| 0.0 - p).collect(),
        })
    }

    /// The survey scale the answers were on.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Number of pairs fitted.
    pub fn n(&self) -> usize {
        self.n
    }

    /// Expected survey answer of a customer whose comment scores `compound`
    /// (non-decreasing in `compound`). NaN in, NaN out.
    pub fn expected_score(&self, compound: f64) -> f64 {
        interpolate(&self.score_x, &self.score_y, compound)
    }

    /// Probability that a customer whose comment scores `compound` gave a negative
    /// answer (non-increasing in `compound`). NaN in, NaN out.
    pub fn p_negative(&self, compound: f64) -> f64 {
        interpolate(&self.negative_x, &self.negative_y, compound)
    }

    /// JSON of the calibration (versioned).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| format!("{{\"error\":{:?}}}", e.to_string()))
    }

    /// Reads a calibration written by [`Calibration::to_json`].
    ///
    /// Errors: [`CxmError::Serialization`] for malformed JSON or an inconsistent
    /// mapping, [`CxmError::FormatVersion`] for another version.
    pub fn from_json(json: &str) -> Result<Calibration> {
        let cal: Calibration =
            crate::metrics::from_versioned_json_as(json, CALIBRATION_FORMAT_VERSION)?;
        let ok = |x: &[f64], y: &[f64]| {
            !x.is_empty()
                && x.len() == y.len()
                && x.windows(2).all(|w| w[0] <= w[1])
                && x.iter().chain(y).all(|v| v.is_finite())
        };
        if !ok(&cal.score_x, &cal.score_y) || !ok(&cal.negative_x, &cal.negative_y) {
            return Err(CxmError::Serialization {
                message: "calibration knots must be finite, sorted and paired".into(),
            });
        }
        Ok(cal)
    }
}

/// Largest answer counted as negative on `scale`.
fn negative_max(scale: Scale) -> f64 {
    match scale {
        Scale::Nps => 6.0,
        Scale::Csat { .. } => f64::from(scale.min()) + 1.0,
        Scale::Ces => 3.0,
    }
}

/// Pool-adjacent-violators on `y` ordered by `x` (sorted): non-decreasing fit. Returns
/// the blocks as (mean x, fitted y).
fn isotonic(x: &[f64], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    // Equal x values are pooled first so that the fit is a function of x.
    let mut blocks: Vec<(f64, f64, f64)> = Vec::new(); // (sum x, sum y, weight)
    let mut i = 0;
    while i < x.len() {
        let mut j = i;
        let (mut sx, mut sy) = (0.0, 0.0);
        while j < x.len() && x[j] == x[i] {
            sx += x[j];
            sy += y[j];
            j += 1;
        }
        let mut block = (sx, sy, (j - i) as f64);
        while let Some(&last) = blocks.last() {
            if last.1 / last.2 > block.1 / block.2 {
                blocks.pop();
                block = (last.0 + block.0, last.1 + block.1, last.2 + block.2);
            } else {
                break;
            }
        }
        blocks.push(block);
        i = j;
    }
    blocks.iter().map(|&(sx, sy, w)| (sx / w, sy / w)).unzip()
}

fn interpolate(x: &[f64], y: &[f64], at: f64) -> f64 {
    if at.is_nan() || x.is_empty() {
        return f64::NAN;
    }
    let k = x.partition_point(|&v| v < at);
    if k == 0 {
        return y[0];
    }
    if k == x.len() {
        return y[x.len() - 1];
    }
    let (x0, x1, y0, y1) = (x[k - 1], x[k], y[k - 1], y[k]);
    if x1 == x0 {
        return y1;
    }
    y0 + (y1 - y0) * (at - x0) / (x1 - x0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pav_pools_violators() {
        let (x, y) = isotonic(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0]);
        assert_eq!(x, vec![1.0, 2.5, 4.0]);
        assert_eq!(y, vec![1.0, 2.5, 4.0]);
        // Ties in x become one block.
        let (x, y) = isotonic(&[0.0, 0.0, 1.0], &[2.0, 4.0, 5.0]);
        assert_eq!((x, y), (vec![0.0, 1.0], vec![3.0, 5.0]));
    }

    #[test]
    fn monotone_and_bounded() {
        let compound: Vec<f64> = (0..200)
            .map(|i| ((i * 37) % 200) as f64 / 100.0 - 1.0)
            .collect();
        let scores: Vec<f64> = (0..200).map(|i| ((i * 7) % 11) as f64).collect();
        let cal = Calibration::fit(&compound, &scores, Scale::Nps).unwrap();
        let mut prev = (f64::NEG_INFINITY, f64::INFINITY);
        for k in -110..=110 {
            let c = k as f64 / 100.0;
            let (e, p) = (cal.expected_score(c), cal.p_negative(c));
            assert!(e >= prev.0 - 1e-12 && p <= prev.1 + 1e-12);
            assert!((0.0..=10.0).contains(&e) && (0.0..=1.0).contains(&p));
            prev = (e, p);
        }
    }

    #[test]
    fn bad_input_is_an_error() {
        assert!(matches!(
            Calibration::fit(&[0.1], &[1.0, 2.0], Scale::CSAT5),
            Err(CxmError::LengthMismatch { .. })
        ));
        assert!(matches!(
            Calibration::fit(&[], &[], Scale::CSAT5),
            Err(CxmError::EmptyInput { .. })
        ));
        assert!(matches!(
            Calibration::fit(&[f64::NAN], &[3.0], Scale::CSAT5),
            Err(CxmError::NonFinite { .. })
        ));
        assert!(matches!(
            Calibration::fit(&[0.1], &[6.0], Scale::CSAT5),
            Err(CxmError::InvalidScore { .. })
        ));
        assert!(Calibration::from_json("{}").is_err());
    }
}
