//! Public pages about consultations.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::{Meta, Title};

use super::api::open_consultations;
use crate::domain::{ConsultationCard, ConsultationStatus, Lang};
use crate::ui::layout::use_lang;
use crate::ui::text::LocalizedSpan;

/// The home page: what is open for comment now.
#[component]
pub fn HomePage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let cards = Resource::new(|| (), |_| open_consultations());
    let title = format!(
        "{} · {}",
        td_string!(locale, home_title),
        td_string!(locale, site_name)
    );
    view! {
        <Title text=title />
        <Meta name="description" content=td_string!(locale, site_tagline) />
        <section class="page home">
            <h1>{td_string!(locale, home_title)}</h1>
            <p class="lead">{td_string!(locale, home_intro)}</p>
            <Suspense fallback=move || view! { <p>{td_string!(locale, loading)}</p> }>
                {move || Suspend::new(async move {
                    match cards.await {
                        Ok(list) if list.is_empty() => {
                            view! { <p class="empty-state">{td_string!(locale, home_empty)}</p> }
                                .into_any()
                        }
                        Ok(list) => {
                            view! {
                                <ul class="card-list">
                                    {list
                                        .into_iter()
                                        .map(|c| view! { <ConsultationCardView card=c lang /> })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }
                        Err(_) => {
                            view! { <p class="error" role="alert">{td_string!(locale, home_error)}</p> }
                                .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn ConsultationCardView(card: ConsultationCard, lang: Lang) -> impl IntoView {
    let locale = lang.locale();
    let status = status_label(card.status, lang);
    let closes = card.closes_at.format("%Y-%m-%d").to_string();
    let closes_iso = card.closes_at.to_rfc3339();
    view! {
        <li class="card" data-slug=card.slug.clone()>
            <h2 class="card__title">
                <LocalizedSpan text=card.title.clone() lang />
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
            <p class="card__dates">
                {td_string!(locale, consultation_closes)}
                " "
                <time datetime=closes_iso>{closes}</time>
            </p>
        </li>
    }
}

fn status_label(status: ConsultationStatus, lang: Lang) -> String {
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
