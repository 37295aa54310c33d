//! The search page, `/{lang}/search`: a form that works without JavaScript, facets as
//! links that add or take away a filter, results with what matched marked.

use leptos::prelude::*;
use leptos_i18n::{td, td_string};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{search, FacetValueView, FacetView, HitView, SearchView};
use crate::consultations::pages::DateText;
use crate::domain::contribution::Channel;
use crate::domain::search::{Answer, HitKind, SearchInputError, Sort, SpeakerKind};
use crate::domain::Lang;
use crate::paths;
use crate::ui::denied::error_page;
use crate::ui::layout::{digits, page_title, shown, use_lang};
use crate::ui::text::LocalizedSpan;

/// The filters kept as hidden fields when the words change: a new search refines
/// within what was chosen.
const KEPT: [&str; 7] = [
    "consultation",
    "kind",
    "agency",
    "clause",
    "channel",
    "speaker",
    "outcome",
];

#[component]
pub fn SearchPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let query = use_query_map();
    let data = Resource::new(
        move || query.get().to_query_string(),
        move |q| search(q, lang),
    );
    view! {
        <Title text=page_title(lang, td_string!(l, search_title)) />
        <section class="page search">
            <h1>{td_string!(l, search_title)}</h1>
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(v) => view! { <SearchBody v lang /> }.into_any(),
                        Err(e) => error_page(e, lang),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SearchBody(v: SearchView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let q = v.query.clone();
    let pairs = q.to_pairs();
    let hidden = pairs
        .iter()
        .filter(|(k, _)| KEPT.contains(k))
        .map(|(k, value)| view! { <input type="hidden" name=*k value=value.clone() /> })
        .collect_view();
    let everywhere = {
        let rest: Vec<_> = pairs
            .iter()
            .filter(|(k, _)| *k != "consultation" && *k != "clause")
            .cloned()
            .collect();
        paths::search(lang, &rest)
    };
    let scope = v.scope.clone().map(|(_, title)| {
        view! {
            <p class="search__scope">
                {td_string!(l, search_within)} " " <LocalizedSpan text=title lang /> " · "
                <a href=everywhere>{td_string!(l, search_everywhere)}</a>
            </p>
        }
    });
    let sort_option = move |s: Sort| {
        let label = match s {
            Sort::Relevance => td_string!(l, search_sort_relevance),
            Sort::Newest => td_string!(l, search_sort_newest),
        };
        view! { <option value=s.as_str() selected=q.sort == s>{label}</option> }
    };
    let error = v.error.clone().map(|e| {
        view! { <p class="form-summary" role="alert">{input_error(&e, lang)}</p> }
    });
    let total = v.total;
    let count = (v.error.is_none()).then(|| {
        view! { <p class="list__count" role="status">{td!(l, search_found, count = move || total, num = shown(total))}</p> }
    });
    let empty = (v.error.is_none() && v.hits.is_empty()).then(|| {
        view! { <p class="empty-state">{td_string!(l, search_nothing)}</p> }
    });
    let has_facets = !v.facets.is_empty();
    let facets = v
        .facets
        .into_iter()
        .map(|f| view! { <Facet f lang /> })
        .collect_view();
    let pick = v.answer_in.is_some();
    let hits = v
        .hits
        .into_iter()
        .map(|h| view! { <Hit h pick lang /> })
        .collect_view();
    let page = q.page;
    let pages = v.pages;
    let pagination = (pages > 1).then(|| {
        view! {
            <nav class="pagination" aria-label=td_string!(l, pagination_label)>
                {v.prev.map(|h| view! { <a rel="prev" href=h>{td_string!(l, pagination_prev)}</a> })}
                <span>{digits(format!("{page} / {pages}"))}</span>
                {v.next.map(|h| view! { <a rel="next" href=h>{td_string!(l, pagination_next)}</a> })}
            </nav>
        }
    });
    view! {
        <form method="get" action=paths::search_page(lang) role="search" class="search-form">
            {hidden}
            <label for="search-q">{td_string!(l, search_label)}</label>
            <div class="search-form__row">
                <input type="search" id="search-q" name="q" value=q.q.clone() dir="auto"
                    maxlength="500" aria-describedby="search-hint" />
                <button type="submit" class="button">{td_string!(l, search_button)}</button>
            </div>
            <p id="search-hint" class="field__hint">{td_string!(l, search_hint)}</p>
            {scope}
            <details class="search-form__more" open=q.sort != Sort::Relevance || q.from.is_some() || q.to.is_some()>
                <summary>{td_string!(l, search_more)}</summary>
                <div class="filters">
                    <div class="field field--inline">
                        <label for="search-sort">{td_string!(l, search_sort)}</label>
                        <select name="sort" id="search-sort">
                            {sort_option(Sort::Relevance)}
                            {sort_option(Sort::Newest)}
                        </select>
                    </div>
                    <div class="field field--inline">
                        <label for="search-from">{td_string!(l, search_from)}</label>
                        <input type="date" name="from" id="search-from" value=q.from.map(|d| d.to_string()) />
                    </div>
                    <div class="field field--inline">
                        <label for="search-to">{td_string!(l, search_to)}</label>
                        <input type="date" name="to" id="search-to" value=q.to.map(|d| d.to_string()) />
                    </div>
                </div>
            </details>
        </form>
        {error}
        {count}
        <div class="search__layout">
            {has_facets.then(|| view! {
                <aside class="search__facets" aria-label=td_string!(l, search_refine)>{facets}</aside>
            })}
            <div class="search__results">
                {empty}
                {match v.answer_in {
                    // Staff tick the hits that make the same point and answer them at
                    // once in the queue (a GET: the queue lists and ticks them).
                    Some(slug) if total > 0 => view! {
                        <form method="get" action=paths::responses(lang, &slug, "") class="search__pick">
                            <p class="field__hint">{td_string!(l, search_pick_hint)}</p>
                            <ol class="search__hits">{hits}</ol>
                            <button type="submit" class="button">{td_string!(l, search_pick_send)}</button>
                        </form>
                    }.into_any(),
                    _ => view! { <ol class="search__hits">{hits}</ol> }.into_any(),
                }}
                {pagination}
            </div>
        </div>
    }
}

#[component]
fn Facet(f: FacetView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let title = match f.name.as_str() {
        "kind" => td_string!(l, search_facet_kind),
        "consultation" => td_string!(l, search_facet_consultation),
        "agency" => td_string!(l, search_facet_agency),
        "clause" => td_string!(l, search_facet_clause),
        "channel" => td_string!(l, search_facet_channel),
        "speaker" => td_string!(l, search_facet_speaker),
        _ => td_string!(l, search_facet_outcome),
    };
    let name = f.name.clone();
    let values = f
        .values
        .into_iter()
        .map(|v| view! { <FacetValue name=name.clone() v lang /> })
        .collect_view();
    view! {
        <section class="facet">
            <h2 class="facet__title">{title}</h2>
            <ul class="facet__values">{values}</ul>
        </section>
    }
}

#[component]
fn FacetValue(name: String, v: FacetValueView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let label = match (&v.name, name.as_str()) {
        (Some(text), "clause") => view! {
            {td_string!(l, search_clause_number)} " " {digits(text.get(lang).unwrap_or_default())}
        }
        .into_any(),
        (Some(text), _) => view! { <LocalizedSpan text=text.clone() lang /> }.into_any(),
        (None, facet) => view! { {value_label(facet, &v.value, lang)} }.into_any(),
    };
    let count = digits(v.count);
    view! {
        <li>
            <a href=v.href class="facet__value" class:facet__value--chosen=v.chosen rel="nofollow">
                {v.chosen.then(|| view! { <span aria-hidden="true">"✓ "</span> })}
                <span class="facet__label">{label}</span>
                " "
                <span class="facet__count">{count}</span>
                {v.chosen.then(|| view! { <span class="visually-hidden">" (" {td_string!(l, search_facet_remove)} ")"</span> })}
            </a>
        </li>
    }
}

/// The name of a facet value the page knows by itself (kinds, channels, speakers,
/// outcomes); the value as it is otherwise.
fn value_label(facet: &str, value: &str, lang: Lang) -> String {
    let l = lang.locale();
    let label = match facet {
        "kind" => HitKind::parse(value).map(|k| match k {
            HitKind::Contribution => td_string!(l, search_kind_contribution),
            HitKind::Clause => td_string!(l, search_kind_clause),
            HitKind::Consultation => td_string!(l, search_kind_consultation),
        }),
        "channel" => Channel::parse(value).map(|c| match c {
            Channel::Online => td_string!(l, search_channel_online),
            Channel::Workshop => td_string!(l, search_channel_workshop),
            Channel::SocialMedia => td_string!(l, search_channel_social_media),
            Channel::Email => td_string!(l, search_channel_email),
            Channel::Letter => td_string!(l, search_channel_letter),
        }),
        "speaker" => SpeakerKind::parse(value).map(|s| match s {
            SpeakerKind::Individual => td_string!(l, search_speaker_individual),
            SpeakerKind::Agency => td_string!(l, org_kind_agency),
            SpeakerKind::Company => td_string!(l, org_kind_company),
            SpeakerKind::Ngo => td_string!(l, org_kind_ngo),
            SpeakerKind::Academic => td_string!(l, org_kind_academic),
        }),
        "outcome" => Answer::parse(value).map(|a| match a {
            Answer::Unanswered => td_string!(l, search_unanswered),
            Answer::Accepted => td_string!(l, outcome_accepted),
            Answer::PartlyAccepted => td_string!(l, outcome_partly_accepted),
            Answer::NotAdopted => td_string!(l, outcome_not_adopted),
            Answer::Noted => td_string!(l, outcome_noted),
            Answer::OutOfScope => td_string!(l, outcome_out_of_scope),
        }),
        _ => None,
    };
    label.map_or_else(|| value.to_owned(), str::to_owned)
}

/// One result; with `pick`, a contribution also has a box to tick it for an answer.
#[component]
fn Hit(h: HitView, pick: bool, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    // In Arabic a comma: a middle dot beside Arabic-Indic digits reads as a zero (٠).
    let sep = if lang == Lang::Ar { "، " } else { " · " };
    let kind = match (h.kind, h.reply) {
        (HitKind::Contribution, true) => td_string!(l, search_kind_reply),
        (HitKind::Contribution, false) => td_string!(l, search_kind_contribution),
        (HitKind::Clause, _) => td_string!(l, search_kind_clause),
        (HitKind::Consultation, _) => td_string!(l, search_kind_consultation),
    };
    let clause = h.clause_number.map(|n| {
        view! { {sep} {td_string!(l, search_clause_number)} " " {digits(n)} }
    });
    let earlier = h.earlier_version.map(|n| {
        view! { {sep} <span class="badge">{td_string!(l, search_earlier_version)} " " {digits(n)}</span> }
    });
    let snippet = h
        .snippet
        .into_iter()
        .map(|(text, marked)| {
            if marked {
                view! { <mark>{text}</mark> }.into_any()
            } else {
                view! { {text} }.into_any()
            }
        })
        .collect_view();
    let tick = h.contribution.filter(|_| pick).map(|id| {
        let box_id = format!("pick-{id}");
        view! {
            <p class="search-hit__pick">
                <input type="checkbox" name="pick" value=id.to_string() id=box_id.clone() />
                " "<label for=box_id>{digits(td_string!(l, search_pick).replace("%n%", &id.to_string()))}</label>
            </p>
        }
    });
    view! {
        <li class="search-hit">
            {tick}
            <p class="search-hit__meta">
                <span class="badge" data-kind=h.kind.as_str()>{kind}</span>
                " "
                <LocalizedSpan text=h.consultation_title lang />
                {clause}
                {earlier}
            </p>
            <p class="search-hit__snippet" dir="auto">
                <a href=h.href>{snippet}</a>
            </p>
            <p class="search-hit__date"><DateText date=h.created /></p>
        </li>
    }
}

/// What the page says about a query string it could not read, in the reader's language.
fn input_error(e: &SearchInputError, lang: Lang) -> String {
    let l = lang.locale();
    match e {
        SearchInputError::UnclosedQuote => td_string!(l, search_error_quote).to_owned(),
        SearchInputError::TooLong => td_string!(l, search_error_long).to_owned(),
        SearchInputError::TooManyParts => td_string!(l, search_error_parts).to_owned(),
        SearchInputError::DatesReversed => td_string!(l, search_error_dates).to_owned(),
        SearchInputError::TooDeep => td_string!(l, search_error_deep).to_owned(),
        SearchInputError::BadValue { .. } | SearchInputError::UnknownParam(_) => {
            td_string!(l, search_error_filter).to_owned()
        }
    }
}
