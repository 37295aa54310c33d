//! Pages for registering, signing in and out, and confirming an address.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{use_viewer, verify_email, Viewer};
use super::form::field;
use super::notifications::NotificationSettings;
use super::security::{account_details, MandateView, RoleView};
use crate::consultations::pages::DateText;
use crate::domain::authz::RoleKind;
use crate::domain::digits::Digits;
use crate::domain::Lang;
use crate::forms::FormFeedback;
use crate::paths;
use crate::ui::form::{Field, PostForm};
use crate::ui::layout::{digits, here_then_sign_in, page_title, use_lang};
use crate::ui::text::LocalizedSpan;

/// Links in the header: register and sign in, or the account and a sign-out button.
#[component]
pub fn AccountNav(viewer: Option<Viewer>, lang: Lang) -> impl IntoView {
    let locale = lang.locale();
    match viewer {
        Some(v) => view! {
            <div class="account-nav">
                {v.moderator.then(|| view! {
                    <a href=paths::moderation(lang)>{td_string!(locale, nav_moderation)}</a>
                })}
                {v.platform_admin.then(|| view! {
                    <a href=paths::admin(lang)>{td_string!(locale, nav_admin)}</a>
                })}
                {v.agencies.into_iter().map(|(slug, name)| view! {
                    <a href=paths::agency(lang, &slug) class="account-nav__agency">
                        <LocalizedSpan text=name lang />
                    </a>
                }).collect_view()}
                <a href=paths::account(lang) class="account-nav__me">
                    <bdi>{v.display_name}</bdi>
                </a>
                <form method="post" action=paths::sign_out(lang) class="inline-form">
                    <input type="hidden" name="csrf" value=v.csrf />
                    <button type="submit" class="link-button">{td_string!(locale, sign_out)}</button>
                </form>
            </div>
        }
        .into_any(),
        None => view! {
            <div class="account-nav">
                <a href=here_then_sign_in(lang)>{td_string!(locale, sign_in)}</a>
                <a href=paths::register(lang) class="button-link">{td_string!(locale, register)}</a>
            </div>
        }
        .into_any(),
    }
}

/// The page to go back to once signed in, carried from the sign-in page's `?next=`
/// through its forms (only a page of this site: see `paths::safe_next`).
#[component]
pub fn NextField() -> impl IntoView {
    let query = use_query_map();
    let next = query.with_untracked(|q| q.get(field::NEXT));
    next.filter(|n| paths::safe_next(n).is_some())
        .map(|next| view! { <input type="hidden" name=field::NEXT value=next /> })
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    view! {
        <Title text=page_title(lang, td_string!(locale, register_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, register_title)}</h1>
            <p class="lead">{td_string!(locale, register_intro)}</p>
            <PostForm
                action=paths::register(lang)
                lang
                fields=move |fb: &FormFeedback| register_fields(fb, lang)
            />
            <p>
                {td_string!(locale, register_have_account)} " "
                <a href=paths::sign_in(lang)>{td_string!(locale, sign_in)}</a>
            </p>
        </section>
    }
}

