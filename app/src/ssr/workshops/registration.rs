//! Taking part in a workshop: registering (a place, or the waiting list), giving the
//! place up (the next on the list is promoted and told), invitations for workshops by
//! invitation only, check-in at the door, walk-ins, and the reminder the day before.
//! Every mail is queued in the transaction that decides it.

use chrono::{DateTime, Duration, Utc};
use rand::Rng;

use crate::domain::account::normalize_email;
use crate::domain::authz::{authorise, Action, Denied};
use crate::domain::contribution::OrgKind;
use crate::domain::text::clean_name;
use crate::domain::workshop::{
    normalize_code, Audience, Phase, RegistrationStatus, CODE_ALPHABET, CODE_LEN, MAX_ORG_CHARS,
};
use crate::domain::{Lang, WorkshopId};
use crate::forms::{FieldErrors, FormMessage};
use crate::paths;
use crate::ssr::accounts::auth::token::{hash_token, new_token};
use crate::ssr::accounts::authz::Signed;
use crate::ssr::calendar::label;
use crate::ssr::db::{Db, StoreError, Tx};
use crate::ssr::mail::store as outbox;
use crate::ssr::mail::templates::{self, WorkshopMail, WorkshopNews};
use crate::ssr::state::AppState;
use crate::ssr::workshops::ics;
use crate::ssr::workshops::service::runs;
use crate::ssr::workshops::store::registrations::{self, NewRegistration, Registration};
use crate::ssr::workshops::store::{self as workshops, Workshop};
use crate::workshops::form::field;

/// How long before a workshop its reminder goes out.
pub const REMINDER_BEFORE: Duration = Duration::hours(24);

/// Why a registration, cancellation, check-in or invitation was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    #[error("denied: {0}")]
    Denied(#[from] Denied),
    #[error("not found")]
    NotFound,
    #[error("invalid fields: {0:?}")]
    Invalid(FieldErrors),
    /// Past the deadline, under way, over or called off.
    #[error("registration closed")]
    Closed,
    #[error("already registered")]
    AlreadyRegistered,
    #[error("invitation required")]
    InvitationRequired,
    #[error("invitation invalid")]
    InvitationInvalid,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The registration form as sent.
#[derive(Debug, Clone, Default)]
pub struct Registering {
    pub org_name: String,
    pub org_role: String,
    /// The token of the invitation link the page was opened with.
    pub invitation: Option<String>,
}

/// What became of a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registered {
    Confirmed,
    /// On the waiting list, at this place.
    Waitlisted(i64),
}

/// A workshop the public may see, or `NotFound`.
async fn public_workshop(state: &AppState, id: WorkshopId) -> Result<Workshop, RegistrationError> {
    workshops::by_id(&state.db, id)
        .await?
        .filter(Workshop::is_public)
        .ok_or(RegistrationError::NotFound)
}

/// A workshop that `signed` runs, or why not.
async fn run_by(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
) -> Result<Workshop, RegistrationError> {
    let w = workshops::by_id(&state.db, id)
        .await?
        .ok_or(RegistrationError::NotFound)?;
    authorise(Some(&signed.actor), Action::RunWorkshops(w.agency_id))?;
    if !runs(state, signed, &w).await? {
        return Err(Denied::Forbidden.into());
    }
    Ok(w)
}

/// A fresh check-in code.
fn new_code() -> String {
    let mut rng = rand::thread_rng();
    (0..CODE_LEN)
        .map(|_| char::from(CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())]))
        .collect()
}

/// Registers inside `tx` with a fresh check-in code (five drawn: the odds that all are
/// taken at one workshop are nil).
async fn register_with_code(
    tx: &mut Tx,
    mut new: NewRegistration,
    now: DateTime<Utc>,
) -> Result<(Registration, Option<i64>), RegistrationError> {
    new.codes = (0..5).map(|_| new_code()).collect();
    match registrations::register(tx, &new, now).await {
        Err(StoreError::Conflict("registration")) => Err(RegistrationError::AlreadyRegistered),
        other => Ok(other?),
    }
}

/// What a workshop mail says of `w`, in `lang`.
struct Told {
    workshop: String,
    consultation: String,
    when: String,
    link: String,
}

impl Told {
    fn of(public_url: &str, w: &Workshop, lang: Lang) -> Told {
        let pick =
            |t: &crate::domain::LocalizedText| t.pick(lang).map(|p| p.text).unwrap_or_default();
        let starts = label(w.fields.starts_at, &w.time_zone, lang);
        Told {
            workshop: pick(&w.fields.title),
            consultation: pick(&w.consultation_title),
            when: format!("{} ({}), {}", starts.gregorian, starts.hijri, starts.time),
            link: paths::absolute(public_url, &paths::workshop(lang, w.id)),
        }
    }

