//! The final report of a concluded consultation, `/{lang}/consultations/{slug}/report`:
//! who took part (by channel, by kind of speaker, by clause), how the agency answered
//! (by outcome, how fast), and how the draft changed from the first version to the
//! final one with the contributions each change answered. Made to be printed (see
//! `style/print.css`): the whole record on paper, its links written out.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

use super::api::ImpactView;
use super::pages::{
    clause_table, counts_list, open_data, outcome_label, ImpactEntry, TimingSummary,
};
use crate::consultations::pages::DateText;
use crate::contributions::pages::org_kind_label;
use crate::domain::contribution::{Channel, OrgKind};
use crate::domain::dates::DateLabel;
use crate::domain::{Lang, LocalizedText};
use crate::error::AppError;
use crate::paths;
use crate::ui::denied::error_page;
use crate::ui::layout::{digits, page_title, use_lang};
use crate::ui::text::LocalizedSpan;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    pub impact: ImpactView,
    pub agency_slug: String,
    pub agency_name: LocalizedText,
    pub summary: LocalizedText,
    pub opens: DateLabel,
    pub closes: DateLabel,
    pub concluded: Option<DateLabel>,
    pub contributions: i64,
    pub replies: i64,
    pub contributors: i64,
    /// `None`: individuals.
    pub by_speaker: Vec<(Option<OrgKind>, i64)>,
}

/// The final report of consultation `slug`: `None` while it is not concluded.
#[server(prefix = "/api/fn", endpoint = "consultation_report")]
pub async fn consultation_report(slug: String, lang: Lang) -> Result<Option<ReportView>, AppError> {
    use crate::domain::ConsultationStatus;
    use crate::ssr::calendar::label;
    use crate::ssr::consultations::store as consultations;
    use crate::ssr::context;
    use crate::ssr::contributions::store as contributions;
    use crate::ssr::db::StoreError;
    let state = context::app_state()?;
    let Some(c) = consultations::public_by_slug(&state.db, &slug).await? else {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        return Err(AppError::NotFound);
    };
    if c.status_at(state.clock.now()) != ConsultationStatus::Concluded {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
        return Ok(None);
    }
    let p = contributions::participation(&state.db, c.id).await?;
    let impact = super::api::ssr::impact(slug, lang).await?;
    let tz = &c.agency_time_zone;
    let by_speaker = p
        .by_speaker
        .into_iter()
        .map(|(code, n)| match code {
            None => Ok((None, n)),
            Some(code) => OrgKind::parse(&code)
                .map(|k| (Some(k), n))
                .ok_or_else(|| StoreError::corrupt("contributions", "org_kind", code)),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(ReportView {
        impact,
        agency_slug: c.agency_slug,
        agency_name: c.agency_name,
        summary: c.summary,
        opens: label(c.opens_at, tz, lang),
        closes: label(c.closes_at, tz, lang),
        concluded: c.concluded_at.map(|at| label(at, tz, lang)),
        contributions: p.contributions,
        replies: p.replies,
        contributors: p.contributors,
        by_speaker,
    }))
}

fn channel_name(c: Channel, lang: Lang) -> &'static str {
    let l = lang.locale();
    match c {
        Channel::Online => td_string!(l, channel_online),
        Channel::Workshop => td_string!(l, channel_workshop),
        Channel::SocialMedia => td_string!(l, channel_social_media),
        Channel::Email => td_string!(l, channel_email),
        Channel::Letter => td_string!(l, channel_letter),
    }
}

