//! Contributions that reached the agency off the portal, as the people who enter them
//! see them: the fields shared by the organisers' workshop form and the staff's form,
//! and that staff form itself (`/{lang}/consultations/{slug}/record`: social media,
//! email, letter). Plain forms: all of it works without JavaScript.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

use super::api::ClauseOption;
use super::form::{received as field, RecordIntent};
use super::pages::org_kind_label;
use crate::domain::contribution::{Channel, OrgKind, Voice};
use crate::domain::{Lang, LocalizedText};
use crate::error::AppError;
use crate::forms::{FormFeedback, FormMessage};
use crate::paths;
use crate::ui::denied::error_page;
use crate::ui::form::{Field, PostForm, TextArea};
use crate::ui::layout::{digits, page_title, use_lang};
use crate::ui::text::LocalizedSpan;

/// The staff's form: the consultation and the clauses to anchor to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordFormData {
    pub slug: String,
    pub title: LocalizedText,
    pub clauses: Vec<ClauseOption>,
    /// The agency's zone, in which the day received is typed.
    pub zone: String,
    /// Whether the reader has a recorded mandate to speak for the agency (without one
    /// the page says so, and offers no form).
    pub mandated: bool,
}

/// Consultation `slug`'s form for contributions received by social media, email or
/// letter, for its agency's mandated staff.
#[server(prefix = "/api/fn", endpoint = "record_form")]
pub async fn record_form(slug: String, lang: Lang) -> Result<RecordFormData, AppError> {
    use crate::domain::authz::Action;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    use crate::ssr::contributions::received;
    use crate::ssr::contributions::threads::clause_options;
    let state = context::app_state()?;
    let Some(c) = consultations::public_by_slug(&state.db, &slug).await? else {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        return Err(AppError::NotFound);
    };
    let signed = context::require(Action::ActForAgency(c.agency_id)).await?;
    // Only staff with a recorded mandate speak for the agency: others are told so.
    let mandated = received::has_mandate(&state, &signed, c.agency_id).await?;
    if !mandated {
        context::set_status(axum::http::StatusCode::FORBIDDEN);
    }
    let clauses = match received::current_clauses(&state, &c).await? {
        Some((_, clauses)) => clause_options(clauses, lang),
        None => Vec::new(),
    };
    Ok(RecordFormData {
        slug: c.slug,
        title: c.title,
        clauses,
        zone: c.agency_time_zone,
        mandated,
    })
}

/// The name of a kind of speaker on the forms.
fn voice_label(v: Voice, lang: Lang) -> &'static str {
    let l = lang.locale();
    match v {
        Voice::Person => td_string!(l, received_voice_person),
        Voice::Organisation => td_string!(l, received_voice_organisation),
        Voice::Group => td_string!(l, received_voice_group),
    }
}

/// The fields of one received contribution: the clause, who made it (and whether they
/// agreed to be named), and what they said. `group`: a workshop's group may speak.
pub fn received_fields(
    fb: &FormFeedback,
    clauses: &[ClauseOption],
    group: bool,
    lang: Lang,
) -> impl IntoView {
    let l = lang.locale();
    let err = |k: &str| fb.errors.get(k).copied();
    let chosen_clause = fb.value(field::CLAUSE);
    let chosen_voice = Some(fb.value(field::SPEAKER))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| Voice::Person.as_str().to_owned());
    let chosen_kind = fb.value(field::ORGANISATION_KIND);
    let consent = fb.value(field::CONSENT) == "yes";
    let voices: Vec<Voice> = Voice::ALL
        .into_iter()
        .filter(|v| group || *v != Voice::Group)
        .collect();
    let error_text = move |e: Option<FormMessage>| {
        e.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })
    };
    view! {
        <div class="field" class:field--invalid=err(field::CLAUSE).is_some()>
            <label for="field-clause">{td_string!(l, received_clause)}</label>
            {error_text(err(field::CLAUSE))}
            <select id="field-clause" name=field::CLAUSE>
                <option value="">{td_string!(l, received_whole_draft)}</option>
                {clauses.iter().map(|c| {
                    let label = match c.number {
                        Some(n) => format!("{} — {}", digits(n), c.title),
                        None => c.title.clone(),
                    };
                    view! { <option value=c.key.to_string() selected=chosen_clause == c.key.as_str()>{label}</option> }
                }).collect_view()}
            </select>
        </div>
        <fieldset class="field" class:field--invalid=err(field::SPEAKER).is_some()>
            <legend>{td_string!(l, received_voice)}</legend>
            {error_text(err(field::SPEAKER))}
            {voices.into_iter().map(|v| view! {
                <label class="choice">
                    <input type="radio" name=field::SPEAKER value=v.as_str() checked=chosen_voice == v.as_str() />
                    " "{voice_label(v, lang)}
                </label>
            }).collect_view()}
        </fieldset>
        <Field name=field::NAME label=td_string!(l, received_name).to_string() hint=td_string!(l, received_name_hint).to_string() value=fb.value(field::NAME) error=err(field::NAME) lang />
        <div class="field" class:field--invalid=err(field::CONSENT).is_some()>
            {error_text(err(field::CONSENT))}
            <label class="choice">
                <input type="checkbox" name=field::CONSENT value="yes" checked=consent />
                " "{td_string!(l, received_consent)}
            </label>
        </div>
        <Field name=field::ORGANISATION label=td_string!(l, received_organisation).to_string() value=fb.value(field::ORGANISATION) error=err(field::ORGANISATION) lang />
        <div class="field" class:field--invalid=err(field::ORGANISATION_KIND).is_some()>
            <label for="field-organisation_kind">{td_string!(l, received_organisation_kind)}</label>
            {error_text(err(field::ORGANISATION_KIND))}
            <select id="field-organisation_kind" name=field::ORGANISATION_KIND>
                <option value="">"—"</option>
                {OrgKind::ALL.into_iter().map(|k| view! {
                    <option value=k.as_str() selected=chosen_kind == k.as_str()>{org_kind_label(k, lang)}</option>
                }).collect_view()}
            </select>
        </div>
        <TextArea name=field::TEXT label=td_string!(l, received_text).to_string() value=fb.value(field::TEXT) error=err(field::TEXT) rows=6 lang />
    }
}

