//! Pages for two-factor authentication: setting it up, the recovery codes (shown once),
//! and the second step of signing in.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;

use super::security::{
    second_step_pending, take_recovery_codes, two_factor_state, NewSecret, TwoFactorStatus,
};
use crate::accounts::form::TwoFactorIntent;
use crate::consultations::pages::DateText;
use crate::forms::FormFeedback;
use crate::paths;
use crate::ui::denied::error_page;
use crate::ui::form::{Field, PostForm};
use crate::ui::layout::{digits, page_title, use_lang};

/// `/{lang}/account/two-factor`
#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let state = Resource::new(|| (), move |_| two_factor_state(lang));
    let action = paths::two_factor(lang);
    view! {
        <Title text=page_title(lang, td_string!(locale, two_factor_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, two_factor_title)}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let action = action.clone();
                    Suspend::new(async move {
                        match state.await {
                            Err(e) => error_page(e, lang),
                            Ok(TwoFactorStatus::Enabled { since, recovery_codes_left, replacement }) => { let replace_action = action.clone(); view! {
                                <p class="notice notice--ok" role="status">
                                    {td_string!(locale, two_factor_on_since)} " " <DateText date=since />
                                </p>
                                <p>{td_string!(locale, two_factor_codes_left)} " " {digits(recovery_codes_left)}</p>
                                <PostForm action lang intent=TwoFactorIntent::Renew.as_str() fields=move |_fb: &FormFeedback| view! {
                                    <p class="field__hint">{td_string!(locale, two_factor_renew_hint)}</p>
                                    <button type="submit" class="button button--secondary">
                                        {td_string!(locale, two_factor_renew)}
                                    </button>
                                }.into_any() />
                                {replacement.map(|new| {
                                    let action = replace_action.clone();
                                    view! {
                                        <h2>{td_string!(locale, two_factor_replace)}</h2>
                                        <p>{td_string!(locale, two_factor_replace_intro)}</p>
                                        <NewSecretView new />
                                        <PostForm action lang intent=TwoFactorIntent::Replace.as_str() fields=move |fb: &FormFeedback| view! {
                                            <Field name="current_password" kind="password" autocomplete="current-password" lang
                                                label=td_string!(locale, field_current_password).to_string()
                                                error=fb.errors.get("current_password").copied() />
                                            <Field name="current_code" autocomplete="one-time-code" lang
                                                label=td_string!(locale, field_current_code).to_string()
                                                error=fb.errors.get("current_code").copied() />
                                            <Field name="code" autocomplete="one-time-code" lang
                                                label=td_string!(locale, field_new_code).to_string()
                                                error=fb.errors.get("code").copied() />
                                            <button type="submit" class="button button--secondary">{td_string!(locale, two_factor_replace)}</button>
                                        }.into_any() />
                                    }
                                })}
                            }.into_any() }
                            Ok(TwoFactorStatus::Setup(new)) => view! {
                                <p class="lead">{td_string!(locale, two_factor_intro)}</p>
                                <ol class="steps">
                                    <li>{td_string!(locale, two_factor_step_app)}</li>
                                    <li><NewSecretView new /></li>
                                    <li>{td_string!(locale, two_factor_step_code)}</li>
                                </ol>
                                <PostForm action lang intent=TwoFactorIntent::Confirm.as_str() fields=move |fb: &FormFeedback| view! {
                                    <Field name="code" autocomplete="one-time-code" lang
                                        label=td_string!(locale, field_code).to_string()
                                        error=fb.errors.get("code").copied() />
                                    <button type="submit" class="button">{td_string!(locale, two_factor_confirm)}</button>
                                }.into_any() />
                            }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </section>
    }
}

/// A new secret to scan (or type) into an authenticator app.
#[component]
fn NewSecretView(new: NewSecret) -> impl IntoView {
    let locale = use_lang().locale();
    let NewSecret {
        secret,
        url,
        qr_svg,
    } = new;
    view! {
        {td_string!(locale, two_factor_step_scan)}
        <div class="qr" role="img" aria-label=td_string!(locale, two_factor_qr_label)
            inner_html=qr_svg></div>
        <p>{td_string!(locale, two_factor_step_key)}</p>
        <p><code class="secret" dir="ltr" data-otpauth=url>{secret}</code></p>
    }
}

/// `/{lang}/account/recovery-codes`: the codes just made, shown this once.
#[component]
pub fn RecoveryCodesPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let codes = Resource::new(|| (), |_| take_recovery_codes());
    view! {
        <Title text=page_title(lang, td_string!(locale, recovery_codes_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, recovery_codes_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match codes.await {
                        Err(e) => error_page(e, lang),
                        Ok(codes) if codes.is_empty() => view! {
                            <p>{td_string!(locale, recovery_codes_gone)}</p>
                        }.into_any(),
                        Ok(codes) => view! {
                            <p class="lead">{td_string!(locale, recovery_codes_intro)}</p>
                            <ul class="recovery-codes" dir="ltr">
                                {codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <p><a class="button-link" href=paths::account(lang)>{td_string!(locale, recovery_codes_done)}</a></p>
        </section>
    }
}

/// `/{lang}/sign-in/code`: the second step of signing in.
#[component]
pub fn SignInCodePage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let pending = Resource::new(|| (), |_| second_step_pending());
    let action = paths::sign_in_code(lang);
    view! {
        <Title text=page_title(lang, td_string!(locale, sign_in_code_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, sign_in_code_title)}</h1>
            <Suspense fallback=|| ()>
                {move || {
                    let action = action.clone();
                    Suspend::new(async move {
                        if !pending.await.unwrap_or(false) {
                            return view! {
                                <p class="notice notice--error" role="alert">{td_string!(locale, sign_in_code_expired)}</p>
                                <p><a href=paths::sign_in(lang)>{td_string!(locale, sign_in)}</a></p>
                            }.into_any();
                        }
                        view! {
                            <p class="lead">{td_string!(locale, sign_in_code_intro)}</p>
                            <PostForm action lang fields=move |fb: &FormFeedback| view! {
                                <crate::accounts::pages::NextField />
                                <Field name="code" autocomplete="one-time-code" lang
                                    label=td_string!(locale, field_code_or_recovery).to_string()
                                    error=fb.errors.get("code").copied() />
                                <button type="submit" class="button">{td_string!(locale, sign_in)}</button>
                            }.into_any() />
                        }.into_any()
                    })
                }}
            </Suspense>
        </section>
    }
}
