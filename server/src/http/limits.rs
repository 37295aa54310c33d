//! Throttling of the forms attackers hammer: signing in, registering, asking for reset
//! links, posting. Limits apply per client address (an IPv6 client by its /64, which
//! one subscriber usually holds whole) and per account.
//!
//! Signing in counts *failed passwords* per account, not attempts, and answers them
//! with growing delays: a stranger who knows an address can slow its sign-in down, but
//! a device the owner signed in from before carries a cookie that skips that delay, so
//! nobody can lock the owner out.
//!
//! Memory stays bounded whatever is sent: keys are fixed-size (a digest of the
//! normalised address, a user id, an address), each map holds at most [`MAX_KEYS`], and
//! keys that have refilled are swept every minute. The limits live in this process
//! only; several processes each keep their own.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::domain::account::{normalize_email, FieldProblem};
use app::domain::UserId;
use app::ssr::clock::Clock;
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Which form an attempt is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SignIn,
    Register,
    ResetPassword,
    /// Posting or correcting a contribution (keyed by account).
    Contribute,
    /// Supporting, reporting, appealing, following, withdrawing (keyed by account):
    /// cheap for a person, and a script doing them by the thousand would flood the
    /// moderators or distort what a contribution's support count says.
    React,
}

/// Most keys one limiter map holds. Beyond it, new clients share one bucket (limits
/// tighten for everyone rather than memory growing) until the sweep frees room.
pub const MAX_KEYS: usize = 50_000;

/// Longest address field looked at: RFC 5321's 254 plus room for the spaces people
/// paste around it. Anything longer is refused before it is normalised or stored.
const MAX_EMAIL_FIELD_BYTES: usize = 320;

/// Failed passwords for one account that cost nothing: typos.
const FREE_FAILURES: u32 = 5;
/// The wait after the first failure beyond the free ones; it doubles with each more.
const FIRST_DELAY: Duration = Duration::from_secs(2);
/// The longest wait: about 300 guesses a day at one account, from anywhere.
const MAX_DELAY: Duration = Duration::from_secs(300);
/// A quiet hour since the last failure starts the count again.
const FORGET_FAILURES_AFTER: Duration = Duration::from_secs(3600);

/// Who a per-account limit counts, in a fixed size whatever was typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountKey {
    /// SHA-256 of a normalised address: what anybody can type.
    Address([u8; 32]),
    /// A known account: the second step, forms of the signed-in.
    User(UserId),
    /// Stands for every account while a map is full.
    Overflow,
}

impl AccountKey {
    /// The key of a typed address, normalised (`Fatima@Example.org ` is
    /// `fatima@example.org`); `Err` when it is not an address, so keys only exist for
    /// values an account could have.
    pub fn of_address(typed: &str) -> Result<AccountKey, FieldProblem> {
        if typed.len() > MAX_EMAIL_FIELD_BYTES {
            return Err(FieldProblem::TooLong);
        }
        let email = normalize_email(typed)?;
        Ok(AccountKey::Address(Sha256::digest(email.as_bytes()).into()))
    }

    fn bytes(&self) -> Vec<u8> {
        match self {
            AccountKey::Address(digest) => [b"a:".as_slice(), digest].concat(),
            AccountKey::User(id) => format!("u:{id}").into_bytes(),
            AccountKey::Overflow => b"o:".to_vec(),
        }
    }
}

/// The key a client address is limited by: an IPv4 address, or an IPv6 address's /64
/// (a host with a routed /64 could otherwise take a fresh bucket per address).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
    }
}

/// Stands for every client address while the map is full (never a real client's key:
/// `::` is no /64 anybody routes).
const OVERFLOW_IP: IpAddr = IpAddr::V6(Ipv6Addr::UNSPECIFIED);

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

/// A keyed limiter that holds at most [`MAX_KEYS`] keys.
struct Bounded<K: std::hash::Hash + Eq + Clone> {
    limiter: Limiter<K>,
    overflow: K,
}

impl<K: std::hash::Hash + Eq + Clone> Bounded<K> {
    fn new(clock: &LimitClock, quota: Quota, overflow: K) -> Self {
        Bounded {
            limiter: RateLimiter::dashmap_with_clock(quota, clock.clone()),
            overflow,
        }
    }

    fn check(&self, key: &K, now: Nanos) -> Result<(), Duration> {
        let key = if self.limiter.len() < MAX_KEYS {
            key
        } else {
            self.sweep();
            if self.limiter.len() < MAX_KEYS {
                key
            } else {
                tracing::warn!("rate limiter full: new clients share one bucket");
                &self.overflow
            }
        };
        self.limiter
            .check_key(key)
            .map_err(|not_until| not_until.wait_time_from(now))
    }

    fn sweep(&self) {
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

/// Failed passwords of one account.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Nanos,
}

impl Failures {
    /// When the next attempt may be made.
    fn next_allowed(&self) -> Nanos {
        let Some(beyond) = self.count.checked_sub(FREE_FAILURES + 1) else {
            return self.last;
        };
        let delay = FIRST_DELAY
            .checked_mul(1u32.checked_shl(beyond).unwrap_or(u32::MAX))
            .unwrap_or(MAX_DELAY)
            .min(MAX_DELAY);
        self.last + Nanos::from(delay)
    }

