//! `/{lang}/moderation` (moderators), `/{lang}/consultations/{slug}/moderation` (the
//! public log) and `/{lang}/moderation-rules` (the published rules).

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::api::{moderation_log, moderation_queue, QueueItem};
use crate::consultations::pages::DateText;
use crate::domain::contribution::{ContributionStatus, ModerationAction, ReportCategory};
use crate::domain::text::detect_lang;
use crate::domain::{ContributionId, Lang};
use crate::forms::FormFeedback;
use crate::paths;
use crate::ui::denied::error_page;
use crate::ui::form::{use_form_feedback, FormSummary};
use crate::ui::layout::{digits, page_title, use_lang};
use crate::ui::text::{plain_paragraphs, LocalizedSpan};

/// The name of a published rule.
pub fn rule_label(c: ReportCategory, lang: Lang) -> &'static str {
    let l = lang.locale();
    match c {
        ReportCategory::ReligiousInsult => td_string!(l, rule_religious_insult),
        ReportCategory::Defamation => td_string!(l, rule_defamation),
        ReportCategory::Incitement => td_string!(l, rule_incitement),
        ReportCategory::Rights => td_string!(l, rule_rights),
        ReportCategory::FalseInformation => td_string!(l, rule_false_information),
        ReportCategory::Spam => td_string!(l, rule_spam),
        ReportCategory::PersonalData => td_string!(l, rule_personal_data),
    }
}

fn rule_text(c: ReportCategory, lang: Lang) -> &'static str {
    let l = lang.locale();
    match c {
        ReportCategory::ReligiousInsult => td_string!(l, rule_religious_insult_text),
        ReportCategory::Defamation => td_string!(l, rule_defamation_text),
        ReportCategory::Incitement => td_string!(l, rule_incitement_text),
        ReportCategory::Rights => td_string!(l, rule_rights_text),
        ReportCategory::FalseInformation => td_string!(l, rule_false_information_text),
        ReportCategory::Spam => td_string!(l, rule_spam_text),
        ReportCategory::PersonalData => td_string!(l, rule_personal_data_text),
    }
}

fn action_label(a: ModerationAction, lang: Lang) -> &'static str {
    let l = lang.locale();
    match a {
        ModerationAction::Hide => td_string!(l, moderation_hidden),
        ModerationAction::Restore => td_string!(l, moderation_restored),
        ModerationAction::Dismiss => td_string!(l, moderation_dismissed),
        ModerationAction::Appeal => td_string!(l, moderation_appealed),
        ModerationAction::Uphold => td_string!(l, moderation_upheld),
    }
}

/// A choice of rule, for reports and for hiding.
pub fn rule_select(id: String, selected: String, lang: Lang) -> impl IntoView {
    view! {
        <select id=id name="category">
            <option value="">"—"</option>
            {ReportCategory::ALL.into_iter().map(|c| view! {
                <option value=c.as_str() selected=selected == c.as_str()>{rule_label(c, lang)}</option>
            }).collect_view()}
        </select>
    }
}

/// `/{lang}/moderation-rules`.
#[component]
pub fn ModerationRulesPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    view! {
        <Title text=page_title(lang, td_string!(l, rules_title)) />
        <article class="page narrow rules">
            <h1>{td_string!(l, rules_title)}</h1>
            <p>{td_string!(l, rules_intro)}</p>
            <dl class="rules__list">
                {ReportCategory::ALL.into_iter().map(|c| view! {
                    <dt id=format!("rule-{}", c.as_str())>{rule_label(c, lang)}</dt>
                    <dd>{rule_text(c, lang)}</dd>
                }).collect_view()}
            </dl>
            <h2>{td_string!(l, rules_process_title)}</h2>
            <p>{td_string!(l, rules_process)}</p>
        </article>
    }
}

