//! The minute tick: work the clock makes due, done by a background task of `shura
//! serve` (and called directly by tests with a fixed time).

use crate::ssr::consultations::store as consultations;
use crate::ssr::db::Db;
use crate::ssr::mail::store as mail_outbox;
use crate::ssr::notifications::service as notifying;
use crate::ssr::notifications::store::notices;

/// Pages compute a consultation's status from the clock; this writes it down, so that
/// the stored status (and exports) catch up within a minute. It also tells followers of
/// new versions and closing periods, queues the daily digests and workshop reminders
/// that are due, and deletes
/// mail sent or given up more than [`mail_outbox::KEEP_SENT_FOR`] ago.
/// Failures are logged: the next tick tries again.
pub async fn minute_tick(db: &Db, public_url: &str, now: chrono::DateTime<chrono::Utc>) {
    match consultations::advance_by_clock(db, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(changed = n, "consultation periods opened or closed"),
        Err(err) => tracing::warn!(error = %err, "could not advance consultations"),
    }
    match notifying::tell_followers(db, public_url, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(events = n, "followers told of consultation news"),
        Err(err) => tracing::warn!(error = %err, "could not tell followers"),
    }
    match notifying::send_digests(db, public_url, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(digests = n, "daily digests queued"),
        Err(err) => tracing::warn!(error = %err, "could not send daily digests"),
    }
    match crate::ssr::workshops::registration::send_reminders(db, public_url, now).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(reminders = n, "workshop reminders queued"),
        Err(err) => tracing::warn!(error = %err, "could not queue workshop reminders"),
    }
    match mail_outbox::purge_done(db, now - mail_outbox::KEEP_SENT_FOR).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(messages = n, "old mail deleted from the outbox"),
        Err(err) => tracing::warn!(error = %err, "could not purge the mail outbox"),
    }
    let links_before = now - chrono::Duration::days(notifying::UNSUBSCRIBE_LINK_DAYS);
    if let Err(err) = notices::purge_unsubscribe_tokens(db, links_before).await {
        tracing::warn!(error = %err, "could not forget old unsubscribe tokens");
    }
}
