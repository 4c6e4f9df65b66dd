//! Survey metrics — NPS, CSAT and CES — as mergeable summaries.
//!
//! All three are functions of one object: the (weighted) distribution of answers over
//! the scale's levels, [`Distribution`]. A [`Summary`] wraps a distribution with the
//! metric that reads it; `new → push → merge → finish` is the whole life cycle, and
//! because a distribution is just per-level sums, `merge(summary(a), summary(b))` equals
//! `summary(a ∪ b)` (exactly for unweighted data, up to float rounding with weights).
//!
//! Definitions (see `docs/metrics.md`):
//! - **NPS**: scores 0–10; promoters 9–10, passives 7–8, detractors 0–6;
//!   `NPS = 100·(P − D)/N`. `Var((P−D)/N) = (p_P + p_D − (p_P − p_D)²)/n` with `n` the
//!   Kish effective sample size `(Σw)²/Σw²`. Wald interval `NPS ± z·100·√Var`; the
//!   adjusted-Wald interval (Rocks 2016) adds 3 to `n` and ¾ to `P` and `D` first.
//! - **CSAT**: scale 1–k (default 5); CSAT% = 100 × share of the top two boxes, Wilson
//!   interval; the mean with a Student-t interval is also reported.
//! - **CES** (CES 2.0): 1–7 agreement; mean with a t interval and % agree (5–7, Wilson).

use serde::{Deserialize, Serialize};

use crate::error::{CxmError, Result};
use crate::interval::{
    check_confidence, normal_p_value, t_critical, t_p_value, welch_df, wilson, z_critical, Interval,
};

/// Largest number of levels any scale may have (NPS: 0–10).
pub const MAX_LEVELS: usize = 11;

/// Version of the serialized form of every summary in this module.
pub const FORMAT_VERSION: u32 = 1;

/// Default threshold below which a result is flagged as a small sample.
pub const DEFAULT_SMALL_N: u64 = 30;

/// An answer scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scale {
    /// Net Promoter Score question: integers 0–10.
    Nps,
    /// Customer satisfaction: integers 1–`points` (2 ≤ points ≤ 11; default 5).
    Csat { points: u8 },
    /// Customer Effort Score 2.0: integers 1–7.
    Ces,
}

impl Scale {
    /// The usual 1–5 CSAT scale.
    pub const CSAT5: Scale = Scale::Csat { points: 5 };

    /// Smallest valid answer.
    pub fn min(self) -> u8 {
        match self {
            Scale::Nps => 0,
            Scale::Csat { .. } | Scale::Ces => 1,
        }
    }

    /// Largest valid answer.
    pub fn max(self) -> u8 {
        match self {
            Scale::Nps => 10,
            Scale::Csat { points } => points,
            Scale::Ces => 7,
        }
    }

    /// Number of distinct answers.
    pub fn levels(self) -> usize {
        usize::from(self.max() - self.min()) + 1
    }

    /// Checks the scale itself (CSAT points in 2..=11).
    pub fn validate(self) -> Result<Self> {
        match self {
            Scale::Csat { points } if !(2..=11).contains(&points) => {
                Err(CxmError::invalid_argument(
                    "points",
                    format!("CSAT scale 1-{points} must have 2 to 11 points"),
                ))
            }
            _ => Ok(self),
        }
    }

    /// Converts a raw answer to its level index (`value − min`), or says why it is invalid.
    pub fn level(self, value: f64, row: usize, column: &str) -> Result<u8> {
        if !value.is_finite() {
            return Err(CxmError::NonFinite {
                row,
                column: column.to_string(),
                value,
            });
        }
        if value.fract() != 0.0 || value < f64::from(self.min()) || value > f64::from(self.max()) {
            return Err(CxmError::InvalidScore {
                row,
                column: column.to_string(),
                value,
                scale: self,
            });
        }
        Ok((value as u8) - self.min())
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scale::Nps => write!(f, "NPS 0-10"),
            Scale::Csat { points } => write!(f, "CSAT 1-{points}"),
            Scale::Ces => write!(f, "CES 1-7"),
        }
    }
}

/// Checks a survey weight.
pub fn check_weight(weight: f64, row: usize) -> Result<f64> {
    if weight.is_finite() && weight >= 0.0 {
        Ok(weight)
    } else {
        Err(CxmError::InvalidWeight { row, value: weight })
    }
}