    fn forgotten_at(&self, now: Nanos) -> bool {
        now.saturating_sub(self.last) >= Nanos::from(FORGET_FAILURES_AFTER)
    }
}

pub struct RateLimits {
    clock: LimitClock,
    by_ip: [Bounded<IpAddr>; 5],
    by_account: [Bounded<AccountKey>; 5],
    /// Failed passwords per account (sign-in only), answered with growing delays.
    failures: Mutex<HashMap<AccountKey, Failures>>,
    /// Signs device cookies. Made anew with each process: the failures they let a
    /// device skip are kept in this process only too.
    device_key: [u8; 64],
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
        let ip = |quota| Bounded::new(&clock, quota, OVERFLOW_IP);
        let account = |quota| Bounded::new(&clock, quota, AccountKey::Overflow);
        let mut device_key = [0u8; 64];
        rand::rngs::OsRng.fill_bytes(&mut device_key);
        Arc::new(RateLimits {
            clock: clock.clone(),
            by_ip: [
                // Generous per address, because whole offices share one (a workshop
                // of agency staff behind one NAT): 20 sign-ins at once, then one every 2 s.
                ip(quota(20, Duration::from_secs(2))),
                // Registration: 20 at once, then one every 10 s.
                ip(quota(20, Duration::from_secs(10))),
                // Reset requests: 10 at once, then one every 30 s.
                ip(quota(10, Duration::from_secs(30))),
                // Posting: a workshop hall of agency representatives shares one
                // address, so 120 at once, then two a second.
                ip(quota(120, Duration::from_millis(500))),
                // The rest, for the same hall: 240 at once, then four a second.
                ip(quota(240, Duration::from_millis(250))),
            ],
            by_account: [
                // Codes and passwords of the signed-in: 5 at once, then one every 12 s.
                // (Passwords typed at sign-in count in `failures` instead.)
                account(quota(5, Duration::from_secs(12))),
                account(quota(3, Duration::from_secs(60))),
                // Three reset mails to one address, then one every 10 minutes.
                account(quota(3, Duration::from_secs(600))),
                // One person: 6 contributions in a row, then one every 20 s.
                account(quota(6, Duration::from_secs(20))),
                // One person: 30 in a row (a reader going down a thread), then one
                // every 4 s.
                account(quota(30, Duration::from_secs(4))),
            ],
            failures: Mutex::new(HashMap::new()),
            device_key,
        })
    }

    fn now(&self) -> Nanos {
        governor::clock::Clock::now(&self.clock)
    }

    /// `Err(wait)` when this attempt is over a limit: try again after `wait`. Each
    /// check spends one attempt of the address's and (if given) the account's bucket.
    pub fn check(
        &self,
        action: Action,
        ip: IpAddr,
        account: Option<&AccountKey>,
    ) -> Result<(), Duration> {
        let i = action as usize;
        let now = self.now();
        self.by_ip[i].check(&client_key(ip), now)?;
        if let Some(account) = account {
            self.by_account[i].check(account, now)?;
        }
        Ok(())
    }

