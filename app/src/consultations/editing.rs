//! Staff pages: create a consultation for an agency, edit its details and draft, move it
//! through its life. The forms post to the same pages (see `server/src/http`), so they
//! work without JavaScript.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::api::{AttachmentView, Named};
use super::pages::status_label;
use super::reading::AttachmentLink;
use crate::consultations::form::EditorIntent;
use crate::domain::{ConsultationStatus, Lang, LocalizedText, Transition};
use crate::error::AppError;
use crate::forms::{FormFeedback, FormMessage};
use crate::paths;
use crate::responses::api::CitingView;
use crate::responses::pages::VersionCitations;
use crate::ui::denied::error_page;
use crate::ui::form::{Field, PostForm, TextArea};
use crate::ui::layout::{digits, page_title, use_lang};
use crate::ui::text::LocalizedSpan;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorData {
    pub slug: String,
    pub agency_slug: String,
    pub agency_name: LocalizedText,
    pub title: LocalizedText,
    /// `None` when creating.
    pub status: Option<ConsultationStatus>,
    pub transitions: Vec<Transition>,
    /// Whether a version is published, so that a changed draft becomes a new version.
    pub published: bool,
    pub latest_version: u32,
    pub fields: BTreeMap<String, String>,
    /// Topics to choose from.
    pub topics: Vec<Named>,
    pub attachments: Vec<AttachmentView>,
    /// Once a version 2 or later is published: the responses its changes can cite.
    pub citing: Option<CitingView>,
}

/// The editor for a new consultation of an agency (staff of that agency only).
#[server(prefix = "/api/fn", endpoint = "new_consultation_editor")]
pub async fn new_consultation_editor(agency: String) -> Result<EditorData, AppError> {
    use crate::domain::authz::Action;
    use crate::ssr::agencies::store as agencies;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    let state = context::app_state()?;
    let Some(a) = agencies::by_slug(&state.db, &agency).await? else {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        return Err(AppError::NotFound);
    };
    context::require(Action::ActForAgency(a.id)).await?;
    Ok(EditorData {
        slug: String::new(),
        agency_slug: a.slug,
        agency_name: a.name,
        title: LocalizedText::default(),
        status: None,
        transitions: Vec::new(),
        published: false,
        latest_version: 1,
        fields: BTreeMap::new(),
        attachments: Vec::new(),
        citing: None,
        topics: consultations::topics(&state.db)
            .await?
            .into_iter()
            .map(Named::from)
            .collect(),
    })
}

/// The editor of an existing consultation (staff of its agency only).
#[server(prefix = "/api/fn", endpoint = "consultation_editor")]
pub async fn consultation_editor(slug: String, lang: Lang) -> Result<EditorData, AppError> {
    use crate::domain::authz::Action;
    use crate::ssr::attachments::store as attachments;
    use crate::ssr::consultations::publishing::current_input;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    let state = context::app_state()?;
    let Some(c) = consultations::by_slug(&state.db, &slug).await? else {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        return Err(AppError::NotFound);
    };
    context::require(Action::ActForAgency(c.agency_id)).await?;
    let status = c.status_at(state.clock.now());
    let versions = consultations::versions(&state.db, c.id).await?;
    let citing = citing_view(&state.db, &c, lang).await?;
    Ok(EditorData {
        fields: current_input(&state.db, &c).await?.fields(),
        slug: c.slug,
        agency_slug: c.agency_slug,
        agency_name: c.agency_name,
        title: c.title,
        status: Some(status),
        transitions: Transition::ALL
            .into_iter()
            .filter(|t| t.applies_to(status))
            .collect(),
        published: versions.iter().any(|v| v.published_at.is_some()),
        attachments: attachments::of_consultation(&state.db, c.id)
            .await?
            .into_iter()
            .map(AttachmentView::from)
            .collect(),
        latest_version: versions.last().map_or(1, |v| v.number),
        citing,
        topics: consultations::topics(&state.db)
            .await?
            .into_iter()
            .map(Named::from)
            .collect(),
    })
}