/// Per-level counts and weight sums of answers on one scale: the sufficient statistic of
/// every metric in this module.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    scale: Scale,
    count: [u64; MAX_LEVELS],
    weight: [f64; MAX_LEVELS],
    weight_sq: [f64; MAX_LEVELS],
}

impl Distribution {
    /// An empty distribution on `scale`.
    pub fn new(scale: Scale) -> Self {
        Distribution {
            scale,
            count: [0; MAX_LEVELS],
            weight: [0.0; MAX_LEVELS],
            weight_sq: [0.0; MAX_LEVELS],
        }
    }

    /// Builds a distribution from unweighted per-level counts (index = answer − min).
    pub fn from_counts(scale: Scale, counts: &[u64]) -> Self {
        let mut d = Distribution::new(scale);
        for (level, &c) in counts.iter().enumerate().take(scale.levels()) {
            d.count[level] = c;
            d.weight[level] = c as f64;
            d.weight_sq[level] = c as f64;
        }
        d
    }

    /// Sets per-level counts and weight sums (index = answer − min).
    pub(crate) fn set_sums(&mut self, counts: &[u64], weight: &[f64], weight_sq: &[f64]) {
        let k = self.scale.levels();
        self.count[..k].copy_from_slice(&counts[..k]);
        self.weight[..k].copy_from_slice(&weight[..k]);
        self.weight_sq[..k].copy_from_slice(&weight_sq[..k]);
    }

    /// The scale.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// Adds one answer by level index with a (checked) weight.
    #[inline]
    pub fn push_level(&mut self, level: u8, weight: f64) {
        let l = usize::from(level);
        self.count[l] += 1;
        self.weight[l] += weight;
        self.weight_sq[l] += weight * weight;
    }

    /// Adds another distribution on the same scale.
    pub fn merge(&mut self, other: &Distribution) -> Result<()> {
        if self.scale != other.scale {
            return Err(CxmError::invalid_argument(
                "other",
                format!(
                    "cannot merge a {} summary into a {} summary",
                    other.scale, self.scale
                ),
            ));
        }
        for l in 0..MAX_LEVELS {
            self.count[l] += other.count[l];
            self.weight[l] += other.weight[l];
            self.weight_sq[l] += other.weight_sq[l];
        }
        Ok(())
    }

    /// `self − other`, level by level (the complement of a sub-population).
    pub(crate) fn minus(&self, other: &Distribution) -> Distribution {
        let mut d = Distribution::new(self.scale);
        for l in 0..MAX_LEVELS {
            d.count[l] = self.count[l].saturating_sub(other.count[l]);
            d.weight[l] = (self.weight[l] - other.weight[l]).max(0.0);
            d.weight_sq[l] = (self.weight_sq[l] - other.weight_sq[l]).max(0.0);
        }
        d
    }

    /// Per-level answer counts (index = answer − min).
    pub fn counts(&self) -> &[u64] {
        &self.count[..self.scale.levels()]
    }

    /// Number of answers.
    pub fn n(&self) -> u64 {
        self.count.iter().sum()
    }

    /// Sum of weights.
    pub fn weighted_n(&self) -> f64 {
        self.weight.iter().sum()
    }

    /// Kish effective sample size `(Σw)² / Σw²` (equals `n` without weights).
    pub fn n_eff(&self) -> f64 {
        let w2: f64 = self.weight_sq.iter().sum();
        if w2 > 0.0 {
            let w = self.weighted_n();
            w * w / w2
        } else {
            0.0
        }
    }

    /// Weighted share of answers whose value lies in `lo..=hi`.
    pub fn share(&self, lo: u8, hi: u8) -> f64 {
        let min = self.scale.min();
        let total = self.weighted_n();
        let part: f64 = (lo..=hi)
            .filter(|v| *v >= min && *v <= self.scale.max())
            .map(|v| self.weight[usize::from(v - min)])
            .sum();
        part / total
    }

    /// Weighted mean and the unbiased variance estimate `Σw(x−x̄)²/Σw · n_eff/(n_eff−1)`.
    pub fn mean_var(&self) -> (f64, f64) {
        let min = f64::from(self.scale.min());
        let total = self.weighted_n();
        let mean = self
            .weight
            .iter()
            .enumerate()
            .map(|(l, w)| w * (min + l as f64))
            .sum::<f64>()
            / total;
        let ss = self
            .weight
            .iter()
            .enumerate()
            .map(|(l, w)| w * (min + l as f64 - mean).powi(2))
            .sum::<f64>()
            / total;
        let n_eff = self.n_eff();
        (mean, ss * n_eff / (n_eff - 1.0))
    }

