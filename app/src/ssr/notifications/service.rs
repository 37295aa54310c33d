//! Notification mails: someone replied to me, a consultation I follow published a new
//! version or closes within two days — at once or in a daily digest, each with a
//! one-click unsubscribe (RFC 8058). They go through the mail outbox like every mail.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};

use crate::domain::notification::NotifyMode;
use crate::domain::{ConsultationId, ConsultationStatus, ContributionId, Lang, ResponseId, UserId};
use crate::paths;
use crate::ssr::accounts::auth::token;
use crate::ssr::accounts::store as users;
use crate::ssr::accounts::store::User;
use crate::ssr::calendar;
use crate::ssr::consultations::markdown::plain_title;
use crate::ssr::consultations::store as consultations;
use crate::ssr::consultations::store::{Consultation, StoredClause};
use crate::ssr::contributions::store as contributions;
use crate::ssr::contributions::store::Contribution;
use crate::ssr::db::{Db, StoreError};
use crate::ssr::mail::store as mail_outbox;
use crate::ssr::mail::templates;
use crate::ssr::mail::templates::{ChangedPart, Happened, Unsubscribe};
use crate::ssr::notifications::store::follows;
use crate::ssr::notifications::store::follows::FollowEvent;
use crate::ssr::notifications::store::notices as notifications;
use crate::ssr::notifications::store::notices::Notice;
use crate::ssr::responses::store as responses;

/// How long before the end of a comment period followers are reminded of it.
pub const CLOSING_REMINDER_HOURS: i64 = 48;

/// Versions published longer ago than this are not announced any more (say, after
/// an import of old consultations, or a server that was down for long).
const VERSION_NEWS_DAYS: i64 = 7;

/// Addresses a notification needs: where to stop them and where to change them.
struct Links {
    one_click: String,
    page: String,
    settings: String,
}

/// Moves the unsubscribe tokens kept in clear before they were hashed into the table of
/// hashes (their mails' links keep working); how many. Run at start-up.
pub async fn hash_old_unsubscribe_tokens(db: &Db, now: DateTime<Utc>) -> Result<usize, StoreError> {
    let old = notifications::old_unsubscribe_tokens(db).await?;
    for (user, token) in &old {
        notifications::hash_old_unsubscribe_token(db, *user, token, &token::hash_token(token), now)
            .await?;
    }
    Ok(old.len())
}

/// Whether `token` (from a link) is a live unsubscribe token.
pub async fn is_unsubscribe_token(db: &Db, token: &str) -> Result<bool, StoreError> {
    notifications::is_unsubscribe_token(db, &token::hash_token(token)).await
}

/// Turns notifications off for the account `token` (from a link) belongs to; its
/// language code when there is one.
pub async fn unsubscribe_by_token(db: &Db, token: &str) -> Result<Option<String>, StoreError> {
    notifications::unsubscribe(db, &token::hash_token(token)).await
}

/// How long a mail's unsubscribe link works.
pub const UNSUBSCRIBE_LINK_DAYS: i64 = 400;

async fn links_for(
    db: &Db,
    public_url: &str,
    user: &User,
    now: DateTime<Utc>,
) -> Result<Links, StoreError> {
    // A token of its own for each mail, kept only as its hash.
    let (token, hash) = token::new_token();
    notifications::add_unsubscribe_token(db, user.id, &hash, now).await?;
    let lang = user.preferred_lang;
    Ok(Links {
        one_click: paths::absolute(public_url, &paths::unsubscribe(&token)),
        page: paths::absolute(public_url, &paths::unsubscribe_page(lang, &token)),
        settings: paths::absolute(public_url, &paths::account_notifications(lang)),
    })
}

fn unsubscribe(links: &Links) -> Unsubscribe<'_> {
    Unsubscribe {
        one_click: &links.one_click,
        page: &links.page,
        settings: &links.settings,
    }
}

fn title(c: &Consultation, lang: Lang) -> String {
    c.title.pick(lang).map(|p| p.text).unwrap_or_default()
}

fn consultation_link(public_url: &str, c: &Consultation, lang: Lang) -> String {
    paths::absolute(public_url, &paths::consultation(lang, &c.slug))
}

/// Where a contribution is read.
fn contribution_link(public_url: &str, c: &Consultation, x: &Contribution, lang: Lang) -> String {
    paths::absolute(public_url, &paths::contribution(lang, &c.slug, x.id))
}

