//! The agency's responses as the public reads them under each contribution, and the
//! staff's pages: `/{lang}/consultations/{slug}/responses` (the queue: tick the
//! contributions making the same point, answer them once) and
//! `/{lang}/consultations/{slug}/responses/{id}` (revise a response, say which clauses
//! changed because of it). Plain forms: all of it works without JavaScript.

use leptos::prelude::*;
use leptos_i18n::{td, td_string};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    impact_page, response_detail, response_queue, AdoptableView, CitableClause, CitingView,
    CountsView, ImpactItem, ImpactView, QueueItem, TimingView,
};
use super::form::{citation, field, QueueQuery, ResponseIntent};
use super::report::ChannelShares;
use crate::consultations::pages::DateText;
use crate::contributions::api::{ClauseOption, ResponderView, ResponseView};
use crate::contributions::pages::{channel_label, org_kind_label, version_and_clause};
use crate::domain::contribution::Channel;
use crate::domain::draft::ClauseChange;
use crate::domain::response::Outcome;
use crate::domain::search::SpeakerKind;
use crate::domain::text::detect_lang;
use crate::domain::{Lang, LocalizedText, ResponseId};
use crate::forms::FormFeedback;
use crate::paths;
use crate::ui::denied::error_page;
use crate::ui::form::{use_form_feedback, FormSummary, PostForm};
use crate::ui::layout::{digits, page_title, shown, use_lang};
use crate::ui::text::{plain_paragraphs, LocalizedSpan};

/// The name of an outcome.
pub fn outcome_label(o: Outcome, lang: Lang) -> &'static str {
    let l = lang.locale();
    match o {
        Outcome::Accepted => td_string!(l, outcome_accepted),
        Outcome::PartlyAccepted => td_string!(l, outcome_partly_accepted),
        Outcome::NotAdopted => td_string!(l, outcome_not_adopted),
        Outcome::Noted => td_string!(l, outcome_noted),
        Outcome::OutOfScope => td_string!(l, outcome_out_of_scope),
    }
}

fn role_line(r: &ResponderView, lang: Lang) -> String {
    let mut line = r.name.clone();
    if let Some(role) = r.role {
        line.push_str(" · ");
        line.push_str(crate::accounts::pages::role_name(role, lang));
    }
    line
}

/// Who wrote a response: their name, role and mandate, or the agency's records.
fn responder_line(r: Option<ResponderView>, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    match r {
        Some(r) => view! {
            <p class="response__by">
                {td_string!(l, response_by)}" "<bdi>{role_line(&r, lang)}</bdi>
                {r.mandate.clone().map(|m| view! {
                    " · "{td_string!(l, response_mandate)}" "<bdi dir="auto">{m}</bdi>
                })}
            </p>
        }
        .into_any(),
        None => {
            view! { <p class="response__by">{td_string!(l, response_from_records)}</p> }.into_any()
        }
    }
}

/// The agency's documented response under a contribution: its decision, its reasons,
/// who wrote it under which mandate, the clauses that changed because of it, and its
/// earlier texts when it was revised. `slug` is the consultation's.
#[component]
pub fn ResponseNote(r: ResponseView, slug: String, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let changes = (!r.changes.is_empty()).then(|| {
        view! {
            <p class="response__change">
                {td_string!(l, response_changed)}" "
                {r.changes.iter().enumerate().map(|(i, ch)| {
                    let text = version_and_clause(ch.version, ch.number, lang);
                    let href = paths::diff_clause(lang, &slug, ch.version, ch.key.as_ref());
                    view! { {(i > 0).then_some("، ")}<a href=href>{text}</a> }
                }).collect_view()}
            </p>
        }
    });
    let group = (r.answers > 1).then(|| {
        let n = r.answers;
        view! { <span class="response__group">{td!(l, response_group, count = move || n, num = shown(n))}</span> }
    });
    let earlier = (!r.earlier.is_empty()).then(|| {
        view! {
            <details class="response__earlier">
                <summary>{td_string!(l, response_earlier)}</summary>
                <ol>
                    {r.earlier.iter().cloned().map(|e| view! {
                        <li>
                            <p><span class="badge">{outcome_label(e.outcome, lang)}</span>" · "<DateText date=e.written /></p>
                            <p><LocalizedSpan text=e.reasons lang /></p>
                            {responder_line(e.responder, lang)}
                        </li>
                    }).collect_view()}
                </ol>
            </details>
        }
    });
    view! {
        <aside class="response" data-outcome=r.outcome.as_str()
            data-changed=r.outcome.changed_policy().then_some("true")
            data-response=r.id.to_string()>
            <p class="response__head">
                <strong>{td_string!(l, response_title)}</strong>" "
                <span class="badge response__outcome">{outcome_label(r.outcome, lang)}</span>
                " · "<DateText date=r.date />
                {r.revised.map(|d| view! { " · "<span class="response__revised">{td_string!(l, response_revised)}" "<DateText date=d /></span> })}
                {group.map(|g| view! { " · "{g} })}
            </p>
            {(!r.reasons.is_empty()).then(|| view! { <p class="response__reasons"><LocalizedSpan text=r.reasons.clone() lang /></p> })}
            {responder_line(r.responder, lang)}
            {changes}
            {earlier}
        </aside>
    }
}

