//! Deterministic, seeded generator of realistic customer-experience survey data
//! with **planted, documented truths** that downstream analytics must recover.
//!
//! The generator is fully self-contained: it uses its own PRNG
//! (xoshiro256** seeded through SplitMix64) and only IEEE-754 basic
//! arithmetic plus `sqrt`/`round` (all correctly rounded), so the output is
//! bit-identical on every platform for a given [`SampleConfig`].
//!
//! Planted truths (see [`truths`] and `docs/sample-data.md`):
//!
//! 1. **Hotspot** – `Leeds Central`, Monday–Friday, local hours 17–21
//!    (`+01:00`): waiting-time ratings collapse and NPS is deeply negative.
//! 2. **Top driver** – `waiting_time` carries the largest weight in the latent
//!    satisfaction model.
//! 3. **Costliest topic** – the `waiting` (queue / hold / slow) comment topic
//!    costs the most NPS points.
//! 4. **App release** – app crash/login complaints are frequent in the `app`
//!    channel before 2025-09-15 ("release 5.2") and much rarer afterwards.
//! 5. **Store KPIs** – store-level business KPIs ([`store_kpis`]) correlate
//!    with each store's NPS.

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use std::io::Write;

// ---------------------------------------------------------------------------
// Public configuration and data
// ---------------------------------------------------------------------------

/// Generator configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SampleConfig {
    /// Number of survey responses to generate.
    pub rows: usize,
    /// PRNG seed; the same seed always yields byte-identical output.
    pub seed: u64,
}

impl Default for SampleConfig {
    fn default() -> Self {
        SampleConfig {
            rows: 20_000,
            seed: 42,
        }
    }
}

/// CSV header of `responses.csv`, in column order.
pub const RESPONSES_HEADER: [&str; 16] = [
    "response_id",
    "timestamp",
    "store",
    "region",
    "channel",
    "touchpoint",
    "nps",
    "csat",
    "ces",
    "weight",
    "staff",
    "waiting_time",
    "price",
    "cleanliness",
    "app",
    "comment",
];

/// Generated survey responses, stored column-wise (one `Vec` per CSV column).
///
/// Rows are sorted chronologically; `response_id` follows that order.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleData {
    /// `R000001`, `R000002`, ...
    pub response_id: Vec<String>,
    /// ISO-8601 local time with fixed offset, e.g. `2025-03-04T18:31:07+01:00`.
    pub timestamp: Vec<String>,
    /// Store name, e.g. `Leeds Central`.
    pub store: Vec<String>,
    /// Region of the store (each store belongs to exactly one region).
    pub region: Vec<String>,
    /// `in-store`, `web`, `app` or `phone`.
    pub channel: Vec<String>,
    /// `purchase`, `returns`, `support`, `delivery` or `account`.
    pub touchpoint: Vec<String>,
    /// Likelihood to recommend, 0–10.
    pub nps: Vec<u8>,
    /// Satisfaction, 1–5.
    pub csat: Vec<u8>,
    /// Customer effort, 1–7 (7 = "the company made it very easy"); `None` ≈ 25 %.
    pub ces: Vec<Option<u8>>,
    /// Survey weight in `[0.5, 2.0]`, 3 decimals, mean ≈ 1.
    pub weight: Vec<f64>,
    /// Driver rating 1–5.
    pub staff: Vec<u8>,
    /// Driver rating 1–5.
    pub waiting_time: Vec<u8>,
    /// Driver rating 1–5.
    pub price: Vec<u8>,
    /// Driver rating 1–5.
    pub cleanliness: Vec<u8>,
    /// Driver rating 1–5; only present for the `app` and `web` channels.
    pub app: Vec<Option<u8>>,
    /// Free-text comment; empty string when the respondent left none.
    pub comment: Vec<String>,
    /// Ground truth that is not part of the CSV (row metadata).
    meta: Vec<RowMeta>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RowMeta {
    day: u16,
    topics: u16,
    complaints: u16,
    hotspot: bool,
    app_issue: bool,
}

impl SampleData {
    /// Number of responses.
    pub fn len(&self) -> usize {
        self.response_id.len()
    }

    /// `true` when no responses were generated.
    pub fn is_empty(&self) -> bool {
        self.response_id.is_empty()
    }

    /// Ground-truth comment topics of a row (e.g. `["waiting", "staff"]`).
    ///
    /// Topic labels are those of [`TOPICS`]. Returns an empty list for rows
    /// without comment, comments without topic, or out-of-range rows.
    pub fn comment_topics(&self, row: usize) -> Vec<&'static str> {
        topic_labels(self.meta.get(row).map_or(0, |m| m.topics))
    }

    /// Ground-truth topics the row's comment *complains* about (negative
    /// mentions only); a subset of [`SampleData::comment_topics`].
    pub fn comment_complaints(&self, row: usize) -> Vec<&'static str> {
        topic_labels(self.meta.get(row).map_or(0, |m| m.complaints))
    }

    /// Whether the row belongs to the planted hotspot slice.
    pub fn in_hotspot(&self, row: usize) -> bool {
        self.meta.get(row).is_some_and(|m| m.hotspot)
    }

    /// Write `responses.csv` (header + one record per response).
    pub fn write_csv<W: Write>(&self, w: W) -> csv::Result<()> {
        let mut wtr = csv::Writer::from_writer(w);
        wtr.write_record(RESPONSES_HEADER)?;
        for i in 0..self.len() {
            let weight = format!("{:.3}", self.weight[i]);
            wtr.write_record([
                self.response_id[i].as_str(),
                self.timestamp[i].as_str(),
                self.store[i].as_str(),
                self.region[i].as_str(),
                self.channel[i].as_str(),
                self.touchpoint[i].as_str(),
                num(self.nps[i]),
                num(self.csat[i]),
                self.ces[i].map_or("", num),
                weight.as_str(),
                num(self.staff[i]),
                num(self.waiting_time[i]),
                num(self.price[i]),
                num(self.cleanliness[i]),
                self.app[i].map_or("", num),
                self.comment[i].as_str(),
            ])?;
        }
        wtr.flush()?;
        Ok(())
    }
}

fn topic_labels(mask: u16) -> Vec<&'static str> {
    TOPICS
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, t)| *t)
        .collect()
}

fn num(v: u8) -> &'static str {
    const N: [&str; 11] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];
    N.get(usize::from(v)).copied().unwrap_or("")
}

/// One row of `store_kpis.csv`: business KPIs per store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreKpi {
    /// Store name (joins to `responses.csv`'s `store`).
    pub store: String,
    /// Region of the store.
    pub region: String,
    /// Year-on-year revenue growth, percent (linked to store NPS).
    pub revenue_growth_pct: f64,
    /// Share of customers returning within 90 days, percent (linked to store NPS).
    pub repeat_rate_pct: f64,
    /// Annual staff turnover, percent (negatively linked to store NPS).
    pub staff_turnover_pct: f64,
    /// Average basket value in GBP (NOT linked to NPS; a null control).
    pub avg_basket_gbp: f64,
    /// Average weekly footfall (driven by store size only).
    pub footfall_weekly: u32,
}

/// Write a store KPI table as CSV (header from the [`StoreKpi`] field names).
pub fn write_store_kpis_csv<W: Write>(kpis: &[StoreKpi], w: W) -> csv::Result<()> {
    let mut wtr = csv::Writer::from_writer(w);
    for k in kpis {
        wtr.serialize(k)?;
    }
    wtr.flush()?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Planted-truth constants (all documented in truths.json)
// ---------------------------------------------------------------------------

/// Comment topic labels, in bit order of the ground-truth topic mask.
pub const TOPICS: [&str; 8] = [
    "waiting",
    "staff",
    "price",
    "cleanliness",
    "app",
    "website",
    "delivery",
    "refund",
];
const T_WAITING: usize = 0;
const T_STAFF: usize = 1;
const T_PRICE: usize = 2;
const T_CLEAN: usize = 3;
const T_APP: usize = 4;
const T_WEBSITE: usize = 5;
const T_DELIVERY: usize = 6;
const T_REFUND: usize = 7;

/// Driver weights of the latent satisfaction model (before renormalisation
/// over the drivers present on a row).
const W_WAIT: f64 = 0.36;
const W_STAFF: f64 = 0.22;
const W_APP: f64 = 0.17;
const W_PRICE: f64 = 0.13;
const W_CLEAN: f64 = 0.12;

const HOTSPOT_STORE: usize = 3; // index into STORES: Leeds Central
const HOTSPOT_HOURS: [u8; 5] = [17, 18, 19, 20, 21];
const HOTSPOT_WAIT_SHIFT: f64 = -1.7;
const HOTSPOT_STAFF_SHIFT: f64 = -0.4;
const HOTSPOT_LATENT_SHIFT: f64 = -0.1;

/// Day-of-year (0 = 1 January) of 2025-09-15, the app release 5.2 date.
const RELEASE_DAY: u16 = 257;
const APP_ISSUE_BEFORE: f64 = 0.30;
const APP_ISSUE_AFTER: f64 = 0.05;
const WEB_ISSUE: f64 = 0.08;
const DELIVERY_LATE: f64 = 0.30;
const REFUND_SLOW: f64 = 0.30;
const CES_MISSING: f64 = 0.25;
const UTC_OFFSET_MINUTES: i32 = 60;

struct StoreDef {
    name: &'static str,
    region: &'static str,
    size: f64,
    quality: f64,
    price_adj: f64,
}

const STORES: [StoreDef; 12] = [
    StoreDef {
        name: "London Oxford Street",
        region: "South",
        size: 1.5,
        quality: 0.05,
        price_adj: -0.45,
    },
    StoreDef {
        name: "Brighton Churchill Square",
        region: "South",
        size: 0.75,
        quality: 0.2,
        price_adj: -0.1,
    },
    StoreDef {
        name: "Bristol Cabot Circus",
        region: "South",
        size: 0.85,
        quality: 0.1,
        price_adj: 0.0,
    },
    StoreDef {
        name: "Leeds Central",
        region: "North",
        size: 0.7,
        quality: 0.05,
        price_adj: 0.1,
    },
    StoreDef {
        name: "Manchester Piccadilly",
        region: "North",
        size: 1.2,
        quality: -0.15,
        price_adj: 0.0,
    },
    StoreDef {
        name: "Newcastle Quayside",
        region: "North",
        size: 0.8,
        quality: 0.15,
        price_adj: 0.2,
    },
    StoreDef {
        name: "Birmingham Bullring",
        region: "Midlands",
        size: 1.2,
        quality: -0.25,
        price_adj: 0.1,
    },
    StoreDef {
        name: "Nottingham Market Square",
        region: "Midlands",
        size: 0.8,
        quality: 0.0,
        price_adj: 0.15,
    },
    StoreDef {
        name: "Leicester Highcross",
        region: "Midlands",
        size: 0.7,
        quality: -0.1,
        price_adj: 0.2,
    },
    StoreDef {
        name: "Glasgow Buchanan Street",
        region: "Scotland & Wales",
        size: 1.0,
        quality: 0.05,
        price_adj: 0.1,
    },
    StoreDef {
        name: "Edinburgh Princes Street",
        region: "Scotland & Wales",
        size: 0.9,
        quality: 0.25,
        price_adj: -0.2,
    },
    StoreDef {
        name: "Cardiff Queen Street",
        region: "Scotland & Wales",
        size: 0.8,
        quality: -0.15,
        price_adj: 0.15,
    },
];

// ---------------------------------------------------------------------------
// PRNG: xoshiro256** seeded via SplitMix64
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Self {
        let mut sm = seed;
        let mut next = || {
            sm = sm.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = sm;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let s = [next(), next(), next(), next()];
        Rng { s }
    }

    /// Independent stream `id` derived from `seed`.
    fn stream(seed: u64, id: u64) -> Self {
        Rng::new(seed ^ id.wrapping_mul(0xD1B5_4A32_D192_ED03))
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform integer in `[0, n)`; `n` must be > 0 (returns 0 otherwise).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Approximately standard normal (scaled Irwin–Hall of 4 uniforms):
    /// uses only additions and a constant, so it is bit-exact everywhere.
    fn normal(&mut self) -> f64 {
        let s = self.unit() + self.unit() + self.unit() + self.unit();
        (s - 2.0) * 1.732_050_807_568_877_2
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = self.below(items.len());
        items.get(i).copied().unwrap_or("")
    }

    /// Index drawn proportionally to `weights` (non-negative).
    fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut r = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if r < *w {
                return i;
            }
            r -= w;
        }
        weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
    }
}