/// What the latest version's changed clauses can cite, in `lang`.
#[cfg(feature = "ssr")]
async fn citing_view(
    db: &crate::ssr::db::Db,
    c: &crate::ssr::consultations::store::Consultation,
    lang: Lang,
) -> Result<Option<CitingView>, AppError> {
    use crate::responses::api::{AdoptableView, CitableClause};
    use crate::ssr::consultations::markdown::plain_title;
    use crate::ssr::responses::service::latest_citations;
    let Some(v) = latest_citations(db, c).await? else {
        return Ok(None);
    };
    let words = |text: &LocalizedText, max| {
        text.pick(lang)
            .map(|t| plain_title(&t.text, max))
            .unwrap_or_default()
    };
    Ok(Some(CitingView {
        slug: c.slug.clone(),
        version: v.version.number,
        clauses: v
            .changed
            .iter()
            .map(|(how, cl)| CitableClause {
                key: cl.key.clone(),
                number: cl.number,
                title: words(&cl.text, 60),
                how: *how,
            })
            .collect(),
        responses: v
            .adoptable
            .into_iter()
            .map(|a| AdoptableView {
                id: a.id,
                outcome: a.outcome,
                first: a.members.first().map_or(a.root, |(id, _)| *id),
                root: a.root,
                answers: a.members.len(),
                excerpt: crate::responses::api::ssr::excerpt(&a.body, 90),
                on: a.members.into_iter().map(|(_, key)| key).collect(),
            })
            .collect(),
        cited: v.cited,
    }))
}

/// `/{lang}/agencies/{slug}/consultations/new`.
#[component]
pub fn NewConsultationPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("slug").unwrap_or_default(),
        new_consultation_editor,
    );
    view! { <Editor data lang /> }
}

/// `/{lang}/consultations/{slug}/edit`.
#[component]
pub fn EditConsultationPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("slug").unwrap_or_default(),
        move |slug| consultation_editor(slug, lang),
    );
    view! { <Editor data lang /> }
}

