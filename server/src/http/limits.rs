//! Throttling of the forms attackers hammer: signing in and registering. Limits apply
//! per client IP and per account (email address), so guessing one account's password
//! from many addresses is slowed as much as guessing many from one. Nothing locks:
//! a limit refills over time, so the real owner always gets back in.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use app::ssr::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};

/// Which form an attempt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignIn,
    Register,
    ResetPassword,
    /// Posting or correcting a contribution (keyed by account).
    Contribute,
}

/// The app's clock as the limiters see it (time since 1970): what has refilled is
/// decided by the clock tests can fix, not by how fast the machine is.
#[derive(Clone, Debug)]
pub struct LimitClock(Clock);

impl governor::clock::Clock for LimitClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        let nanos = self.0.now().timestamp_nanos_opt().unwrap_or(0);
        Nanos::from(u64::try_from(nanos).unwrap_or(0))
    }
}

type Limiter<K> = RateLimiter<K, DashMapStateStore<K>, LimitClock, NoOpMiddleware<Nanos>>;

pub struct RateLimits {
    clock: LimitClock,
    by_ip: [Limiter<IpAddr>; 4],
    by_account: [Limiter<String>; 4],
}

fn keyed<K: std::hash::Hash + Eq + Clone>(clock: &LimitClock, quota: Quota) -> Limiter<K> {
    RateLimiter::dashmap_with_clock(quota, clock.clone())
}

fn quota(burst: u32, refill_every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(refill_every)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl RateLimits {
    pub fn new(clock: Clock) -> Arc<RateLimits> {
        let clock = LimitClock(clock);
        Arc::new(RateLimits {
            clock: clock.clone(),
            by_ip: [
                // Generous per address, because whole offices share one (a workshop
                // of agency staff behind one NAT): 20 sign-ins at once, then one every 2 s.
                keyed(&clock, quota(20, Duration::from_secs(2))),
                // Registration: 20 at once, then one every 10 s.
                keyed(&clock, quota(20, Duration::from_secs(10))),
                // Reset requests: 10 at once, then one every 30 s.
                keyed(&clock, quota(10, Duration::from_secs(30))),
                // Posting: a workshop hall of agency representatives shares one
                // address, so 120 at once, then two a second.
                keyed(&clock, quota(120, Duration::from_millis(500))),
            ],
            by_account: [
                // 5 guesses at one account, then one every 12 s, from anywhere.
                keyed(&clock, quota(5, Duration::from_secs(12))),
                keyed(&clock, quota(3, Duration::from_secs(60))),
                // Three reset mails to one address, then one every 10 minutes.
                keyed(&clock, quota(3, Duration::from_secs(600))),
                // One person: 6 contributions in a row, then one every 20 s.
                keyed(&clock, quota(6, Duration::from_secs(20))),
            ],
        })
    }

    /// `Err(wait)` when this attempt is over a limit: try again after `wait`.
    pub fn check(&self, action: Action, ip: IpAddr, account: &str) -> Result<(), Duration> {
        let i = action as usize;
        let now = governor::clock::Clock::now(&self.clock);
        self.by_ip[i]
            .check_key(&ip)
            .map_err(|not_until| not_until.wait_time_from(now))?;
        let account = account.trim().to_lowercase();
        if !account.is_empty() {
            self.by_account[i]
                .check_key(&account)
                .map_err(|not_until| not_until.wait_time_from(now))?;
        }
        Ok(())
    }

    /// Forgets keys that have fully refilled, so memory stays bounded.
    pub fn shrink(&self) {
        for limiter in &self.by_ip {
            limiter.retain_recent();
        }
        for limiter in &self.by_account {
            limiter.retain_recent();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_is_throttled_and_another_is_not() {
        let limits = RateLimits::new(Clock::system());
        let a: IpAddr = [192, 0, 2, 1].into();
        let b: IpAddr = [192, 0, 2, 2].into();
        let refused = (0..30)
            .filter(|n| {
                limits
                    .check(Action::SignIn, a, &format!("user{n}@example.org"))
                    .is_err()
            })
            .count();
        assert_eq!(refused, 10);
        assert!(limits
            .check(Action::SignIn, b, "someone@example.org")
            .is_ok());
    }

    #[test]
    fn one_account_is_throttled_from_any_address() {
        let limits = RateLimits::new(Clock::system());
        let results: Vec<bool> = (0..8u8)
            .map(|n| {
                limits
                    .check(
                        Action::SignIn,
                        [198, 51, 100, n].into(),
                        "Victim@Example.org",
                    )
                    .is_ok()
            })
            .collect();
        assert_eq!(results, [true, true, true, true, true, false, false, false]);
        let wait = limits
            .check(
                Action::SignIn,
                [198, 51, 100, 9].into(),
                "victim@example.org",
            )
            .expect_err("throttled");
        assert!(wait <= Duration::from_secs(12));
    }
}