fn register_fields(fb: &FormFeedback, lang: Lang) -> AnyView {
    let locale = lang.locale();
    let chosen = fb
        .values
        .get("preferred_lang")
        .and_then(|c| Lang::from_code(c))
        .unwrap_or(lang);
    view! {
        <Field name="email" kind="email" autocomplete="email" lang
            label=td_string!(locale, field_email).to_string()
            value=fb.value("email") error=fb.errors.get("email").copied() />
        <Field name="display_name" autocomplete="nickname" lang
            label=td_string!(locale, field_display_name).to_string()
            hint=td_string!(locale, field_display_name_hint).to_string()
            value=fb.value("display_name") error=fb.errors.get("display_name").copied() />
        <Field name="password" kind="password" autocomplete="new-password" lang
            label=td_string!(locale, field_password).to_string()
            hint=td_string!(locale, field_password_hint).to_string()
            error=fb.errors.get("password").copied() />
        <fieldset class="field">
            <legend>{td_string!(locale, field_preferred_lang)}</legend>
            <label class="choice">
                <input type="radio" name="preferred_lang" value="ar" checked=chosen == Lang::Ar />
                <span lang="ar">"العربية"</span>
            </label>
            <label class="choice">
                <input type="radio" name="preferred_lang" value="en" checked=chosen == Lang::En />
                <span lang="en">"English"</span>
            </label>
        </fieldset>
        <div class="field" class:field--invalid=fb.errors.contains_key("accept_terms")>
            {fb.errors.get("accept_terms").map(|e| view! {
                <p class="field__error" id="field-accept_terms-error">{digits(e.text(lang))}</p>
            })}
            <label class="choice">
                <input type="checkbox" name="accept_terms" value="yes" id="field-accept_terms"
                    checked=fb.value("accept_terms") == "yes"
                    aria-invalid=fb.errors.contains_key("accept_terms").then_some("true")
                    aria-describedby=fb.errors.contains_key("accept_terms").then_some("field-accept_terms-error") />
                <span>{td_string!(locale, field_accept_terms)}</span>
            </label>
            <p class="field__hint">
                <a href=paths::terms(lang)>{td_string!(locale, terms_title)}</a>
                " · "
                <a href=paths::privacy(lang)>{td_string!(locale, privacy_title)}</a>
            </p>
        </div>
        <button type="submit" class="button">{td_string!(locale, register_submit)}</button>
    }
    .into_any()
}

/// "Check your email", with what to expect in the message.
#[component]
fn CheckYourEmail(lang: Lang, body: String) -> impl IntoView {
    let locale = lang.locale();
    view! {
        <Title text=page_title(lang, td_string!(locale, register_sent_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, register_sent_title)}</h1>
            <p class="lead">{body}</p>
        </section>
    }
}

#[component]
pub fn RegisterSentPage() -> impl IntoView {
    let lang = use_lang();
    view! { <CheckYourEmail lang body=td_string!(lang.locale(), register_sent_body).to_string() /> }
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let query = use_query_map();
    let after_reset = query.with_untracked(|q| q.get("reset").is_some_and(|v| v == "done"));
    let roles_changed = query.with_untracked(|q| q.get("roles").is_some_and(|v| v == "changed"));
    let confirm = query.with_untracked(|q| q.get("confirm").is_some_and(|v| v == "password"));
    view! {
        <Title text=page_title(lang, td_string!(locale, sign_in)) />
        <section class="page narrow">
            <h1>{td_string!(locale, sign_in)}</h1>
            {after_reset.then(|| view! {
                <p class="notice notice--ok" role="status">{td_string!(locale, reset_done)}</p>
            })}
            {confirm.then(|| view! {
                <p class="notice" role="status">{td_string!(locale, sign_in_to_confirm)}</p>
            })}
            {roles_changed.then(|| view! {
                <p class="notice" role="status">{td_string!(locale, sign_in_roles_changed)}</p>
            })}
            <PostForm action=paths::sign_in(lang) lang fields=move |fb: &FormFeedback| view! {
                <NextField />
                <Field name="email" kind="email" autocomplete="username" lang
                    label=td_string!(locale, field_email).to_string()
                    value=fb.value("email") error=fb.errors.get("email").copied() />
                <Field name="password" kind="password" autocomplete="current-password" lang
                    label=td_string!(locale, field_password).to_string()
                    error=fb.errors.get("password").copied() />
                <button type="submit" class="button">{td_string!(locale, sign_in)}</button>
            }.into_any() />
            <p>
                <a href=paths::forgot_password(lang)>{td_string!(locale, forgot_link)}</a>
            </p>
            <p>
                {td_string!(locale, sign_in_no_account)} " "
                <a href=paths::register(lang)>{td_string!(locale, register)}</a>
            </p>
        </section>
    }
}

