//! The contributions under a consultation: the form to post one, the threads, and the
//! forms to reply, support, correct and withdraw. They are plain forms that post to
//! the consultation page (see `server/src/http/contributions.rs`), so all of it works
//! without JavaScript.

use leptos::prelude::*;
use leptos_i18n::{td, td_string};
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::{
    contribution_stamp, contribution_threads, ClauseOption, ContributionView, ThreadsData,
};
use crate::consultations::pages::DateText;
use crate::contributions::form::{Done, Intent};
use crate::domain::authz::Denied;
use crate::domain::contribution::{
    Attribution, Channel, ContributionStatus, OrgKind, Segment, ThreadOrder, MAX_BODY_CHARS,
};
use crate::domain::text::detect_lang;
use crate::domain::{ClauseKey, ContributionId, Lang};
use crate::error::AppError;
use crate::forms::{FormFeedback, FormMessage};
use crate::moderation::pages::{rule_label, rule_select};
use crate::paths;
use crate::responses::pages::ResponseNote;
use crate::ui::denied::error_notice;
use crate::ui::form::{use_form_feedback, FormSummary};
use crate::ui::layout::{digits, shown};

/// The threads a consultation page shows.
pub type Threads = Resource<Result<ThreadsData, AppError>>;

/// The threads of the page's consultation (the `slug` of the route), with the sort,
/// clause and page of the URL (`?sort=`, `?clause=`, `?cpage=`, `?thread=`). Made by
/// the page itself, outside its `<Suspense>`: made inside, it would be fetched and
/// serialised into the page again each time Leptos re-runs the suspended view.
pub fn threads(lang: Lang) -> Threads {
    let params = use_params_map();
    let query = use_query_map();
    Resource::new(
        move || {
            let q = query.get();
            (
                params.get().get("slug").unwrap_or_default(),
                q.get("sort").unwrap_or_default(),
                // Like a page number out of range, a malformed clause filters nothing.
                q.get("clause").and_then(|c| c.parse::<ClauseKey>().ok()),
                q.get("cpage")
                    .and_then(|p| p.parse::<u32>().ok())
                    .unwrap_or(1),
                q.get("thread")
                    .and_then(|t| t.parse::<ContributionId>().ok()),
            )
        },
        move |(slug, sort, clause, page, thread)| {
            contribution_threads(slug, lang, sort, clause, page, thread)
        },
    )
}

