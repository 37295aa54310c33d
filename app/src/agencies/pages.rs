//! `/{lang}/agencies/{slug}` (public) and `/{lang}/agencies/{slug}/staff` (its admins).

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::api::{agency_page, agency_staff_admin};
use crate::accounts::pages::MandateLine;
use crate::admin::pages::appoint_fields;
use crate::agencies::form::{StaffIntent, TARGET_DAYS};
use crate::consultations::pages::CardList;
use crate::domain::text::is_web_url;
use crate::forms::FormFeedback;
use crate::paths;
use crate::responses::pages::TimingSummary;
use crate::ui::denied::error_page;
use crate::ui::form::{Field, PostForm};
use crate::ui::layout::{page_title, use_lang};
use crate::ui::text::LocalizedSpan;

fn slug_param() -> impl Fn() -> String + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || params.with(|p| p.get("slug").unwrap_or_default())
}

#[component]
pub fn AgencyPublicPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let slug = slug_param();
    let page = Resource::new(slug, move |slug| agency_page(slug, lang));
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let page = match page.await {
                    Ok(p) => p,
                    Err(e) => return error_page(e, lang),
                };
                let title = page.name.pick(lang).map(|p| p.text).unwrap_or_default();
                view! {
                    <Title text=page_title(lang, &title) />
                    <section class="page">
                        <h1><LocalizedSpan text=page.name.clone() lang /></h1>
                        // Only a web address becomes a link, whatever was stored before.
                        {page.website.clone().filter(|w| is_web_url(w)).map(|w| {
                            let href = w.clone();
                            view! { <p><a href=href rel="nofollow noopener" dir="ltr">{w}</a></p> }
                        })}
                        <section class="accountability" aria-labelledby="accountability-title">
                            <h2 id="accountability-title">{td_string!(locale, accountability_title)}</h2>
                            <TimingSummary t=page.timing.clone() lang />
                        </section>
                        <section aria-labelledby="agency-consultations">
                            <h2 id="agency-consultations">{td_string!(locale, agency_consultations_title)}</h2>
                            {page.can_publish.then(|| view! {
                                <p><a class="button" href=paths::new_consultation(lang, &page.slug)>
                                    {td_string!(locale, agency_new_consultation)}
                                </a></p>
                            })}
                            {if page.consultations.is_empty() {
                                view! { <p class="empty">{td_string!(locale, agency_consultations_none)}</p> }.into_any()
                            } else {
                                view! { <CardList cards=page.consultations.clone() lang id="agency-consultation-list" /> }.into_any()
                            }}
                        </section>
                        <section class="panel" aria-labelledby="staff-heading">
                            <h2 id="staff-heading">{td_string!(locale, agency_staff_title)}</h2>
                            <p>{td_string!(locale, agency_staff_intro)}</p>
                            {if page.staff.is_empty() {
                                view! { <p class="empty">{td_string!(locale, agency_staff_none)}</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="staff-list">
                                        {page.staff.into_iter().map(|s| view! {
                                            <li>
                                                <strong><bdi>{s.holder}</bdi></strong>
                                                {s.mandate.map(|m| view! { <MandateLine mandate=m lang /> })}
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                }.into_any()
                            }}
                            {page.can_manage.then(|| view! {
                                <p><a href=paths::agency_staff(lang, &page.slug)>{td_string!(locale, agency_staff_manage)}</a></p>
                            })}
                        </section>
                    </section>
                }.into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn AgencyStaffPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let slug = slug_param();
    let page = Resource::new(slug, move |slug| agency_staff_admin(slug, lang));
    let done = leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get("done"))
        .and_then(|d| d.parse::<StaffIntent>().ok())
        .map(|d| match d {
            StaffIntent::Appoint | StaffIntent::AppointOrganiser => {
                td_string!(locale, admin_done_appoint)
            }
            StaffIntent::Revoke => td_string!(locale, admin_done_revoke),
            StaffIntent::Target => td_string!(locale, admin_done_target),
        });
    view! {
        <Title text=page_title(lang, td_string!(locale, agency_staff_manage)) />
        <section class="page">
            <h1>{td_string!(locale, agency_staff_manage)}</h1>
            {done.map(|text| view! { <p class="notice notice--ok" role="status">{text}</p> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let page = match page.await {
                        Ok(p) => p,
                        Err(e) => return error_page(e, lang),
                    };
                    let action = paths::agency_staff(lang, &page.slug);
                    let agency_slug = page.slug.clone();
                    let target = page.timing.target_days;
                    view! {
                        <p><a href=paths::agency(lang, &page.slug)><LocalizedSpan text=page.name.clone() lang /></a></p>
                        <ul class="staff-list">
                            {page.staff.into_iter().map(|s| {
                                let grant = s.grant_id.to_string();
                                view! {
                                    <li>
                                        <strong><bdi>{s.holder}</bdi></strong>
                                        {s.mandate.map(|m| view! { <MandateLine mandate=m lang /> })}
                                        <PostForm action=action.clone() lang intent=StaffIntent::Revoke.as_str() fields=move |_fb: &FormFeedback| {
                                            let grant = grant.clone();
                                            view! {
                                                <input type="hidden" name="grant" value=grant />
                                                <button type="submit" class="link-button">{td_string!(locale, agency_staff_withdraw)}</button>
                                            }.into_any()
                                        } />
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <h2>{td_string!(locale, agency_staff_authorise)}</h2>
                        <PostForm action=action.clone() lang intent=StaffIntent::Appoint.as_str() fields=move |fb: &FormFeedback| {
                            appoint_fields(fb, lang, &[], Some(&agency_slug))
                        } />
                        <h2 id="organisers">{td_string!(locale, agency_organiser_appoint)}</h2>
                        <ul class="staff-list">
                            {page.organisers.into_iter().map(|s| {
                                let grant = s.grant_id.to_string();
                                view! {
                                    <li>
                                        <strong><bdi>{s.holder}</bdi></strong>
                                        <PostForm action=action.clone() lang intent=StaffIntent::Revoke.as_str() fields=move |_fb: &FormFeedback| {
                                            let grant = grant.clone();
                                            view! {
                                                <input type="hidden" name="grant" value=grant />
                                                <button type="submit" class="link-button">{td_string!(locale, agency_staff_withdraw)}</button>
                                            }.into_any()
                                        } />
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        <p class="field__hint">{td_string!(locale, agency_organiser_hint)}</p>
                        <PostForm action=action.clone() lang intent=StaffIntent::AppointOrganiser.as_str() fields=move |fb: &FormFeedback| {
                            view! {
                                <Field name="email" kind="email" lang label=td_string!(locale, field_email).to_string()
                                    value=fb.value("email") error=fb.errors.get("email").copied() />
                                <button type="submit" class="button">{td_string!(locale, agency_organiser_submit)}</button>
                            }.into_any()
                        } />
                        <h2 id="target">{td_string!(locale, agency_target_title)}</h2>
                        <PostForm action lang intent=StaffIntent::Target.as_str() fields=move |fb: &FormFeedback| {
                            let value = if fb.values.is_empty() { target.to_string() } else { fb.value(TARGET_DAYS) };
                            view! {
                                <Field name=TARGET_DAYS kind="text" label=td_string!(locale, agency_target_days).to_string()
                                    hint=td_string!(locale, agency_target_hint).to_string() value error=fb.errors.get(TARGET_DAYS).copied() lang />
                                <button type="submit" class="button">{td_string!(locale, agency_target_save)}</button>
                            }.into_any()
                        } />
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
