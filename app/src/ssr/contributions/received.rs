//! Contributions that reached the agency off the portal, entered by the person who
//! received them: what was said at a workshop (its organisers), or what came through
//! the agency's official social media accounts, by email or by letter (its mandated
//! staff). Once stored they are contributions like any other — searched, answered,
//! counted on the impact page — with the channel, the day and who entered them kept
//! beside them. Their author is named only with their consent.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};

use crate::contributions::form::received as field;
use crate::domain::authz::{authorise, Action, Denied, Role};
use crate::domain::contribution::{Attribution, Channel, OrgKind, Speaker, Voice};
use crate::domain::digits;
use crate::domain::text::{clean_name, is_web_url};
use crate::domain::{AgencyId, ClauseKey, ContributionId, VersionId, WorkshopId};
use crate::forms::{FieldErrors, FormMessage};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::accounts::store as users;
use crate::ssr::admin::store::audit::{self, AuditAction, AuditEntry};
use crate::ssr::admin::store::roles;
use crate::ssr::consultations::store::{self as consultations, Consultation, StoredClause};
use crate::ssr::contributions::service::{body_hash, checked_body};
use crate::ssr::contributions::store::{self as contributions, NewContribution, Receipt};
use crate::ssr::db::{StoreError, Tx};
use crate::ssr::state::AppState;

/// The longest name of a person or an organisation.
const MAX_NAME_CHARS: usize = 200;
/// The longest source link.
const MAX_URL_CHARS: usize = 2000;

/// One contribution as the person entering it types it (a form, or a row of a
/// feedback sheet); checked by [`check`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// A clause's number or key in the current version; empty: the draft as a whole.
    pub clause: String,
    /// `None`: nothing chosen.
    pub voice: Option<Voice>,
    pub name: String,
    /// Whether the person agreed to be named.
    pub consent: bool,
    pub organisation: String,
    pub organisation_kind: Option<OrgKind>,
    pub text: String,
}

/// An entry found right, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub clause: Option<ClauseKey>,
    pub speaker: Speaker,
    /// The name published, with consent.
    pub name: Option<String>,
    pub attribution: Attribution,
    pub body: String,
    pub body_hash: String,
}

/// Why entering a received contribution was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReceivedError {
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    #[error("not found")]
    NotFound,
    /// The agency's role is held, but no mandate is recorded with it.
    #[error("no recorded mandate")]
    NotMandated,
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The clause typed (`7`, `٧`, or a key) among `clauses`; `Ok(None)`: the draft as a whole.
fn clause_of(typed: &str, clauses: &[StoredClause]) -> Result<Option<ClauseKey>, FormMessage> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let latin: String = typed.chars().map(digits::to_latin).collect();
    let found = match latin.parse::<u32>() {
        Ok(n) => clauses.iter().find(|c| c.number == Some(n)),
        Err(_) => clauses.iter().find(|c| c.key.as_str() == typed),
    };
    found
        .map(|c| Some(c.key.clone()))
        .ok_or(FormMessage::ClauseUnknown)
}

/// A name as typed, cleaned, or the mistake in it.
fn name_of(typed: &str) -> Result<Option<String>, FormMessage> {
    let name = clean_name(typed);
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(FormMessage::NameTooLong);
    }
    Ok(Some(name).filter(|n| !n.is_empty()))
}