// ---------------------------------------------------------------------------
// Calendar (2025, fixed +01:00 offset)
// ---------------------------------------------------------------------------

const MONTH_DAYS: [u16; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const DAYS_IN_YEAR: u16 = 365;
const WEEKDAY_NAMES: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Weekday of a 2025 day-of-year, 0 = Monday (1 January 2025 was a Wednesday).
fn weekday(day: u16) -> u8 {
    ((day + 2) % 7) as u8
}

/// (month 1–12, day 1–31) of a 2025 day-of-year.
fn month_day(day: u16) -> (u8, u8) {
    let mut d = day;
    for (m, len) in MONTH_DAYS.iter().enumerate() {
        if d < *len {
            return (m as u8 + 1, d as u8 + 1);
        }
        d -= len;
    }
    (12, 31)
}

// ---------------------------------------------------------------------------
// Sampling tables
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Channel {
    InStore,
    Web,
    App,
    Phone,
}

const CHANNELS: [Channel; 4] = [Channel::InStore, Channel::Web, Channel::App, Channel::Phone];
const CHANNEL_SHARE: [f64; 4] = [0.45, 0.25, 0.20, 0.10];

impl Channel {
    fn as_str(self) -> &'static str {
        match self {
            Channel::InStore => "in-store",
            Channel::Web => "web",
            Channel::App => "app",
            Channel::Phone => "phone",
        }
    }
    fn index(self) -> usize {
        match self {
            Channel::InStore => 0,
            Channel::Web => 1,
            Channel::App => 2,
            Channel::Phone => 3,
        }
    }
    fn remote(self) -> bool {
        self != Channel::InStore
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Touchpoint {
    Purchase,
    Returns,
    Support,
    Delivery,
    Account,
}

const TOUCHPOINTS: [Touchpoint; 5] = [
    Touchpoint::Purchase,
    Touchpoint::Returns,
    Touchpoint::Support,
    Touchpoint::Delivery,
    Touchpoint::Account,
];

impl Touchpoint {
    fn as_str(self) -> &'static str {
        match self {
            Touchpoint::Purchase => "purchase",
            Touchpoint::Returns => "returns",
            Touchpoint::Support => "support",
            Touchpoint::Delivery => "delivery",
            Touchpoint::Account => "account",
        }
    }
}

/// Touchpoint mix per channel (purchase, returns, support, delivery, account).
const TOUCHPOINT_MIX: [[f64; 5]; 4] = [
    [0.72, 0.18, 0.10, 0.0, 0.0],
    [0.45, 0.12, 0.10, 0.25, 0.08],
    [0.45, 0.07, 0.08, 0.20, 0.20],
    [0.0, 0.20, 0.40, 0.22, 0.18],
];

const MONTH_SEASON: [f64; 12] = [
    1.0, 0.8, 0.85, 0.9, 0.9, 0.95, 1.0, 1.0, 0.95, 1.0, 1.2, 1.35,
];

/// Weekday factors per channel (Mon..Sun).
const WEEKDAY_FACTOR: [[f64; 7]; 4] = [
    [0.85, 0.85, 0.9, 0.95, 1.1, 1.45, 1.1],
    [1.05, 1.0, 0.95, 0.95, 0.95, 1.05, 1.15],
    [1.0, 0.95, 0.95, 0.95, 1.0, 1.1, 1.2],
    [1.15, 1.1, 1.05, 1.05, 1.0, 0.55, 0.3],
];

/// Hour-of-day weights, local time. Stores open 08:00–22:00.
const HOURS_STORE_WEEKDAY: [f64; 24] = [
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 3.0, 4.0, 5.0, 7.0, 7.0, 5.0, 5.0, 6.0, 8.0, 8.0,
    7.0, 5.0, 3.0, 0.0, 0.0,
];
const HOURS_STORE_WEEKEND: [f64; 24] = [
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 3.0, 6.0, 8.0, 9.0, 9.0, 9.0, 8.0, 7.0, 5.0, 4.0,
    3.0, 2.0, 1.0, 0.0, 0.0,
];
const HOURS_WEB: [f64; 24] = [
    1.5, 0.8, 0.5, 0.4, 0.4, 0.6, 1.5, 3.0, 4.0, 4.5, 5.0, 5.0, 6.0, 6.0, 5.0, 5.0, 5.0, 5.5, 6.5,
    7.5, 8.0, 7.5, 5.5, 3.0,
];
const HOURS_APP: [f64; 24] = [
    2.0, 1.0, 0.6, 0.4, 0.4, 0.6, 1.8, 3.5, 4.0, 3.5, 3.5, 4.0, 5.5, 5.5, 4.0, 4.0, 4.5, 5.5, 6.5,
    8.0, 9.0, 9.0, 7.0, 4.0,
];
const HOURS_PHONE_WEEKDAY: [f64; 24] = [
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 7.0, 7.0, 6.0, 5.0, 5.0, 6.0, 6.0, 5.0, 4.0, 3.0,
    2.0, 0.0, 0.0, 0.0, 0.0,
];
const HOURS_PHONE_WEEKEND: [f64; 24] = [
    0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 4.0, 5.0, 5.0, 4.0, 4.0, 4.0, 3.0, 2.0, 0.0, 0.0,
    0.0, 0.0, 0.0, 0.0, 0.0,
];

fn hour_weights(ch: Channel, weekend: bool) -> &'static [f64; 24] {
    match (ch, weekend) {
        (Channel::InStore, false) => &HOURS_STORE_WEEKDAY,
        (Channel::InStore, true) => &HOURS_STORE_WEEKEND,
        (Channel::Web, _) => &HOURS_WEB,
        (Channel::App, _) => &HOURS_APP,
        (Channel::Phone, false) => &HOURS_PHONE_WEEKDAY,
        (Channel::Phone, true) => &HOURS_PHONE_WEEKEND,
    }
}

/// Cumulative day-of-year weights per channel.
struct DayTables {
    cumulative: [Vec<f64>; 4],
}

impl DayTables {
    fn new() -> Self {
        let build = |c: usize| {
            let mut acc = 0.0;
            let mut v = Vec::with_capacity(usize::from(DAYS_IN_YEAR));
            for day in 0..DAYS_IN_YEAR {
                let (m, _) = month_day(day);
                let w =
                    MONTH_SEASON[usize::from(m - 1)] * WEEKDAY_FACTOR[c][usize::from(weekday(day))];
                acc += w;
                v.push(acc);
            }
            v
        };
        DayTables {
            cumulative: [build(0), build(1), build(2), build(3)],
        }
    }

    fn sample(&self, rng: &mut Rng, ch: Channel) -> u16 {
        let cum = &self.cumulative[ch.index()];
        let total = cum.last().copied().unwrap_or(0.0);
        let r = rng.unit() * total;
        let i = cum.partition_point(|c| *c <= r);
        i.min(usize::from(DAYS_IN_YEAR - 1)) as u16
    }
}

// ---------------------------------------------------------------------------
// Row generation
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AppIssue {
    None,
    Crash,
    Login,
    Freeze,
}

struct Draft {
    second_of_year: u32,
    day: u16,
    hour: u8,
    minute: u8,
    second: u8,
    store: usize,
    channel: Channel,
    touchpoint: Touchpoint,
    nps: u8,
    csat: u8,
    ces: Option<u8>,
    weight: f64,
    staff: u8,
    waiting: u8,
    price: u8,
    clean: u8,
    app: Option<u8>,
    comment: String,
    topics: u16,
    complaints: u16,
    hotspot: bool,
    app_issue: bool,
}

fn rating(x: f64, lo: f64, hi: f64) -> u8 {
    x.round().clamp(lo, hi) as u8
}

fn centred(r: u8) -> f64 {
    (f64::from(r) - 3.0) / 2.0
}