/// `/{lang}/verify-email?token=…`, the link in the verification mail.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let query = use_query_map();
    let result = Resource::new(
        move || query.with(|q| q.get("token").unwrap_or_default()),
        verify_email,
    );
    view! {
        <Title text=page_title(lang, td_string!(locale, verify_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, verify_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match result.await {
                        Ok(true) => view! {
                            <p class="notice notice--ok" role="status">{td_string!(locale, verify_ok)}</p>
                            <p><a href=paths::sign_in(lang)>{td_string!(locale, sign_in)}</a></p>
                        }.into_any(),
                        Ok(false) => view! {
                            <p class="notice notice--error" role="alert">{td_string!(locale, verify_invalid)}</p>
                        }.into_any(),
                        Err(_) => view! {
                            <p class="notice notice--error" role="alert">{td_string!(locale, form_internal)}</p>
                        }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The account page's choice of digits for Arabic pages (posts to
/// `/{lang}/account/digits`). Each choice is labelled with the digits themselves, so
/// it reads the same whatever is chosen now.
#[component]
fn DigitsSetting(chosen: Digits, lang: Lang) -> impl IntoView {
    let l = lang.locale();
    let label = move |d: Digits| match d {
        Digits::Latin => td_string!(l, digits_latin),
        Digits::ArabicIndic => td_string!(l, digits_arabic_indic),
    };
    view! {
        <section class="panel" id="digits" aria-labelledby="digits-heading">
            <h2 id="digits-heading">{td_string!(l, digits_title)}</h2>
            <p>{td_string!(l, digits_intro)}</p>
            <PostForm action=paths::digits_setting(lang) lang intent="digits"
                fields=move |_fb: &FormFeedback| view! {
                    <fieldset class="choices">
                        <legend>{td_string!(l, digits_title)}</legend>
                        {Digits::ALL.into_iter().map(|d| view! {
                            <label class="choice">
                                <input type="radio" name=field::DIGITS value=d.as_str() checked=d == chosen />
                                " "<bdi>{label(d)}</bdi>
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <button type="submit" class="button button--secondary">{td_string!(l, digits_save)}</button>
                }.into_any() />
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let viewer = use_viewer();
    let details = Resource::new(|| (), move |_| account_details(lang));
    let query = use_query_map();
    let changed = query.with_untracked(|q| q.get("changed").is_some_and(|v| v == "password"));
    let notifications_saved =
        query.with_untracked(|q| q.get("changed").is_some_and(|v| v == "notifications"));
    let digits_saved = query.with_untracked(|q| q.get("changed").is_some_and(|v| v == "digits"));
    view! {
        <Title text=page_title(lang, td_string!(locale, account_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, account_title)}</h1>
            {changed.then(|| view! {
                <p class="notice notice--ok" role="status">{td_string!(locale, password_changed)}</p>
            })}
            {notifications_saved.then(|| view! {
                <p class="notice notice--ok" role="status">{td_string!(locale, notifications_saved)}</p>
            })}
            {digits_saved.then(|| view! {
                <p class="notice notice--ok" role="status">{td_string!(locale, digits_saved)}</p>
            })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let (Ok(Some(v)), Ok(details)) = (viewer.await, details.await) else {
                        return view! {
                            <p>{td_string!(locale, account_signed_out)} " "
                                <a href=paths::sign_in(lang)>{td_string!(locale, sign_in)}</a>
                            </p>
                        }.into_any();
                    };
                    let staff = !details.roles.is_empty();
                    view! {
                        <dl class="facts">
                            <dt>{td_string!(locale, field_display_name)}</dt>
                            <dd><bdi>{v.display_name}</bdi></dd>
                            <dt>{td_string!(locale, field_email)}</dt>
                            <dd><bdi>{v.email}</bdi></dd>
                            <dt>{td_string!(locale, account_email_status)}</dt>
                            <dd>{if v.email_verified {
                                td_string!(locale, account_verified).to_string()
                            } else {
                                td_string!(locale, account_unverified).to_string()
                            }}</dd>
                        </dl>
                        {staff.then(|| view! {
                            <section class="panel" aria-labelledby="roles-heading">
                                <h2 id="roles-heading">{td_string!(locale, account_roles)}</h2>
                                <RoleList roles=details.roles.clone() lang />
                                {(!details.second_factor_passed).then(|| view! {
                                    <p class="notice notice--error" role="alert">
                                        {td_string!(locale, denied_second_factor)} " "
                                        <a href=paths::two_factor(lang)>{td_string!(locale, two_factor_title)}</a>
                                    </p>
                                })}
                            </section>
                        })}
                        <section class="panel" aria-labelledby="two-factor-heading">
                            <h2 id="two-factor-heading">{td_string!(locale, two_factor_title)}</h2>
                            {match details.two_factor_since {
                                Some(since) => view! {
                                    <p>{td_string!(locale, two_factor_on_since)} " " <DateText date=since /> " · "
                                        {td_string!(locale, two_factor_codes_left)} " " {digits(details.recovery_codes_left)}</p>
                                }.into_any(),
                                None => view! {
                                    <p>{if staff {
                                        td_string!(locale, two_factor_required_for_staff)
                                    } else {
                                        td_string!(locale, two_factor_optional)
                                    }}</p>
                                }.into_any(),
                            }}
                            <p><a href=paths::two_factor(lang)>{td_string!(locale, two_factor_manage)}</a></p>
                        </section>
                        <section class="panel" aria-labelledby="password-heading">
                            <h2 id="password-heading">{td_string!(locale, password_change_title)}</h2>
                            <PostForm action=paths::account(lang) lang intent="password" fields=move |fb: &FormFeedback| view! {
                                <Field name="current_password" kind="password" autocomplete="current-password" lang
                                    label=td_string!(locale, field_current_password).to_string()
                                    error=fb.errors.get("current_password").copied() />
                                <Field name="new_password" kind="password" autocomplete="new-password" lang
                                    label=td_string!(locale, field_new_password).to_string()
                                    hint=td_string!(locale, field_password_hint).to_string()
                                    error=fb.errors.get("new_password").copied() />
                                <button type="submit" class="button">{td_string!(locale, password_change_submit)}</button>
                            }.into_any() />
                        </section>
                        <NotificationSettings mode=details.notify_mode following=details.following.clone() lang />
                        <DigitsSetting chosen=details.digits lang />
                        <section class="panel" aria-labelledby="sessions-heading">
                            <h2 id="sessions-heading">{td_string!(locale, account_sessions)}</h2>
                            <form method="post" action=paths::sign_out_everywhere(lang)>
                                <input type="hidden" name="csrf" value=v.csrf />
                                <p>{td_string!(locale, account_sign_out_everywhere_hint)}</p>
                                <button type="submit" class="button button--secondary">{td_string!(locale, account_sign_out_everywhere)}</button>
                            </form>
                        </section>
                        <section class="panel" aria-labelledby="privacy-heading">
                            <h2 id="privacy-heading">{td_string!(locale, account_privacy)}</h2>
                            <p>{td_string!(locale, my_data_hint)}</p>
                            <p><a href=paths::my_data(lang) rel="external" download="shura-my-data.json">
                                {td_string!(locale, my_data_download)}
                            </a></p>
                            <p><a href=paths::delete_account(lang)>{td_string!(locale, delete_title)}</a></p>
                        </section>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// Roles with their agencies and, for staff, the mandate.
#[component]
pub fn RoleList(roles: Vec<RoleView>, lang: Lang) -> impl IntoView {
    view! {
        <ul class="roles">
            {roles.into_iter().map(|r| view! {
                <li>
                    <strong>{role_name(r.kind, lang)}</strong>
                    {r.agency_name.map(|n| view! { " · " <LocalizedSpan text=n lang /> })}
                    {r.mandate.map(|m| view! { <MandateLine mandate=m lang /> })}
                </li>
            }).collect_view()}
        </ul>
    }
}

/// "Mandate: decision …, dated …; scope: …".
#[component]
pub fn MandateLine(mandate: MandateView, lang: Lang) -> impl IntoView {
    let locale = lang.locale();
    view! {
        <p class="mandate">
            {td_string!(locale, mandate_label)} " "
            <bdi>{mandate.decision_ref}</bdi> " · "
            {mandate.decided_on.map(|date| view! { {td_string!(locale, mandate_dated)} " " <DateText date /> })}
            <br />
            {td_string!(locale, mandate_scope)} " " <bdi>{mandate.scope}</bdi>
        </p>
    }
}

/// The name of a role in `lang`.
pub fn role_name(kind: RoleKind, lang: Lang) -> &'static str {
    let l = lang.locale();
    match kind {
        RoleKind::PlatformAdmin => td_string!(l, role_platform_admin),
        RoleKind::Moderator => td_string!(l, role_moderator),
        RoleKind::Organiser => td_string!(l, role_organiser),
        RoleKind::AgencyAdmin => td_string!(l, role_agency_admin),
        RoleKind::AgencyStaff => td_string!(l, role_agency_staff),
    }
}

/// `/{lang}/account/delete`: deleting an account, confirmed with the password.
#[component]
pub fn DeleteAccountPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    view! {
        <Title text=page_title(lang, td_string!(locale, delete_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, delete_title)}</h1>
            <p class="lead">{td_string!(locale, delete_intro)}</p>
            <PostForm action=paths::delete_account(lang) lang fields=move |fb: &FormFeedback| view! {
                <Field name="password" kind="password" autocomplete="current-password" lang
                    label=td_string!(locale, field_current_password).to_string()
                    error=fb.errors.get("password").copied() />
                <button type="submit" class="button button--danger">{td_string!(locale, delete_submit)}</button>
            }.into_any() />
        </section>
    }
}

/// `/{lang}/account/deleted`
#[component]
pub fn AccountDeletedPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    view! {
        <Title text=page_title(lang, td_string!(locale, deleted_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, deleted_title)}</h1>
            <p class="lead">{td_string!(locale, deleted_body)}</p>
        </section>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    view! {
        <Title text=page_title(lang, td_string!(locale, forgot_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, forgot_title)}</h1>
            <p class="lead">{td_string!(locale, forgot_intro)}</p>
            <PostForm action=paths::forgot_password(lang) lang fields=move |fb: &FormFeedback| view! {
                <Field name="email" kind="email" autocomplete="email" lang
                    label=td_string!(locale, field_email).to_string()
                    value=fb.value("email") error=fb.errors.get("email").copied() />
                <button type="submit" class="button">{td_string!(locale, forgot_submit)}</button>
            }.into_any() />
        </section>
    }
}

#[component]
pub fn ForgotSentPage() -> impl IntoView {
    let lang = use_lang();
    view! { <CheckYourEmail lang body=td_string!(lang.locale(), forgot_sent_body).to_string() /> }
}

/// `/{lang}/reset-password?token=…`, the link in the reset mail. The form posts back to
/// the same address, so after a mistake the page knows its link again.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let query = use_query_map();
    let secret = move || query.with(|q| q.get("token").unwrap_or_default());
    let status = Resource::new(secret, super::api::reset_link_status);
    view! {
        <Title text=page_title(lang, td_string!(locale, reset_title)) />
        <section class="page narrow">
            <h1>{td_string!(locale, reset_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    if !status.await.unwrap_or(false) {
                        return view! {
                            <p class="notice notice--error" role="alert">{td_string!(locale, reset_link_invalid)}</p>
                            <p><a href=paths::forgot_password(lang)>{td_string!(locale, forgot_title)}</a></p>
                        }.into_any();
                    }
                    let action = paths::reset_password(lang, &secret());
                    view! {
                        <PostForm action lang fields=move |fb: &FormFeedback| view! {
                            <Field name="password" kind="password" autocomplete="new-password" lang
                                label=td_string!(locale, field_new_password).to_string()
                                hint=td_string!(locale, field_password_hint).to_string()
                                error=fb.errors.get("password").copied() />
                            <button type="submit" class="button">{td_string!(locale, reset_submit)}</button>
                        }.into_any() />
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