    fn ensure_nonempty(&self) -> Result<()> {
        if self.weighted_n() > 0.0 {
            Ok(())
        } else {
            Err(CxmError::EmptyInput {
                what: format!("no {} answers with positive weight", self.scale),
            })
        }
    }
}

/// Sample sizes carried by every result: small samples are flagged, never hidden.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SampleSize {
    /// Number of answers.
    pub n: u64,
    /// Sum of weights.
    pub weighted_n: f64,
    /// Kish effective sample size.
    pub n_eff: f64,
    /// `n` is below the small-sample threshold.
    pub small: bool,
}

impl SampleSize {
    fn of(d: &Distribution, small_n: u64) -> Self {
        let n = d.n();
        SampleSize {
            n,
            weighted_n: d.weighted_n(),
            n_eff: d.n_eff(),
            small: n < small_n,
        }
    }
}

/// Which NPS interval is reported as the main one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NpsInterval {
    /// `NPS ± z·100·√Var` (DESIGN.md's definition).
    #[default]
    Wald,
    /// Adjusted Wald: add 3 to n and ¾ to promoters and detractors (Rocks 2016); better
    /// coverage for small n.
    AdjustedWald,
}

impl NpsInterval {
    /// Parses `wald` or `adjusted_wald` (also `adjusted-wald`).
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().replace('-', "_").as_str() {
            "wald" => Ok(NpsInterval::Wald),
            "adjusted_wald" => Ok(NpsInterval::AdjustedWald),
            _ => Err(CxmError::invalid_argument(
                "interval",
                format!("`{s}` is not one of wald, adjusted_wald"),
            )),
        }
    }
}

/// Options shared by every metric.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MetricOptions {
    /// Confidence level of intervals, in (0, 1).
    pub confidence: f64,
    /// Results with fewer answers are flagged `small`.
    pub small_n: u64,
    /// Main NPS interval method (both are always reported).
    pub nps_interval: NpsInterval,
}

impl Default for MetricOptions {
    fn default() -> Self {
        MetricOptions {
            confidence: 0.95,
            small_n: DEFAULT_SMALL_N,
            nps_interval: NpsInterval::Wald,
        }
    }
}

/// The NPS of a set of answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NpsResult {
    /// NPS in points, −100..=100.
    pub nps: f64,
    /// Main interval (per [`MetricOptions::nps_interval`]), in points.
    pub interval: Interval,
    /// Wald interval, in points.
    pub wald: Interval,
    /// Adjusted-Wald interval, in points.
    pub adjusted_wald: Interval,
    /// Variance of `(P − D)/N` (on the −1..1 scale) with `n = n_eff`.
    pub variance: f64,
    /// Weighted shares (0..1).
    pub promoters: f64,
    pub passives: f64,
    pub detractors: f64,
    pub size: SampleSize,
    pub confidence: f64,
}

/// CSAT: top-two-box share and mean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsatResult {
    /// CSAT% = 100 × weighted share of the top two boxes.
    pub csat: f64,
    /// Wilson interval of CSAT%, in percent.
    pub interval: Interval,
    /// Weighted mean answer.
    pub mean: f64,
    /// Student-t interval of the mean.
    pub mean_interval: Interval,
    /// Number of scale points.
    pub points: u8,
    pub size: SampleSize,
    pub confidence: f64,
}

/// CES 2.0: mean and % agree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CesResult {
    /// Weighted mean answer (1–7).
    pub mean: f64,
    /// Student-t interval of the mean.
    pub interval: Interval,
    /// 100 × weighted share answering 5–7 ("agree").
    pub agree: f64,
    /// Wilson interval of % agree, in percent.
    pub agree_interval: Interval,
    pub size: SampleSize,
    pub confidence: f64,
}

/// A metric: which scale it reads and how it turns a distribution into a result.
pub trait Metric: Copy + std::fmt::Debug {
    /// Result type.
    type Output;
    /// The answer scale.
    fn scale(&self) -> Scale;
    /// Computes the result from a distribution on [`Metric::scale`].
    fn compute(&self, d: &Distribution, opts: &MetricOptions) -> Result<Self::Output>;
}

/// The NPS metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Nps;

/// The CSAT metric on a 1–`points` scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Csat {
    pub points: u8,
}

impl Default for Csat {
    fn default() -> Self {
        Csat { points: 5 }
    }
}

/// The CES 2.0 metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Ces;

