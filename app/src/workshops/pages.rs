//! The workshop pages: the portal's listing `/{lang}/workshops`, a consultation's
//! workshops (a section of its page), one workshop `/{lang}/workshops/{id}`, and the
//! organisers' form to schedule or change one.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    workshop_editor, workshop_listing, workshop_manage, workshop_page, Attendance,
    ConsultationWorkshopsView, EditorTarget, ManageView, WorkshopCard, WorkshopEditorData,
    WorkshopView,
};
use super::form::{field, OrganiserIntent, ParticipantIntent, WorkshopIntent};
use crate::consultations::pages::DateText;
use crate::contributions::form::received as received_field;
use crate::contributions::pages::org_kind_label;
use crate::contributions::received::received_fields;
use crate::domain::contribution::OrgKind;
use crate::domain::workshop::RegistrationStatus;
use crate::domain::workshop::{Audience, Phase};
use crate::domain::{Lang, LocalizedText, WorkshopId};
use crate::error::AppError;
use crate::forms::FormFeedback;
use crate::paths;
use crate::ui::denied::error_page;
use crate::ui::form::{use_form_feedback, Field, FormSummary, PostForm, TextArea};
use crate::ui::layout::{digits, page_title, use_lang};
use crate::ui::text::{fallback_note, LocalizedSpan};

pub fn audience_label(a: Audience, lang: Lang) -> String {
    let l = lang.locale();
    match a {
        Audience::Open => td_string!(l, workshop_audience_open),
        Audience::AgencyRepresentatives => td_string!(l, workshop_audience_agencies),
        Audience::Invitation => td_string!(l, workshop_audience_invitation),
    }
    .to_string()
}

fn phase_label(p: Phase, lang: Lang) -> String {
    let l = lang.locale();
    match p {
        Phase::Registering => td_string!(l, workshop_phase_registering),
        Phase::RegistrationClosed => td_string!(l, workshop_phase_registration_closed),
        Phase::Running => td_string!(l, workshop_phase_running),
        Phase::Past => td_string!(l, workshop_phase_past),
        Phase::Cancelled => td_string!(l, workshop_phase_cancelled),
    }
    .to_string()
}

fn phase_code(p: Phase) -> &'static str {
    match p {
        Phase::Registering => "registering",
        Phase::RegistrationClosed => "registration_closed",
        Phase::Running => "running",
        Phase::Past => "past",
        Phase::Cancelled => "cancelled",
    }
}

/// Where it takes place, in a few words: the venue, online, or both.
fn place(card: &WorkshopCard, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let venue =
        (!card.venue.is_empty()).then(|| view! { <LocalizedSpan text=card.venue.clone() lang /> });
    let online = card
        .online
        .then(|| td_string!(l, workshop_online).to_string());
    let sep = (venue.is_some() && online.is_some()).then_some(" · ");
    view! { {venue}{sep}{online} }
}

/// A workshop in a list.
#[component]
pub fn WorkshopItem(
    card: WorkshopCard,
    lang: Lang,
    #[prop(optional)] with_consultation: bool,
) -> impl IntoView {
    let l = lang.locale();
    let href = paths::workshop(lang, card.id);
    let consultation = with_consultation.then(|| {
        let href = paths::consultation(lang, &card.consultation_slug);
        view! {
            <p class="card__meta">
                <a href=href><LocalizedSpan text=card.consultation_title.clone() lang /></a>
                " · "<LocalizedSpan text=card.agency_name.clone() lang />
            </p>
        }
    });
    view! {
        <li class="card workshop-card" data-workshop=card.id.to_string()>
            <h3 class="card__title"><a href=href><LocalizedSpan text=card.title.clone() lang /></a></h3>
            {consultation}
            <p class="card__meta">
                <span class="badge" data-phase=phase_code(card.phase)>{phase_label(card.phase, lang)}</span>
                " "{audience_label(card.audience, lang)}
            </p>
            <p class="card__dates">{td_string!(l, workshop_starts)}" "<DateText date=card.starts.clone() /></p>
            <p class="workshop-card__place">{place(&card, lang)}</p>
        </li>
    }
}