/// How many contributions came through each channel, and their share of all.
#[component]
pub fn ChannelShares(shares: Vec<(Channel, i64)>, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let total: i64 = shares.iter().map(|(_, n)| n).sum();
    view! {
        <table class="table report__shares channel-shares">
            <caption>{td_string!(l, report_by_channel)}</caption>
            <tbody>
                {shares.iter().map(|(c, n)| view! {
                    <tr data-channel=c.as_str()><th scope="row">{channel_name(*c, lang)}</th><td>{digits(n)}</td><td>{digits(share(*n, total))}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// A share of a total, as a whole percentage.
fn share(n: i64, total: i64) -> String {
    if total <= 0 {
        return String::new();
    }
    format!("{}%", (n * 100 + total / 2) / total)
}

/// `/{lang}/consultations/{slug}/report`.
#[component]
pub fn ReportPage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let params = use_params_map();
    let data = Resource::new(
        move || params.get().get("slug").unwrap_or_default(),
        move |slug| consultation_report(slug, lang),
    );
    view! {
        <Title text=page_title(lang, td_string!(l, report_title)) />
        <article class="page impact report">
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || Suspend::new(async move {
                    let r = match data.await {
                        Ok(Some(r)) => r,
                        Ok(None) => {
                            let slug = params.get_untracked().get("slug").unwrap_or_default();
                            return view! {
                                <h1>{td_string!(l, report_title)}</h1>
                                <p class="notice">{td_string!(l, report_not_yet)}</p>
                                <p><a href=paths::impact(lang, &slug)>{td_string!(l, impact_title)}</a></p>
                            }.into_any();
                        }
                        Err(e) => return error_page(e, lang),
                    };
                    let v = r.impact.clone();
                    let slug = v.slug.clone();
                    let total = r.contributions;
                    view! {
                        <p class="report__agency"><a href=paths::agency(lang, &r.agency_slug)><LocalizedSpan text=r.agency_name.clone() lang /></a></p>
                        <h1>{td_string!(l, report_title)}": "<LocalizedSpan text=v.title.clone() lang /></h1>
                        <p class="lead"><LocalizedSpan text=r.summary.clone() lang /></p>
                        <dl class="report__facts">
                            <div><dt>{td_string!(l, period_opens)}</dt><dd><DateText date=r.opens.clone() /></dd></div>
                            <div><dt>{td_string!(l, period_closes)}</dt><dd><DateText date=r.closes.clone() /></dd></div>
                            {r.concluded.clone().map(|d| view! { <div><dt>{td_string!(l, report_concluded)}</dt><dd><DateText date=d /></dd></div> })}
                            <div><dt>{td_string!(l, report_versions)}</dt><dd>{digits(v.latest_version)}</dd></div>
                        </dl>
                        <section aria-labelledby="report-participation">
                            <h2 id="report-participation">{td_string!(l, report_participation)}</h2>
                            <dl class="timing">
                                <div><dt>{td_string!(l, impact_contributions)}</dt><dd>{digits(total)}</dd></div>
                                <div><dt>{td_string!(l, report_replies)}</dt><dd>{digits(r.replies)}</dd></div>
                                <div><dt>{td_string!(l, report_contributors)}</dt><dd>{digits(r.contributors)}</dd></div>
                            </dl>
                            <div class="report__split">
                                <ChannelShares shares=v.by_channel.clone() lang />
                                <table class="table report__shares">
                                    <caption>{td_string!(l, report_by_speaker)}</caption>
                                    <tbody>
                                        {r.by_speaker.iter().map(|(k, n)| view! {
                                            <tr><th scope="row">{match k {
                                                Some(k) => org_kind_label(*k, lang),
                                                None => td_string!(l, search_speaker_individual),
                                            }}</th><td>{digits(n)}</td><td>{digits(share(*n, total))}</td></tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        </section>
                        <section aria-labelledby="report-responses">
                            <h2 id="report-responses">{td_string!(l, report_responses)}</h2>
                            <dl class="timing impact__totals">
                                <div><dt>{td_string!(l, search_unanswered)}</dt><dd>{digits(v.counts.unanswered)}</dd></div>
                                {v.counts.by_outcome.iter().map(|(o, n)| view! {
                                    <div data-outcome=o.as_str()><dt>{outcome_label(*o, lang)}</dt><dd>{digits(n)}</dd></div>
                                }).collect_view()}
                            </dl>
                            <TimingSummary t=v.timing.clone() lang />
                        </section>
                        <section aria-labelledby="report-changes">
                            <h2 id="report-changes">{td_string!(l, report_changes)}</h2>
                            {clause_table(&v, lang)}
                            {(v.whole_draft.total > 0).then(|| view! {
                                <p>{td_string!(l, responses_whole_draft)}": "{digits(v.whole_draft.total)}</p>
                                {counts_list(&v.whole_draft, lang)}
                            })}
                        </section>
                        <section aria-labelledby="report-adopted">
                            <h2 id="report-adopted">{td_string!(l, impact_adopted)}" ("{digits(v.adopted_total)}")"</h2>
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
                        {open_data(&slug, lang)}
                    }.into_any()
                })}
            </Suspense>
        </article>
    }
}