/// Where version `n` is compared with the one before.
fn diff_link(public_url: &str, c: &Consultation, n: u32, lang: Lang) -> String {
    paths::absolute(
        public_url,
        &paths::diff(lang, &c.slug, n.saturating_sub(1).max(1), n),
    )
}

/// The end of the comment period in words, in the agency's time zone, with its
/// Hijri date.
fn closing_words(c: &Consultation, lang: Lang) -> String {
    let d = calendar::label(c.closes_at, &c.agency_time_zone, lang);
    match lang {
        Lang::Ar => format!("{}، الموافق {}، الساعة {}", d.hijri, d.gregorian, d.time),
        Lang::En => format!("{} ({}) at {}", d.gregorian, d.hijri, d.time),
    }
}

/// Tells the author of the contribution `reply` answers, unless they wrote the reply,
/// deleted their account or turned notifications off.
pub async fn on_reply(
    db: &Db,
    public_url: &str,
    reply: ContributionId,
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
    let notice = Notice::Reply {
        consultation: r.consultation_id,
        contribution: reply,
    };
    match notifications::mode(db, author.id).await? {
        NotifyMode::Off => Ok(()),
        NotifyMode::Daily => notifications::record(db, author.id, notice, false, now).await,
        NotifyMode::Immediate => {
            let (Some(to), Some(c)) = (
                author.email.as_deref(),
                consultations::by_id(db, r.consultation_id).await?,
            ) else {
                return Ok(());
            };
            let lang = author.preferred_lang;
            let link = contribution_link(public_url, &c, &r, lang);
            let links = links_for(db, public_url, &author, now).await?;
            let mail = templates::reply_received(
                to,
                &author.display_name,
                &title(&c, lang),
                &r.author_name,
                &link,
                &unsubscribe(&links),
                author.preferred_lang,
            );
            mail_outbox::enqueue(db, &mail, now).await?;
            notifications::record(db, author.id, notice, true, now).await
        }
    }
}

/// Tells the authors of the contributions response `id` answers that the agency
/// answered them (`revised`: revised its answer), in their language, at once — an
/// answer to one's own contribution does not wait for the digest; only notifications
/// turned off stop it. An author of several of its contributions hears once.
pub async fn on_answered(
    db: &Db,
    public_url: &str,
    id: ResponseId,
    revised: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(r) = responses::by_id(db, id).await? else {
        return Ok(());
    };
    let Some(c) = consultations::by_id(db, r.consultation_id).await? else {
        return Ok(());
    };
    let mut told = std::collections::HashSet::new();
    for x in contributions::by_ids(db, &r.members).await? {
        if !told.insert(x.author_id) {
            continue;
        }
        let Some(author) = users::by_id(db, x.author_id).await? else {
            continue;
        };
        let Some(to) = author.email.as_deref() else {
            continue;
        };
        if notifications::mode(db, author.id).await? == NotifyMode::Off {
            continue;
        }
        let lang = author.preferred_lang;
        let reasons = r.written.reasons.pick(lang).map(|p| p.text);
        let links = links_for(db, public_url, &author, now).await?;
        let mail = templates::response_given(
            to,
            &author.display_name,
            &c.agency_name.pick(lang).map(|p| p.text).unwrap_or_default(),
            &title(&c, lang),
            r.written.outcome,
            reasons.as_deref(),
            revised,
            &contribution_link(public_url, &c, &x, lang),
            &unsubscribe(&links),
            lang,
        );
        mail_outbox::enqueue(db, &mail, now).await?;
    }
    Ok(())
}

/// A change to the draft said to be caused by a response.
#[derive(Debug, Clone, Copy)]
pub struct PolicyChange<'a> {
    pub response: ResponseId,
    pub version: u32,
    /// `None`: the version as a whole. A removed clause as it was before.
    pub clause: Option<&'a StoredClause>,
}

impl PolicyChange<'_> {
    fn part(&self, lang: Lang) -> ChangedPart {
        let version = self.version;
        match self.clause {
            None => ChangedPart::Whole { version },
            Some(StoredClause {
                number: Some(number),
                ..
            }) => ChangedPart::Clause {
                version,
                number: *number,
            },
            Some(cl) => ChangedPart::Heading {
                version,
                title: cl
                    .text
                    .pick(lang)
                    .map(|t| plain_title(&t.text, 60))
                    .unwrap_or_default(),
            },
        }
    }
}

