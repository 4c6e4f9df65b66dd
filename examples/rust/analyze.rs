//! The main job: the full analysis of a survey CSV, printed as a Markdown report.
//!
//! ```text
//! cargo run --release -p cxm-core --example analyze -- examples/data/responses.csv [--json out.json]
//! ```
//!
//! The column mapping matches the bundled sample (`examples/data/responses.csv`); pass
//! `--utc-offset MINUTES` for another local time zone (the sample is at +01:00).

use std::process::ExitCode;

use cxm_core::csv_input::{read_csv, CsvMapping};
use cxm_core::report::{analyze, ReportConfig};
use cxm_core::table::Policy;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args
        .first()
        .cloned()
        .unwrap_or_else(|| "examples/data/responses.csv".to_string());
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let offset: i32 = match flag("--utc-offset").map(|s| s.parse()) {
        None => 60,
        Some(Ok(v)) => v,
        Some(Err(e)) => {
            eprintln!("--utc-offset: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mapping = CsvMapping {
        nps: Some("nps".into()),
        csat: Some("csat".into()),
        ces: Some("ces".into()),
        weight: flag("--weight"),
        timestamp: Some("timestamp".into()),
        attributes: ["store", "region", "channel", "touchpoint"]
            .map(String::from)
            .to_vec(),
        comment: Some("comment".into()),
        respondent_id: Some("response_id".into()),
        ..CsvMapping::default()
    };
    let started = std::time::Instant::now();
    let table = match read_csv(&path, &mapping, Policy::Skip) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot load {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let config = ReportConfig {
        utc_offset_minutes: offset,
        ..ReportConfig::default()
    };
    let report = match analyze(&table, &config) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("analysis failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    print!("{}", report.to_markdown());
    println!(
        "\n_{} rows analysed in {:.0} ms._",
        table.len(),
        started.elapsed().as_secs_f64() * 1e3
    );
    if let Some(out) = flag("--json") {
        if let Err(e) = std::fs::write(&out, report.to_json()) {
            eprintln!("cannot write {out}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