/// The contributions section of a consultation page: `data` from [`threads`].
#[component]
pub fn Contributions(data: Threads, lang: Lang) -> impl IntoView {
    let query = use_query_map();
    // What the last form did, to confirm next to its contribution.
    let done = query.with_untracked(|q| {
        let done = q.get("done")?.parse::<Done>().ok()?;
        let item = q.get("item")?.parse::<ContributionId>().ok()?;
        Some((done, item))
    });
    let feedback = use_form_feedback();
    // Only a signed-in reader has forms here (a visitor is asked to sign in), and their
    // session's token comes with the page's viewer: a visitor's page mints no token
    // and sets no cookie, so it is the same for every visitor and can be kept.
    let viewer = crate::accounts::api::use_viewer();
    view! {
        <section class="contributions" id="contributions" aria-labelledby="contributions-title">
            <Suspense fallback=move || view! { <p>{td_string!(lang.locale(), loading)}</p> }>
                {move || Suspend::new(async move {
                    let d = match data.await {
                        Ok(d) => d,
                        Err(e) => return error_notice(e, lang),
                    };
                    let fb = feedback.await;
                    let csrf = viewer.await.ok().flatten().map(|v| v.csrf).unwrap_or_default();
                    view! { <ThreadsBody d fb csrf done lang /> }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// What every form of the section shares: where it posts, its token, and the query
/// to come back to.
#[derive(Clone)]
struct FormContext {
    action: String,
    slug: String,
    csrf: String,
    back: String,
    lang: Lang,
    /// What the last form did, and to which contribution.
    done: Option<(Done, ContributionId)>,
}

impl FormContext {
    fn hidden(&self, intent: Intent) -> impl IntoView {
        view! {
            <input type="hidden" name="csrf" value=self.csrf.clone() />
            <input type="hidden" name="intent" value=intent.as_str() />
            <input type="hidden" name="back" value=self.back.clone() />
        }
    }
}

fn list_href(
    slug: &str,
    lang: Lang,
    order: ThreadOrder,
    clause: Option<&ClauseKey>,
    page: u32,
) -> String {
    paths::contributions(lang, slug, &paths::thread_query(order, clause, page))
}

#[component]
fn ThreadsBody(
    d: ThreadsData,
    fb: FormFeedback,
    csrf: String,
    done: Option<(Done, ContributionId)>,
    lang: Lang,
) -> impl IntoView {
    let l = lang.locale();
    let ctx = FormContext {
        action: paths::consultation(lang, &d.slug),
        csrf,
        slug: d.slug.clone(),
        back: match d.thread {
            Some(t) => format!(
                "{}&thread={t}",
                paths::thread_query(d.order, d.clause.as_ref(), d.page)
            ),
            None => paths::thread_query(d.order, d.clause.as_ref(), d.page),
        },
        lang,
        done,
    };
    let order_label = |o: ThreadOrder| match o {
        ThreadOrder::Newest => td_string!(l, contributions_sort_newest),
        ThreadOrder::Oldest => td_string!(l, contributions_sort_oldest),
        ThreadOrder::MostSupported => td_string!(l, contributions_sort_supported),
        ThreadOrder::ClauseOrder => td_string!(l, contributions_sort_clause),
    };
    let clause_label = d.clause.as_ref().map(|key| {
        d.clauses
            .iter()
            .find(|c| &c.key == key)
            .map(option_label)
            .unwrap_or_else(|| key.to_string())
    });
    // Support and withdraw answer in the section's summary; the other forms in place.
    let section_fb = [Intent::Support, Intent::Withdraw]
        .iter()
        .any(|i| fb.intent == i.as_str())
        .then(|| fb.clone());
    let post_fb = if fb.intent == Intent::Contribute.as_str() {
        fb.clone()
    } else {
        FormFeedback::default()
    };
    let chosen_clause = if post_fb.values.is_empty() {
        d.clause
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    } else {
        post_fb.value("clause")
    };
    let sorts = ThreadOrder::ALL
        .into_iter()
        .map(|o| {
            view! {
                <li>
                    <a href=list_href(&d.slug, lang, o, d.clause.as_ref(), 1)
                        aria-current=(o == d.order).then_some("true")>{order_label(o)}</a>
                </li>
            }
        })
        .collect_view();
    let can_post = d.open && d.blocked.is_none();
    // The list as last fetched: the server's page, then fresher ones (live updates).
    let shown = RwSignal::new(d.clone());
    // The reader has started writing in the list (a reply, a report…): it is then
    // refreshed only when they ask.
    let typing = RwSignal::new(false);
    let (list_ctx, list_fb) = (ctx.clone(), fb.clone());
    let list = move || {
        let d = shown.get();
        let pages = (d.pages > 1).then(|| {
            (1..=d.pages)
                .map(|p| {
                    view! {
                        <li>
                            <a href=list_href(&d.slug, lang, d.order, d.clause.as_ref(), p)
                                aria-current=(p == d.page).then_some("page")>{p}</a>
                        </li>
                    }
                })
                .collect_view()
        });
        let (ctx, fb) = (list_ctx.clone(), list_fb.clone());
        view! {
            {if d.items.is_empty() {
                view! { <p class="empty">{td_string!(l, contributions_none)}</p> }.into_any()
            } else {
                view! {
                    <ol class="threads" on:input=move |_| typing.set(true)>
                        {d.items.into_iter().map(|x| view! {
                            <Item x ctx=ctx.clone() fb=fb.clone() can_post />
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {pages.map(|p| view! {
                <nav class="pagination" aria-label=td_string!(l, pagination_label)><ol>{p}</ol></nav>
            })}
        }
    };
    view! {
        <h2 id="contributions-title">
            {td_string!(l, contributions_title)}" "
            <span class="count">"("{move || shown.with(|d| digits(d.threads))}")"</span>
        </h2>
        {section_fb.map(|fb| view! { <FormSummary feedback=fb lang /> })}
        {d.thread.map(|_| view! {
            <p class="notice" role="note">
                {td_string!(l, contributions_one_thread)}" · "
                <a href=list_href(&d.slug, lang, d.order, None, 1)>{td_string!(l, contributions_show_all)}</a>
            </p>
        })}
        {clause_label.map(|label| view! {
            <p class="notice" role="note">
                {td_string!(l, contributions_on_clause)}" "<bdi>{label}</bdi>" · "
                <a href=list_href(&d.slug, lang, d.order, None, 1)>{td_string!(l, contributions_show_all)}</a>
            </p>
        })}
        <div class="contribute" id="contribute">
            {if !d.open {
                let kept = post_fb.value("body");
                view! {
                    <FormSummary feedback=post_fb.clone() lang />
                    <p class="notice">{td_string!(l, contributions_closed)}</p>
                    {(!kept.is_empty()).then(|| view! {
                        <div class="field">
                            <label for="field-kept-body">{td_string!(l, contributions_your_text)}</label>
                            <textarea id="field-kept-body" readonly rows="6" dir="auto">{kept}</textarea>
                        </div>
                    })}
                }.into_any()
            } else if let Some(reason) = d.blocked {
                let (text, href) = match reason {
                    Denied::EmailUnverified => (td_string!(l, contributions_verify_first), paths::account(lang)),
                    _ => (
                        td_string!(l, contributions_sign_in_first),
                        paths::sign_in_then(lang, &paths::consultation(lang, &d.slug)),
                    ),
                };
                view! { <p class="notice"><a href=href>{text}</a></p> }.into_any()
            } else {
                view! {
                    <PostContribution ctx=ctx.clone() clauses=d.clauses.clone() chosen=chosen_clause fb=post_fb />
                }.into_any()
            }}
        </div>
        <p class="contributions__rules">
            <a href=paths::moderation_rules(lang)>{td_string!(l, rules_title)}</a>
            " · "
            <a href=paths::moderation_log(lang, &d.slug)>{td_string!(l, moderation_log_title)}</a>
        </p>
        <nav class="sort" aria-label=td_string!(l, contributions_sort_label)>
            <span>{td_string!(l, contributions_sort_label)}": "</span>
            <ul>{sorts}</ul>
        </nav>
        <LiveUpdates shown typing lang />
        {list}
    }
}

/// How often an open page asks whether its threads changed.
const POLL_SECONDS: u64 = 10;

/// Keeps the list fresh while the page is open (in the browser only: the server's page
/// is complete as rendered). Every [`POLL_SECONDS`] a visible page asks whether the
/// threads changed and, when they did, fetches its page of them again: at once, or —
/// when the reader has started writing in the list — only on their click, so that
/// nothing typed is lost.
#[component]
fn LiveUpdates(shown: RwSignal<ThreadsData>, typing: RwSignal<bool>, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let waiting = RwSignal::new(false);
    let updates = RwSignal::new(0u32);
    let fetch = move || {
        let d = shown.get_untracked();
        leptos::task::spawn_local(async move {
            let order = d.order.as_str().to_owned();
            if let Ok(fresh) =
                contribution_threads(d.slug, lang, order, d.clause, d.page, d.thread).await
            {
                shown.set(fresh);
                waiting.set(false);
                typing.set(false);
                updates.update(|n| *n += 1);
            }
        });
    };
    Effect::new(move |_| {
        let check = move || {
            if document().hidden() || waiting.get_untracked() {
                return;
            }
            let d = shown.get_untracked();
            leptos::task::spawn_local(async move {
                match contribution_stamp(d.slug).await {
                    Ok(stamp) if stamp != d.stamp => {
                        if typing.get_untracked() {
                            waiting.set(true);
                        } else {
                            fetch();
                        }
                    }
                    _ => {}
                }
            });
        };
        let handle =
            set_interval_with_handle(check, std::time::Duration::from_secs(POLL_SECONDS)).ok();
        on_cleanup(move || {
            if let Some(h) = handle {
                h.clear();
            }
        });
    });
    view! {
        <p class="visually-hidden" role="status">
            {move || (updates.get() > 0).then(|| td_string!(l, contributions_live_new))}
        </p>
        {move || waiting.get().then(|| view! {
            <p class="notice live-new">
                {td_string!(l, contributions_live_new)}" "
                <button type="button" class="button button--secondary" on:click=move |_| fetch()>
                    {td_string!(l, contributions_show_new)}
                </button>
            </p>
        })}
    }
}

fn option_label(c: &ClauseOption) -> String {
    match c.number {
        Some(n) => format!("{}. {}", digits(n), c.title),
        None => c.title.clone(),
    }
}

/// The form for a new contribution on the draft or one of its clauses.
#[component]
fn PostContribution(
    ctx: FormContext,
    clauses: Vec<ClauseOption>,
    chosen: String,
    fb: FormFeedback,
) -> impl IntoView {
    let lang = ctx.lang;
    let l = lang.locale();
    let clause_error = fb.errors.get("clause").copied();
    view! {
        <h3>{td_string!(l, contributions_new)}</h3>
        <FormSummary feedback=fb.clone() lang />
        <form method="post" action=ctx.action.clone() class="form contribute-form" novalidate>
            {ctx.hidden(Intent::Contribute)}
            <div class="field" class:field--invalid=clause_error.is_some()>
                <label for="field-clause">{td_string!(l, contributions_about)}</label>
                {clause_error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                <select id="field-clause" name="clause">
                    <option value="" selected=chosen.is_empty()>{td_string!(l, contributions_whole_draft)}</option>
                    {clauses.iter().map(|c| view! {
                        <option value=c.key.to_string() selected=c.key.as_str() == chosen>{option_label(c)}</option>
                    }).collect_view()}
                </select>
            </div>
            <SpeakerFields prefix="new".to_owned() fb=fb.clone() lang />
            <BodyField id="field-body".to_owned() value=fb.value("body") error=fb.errors.get("body").copied()
                label=td_string!(l, contributions_body).to_string() lang />
            <Honeypot id="field-website".to_owned() lang />
            <button type="submit" class="button">{td_string!(l, contributions_publish)}</button>
        </form>
    }
}

/// Individual, or on behalf of an organisation (its name and kind).
#[component]
fn SpeakerFields(prefix: String, fb: FormFeedback, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let as_org = fb.value("speaker") == "organisation";
    let org_kind = fb.value("org_kind");
    let name_id = format!("{prefix}-org_name");
    let kind_id = format!("{prefix}-org_kind");
    let name_error = fb.errors.get("org_name").copied();
    let kind_error = fb.errors.get("org_kind").copied();
    let kind_label = move |k: OrgKind| org_kind_label(k, lang);
    view! {
        <fieldset class="speaker">
            <legend>{td_string!(l, contributions_speaker)}</legend>
            <div class="speaker__choice">
                <label class="choice">
                    <input type="radio" name="speaker" value="individual" checked=!as_org />
                    " "{td_string!(l, contributions_as_individual)}
                </label>
                <label class="choice">
                    <input type="radio" name="speaker" value="organisation" checked=as_org />
                    " "{td_string!(l, contributions_as_organisation)}
                </label>
            </div>
            <div class="field" class:field--invalid=name_error.is_some()>
                <label for=name_id.clone()>{td_string!(l, contributions_org_name)}</label>
                {name_error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                <input id=name_id type="text" name="org_name" value=fb.value("org_name") dir="auto" />
            </div>
            <div class="field" class:field--invalid=kind_error.is_some()>
                <label for=kind_id.clone()>{td_string!(l, contributions_org_kind)}</label>
                {kind_error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                <select id=kind_id name="org_kind">
                    <option value="">"—"</option>
                    {OrgKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=org_kind == k.as_str()>{kind_label(k)}</option>
                    }).collect_view()}
                </select>
            </div>
        </fieldset>
    }
}

/// The text of a contribution, with the number of characters used.
#[component]
fn BodyField(
    id: String,
    label: String,
    value: String,
    error: Option<FormMessage>,
    lang: Lang,
) -> impl IntoView {
    let (used, set_used) = signal(value.chars().count());
    let counter_id = format!("{id}-counter");
    let error_id = format!("{id}-error");
    let described = if error.is_some() {
        format!("{counter_id} {error_id}")
    } else {
        counter_id.clone()
    };
    view! {
        <div class="field" class:field--invalid=error.is_some()>
            <label for=id.clone()>{label}</label>
            {error.map(|e| view! { <p class="field__error" id=error_id.clone()>{digits(e.text(lang))}</p> })}
            // No `maxlength`: it would cut a long pasted text without a word. The count
            // shows the length, and the server refuses with it.
            <textarea id=id name="body" rows="6" dir="auto"
                aria-invalid=error.is_some().then_some("true")
                aria-describedby=described
                on:input=move |ev| set_used.set(event_target_value(&ev).chars().count())
            >{value}</textarea>
            <p class="field__hint counter" id=counter_id class:counter--over={move || used.get() > MAX_BODY_CHARS}>
                {move || {
                    let l = lang.locale();
                    format!(
                        "{} {} {MAX_BODY_CHARS} {}",
                        used.get(),
                        td_string!(l, contributions_characters_of),
                        td_string!(l, contributions_characters)
                    )
                }}
            </p>
        </div>
    }
}

/// A field people never see and robots fill in.
#[component]
fn Honeypot(id: String, lang: Lang) -> impl IntoView {
    view! {
        <div class="hp" aria-hidden="true">
            <label for=id.clone()>{td_string!(lang.locale(), contributions_honeypot)}</label>
            <input id=id type="text" name="website" tabindex="-1" autocomplete="off" value="" />
        </div>
    }
}

/// The text of a contribution: paragraphs of text and web links, each paragraph in
/// its own direction.
/// A person's text, paragraph by paragraph, each marked with its language when its
/// letters tell it (see [`detect_lang`]).
fn paragraphs(list: Vec<Vec<Segment>>) -> impl IntoView {
    list.into_iter()
        .map(|p| {
            let plain: String = p
                .iter()
                .filter_map(|s| match s {
                    Segment::Text(t) => Some(t.as_str()),
                    Segment::Link(_) => None,
                })
                .collect();
            let lang = detect_lang(&plain).map(Lang::code);
            view! {
                <p dir="auto" lang=lang>
                    {p.into_iter().map(|s| match s {
                        Segment::Text(t) => view! { <span>{t}</span> }.into_any(),
                        Segment::Link(href) => {
                            let text = href.clone();
                            view! { <a href=href rel="nofollow ugc noopener" dir="ltr">{text}</a> }.into_any()
                        }
                    }).collect_view()}
                </p>
            }
        })
        .collect_view()
}

/// "Version 2 · Clause 4" (or "Version 2" for text without a number).
pub fn version_and_clause(version: u32, clause: Option<u32>, lang: Lang) -> String {
    let l = lang.locale();
    match clause {
        Some(n) => digits(format!(
            "{} {version} · {} {n}",
            td_string!(l, version_label),
            td_string!(l, clause_label)
        )),
        None => digits(format!("{} {version}", td_string!(l, version_label))),
    }
}

/// The name of a kind of organisation.
pub fn org_kind_label(k: OrgKind, lang: Lang) -> &'static str {
    let l = lang.locale();
    match k {
        OrgKind::Agency => td_string!(l, org_kind_agency),
        OrgKind::Company => td_string!(l, org_kind_company),
        OrgKind::Ngo => td_string!(l, org_kind_ngo),
        OrgKind::Academic => td_string!(l, org_kind_academic),
    }
}

/// Where a contribution was received, when not on the portal.
pub fn channel_label(c: Channel, lang: Lang) -> Option<&'static str> {
    let l = lang.locale();
    match c {
        Channel::Online => None,
        Channel::Workshop => Some(td_string!(l, channel_workshop)),
        Channel::SocialMedia => Some(td_string!(l, channel_social_media)),
        Channel::Email => Some(td_string!(l, channel_email)),
        Channel::Letter => Some(td_string!(l, channel_letter)),
    }
}

#[component]
fn Item(x: ContributionView, ctx: FormContext, fb: FormFeedback, can_post: bool) -> impl IntoView {
    let lang = ctx.lang;
    let l = lang.locale();
    let id = x.id;
    let anchor = format!("contribution-{id}");
    let published = x.status == ContributionStatus::Published;
    let kind_label = move |k: OrgKind| org_kind_label(k, lang);
    let mine_fb = |intent: Intent, field: &str| {
        (fb.intent == intent.as_str() && fb.value(field) == id.to_string()).then(|| fb.clone())
    };
    let reply_fb = mine_fb(Intent::Reply, "parent");
    let edit_fb = mine_fb(Intent::Edit, "target");
    let author = match x.received.as_ref().map(|r| r.attribution) {
        Some(Attribution::Anonymous) => td_string!(l, contributions_member_of_public).to_string(),
        Some(Attribution::Group) => td_string!(l, contributions_group_feedback).to_string(),
        _ => x
            .author
            .clone()
            .unwrap_or_else(|| td_string!(l, contributions_deleted_author).to_string()),
    };
    let body = match x.status {
        ContributionStatus::Published => paragraphs(x.paragraphs.clone()).into_any(),
        ContributionStatus::Hidden => view! {
            <p class="placeholder">
                {td_string!(l, contributions_hidden)}
                {x.hidden_category.map(|c| view! {
                    " "<a href=paths::moderation_rule(lang, c)>{rule_label(c, lang)}</a>
                })}
            </p>
        }
        .into_any(),
        ContributionStatus::Withdrawn => view! {
            <p class="placeholder">{td_string!(l, contributions_withdrawn)}</p>
        }
        .into_any(),
    };
    let clause = x.clause.clone().map(|c| {
        let text = format!(
            "{} {}",
            td_string!(l, contributions_commented_on),
            version_and_clause(c.version, c.number, lang)
        );
        if c.current {
            view! { <a class="contribution__clause" href=format!("#clause-{}", c.key)>{text}</a> }
                .into_any()
        } else {
            view! { <span class="contribution__clause">{text}</span> }.into_any()
        }
    });
    let history = (!x.history.is_empty()).then(|| {
        let items = x.history.clone();
        view! {
            <details class="contribution__history">
                <summary>{td_string!(l, contributions_edited)}" "{x.edited.clone().map(|d| view! { <DateText date=d /> })}</summary>
                <ol>
                    {items.into_iter().map(|e| view! {
                        <li><DateText date=e.written />{paragraphs(e.paragraphs)}</li>
                    }).collect_view()}
                </ol>
            </details>
        }
    });
    let support = published.then(|| {
        let count = x.supports;
        if can_post && !x.mine {
            view! {
                <form method="post" action=ctx.action.clone() class="inline-form">
                    {ctx.hidden(Intent::Support)}
                    <input type="hidden" name="target" value=id.to_string() />
                    <button type="submit" class="link-button support" aria-pressed=if x.supported { "true" } else { "false" }>
                        {if x.supported { td_string!(l, contributions_supported) } else { td_string!(l, contributions_support) }}
                        " · "<span class="support__count">{digits(count)}</span>
                    </button>
                </form>
            }
            .into_any()
        } else {
            view! {
                <span class="support">{td_string!(l, contributions_supports)}" · "<span class="support__count">{digits(count)}</span></span>
            }
            .into_any()
        }
    });
    let reply = (published && can_post).then(|| {
        let fb = reply_fb.clone().unwrap_or_default();
        let open = reply_fb.is_some();
        let prefix = format!("reply-{id}");
        view! {
            <details class="contribution__reply" open=open>
                <summary>{td_string!(l, contributions_reply)}</summary>
                <FormSummary feedback=fb.clone() lang />
                <form method="post" action=ctx.action.clone() class="form" novalidate>
                    {ctx.hidden(Intent::Reply)}
                    <input type="hidden" name="parent" value=id.to_string() />
                    <SpeakerFields prefix=prefix.clone() fb=fb.clone() lang />
                    <BodyField id=format!("{prefix}-body") value=fb.value("body") error=fb.errors.get("body").copied()
                        label=td_string!(l, contributions_reply_body).to_string() lang />
                    <Honeypot id=format!("{prefix}-website") lang />
                    <button type="submit" class="button">{td_string!(l, contributions_reply_publish)}</button>
                </form>
            </details>
        }
    });
    // An edit sent after the window closed: the form is gone, the text and the reason
    // stay.
    let late_edit = (x.editable_body.is_none())
        .then(|| edit_fb.clone())
        .flatten()
        .map(|fb| {
            let kept_id = format!("edit-{id}-kept");
            view! {
                <div class="contribution__edit">
                    <FormSummary feedback=fb.clone() lang />
                    <div class="field">
                        <label for=kept_id.clone()>{td_string!(l, contributions_your_text)}</label>
                        <textarea id=kept_id readonly rows="6" dir="auto">{fb.value("body")}</textarea>
                    </div>
                </div>
            }
        });
    let confirmed = ctx.done.filter(|(_, item)| *item == id).map(|(done, _)| {
        let text = match done {
            Done::Reported => td_string!(l, contributions_done_reported),
            Done::AlreadyReported => td_string!(l, contributions_done_already_reported),
            Done::Appealed => td_string!(l, contributions_done_appealed),
        };
        view! { <p class="notice notice--ok" role="status" data-done=done.as_str()>{text}</p> }
    });
    let edit = x.editable_body.clone().map(|current| {
        let fb = edit_fb.clone().unwrap_or_default();
        let value = if fb.values.is_empty() { current } else { fb.value("body") };
        view! {
            <details class="contribution__edit" open=edit_fb.is_some()>
                <summary>{td_string!(l, contributions_edit)}</summary>
                <FormSummary feedback=fb.clone() lang />
                <form method="post" action=ctx.action.clone() class="form" novalidate>
                    {ctx.hidden(Intent::Edit)}
                    <input type="hidden" name="target" value=id.to_string() />
                    <BodyField id=format!("edit-{id}-body") value error=fb.errors.get("body").copied()
                        label=td_string!(l, contributions_edit_body).to_string() lang />
                    <button type="submit" class="button">{td_string!(l, contributions_edit_save)}</button>
                </form>
            </details>
        }
    });
    let report = (published && can_post && !x.mine).then(|| {
        let fb = mine_fb(Intent::Report, "target").unwrap_or_default();
        let open = !fb.values.is_empty();
        let select_id = format!("report-{id}-category");
        let note_id = format!("report-{id}-note");
        let category_error = fb.errors.get("category").copied();
        view! {
            <details class="contribution__report" open=open>
                <summary>{td_string!(l, contributions_report)}</summary>
                <FormSummary feedback=fb.clone() lang />
                <form method="post" action=ctx.action.clone() class="form" novalidate>
                    {ctx.hidden(Intent::Report)}
                    <input type="hidden" name="target" value=id.to_string() />
                    <div class="field" class:field--invalid=category_error.is_some()>
                        <label for=select_id.clone()>{td_string!(l, contributions_report_rule)}</label>
                        {category_error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                        {rule_select(select_id, fb.value("category"), lang)}
                    </div>
                    <div class="field">
                        <label for=note_id.clone()>{td_string!(l, contributions_report_note)}</label>
                        <textarea id=note_id name="note" rows="2" dir="auto">{fb.value("note")}</textarea>
                    </div>
                    <button type="submit" class="button button--secondary">{td_string!(l, contributions_report_send)}</button>
                </form>
            </details>
        }
    });
    let appeal = x.can_appeal.then(|| {
        let fb = mine_fb(Intent::Appeal, "target").unwrap_or_default();
        let appeal_id = format!("appeal-{id}");
        let error = fb.errors.get("appeal").copied();
        view! {
            <details class="contribution__appeal" open=!fb.values.is_empty()>
                <summary>{td_string!(l, contributions_appeal)}</summary>
                <FormSummary feedback=fb.clone() lang />
                <form method="post" action=ctx.action.clone() class="form" novalidate>
                    {ctx.hidden(Intent::Appeal)}
                    <input type="hidden" name="target" value=id.to_string() />
                    <div class="field" class:field--invalid=error.is_some()>
                        <label for=appeal_id.clone()>{td_string!(l, contributions_appeal_text)}</label>
                        {error.map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                        <textarea id=appeal_id name="appeal" rows="3" dir="auto">{fb.value("appeal")}</textarea>
                    </div>
                    <button type="submit" class="button button--secondary">{td_string!(l, contributions_appeal_send)}</button>
                </form>
            </details>
        }
    });
    // Withdrawing cannot be undone, so it takes a second, explicit step (a disclosure
    // works without JavaScript, unlike a confirm() dialog).
    let withdraw = (x.mine && x.status != ContributionStatus::Withdrawn).then(|| {
        view! {
            <details class="contribution__withdraw">
                <summary>{td_string!(l, contributions_withdraw)}</summary>
                <form method="post" action=ctx.action.clone() class="inline-form">
                    {ctx.hidden(Intent::Withdraw)}
                    <input type="hidden" name="target" value=id.to_string() />
                    <p>{td_string!(l, contributions_withdraw_warning)}</p>
                    <button type="submit" class="button button--danger">{td_string!(l, contributions_withdraw_confirm)}</button>
                </form>
            </details>
        }
    });
    view! {
        <li class="contribution" id=anchor.clone() data-depth=x.depth data-status=x.status.as_str()>
            <article aria-labelledby=format!("{anchor}-author")>
                <header class="contribution__meta">
                    <strong id=format!("{anchor}-author")>{match x.author_id {
                        Some(who) => view! { <a href=paths::person(lang, who)><bdi>{author}</bdi></a> }.into_any(),
                        None => view! { <bdi>{author}</bdi> }.into_any(),
                    }}</strong>
                    {x.org.clone().map(|(name, kind)| view! {
                        " "<span class="badge">{td_string!(l, contributions_for)}" "<bdi>{name}</bdi>" · "{kind_label(kind)}</span>
                    })}
                    " · "
                    {match x.received.as_ref().and_then(|r| r.on.clone()) {
                        Some(day) => view! {
                            <a class="contribution__date" href=format!("#{anchor}")>{td_string!(l, contributions_received_on)}" "<DateText date=day /></a>
                        }.into_any(),
                        None => view! {
                            <a class="contribution__date" href=format!("#{anchor}")><DateText date=x.created.clone() /></a>
                        }.into_any(),
                    }}
                    {clause.map(|c| view! { " · "{c} })}
                    {channel_label(x.channel, lang).map(|c| {
                        let workshop = x.received.as_ref().and_then(|r| r.workshop);
                        view! {
                            " · "<span class="badge contribution__channel" data-channel=x.channel.as_str()>{match workshop {
                                Some(w) => view! { <a href=paths::workshop(lang, w)>{c}</a> }.into_any(),
                                None => view! { {c} }.into_any(),
                            }}</span>
                        }
                    })}
                    {x.received.as_ref().and_then(|r| r.source_url.clone()).map(|url| view! {
                        " · "<a href=url.clone() rel="nofollow noopener" dir="ltr">{td_string!(l, contributions_source)}</a>
                    })}
                    {x.in_reply_to.clone().map(|(parent, name)| view! {
                        " · "{td_string!(l, contributions_in_reply_to)}" "
                        <a href=format!("#contribution-{parent}")><bdi>{name.unwrap_or_else(|| td_string!(l, contributions_deleted_author).to_string())}</bdi></a>
                    })}
                </header>
                {confirmed}
                <div class="contribution__body">{body}</div>
                {x.response.clone().map(|r| view! { <ResponseNote r slug=ctx.slug.clone() lang /> })}
                {history}
                <footer class="contribution__actions">{support}" "{withdraw}</footer>
                {reply}
                {edit}
                {late_edit}
                {report}
                {appeal}
            </article>
            {x.more_replies.map(|(root, n)| view! {
                <p class="thread__more">
                    <a href=paths::whole_thread(lang, &ctx.slug, root)>
                        {td!(l, contributions_more_replies, count = move || n, num = shown(n))}
                    </a>
                </p>
            })}
        </li>
    }
}
