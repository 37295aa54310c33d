//! The public home page and the list of consultations.

use leptos::prelude::*;
use leptos_i18n::{td, td_string};
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_query_map;

use super::api::{consultation_list, home_sections, ListView, Named};
use crate::domain::dates::DateLabel;
use crate::domain::{ConsultationCard, ConsultationStatus, Lang, ListQuery};
use crate::paths;
use crate::ui::denied::error_page;
use crate::ui::layout::{digits, page_title, shown, use_lang};
use crate::ui::text::LocalizedSpan;

/// The home page: open now, closing soon, recently concluded.
#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let sections = Resource::new(|| (), move |_| home_sections(lang));
    let title = page_title(lang, td_string!(locale, home_title));
    view! {
        <Title text=title />
        <Meta name="description" content=td_string!(locale, site_tagline) />
        <section class="page home">
            <h1>{td_string!(locale, home_title)}</h1>
            <p class="lead">{td_string!(locale, home_intro)}</p>
            <Suspense fallback=move || view! { <p>{td_string!(locale, loading)}</p> }>
                {move || Suspend::new(async move {
                    match sections.await {
                        Ok(s) => view! {
                            {if s.open.is_empty() {
                                view! { <p class="empty-state">{td_string!(locale, home_empty)}</p> }.into_any()
                            } else {
                                view! { <CardList cards=s.open lang id="open-now" /> }.into_any()
                            }}
                            {(!s.closing_soon.is_empty()).then(|| view! {
                                <h2 id="closing-soon-title">{td_string!(locale, home_closing_soon)}</h2>
                                <CardList cards=s.closing_soon lang id="closing-soon" />
                            })}
                            {(!s.concluded.is_empty()).then(|| view! {
                                <h2 id="concluded-title">{td_string!(locale, home_concluded)}</h2>
                                <CardList cards=s.concluded lang id="concluded" />
                            })}
                            <p><a class="button button--secondary" href=paths::consultations(lang)>
                                {td_string!(locale, home_all_consultations)}
                            </a></p>
                        }.into_any(),
                        Err(_) => view! {
                            <p class="error" role="alert">{td_string!(locale, home_error)}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn CardList(cards: Vec<ConsultationCard>, lang: Lang, id: &'static str) -> impl IntoView {
    view! {
        <ul class="card-list" id=id>
            {cards.into_iter().map(|c| view! { <ConsultationCardView card=c lang /> }).collect_view()}
        </ul>
    }
}

/// `/{lang}/consultations?agency=&status=&topic=&page=`: a plain GET form, so the
/// filters and the pages work without JavaScript.
#[component]
pub fn ConsultationListPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let query = use_query_map();
    let list_query = move || {
        let q = query.get();
        let non_empty = |k: &str| q.get(k).filter(|v| !v.is_empty());
        ListQuery {
            agency: non_empty("agency"),
            status: non_empty("status").and_then(|s| ConsultationStatus::parse(&s)),
            topic: non_empty("topic"),
            page: non_empty("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    };
    let data = Resource::new(list_query, move |q| consultation_list(q, lang));
    view! {
        <Title text=page_title(lang, td_string!(l, list_title)) />
        <Link rel="alternate" type_="application/atom+xml" href=paths::consultations_feed(lang) />
        <section class="page consultation-list">
            <h1>{td_string!(l, list_title)}</h1>
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    let q = list_query();
                    match data.await {
                        Ok(v) => view! { <ListBody v q lang /> }.into_any(),
                        Err(e) => error_page(e, lang),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ListBody(v: ListView, q: ListQuery, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let choice = |name: &'static str,
                  label: String,
                  options: Vec<(String, AnyView)>,
                  chosen: Option<String>| {
        view! {
            <div class="field field--inline">
                <label for=format!("filter-{name}")>{label}</label>
                <select name=name id=format!("filter-{name}")>
                    <option value="">{td_string!(l, filter_any)}</option>
                    {options.into_iter().map(|(value, text)| {
                        let selected = chosen.as_deref() == Some(value.as_str());
                        view! { <option value=value selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
            </div>
        }
    };
    let named = |list: &[Named]| -> Vec<(String, AnyView)> {
        list.iter()
            .map(|n| {
                let text = n.name.pick(lang).map(|p| p.text).unwrap_or_default();
                (n.slug.clone(), view! { {text} }.into_any())
            })
            .collect()
    };
    let statuses = [
        ConsultationStatus::Scheduled,
        ConsultationStatus::Open,
        ConsultationStatus::Closed,
        ConsultationStatus::Concluded,
    ]
    .into_iter()
    .map(|s| {
        (
            s.as_str().to_owned(),
            view! { {status_label(s, lang)} }.into_any(),
        )
    })
    .collect();
    let page = v.page.page;
    let pages = v.page.pages();
    let link = {
        let q = q.clone();
        move |p: u32| {
            paths::consultation_list(
                lang,
                &ListQuery {
                    page: p,
                    ..q.clone()
                },
            )
        }
    };
    let prev = (page > 1).then(|| link(page - 1));
    let next = (page < pages).then(|| link(page + 1));
    let total = v.page.total;
    view! {
        <form method="get" class="filters" action=paths::consultations(lang)>
            {choice("agency", td_string!(l, filter_agency).to_string(), named(&v.agencies), q.agency.clone())}
            {choice("status", td_string!(l, filter_status).to_string(), statuses, q.status.map(|s| s.as_str().to_owned()))}
            {choice("topic", td_string!(l, filter_topic).to_string(), named(&v.topics), q.topic.clone())}
            <button type="submit" class="button">{td_string!(l, filter_apply)}</button>
        </form>
        <p class="list__count" role="status">{td!(l, consultations_found, count = move || total, num = shown(total))}</p>
        {if v.page.items.is_empty() {
            view! { <p class="empty-state">{td_string!(l, list_empty)}</p> }.into_any()
        } else {
            view! { <CardList cards=v.page.items lang id="results" /> }.into_any()
        }}
        <nav class="pagination" aria-label=td_string!(l, pagination_label)>
            {prev.map(|h| view! { <a rel="prev" href=h>{td_string!(l, pagination_prev)}</a> })}
            <span>{digits(format!("{page} / {pages}"))}</span>
            {next.map(|h| view! { <a rel="next" href=h>{td_string!(l, pagination_next)}</a> })}
        </nav>
    }
}

#[component]
fn ConsultationCardView(card: ConsultationCard, lang: Lang) -> impl IntoView {
    let locale = lang.locale();
    let status = status_label(card.status, lang);
    // Said in the tense of the card's state: what will happen, or what did.
    let date_label = match card.status {
        ConsultationStatus::Scheduled => td_string!(locale, consultation_opens),
        ConsultationStatus::Draft | ConsultationStatus::Open => {
            td_string!(locale, consultation_closes)
        }
        ConsultationStatus::Closed | ConsultationStatus::Concluded => {
            td_string!(locale, consultation_closed_on)
        }
    };
    let href = paths::consultation(lang, &card.slug);
    view! {
        <li class="card" data-slug=card.slug.clone()>
            <h2 class="card__title">
                <a href=href><LocalizedSpan text=card.title.clone() lang /></a>
            </h2>
            <p class="card__meta">
                <span class="badge" data-status=card.status.as_str()>{status}</span>
                " "
                <span>{td_string!(locale, consultation_by)}" "</span>
                <LocalizedSpan text=card.agency_name.clone() lang />
            </p>
            <p class="card__summary">
                <LocalizedSpan text=card.summary.clone() lang />
            </p>
            {card.date.map(|date| view! {
                <p class="card__dates">{date_label}" "<DateText date />
                </p>
            })}
        </li>
    }
}

/// A date in the Gregorian and Hijri calendars, with the local time.
#[component]
pub fn DateText(date: DateLabel) -> impl IntoView {
    // In Arabic a comma: a middle dot beside Arabic-Indic digits reads as a zero (٠).
    let sep = if use_lang() == Lang::Ar {
        "، "
    } else {
        " · "
    };
    view! {
        <time datetime=date.iso.clone() class="date">
            <span class="date__gregorian">{digits(&date.gregorian)}</span>
            {(!date.hijri.is_empty()).then(|| view! { {sep} <span class="date__hijri">{digits(&date.hijri)}</span> })}
            {(!date.time.is_empty()).then(|| view! {
                {sep}<bdi class="date__time" dir="auto">{digits(&date.time)}</bdi>
            })}
        </time>
    }
}

pub fn status_label(status: ConsultationStatus, lang: Lang) -> String {
    let l = lang.locale();
    match status {
        ConsultationStatus::Draft => td_string!(l, status_draft),
        ConsultationStatus::Scheduled => td_string!(l, status_scheduled),
        ConsultationStatus::Open => td_string!(l, status_open),
        ConsultationStatus::Closed => td_string!(l, status_closed),
        ConsultationStatus::Concluded => td_string!(l, status_concluded),
    }
    .to_string()
}