fn scaled(iv: Interval, factor: f64) -> Interval {
    Interval {
        low: iv.low * factor,
        high: iv.high * factor,
    }
}

/// Variance of `(P − D)/N` for shares `p`, `d` on `n` answers.
fn nps_variance(p: f64, d: f64, n: f64) -> f64 {
    (p + d - (p - d) * (p - d)) / n
}

fn mean_interval(d: &Distribution, confidence: f64) -> (f64, Interval, f64, f64) {
    let (mean, var) = d.mean_var();
    let n_eff = d.n_eff();
    let se2 = var / n_eff;
    let df = n_eff - 1.0;
    let half = if df > 0.0 {
        t_critical(confidence, df) * se2.sqrt()
    } else {
        f64::NAN
    };
    // A mean cannot leave its scale: the interval is clipped to it (small samples near
    // an end of the scale would otherwise reach past it, e.g. 7.46 on CES 1–7).
    let (lo, hi) = (f64::from(d.scale().min()), f64::from(d.scale().max()));
    let interval = if half.is_finite() {
        Interval {
            low: (mean - half).max(lo),
            high: (mean + half).min(hi),
        }
    } else {
        Interval {
            low: mean - half,
            high: mean + half,
        }
    };
    (mean, interval, se2, df)
}

impl Metric for Nps {
    type Output = NpsResult;
    fn scale(&self) -> Scale {
        Scale::Nps
    }
    fn compute(&self, d: &Distribution, opts: &MetricOptions) -> Result<NpsResult> {
        check_confidence(opts.confidence)?;
        d.ensure_nonempty()?;
        let z = z_critical(opts.confidence);
        let p = d.share(9, 10);
        let passives = d.share(7, 8);
        let det = d.share(0, 6);
        let n = d.n_eff();
        let nps = p - det;
        let variance = nps_variance(p, det, n);
        let half = z * variance.sqrt();
        let clamp = |x: f64| x.clamp(-1.0, 1.0) * 100.0;
        let wald = Interval {
            low: clamp(nps - half),
            high: clamp(nps + half),
        };
        let n_adj = n + 3.0;
        let p_adj = (p * n + 0.75) / n_adj;
        let d_adj = (det * n + 0.75) / n_adj;
        let centre = p_adj - d_adj;
        let half_adj = z * nps_variance(p_adj, d_adj, n_adj).sqrt();
        let adjusted_wald = Interval {
            low: clamp(centre - half_adj),
            high: clamp(centre + half_adj),
        };
        Ok(NpsResult {
            nps: 100.0 * nps,
            interval: match opts.nps_interval {
                NpsInterval::Wald => wald,
                NpsInterval::AdjustedWald => adjusted_wald,
            },
            wald,
            adjusted_wald,
            variance,
            promoters: p,
            passives,
            detractors: det,
            size: SampleSize::of(d, opts.small_n),
            confidence: opts.confidence,
        })
    }
}

impl Metric for Csat {
    type Output = CsatResult;
    fn scale(&self) -> Scale {
        Scale::Csat {
            points: self.points,
        }
    }
    fn compute(&self, d: &Distribution, opts: &MetricOptions) -> Result<CsatResult> {
        check_confidence(opts.confidence)?;
        d.ensure_nonempty()?;
        let top2 = d.share(self.points - 1, self.points);
        let (mean, mean_iv, _, _) = mean_interval(d, opts.confidence);
        Ok(CsatResult {
            csat: 100.0 * top2,
            interval: scaled(wilson(top2, d.n_eff(), z_critical(opts.confidence)), 100.0),
            mean,
            mean_interval: mean_iv,
            points: self.points,
            size: SampleSize::of(d, opts.small_n),
            confidence: opts.confidence,
        })
    }
}

impl Metric for Ces {
    type Output = CesResult;
    fn scale(&self) -> Scale {
        Scale::Ces
    }
    fn compute(&self, d: &Distribution, opts: &MetricOptions) -> Result<CesResult> {
        check_confidence(opts.confidence)?;
        d.ensure_nonempty()?;
        let agree = d.share(5, 7);
        let (mean, interval, _, _) = mean_interval(d, opts.confidence);
        Ok(CesResult {
            mean,
            interval,
            agree: 100.0 * agree,
            agree_interval: scaled(wilson(agree, d.n_eff(), z_critical(opts.confidence)), 100.0),
            size: SampleSize::of(d, opts.small_n),
            confidence: opts.confidence,
        })
    }
}