#[component]
fn Editor(data: Resource<Result<EditorData, AppError>>, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    view! {
        <section class="page editor">
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
fn EditorBody(d: EditorData, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let creating = d.status.is_none();
    let heading = if creating {
        td_string!(l, editor_new_title).to_string()
    } else {
        td_string!(l, editor_edit_title).to_string()
    };
    let action = if creating {
        paths::new_consultation(lang, &d.agency_slug)
    } else {
        paths::consultation_edit(lang, &d.slug)
    };
    let public = paths::consultation(lang, &d.slug);
    let period_locked = matches!(
        d.status,
        Some(ConsultationStatus::Open | ConsultationStatus::Closed | ConsultationStatus::Concluded)
    );
    let stored = d.fields.clone();
    let published = d.published;
    let topics = d.topics.clone();
    let fields = move |fb: &FormFeedback| {
        let value = |k: &str| {
            if fb.values.is_empty() {
                stored.get(k).cloned().unwrap_or_default()
            } else {
                fb.value(k)
            }
        };
        let err = |k: &str| fb.errors.get(k).copied();
        let text = |name: &'static str, label: String| {
            view! { <Field name label value=value(name) error=err(name) lang /> }
        };
        view! {
            {creating.then(|| view! {
                <Field name="slug" label=td_string!(l, editor_slug).to_string() hint=td_string!(l, editor_slug_hint).to_string() value=value("slug") error=err("slug") lang />
            })}
            <fieldset>
                <legend>{td_string!(l, editor_details)}</legend>
                {text("title_ar", td_string!(l, editor_title_ar).to_string())}
                {text("title_en", td_string!(l, editor_title_en).to_string())}
                <TextArea name="summary_ar" label=td_string!(l, editor_summary_ar).to_string() value=value("summary_ar") error=err("summary_ar") rows=3 lang />
                <TextArea name="summary_en" label=td_string!(l, editor_summary_en).to_string() value=value("summary_en") error=err("summary_en") rows=3 lang />
                {text("audience_ar", td_string!(l, editor_audience_ar).to_string())}
                {text("audience_en", td_string!(l, editor_audience_en).to_string())}
                <Field name="contact_email" kind="email" label=td_string!(l, editor_contact).to_string() value=value("contact_email") error=err("contact_email") lang />
            </fieldset>
            <TopicChoice topics=topics.clone() chosen=value("topics") error=err("topics") lang />
            <fieldset disabled=period_locked>
                <legend>{td_string!(l, editor_period)}</legend>
                <p class="field__hint">{td_string!(l, editor_period_hint)}</p>
                <Field name="opens_at" kind="datetime-local" label=td_string!(l, period_opens).to_string() value=value("opens_at") error=err("opens_at") lang />
                <Field name="closes_at" kind="datetime-local" label=td_string!(l, period_closes).to_string() value=value("closes_at") error=err("closes_at") lang />
            </fieldset>
            <fieldset>
                <legend>{td_string!(l, editor_draft)}</legend>
                <p class="field__hint">{td_string!(l, editor_draft_hint)}</p>
                <TextArea name="draft_ar" label=td_string!(l, editor_draft_ar).to_string() value=value("draft_ar") error=err("draft_ar") rows=18 lang />
                <MarkdownFile name="draft_ar_file" label=td_string!(l, editor_draft_file_ar).to_string() lang />
                <TextArea name="draft_en" label=td_string!(l, editor_draft_en).to_string() value=value("draft_en") error=err("draft_en") rows=18 lang />
                <MarkdownFile name="draft_en_file" label=td_string!(l, editor_draft_file_en).to_string() lang />
                {published.then(|| view! {
                    <p class="field__hint">{td_string!(l, editor_new_version_hint)}</p>
                    <TextArea name="change_note_ar" label=td_string!(l, editor_change_note_ar).to_string() value=value("change_note_ar") error=err("change_note_ar") rows=2 lang />
                    <TextArea name="change_note_en" label=td_string!(l, editor_change_note_en).to_string() value=value("change_note_en") error=err("change_note_en") rows=2 lang />
                })}
            </fieldset>
            <button type="submit" class="button">{td_string!(l, editor_save)}</button>
        }
        .into_any()
    };
    let transitions = d.transitions.clone();
    view! {
        <Title text=page_title(lang, &heading) />
        <p>
            <a href=paths::agency(lang, &d.agency_slug)><LocalizedSpan text=d.agency_name.clone() lang /></a>
            {(!creating).then(|| view! { " · " <a href=public.clone()><LocalizedSpan text=d.title.clone() lang /></a> })}
        </p>
        <h1>{heading}</h1>
        {d.status.map(|s| view! {
            <p class="card__meta">
                <span class="badge" data-status=s.as_str()>{status_label(s, lang)}</span>
                " · "{td_string!(l, version_label)}" "{digits(d.latest_version)}
            </p>
        })}
        {(!transitions.is_empty()).then(|| {
            let action = action.clone();
            view! {
                <section class="panel" aria-labelledby="lifecycle-title">
                    <h2 id="lifecycle-title">{td_string!(l, editor_lifecycle)}</h2>
                    <PostForm action lang intent=EditorIntent::Transition.as_str() fields=move |_fb: &FormFeedback| {
                        transitions.iter().map(|t| view! {
                            <button type="submit" name="transition" value=t.as_str() class="button button--secondary">
                                {transition_label(*t, lang)}
                            </button>
                            " "
                        }).collect_view().into_any()
                    } />
                </section>
            }
        })}
        {d.citing.clone().map(|v| view! {
            <VersionCitations action=action.clone() intent=EditorIntent::Cite.as_str() v lang />
        })}
        <PostForm action=action.clone() lang intent=EditorIntent::Save.as_str() fields multipart=true />
        {(!creating).then(|| view! { <Documents action attachments=d.attachments.clone() lang /> })}
    }
}

fn transition_label(t: Transition, lang: Lang) -> String {
    let l = lang.locale();
    match t {
        Transition::Schedule => td_string!(l, transition_schedule),
        Transition::OpenNow => td_string!(l, transition_open_now),
        Transition::CloseNow => td_string!(l, transition_close_now),
        Transition::Conclude => td_string!(l, transition_conclude),
    }
    .to_string()
}

/// The consultation's documents: each with a button to remove it, and a form to add a PDF.
#[component]
fn Documents(action: String, attachments: Vec<AttachmentView>, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let listed = (!attachments.is_empty()).then(|| {
        let attachments = attachments.clone();
        view! {
            <PostForm action=action.clone() lang intent=EditorIntent::Detach.as_str() fields=move |_fb: &FormFeedback| {
                view! {
                    <ul class="documents__list">
                        {attachments.iter().cloned().map(|a| {
                            let id = a.id.to_string();
                            view! {
                                <li>
                                    <AttachmentLink a lang />
                                    " "
                                    <button type="submit" name="attachment" value=id class="link-button">
                                        {td_string!(l, documents_remove)}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            } />
        }
    });
    let upload = move |fb: &FormFeedback| {
        let error = fb.errors.get("file").copied();
        let err = |k: &str| fb.errors.get(k).copied();
        view! {
            <Field name="doc_title_ar" label=td_string!(l, documents_title_ar).to_string() value=fb.value("doc_title_ar") error=err("doc_title_ar") lang />
            <Field name="doc_title_en" label=td_string!(l, documents_title_en).to_string() value=fb.value("doc_title_en") error=err("doc_title_en") lang />
            <div class="field field--file" class:field--invalid=error.is_some()>
                <label for="field-file">{td_string!(l, documents_file)}</label>
                <p class="field__hint" id="field-file-hint">{digits(td_string!(l, documents_file_hint))}</p>
                {error.map(|e| view! { <p class="field__error" id="field-file-error">{digits(e.text(lang))}</p> })}
                <input id="field-file" name="file" type="file" accept="application/pdf,.pdf"
                    aria-invalid=error.is_some().then_some("true")
                    aria-describedby=if error.is_some() { "field-file-hint field-file-error" } else { "field-file-hint" } />
            </div>
            <button type="submit" class="button button--secondary">{td_string!(l, documents_add)}</button>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="documents-title">
            <h2 id="documents-title">{td_string!(l, documents_title)}</h2>
            {listed}
            <PostForm action lang intent=EditorIntent::Attach.as_str() fields=upload multipart=true />
        </section>
    }
}

/// The topics as checkboxes; `chosen` is the stored or typed comma-separated list.
#[component]
fn TopicChoice(
    topics: Vec<Named>,
    chosen: String,
    error: Option<FormMessage>,
    lang: Lang,
) -> impl IntoView {
    let l = lang.locale();
    let chosen: Vec<&str> = chosen
        .split([',', '،', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    let boxes = topics
        .into_iter()
        .map(|t| {
            let checked = chosen.contains(&t.slug.as_str());
            view! {
                <label class="choice">
                    <input type="checkbox" name="topics" value=t.slug.clone() checked=checked />
                    " "<LocalizedSpan text=t.name.clone() lang />
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="choices" class:field--invalid=error.is_some()>
            <legend>{td_string!(l, editor_topics)}</legend>
            {error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
            {boxes}
        </fieldset>
    }
}

/// A `.md` file that replaces the draft typed above it when the form is saved.
#[component]
fn MarkdownFile(name: &'static str, label: String, lang: Lang) -> impl IntoView {
    let id = format!("field-{name}");
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field field--file">
            <label for=id.clone()>{label}</label>
            <p class="field__hint" id=hint_id.clone()>{digits(td_string!(lang.locale(), editor_draft_file_hint))}</p>
            <input id=id name=name type="file" accept=".md,.markdown,text/markdown,text/plain" aria-describedby=hint_id />
        </div>
    }
}
