//! Join-to-first-frame of load clients, with the stages on the way, for the report and the
//! terminal.

use std::sync::atomic::Ordering;
use std::time::Duration;

use serde_json::{Value, json};

use super::client::LoadClient;
use super::stats::{percentile, round};

/// Join-to-first-frame of clients, in ms, with the stages on the way.
pub struct JoinTimes {
    pub first_frame: Vec<f64>,
    joined: Vec<f64>,
    answered: Vec<f64>,
    first_packet: Vec<f64>,
    pub missing: usize,
    key_frame_requests: u64,
}

impl JoinTimes {
    pub fn of(clients: &[&LoadClient]) -> JoinTimes {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let mut t = JoinTimes {
            first_frame: Vec::new(),
            joined: Vec::new(),
            answered: Vec::new(),
            first_packet: Vec::new(),
            missing: 0,
            key_frame_requests: 0,
        };
        for c in clients {
            match c.stats.join_to_first_frame() {
                Some(d) => t.first_frame.push(ms(d)),
                None => t.missing += 1,
            }
            let [joined, answered, packet] = c.stats.join_stages();
            t.joined.extend(joined.map(ms));
            t.answered.extend(answered.map(ms));
            t.first_packet.extend(packet.map(ms));
            t.key_frame_requests += c.stats.plis_sent.load(Ordering::Relaxed);
        }
        t
    }

    pub fn p50(&self) -> Option<f64> {
        percentile(&self.first_frame, 50.0)
    }

    pub fn json(&self) -> Value {
        let list = |v: &[f64]| v.iter().map(|x| round(*x, 0)).collect::<Vec<_>>();
        let p50 = |v: &[f64]| percentile(v, 50.0).map(|x| round(x, 0));
        json!({
            "p50": self.p50().map(|v| round(v, 0)),
            "max": self.first_frame.iter().copied().reduce(f64::max).map(|v| round(v, 0)),
            "all": list(&self.first_frame),
            "missing": self.missing,
            "stages_p50": {
                "joined": p50(&self.joined),
                "answer": p50(&self.answered),
                "first_video_packet": p50(&self.first_packet),
                "first_key_frame": p50(&self.first_frame),
            },
            "key_frame_requests_sent": self.key_frame_requests,
        })
    }

    pub fn line(&self) -> String {
        let p50 = |v: &[f64]| {
            percentile(v, 50.0)
                .map(|x| format!("{x:.0}"))
                .unwrap_or_else(|| "-".into())
        };
        format!(
            "join → first frame (ms): {} (p50 {}); stages p50: joined {}, answer {}, \
             first packet {}; {} key-frame requests{}",
            self.first_frame
                .iter()
                .map(|v| format!("{v:.0}"))
                .collect::<Vec<_>>()
                .join(", "),
            p50(&self.first_frame),
            p50(&self.joined),
            p50(&self.answered),
            p50(&self.first_packet),
            self.key_frame_requests,
            if self.missing > 0 {
                format!("; {} receivers saw no frame", self.missing)
            } else {
                String::new()
            }
        )
    }
}