/// A mergeable summary of answers for metric `M`: `new → push → merge → finish`.
///
/// ```
/// use cxm_core::metrics::{NpsSummary, MetricOptions};
/// let mut s = NpsSummary::default();
/// for score in [10.0, 9.0, 8.0, 3.0] {
///     s.push(score, 1.0).unwrap();
/// }
/// let r = s.finish(&MetricOptions::default()).unwrap();
/// assert_eq!(r.nps, 25.0); // (2 promoters − 1 detractor) / 4
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary<M> {
    format_version: u32,
    metric: M,
    dist: Distribution,
    pushed: u64,
}

/// Summary of NPS answers.
pub type NpsSummary = Summary<Nps>;
/// Summary of CSAT answers.
pub type CsatSummary = Summary<Csat>;
/// Summary of CES answers.
pub type CesSummary = Summary<Ces>;

impl Default for NpsSummary {
    fn default() -> Self {
        Summary::new(Nps)
    }
}
impl Default for CsatSummary {
    fn default() -> Self {
        Summary::new(Csat::default())
    }
}
impl Default for CesSummary {
    fn default() -> Self {
        Summary::new(Ces)
    }
}

impl<M: Metric> Summary<M> {
    /// An empty summary.
    pub fn new(metric: M) -> Self {
        Summary {
            format_version: FORMAT_VERSION,
            dist: Distribution::new(metric.scale()),
            metric,
            pushed: 0,
        }
    }

    /// Wraps an existing distribution (it must be on the metric's scale).
    pub fn from_distribution(metric: M, dist: Distribution) -> Result<Self> {
        if dist.scale() != metric.scale() {
            return Err(CxmError::invalid_argument(
                "dist",
                format!(
                    "distribution is on {}, metric needs {}",
                    dist.scale(),
                    metric.scale()
                ),
            ));
        }
        let pushed = dist.n();
        Ok(Summary {
            format_version: FORMAT_VERSION,
            metric,
            dist,
            pushed,
        })
    }

    /// Adds one answer with its weight (use 1.0 for unweighted data). Invalid answers and
    /// weights are rejected with an error naming row `self.len()`.
    pub fn push(&mut self, score: f64, weight: f64) -> Result<()> {
        let row = self.pushed as usize;
        let level = self.metric.scale().level(score, row, "score")?;
        let weight = check_weight(weight, row)?;
        self.dist.push_level(level, weight);
        self.pushed += 1;
        Ok(())
    }

    /// Adds a column of answers (and optional weights). All-or-nothing: on the first bad
    /// value nothing is added and the error names its index in `scores`.
    pub fn extend(&mut self, scores: &[f64], weights: Option<&[f64]>) -> Result<()> {
        let dist = crate::table::distribution_of(self.metric.scale(), scores, weights, "score")?;
        self.dist.merge(&dist)?;
        self.pushed += dist.n();
        Ok(())
    }

    /// Adds another summary of the same metric.
    pub fn merge(&mut self, other: &Summary<M>) -> Result<()> {
        self.dist.merge(&other.dist)?;
        self.pushed += other.pushed;
        Ok(())
    }

    /// Number of answers pushed.
    pub fn len(&self) -> u64 {
        self.pushed
    }

    /// No answer pushed yet.
    pub fn is_empty(&self) -> bool {
        self.pushed == 0
    }

    /// The underlying distribution.
    pub fn distribution(&self) -> &Distribution {
        &self.dist
    }

    /// Computes the metric. Fails on an empty summary or a bad confidence.
    pub fn finish(&self, opts: &MetricOptions) -> Result<M::Output> {
        self.metric.compute(&self.dist, opts)
    }
}

impl<M: Metric + Serialize + serde::de::DeserializeOwned> Summary<M> {
    /// Serializes to JSON (with the format version).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Restores a summary written by [`Summary::to_json`], checking the format version
    /// and that the stored distribution is on this metric's scale (a CES summary does
    /// not load as an NPS one).
    pub fn from_json(json: &str) -> Result<Self> {
        let s: Self = from_versioned_json(json)?;
        if s.dist.scale() != s.metric.scale() {
            return Err(CxmError::Serialization {
                message: format!(
                    "summary holds {} answers, expected {}",
                    s.dist.scale(),
                    s.metric.scale()
                ),
            });
        }
        Ok(s)
    }
}

