//! How notification mails come: the setting on the account page, and the page a mail's
//! unsubscribe link opens.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::domain::notification::NotifyMode;
use crate::domain::{Lang, LocalizedText};
use crate::forms::FormFeedback;
use crate::paths;
use crate::ui::form::PostForm;
use crate::ui::layout::{page_title, use_lang};
use crate::ui::text::LocalizedSpan;

fn mode_label(m: NotifyMode, lang: Lang) -> &'static str {
    let l = lang.locale();
    match m {
        NotifyMode::Immediate => td_string!(l, notifications_immediate),
        NotifyMode::Daily => td_string!(l, notifications_daily),
        NotifyMode::Off => td_string!(l, notifications_off),
    }
}

/// The account page's notification setting (posts to `/{lang}/account/notifications`).
#[component]
pub fn NotificationSettings(
    mode: NotifyMode,
    following: Vec<(String, LocalizedText)>,
    lang: Lang,
) -> impl IntoView {
    let l = lang.locale();
    view! {
        <section class="panel" id="notifications" aria-labelledby="notifications-heading">
            <h2 id="notifications-heading">{td_string!(l, notifications_title)}</h2>
            <p>{td_string!(l, notifications_intro)}</p>
            <PostForm action=paths::notification_settings(lang) lang intent="notifications"
                fields=move |_fb: &FormFeedback| view! {
                    <fieldset class="choices">
                        <legend>{td_string!(l, notifications_title)}</legend>
                        {NotifyMode::ALL.into_iter().map(|m| view! {
                            <label class="choice">
                                <input type="radio" name="mode" value=m.as_str() checked=m == mode />
                                " "{mode_label(m, lang)}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <button type="submit" class="button button--secondary">{td_string!(l, notifications_save)}</button>
                }.into_any() />
            <h3 id="following">{td_string!(l, account_following_title)}</h3>
            {if following.is_empty() {
                view! { <p>{td_string!(l, account_following_none)}</p> }.into_any()
            } else {
                view! {
                    <ul class="following">
                        {following.into_iter().map(|(slug, title)| view! {
                            <li><a href=paths::consultation_follow(lang, &slug)>
                                <LocalizedSpan text=title lang />
                            </a></li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// Whether `token` is a live unsubscribe link; a 404 when it is not, so that an old
/// or mistyped link never reads as a success.
#[server(prefix = "/api/fn", endpoint = "unsubscribe_link")]
pub async fn unsubscribe_link(token: String) -> Result<bool, crate::error::AppError> {
    use crate::ssr::context;
    use crate::ssr::notifications::service;
    let state = context::app_state()?;
    let valid = service::is_unsubscribe_token(&state.db, &token).await?;
    if !valid {
        context::set_status(axum::http::StatusCode::NOT_FOUND);
    }
    Ok(valid)
}

/// `/{lang}/unsubscribe/{token}`: one button (no sign-in needed: the token is the
/// permission), then the confirmation; for a link that is not valid, that and a way on.
#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let lang = use_lang();
    let l = lang.locale();
    let params = use_params_map();
    let query = use_query_map();
    let token = params.with_untracked(|p| p.get("token").unwrap_or_default());
    let done = query.with_untracked(|q| q.get("done").is_some());
    let valid = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        unsubscribe_link,
    );
    let account = move || {
        view! { <p><a href=paths::account_notifications(lang)>{td_string!(l, notifications_title)}</a></p> }
    };
    view! {
        <Title text=page_title(lang, td_string!(l, unsubscribe_title)) />
        <section class="page narrow">
            <h1>{td_string!(l, unsubscribe_title)}</h1>
            <Suspense fallback=move || view! { <p>{td_string!(l, loading)}</p> }>
                {move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        if !matches!(valid.await, Ok(true)) {
                            view! {
                                <p class="notice notice--error" role="alert">{td_string!(l, unsubscribe_invalid)}</p>
                                {account()}
                            }.into_any()
                        } else if done {
                            view! {
                                <p class="notice notice--ok" role="status">{td_string!(l, unsubscribe_done)}</p>
                                {account()}
                            }.into_any()
                        } else {
                            view! {
                                <p>{td_string!(l, unsubscribe_intro)}</p>
                                <form method="post" action=paths::unsubscribe(&token)>
                                    <input type="hidden" name="List-Unsubscribe" value="One-Click" />
                                    <button type="submit" class="button">{td_string!(l, unsubscribe_button)}</button>
                                </form>
                            }.into_any()
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}
