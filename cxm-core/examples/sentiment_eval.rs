//! Accuracy of the sentiment modes, from Rust (the same metrics as
//! `benches/sentiment/eval.py`, without building the Python package).
//!
//! ```text
//! cargo run --release -p cxm-core --example sentiment_eval -- ../shared/data [--cut 0.05] [--errors airline]
//! ```
//!
//! Pearson r of compound against the human mean and 3-class macro-F1 (mean > 0.5 /
//! < −0.5 / between) on the VADER ground-truth sets under `<data>/sentiment/`; macro-F1
//! on `<data>/cx/airline_tweets_dev.csv` (evaluation only, read by path) and on the
//! project's `examples/data/cx_sentiment_testset.tsv`. `--errors SET` prints the
//! misclassified texts of one set (`tweets`, `movie`, `nyt`, `airline`, `testset`).
//! `--ablate` also scores every set with each Cx rule switched off in turn (the evidence
//! table of `docs/sentiment.md`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use cxm_core::sentiment::{Label, Mode, SentimentModel};

/// One evaluation set: name, texts, true labels, human means (ground-truth sets only).
type Set = (&'static str, Vec<String>, Vec<Label>, Option<Vec<f64>>);

const LABELS: [Label; 3] = [Label::Negative, Label::Neutral, Label::Positive];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sentiment_eval: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut data: Option<PathBuf> = None;
    let mut cut = 0.05;
    let mut errors: Option<String> = None;
    let mut ablate = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--cut" => {
                cut = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .ok_or("--cut takes a number")?
            }
            "--errors" => errors = args.next(),
            "--ablate" => ablate = true,
            _ => data = Some(PathBuf::from(a)),
        }
    }
    let data = data.ok_or("usage: sentiment_eval <shared-data-dir> [--cut C] [--errors SET]")?;
    let mut sets: Vec<Set> = Vec::new();
    for (name, file) in [
        ("tweets", "tweets_GroundTruth.txt"),
        ("movie", "movieReviewSnippets_GroundTruth.txt"),
        ("nyt", "nytEditorialSnippets_GroundTruth.txt"),
    ] {
        let (texts, means) = ground_truth(&data.join("sentiment").join(file))?;
        let truth = means
            .iter()
            .map(|&m| {
                if m > 0.5 {
                    Label::Positive
                } else if m < -0.5 {
                    Label::Negative
                } else {
                    Label::Neutral
                }
            })
            .collect();
        sets.push((name, texts, truth, Some(means)));
    }
    let airline = data.join("cx").join("airline_tweets_dev.csv");
    if airline.exists() {
        let mut reader = csv::Reader::from_path(&airline).map_err(|e| e.to_string())?;
        let headers = reader.headers().map_err(|e| e.to_string())?.clone();
        let col = |n: &str| {
            headers
                .iter()
                .position(|h| h == n)
                .ok_or(format!("no column {n}"))
        };
        let (text_col, label_col) = (col("text")?, col("airline_sentiment")?);
        let (mut texts, mut truth) = (Vec::new(), Vec::new());
        for record in reader.records() {
            let r = record.map_err(|e| e.to_string())?;
            texts.push(r[text_col].to_string());
            truth.push(parse_label(&r[label_col])?);
        }
        sets.push(("airline", texts, truth, None));
    }
    let testset =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/data/cx_sentiment_testset.tsv");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b'\t')
        .from_path(&testset)
        .map_err(|e| e.to_string())?;
    let headers = reader.headers().map_err(|e| e.to_string())?.clone();
    let tcol = headers
        .iter()
        .position(|h| h == "text")
        .ok_or("testset: no text column")?;
    let lcol = headers
        .iter()
        .position(|h| h == "label")
        .ok_or("testset: no label column")?;
    let (mut texts, mut truth) = (Vec::new(), Vec::new());
    for record in reader.records() {
        let r = record.map_err(|e| e.to_string())?;
        texts.push(r[tcol].to_string());
        truth.push(parse_label(&r[lcol])?);
    }
    sets.push(("testset", texts, truth, None));

    println!(
        "{:10} {:6} {:>6} {:>9} {:>9}   (cut ±{cut})",
        "set", "mode", "n", "pearson", "macro-F1"
    );
    for (name, texts, truth, means) in &sets {
        for mode in [Mode::Vader, Mode::Cx] {
            let model = SentimentModel::new(mode);
            let scores = model.score_batch(texts);
            let comp: Vec<f64> = scores.iter().map(|s| s.compound).collect();
            let pred: Vec<Label> = scores.iter().map(|s| s.label(cut)).collect();
            let r = means
                .as_ref()
                .map_or(String::new(), |m| format!("{:.3}", pearson(&comp, m)));
            println!(
                "{name:10} {:6} {:6} {r:>9} {:9.3}",
                mode.as_str(),
                texts.len(),
                macro_f1(truth, &pred)
            );
            if mode == Mode::Cx && errors.as_deref() == Some(*name) {
                for ((t, p), (text, s)) in truth.iter().zip(&pred).zip(texts.iter().zip(&scores)) {
                    if t != p {
                        println!(
                            "  {:8} {:8} {:+.3}  {}",
                            t.as_str(),
                            p.as_str(),
                            s.compound,
                            text
                        );
                    }
                }
            }
        }
    }
    if ablate {
        let metric = |model: &SentimentModel, set: &Set| {
            let scores = model.score_batch(&set.1);
            match &set.3 {
                Some(means) => pearson(
                    &scores.iter().map(|s| s.compound).collect::<Vec<_>>(),
                    means,
                ),
                None => macro_f1(
                    &set.2,
                    &scores.iter().map(|s| s.label(cut)).collect::<Vec<_>>(),
                ),
            }
        };
        print!("\n| Cx without |");
        for set in &sets {
            print!(" {} {} |", set.0, if set.3.is_some() { "r" } else { "F1" });
        }
        println!();
        println!("|---|{}", "---:|".repeat(sets.len()));
        let full = SentimentModel::cx();
        let base: Vec<f64> = sets.iter().map(|set| metric(&full, set)).collect();
        print!("| (nothing: full Cx) |");
        for b in &base {
            print!(" {b:.3} |");
        }
        println!();
        for name in SentimentModel::cx_rule_names() {
            let model = SentimentModel::cx_ablated(&[name]).map_err(|e| e.to_string())?;
            print!("| {name} |");
            for (set, b) in sets.iter().zip(&base) {
                print!(" {:+.3} |", metric(&model, set) - b);
            }
            println!();
        }
    }
    Ok(())
}