/// Decodes a serialized summary, checking `format_version == FORMAT_VERSION` first so a
/// summary from another version fails with [`CxmError::FormatVersion`].
pub(crate) fn from_versioned_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T> {
    from_versioned_json_as(json, FORMAT_VERSION)
}

/// [`from_versioned_json`] for a value with its own format version.
pub(crate) fn from_versioned_json_as<T: serde::de::DeserializeOwned>(
    json: &str,
    version: u32,
) -> Result<T> {
    let serialization = |e: serde_json::Error| CxmError::Serialization {
        message: e.to_string(),
    };
    let value: serde_json::Value = serde_json::from_str(json).map_err(serialization)?;
    let found = value
        .get("format_version")
        .and_then(|v| v.as_u64())
        .ok_or_else(|| CxmError::Serialization {
            message: "missing `format_version`".into(),
        })?;
    if found != u64::from(version) {
        return Err(CxmError::FormatVersion {
            found: u32::try_from(found).unwrap_or(u32::MAX),
            expected: version,
        });
    }
    serde_json::from_value(value).map_err(serialization)
}

/// Which headline number a metric contributes to segment tables and comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// NPS points (−100..100).
    Nps,
    /// CSAT% (top-two-box percent, 0..100).
    Csat,
    /// CES mean (1..7).
    Ces,
}

impl MetricKind {
    /// Column name used in tables (`nps`, `csat`, `ces`).
    pub fn name(self) -> &'static str {
        match self {
            MetricKind::Nps => "nps",
            MetricKind::Csat => "csat",
            MetricKind::Ces => "ces",
        }
    }

    /// Parses `nps`, `csat` or `ces` (case-insensitive).
    pub fn parse(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "nps" => Ok(MetricKind::Nps),
            "csat" => Ok(MetricKind::Csat),
            "ces" => Ok(MetricKind::Ces),
            _ => Err(CxmError::invalid_argument(
                "metric",
                format!("`{s}` is not one of nps, csat, ces"),
            )),
        }
    }
}

/// A headline value with what is needed to compare it: its estimate variance and the
/// degrees of freedom of its sampling distribution (∞ for normal-based metrics).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Headline {
    pub value: f64,
    pub interval: Interval,
    /// Variance of `value` (in the value's own units, squared).
    pub variance: f64,
    /// Degrees of freedom (`f64::INFINITY` for z-based metrics).
    pub df: f64,
}

/// Computes the headline value of `kind` from a distribution (which must be non-empty).
pub fn headline(kind: MetricKind, d: &Distribution, opts: &MetricOptions) -> Result<Headline> {
    match kind {
        MetricKind::Nps => {
            let r = Nps.compute(d, opts)?;
            Ok(Headline {
                value: r.nps,
                interval: r.interval,
                variance: r.variance * 1e4,
                df: f64::INFINITY,
            })
        }
        MetricKind::Csat => {
            let points = match d.scale() {
                Scale::Csat { points } => points,
                other => {
                    return Err(CxmError::invalid_argument(
                        "metric",
                        format!("CSAT needs a CSAT distribution, got {other}"),
                    ))
                }
            };
            // CSAT% only (what `Csat::compute` reports as `csat` and `interval`), without
            // the mean's t interval that segment tables do not show.
            check_confidence(opts.confidence)?;
            d.ensure_nonempty()?;
            let p = d.share(points - 1, points);
            let n = d.n_eff();
            Ok(Headline {
                value: 100.0 * p,
                interval: scaled(wilson(p, n, z_critical(opts.confidence)), 100.0),
                variance: p * (1.0 - p) / n * 1e4,
                df: f64::INFINITY,
            })
        }
        MetricKind::Ces => {
            let (mean, interval, se2, df) = mean_interval(d, opts.confidence);
            d.ensure_nonempty()?;
            Ok(Headline {
                value: mean,
                interval,
                variance: se2,
                df,
            })
        }
    }
}

/// Two-sample comparison of a headline value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// `a − b` in the metric's units.
    pub diff: f64,
    /// Interval of the difference.
    pub interval: Interval,
    /// z (NPS, CSAT%) or Welch t (means) statistic.
    pub statistic: f64,
    /// Degrees of freedom (`inf` for z tests).
    pub df: f64,
    /// Two-sided p-value.
    pub p_value: f64,
}

