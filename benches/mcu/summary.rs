//! The summary printed at the end of a run: the headline figures from the report and whether
//! they meet the goals of docs/benchmarks.md.

use serde_json::Value;

use super::report::Report;

pub fn print_summary(report: &Report) {
    println!("== summary ==");
    println!(
        "load average: start {}, end {}",
        text(report, &["machine", "load_average_at_start"]).unwrap_or("?"),
        text(report, &["load_average_at_end"]).unwrap_or("?")
    );
    print_costs(report);
    print_goals(report);
}

/// One room on the server beside the same media work in `gst-launch-1.0`.
fn print_costs(report: &Report) {
    let num = |path: &[&str]| report.num(path);
    println!(
        "1 room × 4, server: CPU {} of one core, RSS {}, composite {} fps mean / {} lowest receiver",
        show(num(&["room", "server_cpu_percent"]), " %"),
        show(num(&["room", "server_rss_mib"]), " MiB"),
        show(num(&["room", "fps_mean"]), ""),
        show(num(&["room", "fps_min"]), ""),
    );
    println!(
        "join → first frame: p50 {}, max {}",
        show(num(&["room", "join_to_first_frame_ms", "p50"]), " ms"),
        show(num(&["room", "join_to_first_frame_ms", "max"]), " ms")
    );
    println!(
        "baseline (gst-launch-1.0): CPU {} of one core at {} fps",
        show(num(&["baseline", "cpu_percent"]), " %"),
        show(num(&["baseline", "fps"]), "")
    );
    println!(
        "server's video fragments alone (gst-launch-1.0): CPU {} of one core at {} fps",
        show(num(&["video_path", "cpu_percent"]), " %"),
        show(num(&["video_path", "fps"]), "")
    );
}

/// The ratio to the baseline, the rooms sustained, and each goal met or missed.
fn print_goals(report: &Report) {
    let ratio = report.num(&["ratio_server_to_baseline"]);
    let p50 = report.num(&["room", "join_to_first_frame_ms", "p50"]);
    let rooms = report
        .get(&["rooms", "sustained_rooms"])
        .and_then(Value::as_u64);
    println!("ratio server / baseline: {}", show(ratio, ""));
    println!(
        "rooms of 4 sustained at ≥ 29 fps: {} ({})",
        rooms.map(|n| n.to_string()).unwrap_or_else(|| "n/a".into()),
        text(report, &["rooms", "stop_reason"]).unwrap_or("-")
    );
    let capped = report.get(&["rooms", "capped"]).and_then(Value::as_bool);
    println!(
        "goals: ratio ≤ 1.5 {}; join→first frame p50 ≤ 700 ms {}; ≥ 6 rooms {}",
        verdict(ratio.map(|r| r <= 1.5)),
        verdict(p50.map(|p| p <= 700.0)),
        match (rooms, capped) {
            (Some(n), Some(true)) if n < 6 => "not decided (BENCH_MAX_ROOMS < 6)",
            _ => verdict(rooms.map(|n| n >= 6)),
        }
    );
}

fn text<'a>(report: &'a Report, path: &[&str]) -> Option<&'a str> {
    report.get(path).and_then(Value::as_str)
}

fn show(v: Option<f64>, unit: &str) -> String {
    v.map(|v| format!("{v}{unit}"))
        .unwrap_or_else(|| "n/a".into())
}

fn verdict(ok: Option<bool>) -> &'static str {
    match ok {
        Some(true) => "met",
        Some(false) => "MISSED",
        None => "not measured",
    }
}