    fn mail(&self) -> WorkshopMail<'_> {
        WorkshopMail {
            workshop: &self.workshop,
            consultation: &self.consultation,
            when: &self.when,
            link: &self.link,
        }
    }
}

/// The mail telling `r` of `news` about `w`, in their language, queued inside `tx`.
async fn tell(
    public_url: &str,
    tx: &mut Tx,
    w: &Workshop,
    r: &Registration,
    news: impl FnOnce(Lang) -> WorkshopNews,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let Some(to) = &r.email else {
        return Ok(());
    };
    let lang = r
        .preferred_lang
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or(Lang::Ar);
    let told = Told::of(public_url, w, lang);
    let mail = templates::workshop(to, Some(&r.name), &told.mail(), news(lang), lang);
    outbox::enqueue_in(tx, &mail, now).await
}

/// The calendar file of `w` in `lang`, for a mail.
fn ics_of(public_url: &str, w: &Workshop, lang: Lang) -> String {
    let name = w
        .fields
        .title
        .pick(lang)
        .map(|p| p.text)
        .unwrap_or_default();
    ics::calendar(std::slice::from_ref(w), lang, &name, public_url)
}

/// Registers `signed` for workshop `id`.
pub async fn register(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
    input: &Registering,
) -> Result<Registered, RegistrationError> {
    authorise(Some(&signed.actor), Action::RegisterForWorkshop)?;
    let w = public_workshop(state, id).await?;
    let now = state.clock.now();
    if w.phase(now) != Phase::Registering {
        return Err(RegistrationError::Closed);
    }
    let mut errors = FieldErrors::default();
    let org_name = clean_name(&input.org_name);
    let org_role = clean_name(&input.org_role);
    for (name, value) in [(field::ORG_NAME, &org_name), (field::ORG_ROLE, &org_role)] {
        if value.chars().count() > MAX_ORG_CHARS {
            errors.add(name, FormMessage::TextTooLong);
        }
        if w.fields.audience == Audience::AgencyRepresentatives && value.is_empty() {
            errors.add(name, FormMessage::Required);
        }
    }
    if !errors.is_empty() {
        return Err(RegistrationError::Invalid(errors));
    }
    // Only agency representatives are asked for their organisation: an agency.
    let org = (w.fields.audience == Audience::AgencyRepresentatives)
        .then(|| (org_name.clone(), OrgKind::Agency));
    let mut tx = state.db.begin().await?;
    let invitation = match w.fields.audience {
        Audience::Invitation => {
            let Some(token) = input.invitation.as_deref().filter(|t| !t.is_empty()) else {
                return Err(RegistrationError::InvitationRequired);
            };
            let found = registrations::use_invitation(&mut tx, w.id, &hash_token(token), now)
                .await?
                .ok_or(RegistrationError::InvitationInvalid)?;
            let mine = signed
                .user
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(&found.email));
            if !mine {
                return Err(RegistrationError::InvitationInvalid);
            }
            Some(found.id)
        }
        _ => None,
    };
    let new = NewRegistration {
        workshop: w.id,
        capacity: w.fields.capacity,
        who: Ok(signed.user.id),
        org,
        org_role: (w.fields.audience == Audience::AgencyRepresentatives).then_some(org_role),
        invitation,
        codes: Vec::new(),
        reminded: w.fields.starts_at - now <= REMINDER_BEFORE,
        attended: false,
    };
    let (r, position) = register_with_code(&mut tx, new, now).await?;
    let outcome = match position {
        None => {
            let news = |lang| WorkshopNews::Confirmed {
                code: r.code.clone(),
                ics: ics_of(&state.public_url, &w, lang),
            };
            tell(&state.public_url, &mut tx, &w, &r, news, now).await?;
            Registered::Confirmed
        }
        Some(p) => {
            let position = u32::try_from(p).unwrap_or(u32::MAX);
            let news = |_| WorkshopNews::Waitlisted { position };
            tell(&state.public_url, &mut tx, &w, &r, news, now).await?;
            Registered::Waitlisted(p)
        }
    };
    tx.commit().await?;
    Ok(outcome)
}

/// Tells each of `promoted` that a place is now theirs, inside `tx`.
async fn tell_promoted(
    public_url: &str,
    tx: &mut Tx,
    w: &Workshop,
    promoted: &[Registration],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for p in promoted {
        let news = |lang| WorkshopNews::Promoted {
            code: p.code.clone(),
            ics: ics_of(public_url, w, lang),
        };
        tell(public_url, tx, w, p, news, now).await?;
    }
    Ok(())
}