fn parse_label(s: &str) -> Result<Label, String> {
    match s {
        "negative" => Ok(Label::Negative),
        "neutral" => Ok(Label::Neutral),
        "positive" => Ok(Label::Positive),
        other => Err(format!("unknown label {other:?}")),
    }
}

fn ground_truth(path: &Path) -> Result<(Vec<String>, Vec<f64>), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let (mut texts, mut means) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let parts: Vec<&str> = line.splitn(3, '\t').collect();
        if let [_, mean, text] = parts[..] {
            if let Ok(m) = mean.parse() {
                means.push(m);
                texts.push(text.to_string());
            }
        }
    }
    Ok((texts, means))
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    sxy / (sxx * syy).sqrt()
}

fn macro_f1(truth: &[Label], pred: &[Label]) -> f64 {
    LABELS
        .iter()
        .map(|&c| {
            let tp = truth
                .iter()
                .zip(pred)
                .filter(|(t, p)| **t == c && **p == c)
                .count() as f64;
            let fp = truth
                .iter()
                .zip(pred)
                .filter(|(t, p)| **t != c && **p == c)
                .count() as f64;
            let fn_ = truth
                .iter()
                .zip(pred)
                .filter(|(t, p)| **t == c && **p != c)
                .count() as f64;
            let prec = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
            let rec = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
            if prec + rec > 0.0 {
                2.0 * prec * rec / (prec + rec)
            } else {
                0.0
            }
        })
        .sum::<f64>()
        / 3.0
}