/// The response figures of a consultation: rate, times, late and overdue.
#[component]
pub fn TimingSummary(t: TimingView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let days = |d: Option<f64>| match d {
        Some(d) => digits(td_string!(l, response_days).replace("%n%", &format!("{d:.1}"))),
        None => "—".to_owned(),
    };
    let rate = if t.contributions > 0 {
        format!("{}%", t.answered * 100 / t.contributions)
    } else {
        "—".to_owned()
    };
    let n = t.target_days;
    view! {
        <dl class="timing" data-overdue=t.overdue.to_string()>
            <div><dt>{td_string!(l, timing_answered)}</dt>
                <dd>{digits(format!("{} / {} ({rate})", t.answered, t.contributions))}</dd></div>
            <div><dt>{td_string!(l, timing_median)}</dt><dd>{days(t.median_days)}</dd></div>
            <div><dt>{td_string!(l, timing_p90)}</dt><dd>{days(t.p90_days)}</dd></div>
            <div><dt>{td_string!(l, timing_late)}</dt><dd>{digits(t.answered_late)}</dd></div>
            <div><dt>{td_string!(l, timing_overdue)}</dt><dd>{digits(t.overdue)}</dd></div>
        </dl>
        <p class="timing__promise">
            <strong>{td_string!(l, timing_target)}": "</strong>
            {td!(l, timing_target_days, count = move || n, num = shown(n))}
            {t.deadline.map(|d| view! { " — "<DateText date=d /> })}
        </p>
    }
}