/// Gives up `signed`'s registration for workshop `id` (a place or a waiting one); the
/// first on the waiting list takes a freed place.
pub async fn cancel(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
) -> Result<(), RegistrationError> {
    let w = public_workshop(state, id).await?;
    let now = state.clock.now();
    if !matches!(w.phase(now), Phase::Registering | Phase::RegistrationClosed) {
        return Err(RegistrationError::Closed);
    }
    let r = registrations::current_of(&state.db, w.id, signed.user.id)
        .await?
        .ok_or(RegistrationError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let Some(promoted) = registrations::cancel(&mut tx, w.id, w.fields.capacity, r.id, now).await?
    else {
        return Err(RegistrationError::NotFound);
    };
    tell(
        &state.public_url,
        &mut tx,
        &w,
        &r,
        |_| WorkshopNews::Cancelled,
        now,
    )
    .await?;
    tell_promoted(&state.public_url, &mut tx, &w, &promoted, now).await?;
    tx.commit().await?;
    Ok(())
}

/// After an organiser changed workshop `w` (more places), gives the new places to the
/// waiting list and tells them.
pub async fn fill_places(state: &AppState, w: &Workshop) -> Result<(), StoreError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let promoted = registrations::fill_places(&mut tx, w.id, w.fields.capacity, now).await?;
    tell_promoted(&state.public_url, &mut tx, w, &promoted, now).await?;
    tx.commit().await
}

/// How an organiser checks someone in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckIn {
    /// From the list.
    Registration(i64),
    /// By the code the registrant gives.
    Code(String),
}

/// Marks a registrant of workshop `id` as arrived; their name.
pub async fn check_in(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
    by: CheckIn,
) -> Result<String, RegistrationError> {
    let w = run_by(state, signed, id).await?;
    let now = state.clock.now();
    let code;
    let key = match &by {
        CheckIn::Registration(r) => Ok(*r),
        CheckIn::Code(typed) => {
            code = normalize_code(typed);
            Err(code.as_str())
        }
    };
    match registrations::check_in(&state.db, w.id, key, now).await? {
        Some(r) => Ok(r.name),
        None => match by {
            CheckIn::Code(_) => Err(RegistrationError::Invalid(FieldErrors::one(
                field::CODE,
                FormMessage::CheckInCodeUnknown,
            ))),
            CheckIn::Registration(_) => Err(RegistrationError::NotFound),
        },
    }
}

/// Someone who came without registering, as the organiser types them in.
#[derive(Debug, Clone, Default)]
pub struct WalkIn {
    pub name: String,
    pub org_name: String,
    /// `None` when no organisation was given, or none chosen.
    pub org_kind: Option<OrgKind>,
}

