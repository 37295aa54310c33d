//! The mail worker: claims due messages from the outbox and sends them, retrying
//! failures with exponential backoff.

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use super::Mailer;
use crate::ssr::clock::Clock;
use crate::ssr::db::{Db, StoreError};
use crate::ssr::mail::store as mail_outbox;

/// Messages claimed per round.
const BATCH: i64 = 20;
/// After this many failed attempts a message is given up.
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a claim lasts: longer than one round of sending can take.
const LEASE: Duration = Duration::minutes(5);

/// When to try again after `attempts` failures: 30 s, 1 min, 2 min … at most 6 h.
pub fn retry_delay(attempts: i32) -> Duration {
    let exponent = attempts.clamp(1, 16) - 1;
    let seconds = 30_i64.saturating_mul(1_i64 << exponent);
    Duration::seconds(seconds.min(6 * 3600))
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub failed: usize,
}

/// Sends every message due at `now` (one batch at a time until none is left).
pub async fn deliver_due(
    db: &Db,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<Round, StoreError> {
    let mut round = Round::default();
    loop {
        let batch = mail_outbox::claim_due(db, now, now + LEASE, BATCH).await?;
        if batch.is_empty() {
            return Ok(round);
        }
        for queued in batch {
            match mailer.send(&queued.mail).await {
                Ok(()) => {
                    mail_outbox::mark_sent(db, queued.id, now).await?;
                    round.sent += 1;
                }
                Err(err) => {
                    let attempts = queued.attempts + 1;
                    let retry_at = (!err.is_permanent() && attempts < MAX_ATTEMPTS)
                        .then(|| now + retry_delay(attempts));
                    // The address is personal data: log the message id, not the recipient.
                    tracing::warn!(mail_id = queued.id, attempts, error = %err.summary(), will_retry = retry_at.is_some(), "mail not sent");
                    mail_outbox::mark_failed(db, queued.id, &err.summary(), now, retry_at).await?;
                    round.failed += 1;
                }
            }
        }
    }
}

/// How long a mail stays in the `.eml` spool (mail without SMTP). The outbox drops a
/// body once sent; the spool would keep its links for good. Two days outlast every
/// link that signs someone in or proves an address (the longest, address
/// verification, lasts 48 hours), so whoever reads the spool has time to use them.
pub const SPOOL_KEEPS_FOR: Duration = Duration::hours(48);
/// How often the spool is swept.
const SPOOL_SWEEP_EVERY: Duration = Duration::hours(1);

/// Runs until `shutdown` turns true, sending due mail every `interval` and, every
/// hour, deleting spooled mail older than [`SPOOL_KEEPS_FOR`].
pub async fn run(
    db: Db,
    mailer: Mailer,
    clock: Clock,
    interval: std::time::Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    tracing::info!(mailer = ?mailer, "mail worker started");
    let mut next_sweep = clock.now();
    loop {
        let now = clock.now();
        if let Err(err) = deliver_due(&db, &mailer, now).await {
            tracing::error!(error = %err, "mail worker: outbox unavailable");
        }
        if now >= next_sweep {
            next_sweep = now + SPOOL_SWEEP_EVERY;
            match mailer.purge_spool((now - SPOOL_KEEPS_FOR).into()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(messages = n, "old mail deleted from the spool"),
                Err(err) => tracing::warn!(error = %err, "could not sweep the mail spool"),
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => break,
        }
        if *shutdown.borrow() {
            break;
        }
    }
    tracing::info!("mail worker stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::seconds(60));
        assert_eq!(retry_delay(5), Duration::seconds(480));
        assert_eq!(retry_delay(40), Duration::hours(6));
    }
}