/// The name of an off-portal channel on the staff's form.
fn channel_choice(c: Channel, lang: Lang) -> &'static str {
    let l = lang.locale();
    match c {
        Channel::SocialMedia => td_string!(l, channel_social_media),
        Channel::Email => td_string!(l, channel_email),
        Channel::Letter => td_string!(l, channel_letter),
        Channel::Workshop => td_string!(l, channel_workshop),
        Channel::Online => td_string!(l, channel_online),
    }
}

/// `/{lang}/consultations/{slug}/record`.
#[component]
pub fn RecordReceivedPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("slug").unwrap_or_default(),
        move |slug| record_form(slug, lang),
    );
    let done = use_query_map()
        .get_untracked()
        .get("done")
        .and_then(|d| d.parse::<i64>().ok());
    view! {
        <Title text=page_title(lang, td_string!(l, received_title)) />
        <section class="page received">
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    let d = match data.await {
                        Ok(d) => d,
                        Err(e) => return error_page(e, lang),
                    };
                    let clauses = d.clauses.clone();
                    let zone_hint = td_string!(l, received_on_hint).replace("%zone%", &d.zone);
                    let slug = d.slug.clone();
                    let slug_form = d.slug.clone();
                    view! {
                        {done.map(|id| view! {
                            <p class="notice notice--ok" role="status">
                                {td_string!(l, received_done)}" "
                                <a href=paths::contribution(lang, &slug, crate::domain::ContributionId(id))>{digits(format!("#{id}"))}</a>
                            </p>
                        })}
                        <p><a href=paths::consultation(lang, &d.slug)><LocalizedSpan text=d.title.clone() lang /></a></p>
                        <h1>{td_string!(l, received_title)}</h1>
                        <p class="lead">{td_string!(l, received_intro)}</p>
                        {if !d.mandated {
                            view! { <p class="notice" role="alert">{FormMessage::MandateRequired.text(lang)}</p> }.into_any()
                        } else { view! {
                        <PostForm action=paths::record_received(lang, &slug_form) lang intent=RecordIntent::Record.as_str() fields=move |fb: &FormFeedback| {
                            let err = |k: &str| fb.errors.get(k).copied();
                            let chosen = fb.value(field::CHANNEL);
                            view! {
                                <fieldset class="field" class:field--invalid=err(field::CHANNEL).is_some()>
                                    <legend>{td_string!(l, received_channel)}</legend>
                                    {err(field::CHANNEL).map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                                    {[Channel::SocialMedia, Channel::Email, Channel::Letter].into_iter().map(|c| view! {
                                        <label class="choice">
                                            <input type="radio" name=field::CHANNEL value=c.as_str() checked=chosen == c.as_str() />
                                            " "{channel_choice(c, lang)}
                                        </label>
                                    }).collect_view()}
                                </fieldset>
                                <Field name=field::RECEIVED_ON kind="date" label=td_string!(l, received_on).to_string() hint=zone_hint.clone() value=fb.value(field::RECEIVED_ON) error=err(field::RECEIVED_ON) lang />
                                <Field name=field::SOURCE_URL kind="url" label=td_string!(l, received_source).to_string() hint=td_string!(l, received_source_hint).to_string() value=fb.value(field::SOURCE_URL) error=err(field::SOURCE_URL) lang />
                                {received_fields(fb, &clauses, false, lang)}
                                <button type="submit" class="button">{td_string!(l, received_submit)}</button>
                            }.into_any()
                        } />
                        }.into_any() }}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