/// Compares two independent headline values: z-test on the summed variances for NPS
/// and CSAT% (unpooled Wald), Welch's t-test for means.
pub fn compare(a: &Headline, b: &Headline, confidence: f64) -> Result<Comparison> {
    check_confidence(confidence)?;
    let diff = a.value - b.value;
    let se = (a.variance + b.variance).sqrt();
    let (df, crit, p) = if a.df.is_finite() || b.df.is_finite() {
        let df = welch_df(a.variance, a.df, b.variance, b.df);
        let t = diff / se;
        (df, t_critical(confidence, df), t_p_value(t, df))
    } else {
        (
            f64::INFINITY,
            z_critical(confidence),
            normal_p_value(diff / se),
        )
    };
    Ok(Comparison {
        diff,
        interval: Interval {
            low: diff - crit * se,
            high: diff + crit * se,
        },
        statistic: diff / se,
        df,
        p_value: p,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nps_of(scores: &[f64]) -> NpsResult {
        let mut s = NpsSummary::default();
        s.extend(scores, None).unwrap();
        s.finish(&MetricOptions::default()).unwrap()
    }

    /// Ten answers worked on paper: 4 promoters (10,10,9,9), 3 passives (8,8,7),
    /// 3 detractors (6,5,0). NPS = 100·(4−3)/10 = 10.
    /// Var = (0.4 + 0.3 − 0.1²)/10 = 0.069; half = 1.959964·√0.069 = 0.514838.
    #[test]
    fn nps_golden_ten_rows() {
        let r = nps_of(&[10., 10., 9., 9., 8., 8., 7., 6., 5., 0.]);
        assert!((r.nps - 10.0).abs() < 1e-9);
        assert!((r.variance - 0.069).abs() < 1e-12);
        assert!((r.wald.low - (10.0 - 51.4838)).abs() < 1e-3, "{:?}", r.wald);
        assert!((r.wald.high - (10.0 + 51.4838)).abs() < 1e-3);
        assert_eq!(r.size.n, 10);
        assert!(r.size.small);
        assert!((r.promoters - 0.4).abs() < 1e-12);
        assert!((r.passives - 0.3).abs() < 1e-12);
        // Adjusted Wald: n=13, P=4.75/13, D=3.75/13, centre = 1/13 = 7.6923 pts.
        // Var = (8.5/13 − (1/13)²)/13 = 0.0498407; half = 1.959964·0.223250 = 0.437562.
        let c = 100.0 / 13.0;
        assert!(
            (r.adjusted_wald.low - (c - 43.7562)).abs() < 1e-3,
            "{:?}",
            r.adjusted_wald
        );
        assert!((r.adjusted_wald.high - (c + 43.7562)).abs() < 1e-3);
    }

    /// Weighted NPS: weights 2,1,1 on scores 10, 0, 8 → P = 0.5, D = 0.25, NPS 25;
    /// n_eff = 16/6.
    #[test]
    fn nps_weighted_uses_kish_n() {
        let mut s = NpsSummary::default();
        s.extend(&[10.0, 0.0, 8.0], Some(&[2.0, 1.0, 1.0])).unwrap();
        let r = s.finish(&MetricOptions::default()).unwrap();
        assert!((r.nps - 25.0).abs() < 1e-12);
        assert!((r.size.n_eff - 16.0 / 6.0).abs() < 1e-12);
        assert!((r.variance - (0.75 - 0.0625) / (16.0 / 6.0)).abs() < 1e-12);
        assert_eq!(r.size.weighted_n, 4.0);
    }

    /// CSAT 1–5 on paper: answers 5,5,4,3,1 → top-2 = 3/5 = 60%; mean 3.6,
    /// s² = (1.96·2 + 0.16 + 0.36 + 6.76)/4 = 2.8, t(4) = 2.776445.
    #[test]
    fn csat_golden() {
        let mut s = CsatSummary::default();
        s.extend(&[5., 5., 4., 3., 1.], None).unwrap();
        let r = s.finish(&MetricOptions::default()).unwrap();
        assert!((r.csat - 60.0).abs() < 1e-12);
        assert!((r.mean - 3.6).abs() < 1e-12);
        let half = 2.776_445_105 * (2.8f64 / 5.0).sqrt();
        assert!((r.mean_interval.low - (3.6 - half)).abs() < 1e-6);
        let w = wilson(0.6, 5.0, z_critical(0.95));
        assert!((r.interval.low - 100.0 * w.low).abs() < 1e-9);
    }

    /// CES on paper: 7,6,5,4,1 → % agree = 60, mean 4.6.
    #[test]
    fn ces_golden() {
        let mut s = CesSummary::default();
        s.extend(&[7., 6., 5., 4., 1.], None).unwrap();
        let r = s.finish(&MetricOptions::default()).unwrap();
        assert!((r.agree - 60.0).abs() < 1e-12);
        assert!((r.mean - 4.6).abs() < 1e-12);
        // t(4) half-width 2.86 would reach 7.46: the interval is clipped to 1–7.
        let half = 2.776_445_105 * (5.3f64 / 5.0).sqrt();
        assert!((r.interval.low - (4.6 - half)).abs() < 1e-6);
        assert_eq!(r.interval.high, 7.0);
    }

    #[test]
    fn bad_scores_name_their_row() {
        let mut s = NpsSummary::default();
        let e = s.extend(&[1.0, 11.0], None).unwrap_err();
        assert!(matches!(e, CxmError::InvalidScore { row: 1, .. }), "{e}");
        let e = s.extend(&[1.0, 2.5], None).unwrap_err();
        assert!(matches!(e, CxmError::InvalidScore { row: 1, .. }));
        let e = s.extend(&[f64::NAN], None).unwrap_err();
        assert!(matches!(e, CxmError::NonFinite { row: 0, .. }));
        let e = s.extend(&[1.0], Some(&[-1.0])).unwrap_err();
        assert!(matches!(e, CxmError::InvalidWeight { row: 0, .. }));
        assert!(s.is_empty(), "failed extend adds nothing");
        assert!(matches!(
            s.finish(&MetricOptions::default()),
            Err(CxmError::EmptyInput { .. })
        ));
        let e = s.extend(&[1.0, 2.0], Some(&[1.0])).unwrap_err();
        assert!(matches!(e, CxmError::LengthMismatch { .. }));
    }

    #[test]
    fn compare_nps_z_test() {
        let a = nps_of(&[10., 10., 10., 9., 9., 8., 7., 6., 2., 10.]);
        let b = nps_of(&[0., 1., 2., 3., 9., 10., 6., 5., 8., 4.]);
        let opts = MetricOptions::default();
        let mut sa = NpsSummary::default();
        sa.extend(&[10., 10., 10., 9., 9., 8., 7., 6., 2., 10.], None)
            .unwrap();
        let mut sb = NpsSummary::default();
        sb.extend(&[0., 1., 2., 3., 9., 10., 6., 5., 8., 4.], None)
            .unwrap();
        let ha = headline(MetricKind::Nps, sa.distribution(), &opts).unwrap();
        let hb = headline(MetricKind::Nps, sb.distribution(), &opts).unwrap();
        let c = compare(&ha, &hb, 0.95).unwrap();
        assert!((c.diff - (a.nps - b.nps)).abs() < 1e-12);
        let se = 100.0 * (a.variance + b.variance).sqrt();
        assert!((c.statistic - c.diff / se).abs() < 1e-12);
        assert!((c.statistic - 90.0 / (100.0 * 0.129f64.sqrt())).abs() < 1e-9);
        assert!((c.p_value - normal_p_value(c.statistic)).abs() < 1e-15);
        assert!(c.p_value > 0.01 && c.p_value < 0.05);
    }

    #[test]
    fn json_round_trip_checks_version() {
        let mut s = CsatSummary::new(Csat { points: 7 });
        s.extend(&[7., 6., 1.], Some(&[1.0, 0.5, 2.0])).unwrap();
        let back = CsatSummary::from_json(&s.to_json()).unwrap();
        assert_eq!(back, s);
        let bumped = s
            .to_json()
            .replace("\"format_version\":1", "\"format_version\":99");
        assert!(matches!(
            CsatSummary::from_json(&bumped),
            Err(CxmError::FormatVersion { found: 99, .. })
        ));
    }

    #[test]
    fn json_of_another_metric_is_rejected() {
        let mut ces = CesSummary::default();
        ces.push(7.0, 1.0).unwrap();
        let e = NpsSummary::from_json(&ces.to_json()).unwrap_err();
        assert!(matches!(e, CxmError::Serialization { .. }), "{e}");
        let csat7 = CsatSummary::new(Csat { points: 7 });
        let mut json = csat7.to_json();
        json = json.replacen("\"points\":7", "\"points\":5", 1);
        assert!(CsatSummary::from_json(&json).is_err());
    }

    #[test]
    fn merge_rejects_other_scale() {
        let mut a = Distribution::new(Scale::Nps);
        let b = Distribution::new(Scale::Ces);
        assert!(a.merge(&b).is_err());
    }
}
