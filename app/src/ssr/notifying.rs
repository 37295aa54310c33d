//! Notification mails: someone replied to me, at once or in a daily digest, each with
//! a one-click unsubscribe (RFC 8058). They go through the mail outbox like every mail.

use chrono::{DateTime, Duration, Utc};

use super::auth::token;
use super::mail::templates::{self, Unsubscribe};
use super::store::contributions::{self, Contribution};
use super::store::users::{self, User};
use super::store::{consultations, mail_outbox, notifications, Db, StoreError};
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

/// Where a contribution is read, in `lang`, and the consultation's title.
async fn place(
    db: &Db,
    public_url: &str,
    x: &Contribution,
    lang: Lang,
) -> Result<Option<(String, String)>, StoreError> {
    let Some(c) = consultations::by_id(db, x.consultation_id).await? else {
        return Ok(None);
    };
    let title = c.title.pick(lang).map(|p| p.text).unwrap_or_default();
    let link = format!(
        "{public_url}/{}/consultations/{}#contribution-{}",
        lang.code(),
        c.slug,
        x.id
    );
    Ok(Some((title, link)))
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
            let (Some(to), Some((title, link))) = (
                author.email.as_deref(),
                place(db, public_url, &r, author.preferred_lang).await?,
            ) else {
                return Ok(());
            };
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
            if let Some(item) = place(db, public_url, &x, author.preferred_lang).await? {
                items.push(item);
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