/// `/{lang}/consultations/{slug}/moderation`: every action, never the hidden text.
#[component]
pub fn ModerationLogPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("slug").unwrap_or_default(),
        move |slug| moderation_log(slug, lang),
    );
    // Only moderators have a form here, signed in: their token comes with the viewer.
    let viewer = crate::accounts::api::use_viewer();
    view! {
        <Title text=page_title(lang, td_string!(l, moderation_log_title)) />
        <section class="page moderation-log">
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    let log = match data.await {
                        Ok(log) => log,
                        Err(e) => return error_page(e, lang),
                    };
                    let page = paths::consultation(lang, &log.slug);
                    let slug = log.slug.clone();
                    let csrf = if log.restorable.is_empty() {
                        String::new()
                    } else {
                        viewer.await.ok().flatten().map(|v| v.csrf).unwrap_or_default()
                    };
                    let restore = move |id: ContributionId| {
                        log.restorable.contains(&id).then(|| view! {
                            <form method="post" action=paths::moderation(lang) class="inline-form">
                                <input type="hidden" name="csrf" value=csrf.clone() />
                                <input type="hidden" name="intent" value="restore" />
                                <input type="hidden" name="target" value=id.to_string() />
                                <button type="submit" class="link-button">{td_string!(l, moderation_restore)}</button>
                            </form>
                        })
                    };
                    view! {
                        <p><a href=page><LocalizedSpan text=log.title.clone() lang /></a></p>
                        <h1>{td_string!(l, moderation_log_title)}</h1>
                        <p>{td_string!(l, moderation_log_intro)}" "
                            <a href=paths::moderation_rules(lang)>{td_string!(l, rules_title)}</a></p>
                        {if log.lines.is_empty() {
                            view! { <p class="empty">{td_string!(l, moderation_log_empty)}</p> }.into_any()
                        } else {
                            view! {
                                <table class="table table--stack">
                                    <thead><tr>
                                        <th>{td_string!(l, moderation_when)}</th>
                                        <th>{td_string!(l, moderation_what)}</th>
                                        <th>{td_string!(l, moderation_rule)}</th>
                                        <th>{td_string!(l, moderation_reason)}</th>
                                        <th>{td_string!(l, moderation_contribution)}</th>
                                    </tr></thead>
                                    <tbody>
                                        {log.lines.into_iter().map(|line| view! {
                                            <tr data-action=line.action.as_str()>
                                                <td data-label=td_string!(l, moderation_when)><DateText date=line.at /></td>
                                                <td data-label=td_string!(l, moderation_what)>{action_label(line.action, lang)}</td>
                                                <td data-label=td_string!(l, moderation_rule)>{line.category.map(|c| rule_label(c, lang))}</td>
                                                <td data-label=td_string!(l, moderation_reason)>
                                                    <bdi dir="auto" lang=line.reason.as_deref().and_then(detect_lang).map(Lang::code)>{line.reason.clone()}</bdi>
                                                </td>
                                                <td data-label=td_string!(l, moderation_contribution)>
                                                    <a href=paths::contribution(lang, &slug, line.contribution_id)>
                                                        {format!("#{}", line.contribution_id)}
                                                    </a>
                                                    {(line.action == ModerationAction::Hide).then(|| view! { " " {restore(line.contribution_id)} })}
                                                </td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// `/{lang}/moderation`: the queue, for moderators only.
#[component]
pub fn ModerationQueuePage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let data = Resource::new(|| (), move |_| moderation_queue(lang));
    let feedback = use_form_feedback();
    let token = Resource::new(|| (), |_| crate::accounts::api::form_token());
    view! {
        <Title text=page_title(lang, td_string!(l, moderation_queue_title)) />
        <section class="page moderation">
            <h1>{td_string!(l, moderation_queue_title)}</h1>
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    let fb = feedback.await;
                    let items = match data.await {
                        Ok(items) => items,
                        Err(e) => {
                            return view! { <FormSummary feedback=fb lang />{error_page(e, lang)} }.into_any()
                        }
                    };
                    let csrf = token.await.unwrap_or_default();
                    // Field mistakes show at their entry; the rest (refusals) at the top.
                    let top = fb.errors.is_empty().then(|| fb.clone());
                    let (waiting, hidden): (Vec<_>, Vec<_>) = items.into_iter().partition(|i| i.waiting);
                    let entries = {
                        let (csrf, fb) = (csrf.clone(), fb.clone());
                        move |items: Vec<QueueItem>| view! {
                            <ol class="threads">
                                {items.into_iter().map(|item| view! {
                                    <QueueEntry item csrf=csrf.clone() fb=fb.clone() lang />
                                }).collect_view()}
                            </ol>
                        }
                    };
                    view! {
                        {top.map(|fb| view! { <FormSummary feedback=fb lang /> })}
                        {if waiting.is_empty() {
                            view! { <p class="empty">{td_string!(l, moderation_queue_empty)}</p> }.into_any()
                        } else {
                            entries(waiting).into_any()
                        }}
                        {(!hidden.is_empty()).then(|| view! {
                            <section class="moderation__hidden" id="hidden" aria-labelledby="hidden-title">
                                <h2 id="hidden-title">{td_string!(l, moderation_hidden_title)}</h2>
                                <p>{td_string!(l, moderation_hidden_intro)}</p>
                                {entries(hidden)}
                            </section>
                        })}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn QueueEntry(item: QueueItem, csrf: String, fb: FormFeedback, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let id = item.id.to_string();
    let action = paths::moderation(lang);
    let mine = fb.value("target") == id;
    let fb = if mine { fb } else { FormFeedback::default() };
    let hide_csrf = csrf.clone();
    let button = move |intent: &'static str, label: &'static str, class: &'static str| {
        let (csrf, id, action) = (csrf.clone(), id.clone(), action.clone());
        view! {
            <form method="post" action=action class="inline-form">
                <input type="hidden" name="csrf" value=csrf />
                <input type="hidden" name="intent" value=intent />
                <input type="hidden" name="target" value=id />
                <button type="submit" class=class>{label}</button>
            </form>
        }
    };
    let hidden = item.status == ContributionStatus::Hidden;
    let hide_form = (!hidden).then(|| {
        let select_id = format!("hide-{}-category", item.id);
        let reason_id = format!("hide-{}-reason", item.id);
        let category_error = fb.errors.get("category").copied();
        let reason_error = fb.errors.get("reason").copied();
        view! {
            <form method="post" action=paths::moderation(lang) class="form moderation__hide">
                <input type="hidden" name="csrf" value=hide_csrf />
                <input type="hidden" name="intent" value="hide" />
                <input type="hidden" name="target" value=item.id.to_string() />
                <div class="field" class:field--invalid=category_error.is_some()>
                    <label for=select_id.clone()>{td_string!(l, moderation_rule)}</label>
                    {category_error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                    {rule_select(select_id, fb.value("category"), lang)}
                </div>
                <div class="field" class:field--invalid=reason_error.is_some()>
                    <label for=reason_id.clone()>{td_string!(l, moderation_reason_public)}</label>
                    {reason_error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                    <textarea id=reason_id name="reason" rows="2" dir="auto">{fb.value("reason")}</textarea>
                </div>
                <button type="submit" class="button button--danger">{td_string!(l, moderation_hide)}</button>
            </form>
        }
    });
    view! {
        <li class="contribution" id=format!("queue-{}", item.id) data-status=item.status.as_str()>
            <p class="contribution__meta">
                <a href=paths::contribution(lang, &item.consultation_slug, item.id)>
                    <LocalizedSpan text=item.consultation_title.clone() lang />" · #"{digits(item.id)}
                </a>
                " · "<bdi>{item.author.clone().unwrap_or_else(|| td_string!(l, contributions_deleted_author).to_string())}</bdi>
                " · "<DateText date=item.created.clone() />
                {item.hidden_category.map(|c| view! { " · "<span class="badge">{td_string!(l, moderation_hidden)}": "{rule_label(c, lang)}</span> })}
            </p>
            <div class="contribution__body">{plain_paragraphs(item.paragraphs.clone())}</div>
            {(!item.reports.is_empty()).then(|| view! {
                <h3>{td_string!(l, moderation_reports)}</h3>
                <ul class="moderation__reports">
                    {item.reports.iter().cloned().map(|(id, c, note)| view! {
                        <li id=format!("report-{id}")><strong>{rule_label(c, lang)}</strong>{note.map(|n| view! { " — "<bdi dir="auto">{n}</bdi> })}</li>
                    }).collect_view()}
                </ul>
            })}
            {item.appeal.clone().map(|a| view! {
                <h3>{td_string!(l, moderation_appeal)}</h3>
                <p dir="auto" class="moderation__appeal" lang=detect_lang(&a).map(Lang::code)>{a.clone()}</p>
            })}
            <FormSummary feedback=fb.clone() lang />
            {hide_form}
            <div class="contribution__actions">
                {(!hidden).then(|| button("dismiss", td_string!(l, moderation_dismiss), "link-button"))}
                {hidden.then(|| button("restore", td_string!(l, moderation_restore), "button button--secondary"))}
                {(hidden && item.appeal.is_some()).then(|| button("uphold", td_string!(l, moderation_uphold), "link-button"))}
            </div>
        </li>
    }
}