fn draft_row(rng: &mut Rng, text: &mut Rng, days: &DayTables) -> Draft {
    let channel = CHANNELS[rng.weighted(&CHANNEL_SHARE)];
    let sizes: [f64; 12] = std::array::from_fn(|i| STORES[i].size);
    let store = rng.weighted(&sizes);
    let day = days.sample(rng, channel);
    let wd = weekday(day);
    let weekend = wd >= 5;
    let hour = rng.weighted(hour_weights(channel, weekend)) as u8;
    let minute = rng.below(60) as u8;
    let second = rng.below(60) as u8;
    let touchpoint = TOUCHPOINTS[rng.weighted(&TOUCHPOINT_MIX[channel.index()])];
    let hotspot = store == HOTSPOT_STORE && wd < 5 && HOTSPOT_HOURS.contains(&hour);
    let after_release = day >= RELEASE_DAY;
    let sd = &STORES[store];
    let q = sd.quality;

    // Discrete events.
    let app_issue = if channel == Channel::App {
        let p = if after_release {
            APP_ISSUE_AFTER
        } else {
            APP_ISSUE_BEFORE
        };
        if rng.chance(p) {
            match rng.weighted(&[0.45, 0.35, 0.20]) {
                0 => AppIssue::Crash,
                1 => AppIssue::Login,
                _ => AppIssue::Freeze,
            }
        } else {
            AppIssue::None
        }
    } else {
        AppIssue::None
    };
    let web_issue = channel == Channel::Web && rng.chance(WEB_ISSUE);
    let delivery_late = touchpoint == Touchpoint::Delivery && rng.chance(DELIVERY_LATE);
    let refund_slow = touchpoint == Touchpoint::Returns && rng.chance(REFUND_SLOW);

    // Driver ratings.
    let mut wait_mu = 3.55 + 0.8 * q;
    wait_mu += match channel {
        Channel::InStore => 0.0,
        Channel::Web => 0.1,
        Channel::App => 0.3,
        Channel::Phone => -0.45,
    };
    wait_mu += match touchpoint {
        Touchpoint::Support => -0.3,
        Touchpoint::Returns => -0.2,
        _ => 0.0,
    };
    if channel == Channel::InStore && (12..=13).contains(&hour) {
        wait_mu -= 0.15; // lunchtime rush everywhere (mild)
    }
    let mut staff_mu = 3.85 + q;
    if hotspot {
        wait_mu += HOTSPOT_WAIT_SHIFT;
        staff_mu += HOTSPOT_STAFF_SHIFT;
    }
    let waiting = rating(wait_mu + 1.1 * rng.normal(), 1.0, 5.0);
    let staff = rating(staff_mu + rng.normal(), 1.0, 5.0);
    let price = rating(3.2 + sd.price_adj + rng.normal(), 1.0, 5.0);
    let clean = rating(3.9 + 0.8 * q + 0.9 * rng.normal(), 1.0, 5.0);
    let app = match channel {
        Channel::App => Some(if app_issue != AppIssue::None {
            if rng.chance(0.7) {
                1
            } else {
                2
            }
        } else {
            let mu = if after_release { 4.25 } else { 3.7 };
            rating(mu + 0.85 * rng.normal(), 1.0, 5.0)
        }),
        Channel::Web => Some(if web_issue {
            if rng.chance(0.6) {
                1
            } else {
                2
            }
        } else {
            rating(3.75 + 0.95 * rng.normal(), 1.0, 5.0)
        }),
        _ => None,
    };

    // Latent satisfaction.
    let mut num = W_WAIT * centred(waiting)
        + W_STAFF * centred(staff)
        + W_PRICE * centred(price)
        + W_CLEAN * centred(clean);
    let mut den = W_WAIT + W_STAFF + W_PRICE + W_CLEAN;
    if let Some(a) = app {
        num += W_APP * centred(a);
        den += W_APP;
    }
    let mut s = num / den + 0.25 * q + 0.22 * rng.normal();
    if app_issue != AppIssue::None {
        s -= 0.15;
    }
    if web_issue {
        s -= 0.1;
    }
    if delivery_late {
        s -= 0.35;
    }
    if refund_slow {
        s -= 0.3;
    }
    if hotspot {
        s += HOTSPOT_LATENT_SHIFT;
    }

    let nps = rating(7.0 + 4.2 * s + 0.8 * rng.normal(), 0.0, 10.0);
    let csat = rating(3.2 + 2.0 * s + 0.45 * rng.normal(), 1.0, 5.0);
    let mut ease = 4.6 + 1.4 * centred(waiting) + 1.2 * s + 0.7 * rng.normal();
    ease += match touchpoint {
        Touchpoint::Returns => -0.4,
        Touchpoint::Support => -0.3,
        _ => 0.0,
    };
    if app_issue != AppIssue::None {
        ease -= 1.0;
    }
    let ces_value = rating(ease, 1.0, 7.0);
    let ces = if rng.chance(CES_MISSING) {
        None
    } else {
        Some(ces_value)
    };
    let u = rng.unit();
    let weight = ((0.5 + 1.5 * u * u) * 1000.0).round() / 1000.0;

    let ctx = CommentCtx {
        channel,
        touchpoint,
        nps,
        waiting,
        staff,
        price,
        clean,
        app,
        app_issue,
        web_issue,
        delivery_late,
        refund_slow,
        after_release,
    };
    let (comment, topics, complaints) = compose_comment(text, &ctx);

    Draft {
        second_of_year: u32::from(day) * 86_400
            + u32::from(hour) * 3_600
            + u32::from(minute) * 60
            + u32::from(second),
        day,
        hour,
        minute,
        second,
        store,
        channel,
        touchpoint,
        nps,
        csat,
        ces,
        weight,
        staff,
        waiting,
        price,
        clean,
        app,
        comment,
        topics,
        complaints,
        hotspot,
        app_issue: app_issue != AppIssue::None,
    }
}

/// Generate the sample dataset for `config`. Deterministic in `config`.
pub fn generate(config: &SampleConfig) -> SampleData {
    let days = DayTables::new();
    let mut rng = Rng::stream(config.seed, 1);
    let mut text = Rng::stream(config.seed, 2);
    let mut drafts: Vec<Draft> = (0..config.rows)
        .map(|_| draft_row(&mut rng, &mut text, &days))
        .collect();
    drafts.sort_by_key(|d| d.second_of_year);

    let n = drafts.len();
    let mut data = SampleData {
        response_id: Vec::with_capacity(n),
        timestamp: Vec::with_capacity(n),
        store: Vec::with_capacity(n),
        region: Vec::with_capacity(n),
        channel: Vec::with_capacity(n),
        touchpoint: Vec::with_capacity(n),
        nps: Vec::with_capacity(n),
        csat: Vec::with_capacity(n),
        ces: Vec::with_capacity(n),
        weight: Vec::with_capacity(n),
        staff: Vec::with_capacity(n),
        waiting_time: Vec::with_capacity(n),
        price: Vec::with_capacity(n),
        cleanliness: Vec::with_capacity(n),
        app: Vec::with_capacity(n),
        comment: Vec::with_capacity(n),
        meta: Vec::with_capacity(n),
    };
    for (i, d) in drafts.into_iter().enumerate() {
        let (month, dom) = month_day(d.day);
        let sign = if UTC_OFFSET_MINUTES < 0 { '-' } else { '+' };
        let off = UTC_OFFSET_MINUTES.unsigned_abs();
        data.response_id.push(format!("R{:06}", i + 1));
        data.timestamp.push(format!(
            "2025-{month:02}-{dom:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
            d.hour,
            d.minute,
            d.second,
            off / 60,
            off % 60
        ));
        data.store.push(STORES[d.store].name.to_string());
        data.region.push(STORES[d.store].region.to_string());
        data.channel.push(d.channel.as_str().to_string());
        data.touchpoint.push(d.touchpoint.as_str().to_string());
        data.nps.push(d.nps);
        data.csat.push(d.csat);
        data.ces.push(d.ces);
        data.weight.push(d.weight);
        data.staff.push(d.staff);
        data.waiting_time.push(d.waiting);
        data.price.push(d.price);
        data.cleanliness.push(d.clean);
        data.app.push(d.app);
        data.comment.push(d.comment);
        data.meta.push(RowMeta {
            day: d.day,
            topics: d.topics,
            complaints: d.complaints,
            hotspot: d.hotspot,
            app_issue: d.app_issue,
        });
    }
    data
}

// ---------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------

struct CommentCtx {
    channel: Channel,
    touchpoint: Touchpoint,
    nps: u8,
    waiting: u8,
    staff: u8,
    price: u8,
    clean: u8,
    app: Option<u8>,
    app_issue: AppIssue,
    web_issue: bool,
    delivery_late: bool,
    refund_slow: bool,
    after_release: bool,
}

const DUR: &[&str] = &[
    "20 minutes",
    "25 minutes",
    "half an hour",
    "40 minutes",
    "45 minutes",
    "nearly an hour",
    "15 minutes",
    "a good 30 minutes",
    "over 20 minutes",
    "35 mins",
    "20 mins",
    "the best part of an hour",
];
const HOLD: &[&str] = &[
    "over an hour",
    "45 minutes",
    "an hour and a half",
    "50 minutes",
    "40 mins",
    "over half an hour",
    "nearly an hour",
    "25 minutes",
];
const SHORT: &[&str] = &["5 minutes", "two minutes", "no time", "under 10 minutes"];
const ITEM: &[&str] = &[
    "a kettle",
    "some towels",
    "a pair of trainers",
    "a phone charger",
    "school shoes",
    "a birthday present",
    "a new duvet",
    "a toaster",
    "some bedding",
    "a winter coat",
    "headphones",
    "a lamp",
    "a gift card",
    "kids' pyjamas",
    "a frying pan",
    "a hoodie",
    "a set of mugs",
    "printer ink",
    "a suitcase",
    "a rug",
    "batteries",
    "a mirror",
    "an air fryer",
    "a garden chair",
];
const ROLE_STORE: &[&str] = &[
    "the guy at the counter",
    "the cashier",
    "the manager",
    "the assistant",
    "the girl at customer services",
    "the young lad on the shop floor",
    "the supervisor",
    "the woman I spoke to",
    "the man in the electricals section",
    "the lady at the information desk",
];
const ROLE_REMOTE: &[&str] = &[
    "the agent",
    "the person on the phone",
    "the advisor",
    "the woman I spoke to",
    "the chat agent",
    "the man on the phone",
    "the customer services rep",
];
const NAME: &[&str] = &[
    "Priya", "Tom", "Jade", "Marek", "Aisha", "Callum", "Sophie", "Dev", "Hannah", "Kwame", "Lucy",
    "Ryan",
];
const DAYS: &[&str] = &[
    "3 days",
    "4 days",
    "a week",
    "two days",
    "5 days",
    "over a week",
    "10 days",
];
const WEEKS: &[&str] = &[
    "two weeks",
    "three weeks",
    "a month",
    "six weeks",
    "10 days",
];
const COUNT: &[&str] = &["2", "3", "three", "four", "5", "several"];
const PRICE: &[&str] = &["12", "15", "25", "30", "45", "60", "80"];
const TILLS: &[&str] = &["one", "only one", "just two", "one single"];

