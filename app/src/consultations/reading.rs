//! The pages where a consultation is read: its draft clause by clause (any version, at
//! its own permalink), and the comparison of two versions.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_i18n::{td, td_string};
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    consultation_diff, consultation_view, AttachmentView, ConsultationData, DiffView,
};
use super::pages::{status_label, DateText};
use crate::contributions::form::Intent;
use crate::contributions::pages::Contributions;
use crate::domain::draft::{ClauseChange, ClauseDiff, ClauseKind, ClauseView, SegmentOp};
use crate::domain::{ClauseKey, ConsultationStatus, ContributionId, Lang};
use crate::paths;
use crate::responses::pages::TimingSummary;
use crate::responses::report::ChannelShares;
use crate::ui::denied::error_page;
use crate::ui::form::PostForm;
use crate::ui::layout::{digits, encode_query_value, page_title, shown, use_lang};
use crate::ui::text::{fallback_note, LocalizedSpan};
use crate::workshops::pages::ConsultationWorkshopsSection;

/// `/{lang}/consultations/{slug}` and `/{lang}/consultations/{slug}/versions/{n}`.
#[component]
pub fn ConsultationPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let data = Resource::new(
        move || {
            let p = params.get();
            (
                p.get("slug").unwrap_or_default(),
                // Versions count from 1: a malformed number asks for version 0, which
                // no consultation has, so it is a 404 like any unknown version.
                p.get("n").map(|n| n.parse::<u32>().unwrap_or(0)),
            )
        },
        move |(slug, n)| consultation_view(slug, n, lang),
    );
    // Fetched beside the draft, not after it; shown under the latest version.
    let threads = crate::contributions::pages::threads(lang);
    view! {
        <Suspense fallback=move || view! { <p>{td_string!(lang.locale(), loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(c) => view! { <ConsultationBody c threads lang /> }.into_any(),
                    Err(e) => error_page(e, lang),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ConsultationBody(
    c: ConsultationData,
    threads: crate::contributions::pages::Threads,
    lang: Lang,
) -> impl IntoView {
    let l = lang.locale();
    let code = lang.code();
    let title = c.title.pick(lang).map(|p| p.text).unwrap_or_default();
    let summary = c.summary.pick(lang).map(|p| p.text).unwrap_or_default();
    let base = paths::consultation(lang, &c.slug);
    let page_url = paths::absolute(&c.public_url, &base);
    let permalink = paths::absolute(&c.public_url, &paths::version(lang, &c.slug, c.version));
    let latest = c.latest_version();
    let is_latest = c.version == latest;
    let status = c.status;
    let toc: Vec<ClauseView> = c
        .clauses
        .iter()
        .filter(|cl| cl.kind != ClauseKind::Text)
        .cloned()
        .collect();
    let share = ShareLinks {
        url: page_url.clone(),
        text: title.clone(),
    };
    view! {
        <Title text=page_title(lang, &title) />
        <Meta name="description" content=summary.clone() />
        <Meta property="og:type" content="article" />
        <Meta property="og:title" content=title.clone() />
        <Meta property="og:description" content=summary.clone() />
        <Meta property="og:url" content=page_url />
        <Meta property="og:locale" content=if lang == Lang::Ar { "ar_SA" } else { "en_US" } />
        <Meta name="twitter:card" content="summary" />
        <Meta name="twitter:title" content=title.clone() />
        <Meta name="twitter:description" content=summary />
        <article class="page consultation" data-status=status.as_str()>
            <header class="consultation__header">
                <p class="consultation__agency">
                    <a href=paths::agency(lang, &c.agency_slug)>
                        <LocalizedSpan text=c.agency_name.clone() lang />
                    </a>
                </p>
                <Link rel="alternate" type_="application/atom+xml" href=paths::consultation_feed(lang, &c.slug) />
                <h1><LocalizedSpan text=c.title.clone() lang /></h1>
                <p class="card__meta">
                    <span class="badge" data-status=status.as_str()>{status_label(status, lang)}</span>
                    {c.topics.iter().map(|t| view! {
                        " "
                        <a class="tag" href=paths::topic(lang, &t.slug)>
                            <LocalizedSpan text=t.name.clone() lang />
                        </a>
                    }).collect_view()}
                </p>
                {c.can_edit.then(|| view! {
                    <p><a class="button button--secondary" href=paths::consultation_edit(lang, &c.slug)>
                        {td_string!(l, consultation_manage)}
                    </a></p>
                })}
                {(status.is_public()).then(|| view! {
                    <Follow action=base.clone() following=c.following lang />
                })}
            </header>
            <section class="consultation__summary">
                <p class="lead"><LocalizedSpan text=c.summary.clone() lang /></p>
                {(!c.audience.is_empty()).then(|| view! {
                    <p><strong>{td_string!(l, consultation_audience)}" "</strong>
                    <LocalizedSpan text=c.audience.clone() lang /></p>
                })}
                {c.contact_email.clone().map(|m| view! {
                    <p><strong>{td_string!(l, consultation_contact)}" "</strong>
                    <a href=format!("mailto:{m}") dir="ltr">{m.clone()}</a></p>
                })}
            </section>
            {(!c.attachments.is_empty()).then(|| view! {
                <section class="documents" aria-labelledby="documents-title">
                    <h2 id="documents-title">{td_string!(l, documents_title)}</h2>
                    <ul class="documents__list">
                        {c.attachments.iter().cloned().map(|a| view! {
                            <li><AttachmentLink a lang /></li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            <Timeline c=c.clone() lang />
            {c.timing.clone().map(|t| view! {
                <section class="accountability" aria-labelledby="accountability-title">
                    <h2 id="accountability-title">{td_string!(l, accountability_title)}</h2>
                    <TimingSummary t lang />
                    {(c.channels.len() > 1).then(|| view! { <ChannelShares shares=c.channels.clone() lang /> })}
                    <p>
                        <a href=paths::impact(lang, &c.slug)>{td_string!(l, impact_link)}</a>
                        {(status == ConsultationStatus::Concluded).then(|| view! {
                            " · "<a href=paths::report(lang, &c.slug)>{td_string!(l, report_link)}</a>
                        })}
                        " · "<a href=paths::consultation_feed(lang, &c.slug) type="application/atom+xml">{td_string!(l, feed_subscribe)}</a>
                    </p>
                    {c.can_edit.then(|| view! {
                        <p><a class="button button--secondary" href=paths::responses(lang, &c.slug, "")>
                            {td_string!(l, responses_queue_link)}
                        </a></p>
                    })}
                </section>
            })}
            <ConsultationWorkshopsSection slug=c.slug.clone() w=c.workshops.clone() lang />
            {(!is_latest).then(|| view! {
                <p class="notice" role="note">
                    {td_string!(l, version_old_notice)}" "
                    <a href=base.clone()>{td_string!(l, version_see_latest)}</a>
                </p>
            })}
            {(status.is_public()).then(|| view! {
                <form method="get" action=paths::search_page(lang) role="search"
                    class="search-form search-form--inline">
                    <input type="hidden" name="consultation" value=c.slug.clone() />
                    <label for="consultation-search">{td_string!(l, search_consultation_label)}</label>
                    <div class="search-form__row">
                        <input type="search" id="consultation-search" name="q" dir="auto" maxlength="500" />
                        <button type="submit" class="button">{td_string!(l, search_button)}</button>
                    </div>
                </form>
            })}
            <div class="consultation__layout">
                <nav class="toc" aria-labelledby="toc-title">
                    <h2 id="toc-title">{td_string!(l, toc_title)}</h2>
                    <ol>
                        {toc.into_iter().map(|cl| {
                            let n = c.comments_on(&cl.key);
                            view! {
                                <li class=format!("toc__{}", cl.kind.as_str())>
                                    <a href=format!("#{}", cl.anchor())>
                                        {cl.number.map(|n| digits(format!("{n}. ")))}
                                        <bdi>{cl.title.clone()}</bdi>
                                    </a>
                                    {(n > 0).then(|| view! {
                                        " "<span class="toc__count">"("{td!(l, clause_comments, count = move || n, num = shown(n))}")"</span>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ol>
                </nav>
                <section class="draft" aria-labelledby="draft-title">
                    <h2 id="draft-title">
                        {td_string!(l, draft_title)}" · "{td_string!(l, version_label)}" "{digits(c.version)}
                    </h2>
                    <p class="draft__export">
                        <a href=paths::version_markdown(lang, &c.slug, c.version) rel="external"
                            download=format!("{}-v{}-{code}.md", c.slug, c.version)>
                            {td_string!(l, draft_download_markdown)}
                        </a>
                    </p>
                    {c.clauses.iter().cloned().map(|cl| {
                        let comments = is_latest.then(|| c.comments_on(&cl.key));
                        view! { <Clause cl lang comments open=status == ConsultationStatus::Open /> }
                    }).collect_view()}
                </section>
            </div>
            // A draft is its agency's preview: nobody has commented on it yet.
            {(is_latest && status.is_public())
                .then(|| view! { <Contributions data=threads lang /> })}
            <Versions c=c.clone() lang />
            <section class="share" aria-labelledby="share-title">
                <h2 id="share-title">{td_string!(l, share_title)}</h2>
                {share.view(lang)}
                <p class="permalink">{td_string!(l, permalink_label)}" "
                    <a href=permalink.clone() dir="ltr">{permalink.clone()}</a>
                </p>
            </section>
        </article>
    }
}

/// A link to an attached document, with its type and size.
#[component]
pub fn AttachmentLink(a: AttachmentView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let size = if a.size_bytes >= 1024 * 1024 {
        format!(
            "{:.1} {}",
            a.size_bytes as f64 / (1024.0 * 1024.0),
            td_string!(l, unit_mb)
        )
    } else {
        format!(
            "{} {}",
            (a.size_bytes + 1023) / 1024,
            td_string!(l, unit_kb)
        )
    };
    view! {
        <a href=a.href() rel="external" type="application/pdf">
            <LocalizedSpan text=a.title.clone() lang />
        </a>
        " "
        <small class="documents__meta">"PDF · "<bdi>{size}</bdi></small>
    }
}

/// One clause with its anchor; on the latest version, `comments` (how many there are)
/// links to the contributions about it and, while `open`, to the form.
#[component]
fn Clause(cl: ClauseView, lang: Lang, comments: Option<i64>, open: bool) -> impl IntoView {
    let l = lang.locale();
    let anchor = cl.anchor();
    let link = format!("#{anchor}");
    let fallback = cl.is_fallback.then(|| fallback_note(lang));
    let body = match cl.kind {
        ClauseKind::Heading => {
            let level = cl.level.clamp(2, 4);
            let title = cl.title.clone();
            match level {
                2 => view! { <h3 class="clause__heading" lang=cl.lang.code()>{title}</h3> }.into_any(),
                _ => view! { <h4 class="clause__heading" lang=cl.lang.code()>{title}</h4> }.into_any(),
            }
        }
        _ => view! {
            <div class="clause__text" lang=cl.lang.code() dir=cl.lang.dir() inner_html=cl.html.clone()></div>
        }
        .into_any(),
    };
    view! {
        <div id=anchor class=format!("clause clause--{}", cl.kind.as_str()) data-key=cl.key.to_string()>
            {cl.number.map(|n| view! {
                <a class="clause__number" href=link.clone() aria-label=digits(format!("{} {n}", td_string!(l, clause_label)))>{digits(n)}</a>
            })}
            {body}
            {fallback}
            {comments.filter(|n| cl.kind != ClauseKind::Heading && (open || *n > 0)).map(|n| {
                let href = format!("?clause={}#contribute", cl.key);
                view! {
                    <p class="clause__comments">
                        <a href=href rel="external">
                            {open.then(|| td_string!(l, clause_comment_here))}
                            {(open && n > 0).then_some(" · ")}
                            {(n > 0).then(|| td!(l, clause_comments, count = move || n, num = shown(n)))}
                        </a>
                    </p>
                }
            })}
        </div>
    }
}

/// The comment period and the consultation's stages, each marked done, current or to come.
#[component]
fn Timeline(c: ConsultationData, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let stage = |s: ConsultationStatus| match s {
        ConsultationStatus::Draft | ConsultationStatus::Scheduled => 0,
        ConsultationStatus::Open => 1,
        ConsultationStatus::Closed => 2,
        ConsultationStatus::Concluded => 3,
    };
    let now_stage = stage(c.status);
    let state = move |i: i32| {
        if i < now_stage {
            "done"
        } else if i == now_stage {
            "current"
        } else {
            "future"
        }
    };
    view! {
        <section class="period" aria-labelledby="period-title">
            <h2 id="period-title">{td_string!(l, period_title)}</h2>
            <p>
                // In the tense of the moment: what will happen, or what did.
                {if c.opens_at <= c.now { td_string!(l, period_opened) } else { td_string!(l, period_opens) }}
                " "<DateText date=c.opens.clone() />
                <br />
                {if c.closes_at <= c.now { td_string!(l, period_closed) } else { td_string!(l, period_closes) }}
                " "<DateText date=c.closes.clone() />
            </p>
            {(c.status == ConsultationStatus::Open).then(|| view! {
                <Countdown closes_at=c.closes_at now=c.now lang />
            })}
            <ol class="timeline">
                <li data-state=state(0)>{td_string!(l, status_scheduled)}</li>
                <li data-state=state(1)>{td_string!(l, status_open)}</li>
                <li data-state=state(2)>{td_string!(l, status_closed)}</li>
                <li data-state=state(3)>{td_string!(l, status_concluded)}</li>
            </ol>
        </section>
    }
}

/// Follow or stop following: news of the consultation by mail. Anonymous readers are
/// offered to sign in.
#[component]
fn Follow(action: String, following: Option<bool>, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let Some(following) = following else {
        return view! {
            <p class="follow" id="follow">
                <a href=paths::sign_in_then(lang, &action)>{td_string!(l, follow_sign_in)}</a>
            </p>
        }
        .into_any();
    };
    let intent = if following {
        Intent::Unfollow
    } else {
        Intent::Follow
    }
    .as_str();
    view! {
        <div class="follow" id="follow">
            <PostForm action lang intent fields=move |_| view! {
                <button type="submit" class="button button--secondary" aria-pressed=following.to_string()>
                    {if following { td_string!(l, follow_stop) } else { td_string!(l, follow_start) }}
                </button>
                <p class="follow__hint">
                    {if following { td_string!(l, follow_following) } else { td_string!(l, follow_hint) }}
                </p>
            }.into_any() />
        </div>
    }
    .into_any()
}

/// The time left to comment. The server renders it at the moment of the request; in
/// the browser it then counts down every second.
#[component]
fn Countdown(closes_at: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let (now, set_now) = signal(now);
    // Effects run only in the browser, so the server's page stays as rendered.
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(
            move || set_now.set(Utc::now()),
            std::time::Duration::from_secs(1),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let left = move || (closes_at - now.get()).num_seconds().max(0);
    view! {
        <div class="countdown" role="timer" data-closes=closes_at.to_rfc3339()>
            <span class="countdown__title">{td_string!(l, countdown_title)}" "</span>
            {move || {
                let s = left();
                if s == 0 {
                    return view! { <span>{td_string!(l, countdown_ended)}</span> }.into_any();
                }
                let (days, hours, minutes, seconds) =
                    (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
                // Each unit's noun agrees with its number (the catalog's plural forms).
                view! {
                    <bdi dir=lang.dir()>
                        {countdown_unit(days, td!(l, countdown_days, count = move || days))}
                        {countdown_unit(hours, td!(l, countdown_hours, count = move || hours))}
                        {countdown_unit(minutes, td!(l, countdown_minutes, count = move || minutes))}
                        {countdown_unit(seconds, td!(l, countdown_seconds, count = move || seconds))}
                    </bdi>
                }
                .into_any()
            }}
        </div>
    }
}

/// One number of the countdown and its noun.
fn countdown_unit(value: i64, label: impl IntoView) -> impl IntoView {
    view! {
        <span class="countdown__unit">
            <span class="countdown__value">{digits(format!("{value:02}"))}</span>
            " "
            <span class="countdown__label">{label}</span>
        </span>
    }
}

/// The version history: every version at its permalink, with what changed.
#[component]
fn Versions(c: ConsultationData, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let slug = c.slug.clone();
    view! {
        <section class="versions" id="versions" aria-labelledby="versions-title">
            <h2 id="versions-title">{td_string!(l, versions_title)}</h2>
            <ol class="versions__list">
                {c.versions.iter().rev().map(|v| {
                    let n = v.number;
                    let href = paths::version(lang, &slug, n);
                    let diff = (n > 1).then(|| paths::diff(lang, &slug, n - 1, n));
                    view! {
                        <li aria-current=(n == c.version).then_some("true")>
                            <a href=href>{td_string!(l, version_label)}" "{digits(n)}</a>
                            " · "
                            {match v.published.clone() {
                                Some(d) => view! { <DateText date=d /> }.into_any(),
                                None => view! { <em>{td_string!(l, version_unpublished)}</em> }.into_any(),
                            }}
                            {(!v.change_note.is_empty()).then(|| view! {
                                <p class="versions__note"><LocalizedSpan text=v.change_note.clone() lang /></p>
                            })}
                            {diff.map(|d| view! {
                                <a class="versions__diff" href=d>{td_string!(l, diff_with_previous)}</a>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}

/// Links that let an agency's social-media accounts (or anyone) point to this page.
struct ShareLinks {
    url: String,
    text: String,
}

impl ShareLinks {
    fn view(&self, lang: Lang) -> impl IntoView {
        let url = encode_query_value(&self.url);
        let text = encode_query_value(&self.text);
        let l = lang.locale();
        view! {
            <ul class="share__links">
                <li><a href=format!("https://x.com/intent/post?url={url}&text={text}") rel="noopener" target="_blank">{td_string!(l, share_x)}</a></li>
                <li><a href=format!("https://wa.me/?text={text}%20{url}") rel="noopener" target="_blank">{td_string!(l, share_whatsapp)}</a></li>
                <li><a href=format!("https://www.linkedin.com/sharing/share-offsite/?url={url}") rel="noopener" target="_blank">{td_string!(l, share_linkedin)}</a></li>
                <li><a href=format!("mailto:?subject={text}&body={url}")>{td_string!(l, share_email)}</a></li>
            </ul>
        }
    }
}

/// `/{lang}/consultations/{slug}/diff?from=1&to=2`.
#[component]
pub fn DiffPage() -> impl IntoView {
    let lang = use_lang();
    let params = use_params_map();
    let query = use_query_map();
    let data = Resource::new(
        move || {
            let q = query.get();
            let from = q.get("from").and_then(|v| v.parse().ok()).unwrap_or(1);
            let to = q.get("to").and_then(|v| v.parse().ok()).unwrap_or(2);
            (params.get().get("slug").unwrap_or_default(), from, to)
        },
        move |(slug, from, to)| consultation_diff(slug, from, to, lang),
    );
    view! {
        <Suspense fallback=move || view! { <p>{td_string!(lang.locale(), loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(d) => view! { <DiffBody d lang /> }.into_any(),
                    Err(e) => error_page(e, lang),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DiffBody(d: DiffView, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let title = d.title.pick(lang).map(|p| p.text).unwrap_or_default();
    // The arrow points the way the page reads: from the old version to the new one.
    let arrow = if lang == Lang::Ar { "←" } else { "→" };
    let version = td_string!(l, version_label);
    let heading = digits(format!("{version} {} {arrow} {version} {}", d.from, d.to));
    let counts = |change: ClauseChange| d.rows.iter().filter(|r| r.change == change).count();
    let summary = digits(format!(
        "{}: {} · {}: {} · {}: {} · {}: {}",
        td_string!(l, diff_changed),
        counts(ClauseChange::Changed),
        td_string!(l, diff_added),
        counts(ClauseChange::Added),
        td_string!(l, diff_removed),
        counts(ClauseChange::Removed),
        td_string!(l, diff_moved),
        counts(ClauseChange::Moved),
    ));
    let options: Vec<(u32, String)> = d.versions.iter().map(|n| (*n, digits(n))).collect();
    let select = move |name: &'static str, selected: u32| {
        let options = options.clone();
        view! {
            <select name=name id=format!("diff-{name}")>
                {options.into_iter().map(|(n, shown)| view! {
                    <option value=n.to_string() selected={n == selected}>{shown}</option>
                }).collect_view()}
            </select>
        }
    };
    view! {
        <Title text=page_title(lang, &format!("{} · {title}", td_string!(l, diff_title))) />
        <article class="page diff">
            <p><a href=paths::consultation(lang, &d.slug)><LocalizedSpan text=d.title.clone() lang /></a></p>
            <h1>{td_string!(l, diff_title)}</h1>
            <form method="get" class="diff__choose">
                <label for="diff-from">{td_string!(l, diff_from)}</label>
                {select("from", d.from)}
                <label for="diff-to">{td_string!(l, diff_to)}</label>
                {select("to", d.to)}
                <button type="submit" class="button button--secondary">{td_string!(l, diff_compare)}</button>
            </form>
            <h2 dir=lang.dir()>{heading}</h2>
            <p class="diff__summary">{summary}</p>
            <ul class="diff__legend">
                <li><ins>{td_string!(l, diff_legend_inserted)}</ins></li>
                <li><del>{td_string!(l, diff_legend_deleted)}</del></li>
            </ul>
            <div class="diff__rows">{diff_rows(d.rows, &d.slug, &d.cited, lang)}</div>
        </article>
    }
}

/// The rows, each run of unchanged clauses folded into one line that opens to show
/// them: the page is about what changed.
fn diff_rows(
    rows: Vec<ClauseDiff>,
    slug: &str,
    cited: &[(ClauseKey, Vec<ContributionId>)],
    lang: Lang,
) -> impl IntoView {
    let l = lang.locale();
    let row = |r: ClauseDiff| {
        let because = cited
            .iter()
            .find(|(k, _)| *k == r.key)
            .map(|(_, ids)| ids.clone())
            .unwrap_or_default();
        view! { <DiffRow r because slug=slug.to_owned() lang /> }
    };
    let mut groups: Vec<(bool, Vec<ClauseDiff>)> = Vec::new();
    for r in rows {
        let unchanged = r.change == ClauseChange::Unchanged;
        match groups.last_mut() {
            Some((same, group)) if *same == unchanged && unchanged => group.push(r),
            _ => groups.push((unchanged, vec![r])),
        }
    }
    groups
        .into_iter()
        .map(|(unchanged, group)| {
            if unchanged {
                let n = group.len();
                view! {
                    <details class="diff__unchanged">
                        <summary>{td!(l, diff_unchanged_clauses, count = move || n, num = shown(n))}</summary>
                        {group.into_iter().map(row).collect_view()}
                    </details>
                }
                .into_any()
            } else {
                group.into_iter().map(row).collect_view().into_any()
            }
        })
        .collect_view()
}

/// One clause of a comparison; `because`: the contributions whose responses say it
/// changed because of them.
#[component]
fn DiffRow(r: ClauseDiff, because: Vec<ContributionId>, slug: String, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let label = match r.change {
        ClauseChange::Unchanged => td_string!(l, diff_unchanged),
        ClauseChange::Changed => td_string!(l, diff_changed),
        ClauseChange::Added => td_string!(l, diff_added),
        ClauseChange::Removed => td_string!(l, diff_removed),
        ClauseChange::Moved => td_string!(l, diff_moved),
    };
    let change = r.change.as_str();
    // Renumbered: from the old number to the new, the arrow pointing the way the page
    // reads, as in the heading.
    let arrow = if lang == Lang::Ar { "←" } else { "→" };
    let number = match (r.old_number, r.new_number) {
        (Some(o), Some(n)) if o != n => Some(format!("{o} {arrow} {n}")),
        (_, Some(n)) | (Some(n), None) => Some(n.to_string()),
        _ => None,
    };
    let number = number.map(digits);
    view! {
        <section class="diff-row" data-change=change data-key=r.key.to_string() id=format!("diff-{}", r.key)>
            <p class="diff-row__meta">
                {number.map(|n| view! { <bdi class="clause__number" dir=lang.dir()>{n}</bdi>" " })}
                <span class="badge" data-change=change>{label}</span>
            </p>
            <p class="diff-row__text" lang=r.lang.code() dir=r.lang.dir()>
                {r.segments.into_iter().map(|s| match s.op {
                    SegmentOp::Equal => view! { <span>{s.text}</span> }.into_any(),
                    SegmentOp::Insert => view! { <ins>{s.text}</ins> }.into_any(),
                    SegmentOp::Delete => view! { <del>{s.text}</del> }.into_any(),
                }).collect_view()}
            </p>
            {(!because.is_empty()).then(|| view! {
                <p class="diff-row__because">
                    {td_string!(l, diff_because)}" "
                    {because.iter().enumerate().map(|(i, id)| view! {
                        {(i > 0).then_some(" ")}
                        <a href=paths::contribution(lang, &slug, *id)>{digits(format!("#{id}"))}</a>
                    }).collect_view()}
                </p>
            })}
        </section>
    }
}