/// Adds a walk-in to workshop `id`, arrived now.
pub async fn walk_in(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
    input: &WalkIn,
) -> Result<(), RegistrationError> {
    let w = run_by(state, signed, id).await?;
    let now = state.clock.now();
    let name = clean_name(&input.name);
    let org_name = clean_name(&input.org_name);
    let mut errors = FieldErrors::default();
    if name.is_empty() {
        errors.add(field::WALK_IN_NAME, FormMessage::Required);
    } else if name.chars().count() > MAX_ORG_CHARS {
        errors.add(field::WALK_IN_NAME, FormMessage::NameTooLong);
    }
    if org_name.chars().count() > MAX_ORG_CHARS {
        errors.add(field::ORG_NAME, FormMessage::TextTooLong);
    }
    let org = match (org_name.is_empty(), input.org_kind) {
        (true, _) => None,
        (false, Some(kind)) => Some((org_name, kind)),
        (false, None) => {
            errors.add(field::ORG_KIND, FormMessage::Required);
            None
        }
    };
    if !errors.is_empty() {
        return Err(RegistrationError::Invalid(errors));
    }
    let new = NewRegistration {
        workshop: w.id,
        capacity: w.fields.capacity,
        who: Err(name),
        org,
        org_role: None,
        invitation: None,
        codes: Vec::new(),
        reminded: true,
        attended: true,
    };
    let mut tx = state.db.begin().await?;
    register_with_code(&mut tx, new, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The most addresses one invitation form takes.
pub const MAX_INVITATIONS: usize = 500;

/// Mails an invitation link to each address in `emails` (one per line, or separated by
/// commas or spaces) for workshop `id`; how many were sent. Each link works once, until
/// registration closes.
pub async fn invite(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
    emails: &str,
) -> Result<usize, RegistrationError> {
    let w = run_by(state, signed, id).await?;
    let now = state.clock.now();
    if w.fields.audience != Audience::Invitation {
        return Err(RegistrationError::Invalid(FieldErrors::one(
            field::EMAILS,
            FormMessage::NotByInvitation,
        )));
    }
    if w.phase(now) != Phase::Registering {
        return Err(RegistrationError::Closed);
    }
    let mut addresses = Vec::new();
    for typed in emails
        .split(|c: char| c.is_whitespace() || c == ',' || c == '،' || c == ';')
        .filter(|s| !s.is_empty())
    {
        match normalize_email(typed) {
            Ok(a) if !addresses.contains(&a) => addresses.push(a),
            Ok(_) => {}
            Err(_) => {
                return Err(RegistrationError::Invalid(FieldErrors::one(
                    field::EMAILS,
                    FormMessage::EmailMalformed,
                )))
            }
        }
    }
    if addresses.is_empty() {
        return Err(RegistrationError::Invalid(FieldErrors::one(
            field::EMAILS,
            FormMessage::Required,
        )));
    }
    if addresses.len() > MAX_INVITATIONS {
        return Err(RegistrationError::Invalid(FieldErrors::one(
            field::EMAILS,
            FormMessage::TextTooLong,
        )));
    }
    let mut tx = state.db.begin().await?;
    for address in &addresses {
        let (token, hash) = new_token();
        registrations::insert_invitation(
            &mut tx,
            w.id,
            address,
            &hash,
            w.fields.registration_closes_at,
            signed.user.id,
            now,
        )
        .await?;
        // The invited may have no account yet: the organiser's language, in which the
        // invitation was written.
        let lang = signed.user.preferred_lang;
        let mut told = Told::of(&state.public_url, &w, lang);
        told.link = paths::absolute(
            &state.public_url,
            &paths::workshop_invitation(lang, w.id, &token),
        );
        let closes = label(w.fields.registration_closes_at, &w.time_zone, lang);
        let news = WorkshopNews::Invitation {
            agency: w.agency_name.pick(lang).map(|p| p.text).unwrap_or_default(),
            expires: format!("{} ({}), {}", closes.gregorian, closes.hijri, closes.time),
        };
        let mail = templates::workshop(address, None, &told.mail(), news, lang);
        outbox::enqueue_in(&mut tx, &mail, now).await?;
    }
    tx.commit().await?;
    Ok(addresses.len())
}

/// Queues the reminder of every place at a workshop starting within
/// [`REMINDER_BEFORE`], once: each is claimed and queued in one transaction, so a
/// second process (or the next tick) finds nothing left to send. How many were queued.
pub async fn send_reminders(
    db: &Db,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let due = registrations::due_reminders(db, now, now + REMINDER_BEFORE).await?;
    let mut cache: Vec<Workshop> = Vec::new();
    let mut sent = 0;
    for d in &due {
        let w = match cache.iter().find(|w| w.id == d.workshop) {
            Some(w) => w.clone(),
            None => {
                let Some(w) = workshops::by_id(db, d.workshop).await? else {
                    continue;
                };
                cache.push(w.clone());
                w
            }
        };
        let mut tx = db.begin().await?;
        if !registrations::claim_reminder(&mut tx, d.registration, now).await? {
            continue;
        }
        let r = registrations::by_id(&mut tx, d.registration).await?;
        let news = |lang| {
            let place = [
                w.fields.venue.pick(lang).map(|p| p.text),
                w.fields.online_url.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" — ");
            WorkshopNews::Reminder {
                code: r.code.clone(),
                place,
            }
        };
        tell(public_url, &mut tx, &w, &r, news, now).await?;
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// The status of a registration as its holder sees it.
pub async fn mine(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
) -> Result<Option<(Registration, Option<i64>)>, StoreError> {
    let Some(r) = registrations::current_of(&state.db, id, signed.user.id).await? else {
        return Ok(None);
    };
    let position = match r.status {
        RegistrationStatus::Waitlisted => {
            Some(registrations::waitlist_position(&state.db, id, r.id).await?)
        }
        _ => None,
    };
    Ok(Some((r, position)))
}

/// The people holding a place at workshop `id`, for its organisers' participant list.
pub async fn participants(
    state: &AppState,
    signed: &Signed,
    id: WorkshopId,
) -> Result<Vec<Registration>, RegistrationError> {
    let w = run_by(state, signed, id).await?;
    Ok(registrations::list(&state.db, w.id)
        .await?
        .into_iter()
        .filter(|r| r.status == RegistrationStatus::Confirmed)
        .collect())
}
