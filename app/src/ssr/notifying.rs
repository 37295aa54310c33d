//! Notification mails: someone replied to me, at once or in a daily digest, each with
//! a one-click unsubscribe (RFC 8058). They go through the mail outbox like every mail.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use super::auth::token;
use super::mail::templates::{self, Unsubscribe};
use super::store::consultations::{self, Consultation};
use super::store::contributions::{self, Contribution};
use super::store::users::{self, User};
use super::store::{mail_outbox, notifications, Db, StoreError};
use crate::domain::notification::NotifyMode;
use crate::domain::Lang;

/// Addresses a notification needs: where to stop them and where to change them.
struct Links {
    one_click: String,
    page: String,
    settings: String,
}

async fn links_for(db: &Db, public_url: &str, user: &User) -> Result<Links, StoreError> {
    let (fresh, _) = token::new_token();
    let token = notifications::unsubscribe_token(db, user.id, &fresh).await?;
    let code = user.preferred_lang.code();
    Ok(Links {
        one_click: format!("{public_url}/unsubscribe/{token}"),
        page: format!("{public_url}/{code}/unsubscribe/{token}"),
        settings: format!("{public_url}/{code}/account#notifications"),
    })
}

fn unsubscribe(links: &Links) -> Unsubscribe<'_> {
    Unsubscribe {
        one_click: &links.one_click,
        page: &links.page,
        settings: &links.settings,
    }
}

/// The consultation's title in `lang` and where the contribution is read.
fn place(public_url: &str, c: &Consultation, x: &Contribution, lang: Lang) -> (String, String) {
    let title = c.title.pick(lang).map(|p| p.text).unwrap_or_default();
    let link = format!(
        "{public_url}/{}/consultations/{}#contribution-{}",
        lang.code(),
        c.slug,
        x.id
    );
    (title, link)
}

/// Tells the author of the contribution `reply` answers, unless they wrote the reply,
/// deleted their account or turned notifications off.
pub async fn on_reply(
    db: &Db,
    public_url: &str,
    reply: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(r) = contributions::by_id(db, reply).await? else {
        return Ok(());
    };
    let Some(parent) = r.parent_id else {
        return Ok(());
    };
    let Some(p) = contributions::by_id(db, parent).await? else {
        return Ok(());
    };
    if p.author_id == r.author_id {
        return Ok(());
    }
    let Some(author) = users::by_id(db, p.author_id).await? else {
        return Ok(());
    };
    match notifications::mode(db, author.id).await? {
        NotifyMode::Off => Ok(()),
        NotifyMode::Daily => notifications::record(db, author.id, reply, false, now).await,
        NotifyMode::Immediate => {
            let (Some(to), Some(c)) = (
                author.email.as_deref(),
                consultations::by_id(db, r.consultation_id).await?,
            ) else {
                return Ok(());
            };
            let (title, link) = place(public_url, &c, &r, author.preferred_lang);
            let links = links_for(db, public_url, &author).await?;
            let mail = templates::reply_received(
                to,
                &author.display_name,
                &title,
                &r.author_name,
                &link,
                &unsubscribe(&links),
                author.preferred_lang,
            );
            mail_outbox::enqueue(db, &mail, now).await?;
            notifications::record(db, author.id, reply, true, now).await
        }
    }
}

/// Sends the daily digests that are due at `now`; how many.
pub async fn send_digests(
    db: &Db,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let due = notifications::due_digests(db, now - Duration::days(1)).await?;
    // Replies of several digests are often on the same consultations: read each once.
    let mut consultations_seen: HashMap<i64, Option<Consultation>> = HashMap::new();
    let mut sent = 0;
    for (user, replies) in due {
        let Some(author) = users::by_id(db, user).await? else {
            continue;
        };
        let Some(to) = author.email.clone() else {
            continue;
        };
        let mut items = Vec::new();
        for x in contributions::by_ids(db, &replies).await? {
            if let Entry::Vacant(e) = consultations_seen.entry(x.consultation_id) {
                e.insert(consultations::by_id(db, x.consultation_id).await?);
            }
            if let Some(Some(c)) = consultations_seen.get(&x.consultation_id) {
                items.push(place(public_url, c, &x, author.preferred_lang));
            }
        }
        if !items.is_empty() {
            let links = links_for(db, public_url, &author).await?;
            let mail = templates::digest(
                &to,
                &author.display_name,
                &items,
                &links.settings,
                &unsubscribe(&links),
                author.preferred_lang,
            );
            mail_outbox::enqueue(db, &mail, now).await?;
            sent += 1;
        }
        notifications::digest_sent(db, user, now).await?;
    }
    Ok(sent)
}
