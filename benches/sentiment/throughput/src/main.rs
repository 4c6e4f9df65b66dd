//! Sentiment throughput on one core: cxm-core's `SentimentModel::score_batch` against the
//! VADER ports on crates.io (`vader-sentimental`, `vader-parity`).
//!
//! ```text
//! sentiment-throughput TEXTS_FILE [--repeat N] [--modes vader,cx] [--show K]
//! ```
//!
//! `TEXTS_FILE` holds one UTF-8 text per line. Each implementation scores all texts once
//! untimed (warm-up), then `N` timed times (default 5); one JSON line per implementation
//! gives the median:
//!
//! ```text
//! {"impl":"cxm_rust_vader","texts":119970,"seconds":0.123456,"texts_per_s":971780.2}
//! ```
//!
//! Only scoring is timed: reading the file and building the models are not. Every
//! implementation returns a `Vec` of scores, as `score_batch` does. cxm runs inside a
//! one-thread rayon pool (whatever `RAYON_NUM_THREADS` says); the crates are
//! single-threaded loops. Pinning the process to one core is left to the caller
//! (`../throughput.sh` uses `taskset -c 0`).
//!
//! `--modes` lists the cxm modes to time (default `vader`); a mode this build of cxm-core
//! does not know is reported on stderr and skipped. `--show K` times nothing: it prints
//! the scores of the first `K` texts by every implementation, for a by-eye comparison.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use cxm_core::sentiment::SentimentModel;

/// The cxm model of a `--modes` entry, or `None` if this build does not have that mode.
/// The one place to extend when cxm-core gains a mode.
fn model(mode: &str) -> Option<SentimentModel> {
    match mode {
        "vader" => Some(SentimentModel::vader()),
        "cx" => Some(SentimentModel::cx()),
        _ => None,
    }
}

/// Command-line options.
struct Args {
    path: String,
    repeat: usize,
    modes: Vec<String>,
    show: Option<usize>,
}

const USAGE: &str =
    "usage: sentiment-throughput TEXTS_FILE [--repeat N] [--modes vader,cx] [--show K]";

fn parse_args() -> Result<Args, String> {
    let mut path = None;
    let mut repeat = 5;
    let mut modes = vec!["vader".to_string()];
    let mut show = None;
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--repeat" => {
                repeat = value("--repeat")?
                    .parse()
                    .ok()
                    .filter(|&n| n >= 1)
                    .ok_or("--repeat must be an integer >= 1")?;
            }
            "--modes" => {
                modes = value("--modes")?
                    .split(',')
                    .map(str::trim)
                    .filter(|m| !m.is_empty())
                    .map(String::from)
                    .collect();
            }
            "--show" => {
                show = Some(
                    value("--show")?
                        .parse()
                        .map_err(|_| "--show must be an integer >= 0")?,
                );
            }
            "-h" | "--help" => return Err(String::new()),
            _ if arg.starts_with('-') => return Err(format!("unknown option {arg}")),
            _ if path.is_none() => path = Some(arg),
            _ => return Err(format!("unexpected argument {arg}")),
        }
    }
    Ok(Args {
        path: path.ok_or("missing TEXTS_FILE")?,
        repeat,
        modes,
        show,
    })
}

/// How an implementation scores one text for `--show`: `[compound, pos, neu, neg]`.
type ScoreFn<'a> = Box<dyn Fn(&str) -> [f64; 4] + 'a>;

/// One implementation for `--show`: its name in the output and its scorer.
struct Impl<'a> {
    name: String,
    show: ScoreFn<'a>,
}

/// Median wall time of `repeat` calls of `run` over `texts`, after one untimed call.
/// Results go through `black_box` so no work can be optimized away, and are dropped
/// outside the timed region.
fn median_seconds<R>(repeat: usize, texts: &[&str], run: impl Fn(&[&str]) -> Vec<R>) -> f64 {
    black_box(run(black_box(texts)));
    let mut seconds: Vec<f64> = (0..repeat)
        .map(|_| {
            let start = Instant::now();
            let out = black_box(run(black_box(texts)));
            let elapsed = start.elapsed().as_secs_f64();
            assert_eq!(out.len(), texts.len());
            elapsed
        })
        .collect();
    seconds.sort_by(f64::total_cmp);
    let mid = seconds.len() / 2;
    if seconds.len() % 2 == 1 {
        seconds[mid]
    } else {
        (seconds[mid - 1] + seconds[mid]) / 2.0
    }
}

/// Prints the result line of one implementation.
fn report(name: &str, texts: usize, seconds: f64) {
    println!(
        "{{\"impl\":\"{name}\",\"texts\":{texts},\"seconds\":{seconds:.6},\"texts_per_s\":{:.1}}}",
        texts as f64 / seconds
    );
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("error: {msg}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let content = match std::fs::read_to_string(&args.path) {
        Ok(content) => content,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", args.path);
            return ExitCode::FAILURE;
        }
    };
    // `lines` also drops a trailing '\r'.
    let texts: Vec<&str> = content.lines().collect();

    // One thread for cxm's rayon-parallel `score_batch`.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("cannot build a one-thread rayon pool");

    // The models are built here, outside any timing.
    let cxm_models: Vec<(String, SentimentModel)> = args
        .modes
        .iter()
        .filter_map(|mode| match model(mode) {
            Some(m) => Some((format!("cxm_rust_{mode}"), m)),
            None => {
                eprintln!("mode {mode} not available in this build");
                None
            }
        })
        .collect();
    let sentimental = vader_sentimental::SentimentIntensityAnalyzer::new();
    let parity = vader_parity::SentimentIntensityAnalyzer::new();

    if let Some(k) = args.show {
        // By-eye agreement check: no timing.
        let mut impls: Vec<Impl> = cxm_models
            .iter()
            .map(|(name, m)| Impl {
                name: name.clone(),
                show: Box::new(move |t: &str| {
                    let s = m.score(t);
                    [s.compound, s.pos, s.neu, s.neg]
                }),
            })
            .collect();
        impls.push(Impl {
            name: "vader_sentimental".into(),
            show: Box::new(|t: &str| {
                let s = sentimental.polarity_scores(t);
                [s.compound, s.pos, s.neu, s.neg]
            }),
        });
        impls.push(Impl {
            name: "vader_parity".into(),
            show: Box::new(|t: &str| {
                let s = parity.polarity_scores(t);
                [s.compound, s.pos, s.neu, s.neg]
            }),
        });
        for (i, text) in texts.iter().take(k).enumerate() {
            for imp in &impls {
                let [compound, pos, neu, neg] = (imp.show)(text);
                println!(
                    "{{\"impl\":\"{}\",\"index\":{i},\"compound\":{compound},\"pos\":{pos},\"neu\":{neu},\"neg\":{neg}}}",
                    imp.name
                );
            }
        }
        return ExitCode::SUCCESS;
    }

    let n = texts.len();
    for (name, m) in &cxm_models {
        let s = median_seconds(args.repeat, &texts, |t| pool.install(|| m.score_batch(t)));
        report(name, n, s);
    }
    let s = median_seconds(args.repeat, &texts, |t| {
        t.iter().map(|x| sentimental.polarity_scores(x)).collect()
    });
    report("vader_sentimental", n, s);
    let s = median_seconds(args.repeat, &texts, |t| {
        t.iter().map(|x| parity.polarity_scores(x)).collect()
    });
    report("vader_parity", n, s);
    ExitCode::SUCCESS
}
