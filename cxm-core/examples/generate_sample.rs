//! Generate the reference sample dataset.
//!
//! ```text
//! cargo run -p cxm-core --example generate_sample --release -- [OUT_DIR] [ROWS] [SEED]
//! ```
//!
//! Defaults: `OUT_DIR = examples/data`, `ROWS = 20000`, `SEED = 42`. Writes
//! `responses.csv`, `truths.json` and `store_kpis.csv` into `OUT_DIR`.

use cxm_core::sample::{self, SampleConfig};
use std::error::Error;
use std::fs::{self, File};
use std::io::BufWriter;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let out_dir = PathBuf::from(args.next().unwrap_or_else(|| "examples/data".to_string()));
    let mut config = SampleConfig::default();
    if let Some(rows) = args.next() {
        config.rows = rows.parse()?;
    }
    if let Some(seed) = args.next() {
        config.seed = seed.parse()?;
    }
    fs::create_dir_all(&out_dir)?;

    let data = sample::generate(&config);

    let responses = out_dir.join("responses.csv");
    data.write_csv(BufWriter::new(File::create(&responses)?))?;

    let kpis = sample::store_kpis_from(&data, &config);
    let kpi_path = out_dir.join("store_kpis.csv");
    sample::write_store_kpis_csv(&kpis, BufWriter::new(File::create(&kpi_path)?))?;

    let truths = sample::truths_from(&data, &config);
    let truths_path = out_dir.join("truths.json");
    let mut text = serde_json::to_string_pretty(&truths)?;
    text.push('\n');
    fs::write(&truths_path, text)?;

    for path in [&responses, &truths_path, &kpi_path] {
        let size = fs::metadata(path)?.len();
        println!("wrote {} ({size} bytes)", path.display());
    }
    println!(
        "rows={} seed={} distinct_comments={}",
        data.len(),
        config.seed,
        truths["overall"]["distinct_comments"]
    );
    Ok(())
}