/// Tells the authors of the contributions behind `changes` (published clauses of `c`
/// newly said to have changed because of the answer to them) what their contribution
/// changed: one mail per author, naming each change once. Only notifications turned
/// off stop it, as for the answer itself.
pub async fn on_policy_changed(
    db: &Db,
    public_url: &str,
    c: &Consultation,
    changes: &[PolicyChange<'_>],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut by_author: Vec<(UserId, Vec<usize>)> = Vec::new();
    for (i, change) in changes.iter().enumerate() {
        let Some(r) = responses::by_id(db, change.response).await? else {
            continue;
        };
        for x in contributions::by_ids(db, &r.members).await? {
            match by_author.iter_mut().find(|(a, _)| *a == x.author_id) {
                Some((_, mine)) if !mine.contains(&i) => mine.push(i),
                Some(_) => {}
                None => by_author.push((x.author_id, vec![i])),
            }
        }
    }
    for (author, mine) in by_author {
        let Some(author) = users::by_id(db, author).await? else {
            continue;
        };
        let (Some(to), Some(first)) = (author.email.as_deref(), mine.first()) else {
            continue;
        };
        if notifications::mode(db, author.id).await? == NotifyMode::Off {
            continue;
        }
        let lang = author.preferred_lang;
        let first = changes[*first];
        let link = paths::absolute(
            public_url,
            &paths::diff_clause(lang, &c.slug, first.version, first.clause.map(|cl| &cl.key)),
        );
        let parts: Vec<ChangedPart> = mine.iter().map(|i| changes[*i].part(lang)).collect();
        let links = links_for(db, public_url, &author, now).await?;
        let mail = templates::policy_changed(
            to,
            &author.display_name,
            &c.agency_name.pick(lang).map(|p| p.text).unwrap_or_default(),
            &title(c, lang),
            &parts,
            &link,
            &unsubscribe(&links),
            lang,
        );
        mail_outbox::enqueue(db, &mail, now).await?;
    }
    Ok(())
}

/// Sends the daily digests that are due at `now`; how many.
pub async fn send_digests(
    db: &Db,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let due = notifications::due_digests(db, now - Duration::days(1)).await?;
    // The notices of several digests are often about the same consultations: read
    // each once.
    let mut consultations_seen: HashMap<ConsultationId, Option<Consultation>> = HashMap::new();
    let mut sent = 0;
    for (user, notices) in due {
        let Some(author) = users::by_id(db, user).await? else {
            continue;
        };
        let Some(to) = author.email.clone() else {
            continue;
        };
        let lang = author.preferred_lang;
        let replies: Vec<ContributionId> = notices
            .iter()
            .filter_map(|n| match n {
                Notice::Reply { contribution, .. } => Some(*contribution),
                _ => None,
            })
            .collect();
        let replies: HashMap<ContributionId, Contribution> = contributions::by_ids(db, &replies)
            .await?
            .into_iter()
            .map(|x| (x.id, x))
            .collect();
        let mut lines = Vec::new();
        for notice in &notices {
            let id = notice.consultation();
            if let Entry::Vacant(e) = consultations_seen.entry(id) {
                e.insert(consultations::by_id(db, id).await?);
            }
            let Some(Some(c)) = consultations_seen.get(&id) else {
                continue;
            };
            let (what, link) = match notice {
                Notice::Reply { contribution, .. } => match replies.get(contribution) {
                    Some(x) => (Happened::Reply, contribution_link(public_url, c, x, lang)),
                    None => continue,
                },
                Notice::NewVersion { number, .. } => (
                    Happened::NewVersion(*number),
                    diff_link(public_url, c, *number, lang),
                ),
                Notice::Closing { .. } => (
                    Happened::Closing(closing_words(c, lang)),
                    consultation_link(public_url, c, lang),
                ),
            };
            lines.push((templates::digest_line(&what, &title(c, lang), lang), link));
        }
        if !lines.is_empty() {
            let links = links_for(db, public_url, &author, now).await?;
            let mail = templates::digest(
                &to,
                &author.display_name,
                &lines,
                &links.settings,
                &unsubscribe(&links),
                lang,
            );
            mail_outbox::enqueue(db, &mail, now).await?;
            sent += 1;
        }
        notifications::digest_sent(db, user, now).await?;
    }
    Ok(sent)
}

/// Tells followers what happened to the consultations they follow: versions published
/// lately and comment periods that end within [`CLOSING_REMINDER_HOURS`]. Each event
/// is claimed before it is told, so it is told at most once however many servers run
/// this. Returns how many events were told.
pub async fn tell_followers(
    db: &Db,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut told = 0;
    for (id, number) in
        follows::untold_versions(db, now - Duration::days(VERSION_NEWS_DAYS)).await?
    {
        let event = FollowEvent::NewVersion(number);
        if let Some(c) = consultations::by_id(db, id).await? {
            if follows::claim_event(db, id, &event, now).await? {
                tell(db, public_url, &c, &event, now).await?;
                told += 1;
            }
        }
    }
    // Final reports: told to every follower who has not turned notifications off,
    // at once (there is one per consultation, so a digest would add nothing).
    for card in consultations::recently_concluded(db, now, 20).await? {
        let Some(c) = consultations::by_id(db, card.id).await? else {
            continue;
        };
        let recent = c
            .concluded_at
            .is_some_and(|at| at > now - Duration::days(VERSION_NEWS_DAYS));
        if recent && follows::claim_event(db, c.id, &FollowEvent::Report, now).await? {
            tell(db, public_url, &c, &FollowEvent::Report, now).await?;
            told += 1;
        }
    }
    let soon = now + Duration::hours(CLOSING_REMINDER_HOURS);
    for c in consultations::closing_between(db, now, soon).await? {
        if c.status_at(now) != ConsultationStatus::Open {
            continue;
        }
        let event = FollowEvent::Closing(c.closes_at);
        if follows::claim_event(db, c.id, &event, now).await? {
            tell(db, public_url, &c, &event, now).await?;
            told += 1;
        }
    }
    Ok(told)
}

/// Mails the followers of concluded consultation `c` that its final report is out.
async fn tell_report(
    db: &Db,
    public_url: &str,
    c: &Consultation,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut followers = users::followers(db, c.id, NotifyMode::Immediate).await?;
    followers.extend(users::followers(db, c.id, NotifyMode::Daily).await?);
    for follower in followers {
        let Some(to) = follower.email.as_deref() else {
            continue;
        };
        let lang = follower.preferred_lang;
        let links = links_for(db, public_url, &follower, now).await?;
        let mail = templates::report_published(
            to,
            &follower.display_name,
            &c.agency_name.pick(lang).map(|p| p.text).unwrap_or_default(),
            &title(c, lang),
            &paths::absolute(public_url, &paths::report(lang, &c.slug)),
            &unsubscribe(&links),
            lang,
        );
        mail_outbox::enqueue(db, &mail, now).await?;
    }
    Ok(())
}

/// Mails `event` at once to the followers who want that, and keeps it for the digest
/// of those who take one.
async fn tell(
    db: &Db,
    public_url: &str,
    c: &Consultation,
    event: &FollowEvent,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let id = c.id;
    let notice = match event {
        FollowEvent::Report => return tell_report(db, public_url, c, now).await,
        FollowEvent::NewVersion(number) => Notice::NewVersion {
            consultation: id,
            number: *number,
        },
        FollowEvent::Closing(_) => Notice::Closing { consultation: id },
    };
    for follower in users::followers(db, id, NotifyMode::Daily).await? {
        notifications::record(db, follower.id, notice, false, now).await?;
    }
    let change_note = match event {
        FollowEvent::NewVersion(number) => consultations::versions(db, id)
            .await?
            .into_iter()
            .find(|v| v.number == *number)
            .map(|v| v.change_note),
        FollowEvent::Closing(_) | FollowEvent::Report => None,
    };
    for follower in users::followers(db, id, NotifyMode::Immediate).await? {
        let Some(to) = follower.email.as_deref() else {
            continue;
        };
        let lang = follower.preferred_lang;
        let links = links_for(db, public_url, &follower, now).await?;
        let name = &follower.display_name;
        let mail = match event {
            FollowEvent::NewVersion(number) => {
                let note = change_note
                    .as_ref()
                    .and_then(|n| n.pick(lang))
                    .map(|p| p.text)
                    .unwrap_or_default();
                templates::version_published(
                    to,
                    name,
                    &title(c, lang),
                    *number,
                    &note,
                    &diff_link(public_url, c, *number, lang),
                    &unsubscribe(&links),
                    lang,
                )
            }
            FollowEvent::Report => continue,
            FollowEvent::Closing(_) => templates::closing_soon(
                to,
                name,
                &title(c, lang),
                &closing_words(c, lang),
                &consultation_link(public_url, c, lang),
                &unsubscribe(&links),
                lang,
            ),
        };
        mail_outbox::enqueue(db, &mail, now).await?;
        notifications::record(db, follower.id, notice, true, now).await?;
    }
    Ok(())
}