/// `/{lang}/workshops`: upcoming and past workshops of every public consultation.
#[component]
pub fn WorkshopListPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let data = Resource::new(|| (), move |_| workshop_listing(lang));
    let title = td_string!(l, workshops_title);
    view! {
        <Title text=page_title(lang, title) />
        <section class="page workshops">
            <h1>{title}</h1>
            <p class="lead">{td_string!(l, workshops_lead)}</p>
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => {
                            let list = |cards: Vec<WorkshopCard>, empty: String| if cards.is_empty() {
                                view! { <p class="empty">{empty}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="cards">
                                        {cards.into_iter().map(|card| view! { <WorkshopItem card lang with_consultation=true /> }).collect_view()}
                                    </ul>
                                }.into_any()
                            };
                            view! {
                                <h2>{td_string!(l, workshops_upcoming)}</h2>
                                {list(d.upcoming, td_string!(l, workshops_none_upcoming).to_string())}
                                <h2>{td_string!(l, workshops_past)}</h2>
                                {list(d.past, td_string!(l, workshops_none_past).to_string())}
                            }.into_any()
                        }
                        Err(e) => error_page(e, lang),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The workshops section of a consultation's page, with its calendar file and, for
/// the agency's organisers, the link to schedule one.
#[component]
pub fn ConsultationWorkshopsSection(
    slug: String,
    w: ConsultationWorkshopsView,
    lang: Lang,
) -> impl IntoView {
    let l = lang.locale();
    if w.cards.is_empty() && !w.can_schedule {
        return ().into_any();
    }
    let ics = (!w.cards.is_empty()).then(|| view! {
        <p><a href=paths::consultation_workshops_ics(lang, &slug) download>{td_string!(l, workshops_add_all_to_calendar)}</a></p>
    });
    let schedule = w.can_schedule.then(|| view! {
        <p><a class="button button--secondary" href=paths::new_workshop(lang, &slug)>{td_string!(l, workshop_schedule)}</a></p>
    });
    view! {
        <section class="panel workshops-section" id="workshops" aria-labelledby="workshops-title">
            <h2 id="workshops-title">{td_string!(l, workshops_of_consultation)}</h2>
            {(w.cards.is_empty()).then(|| view! { <p class="empty">{td_string!(l, workshops_none_yet)}</p> })}
            <ul class="cards">
                {w.cards.into_iter().map(|card| view! { <WorkshopItem card lang /> }).collect_view()}
            </ul>
            {ics}
            {schedule}
        </section>
    }
    .into_any()
}

fn id_param() -> Option<WorkshopId> {
    use_params_map()
        .get_untracked()
        .get("id")
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .map(WorkshopId)
}

/// `/{lang}/workshops/{id}`.
#[component]
pub fn WorkshopPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let data = Resource::new(id_param, move |id| async move {
        match id {
            Some(id) => workshop_page(id.0, lang).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <section class="page workshop">
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(w) => view! { <WorkshopBody w lang /> }.into_any(),
                        Err(e) => error_page(e, lang),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// Lines of a text as a list; a text of one line as a paragraph.
fn lines(text: &LocalizedText, lang: Lang) -> Option<AnyView> {
    let picked = text.pick(lang)?;
    let items: Vec<String> = picked
        .text
        .lines()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    Some(
        view! {
            {picked.is_fallback.then(|| view! { <p>{fallback_note(lang)}</p> })}
            <ol class="workshop__agenda" lang=picked.lang.code() dir=picked.lang.dir()>
                {items.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}
            </ol>
        }
        .into_any(),
    )
}

fn paragraphs(text: &LocalizedText, lang: Lang) -> Option<AnyView> {
    let picked = text.pick(lang)?;
    let paras: Vec<String> = picked
        .text
        .split("\n\n")
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    Some(
        view! {
            {picked.is_fallback.then(|| view! { <p>{fallback_note(lang)}</p> })}
            <div class="workshop__description" lang=picked.lang.code() dir=picked.lang.dir()>
                {paras.into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            </div>
        }
        .into_any(),
    )
}

#[component]
fn WorkshopBody(w: WorkshopView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let card = w.card.clone();
    let title = card.title.pick(lang).map(|t| t.text).unwrap_or_default();
    let edit = w.can_edit.then(|| view! {
        <p>
            <a class="button" href=paths::workshop_manage(lang, card.id)>{td_string!(l, workshop_manage)}</a>" "
            <a class="button button--secondary" href=paths::workshop_edit(lang, card.id)>{td_string!(l, workshop_edit)}</a>
        </p>
    });
    let venue = (!card.venue.is_empty()).then(|| view! {
        <dt>{td_string!(l, workshop_venue)}</dt>
        <dd>
            <LocalizedSpan text=card.venue.clone() lang />
            {w.map_url.clone().map(|href| view! { " · "<a href=href rel="noopener noreferrer" target="_blank">{td_string!(l, workshop_map)}</a> })}
        </dd>
    });
    let online = w.online_url.clone().map(|href| view! {
        <dt>{td_string!(l, workshop_online)}</dt>
        <dd><a href=href.clone() rel="noopener noreferrer" target="_blank" dir="ltr">{href.clone()}</a></dd>
    });
    let sep = if lang == Lang::Ar { "، " } else { ", " };
    let organisers = (!w.organisers.is_empty()).then(|| {
        view! {
            <dt>{td_string!(l, workshop_organisers)}</dt>
            <dd>{w.organisers.join(sep)}</dd>
        }
    });
    view! {
        <Title text=page_title(lang, &title) />
        <p>
            <a href=paths::consultation_workshops(lang, &card.consultation_slug)><LocalizedSpan text=card.consultation_title.clone() lang /></a>
            " · "<LocalizedSpan text=card.agency_name.clone() lang />
        </p>
        <h1><LocalizedSpan text=card.title.clone() lang /></h1>
        <p class="card__meta">
            <span class="badge" data-phase=phase_code(card.phase)>{phase_label(card.phase, lang)}</span>
            " "{audience_label(card.audience, lang)}
        </p>
        <dl class="workshop__facts">
            <dt>{td_string!(l, workshop_starts)}</dt>
            <dd><DateText date=card.starts.clone() /></dd>
            <dt>{td_string!(l, workshop_ends)}</dt>
            <dd><DateText date=card.ends.clone() /></dd>
            {venue}
            {online}
            <dt>{td_string!(l, workshop_capacity)}</dt>
            <dd>{digits(card.capacity)}</dd>
            <dt>{td_string!(l, workshop_registration_closes)}</dt>
            <dd><DateText date=w.registration_closes.clone() /></dd>
            {organisers}
        </dl>
        <p><a href=paths::workshop_ics(lang, card.id) download>{td_string!(l, workshop_add_to_calendar)}</a></p>
        <RegistrationPanel w=w.clone() lang />
        {w.attendance.clone().map(|a| view! { <AttendanceFigures a lang /> })}
        {w.minutes.clone().map(|m| view! {
            <section class="workshop__minutes" id="minutes" aria-labelledby="minutes-title">
                <h2 id="minutes-title">{td_string!(l, workshop_minutes)}</h2>
                {m.is_fallback.then(|| view! { <p>{fallback_note(lang)}</p> })}
                <div class="prose" lang=m.lang.code() dir=m.lang.dir() inner_html=m.html></div>
            </section>
        })}
        {paragraphs(&w.description, lang)}
        {lines(&w.agenda, lang).map(|agenda| view! { <h2>{td_string!(l, workshop_agenda)}</h2>{agenda} })}
        {edit}
    }
}

/// Who held a place and who came, in all and by what they came for.
#[component]
fn AttendanceFigures(a: Attendance, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    view! {
        <section class="workshop__attendance" id="attendance" aria-labelledby="attendance-title">
            <h2 id="attendance-title">{td_string!(l, workshop_attendance)}</h2>
            <table class="table">
                <thead><tr>
                    <th scope="col">{td_string!(l, workshop_attendance_kind)}</th>
                    <th scope="col">{td_string!(l, workshop_attendance_registered)}</th>
                    <th scope="col">{td_string!(l, workshop_attendance_attended)}</th>
                </tr></thead>
                <tbody>
                    {a.by_kind.into_iter().map(|(kind, held, came)| view! {
                        <tr>
                            <th scope="row">{match kind {
                                Some(k) => org_kind_label(k, lang),
                                None => td_string!(l, workshop_attendance_individual),
                            }}</th>
                            <td>{digits(held)}</td>
                            <td>{digits(came)}</td>
                        </tr>
                    }).collect_view()}
                    <tr data-row="total">
                        <th scope="row">{td_string!(l, workshop_attendance_total)}</th>
                        <td data-figure="registered">{digits(a.registered)}</td>
                        <td data-figure="attended">{digits(a.attended)}</td>
                    </tr>
                </tbody>
            </table>
        </section>
    }
}

/// Places taken and the reader's registration: the form to register, their code, the
/// way to give the place up.
#[component]
fn RegistrationPanel(w: WorkshopView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let card = &w.card;
    let action = paths::workshop(lang, card.id);
    let invitation = use_query_map()
        .get_untracked()
        .get(field::INVITATION)
        .unwrap_or_default();
    let taken = td_string!(l, workshop_places_taken)
        .replace("%taken%", &digits(w.confirmed))
        .replace("%capacity%", &digits(card.capacity));
    let waiting = (w.waitlisted > 0)
        .then(|| td_string!(l, workshop_waiting_count).replace("%count%", &digits(w.waitlisted)));
    let full = w.confirmed >= i64::from(card.capacity);
    let may_cancel = matches!(card.phase, Phase::Registering | Phase::RegistrationClosed);
    let cancel_form = {
        let action = action.clone();
        move || {
            may_cancel.then(|| view! {
            <PostForm action=action.clone() lang intent=ParticipantIntent::Cancel.as_str() fields=move |_fb: &FormFeedback| {
                view! { <button type="submit" class="button button--secondary">{td_string!(l, workshop_cancel_registration)}</button> }.into_any()
            } />
        })
        }
    };
    // Which of the participant's forms the panel draws: feedback for one it does not
    // draw (registered meanwhile, or the link's invitation missing) is shown above.
    let register_drawn = w.mine.is_none()
        && card.phase == Phase::Registering
        && w.signed_in
        && !(card.audience == Audience::Invitation && invitation.is_empty());
    let cancel_drawn = w.mine.is_some() && may_cancel;
    let feedback = use_form_feedback();
    let orphan_feedback = move || {
        Suspend::new(async move {
            let fb = feedback.await;
            let orphan = (fb.intent == ParticipantIntent::Register.as_str() && !register_drawn)
                || (fb.intent == ParticipantIntent::Cancel.as_str() && !cancel_drawn);
            orphan.then(|| view! { <FormSummary feedback=fb lang /> })
        })
    };
    let body = match (&w.mine, card.phase) {
        (Some(mine), _) if mine.status == RegistrationStatus::Confirmed => view! {
            <p class="notice notice--ok" role="status" data-registration="confirmed">
                {td_string!(l, workshop_you_have_a_place)}" "
                {td_string!(l, workshop_your_code)}" "<code class="check-in-code" dir="ltr">{mine.code.clone()}</code>
            </p>
            {cancel_form()}
        }.into_any(),
        (Some(mine), _) => view! {
            <p class="notice" role="status" data-registration="waitlisted">
                {td_string!(l, workshop_you_are_waiting).replace("%position%", &digits(mine.position.unwrap_or(1)))}
            </p>
            {cancel_form()}
        }.into_any(),
        (None, Phase::Registering) if !w.signed_in => view! {
            <p><a class="button" href=paths::sign_in_then(lang, &action)>{td_string!(l, workshop_sign_in_to_register)}</a></p>
        }.into_any(),
        (None, Phase::Registering) if card.audience == Audience::Invitation && invitation.is_empty() => view! {
            <p class="notice">{td_string!(l, form_invitation_required)}</p>
        }.into_any(),
        (None, Phase::Registering) => {
            let agencies = card.audience == Audience::AgencyRepresentatives;
            let invitation = invitation.clone();
            let button = if full { td_string!(l, workshop_join_waitlist) } else { td_string!(l, workshop_register) };
            view! {
                {full.then(|| view! { <p>{td_string!(l, workshop_full_hint)}</p> })}
                <PostForm action=action.clone() lang intent=ParticipantIntent::Register.as_str() fields=move |fb: &FormFeedback| {
                    let err = |k: &str| fb.errors.get(k).copied();
                    view! {
                        {(!invitation.is_empty()).then(|| view! { <input type="hidden" name=field::INVITATION value=invitation.clone() /> })}
                        {agencies.then(|| view! {
                            <Field name=field::ORG_NAME label=td_string!(l, workshop_org_name).to_string() value=fb.value(field::ORG_NAME) error=err(field::ORG_NAME) lang />
                            <Field name=field::ORG_ROLE label=td_string!(l, workshop_org_role).to_string() value=fb.value(field::ORG_ROLE) error=err(field::ORG_ROLE) lang />
                        })}
                        <button type="submit" class="button">{button}</button>
                    }.into_any()
                } />
            }.into_any()
        }
        (None, Phase::Cancelled) => view! { <p class="notice">{td_string!(l, workshop_phase_cancelled)}</p> }.into_any(),
        (None, _) => view! { <p class="notice">{td_string!(l, form_registration_closed)}</p> }.into_any(),
    };
    let done = use_query_map()
        .get_untracked()
        .get("done")
        .and_then(|d| d.parse::<ParticipantIntent>().ok())
        .map(|d| match d {
            ParticipantIntent::Register => td_string!(l, workshop_done_register),
            ParticipantIntent::Cancel => td_string!(l, workshop_done_cancel),
        });
    view! {
        <section class="panel workshop__registration" id="register" aria-labelledby="register-title">
            <h2 id="register-title">{td_string!(l, workshop_registration)}</h2>
            {done.map(|text| view! { <p class="notice notice--ok" role="status">{text}</p> })}
            <Suspense fallback=|| ()>{orphan_feedback}</Suspense>
            <p class="workshop__places">{taken}{waiting.map(|w| format!(" · {w}"))}</p>
            {body}
        </section>
    }
}

/// `/{lang}/workshops/{id}/manage`: the organisers' page — registrations, check-in by
/// the list or by code, walk-ins, invitations, the participant list as CSV.
#[component]
pub fn ManageWorkshopPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let data = Resource::new(id_param, move |id| async move {
        match id {
            Some(id) => workshop_manage(id.0, lang).await,
            None => Err(AppError::NotFound),
        }
    });
    view! {
        <section class="page workshop-manage">
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(m) => view! { <ManageBody m lang /> }.into_any(),
                        Err(e) => error_page(e, lang),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn status_label(s: RegistrationStatus, lang: Lang) -> &'static str {
    let l = lang.locale();
    match s {
        RegistrationStatus::Confirmed => td_string!(l, registration_has_place),
        RegistrationStatus::Waitlisted => td_string!(l, registration_waitlisted),
        RegistrationStatus::Cancelled => td_string!(l, registration_cancelled),
    }
}

#[component]
fn ManageBody(m: ManageView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let id = m.card.id;
    let action = paths::workshop_manage(lang, id);
    let title = m.card.title.pick(lang).map(|t| t.text).unwrap_or_default();
    let heading = td_string!(l, workshop_manage_title).replace("%title%", &title);
    let rows = m.registrations.clone();
    let invitation_only = m.card.audience == Audience::Invitation;
    let (sent, used) = m.invitations;
    let done = use_query_map()
        .get_untracked()
        .get("done")
        .and_then(|d| d.parse::<OrganiserIntent>().ok())
        .map(|d| match d {
            OrganiserIntent::CheckIn | OrganiserIntent::CheckInCode => {
                td_string!(l, workshop_done_check_in)
            }
            OrganiserIntent::WalkIn => td_string!(l, workshop_done_walk_in),
            OrganiserIntent::Invite => td_string!(l, workshop_done_invite),
            OrganiserIntent::Minutes => td_string!(l, workshop_done_minutes),
            OrganiserIntent::Contribution => td_string!(l, workshop_done_contribution),
            OrganiserIntent::Sheet => td_string!(l, workshop_done_sheet),
        });
    let clauses = m.clauses.clone();
    let sheet_clauses_hint = td_string!(l, workshop_sheet_hint);
    let stored_minutes = m.minutes.clone();
    view! {
        <Title text=page_title(lang, &heading) />
        {done.map(|text| view! { <p class="notice notice--ok" role="status">{text}</p> })}
        <p><a href=paths::workshop(lang, id)><LocalizedSpan text=m.card.title.clone() lang /></a></p>
        <h1>{heading}</h1>
        <dl class="workshop__facts workshop__figures">
            <dt>{td_string!(l, workshop_capacity)}</dt><dd>{digits(m.card.capacity)}</dd>
            <dt>{td_string!(l, registration_confirmed)}</dt><dd data-figure="confirmed">{digits(m.confirmed)}</dd>
            <dt>{td_string!(l, registration_waitlisted)}</dt><dd data-figure="waitlisted">{digits(m.waitlisted)}</dd>
            <dt>{td_string!(l, registration_attended)}</dt><dd data-figure="attended">{digits(m.attended)}</dd>
        </dl>
        <p><a href=paths::workshop_participants_csv(lang, id) download>{td_string!(l, workshop_participants_csv)}</a></p>
        <section class="panel" aria-labelledby="check-in-title">
            <h2 id="check-in-title">{td_string!(l, workshop_check_in)}</h2>
            <PostForm action=action.clone() lang intent=OrganiserIntent::CheckInCode.as_str() fields=move |fb: &FormFeedback| {
                view! {
                    <Field name=field::CODE label=td_string!(l, workshop_check_in_code).to_string() value=fb.value(field::CODE) error=fb.errors.get(field::CODE).copied() lang />
                    <button type="submit" class="button">{td_string!(l, workshop_check_in_button)}</button>
                }.into_any()
            } />
        </section>
        <table class="table table--stack registrations">
                <thead><tr>
                    <th scope="col">{td_string!(l, registration_name)}</th>
                    <th scope="col">{td_string!(l, registration_org)}</th>
                    <th scope="col">{td_string!(l, registration_status)}</th>
                    <th scope="col">{td_string!(l, registration_code)}</th>
                    <th scope="col">{td_string!(l, registration_attended)}</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let rid = r.id.to_string();
                        let action = action.clone();
                        let org = r.org.clone().map(|(name, _)| match &r.org_role {
                            Some(role) => format!("{name} — {role}"),
                            None => name,
                        });
                        view! {
                            <tr id=format!("registration-{}", r.id) data-status=r.status.as_str()>
                                <td data-label=td_string!(l, registration_name)><bdi>{r.name.clone()}</bdi>{r.walk_in.then(|| view! { " "<span class="badge">{td_string!(l, registration_walk_in)}</span> })}</td>
                                <td data-label=td_string!(l, registration_org)><bdi>{org}</bdi></td>
                                <td data-label=td_string!(l, registration_status)>{status_label(r.status, lang)}</td>
                                <td data-label=td_string!(l, registration_code)><code dir="ltr">{r.code.clone()}</code></td>
                                <td data-label=td_string!(l, registration_attended)>{if r.attended {
                                    view! { <span data-attended="yes">"✓ "{td_string!(l, registration_attended)}</span> }.into_any()
                                } else if r.status == RegistrationStatus::Confirmed {
                                    view! {
                                        <PostForm action lang intent=OrganiserIntent::CheckIn.as_str() fields=move |_fb: &FormFeedback| {
                                            view! {
                                                <input type="hidden" name=field::REGISTRATION value=rid.clone() />
                                                <button type="submit" class="link-button">{td_string!(l, workshop_check_in_button)}</button>
                                            }.into_any()
                                        } />
                                    }.into_any()
                                } else {
                                    ().into_any()
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
        </table>
        <section class="panel" aria-labelledby="walk-in-title">
            <h2 id="walk-in-title">{td_string!(l, workshop_walk_in)}</h2>
            <PostForm action=action.clone() lang intent=OrganiserIntent::WalkIn.as_str() fields=move |fb: &FormFeedback| {
                let err = |k: &str| fb.errors.get(k).copied();
                let chosen = fb.value(field::ORG_KIND);
                view! {
                    <Field name=field::WALK_IN_NAME label=td_string!(l, workshop_walk_in_name).to_string() value=fb.value(field::WALK_IN_NAME) error=err(field::WALK_IN_NAME) lang />
                    <Field name=field::ORG_NAME label=td_string!(l, workshop_walk_in_org).to_string() value=fb.value(field::ORG_NAME) error=err(field::ORG_NAME) lang />
                    <div class="field" class:field--invalid=err(field::ORG_KIND).is_some()>
                        <label for="field-org_kind">{td_string!(l, workshop_walk_in_org_kind)}</label>
                        {err(field::ORG_KIND).map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                        <select id="field-org_kind" name=field::ORG_KIND>
                            <option value="">"—"</option>
                            {OrgKind::ALL.into_iter().map(|k| view! {
                                <option value=k.as_str() selected=chosen == k.as_str()>{org_kind_label(k, lang)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button">{td_string!(l, workshop_walk_in_add)}</button>
                }.into_any()
            } />
        </section>
        <section class="panel" aria-labelledby="said-title" id="said">
            <h2 id="said-title">{td_string!(l, workshop_said)}</h2>
            <p data-figure="contributions">{td_string!(l, workshop_said_count).replace("%count%", &digits(m.contributions))}
                {(m.contributions > 0).then(|| view! {
                    " "<a href=paths::search(lang, &[("consultation", m.card.consultation_slug.as_str()), ("channel", "workshop")])>{td_string!(l, workshop_said_search)}</a>
                })}
            </p>
            {if m.begun {
                view! {
                    <h3>{td_string!(l, workshop_said_single)}</h3>
                    <PostForm action=action.clone() lang intent=OrganiserIntent::Contribution.as_str() fields=move |fb: &FormFeedback| {
                        view! {
                            {received_fields(fb, &clauses, true, lang)}
                            <button type="submit" class="button">{td_string!(l, workshop_said_add)}</button>
                        }.into_any()
                    } />
                    <h3>{td_string!(l, workshop_sheet)}</h3>
                    <p class="field__hint">{sheet_clauses_hint}" "<a href=paths::workshop_feedback_sheet(lang, id) download>{td_string!(l, workshop_sheet_template)}</a></p>
                    <PostForm action=action.clone() lang multipart=true intent=OrganiserIntent::Sheet.as_str() fields=move |fb: &FormFeedback| {
                        let error = fb.errors.get(received_field::SHEET).copied();
                        view! {
                            <div class="field" class:field--invalid=error.is_some()>
                                <label for="field-sheet">{td_string!(l, workshop_sheet_file)}</label>
                                {error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                                <input type="file" id="field-sheet" name=received_field::SHEET accept=".csv,text/csv" required />
                            </div>
                            <button type="submit" class="button">{td_string!(l, workshop_sheet_import)}</button>
                        }.into_any()
                    } />
                }.into_any()
            } else {
                view! { <p class="empty">{td_string!(l, workshop_said_not_begun)}</p> }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="minutes-form-title">
            <h2 id="minutes-form-title">{td_string!(l, workshop_minutes)}</h2>
            <p class="field__hint">{td_string!(l, workshop_minutes_hint)}</p>
            <PostForm action=action.clone() lang intent=OrganiserIntent::Minutes.as_str() fields=move |fb: &FormFeedback| {
                let value = |k: &str, stored: &Option<String>| if fb.values.is_empty() { stored.clone().unwrap_or_default() } else { fb.value(k) };
                view! {
                    <TextArea name=field::MINUTES_AR label=td_string!(l, workshop_minutes_ar).to_string() value=value(field::MINUTES_AR, &stored_minutes.ar) error=fb.errors.get(field::MINUTES_AR).copied() rows=8 lang />
                    <TextArea name=field::MINUTES_EN label=td_string!(l, workshop_minutes_en).to_string() value=value(field::MINUTES_EN, &stored_minutes.en) error=fb.errors.get(field::MINUTES_EN).copied() rows=8 lang />
                    <button type="submit" class="button">{td_string!(l, workshop_minutes_publish)}</button>
                }.into_any()
            } />
        </section>
        {invitation_only.then(|| view! {
            <section class="panel" aria-labelledby="invite-title">
                <h2 id="invite-title">{td_string!(l, workshop_invite)}</h2>
                <p>{td_string!(l, workshop_invitations_sent).replace("%sent%", &digits(sent)).replace("%used%", &digits(used))}</p>
                <PostForm action=action.clone() lang intent=OrganiserIntent::Invite.as_str() fields=move |fb: &FormFeedback| {
                    view! {
                        <TextArea name=field::EMAILS label=td_string!(l, workshop_invite_emails).to_string() value=fb.value(field::EMAILS) error=fb.errors.get(field::EMAILS).copied() rows=5 lang />
                        <button type="submit" class="button">{td_string!(l, workshop_invite_send)}</button>
                    }.into_any()
                } />
            </section>
        })}
    }
}

/// `/{lang}/consultations/{slug}/workshops/new`.
#[component]
pub fn NewWorkshopPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("slug").unwrap_or_default(),
        move |slug| workshop_editor(EditorTarget::New(slug), lang),
    );
    view! { <Editor data lang /> }
}

/// `/{lang}/workshops/{id}/edit`.
#[component]
pub fn EditWorkshopPage() -> impl IntoView {
    let lang = use_lang();
    let data = Resource::new(id_param, move |id| async move {
        match id {
            Some(id) => workshop_editor(EditorTarget::Existing(id), lang).await,
            None => Err(AppError::NotFound),
        }
    });
    view! { <Editor data lang /> }
}

#[component]
fn Editor(data: Resource<Result<WorkshopEditorData, AppError>>, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    view! {
        <section class="page editor workshop-editor">
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(d) => view! { <EditorBody d lang /> }.into_any(),
                        Err(e) => error_page(e, lang),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn EditorBody(d: WorkshopEditorData, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let heading = match d.id {
        None => td_string!(l, workshop_new_title).to_string(),
        Some(_) => td_string!(l, workshop_edit_title).to_string(),
    };
    let action = match d.id {
        None => paths::new_workshop(lang, &d.slug),
        Some(id) => paths::workshop_edit(lang, id),
    };
    let stored = d.values.clone();
    let organisers = d.organisers.clone();
    let zone_hint = td_string!(l, workshop_times_hint).replace("%zone%", &d.zone);
    let fields = move |fb: &FormFeedback| {
        let value = |k: &str| {
            if fb.values.is_empty() {
                stored.get(k).cloned().unwrap_or_default()
            } else {
                fb.value(k)
            }
        };
        let err = |k: &str| fb.errors.get(k).copied();
        let chosen_audience = value(field::AUDIENCE);
        let ticked: Vec<String> = if fb.values.is_empty() {
            organisers
                .iter()
                .filter(|o| o.2)
                .map(|o| o.0.to_string())
                .collect()
        } else {
            fb.value(field::ORGANISER)
                .split(',')
                .map(str::to_owned)
                .collect()
        };
        let audience_error = err(field::AUDIENCE);
        let organiser_error = err(field::ORGANISER);
        view! {
            <fieldset>
                <legend>{td_string!(l, workshop_about)}</legend>
                <Field name=field::TITLE_AR label=td_string!(l, workshop_title_ar).to_string() value=value(field::TITLE_AR) error=err(field::TITLE_AR) lang />
                <Field name=field::TITLE_EN label=td_string!(l, workshop_title_en).to_string() value=value(field::TITLE_EN) error=err(field::TITLE_EN) lang />
                <TextArea name=field::DESCRIPTION_AR label=td_string!(l, workshop_description_ar).to_string() value=value(field::DESCRIPTION_AR) error=err(field::DESCRIPTION_AR) rows=4 lang />
                <TextArea name=field::DESCRIPTION_EN label=td_string!(l, workshop_description_en).to_string() value=value(field::DESCRIPTION_EN) error=err(field::DESCRIPTION_EN) rows=4 lang />
                <TextArea name=field::AGENDA_AR label=td_string!(l, workshop_agenda_ar).to_string() value=value(field::AGENDA_AR) error=err(field::AGENDA_AR) rows=5 lang />
                <TextArea name=field::AGENDA_EN label=td_string!(l, workshop_agenda_en).to_string() value=value(field::AGENDA_EN) error=err(field::AGENDA_EN) rows=5 lang />
            </fieldset>
            <fieldset>
                <legend>{td_string!(l, workshop_when)}</legend>
                <p class="field__hint">{zone_hint.clone()}</p>
                <Field name=field::STARTS_AT kind="datetime-local" label=td_string!(l, workshop_starts).to_string() value=value(field::STARTS_AT) error=err(field::STARTS_AT) lang />
                <Field name=field::ENDS_AT kind="datetime-local" label=td_string!(l, workshop_ends).to_string() value=value(field::ENDS_AT) error=err(field::ENDS_AT) lang />
                <Field name=field::REGISTRATION_CLOSES_AT kind="datetime-local" label=td_string!(l, workshop_registration_closes).to_string() value=value(field::REGISTRATION_CLOSES_AT) error=err(field::REGISTRATION_CLOSES_AT) lang />
            </fieldset>
            <fieldset>
                <legend>{td_string!(l, workshop_where)}</legend>
                <Field name=field::VENUE_AR label=td_string!(l, workshop_venue_ar).to_string() value=value(field::VENUE_AR) error=err(field::VENUE_AR) lang />
                <Field name=field::VENUE_EN label=td_string!(l, workshop_venue_en).to_string() value=value(field::VENUE_EN) error=err(field::VENUE_EN) lang />
                <Field name=field::MAP_URL kind="url" label=td_string!(l, workshop_map_url).to_string() value=value(field::MAP_URL) error=err(field::MAP_URL) lang />
                <Field name=field::ONLINE_URL kind="url" label=td_string!(l, workshop_online_url).to_string() value=value(field::ONLINE_URL) error=err(field::ONLINE_URL) lang />
            </fieldset>
            <fieldset>
                <legend>{td_string!(l, workshop_who)}</legend>
                <Field name=field::CAPACITY kind="number" label=td_string!(l, workshop_capacity).to_string() value=value(field::CAPACITY) error=err(field::CAPACITY) lang />
                <fieldset class="field" class:field--invalid=audience_error.is_some()>
                    <legend>{td_string!(l, workshop_audience)}</legend>
                    {audience_error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                    {Audience::ALL.into_iter().map(|a| {
                        let id = format!("audience-{}", a.as_str());
                        view! {
                            <label class="choice" for=id.clone()>
                                <input type="radio" id=id.clone() name=field::AUDIENCE value=a.as_str() checked=chosen_audience == a.as_str() />
                                " "{audience_label(a, lang)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                {(!organisers.is_empty()).then(|| view! {
                    <fieldset class="field" class:field--invalid=organiser_error.is_some()>
                        <legend>{td_string!(l, workshop_other_organisers)}</legend>
                        {organiser_error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                        {organisers.iter().map(|(id, name, _)| {
                            let value = id.to_string();
                            let input_id = format!("organiser-{id}");
                            view! {
                                <label class="choice" for=input_id.clone()>
                                    <input type="checkbox" id=input_id.clone() name=field::ORGANISER value=value.clone() checked=ticked.contains(&value) />
                                    " "<bdi>{name.clone()}</bdi>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                })}
            </fieldset>
            <button type="submit" class="button">{td_string!(l, workshop_save)}</button>
        }
        .into_any()
    };
    view! {
        <Title text=page_title(lang, &heading) />
        <p><a href=paths::consultation_workshops(lang, &d.slug)><LocalizedSpan text=d.consultation_title.clone() lang /></a></p>
        <h1>{heading}</h1>
        <PostForm action lang intent=WorkshopIntent::Save.as_str() fields />
    }
}
