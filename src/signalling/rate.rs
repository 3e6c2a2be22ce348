//! A token bucket per socket: a steady message rate with room for bursts (ICE candidates
//! arrive in bunches).

use std::time::Instant;

#[derive(Debug)]
pub struct RateLimiter {
    per_sec: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    pub fn new(per_sec: u32, burst: u32, now: Instant) -> Self {
        Self {
            per_sec: f64::from(per_sec),
            burst: f64::from(burst),
            tokens: f64::from(burst),
            last: now,
        }
    }

    /// Takes one token; false if the client is over its rate.
    pub fn allow(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.last = now;
        self.tokens = (self.tokens + elapsed * self.per_sec).min(self.burst);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_passes_then_the_rate_holds() {
        let t0 = Instant::now();
        let mut r = RateLimiter::new(10, 5, t0);
        assert_eq!((0..8).filter(|_| r.allow(t0)).count(), 5);
        assert!(!r.allow(t0));
        assert!(
            r.allow(t0 + Duration::from_millis(100)),
            "one more after 100 ms"
        );
        assert!(!r.allow(t0 + Duration::from_millis(100)));
        let later = t0 + Duration::from_secs(60);
        assert_eq!(
            (0..8).filter(|_| r.allow(later)).count(),
            5,
            "refills to the burst only"
        );
    }
}
