//! Readings from /proc: a process's own CPU accounting (utime + stime), its memory, the whole
//! machine's CPU use and load average.

use std::collections::HashMap;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

/// Clock ticks per second of utime/stime (`getconf CLK_TCK`, 100 on Linux in practice).
pub fn clock_ticks_per_second() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .and_then(|text| text.trim().parse::<f64>().ok())
        .filter(|ticks| *ticks > 0.0)
        .unwrap_or(100.0)
}

/// The fields of a `stat` line after the `comm` field (which may contain spaces and brackets).
fn stat_fields(text: &str) -> Option<(String, Vec<&str>)> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_owned();
    let rest = text.get(close + 1..)?;
    Some((comm, rest.split_whitespace().collect()))
}

/// utime + stime of a `stat` line, in ticks. After the comm, field 3 (state) is index 0, so
/// utime (field 14) and stime (field 15) are indices 11 and 12.
fn ticks_of(text: &str) -> Option<(String, u64)> {
    let (comm, fields) = stat_fields(text)?;
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some((comm, utime + stime))
}

/// CPU time the process has used so far (all its threads), in ticks.
pub fn process_ticks(pid: u32) -> Result<u64> {
    let path = format!("/proc/{pid}/stat");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    ticks_of(&text)
        .map(|(_, ticks)| ticks)
        .with_context(|| format!("unexpected {path}: {text}"))
}

/// CPU ticks per live thread of a process: thread id → (name, ticks).
pub fn thread_ticks(pid: u32) -> HashMap<u32, (String, u64)> {
    let mut out = HashMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for task in tasks.flatten() {
        let Some(tid) = task
            .file_name()
            .to_str()
            .and_then(|t| t.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some(entry) = std::fs::read_to_string(task.path().join("stat"))
            .ok()
            .as_deref()
            .and_then(ticks_of)
        {
            out.insert(tid, entry);
        }
    }
    out
}

/// CPU per thread name between two snapshots, in % of one core over `seconds`, largest first.
/// Threads born during the interval count from zero; threads that ended are lost.
pub fn thread_breakdown(
    before: &HashMap<u32, (String, u64)>,
    after: &HashMap<u32, (String, u64)>,
    seconds: f64,
    ticks_per_second: f64,
) -> Vec<(String, f64, usize)> {
    let mut by_name: HashMap<String, (u64, usize)> = HashMap::new();
    for (tid, (name, ticks)) in after {
        let start = before.get(tid).map(|(_, t)| *t).unwrap_or(0);
        let entry = by_name.entry(name.clone()).or_insert((0, 0));
        entry.0 += ticks.saturating_sub(start);
        entry.1 += 1;
    }
    let mut rows: Vec<(String, f64, usize)> = by_name
        .into_iter()
        .map(|(name, (ticks, count))| {
            (
                name,
                ticks as f64 / ticks_per_second / seconds * 100.0,
                count,
            )
        })
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    rows
}

/// Resident memory now and at its peak (`VmRSS`, `VmHWM`), in KiB.
pub fn memory_kib(pid: u32) -> Result<(u64, u64)> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let field = |name: &str| -> Option<u64> {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|v| v.parse().ok())
    };
    Ok((
        field("VmRSS:").context("no VmRSS")?,
        field("VmHWM:").context("no VmHWM")?,
    ))
}

/// Threads of a process (`Threads:` in /proc/PID/status).
pub fn thread_count(pid: u32) -> usize {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|v| v.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Busy (without steal), stolen and total jiffies of the whole machine (first line of
/// /proc/stat). Steal is time the hypervisor gave this VM's CPUs to someone else.
fn machine_jiffies() -> Option<(u64, u64, u64)> {
    let text = std::fs::read_to_string("/proc/stat").ok()?;
    let line = text.lines().next()?.strip_prefix("cpu ")?;
    let values: Vec<u64> = line
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    let total: u64 = values.iter().take(8).sum();
    let idle = values.get(3).copied().unwrap_or(0) + values.get(4).copied().unwrap_or(0);
    let steal = values.get(7).copied().unwrap_or(0);
    Some((total - idle - steal, steal, total))
}

/// `/proc/loadavg`'s three averages.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}

pub fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "?".to_owned())
}

pub fn cpu_count() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// CPU use between `start()` and `finish()`: of one process (% of one core, from its own
/// accounting) and of the whole machine (% of all cores).
pub struct CpuMeter {
    pids: Vec<u32>,
    ticks: Vec<u64>,
    machine: Option<(u64, u64, u64)>,
    at: Instant,
}

pub struct CpuReading {
    pub seconds: f64,
    /// Per process given to `start`, % of one core.
    pub percent: Vec<f64>,
    /// The whole machine, % of all its cores.
    pub machine_busy_percent: f64,
    /// Time the hypervisor took from this VM, % of all its cores.
    pub machine_steal_percent: f64,
}

impl CpuMeter {
    pub fn start(pids: &[u32]) -> Result<Self> {
        let ticks = pids
            .iter()
            .map(|pid| process_ticks(*pid))
            .collect::<Result<Vec<_>>>()?;
        Ok(CpuMeter {
            pids: pids.to_vec(),
            ticks,
            machine: machine_jiffies(),
            at: Instant::now(),
        })
    }

    pub fn finish(&self, ticks_per_second: f64) -> Result<CpuReading> {
        let seconds = self.at.elapsed().as_secs_f64();
        let mut percent = Vec::new();
        for (pid, start) in self.pids.iter().zip(&self.ticks) {
            let now = process_ticks(*pid)?;
            percent.push(now.saturating_sub(*start) as f64 / ticks_per_second / seconds * 100.0);
        }
        let (machine_busy_percent, machine_steal_percent) = match (self.machine, machine_jiffies())
        {
            (Some((busy0, steal0, total0)), Some((busy1, steal1, total1))) if total1 > total0 => {
                let total = (total1 - total0) as f64;
                (
                    busy1.saturating_sub(busy0) as f64 / total * 100.0,
                    steal1.saturating_sub(steal0) as f64 / total * 100.0,
                )
            }
            _ => (f64::NAN, f64::NAN),
        };
        Ok(CpuReading {
            seconds,
            percent,
            machine_busy_percent,
            machine_steal_percent,
        })
    }
}