    /// `Err(wait)` while `account` must wait after failed passwords. Spends nothing.
    pub fn failure_delay(&self, account: &AccountKey) -> Result<(), Duration> {
        let now = self.now();
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match failures.get(account) {
            Some(f) if !f.forgotten_at(now) && f.next_allowed() > now => {
                Err(Duration::from(f.next_allowed().saturating_sub(now)))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failed password for `account`.
    pub fn failed(&self, account: &AccountKey) {
        let now = self.now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() >= MAX_KEYS && !failures.contains_key(account) {
            failures.retain(|_, f| !f.forgotten_at(now));
            if failures.len() >= MAX_KEYS {
                // Not counted: the per-address limits still hold, and refusing
                // everybody would be the lock-out this count exists to avoid.
                tracing::warn!("sign-in failure count full: a failure was not counted");
                return;
            }
        }
        let entry = failures.entry(*account).or_insert(Failures {
            count: 0,
            last: now,
        });
        if entry.forgotten_at(now) {
            entry.count = 0;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
    }

    /// The right password: the account's failures are forgotten.
    pub fn succeeded(&self, account: &AccountKey) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(account);
    }

    /// The device cookie's value for `account`: proof that this browser signed in to it
    /// before, signed with this process's key (nothing is stored).
    pub fn device_tag(&self, account: &AccountKey) -> String {
        hex::encode(self.device_mac(account).finalize().into_bytes())
    }

    /// Whether `tag` (a device cookie) was given at an earlier sign-in to `account`.
    pub fn is_known_device(&self, account: &AccountKey, tag: &str) -> bool {
        hex::decode(tag.trim())
            .is_ok_and(|bytes| self.device_mac(account).verify_slice(&bytes).is_ok())
    }

    fn device_mac(&self, account: &AccountKey) -> Hmac<Sha256> {
        // A key of SHA-256's block size: HMAC takes it as it is.
        let mut mac = <Hmac<Sha256> as hmac::digest::KeyInit>::new(&self.device_key.into());
        mac.update(b"shura device\0");
        mac.update(&account.bytes());
        mac
    }

    /// Forgets keys that have fully refilled, so memory stays bounded.
    pub fn shrink(&self) {
        for limiter in &self.by_ip {
            limiter.sweep();
        }
        for limiter in &self.by_account {
            limiter.sweep();
        }
        let now = self.now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.retain(|_, f| !f.forgotten_at(now));
        failures.shrink_to_fit();
    }

    /// How many keys the maps hold, all together (for tests of the bounds).
    pub fn keys(&self) -> usize {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        self.by_ip.iter().map(|b| b.limiter.len()).sum::<usize>()
            + self
                .by_account
                .iter()
                .map(|b| b.limiter.len())
                .sum::<usize>()
            + failures.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(email: &str) -> AccountKey {
        AccountKey::of_address(email).expect("address")
    }

    #[test]
    fn one_address_is_throttled_and_another_is_not() {
        let limits = RateLimits::new(Clock::fixed(Clock::system().now()));
        let a: IpAddr = [192, 0, 2, 1].into();
        let b: IpAddr = [192, 0, 2, 2].into();
        let refused = (0..30)
            .filter(|n| {
                limits
                    .check(
                        Action::SignIn,
                        a,
                        Some(&address(&format!("user{n}@example.org"))),
                    )
                    .is_err()
            })
            .count();
        assert_eq!(refused, 10);
        assert!(limits
            .check(Action::SignIn, b, Some(&address("someone@example.org")))
            .is_ok());
    }

    #[test]
    fn an_ipv6_client_is_one_client_across_its_slash_64() {
        let limits = RateLimits::new(Clock::fixed(Clock::system().now()));
        let refused = (0..30u16)
            .filter(|n| {
                let ip = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 2, *n, 0, 0, 1));
                limits.check(Action::SignIn, ip, None).is_err()
            })
            .count();
        assert_eq!(refused, 10);
        let next_net = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 1, 3, 0, 0, 0, 1));
        assert!(limits.check(Action::SignIn, next_net, None).is_ok());
        assert_eq!(
            client_key("::ffff:192.0.2.1".parse().expect("ip")),
            "192.0.2.1".parse::<IpAddr>().expect("ip")
        );
    }

    #[test]
    fn addresses_are_keyed_by_their_normalised_digest() {
        assert_eq!(
            address(" Victim@Example.org"),
            address("victim@example.org")
        );
        assert_ne!(address("victim@example.org"), address("other@example.org"));
        let huge = format!("{}@example.org", "a".repeat(1 << 20));
        assert_eq!(AccountKey::of_address(&huge), Err(FieldProblem::TooLong));
        assert_eq!(
            AccountKey::of_address("not an address"),
            Err(FieldProblem::Malformed)
        );
    }

    #[test]
    fn failed_passwords_bring_growing_delays_that_end() {
        let start = Clock::system().now();
        let clock = Clock::fixed(start);
        let limits = RateLimits::new(clock.clone());
        let victim = address("victim@example.org");
        for _ in 0..FREE_FAILURES {
            assert!(limits.failure_delay(&victim).is_ok());
            limits.failed(&victim);
        }
        assert!(limits.failure_delay(&victim).is_ok(), "typos are free");
        limits.failed(&victim);
        assert_eq!(limits.failure_delay(&victim), Err(FIRST_DELAY));
        limits.failed(&victim);
        assert_eq!(limits.failure_delay(&victim), Err(FIRST_DELAY * 2));
        for _ in 0..40 {
            limits.failed(&victim);
        }
        assert_eq!(limits.failure_delay(&victim), Err(MAX_DELAY));
        assert!(limits.failure_delay(&address("other@example.org")).is_ok());
        clock.set(start + chrono::Duration::seconds(301));
        assert!(limits.failure_delay(&victim).is_ok(), "a delay ends");
        limits.succeeded(&victim);
        limits.failed(&victim);
        assert!(
            limits.failure_delay(&victim).is_ok(),
            "the right password resets the count"
        );
    }

    #[test]
    fn a_device_tag_belongs_to_one_account_and_one_process() {
        let limits = RateLimits::new(Clock::system());
        let (a, b) = (address("a@example.org"), address("b@example.org"));
        let tag = limits.device_tag(&a);
        assert!(limits.is_known_device(&a, &tag));
        assert!(!limits.is_known_device(&b, &tag));
        assert!(!limits.is_known_device(&a, "not hex"));
        assert!(!RateLimits::new(Clock::system()).is_known_device(&a, &tag));
    }

    #[test]
    fn a_full_map_shares_one_bucket_instead_of_growing() {
        let limits = RateLimits::new(Clock::fixed(Clock::system().now()));
        for n in 0..(MAX_KEYS as u32 + 100) {
            let _ = limits.check(Action::Contribute, IpAddr::from(n.to_be_bytes()), None);
        }
        assert!(limits.by_ip[Action::Contribute as usize].limiter.len() <= MAX_KEYS + 1);
    }
}