/// A `<select>` of a query parameter: the options as `(code, label)`.
fn filter_select(
    name: &'static str,
    label: &'static str,
    options: Vec<(String, String)>,
    chosen: String,
) -> impl IntoView {
    let id = format!("filter-{name}");
    view! {
        <div class="field field--inline">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                {options.into_iter().map(|(code, label)| {
                    let selected = code == chosen;
                    view! { <option value=code selected=selected>{label}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

fn filters(slug: &str, q: &QueueQuery, clauses: &[ClauseOption], lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let any = || (String::new(), td_string!(l, filter_any).to_owned());
    let mut show = vec![
        (
            "unanswered".to_owned(),
            td_string!(l, search_unanswered).to_owned(),
        ),
        (
            "answered".to_owned(),
            td_string!(l, responses_answered).to_owned(),
        ),
    ];
    show.extend(
        Outcome::ALL
            .into_iter()
            .map(|o| (o.as_str().to_owned(), outcome_label(o, lang).to_owned())),
    );
    show.push(("all".to_owned(), td_string!(l, responses_all).to_owned()));
    let mut clause = vec![
        any(),
        (
            "whole".to_owned(),
            td_string!(l, responses_whole_draft).to_owned(),
        ),
    ];
    clause.extend(clauses.iter().map(|c| {
        let label = match c.number {
            Some(n) => digits(format!("{n}. {}", c.title)),
            None => c.title.clone(),
        };
        (c.key.as_str().to_owned(), label)
    }));
    let mut channel = vec![any()];
    channel.extend(Channel::ALL.into_iter().map(|c| {
        (
            c.as_str().to_owned(),
            channel_label(c, lang)
                .unwrap_or(td_string!(l, channel_online))
                .to_owned(),
        )
    }));
    let mut speaker = vec![any()];
    speaker.extend(SpeakerKind::ALL.iter().map(|s| {
        let label = match s {
            SpeakerKind::Individual => td_string!(l, search_speaker_individual),
            SpeakerKind::Agency => {
                org_kind_label(crate::domain::contribution::OrgKind::Agency, lang)
            }
            SpeakerKind::Company => {
                org_kind_label(crate::domain::contribution::OrgKind::Company, lang)
            }
            SpeakerKind::Ngo => org_kind_label(crate::domain::contribution::OrgKind::Ngo, lang),
            SpeakerKind::Academic => {
                org_kind_label(crate::domain::contribution::OrgKind::Academic, lang)
            }
        };
        (s.as_str().to_owned(), label.to_owned())
    }));
    let order = vec![
        (
            "oldest".to_owned(),
            td_string!(l, responses_oldest).to_owned(),
        ),
        (
            "newest".to_owned(),
            td_string!(l, responses_newest).to_owned(),
        ),
    ];
    view! {
        <form method="get" action=paths::responses(lang, slug, "") class="responses__filters" role="search">
            {filter_select("show", td_string!(l, responses_show), show, q.show.code().to_owned())}
            {filter_select("clause", td_string!(l, clause_label), clause,
                q.clause.as_ref().map(|c| c.code().to_owned()).unwrap_or_default())}
            {filter_select("channel", td_string!(l, responses_channel), channel,
                q.channel.map(|c| c.as_str().to_owned()).unwrap_or_default())}
            {filter_select("speaker", td_string!(l, responses_speaker), speaker,
                q.speaker.map(|s| s.as_str().to_owned()).unwrap_or_default())}
            {filter_select("order", td_string!(l, responses_order), order, q.order.code().to_owned())}
            <div class="field field--inline">
                <label for="filter-q">{td_string!(l, responses_words)}</label>
                <input id="filter-q" type="search" name="q" value=q.q.clone() dir="auto" />
            </div>
            <button type="submit" class="button button--secondary">{td_string!(l, responses_filter)}</button>
        </form>
    }
}

/// The response fields: outcome and reasons, with their mistakes.
fn answer_fields(
    prefix: &'static str,
    fb: &FormFeedback,
    current: Option<(Outcome, LocalizedText)>,
    lang: Lang,
) -> impl IntoView {
    let l = lang.locale();
    let chosen = if fb.values.is_empty() {
        current
            .as_ref()
            .map(|(o, _)| o.as_str().to_owned())
            .unwrap_or_default()
    } else {
        fb.value(field::OUTCOME)
    };
    let reasons = |name: &str, lang_of: Lang| {
        if fb.values.is_empty() {
            current
                .as_ref()
                .and_then(|(_, r)| r.get(lang_of).map(str::to_owned))
                .unwrap_or_default()
        } else {
            fb.value(name)
        }
    };
    let outcome_error = fb.errors.get(field::OUTCOME).copied();
    let ar_error = fb.errors.get(field::REASONS_AR).copied();
    let en_error = fb.errors.get(field::REASONS_EN).copied();
    let ar_id = format!("{prefix}-reasons-ar");
    let en_id = format!("{prefix}-reasons-en");
    view! {
        <fieldset class="choices outcome-choice" class:field--invalid=outcome_error.is_some()
            aria-invalid=outcome_error.is_some().then_some("true")>
            <legend>{td_string!(l, response_outcome)}</legend>
            {outcome_error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
            {Outcome::ALL.into_iter().map(|o| {
                let id = format!("{prefix}-outcome-{}", o.as_str());
                let label_for = id.clone();
                view! {
                    <label class="choice" for=label_for>
                        <input type="radio" id=id name=field::OUTCOME value=o.as_str()
                            checked=chosen == o.as_str() />
                        " "{outcome_label(o, lang)}
                    </label>
                }
            }).collect_view()}
            <p class="field__hint">{td_string!(l, response_reasons_hint)}</p>
        </fieldset>
        <div class="field" class:field--invalid=ar_error.is_some()>
            <label for=ar_id.clone()>{td_string!(l, response_reasons_ar)}</label>
            {ar_error.map(|e| view! { <p class="field__error" id=format!("{ar_id}-error")>{digits(e.text(lang))}</p> })}
            <textarea id=ar_id.clone() name=field::REASONS_AR rows="4" dir="rtl" lang="ar"
                aria-invalid=ar_error.is_some().then_some("true")
                aria-describedby=ar_error.is_some().then(|| format!("{ar_id}-error"))>{reasons(field::REASONS_AR, Lang::Ar)}</textarea>
        </div>
        <div class="field" class:field--invalid=en_error.is_some()>
            <label for=en_id.clone()>{td_string!(l, response_reasons_en)}</label>
            {en_error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
            <textarea id=en_id name=field::REASONS_EN rows="4" dir="ltr" lang="en">{reasons(field::REASONS_EN, Lang::En)}</textarea>
        </div>
    }
}

#[component]
fn QueueEntry(item: QueueItem, slug: String, ticked: bool, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let box_id = format!("member-{}", item.id);
    let href = paths::contribution_in_thread(lang, &slug, item.thread, item.id);
    let who = item
        .author
        .clone()
        .unwrap_or_else(|| td_string!(l, contributions_deleted_author).to_owned());
    let answered = item.response.is_some();
    let meta = view! {
        <a href=href>{digits(format!("#{}", item.id))}</a>
        " · "<bdi>{who}</bdi>
        {item.org.clone().map(|(name, kind)| view! { " · "<bdi>{name}</bdi>" ("{org_kind_label(kind, lang)}")" })}
        {item.is_reply.then(|| view! { " · "{td_string!(l, responses_reply)} })}
        " · "{match &item.clause {
            Some((_, Some(n))) => digits(format!("{} {n}", td_string!(l, clause_label))),
            Some((_, None)) => td_string!(l, clause_label).to_owned(),
            None => td_string!(l, responses_whole_draft).to_owned(),
        }}
        {channel_label(item.channel, lang).map(|c| view! { " · "<span class="badge">{c}</span> })}
        " · "<DateText date=item.created.clone() />
        " · "<span class="queue-item__waited">{let n = item.waited_days; td!(l, responses_waited, count = move || n, num = shown(n))}</span>
        {item.overdue.then(|| view! { " "<span class="badge badge--danger">{td_string!(l, responses_overdue)}</span> })}
    };
    view! {
        <li class="queue-item" id=format!("queue-{}", item.id) data-overdue=item.overdue.then_some("true")
            data-answered=answered.then_some("true")>
            <div class="queue-item__head">
                {(!answered).then(|| view! {
                    <input type="checkbox" class="queue-item__tick" id=box_id.clone() name=field::MEMBER
                        value=item.id.to_string() checked=ticked />
                })}
                <label for=box_id class="queue-item__meta">{meta}</label>
            </div>
            <div class="queue-item__body">{plain_paragraphs(item.paragraphs.clone())}</div>
            {item.response.clone().map(|r| {
                let revise = paths::response(lang, &slug, r.id);
                view! {
                    <ResponseNote r slug=slug.clone() lang />
                    <p><a href=revise class="button button--secondary">{td_string!(l, responses_open)}</a></p>
                }
            })}
        </li>
    }
}

fn pager(slug: &str, q: &QueueQuery, pages: u32, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let link = |page: u32| {
        let mut at = q.clone();
        at.page = page;
        paths::responses(lang, slug, &at.to_query())
    };
    (pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=td_string!(l, pagination_label)>
                {(q.page > 1).then(|| view! { <a rel="prev" href=link(q.page - 1)>{td_string!(l, pagination_prev)}</a> })}
                <span>{digits(format!("{} / {pages}", q.page))}</span>
                {(q.page < pages).then(|| view! { <a rel="next" href=link(q.page + 1)>{td_string!(l, pagination_next)}</a> })}
            </nav>
        }
    })
}

/// `/{lang}/consultations/{slug}/responses`: the agency staff's queue.
#[component]
pub fn ResponseQueuePage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let params = use_params_map();
    let query = use_query_map();
    let read_query = move || {
        let map = query.get();
        let pairs: Vec<(String, String)> =
            map.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        QueueQuery::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    };
    let data = Resource::new(
        move || (params.get().get("slug").unwrap_or_default(), read_query()),
        move |(slug, q)| async move {
            match q {
                Ok(q) => response_queue(slug, lang, q.clone()).await.map(|v| (v, q)),
                Err(_) => Err(crate::error::AppError::Invalid {
                    field: "query".to_owned(),
                }),
            }
        },
    );
    let feedback = use_form_feedback();
    let token = Resource::new(|| (), |_| crate::accounts::api::form_token());
    view! {
        <Title text=page_title(lang, td_string!(l, responses_title)) />
        <section class="page responses">
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    let fb = feedback.await;
                    let (v, q) = match data.await {
                        Ok(found) => found,
                        Err(crate::error::AppError::Invalid { .. }) => {
                            let slug = params.get_untracked().get("slug").unwrap_or_default();
                            return view! {
                                <h1>{td_string!(l, responses_title)}</h1>
                                <p class="form-summary" role="alert">{td_string!(l, responses_bad_filter)}</p>
                                <p><a href=paths::responses(lang, &slug, "")>{td_string!(l, responses_reset)}</a></p>
                            }.into_any();
                        }
                        Err(e) => return error_page(e, lang),
                    };
                    let csrf = token.await.unwrap_or_default();
                    // Chosen from search results: ticked until a refused form says otherwise.
                    let ticked: Vec<String> = if fb.values.is_empty() {
                        q.pick.iter().map(ToString::to_string).collect()
                    } else {
                        fb.value(field::MEMBER).split(',').map(str::to_owned).collect()
                    };
                    let member_error = fb.errors.get(field::MEMBER).copied();
                    let slug = v.slug.clone();
                    let items = v.items.clone();
                    let any_open = items.iter().any(|i| i.response.is_none());
                    view! {
                        <p><a href=paths::consultation(lang, &v.slug)><LocalizedSpan text=v.title.clone() lang /></a></p>
                        <h1>{td_string!(l, responses_title)}</h1>
                        <p class="responses__record"><a href=paths::record_received(lang, &v.slug)>{td_string!(l, received_record_link)}</a></p>
                        <TimingSummary t=v.timing.clone() lang />
                        {filters(&v.slug, &q, &v.clauses, lang)}
                        {if q.pick.is_empty() {
                            view! { <p class="responses__count" role="status">{let n = v.total; td!(l, responses_count, count = move || n, num = shown(n))}</p> }.into_any()
                        } else {
                            let n = v.total;
                            view! {
                                <p class="responses__count responses__picked" role="status">
                                    {td!(l, responses_picked, count = move || n, num = shown(n))}" · "
                                    <a href=paths::responses(lang, &v.slug, "")>{td_string!(l, responses_whole_queue)}</a>
                                </p>
                            }.into_any()
                        }}
                        {if items.is_empty() {
                            view! { <p class="empty">{td_string!(l, responses_empty)}</p> }.into_any()
                        } else {
                            view! {
                                <form method="post" action=paths::responses(lang, &slug, "") class="responses__queue">
                                    <input type="hidden" name="csrf" value=csrf />
                                    <input type="hidden" name="intent" value=ResponseIntent::Respond.as_str() />
                                    <input type="hidden" name=field::BACK value=q.to_query() />
                                    <FormSummary feedback=fb.clone() lang />
                                    {member_error.map(|e| view! { <p class="field__error" id="member-error">{digits(e.text(lang))}</p> })}
                                    {any_open.then(|| view! {
                                        <p class="responses__jump"><a href="#answer">{td_string!(l, responses_answer_ticked)}" ↓"</a></p>
                                    })}
                                    <ol class="responses__list">
                                        {items.into_iter().map(|item| {
                                            let ticked = ticked.contains(&item.id.to_string());
                                            view! { <QueueEntry item slug=slug.clone() ticked lang /> }
                                        }).collect_view()}
                                    </ol>
                                    {any_open.then(|| view! {
                                        <fieldset class="responses__answer" id="answer">
                                            <legend>{td_string!(l, responses_answer_ticked)}</legend>
                                            {answer_fields("respond", &fb, None, lang)}
                                            <button type="submit" class="button">{td_string!(l, responses_send)}</button>
                                        </fieldset>
                                    })}
                                </form>
                            }.into_any()
                        }}
                        {pager(&v.slug, &q, v.pages, lang)}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

fn change_label(how: Option<ClauseChange>, lang: Lang) -> &'static str {
    let l = lang.locale();
    match how {
        Some(ClauseChange::Added) => td_string!(l, diff_added),
        Some(ClauseChange::Removed) => td_string!(l, diff_removed),
        Some(_) => td_string!(l, diff_changed),
        None => td_string!(l, responses_whole_version),
    }
}

/// `/{lang}/consultations/{slug}/responses/{id}`: revise a response, and say which
/// clauses of later versions changed because of it.
#[component]
pub fn ResponseDetailPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let params = use_params_map();
    let data = Resource::new(
        move || {
            let p = params.get();
            (
                p.get("slug").unwrap_or_default(),
                p.get("id").and_then(|id| id.parse::<i64>().ok()),
            )
        },
        move |(slug, id)| async move {
            match id {
                Some(id) => response_detail(slug, lang, ResponseId(id)).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    let feedback = use_form_feedback();
    let token = Resource::new(|| (), |_| crate::accounts::api::form_token());
    view! {
        <Title text=page_title(lang, td_string!(l, response_page_title)) />
        <section class="page responses">
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    let fb = feedback.await;
                    let d = match data.await {
                        Ok(d) => d,
                        Err(e) => return view! { <FormSummary feedback=fb lang />{error_page(e, lang)} }.into_any(),
                    };
                    let csrf = token.await.unwrap_or_default();
                    let action = paths::response(lang, &d.slug, d.response.id);
                    let revise_fb = if fb.intent == ResponseIntent::Revise.as_str() { fb.clone() } else { FormFeedback::default() };
                    let cite_fb = if fb.intent == ResponseIntent::Cite.as_str() { fb.clone() } else { FormFeedback::default() };
                    let current = Some((d.response.outcome, d.response.reasons.clone()));
                    let slug = d.slug.clone();
                    view! {
                        <p>
                            <a href=paths::consultation(lang, &d.slug)><LocalizedSpan text=d.title.clone() lang /></a>
                            " · "<a href=paths::responses(lang, &d.slug, "")>{td_string!(l, responses_title)}</a>
                        </p>
                        <h1>{td_string!(l, response_page_title)}</h1>
                        <ResponseNote r=d.response.clone() slug=slug.clone() lang />
                        <h2>{td_string!(l, response_answers)}</h2>
                        <ul class="response__members">
                            {d.members.iter().map(|(id, root)| view! {
                                <li><a href=paths::contribution_in_thread(lang, &slug, *root, *id)>{digits(format!("#{id}"))}</a></li>
                            }).collect_view()}
                        </ul>
                        <h2 id="revise">{td_string!(l, response_revise)}</h2>
                        <form method="post" action=action.clone() class="form">
                            <input type="hidden" name="csrf" value=csrf.clone() />
                            <input type="hidden" name="intent" value=ResponseIntent::Revise.as_str() />
                            <FormSummary feedback=revise_fb.clone() lang />
                            {answer_fields("revise", &revise_fb, current, lang)}
                            <p class="field__hint">{td_string!(l, response_revise_hint)}</p>
                            <button type="submit" class="button">{td_string!(l, response_revise_send)}</button>
                        </form>
                        <h2 id="changes">{td_string!(l, response_changes)}</h2>
                        {if d.changeable.is_empty() {
                            view! { <p class="empty">{td_string!(l, response_no_later_version)}</p> }.into_any()
                        } else {
                            view! {
                                <form method="post" action=action class="form">
                                    <input type="hidden" name="csrf" value=csrf />
                                    <input type="hidden" name="intent" value=ResponseIntent::Cite.as_str() />
                                    <FormSummary feedback=cite_fb lang />
                                    <fieldset class="choices choices--column">
                                        <legend>{td_string!(l, response_changes_hint)}</legend>
                                        {d.changeable.iter().map(|c| {
                                            let value = match &c.key {
                                                Some(k) => format!("{}:{k}", c.version),
                                                None => c.version.to_string(),
                                            };
                                            let id = format!("change-{}", value.replace(':', "-"));
                                            let label = match (&c.key, c.number) {
                                                (Some(_), n) => format!("{} — {}: {}", version_and_clause(c.version, n, lang), change_label(c.how, lang), c.title),
                                                (None, _) => format!("{} — {}", version_and_clause(c.version, None, lang), change_label(None, lang)),
                                            };
                                            let label_for = id.clone();
                                            view! {
                                                <label class="choice" for=label_for>
                                                    <input type="checkbox" id=id name=field::CHANGE value=value checked=c.cited />
                                                    " "<bdi>{label}</bdi>
                                                </label>
                                            }
                                        }).collect_view()}
                                    </fieldset>
                                    <button type="submit" class="button">{td_string!(l, response_changes_send)}</button>
                                </form>
                            }.into_any()
                        }}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

fn change_of_clause(change: Option<ClauseChange>, lang: Lang) -> &'static str {
    let l = lang.locale();
    match change {
        Some(ClauseChange::Added) => td_string!(l, diff_added),
        Some(ClauseChange::Removed) => td_string!(l, diff_removed),
        Some(_) => td_string!(l, diff_changed),
        None => td_string!(l, diff_unchanged),
    }
}

pub(crate) fn counts_list(c: &CountsView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    view! {
        <ul class="impact__outcomes">
            {c.by_outcome.iter().filter(|(_, n)| *n > 0).map(|(o, n)| view! {
                <li data-outcome=o.as_str()><span class="badge">{outcome_label(*o, lang)}</span>" "{digits(n)}</li>
            }).collect_view()}
            {(c.unanswered > 0).then(|| view! {
                <li data-outcome="unanswered"><span class="badge badge--danger">{td_string!(l, search_unanswered)}</span>" "{digits(c.unanswered)}</li>
            })}
        </ul>
    }
}

#[component]
pub(crate) fn ImpactEntry(item: ImpactItem, slug: String, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let who = item
        .author
        .clone()
        .unwrap_or_else(|| td_string!(l, contributions_deleted_author).to_owned());
    view! {
        <li class="queue-item" id=format!("impact-{}", item.id) data-overdue=item.overdue.then_some("true")>
            <p class="queue-item__meta">
                <a href=paths::contribution_in_thread(lang, &slug, item.thread, item.id)>{digits(format!("#{}", item.id))}</a>
                " · "<bdi>{who}</bdi>" · "<DateText date=item.created.clone() />
                {item.response.is_none().then(|| { let n = item.waited_days; view! {
                    " · "<span>{td!(l, responses_waited, count = move || n, num = shown(n))}</span>
                }})}
                {item.overdue.then(|| view! { " "<span class="badge badge--danger">{td_string!(l, responses_overdue)}</span> })}
            </p>
            <p dir="auto" lang=detect_lang(&item.excerpt).map(Lang::code)>{item.excerpt.clone()}</p>
            {item.response.clone().map(|r| view! { <ResponseNote r slug=slug.clone() lang /> })}
        </li>
    }
}

/// `/{lang}/consultations/{slug}/impact`: "you said, we did".
#[component]
pub fn ImpactPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("slug").unwrap_or_default(),
        move |slug| impact_page(slug, lang),
    );
    view! {
        <Title text=page_title(lang, td_string!(l, impact_title)) />
        <article class="page impact">
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    let v = match data.await {
                        Ok(v) => v,
                        Err(e) => return error_page(e, lang),
                    };
                    let slug = v.slug.clone();
                    let answered = v.counts.total - v.counts.unanswered;
                    let changed = v.clauses.iter().filter(|c| c.change.is_some()).count();
                    view! {
                        <p><a href=paths::consultation(lang, &v.slug)><LocalizedSpan text=v.title.clone() lang /></a></p>
                        <h1>{td_string!(l, impact_title)}</h1>
                        <p class="lead">{td_string!(l, impact_intro)}</p>
                        <dl class="timing impact__totals">
                            <div><dt>{td_string!(l, impact_contributions)}</dt><dd>{digits(v.counts.total)}</dd></div>
                            <div><dt>{td_string!(l, timing_answered)}</dt><dd>{digits(answered)}</dd></div>
                            <div><dt>{td_string!(l, search_unanswered)}</dt><dd>{digits(v.counts.unanswered)}</dd></div>
                            {v.counts.by_outcome.iter().map(|(o, n)| view! {
                                <div data-outcome=o.as_str()><dt>{outcome_label(*o, lang)}</dt><dd>{digits(n)}</dd></div>
                            }).collect_view()}
                            <div><dt>{td_string!(l, impact_clauses_changed)}</dt><dd>{digits(changed)}</dd></div>
                        </dl>
                        {(v.by_channel.len() > 1).then(|| view! { <ChannelShares shares=v.by_channel.clone() lang /> })}
                        <section aria-labelledby="impact-timing">
                            <h2 id="impact-timing">{td_string!(l, accountability_title)}</h2>
                            <TimingSummary t=v.timing.clone() lang />
                        </section>
                        <section aria-labelledby="impact-clauses">
                            <h2 id="impact-clauses">{td_string!(l, impact_by_clause)}</h2>
                            <p>
                                <a href=paths::diff(lang, &slug, v.first_version, v.latest_version)>
                                    {digits(td_string!(l, impact_compare).replace("%from%", &v.first_version.to_string()).replace("%to%", &v.latest_version.to_string()))}
                                </a>
                            </p>
                            {clause_table(&v, lang)}
                            {(v.whole_draft.total > 0).then(|| view! {
                                <p>{td_string!(l, responses_whole_draft)}": "{digits(v.whole_draft.total)}</p>
                                {counts_list(&v.whole_draft, lang)}
                            })}
                        </section>
                        <section aria-labelledby="impact-adopted">
                            <h2 id="impact-adopted">{td_string!(l, impact_adopted)}" ("{digits(v.adopted_total)}")"</h2>
                            {if v.adopted.is_empty() {
                                view! { <p class="empty">{td_string!(l, impact_adopted_none)}</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="responses__list">
                                        {v.adopted.iter().cloned().map(|item| view! { <ImpactEntry item slug=slug.clone() lang /> }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                        </section>
                        <section aria-labelledby="impact-waiting">
                            <h2 id="impact-waiting">{td_string!(l, impact_waiting)}" ("{digits(v.counts.unanswered)}")"</h2>
                            {if v.waiting.is_empty() {
                                view! { <p class="empty">{td_string!(l, impact_waiting_none)}</p> }.into_any()
                            } else {
                                view! {
                                    <ol class="responses__list">
                                        {v.waiting.iter().cloned().map(|item| view! { <ImpactEntry item slug=slug.clone() lang /> }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                        </section>
                        {open_data(&slug, lang)}
                    }.into_any()
                })}
            </Suspense>
        </article>
    }
}

/// Where the figures are to be had as open data.
pub(crate) fn open_data(slug: &str, lang: Lang) -> impl IntoView {
    view! {
        <p class="impact__data">
            {td_string!(lang.locale(), impact_open_data)}" "
            <a href=paths::api_impact(slug) dir="ltr">"JSON"</a>" · "
            <a href=paths::api_contributions_csv(slug) dir="ltr">"CSV"</a>
        </p>
    }
}

/// The impact page's and the report's table: per clause, its contributions and their
/// outcomes, how it changed from the first version to the latest, and the contributions
/// whose responses that change cites.
pub(crate) fn clause_table(v: &ImpactView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let slug = v.slug.clone();
    view! {
        <table class="table table--stack impact__clauses">
            <thead><tr>
                <th>{td_string!(l, clause_label)}</th>
                <th>{td_string!(l, impact_contributions)}</th>
                <th>{td_string!(l, impact_outcomes)}</th>
                <th>{td_string!(l, impact_change)}</th>
                <th>{td_string!(l, diff_because)}</th>
            </tr></thead>
            <tbody>
                {v.clauses.iter().map(|cl| {
                    let href = match cl.cited_in.last() {
                        Some(n) => paths::diff_clause(lang, &slug, *n, Some(&cl.key)),
                        None => paths::diff(lang, &slug, v.first_version, v.latest_version),
                    };
                    view! {
                        <tr id=format!("impact-clause-{}", cl.key) data-changed=cl.change.is_some().then_some("true")>
                            <td data-label=td_string!(l, clause_label)>
                                {cl.number.map(|n| view! { <bdi class="clause__number">{digits(n)}</bdi>" " })}
                                <span dir="auto">{cl.title.clone()}</span>
                            </td>
                            <td data-label=td_string!(l, impact_contributions)>{digits(cl.counts.total)}</td>
                            <td data-label=td_string!(l, impact_outcomes)>{counts_list(&cl.counts, lang)}</td>
                            <td data-label=td_string!(l, impact_change)>
                                {if cl.change.is_some() {
                                    view! { <a href=href>{change_of_clause(cl.change, lang)}</a> }.into_any()
                                } else {
                                    view! { <span>{change_of_clause(None, lang)}</span> }.into_any()
                                }}
                            </td>
                            <td data-label=td_string!(l, diff_because)>
                                {cl.cited_by.iter().map(|id| view! {
                                    <a href=paths::contribution(lang, &slug, *id)>{digits(format!("#{id}"))}</a>" "
                                }).collect_view()}
                                {(cl.cited_total > cl.cited_by.len()).then(|| {
                                    let more = cl.cited_total - cl.cited_by.len();
                                    view! { <span class="impact__more">{td!(l, impact_more, count = move || more, num = shown(more))}</span> }
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// In the editor, once a version 2 or later is published: under each clause it added,
/// changed or removed, the accepted and partly accepted responses to tick as what led
/// to the change (those on that clause first). Posts `intent` to `action`.
#[component]
pub fn VersionCitations(
    action: String,
    intent: &'static str,
    v: CitingView,
    lang: Lang,
) -> impl IntoView {
    let l = lang.locale();
    if v.clauses.is_empty() {
        return ().into_any();
    }
    let body = if v.responses.is_empty() {
        view! {
            <p>{td_string!(l, editor_cite_none)}" "
                <a href=paths::responses(lang, &v.slug, "")>{td_string!(l, responses_title)}</a>
            </p>
        }
        .into_any()
    } else {
        let v = v.clone();
        let fields = move |_fb: &FormFeedback| {
            let boxes = |clause: &CitableClause, list: Vec<&AdoptableView>| {
                list.into_iter()
                    .map(|r| {
                        let value = citation(r.id, &clause.key);
                        let id = format!("cite-{}-{}", r.id, clause.key);
                        let checked = v.cited.contains(&(r.id, clause.key.clone()));
                        let n = r.answers;
                        view! {
                            <li>
                                <input type="checkbox" name=field::CITE id=id.clone() value=value checked=checked />
                                <label for=id>
                                    <span class="badge" data-outcome=r.outcome.as_str()>{outcome_label(r.outcome, lang)}</span>
                                    " "{digits(format!("#{}", r.first))}
                                    {(n > 1).then(|| view! { " · "{td!(l, responses_count, count = move || n, num = shown(n))} })}
                                    <span class="citing__excerpt" dir="auto">{r.excerpt.clone()}</span>
                                </label>
                            </li>
                        }
                    })
                    .collect_view()
                    .into_any()
            };
            v.clauses
                .iter()
                .map(|clause| {
                    let (near, far): (Vec<&AdoptableView>, Vec<&AdoptableView>) = v
                        .responses
                        .iter()
                        .partition(|r| r.on.contains(&Some(clause.key.clone())));
                    let any_far_cited = far
                        .iter()
                        .any(|r| v.cited.contains(&(r.id, clause.key.clone())));
                    let name = match clause.number {
                        Some(n) => digits(format!("{} {n}", td_string!(l, clause_label))),
                        None => clause.title.clone(),
                    };
                    let n_far = far.len();
                    view! {
                        <fieldset class="citing__clause">
                            <legend>
                                {name}" · "{change_label(Some(clause.how), lang)}
                            </legend>
                            {clause.number.is_some().then(|| view! { <p class="citing__title" dir="auto">{clause.title.clone()}</p> })}
                            {(!near.is_empty()).then(|| view! {
                                <p class="citing__group">{td_string!(l, editor_cite_on_clause)}</p>
                                <ul class="citing__list">{boxes(clause, near)}</ul>
                            })}
                            {(n_far > 0).then(|| view! {
                                <details class="citing__others" open=any_far_cited>
                                    <summary>{td_string!(l, editor_cite_others)}" ("{digits(n_far)}")"</summary>
                                    <ul class="citing__list">{boxes(clause, far)}</ul>
                                </details>
                            })}
                        </fieldset>
                    }
                    .into_any()
                })
                .collect_view()
        };
        let fields = move |fb: &FormFeedback| {
            view! {
                {fields(fb)}
                <button type="submit" class="button">{td_string!(l, editor_cite_save)}</button>
            }
            .into_any()
        };
        view! { <PostForm action lang intent fields /> }.into_any()
    };
    view! {
        <section class="panel citing" id="cite" aria-labelledby="cite-title">
            <h2 id="cite-title">{td_string!(l, editor_cite_title)}</h2>
            <p class="card__meta">{version_and_clause(v.version, None, lang)}</p>
            <p class="field__hint">{td_string!(l, editor_cite_hint)}</p>
            {body}
        </section>
    }
    .into_any()
}
