//! Failed-login throttling, per client address and per account-and-address pair, in memory.
//!
//! Counting per pair (not per account alone) means a stranger elsewhere cannot lock a user
//! out: their failures fill their own address's buckets, never the user's.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Entries kept before old windows are swept.
const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

/// The login throttle shared by every worker.
#[derive(Clone)]
pub struct LoginThrottle {
    inner: Arc<Mutex<Inner>>,
    per_address: u32,
    per_account: u32,
    window: Duration,
}

#[derive(Default)]
struct Inner {
    addresses: HashMap<IpAddr, Window>,
    pairs: HashMap<(String, IpAddr), Window>,
}

impl LoginThrottle {
    pub fn new(per_address: u32, per_account: u32, window: Duration) -> Self {
        Self {
            inner: Arc::default(),
            per_address,
            per_account,
            window,
        }
    }

    /// `Some(wait)` if this address, or this account from this address, must wait.
    pub fn check(&self, username: &str, addr: IpAddr, now: Instant) -> Option<Duration> {
        let inner = self.lock();
        let wait = |w: Option<&Window>, limit: u32| {
            w.filter(|w| w.failures >= limit && now < w.started + self.window)
                .map(|w| w.started + self.window - now)
        };
        let by_addr = wait(inner.addresses.get(&addr), self.per_address);
        let by_pair = wait(
            inner.pairs.get(&(username.to_owned(), addr)),
            self.per_account,
        );
        by_addr.into_iter().chain(by_pair).max()
    }

    /// Counts a failed login.
    pub fn failed(&self, username: &str, addr: IpAddr, now: Instant) {
        let window = self.window;
        let mut inner = self.lock();
        let bump = |w: &mut Window| {
            if now >= w.started + window {
                *w = Window {
                    started: now,
                    failures: 0,
                };
            }
            w.failures += 1;
        };
        let fresh = Window {
            started: now,
            failures: 0,
        };
        bump(inner.addresses.entry(addr).or_insert(fresh));
        bump(
            inner
                .pairs
                .entry((username.to_owned(), addr))
                .or_insert(fresh),
        );
        if inner.pairs.len() > SWEEP_ABOVE || inner.addresses.len() > SWEEP_ABOVE {
            inner.addresses.retain(|_, w| now < w.started + window);
            inner.pairs.retain(|_, w| now < w.started + window);
        }
    }

    /// A successful login clears that account's count from that address.
    pub fn succeeded(&self, username: &str, addr: IpAddr) {
        self.lock().pairs.remove(&(username.to_owned(), addr));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // unwrap: only map operations run under this lock; nothing panics while it is held.
        #[allow(clippy::unwrap_used)]
        self.inner.lock().unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1));
    const B: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn an_account_is_throttled_only_from_the_failing_address() {
        let t = LoginThrottle::new(100, 3, Duration::from_secs(60));
        let now = Instant::now();
        for _ in 0..3 {
            assert!(t.check("ann", A, now).is_none());
            t.failed("ann", A, now);
        }
        let wait = t.check("ann", A, now).expect("throttled");
        assert_eq!(wait, Duration::from_secs(60));
        assert!(
            t.check("ann", B, now).is_none(),
            "ann can still sign in from B"
        );
        assert!(t.check("bob", A, now).is_none(), "bob is not affected");
        let later = now + Duration::from_secs(61);
        assert!(t.check("ann", A, later).is_none(), "the window passes");
    }

    #[test]
    fn an_address_trying_many_accounts_is_throttled() {
        let t = LoginThrottle::new(5, 3, Duration::from_secs(60));
        let now = Instant::now();
        for i in 0..5 {
            t.failed(&format!("user{i}"), A, now);
        }
        assert!(t.check("someone-else", A, now).is_some());
        assert!(t.check("someone-else", B, now).is_none());
    }

    #[test]
    fn success_clears_the_pair() {
        let t = LoginThrottle::new(100, 2, Duration::from_secs(60));
        let now = Instant::now();
        t.failed("ann", A, now);
        t.succeeded("ann", A);
        t.failed("ann", A, now);
        assert!(t.check("ann", A, now).is_none());
    }
}
