//! Scores texts with a sentiment model (the VADER-compatible one unless `--mode cx`), one
//! text per input line.
//!
//! ```text
//! cargo run --release -p cxm-core --example vader_score [-- --json] [--mode cx] [--repeat N] < texts
//! ```
//!
//! Input: UTF-8, one text per line (split on `\n` only; the text is taken verbatim,
//! tabs and `\r` included). With `--json` each line is instead a JSON string literal
//! (`"text with \"quotes\", \t or \n"`), which carries any text exactly.
//!
//! Output: one `compound<TAB>pos<TAB>neu<TAB>neg` line per input line, in input order.
//!
//! `--repeat N` also scores the whole input N times with `score_batch` and prints the
//! throughput to stderr (set `RAYON_NUM_THREADS=1` for one core).

use std::io::{self, BufWriter, Read, Write};
use std::process::ExitCode;
use std::time::Instant;

use cxm_core::sentiment::SentimentModel;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("vader_score: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut json = false;
    let mut mode = cxm_core::sentiment::Mode::Vader;
    let mut repeat = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--json" => json = true,
            "--mode" => {
                mode = args
                    .next()
                    .ok_or("--mode needs cx or vader")?
                    .parse()
                    .map_err(|e: cxm_core::CxmError| e.to_string())?;
            }
            "--repeat" => {
                repeat = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--repeat needs a count")?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }

    let mut input = Vec::new();
    io::stdin()
        .read_to_end(&mut input)
        .map_err(|e| format!("reading stdin: {e}"))?;
    let input = String::from_utf8_lossy(&input);
    let body = input.strip_suffix('\n').unwrap_or(&input);
    let mut texts: Vec<String> = Vec::new();
    if !body.is_empty() || input.ends_with('\n') {
        for (line_no, line) in body.split('\n').enumerate() {
            if json {
                let text: String = serde_json::from_str(line)
                    .map_err(|e| format!("line {}: not a JSON string: {e}", line_no + 1))?;
                texts.push(text);
            } else {
                texts.push(line.to_owned());
            }
        }
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();

    let model = SentimentModel::new(mode);
    let scores = model.score_batch(&refs);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for s in &scores {
        writeln!(out, "{}\t{}\t{}\t{}", s.compound, s.pos, s.neu, s.neg)
            .map_err(|e| format!("writing stdout: {e}"))?;
    }
    out.flush().map_err(|e| format!("writing stdout: {e}"))?;

    if repeat > 0 {
        let start = Instant::now();
        let mut checksum = 0.0;
        for _ in 0..repeat {
            checksum += model
                .score_batch(&refs)
                .iter()
                .map(|s| s.compound)
                .sum::<f64>();
        }
        let seconds = start.elapsed().as_secs_f64();
        let n = refs.len() * repeat;
        eprintln!(
            "scored {n} texts in {seconds:.3} s: {:.0} texts/s on {} thread(s) (checksum {checksum:.4})",
            n as f64 / seconds,
            rayon::current_num_threads()
        );
    }
    Ok(())
}