/// Checks `entry` against the current version's `clauses`. `group_allowed`: only a
/// workshop has a group to speak for.
pub fn check(
    entry: &Entry,
    clauses: &[StoredClause],
    group_allowed: bool,
) -> Result<Checked, FieldErrors> {
    let mut errors = FieldErrors::default();
    let clause = clause_of(&entry.clause, clauses).unwrap_or_else(|m| {
        errors.add(field::CLAUSE, m);
        None
    });
    let name = name_of(&entry.name).unwrap_or_else(|m| {
        errors.add(field::NAME, m);
        None
    });
    let organisation = name_of(&entry.organisation).unwrap_or_else(|m| {
        errors.add(field::ORGANISATION, m);
        None
    });
    let mut speaker = Speaker::Individual;
    let voice = match entry.voice {
        Some(Voice::Group) if !group_allowed => {
            errors.add(field::SPEAKER, FormMessage::ValueUnknown);
            None
        }
        Some(v) => Some(v),
        None => {
            errors.add(field::SPEAKER, FormMessage::Required);
            None
        }
    };
    match voice {
        Some(Voice::Group) => {
            if name.is_some() {
                errors.add(field::NAME, FormMessage::GroupHasNoName);
            }
            if organisation.is_some() || entry.organisation_kind.is_some() {
                errors.add(field::ORGANISATION, FormMessage::GroupHasNoName);
            }
            if entry.consent {
                errors.add(field::CONSENT, FormMessage::GroupHasNoName);
            }
        }
        Some(Voice::Organisation) => match (organisation, entry.organisation_kind) {
            (Some(name), Some(kind)) => speaker = Speaker::Organisation { name, kind },
            (None, _) => errors.add(field::ORGANISATION, FormMessage::Required),
            (Some(_), None) => errors.add(field::ORGANISATION_KIND, FormMessage::Required),
        },
        Some(Voice::Person) if organisation.is_some() || entry.organisation_kind.is_some() => {
            errors.add(field::ORGANISATION, FormMessage::ValueUnknown);
        }
        Some(Voice::Person) | None => {}
    }
    if voice != Some(Voice::Group) {
        match (&name, entry.consent) {
            (Some(_), false) => errors.add(field::NAME, FormMessage::NameNeedsConsent),
            (None, true) => errors.add(field::NAME, FormMessage::Required),
            _ => {}
        }
    }
    let body = checked_body(&entry.text).unwrap_or_else(|m| {
        errors.add(field::TEXT, m);
        String::new()
    });
    errors.check()?;
    let attribution = match (voice, &name) {
        (Some(Voice::Group), _) => Attribution::Group,
        (_, Some(_)) => Attribution::Named,
        (_, None) => Attribution::Anonymous,
    };
    Ok(Checked {
        clause,
        speaker,
        name,
        attribution,
        body_hash: body_hash(&body),
        body,
    })
}

/// Where a batch of entries came from: the same for each of them.
#[derive(Debug, Clone)]
pub struct Origin {
    /// The consultation's current version: what the entries are about.
    pub version: VersionId,
    pub channel: Channel,
    pub workshop: Option<WorkshopId>,
    pub received_on: NaiveDate,
    pub source_url: Option<String>,
    /// When it was said or received: the time its answer is owed from.
    pub at: DateTime<Utc>,
}

/// The start of `day` in zone `tz` (UTC if the zone is unknown).
pub(crate) fn start_of(day: NaiveDate, tz: &str) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::MIN);
    match tz.parse::<chrono_tz::Tz>() {
        Ok(zone) => zone
            .from_local_datetime(&local)
            .earliest()
            .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc)),
        Err(_) => local.and_utc(),
    }
}

/// The current version of `c` and its clauses: what received contributions are about.
pub(crate) async fn current_clauses(
    state: &AppState,
    c: &Consultation,
) -> Result<Option<(VersionId, Vec<StoredClause>)>, StoreError> {
    let versions = consultations::versions(&state.db, c.id).await?;
    let Some(current) = consultations::latest_published(&versions) else {
        return Ok(None);
    };
    let clauses = consultations::clauses(&state.db, current.id).await?;
    Ok(Some((current.id, clauses)))
}

/// The texts already entered for consultation `c` through `channel` (and, for a
/// workshop, at that workshop): entering one again is a mistake, a sheet sent twice.
pub(crate) async fn entered_before(
    state: &AppState,
    c: &Consultation,
    origin: &Origin,
) -> Result<HashSet<String>, StoreError> {
    contributions::received_hashes(&state.db, c.id, origin.channel, origin.workshop).await
}