fn slot(rng: &mut Rng, key: &str, remote: bool) -> &'static str {
    match key {
        "dur" => rng.pick(DUR),
        "hold" => rng.pick(HOLD),
        "short" => rng.pick(SHORT),
        "item" => rng.pick(ITEM),
        "role" => {
            if remote {
                rng.pick(ROLE_REMOTE)
            } else {
                rng.pick(ROLE_STORE)
            }
        }
        "name" => rng.pick(NAME),
        "days" => rng.pick(DAYS),
        "weeks" => rng.pick(WEEKS),
        "n" => rng.pick(COUNT),
        "price" => rng.pick(PRICE),
        "tills" => rng.pick(TILLS),
        _ => "",
    }
}

/// Replace `{slot}` placeholders with random fillers.
fn fill(rng: &mut Rng, template: &str, remote: bool) -> String {
    let mut out = String::with_capacity(template.len() + 24);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start + 1..];
        match tail.find('}') {
            Some(end) => {
                out.push_str(slot(rng, &tail[..end], remote));
                rest = &tail[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

// --- Phrase banks (topic, polarity, channel group) -------------------------

const WAIT_NEG_STORE: &[&str] = &[
    "took ages",
    "long wait",
    "the queue was endless",
    "waited {dur} to be served",
    "nobody came to the till for ages",
    "{tills} till open and a queue right round the shop",
    "queue was out the door",
    "had to wait {dur} just to pay",
    "stood in the queue for {dur}",
    "the wait was ridiculous",
    "far too slow at the tills",
    "so slow getting served",
    "massive queues again",
    "waited {dur} at the collection point",
    "took ages to find anyone to help",
    "self checkouts broken so a huge queue",
    "queued for {dur} for {item}",
    "waiting times are getting worse",
    "the queue barely moved",
    "waited ages for someone to fetch {item} from the back",
];
const WAIT_NEG_PHONE: &[&str] = &[
    "on hold for {hold}",
    "kept on hold for ages",
    "waited {hold} for someone to pick up",
    "the call queue was a joke",
    "on hold for {hold} then cut off",
    "waited {hold} to get through",
    "on hold forever",
    "stuck in a phone queue for {hold}",
    "hold music for {hold}",
    "waiting ages just to speak to someone",
];
const WAIT_NEG_ONLINE: &[&str] = &[
    "waited {days} for a reply",
    "took ages to hear back from customer services",
    "the chat queue was huge",
    "waited {dur} on live chat",
    "took ages to get an answer",
    "still waiting for a reply to my email",
    "so slow to respond",
    "waited {days} for anyone to get back to me",
    "the chat kept saying high wait times",
];
const WAIT_POS_STORE: &[&str] = &[
    "served straight away, no queue",
    "no queue at all",
    "in and out in {short}, no waiting",
    "hardly any wait",
    "no queue at the tills",
    "no waiting around",
    "queue moved fast",
    "short queue, served quickly",
];
const WAIT_POS_PHONE: &[&str] = &[
    "call answered straight away, no hold music",
    "hardly any time on hold",
    "barely any hold time",
    "no wait on the phone",
];
const WAIT_POS_ONLINE: &[&str] = &[
    "quick reply on chat, no waiting",
    "no wait for a reply",
    "fast response, no waiting",
    "got a reply the same day, no wait",
];
const WAIT_SARCASM_STORE: &[&str] = &[
    "Great, another {dur} in the queue.",
    "Love spending my evening in a queue.",
    "Fantastic queue management, as always.",
    "Wow, only {dur} waiting to pay for {item}. Amazing.",
    "Brilliant, one till open and a queue to the door. Well done.",
];
const WAIT_SARCASM_PHONE: &[&str] = &[
    "Brilliant, {hold} on hold. Really impressive.",
    "Loved the hold music. All {hold} of it.",
    "Great, on hold for {hold} again.",
];
const WAIT_SARCASM_ONLINE: &[&str] = &[
    "Great, {days} waiting for a reply. Top service.",
    "Lovely, still waiting on an answer after {days}.",
];
const STAFF_NEG_STORE: &[&str] = &[
    "{role} was rude",
    "{role} couldn't care less",
    "staff seemed completely uninterested",
    "nobody knew what they were doing",
    "{role} was really unhelpful",
    "staff were chatting to each other instead of helping",
    "got attitude from {role}",
    "staff were nowhere to be seen",
    "{role} rolled their eyes at me",
    "the staff were miserable",
];
const STAFF_NEG_REMOTE: &[&str] = &[
    "{role} was rude",
    "{role} was clueless",
    "got passed from one person to another",
    "{role} hung up on me",
    "the advisor didn't listen",
    "{role} was really unhelpful",
    "staff just read from a script",
];
const STAFF_POS_STORE: &[&str] = &[
    "staff were lovely",
    "{role} was really helpful",
    "{role} went above and beyond",
    "friendly staff",
    "{name} at the counter was brilliant",
    "really polite team",
    "the staff sorted it out",
    "{name} was so helpful",
    "staff are always cheerful",
    "{role} helped me find {item}",
];
const STAFF_POS_REMOTE: &[&str] = &[
    "{role} was really helpful",
    "{name} on the phone sorted everything",
    "the advisor was patient and kind",
    "{name} on chat was great",
    "the staff sorted it out",
    "{role} was lovely",
];
const STAFF_SARCASM: &[&str] = &[
    "Lovely attitude from the staff, really.",
    "Great customer service from {role}, said no one ever.",
];
const PRICE_NEG: &[&str] = &[
    "bit pricey",
    "way too expensive",
    "prices have gone up again",
    "£{price} for {item} is a joke",
    "cheaper elsewhere",
    "overpriced",
    "not cheap for what you get",
    "paid £{price} for {item}, never again at that price",
];
const PRICE_POS: &[&str] = &[
    "good value",
    "great prices",
    "decent deal on {item}",
    "good value for money",
    "the offer on {item} was spot on",
    "prices are fair",
    "got {item} in the sale, bargain",
    "only £{price} for {item}, great value",
];
const CLEAN_NEG: &[&str] = &[
    "the store was filthy",
    "floor was sticky",
    "toilets were disgusting",
    "bins overflowing by the entrance",
    "shelves were a mess",
    "changing rooms were a tip",
    "rubbish everywhere",
    "the place was dirty",
];
const CLEAN_POS: &[&str] = &[
    "lovely clean store",
    "spotless",
    "really tidy and well laid out",
    "store was nice and clean",
];
const APP_CRASH: &[&str] = &[
    "app keeps crashing",
    "the app crashed {n} times",
    "app crashes every time I open the basket",
    "the app just closes itself",
    "app crashed halfway through my order",
];
const APP_LOGIN: &[&str] = &[
    "couldn't log in",
    "login keeps failing on the app",
    "can't sign in to the app",
    "the app logged me out and wouldn't let me back in",
    "kept getting an error when logging in to the app",
    "couldn't log in to the app, password reset email never came",
];
const APP_FREEZE: &[&str] = &[
    "the app froze at checkout",
    "app hung on the payment screen",
    "app froze and I got charged twice",
    "the app froze when I tried to pay",
];
const APP_SARCASM: &[&str] = &[
    "Love it when the app crashes at checkout.",
    "Another day, another app crash. Brilliant.",
];
const APP_POS: &[&str] = &[
    "app is really easy to use",
    "ordering on the app was a breeze",
    "love the app",
    "the app is quick and simple",
];
const APP_POS_AFTER: &[&str] = &[
    "the new app update is much smoother",
    "app works great since the update",
    "app finally works properly",
];
const WEB_NEG: &[&str] = &[
    "website kept timing out",
    "checkout page on the website wouldn't load",
    "the site went down when I tried to pay",
    "the website is so clunky",
    "couldn't find anything on the website",
    "promo code wouldn't work on the site",
];
const WEB_POS: &[&str] = &["website was easy to use", "the site was quick and simple"];
const DELIVERY_NEG: &[&str] = &[
    "delivery was {days} late",
    "parcel never turned up",
    "courier left it in the rain",
    "missed my delivery slot",
    "order arrived {days} after the promised date",
    "tracking said delivered but nothing came",
    "the box turned up damaged",
];
const DELIVERY_POS: &[&str] = &[
    "delivery was quick",
    "arrived next day",
    "came a day early",
    "courier was really friendly",
    "delivery right on time",
];
const REFUND_NEG: &[&str] = &[
    "still no refund after {weeks}",
    "refund took forever",
    "the returns process is a nightmare",
    "had to chase my refund {n} times",
    "they refused my return",
    "took {weeks} to get my money back",
];
const REFUND_POS: &[&str] = &[
    "refund was quick",
    "return was hassle-free",
    "money back within a couple of days",
];

const GENERIC_POS: &[&str] = &[
    "great experience",
    "love this shop",
    "all good",
    "no complaints",
    "would recommend",
    "excellent as always",
    "happy with my purchase",
    "brilliant service",
    "really pleased",
    "couldn't fault it",
    "spot on",
    "very happy",
    "top notch",
];
const GENERIC_NEG: &[&str] = &[
    "not impressed",
    "never again",
    "very disappointing",
    "poor service",
    "what a shambles",
    "not good enough",
    "awful experience",
    "fed up",
    "expected better",
];
const GENERIC_SARCASM: &[&str] = &[
    "Thanks for nothing.",
    "Well that was a waste of time.",
    "Cheers for that.",
    "Absolutely brilliant. Not.",
];
const GENERIC_MEH: &[&str] = &[
    "could be better",
    "meh",
    "average",
    "bit disappointing",
    "it was ok i guess",
    "nothing special",
];
const NEUTRAL_STORE: &[&str] = &[
    "bought {item}",
    "n/a",
    "ok",
    "fine",
    "nothing to add",
    "-",
    "just picking up {item}",
    "no comment",
    "picked up {item}",
    "popped in for {item}",
    "nothing really",
    "decent enough",
    "not bad",
    "does the job",
];
const NEUTRAL_REMOTE: &[&str] = &[
    "ordered {item}",
    "n/a",
    "ok",
    "fine",
    "nothing to add",
    "-",
    "no comment",
    "bought {item} online",
    "nothing really",
    "decent enough",
    "not bad",
    "does the job",
];
const OPEN_STORE: &[&str] = &[
    "Came in for {item}, ",
    "Popped in for {item} - ",
    "Honestly, ",
    "To be fair, ",
    "Overall ",
];
const OPEN_REMOTE: &[&str] = &["Ordered {item}, ", "Honestly, ", "To be fair, ", "Overall "];
const CLOSE_DETRACTOR: &[&str] = &[
    "Won't be back.",
    "Never again.",
    "Sort it out!",
    "Shocking.",
    "Not good enough.",
    "Very disappointed.",
];
const CLOSE_PASSIVE: &[&str] = &["Otherwise ok.", "Could be better.", "Fine otherwise."];
const CLOSE_PROMOTER: &[&str] = &[
    "Will definitely come again.",
    "Keep it up!",
    "10/10",
    "Would recommend.",
    "Thanks!",
];
const EMOJI_NEG: &[&str] = &["😡", "😤", "🙄", "👎", "😠"];
const EMOJI_POS: &[&str] = &["😊", "👍", "🙂", "😀", "❤️"];
const JOIN_SAME: &[&str] = &[", ", " and ", ". ", ", also ", " plus ", ", "];
/// Contrast markers that hand the weight to the clause after them ("X but Y": Y decides),
/// matching the dominant-last clause order. ("although"/"though" would hand it to the
/// main clause instead.)
const JOIN_CONTRAST: &[&str] = &[
    " but ",
    ", but ",
    " - but ",
    ", yet ",
    " but then ",
    ", however ",
];
const END_NEG: &[&str] = &[".", ".", "", "!", "!", "!!", "!!!", "..."];
const END_NEUTRAL: &[&str] = &[".", ".", ".", "", "", "", "..."];
const END_POS: &[&str] = &[".", ".", "", "", "!", "!", "!!"];

struct Clause {
    text: String,
    positive: bool,
    sentence: bool,
}

/// Compose a comment consistent with the response; returns the text, the
/// mask of topics mentioned and the mask of topics complained about.
fn compose_comment(rng: &mut Rng, c: &CommentCtx) -> (String, u16, u16) {
    let p_blank = match c.nps {
        0..=6 => 0.22,
        7..=8 => 0.37,
        _ => 0.28,
    };
    if rng.chance(p_blank) {
        return (String::new(), 0, 0);
    }
    let remote = c.channel.remote();
    let detractor = c.nps <= 6;

    // Candidate mentions: (topic, positive, probability).
    let mut cands: Vec<(usize, bool, f64)> = Vec::with_capacity(8);
    match c.waiting {
        1 => cands.push((T_WAITING, false, 0.9)),
        2 => cands.push((T_WAITING, false, 0.65)),
        5 => cands.push((T_WAITING, true, 0.12)),
        _ => {}
    }
    match c.staff {
        1 => cands.push((T_STAFF, false, 0.8)),
        2 => cands.push((T_STAFF, false, 0.5)),
        4 => cands.push((T_STAFF, true, 0.15)),
        5 => cands.push((T_STAFF, true, 0.45)),
        _ => {}
    }
    match c.price {
        1 => cands.push((T_PRICE, false, 0.6)),
        2 => cands.push((T_PRICE, false, 0.35)),
        4 => cands.push((T_PRICE, true, 0.08)),
        5 => cands.push((T_PRICE, true, 0.3)),
        _ => {}
    }
    if c.channel == Channel::InStore {
        match c.clean {
            1 => cands.push((T_CLEAN, false, 0.6)),
            2 => cands.push((T_CLEAN, false, 0.3)),
            5 => cands.push((T_CLEAN, true, 0.15)),
            _ => {}
        }
    }
    match c.channel {
        Channel::App => {
            if c.app_issue != AppIssue::None {
                cands.push((T_APP, false, 0.85));
            } else if c.app == Some(5) {
                cands.push((T_APP, true, 0.25));
            }
        }
        Channel::Web => {
            if c.web_issue {
                cands.push((T_WEBSITE, false, 0.8));
            } else if c.app == Some(5) {
                cands.push((T_WEBSITE, true, 0.15));
            }
        }
        _ => {}
    }
    if c.touchpoint == Touchpoint::Delivery {
        if c.delivery_late {
            cands.push((T_DELIVERY, false, 0.85));
        } else if c.nps >= 9 {
            cands.push((T_DELIVERY, true, 0.3));
        }
    }
    if c.touchpoint == Touchpoint::Returns {
        if c.refund_slow {
            cands.push((T_REFUND, false, 0.8));
        } else if c.nps >= 9 {
            cands.push((T_REFUND, true, 0.3));
        }
    }

    let mut chosen: Vec<(usize, bool, f64)> = Vec::new();
    for cand in cands {
        // Promoters rarely dwell on problems; strong detractors rarely praise.
        let damp = match (cand.1, c.nps) {
            (false, 9..=10) | (true, 0..=4) => 0.5,
            _ => 1.0,
        };
        if rng.chance(cand.2 * damp) {
            chosen.push(cand);
        }
    }
    // Most salient first; negatives lead for detractors, positives for promoters.
    chosen.sort_by(|a, b| {
        let ka = (a.1 == detractor, -a.2);
        let kb = (b.1 == detractor, -b.2);
        ka.partial_cmp(&kb).unwrap_or(std::cmp::Ordering::Equal)
    });
    chosen.truncate(if rng.chance(0.6) { 2 } else { 3 });
    // Written with the dominant feeling last, as people do: in "X but Y" the clause after
    // the contrast word carries the verdict ("took ages but the staff sorted it out" is a
    // passive's or promoter's comment; "staff were nice but it took ages" a detractor's).
    chosen.reverse();

    let mut topics = 0u16;
    let mut complaints = 0u16;
    let mut clauses: Vec<Clause> = Vec::with_capacity(3);
    for (topic, positive, _) in &chosen {
        topics |= 1 << topic;
        if !positive {
            complaints |= 1 << topic;
        }
        let sarcastic = !positive && c.nps <= 4 && rng.chance(0.18);
        let (bank, sentence): (&[&str], bool) = match (topic, positive, sarcastic) {
            (&T_WAITING, false, true) => (
                match c.channel {
                    Channel::InStore => WAIT_SARCASM_STORE,
                    Channel::Phone => WAIT_SARCASM_PHONE,
                    _ => WAIT_SARCASM_ONLINE,
                },
                true,
            ),
            (&T_WAITING, false, false) => (
                match c.channel {
                    Channel::InStore => WAIT_NEG_STORE,
                    Channel::Phone => WAIT_NEG_PHONE,
                    _ => WAIT_NEG_ONLINE,
                },
                false,
            ),
            (&T_WAITING, true, _) => (
                match c.channel {
                    Channel::InStore => WAIT_POS_STORE,
                    Channel::Phone => WAIT_POS_PHONE,
                    _ => WAIT_POS_ONLINE,
                },
                false,
            ),
            (&T_STAFF, false, true) => (STAFF_SARCASM, true),
            (&T_STAFF, false, false) => (
                if remote {
                    STAFF_NEG_REMOTE
                } else {
                    STAFF_NEG_STORE
                },
                false,
            ),
            (&T_STAFF, true, _) => (
                if remote {
                    STAFF_POS_REMOTE
                } else {
                    STAFF_POS_STORE
                },
                false,
            ),
            (&T_PRICE, false, _) => (PRICE_NEG, false),
            (&T_PRICE, true, _) => (PRICE_POS, false),
            (&T_CLEAN, false, _) => (CLEAN_NEG, false),
            (&T_CLEAN, true, _) => (CLEAN_POS, false),
            (&T_APP, false, true) => (APP_SARCASM, true),
            (&T_APP, false, false) => (
                match c.app_issue {
                    AppIssue::Login => APP_LOGIN,
                    AppIssue::Freeze => APP_FREEZE,
                    _ => APP_CRASH,
                },
                false,
            ),
            (&T_APP, true, _) => (
                if c.after_release && rng.chance(0.5) {
                    APP_POS_AFTER
                } else {
                    APP_POS
                },
                false,
            ),
            (&T_WEBSITE, false, _) => (WEB_NEG, false),
            (&T_WEBSITE, true, _) => (WEB_POS, false),
            (&T_DELIVERY, false, _) => (DELIVERY_NEG, false),
            (&T_DELIVERY, true, _) => (DELIVERY_POS, false),
            (&T_REFUND, false, _) => (REFUND_NEG, false),
            _ => (REFUND_POS, false),
        };
        let template = rng.pick(bank);
        clauses.push(Clause {
            text: fill(rng, template, remote),
            positive: *positive,
            sentence,
        });
    }

    let mut body = String::new();
    if clauses.is_empty() {
        // No specific topic: generic sentiment or neutral remark.
        let neutral = if remote {
            NEUTRAL_REMOTE
        } else {
            NEUTRAL_STORE
        };
        let bank: &[&str] = match c.nps {
            0..=3 => {
                if rng.chance(0.2) {
                    GENERIC_SARCASM
                } else if rng.chance(0.8) {
                    GENERIC_NEG
                } else {
                    neutral
                }
            }
            4..=6 => {
                if rng.chance(0.5) {
                    GENERIC_MEH
                } else if rng.chance(0.5) {
                    GENERIC_NEG
                } else {
                    neutral
                }
            }
            7..=8 => {
                if rng.chance(0.2) {
                    GENERIC_MEH
                } else {
                    neutral
                }
            }
            _ => {
                if rng.chance(0.65) {
                    GENERIC_POS
                } else {
                    neutral
                }
            }
        };
        let t = rng.pick(bank);
        body.push_str(&fill(rng, t, remote));
    } else {
        if !clauses[0].sentence && rng.chance(0.12) {
            let opener = rng.pick(if remote { OPEN_REMOTE } else { OPEN_STORE });
            body.push_str(&fill(rng, opener, remote));
        }
        for (i, cl) in clauses.iter().enumerate() {
            if i > 0 {
                let prev = &clauses[i - 1];
                if prev.sentence || cl.sentence {
                    end_sentence(&mut body);
                    body.push(' ');
                } else if prev.positive == cl.positive {
                    body.push_str(rng.pick(JOIN_SAME));
                } else {
                    body.push_str(rng.pick(JOIN_CONTRAST));
                }
            }
            body.push_str(&cl.text);
        }
    }

    // Ending punctuation and optional closing remark.
    if body.ends_with(|ch: char| ch.is_ascii_alphanumeric()) {
        let ends: &[&str] = if body.len() <= 4 {
            &["", "", "", "."]
        } else if c.nps <= 6 {
            END_NEG
        } else if c.nps >= 9 {
            END_POS
        } else {
            END_NEUTRAL
        };
        body.push_str(rng.pick(ends));
    }
    if body.len() > 3 && rng.chance(0.15) {
        let closers = match c.nps {
            0..=6 => CLOSE_DETRACTOR,
            7..=8 => CLOSE_PASSIVE,
            _ => CLOSE_PROMOTER,
        };
        end_sentence(&mut body);
        body.push(' ');
        body.push_str(rng.pick(closers));
    }

    // Casing.
    let style = rng.unit();
    let mut out = if style < 0.10 {
        body.to_lowercase()
    } else if detractor && c.nps <= 3 && style < 0.14 && body.len() < 70 {
        body.to_uppercase()
    } else {
        sentence_case(&body)
    };
    // Emoji.
    if rng.chance(0.05) {
        let e = if c.nps <= 6 {
            rng.pick(EMOJI_NEG)
        } else if c.nps >= 9 {
            rng.pick(EMOJI_POS)
        } else {
            "🤷"
        };
        if rng.chance(0.5) {
            out.push(' ');
        }
        out.push_str(e);
    }
    // Typos.
    if rng.chance(0.06) {
        out = typo(rng, &out);
    }
    (out, topics, complaints)
}

/// Make sure `s` ends with sentence punctuation.
fn end_sentence(s: &mut String) {
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
}

/// Capitalise the first letter and the first letter after `. `, `! `, `? `.
fn sentence_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut capitalise = true;
    let mut prev_end = false;
    for ch in s.chars() {
        if capitalise && ch.is_alphabetic() {
            out.extend(ch.to_uppercase());
            capitalise = false;
        } else {
            out.push(ch);
        }
        if ch.is_alphanumeric() {
            capitalise = false;
        }
        if ch == ' ' && prev_end {
            capitalise = true;
        }
        prev_end = matches!(ch, '.' | '!' | '?');
    }
    out
}

/// Introduce one typo (swap, drop or double a letter) in a word of >= 4 ASCII letters.
fn typo(rng: &mut Rng, s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start: Option<usize> = None;
    for (i, ch) in chars.iter().enumerate() {
        match (ch.is_ascii_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(st)) => {
                if i - st >= 4 {
                    words.push((st, i));
                }
                start = None;
            }
            _ => {}
        }
    }
    if let Some(st) = start {
        if chars.len() - st >= 4 {
            words.push((st, chars.len()));
        }
    }
    if words.is_empty() {
        return s.to_string();
    }
    let (ws, we) = words[rng.below(words.len())];
    // Position strictly inside the word.
    let pos = ws + 1 + rng.below(we - ws - 2);
    let mut out = chars;
    match rng.below(3) {
        0 => out.swap(pos, pos + 1),
        1 => {
            out.remove(pos);
        }
        _ => {
            let ch = out[pos];
            out.insert(pos, ch);
        }
    }
    out.into_iter().collect()
}

// ---------------------------------------------------------------------------
// Truths
// ---------------------------------------------------------------------------

/// Net Promoter Score (−100..100) of `(score, weight)` pairs; `None` if empty.
fn nps_of(items: impl Iterator<Item = (u8, f64)>) -> Option<f64> {
    let (mut total, mut net) = (0.0, 0.0);
    for (s, w) in items {
        total += w;
        if s >= 9 {
            net += w;
        } else if s <= 6 {
            net -= w;
        }
    }
    (total > 0.0).then(|| 100.0 * net / total)
}

fn mean_of(items: impl Iterator<Item = f64>) -> Option<f64> {
    let (mut n, mut sum) = (0usize, 0.0);
    for x in items {
        n += 1;
        sum += x;
    }
    (n > 0).then(|| sum / n as f64)
}

fn pearson(pairs: &[(f64, f64)]) -> Option<f64> {
    let n = pairs.len() as f64;
    if pairs.len() < 3 {
        return None;
    }
    let mx = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in pairs {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    let d = (sxx * syy).sqrt();
    (d > 0.0).then(|| sxy / d)
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn r4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

fn opt(x: Option<f64>, round: fn(f64) -> f64) -> Value {
    match x {
        Some(v) if v.is_finite() => json!(round(v)),
        _ => Value::Null,
    }
}

fn share(count: usize, total: usize) -> Option<f64> {
    (total > 0).then(|| count as f64 / total as f64)
}

/// Store-level unweighted NPS computed from `data`, in [`STORES`] order.
fn store_nps(data: &SampleData) -> Vec<Option<f64>> {
    STORES
        .iter()
        .map(|s| {
            nps_of(
                (0..data.len())
                    .filter(|&i| data.store[i] == s.name)
                    .map(|i| (data.nps[i], 1.0)),
            )
        })
        .collect()
}

/// The planted truths for `config`, with values realized in the generated data.
pub fn truths(config: &SampleConfig) -> Value {
    let data = generate(config);
    truths_from(&data, config)
}

/// Like [`truths`] but reuses already generated `data` (must come from `config`).
pub fn truths_from(data: &SampleData, config: &SampleConfig) -> Value {
    let n = data.len();
    let all = || 0..n;
    let unweighted = |idx: &[usize]| nps_of(idx.iter().map(|&i| (data.nps[i], 1.0)));
    let weighted = |idx: &[usize]| nps_of(idx.iter().map(|&i| (data.nps[i], data.weight[i])));
    let all_idx: Vec<usize> = all().collect();

    // --- overall ----------------------------------------------------------
    let mut distinct: Vec<&str> = data
        .comment
        .iter()
        .map(String::as_str)
        .filter(|c| !c.is_empty())
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    let overall = json!({
        "n": n,
        "nps": opt(unweighted(&all_idx), r2),
        "nps_weighted": opt(weighted(&all_idx), r2),
        "csat_mean": opt(mean_of(data.csat.iter().map(|&x| f64::from(x))), r2),
        "ces_mean": opt(mean_of(data.ces.iter().flatten().map(|&x| f64::from(x))), r2),
        "weight_mean": opt(mean_of(data.weight.iter().copied()), r4),
        "ces_missing_share": opt(share(data.ces.iter().filter(|c| c.is_none()).count(), n), r4),
        "app_missing_share": opt(share(data.app.iter().filter(|c| c.is_none()).count(), n), r4),
        "comment_empty_share": opt(share(data.comment.iter().filter(|c| c.is_empty()).count(), n), r4),
        "distinct_comments": distinct.len(),
    });

    // --- 1. hotspot -------------------------------------------------------
    let hot: Vec<usize> = all().filter(|&i| data.meta[i].hotspot).collect();
    let rest: Vec<usize> = all().filter(|&i| !data.meta[i].hotspot).collect();
    let hot_store = STORES[HOTSPOT_STORE].name;
    let store_rest: Vec<usize> = all()
        .filter(|&i| !data.meta[i].hotspot && data.store[i] == hot_store)
        .collect();
    let wait_mean = |idx: &[usize]| mean_of(idx.iter().map(|&i| f64::from(data.waiting_time[i])));
    let hotspot = json!({
        "store": hot_store,
        "weekdays": &WEEKDAY_NAMES[..5],
        "iso_weekdays": [1, 2, 3, 4, 5],
        "hours_local": HOTSPOT_HOURS,
        "hours_local_description": "local clock hour 17..=21, i.e. 17:00:00-21:59:59",
        "utc_offset_minutes": UTC_OFFSET_MINUTES,
        "intended_effects": {
            "waiting_time_mean_shift": HOTSPOT_WAIT_SHIFT,
            "staff_mean_shift": HOTSPOT_STAFF_SHIFT,
            "latent_satisfaction_shift": HOTSPOT_LATENT_SHIFT,
            "applies_to_channels": "all",
        },
        "realized": {
            "slice_n": hot.len(),
            "slice_nps": opt(unweighted(&hot), r2),
            "slice_nps_weighted": opt(weighted(&hot), r2),
            "slice_waiting_time_mean": opt(wait_mean(&hot), r2),
            "rest_n": rest.len(),
            "rest_nps": opt(unweighted(&rest), r2),
            "rest_nps_weighted": opt(weighted(&rest), r2),
            "rest_waiting_time_mean": opt(wait_mean(&rest), r2),
            "store_outside_slice_n": store_rest.len(),
            "store_outside_slice_nps": opt(unweighted(&store_rest), r2),
        },
    });

    // --- 2. drivers -------------------------------------------------------
    let mut corr = Map::new();
    let driver_cols: [(&str, &Vec<u8>); 4] = [
        ("waiting_time", &data.waiting_time),
        ("staff", &data.staff),
        ("price", &data.price),
        ("cleanliness", &data.cleanliness),
    ];
    for (name, col) in driver_cols {
        let pairs: Vec<(f64, f64)> = all()
            .map(|i| (f64::from(col[i]), f64::from(data.nps[i])))
            .collect();
        corr.insert(name.to_string(), opt(pearson(&pairs), r4));
    }
    let app_pairs: Vec<(f64, f64)> = all()
        .filter_map(|i| data.app[i].map(|a| (f64::from(a), f64::from(data.nps[i]))))
        .collect();
    corr.insert("app".to_string(), opt(pearson(&app_pairs), r4));
    let drivers = json!({
        "target": "nps",
        "top_driver": "waiting_time",
        "weights": {
            "waiting_time": W_WAIT,
            "staff": W_STAFF,
            "app": W_APP,
            "price": W_PRICE,
            "cleanliness": W_CLEAN,
        },
        "ranking": ["waiting_time", "staff", "app", "price", "cleanliness"],
        "model": "latent = sum(w_d * (rating_d - 3) / 2) / sum(w_d over drivers present) + 0.25*store_quality + event penalties + 0.22*noise; nps = clamp(round(7.0 + 4.2*latent + 0.8*noise), 0, 10); csat = clamp(round(3.2 + 2.0*latent + 0.45*noise), 1, 5); ces = clamp(round(4.6 + 1.4*(waiting_time - 3)/2 + 1.2*latent + touchpoint/app-issue effects + 0.7*noise), 1, 7)",
        "app_weight_note": "the app driver only exists for the app and web channels; elsewhere weights are renormalised over the four other drivers",
        "event_penalties_on_latent": {
            "app_issue": -0.15, "website_issue": -0.1, "delivery_late": -0.35, "refund_slow": -0.3
        },
        "realized_pearson_r_with_nps": Value::Object(corr),
    });

    // --- 3. topics --------------------------------------------------------
    let mut per_topic = Map::new();
    let mut costliest: Option<(&str, f64)> = None;
    for (t, name) in TOPICS.iter().enumerate() {
        let bit = 1u16 << t;
        let men: Vec<usize> = all().filter(|&i| data.meta[i].topics & bit != 0).collect();
        let complaints = all()
            .filter(|&i| data.meta[i].complaints & bit != 0)
            .count();
        let non: Vec<usize> = all().filter(|&i| data.meta[i].topics & bit == 0).collect();
        let (nm, nn) = (unweighted(&men), unweighted(&non));
        let ms = share(men.len(), n);
        let cost = match (nm, nn, ms) {
            (Some(a), Some(b), Some(s)) => Some(s * (b - a)),
            _ => None,
        };
        if let Some(cv) = cost {
            if costliest.is_none_or(|(_, best)| cv > best) {
                costliest = Some((name, cv));
            }
        }
        per_topic.insert(
            (*name).to_string(),
            json!({
                "n_mentioners": men.len(),
                "mention_share": opt(ms, r4),
                "n_complaints": complaints,
                "complaint_share": opt(share(complaints, n), r4),
                "nps_mentioners": opt(nm, r2),
                "nps_non_mentioners": opt(nn, r2),
                "nps_points_cost": opt(cost, r2),
            }),
        );
    }
    let topics = json!({
        "topic_names": TOPICS,
        "planted_costliest_topic": "waiting",
        "realized_costliest_topic": costliest.map(|c| c.0),
        "cost_definition": "mention_share * (nps_non_mentioners - nps_mentioners): overall NPS points that would be regained if mentioners scored like non-mentioners; a mention is any comment phrase about the topic (positive or negative), shares are over all responses",
        "indicative_keywords": {
            "waiting": ["wait", "queue", "queu", "hold", "ages", "slow"],
            "staff": ["staff", "rude", "helpful", "unhelpful", "agent", "advisor", "manager", "cashier", "assistant", "supervisor", "team", "polite", "attitude", "clueless", "hung up"],
            "price": ["price", "pricey", "overpriced", "expensive", "value", "cheap", "£", "bargain", "deal", "offer"],
            "cleanliness": ["clean", "dirty", "filthy", "sticky", "mess", "toilets", "spotless", "tidy", "rubbish", "bins"],
            "app": ["app", "crash", "log in", "login", "sign in", "froze"],
            "website": ["website", "site", "page"],
            "delivery": ["delivery", "parcel", "courier", "arrived", "tracking", "turned up", "day early"],
            "refund": ["refund", "return", "money back"],
        },
        "per_topic": Value::Object(per_topic),
    });

    // --- 4. app release ---------------------------------------------------
    let app_bit = 1u16 << T_APP;
    let period = |after: bool| {
        let idx: Vec<usize> = all()
            .filter(|&i| {
                data.channel[i] == Channel::App.as_str()
                    && (data.meta[i].day >= RELEASE_DAY) == after
            })
            .collect();
        let complaints = idx
            .iter()
            .filter(|&&i| data.meta[i].complaints & app_bit != 0)
            .count();
        let commented = idx.iter().filter(|&&i| !data.comment[i].is_empty()).count();
        let issues = idx.iter().filter(|&&i| data.meta[i].app_issue).count();
        json!({
            "n": idx.len(),
            "app_complaint_share": opt(share(complaints, idx.len()), r4),
            "app_complaint_share_of_comments": opt(share(complaints, commented), r4),
            "underlying_issue_rate": opt(share(issues, idx.len()), r4),
            "nps": opt(unweighted(&idx), r2),
            "app_rating_mean": opt(mean_of(idx.iter().filter_map(|&i| data.app[i].map(f64::from))), r2),
        })
    };
    let app_release = json!({
        "release": "5.2",
        "change_date": "2025-09-15",
        "definition": "'after' = local date >= 2025-09-15",
        "channel": "app",
        "topic": "app",
        "complaint_definition": "comment contains a negative app phrase (crash / login / freeze); positive app mentions are not complaints",
        "intended_issue_rate_before": APP_ISSUE_BEFORE,
        "intended_issue_rate_after": APP_ISSUE_AFTER,
        "intended_app_rating_mean_without_issue": { "before": 3.7, "after": 4.25 },
        "issue_kinds": ["crash", "login", "freeze at checkout"],
        "realized": { "before": period(false), "after": period(true) },
    });

    // --- 5. store KPIs ----------------------------------------------------
    let kpis = store_kpis_from(data, config);
    let snps = store_nps(data);
    let mut store_map = Map::new();
    let mut pairs: [Vec<(f64, f64)>; 4] = Default::default();
    for (k, s) in kpis.iter().zip(&snps) {
        store_map.insert(k.store.clone(), opt(*s, r2));
        if let Some(v) = s {
            pairs[0].push((*v, k.revenue_growth_pct));
            pairs[1].push((*v, k.repeat_rate_pct));
            pairs[2].push((*v, k.staff_turnover_pct));
            pairs[3].push((*v, k.avg_basket_gbp));
        }
    }
    let store_kpi_truth = json!({
        "file": "store_kpis.csv",
        "join_key": "store",
        "model": "d = store_nps - mean(store_nps); revenue_growth_pct = 2.0 + 0.18*d + 1.4*noise; repeat_rate_pct = 41 + 0.45*d + 3.5*noise; staff_turnover_pct = 24 - 0.3*d + 3.5*noise; avg_basket_gbp = 32 + 4*noise (unrelated control); store_nps is the realized unweighted NPS of the store's responses",
        "positively_linked": ["revenue_growth_pct", "repeat_rate_pct"],
        "negatively_linked": ["staff_turnover_pct"],
        "unlinked": ["avg_basket_gbp", "footfall_weekly"],
        "realized_pearson_r_with_store_nps": {
            "revenue_growth_pct": opt(pearson(&pairs[0]), r4),
            "repeat_rate_pct": opt(pearson(&pairs[1]), r4),
            "staff_turnover_pct": opt(pearson(&pairs[2]), r4),
            "avg_basket_gbp": opt(pearson(&pairs[3]), r4),
        },
        "store_nps": Value::Object(store_map),
    });

    let regions: Map<String, Value> = STORES
        .iter()
        .map(|s| (s.name.to_string(), json!(s.region)))
        .collect();

    json!({
        "generator": {
            "module": "cxm_core::sample",
            "version": 1,
            "seed": config.seed,
            "rows": config.rows,
            "prng": "xoshiro256** seeded via SplitMix64; normals = scaled sum of 4 uniforms",
            "timezone": "fixed +01:00 offset all year (no DST)",
            "period": "2025-01-01..2025-12-31",
            "store_regions": Value::Object(regions),
        },
        "overall": overall,
        "truth_1_hotspot": hotspot,
        "truth_2_top_driver": drivers,
        "truth_3_costliest_topic": topics,
        "truth_4_app_release": app_release,
        "truth_5_store_kpis": store_kpi_truth,
    })
}

/// Store KPI table linked to each store's realized NPS (see [`truths`]).
pub fn store_kpis(config: &SampleConfig) -> Vec<StoreKpi> {
    store_kpis_from(&generate(config), config)
}

/// Like [`store_kpis`] but reuses already generated `data` (must come from `config`).
pub fn store_kpis_from(data: &SampleData, config: &SampleConfig) -> Vec<StoreKpi> {
    let snps = store_nps(data);
    let known: Vec<f64> = snps.iter().flatten().copied().collect();
    let mean = if known.is_empty() {
        0.0
    } else {
        known.iter().sum::<f64>() / known.len() as f64
    };
    let mut rng = Rng::stream(config.seed, 3);
    let r1 = |x: f64| (x * 10.0).round() / 10.0;
    STORES
        .iter()
        .zip(snps)
        .map(|(s, nps)| {
            let d = nps.map_or(0.0, |v| v - mean);
            StoreKpi {
                store: s.name.to_string(),
                region: s.region.to_string(),
                revenue_growth_pct: r1(2.0 + 0.18 * d + 1.4 * rng.normal()),
                repeat_rate_pct: r1(41.0 + 0.45 * d + 3.5 * rng.normal()),
                staff_turnover_pct: r1(24.0 - 0.3 * d + 3.5 * rng.normal()),
                avg_basket_gbp: r2(32.0 + 4.0 * rng.normal()),
                footfall_weekly: (s.size * 8_500.0 + 600.0 * rng.normal()).round().max(0.0) as u32,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> SampleConfig {
        SampleConfig {
            rows: 5_000,
            seed: 7,
        }
    }

    fn csv_bytes(d: &SampleData) -> Vec<u8> {
        let mut buf = Vec::new();
        assert!(d.write_csv(&mut buf).is_ok());
        buf
    }

    #[test]
    fn same_seed_identical_bytes() {
        let a = csv_bytes(&generate(&small()));
        let b = csv_bytes(&generate(&small()));
        assert_eq!(a, b);
    }

    #[test]
    fn different_seed_differs() {
        let a = csv_bytes(&generate(&small()));
        let b = csv_bytes(&generate(&SampleConfig { seed: 8, ..small() }));
        assert_ne!(a, b);
    }

    #[test]
    fn scores_in_range_and_csv_parses() {
        let d = generate(&small());
        assert_eq!(d.len(), 5_000);
        for i in 0..d.len() {
            assert!(d.nps[i] <= 10);
            assert!((1..=5).contains(&d.csat[i]));
            assert!(d.ces[i].is_none_or(|c| (1..=7).contains(&c)));
            assert!((0.5..=2.0).contains(&d.weight[i]));
            for r in [d.staff[i], d.waiting_time[i], d.price[i], d.cleanliness[i]] {
                assert!((1..=5).contains(&r));
            }
            assert!(d.app[i].is_none_or(|a| (1..=5).contains(&a)));
            assert_eq!(
                d.app[i].is_some(),
                d.channel[i] == "app" || d.channel[i] == "web"
            );
            assert!(!d.comment[i].contains('\n'));
        }
        let bytes = csv_bytes(&d);
        let mut rdr = csv::Reader::from_reader(bytes.as_slice());
        let header: Vec<String> = rdr
            .headers()
            .map(|h| h.iter().map(str::to_string).collect())
            .unwrap_or_default();
        assert_eq!(header, RESPONSES_HEADER);
        let mut rows = 0;
        for rec in rdr.records() {
            let rec = rec.map_err(|e| e.to_string());
            assert!(rec.as_ref().is_ok_and(|r| r.len() == 16), "{rec:?}");
            rows += 1;
        }
        assert_eq!(rows, 5_000);
        // Chronological ids and well-formed timestamps.
        assert_eq!(d.response_id[0], "R000001");
        assert!(d.timestamp.windows(2).all(|w| w[0] <= w[1]));
        assert!(d
            .timestamp
            .iter()
            .all(|t| t.len() == 25 && t.starts_with("2025-") && t.ends_with("+01:00")));
        let blank = d.comment.iter().filter(|c| c.is_empty()).count() as f64 / 5_000.0;
        assert!((0.25..0.36).contains(&blank), "blank share {blank}");
        let ces_missing = d.ces.iter().filter(|c| c.is_none()).count() as f64 / 5_000.0;
        assert!((0.21..0.29).contains(&ces_missing));
    }

    #[test]
    fn planted_truths_recovered() {
        let cfg = SampleConfig::default();
        let d = generate(&cfg);
        let n = d.len();
        let nps = |f: &dyn Fn(usize) -> bool| {
            nps_of((0..n).filter(|&i| f(i)).map(|i| (d.nps[i], 1.0))).unwrap_or(f64::NAN)
        };

        // 1. Hotspot slice is far worse than the rest, and large enough.
        let slice_n = (0..n).filter(|&i| d.in_hotspot(i)).count();
        let hot = nps(&|i| d.in_hotspot(i));
        let rest = nps(&|i| !d.in_hotspot(i));
        assert!((150..=450).contains(&slice_n), "slice n {slice_n}");
        assert!(
            hot < -25.0 && rest > 5.0 && rest - hot > 40.0,
            "{hot} vs {rest}"
        );
        let leeds_rest = nps(&|i| !d.in_hotspot(i) && d.store[i] == "Leeds Central");
        assert!(leeds_rest - hot > 40.0);

        // 3. Waiting mentioners score much lower; waiting is the costliest topic.
        let w = |i: usize| d.meta[i].topics & (1 << T_WAITING) != 0;
        let men = nps(&|i| w(i));
        let non = nps(&|i| !w(i));
        assert!(non - men > 40.0, "{men} vs {non}");
        let t = truths_from(&d, &cfg);
        assert_eq!(
            t["truth_3_costliest_topic"]["realized_costliest_topic"],
            json!("waiting")
        );

        // 2. waiting_time has the highest correlation with NPS.
        let corr = &t["truth_2_top_driver"]["realized_pearson_r_with_nps"];
        let wait_r = corr["waiting_time"].as_f64().unwrap_or(0.0);
        for other in ["staff", "price", "cleanliness", "app"] {
            assert!(wait_r > corr[other].as_f64().unwrap_or(1.0), "{other}");
        }

        // 4. App complaints share drops after the release date.
        let before = &t["truth_4_app_release"]["realized"]["before"];
        let after = &t["truth_4_app_release"]["realized"]["after"];
        let b = before["app_complaint_share"].as_f64().unwrap_or(0.0);
        let a = after["app_complaint_share"].as_f64().unwrap_or(1.0);
        assert!(b > 3.0 * a && b > 0.12, "{b} vs {a}");
        assert!(after["nps"].as_f64() > before["nps"].as_f64());

        // 5. KPI linked to store NPS.
        let r = t["truth_5_store_kpis"]["realized_pearson_r_with_store_nps"]["revenue_growth_pct"]
            .as_f64()
            .unwrap_or(0.0);
        assert!(r > 0.5, "kpi r {r}");

        // Comment variety.
        let distinct = t["overall"]["distinct_comments"].as_u64().unwrap_or(0);
        assert!(distinct > 1_000, "distinct {distinct}");
    }

    #[test]
    fn comments_only_mention_real_problems() {
        let d = generate(&small());
        for i in 0..d.len() {
            let topics = d.comment_topics(i);
            if topics.contains(&"app") {
                assert_eq!(d.channel[i], "app");
            }
            if d.comment[i].is_empty() {
                assert!(topics.is_empty());
            }
            if topics.contains(&"waiting") {
                assert!(d.waiting_time[i] <= 2 || d.waiting_time[i] == 5);
            }
            if topics.contains(&"cleanliness") {
                assert_eq!(d.channel[i], "in-store");
            }
        }
    }

    fn has_keyword(text: &str, keywords: &[&str]) -> bool {
        let lower = text.to_lowercase();
        keywords.iter().any(|kw| {
            lower.match_indices(kw).any(|(pos, _)| {
                !lower[..pos]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphabetic)
            })
        })
    }

    #[test]
    fn documented_keywords_recover_topics() {
        let cfg = small();
        let d = generate(&cfg);
        let t = truths_from(&d, &cfg);
        let kw = &t["truth_3_costliest_topic"]["indicative_keywords"];
        for topic in TOPICS {
            let words: Vec<&str> = kw[topic]
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let (mut tp, mut fn_, mut fp, mut tn) = (0usize, 0usize, 0usize, 0usize);
            for i in 0..d.len() {
                if d.comment[i].is_empty() {
                    continue;
                }
                let truth = d.comment_topics(i).contains(&topic);
                match (truth, has_keyword(&d.comment[i], &words)) {
                    (true, true) => tp += 1,
                    (true, false) => fn_ += 1,
                    (false, true) => fp += 1,
                    (false, false) => tn += 1,
                }
            }
            let recall = tp as f64 / (tp + fn_).max(1) as f64;
            let fpr = fp as f64 / (fp + tn).max(1) as f64;
            eprintln!("{topic}: recall {recall:.3} false-positive rate {fpr:.4} (tp {tp} fp {fp})");
            if topic == "waiting" || topic == "app" {
                assert!(recall > 0.9 && fpr < 0.01, "{topic}: {recall} {fpr}");
            }
        }
    }

    #[test]
    fn store_kpis_cover_all_stores_and_write() {
        let cfg = small();
        let k = store_kpis(&cfg);
        assert_eq!(k.len(), STORES.len());
        let mut buf = Vec::new();
        assert!(write_store_kpis_csv(&k, &mut buf).is_ok());
        let text = String::from_utf8(buf).unwrap_or_default();
        assert!(text.starts_with("store,region,revenue_growth_pct,repeat_rate_pct"));
        assert_eq!(text.lines().count(), STORES.len() + 1);
    }

    #[test]
    fn empty_config_is_fine() {
        let cfg = SampleConfig { rows: 0, seed: 1 };
        let d = generate(&cfg);
        assert!(d.is_empty());
        let t = truths_from(&d, &cfg);
        assert!(t["overall"]["nps"].is_null());
        assert_eq!(csv_bytes(&d).iter().filter(|b| **b == b'\n').count(), 1);
    }

    #[test]
    fn hotspot_recoverable_from_csv_fields() {
        let d = generate(&small());
        let mut hits = 0;
        for i in 0..d.len() {
            let ts = &d.timestamp[i];
            let month: usize = ts[5..7].parse().unwrap_or(0);
            let dom: u16 = ts[8..10].parse().unwrap_or(0);
            let hour: u8 = ts[11..13].parse().unwrap_or(99);
            let doy = MONTH_DAYS[..month - 1].iter().sum::<u16>() + dom - 1;
            let expected =
                d.store[i] == "Leeds Central" && weekday(doy) < 5 && (17..=21).contains(&hour);
            assert_eq!(d.in_hotspot(i), expected, "row {i} {ts}");
            hits += usize::from(expected);
        }
        assert!(hits > 30);
    }

    #[test]
    fn calendar() {
        assert_eq!(weekday(0), 2); // 2025-01-01 Wednesday
        assert_eq!(weekday(5), 0); // 2025-01-06 Monday
        assert_eq!(month_day(RELEASE_DAY), (9, 15));
        assert_eq!(month_day(364), (12, 31));
        assert_eq!(month_day(59), (3, 1));
    }
}
