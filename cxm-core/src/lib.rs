//! # cxm-core
//!
//! Customer-experience analytics over survey responses: NPS / CSAT / CES with honest
//! intervals ([`metrics`]), segmentation with significance and hotspot search
//! ([`segment`]), over a validated columnar [`table::ResponseTable`] loaded from slices
//! or CSV ([`csv_input`]).
//!
//! Every aggregate is a mergeable summary (`new → push → merge → finish`), every batch
//! call accounts for every input row, and results do not depend on the thread count.

pub mod csv_input;
pub mod error;
pub mod interval;
pub mod metrics;
pub mod report;
pub mod sample;
pub mod segment;
pub mod sentiment;
pub mod table;
pub mod time;

pub use error::{CxmError, Result};