/// Stores `entries` as contributions of `c` received from `origin`, with one audit
/// entry each, inside `tx`; their ids in order.
pub(crate) async fn store_in(
    tx: &mut Tx,
    c: &Consultation,
    origin: &Origin,
    entries: &[Checked],
    signed: &Signed,
    ip: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<ContributionId>, StoreError> {
    let mut ids = Vec::with_capacity(entries.len());
    for e in entries {
        let author = users::participant_record(tx, e.name.as_deref(), now).await?;
        let new = NewContribution {
            consultation_id: c.id,
            version_id: origin.version,
            clause_key: e.clause.clone(),
            parent_id: None,
            author,
            speaker: e.speaker.clone(),
            body: e.body.clone(),
            body_hash: e.body_hash.clone(),
            channel: origin.channel,
            external_id: None,
            received: Some(Receipt {
                workshop: origin.workshop,
                received_on: origin.received_on,
                source_url: origin.source_url.clone(),
                entered_by: Some(signed.user.id),
                attribution: e.attribution,
            }),
        };
        let id = contributions::insert_in(tx, &new, origin.at).await?;
        let entry = AuditEntry {
            actor: Some(signed.user.id),
            action: AuditAction::ContributionEnter,
            target: format!("contribution:{id}"),
            detail: serde_json::json!({
                "consultation": c.slug,
                "channel": origin.channel.as_str(),
                "workshop": origin.workshop,
                "received_on": origin.received_on.to_string(),
                "attribution": e.attribution.as_str(),
            }),
            ip: ip.map(str::to_owned),
        };
        audit::insert(tx, &entry, now).await?;
        ids.push(id);
    }
    Ok(ids)
}

/// Stores one checked entry in its own transaction; `None` when the same text was
/// entered before through the same channel (at the same workshop).
pub(crate) async fn store_one(
    state: &AppState,
    c: &Consultation,
    origin: &Origin,
    checked: &Checked,
    signed: &Signed,
    ip: Option<&str>,
) -> Result<Option<ContributionId>, StoreError> {
    if entered_before(state, c, origin)
        .await?
        .contains(&checked.body_hash)
    {
        return Ok(None);
    }
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let ids = store_in(
        &mut tx,
        c,
        origin,
        std::slice::from_ref(checked),
        signed,
        ip,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(ids.first().copied())
}

/// What a staff member types to record one contribution that reached the agency
/// through its social media accounts, by email or by letter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letter {
    /// `None`: nothing chosen (an unknown code never gets here).
    pub channel: Option<Channel>,
    /// `YYYY-MM-DD`, Arabic-Indic digits allowed.
    pub received_on: String,
    pub source_url: String,
    pub entry: Entry,
}

/// The consultation `slug` if `signed` speaks for its agency with a recorded mandate.
pub async fn mandated_consultation(
    state: &AppState,
    signed: &Signed,
    slug: &str,
) -> Result<Consultation, ReceivedError> {
    let c = consultations::public_by_slug(&state.db, slug)
        .await?
        .ok_or(ReceivedError::NotFound)?;
    authorise(Some(&signed.actor), Action::ActForAgency(c.agency_id))?;
    if !has_mandate(state, signed, c.agency_id).await? {
        return Err(ReceivedError::NotMandated);
    }
    Ok(c)
}

/// Whether `signed` holds a role of `agency` with a recorded mandate.
pub async fn has_mandate(
    state: &AppState,
    signed: &Signed,
    agency: AgencyId,
) -> Result<bool, StoreError> {
    Ok(roles::grants_of(&state.db, signed.user.id)
        .await?
        .into_iter()
        .any(|g| {
            matches!(g.role, Role::AgencyStaff(a) | Role::AgencyAdmin(a) if a == agency)
                && g.mandate.is_some()
        }))
}

/// Records a contribution received by `signed`'s agency through a channel other than
/// the portal and its workshops; its id.
pub async fn record(
    state: &AppState,
    signed: &Signed,
    slug: &str,
    input: &Letter,
    ip: Option<String>,
) -> Result<ContributionId, ReceivedError> {
    let c = mandated_consultation(state, signed, slug).await?;
    let Some((version, clauses)) = current_clauses(state, &c).await? else {
        return Err(ReceivedError::NotFound);
    };
    let now = state.clock.now();
    let mut errors = FieldErrors::default();
    let channel = match input.channel {
        Some(Channel::SocialMedia | Channel::Email | Channel::Letter) => input.channel,
        Some(_) => {
            errors.add(field::CHANNEL, FormMessage::ValueUnknown);
            None
        }
        None => {
            errors.add(field::CHANNEL, FormMessage::Required);
            None
        }
    };
    let received_on = received_day(&input.received_on, &c, now).unwrap_or_else(|m| {
        errors.add(field::RECEIVED_ON, m);
        None
    });
    let source = input.source_url.trim();
    let source_url = if source.is_empty() {
        None
    } else if source.chars().count() > MAX_URL_CHARS || !is_web_url(source) {
        errors.add(field::SOURCE_URL, FormMessage::UrlMalformed);
        None
    } else {
        Some(source.to_owned())
    };
    let checked = match check(&input.entry, &clauses, false) {
        Ok(e) => Some(e),
        Err(e) => {
            errors.merge(e);
            None
        }
    };
    errors.check().map_err(ReceivedError::Invalid)?;
    let (Some(channel), Some(received_on), Some(checked)) = (channel, received_on, checked) else {
        return Err(ReceivedError::Invalid(FieldErrors::one(
            field::TEXT,
            FormMessage::Required,
        )));
    };
    let origin = Origin {
        version,
        channel,
        workshop: None,
        received_on,
        source_url,
        at: start_of(received_on, &c.agency_time_zone).min(now),
    };
    let Some(id) = store_one(state, &c, &origin, &checked, signed, ip.as_deref()).await? else {
        return Err(ReceivedError::Invalid(FieldErrors::one(
            field::TEXT,
            FormMessage::AlreadyEntered,
        )));
    };
    tracing::info!(contribution = %id, consultation = %c.slug, channel = channel.as_str(),
        "received contribution entered");
    Ok(id)
}

/// The day typed, if it is a real one between the consultation's opening and today
/// (in the agency's zone).
fn received_day(
    typed: &str,
    c: &Consultation,
    now: DateTime<Utc>,
) -> Result<Option<NaiveDate>, FormMessage> {
    let typed: String = typed.trim().chars().map(digits::to_latin).collect();
    if typed.is_empty() {
        return Err(FormMessage::Required);
    }
    let day =
        NaiveDate::parse_from_str(&typed, "%Y-%m-%d").map_err(|_| FormMessage::DateMalformed)?;
    let local = |t: DateTime<Utc>| match c.agency_time_zone.parse::<chrono_tz::Tz>() {
        Ok(zone) => t.with_timezone(&zone).date_naive(),
        Err(_) => t.date_naive(),
    };
    if day > local(now) {
        return Err(FormMessage::DateInFuture);
    }
    if day < local(c.opens_at) {
        return Err(FormMessage::BeforeOpening);
    }
    Ok(Some(day))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::draft::ClauseKind;
    use crate::domain::LocalizedText;

    fn clauses() -> Vec<StoredClause> {
        [("purpose", Some(1)), ("scope", Some(2)), ("note", None)]
            .into_iter()
            .map(|(key, number)| StoredClause {
                key: key.parse().expect("key"),
                kind: ClauseKind::Clause,
                level: 0,
                number,
                text: LocalizedText::default(),
                html: LocalizedText::default(),
            })
            .collect()
    }

    fn entry() -> Entry {
        Entry {
            clause: "٢".into(),
            voice: Some(Voice::Person),
            name: "  ليلى  ".into(),
            consent: true,
            text: "نقترح توضيح نطاق التطبيق".into(),
            ..Entry::default()
        }
    }

    #[test]
    fn a_named_person_with_consent_and_a_clause_by_number() {
        let c = check(&entry(), &clauses(), false).expect("valid");
        assert_eq!(c.clause.as_ref().map(ClauseKey::as_str), Some("scope"));
        assert_eq!(c.name.as_deref(), Some("ليلى"));
        assert_eq!(c.attribution, Attribution::Named);
        assert_eq!(c.speaker, Speaker::Individual);
    }

    #[test]
    fn a_name_without_consent_is_refused_and_no_name_is_anonymous() {
        let e = Entry {
            consent: false,
            ..entry()
        };
        let errors = check(&e, &clauses(), false).expect_err("no consent");
        assert_eq!(errors.get(field::NAME), Some(FormMessage::NameNeedsConsent));
        let e = Entry {
            consent: false,
            name: String::new(),
            ..entry()
        };
        let c = check(&e, &clauses(), false).expect("anonymous");
        assert_eq!(c.attribution, Attribution::Anonymous);
        assert_eq!(c.name, None);
    }

    #[test]
    fn group_feedback_is_for_workshops_and_names_nobody() {
        let group = Entry {
            voice: Some(Voice::Group),
            name: String::new(),
            consent: false,
            ..entry()
        };
        assert_eq!(
            check(&group, &clauses(), true).expect("group").attribution,
            Attribution::Group
        );
        let errors = check(&group, &clauses(), false).expect_err("not here");
        assert_eq!(errors.get(field::SPEAKER), Some(FormMessage::ValueUnknown));
        let named = Entry {
            voice: Some(Voice::Group),
            ..entry()
        };
        let errors = check(&named, &clauses(), true).expect_err("named group");
        assert_eq!(errors.get(field::NAME), Some(FormMessage::GroupHasNoName));
    }

    #[test]
    fn an_organisation_needs_its_name_and_kind_and_unknown_clauses_are_named() {
        let e = Entry {
            voice: Some(Voice::Organisation),
            organisation: "هيئة الحكومة الرقمية".into(),
            clause: "17".into(),
            ..entry()
        };
        let errors = check(&e, &clauses(), false).expect_err("kind, clause");
        assert_eq!(
            errors.get(field::ORGANISATION_KIND),
            Some(FormMessage::Required)
        );
        assert_eq!(errors.get(field::CLAUSE), Some(FormMessage::ClauseUnknown));
        let e = Entry {
            organisation_kind: Some(OrgKind::Agency),
            clause: "purpose".into(),
            ..e
        };
        let c = check(&e, &clauses(), false).expect("valid");
        assert!(matches!(
            c.speaker,
            Speaker::Organisation {
                kind: OrgKind::Agency,
                ..
            }
        ));
        assert_eq!(c.clause.as_ref().map(ClauseKey::as_str), Some("purpose"));
    }

    #[test]
    fn a_day_starts_in_the_agency_zone() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        assert_eq!(
            start_of(day, "Asia/Riyadh").to_rfc3339(),
            "2026-11-30T21:00:00+00:00"
        );
    }
}
