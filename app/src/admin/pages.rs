//! `/{lang}/admin`: agencies and appointments; `/{lang}/admin/audit`: the audit log.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{admin_overview, audit_log, AgencyView};
use crate::accounts::pages::{role_name, MandateLine};
use crate::admin::form::AdminIntent;
use crate::domain::authz::RoleKind;
use crate::domain::Lang;
use crate::forms::FormFeedback;
use crate::paths;
use crate::ui::denied::error_page;
use crate::ui::form::{Field, PostForm};
use crate::ui::layout::{digits, page_title, use_lang};
use crate::ui::text::LocalizedSpan;

#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let overview = Resource::new(|| (), move |_| admin_overview(lang));
    let done = use_query_map()
        .with_untracked(|q| q.get("done"))
        .and_then(|d| d.parse::<AdminIntent>().ok())
        .map(|d| match d {
            AdminIntent::Agency => td_string!(locale, admin_done_agency),
            AdminIntent::Appoint => td_string!(locale, admin_done_appoint),
            AdminIntent::Revoke => td_string!(locale, admin_done_revoke),
        });
    view! {
        <Title text=page_title(lang, td_string!(locale, admin_title)) />
        <section class="page">
            <h1>{td_string!(locale, admin_title)}</h1>
            {done.map(|text| view! { <p class="notice notice--ok" role="status">{text}</p> })}
            <p><a href=paths::audit_log(lang)>{td_string!(locale, audit_title)}</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let data = match overview.await {
                        Ok(d) => d,
                        Err(e) => return error_page(e, lang),
                    };
                    let agencies = data.agencies.clone();
                    let action = paths::admin(lang);
                    view! {
                        <section class="panel" aria-labelledby="agencies-heading">
                            <h2 id="agencies-heading">{td_string!(locale, admin_agencies)}</h2>
                            <ul class="plain-list">
                                {data.agencies.iter().map(|a| view! {
                                    <li>
                                        <a href=paths::agency(lang, &a.slug)><LocalizedSpan text=a.name.clone() lang /></a>
                                        " · " <code dir="ltr">{a.slug.clone()}</code>
                                    </li>
                                }).collect_view()}
                            </ul>
                            <h3>{td_string!(locale, admin_new_agency)}</h3>
                            <PostForm action=action.clone() lang intent=AdminIntent::Agency.as_str() fields=move |fb: &FormFeedback| view! {
                                <Field name="name_ar" lang label=td_string!(locale, field_name_ar).to_string()
                                    value=fb.value("name_ar") error=fb.errors.get("name_ar").copied() />
                                <Field name="name_en" lang label=td_string!(locale, field_name_en).to_string()
                                    value=fb.value("name_en") error=fb.errors.get("name_en").copied() />
                                <Field name="slug" lang label=td_string!(locale, field_slug).to_string()
                                    hint=td_string!(locale, field_slug_hint).to_string()
                                    value=fb.value("slug") error=fb.errors.get("slug").copied() />
                                <Field name="time_zone" lang label=td_string!(locale, field_time_zone).to_string()
                                    hint="Asia/Riyadh".to_string()
                                    value=fb.value("time_zone") error=fb.errors.get("time_zone").copied() />
                                <Field name="website" kind="url" lang label=td_string!(locale, field_website).to_string()
                                    value=fb.value("website") error=fb.errors.get("website").copied() />
                                <button type="submit" class="button">{td_string!(locale, admin_create_agency)}</button>
                            }.into_any() />
                        </section>
                        <section class="panel" aria-labelledby="roles-heading">
                            <h2 id="roles-heading">{td_string!(locale, admin_roles)}</h2>
                            <table class="table">
                                <thead><tr>
                                    <th scope="col">{td_string!(locale, field_display_name)}</th>
                                    <th scope="col">{td_string!(locale, field_role)}</th>
                                    <th scope="col">{td_string!(locale, field_agency)}</th>
                                    <th scope="col"><span class="visually-hidden">{td_string!(locale, admin_revoke)}</span></th>
                                </tr></thead>
                                <tbody>
                                    {data.roles.into_iter().map(|r| {
                                        let grant = r.grant_id.to_string();
                                        view! {
                                            <tr>
                                                <td><bdi>{r.holder}</bdi></td>
                                                <td>{role_name(r.kind, lang)}
                                                    {r.mandate.map(|m| view! { <MandateLine mandate=m lang /> })}</td>
                                                <td>{r.agency_name.map(|n| view! { <LocalizedSpan text=n lang /> })}</td>
                                                <td>
                                                    <PostForm action=action.clone() lang intent=AdminIntent::Revoke.as_str() fields=move |_fb: &FormFeedback| {
                                                        let grant = grant.clone();
                                                        view! {
                                                            <input type="hidden" name="grant" value=grant />
                                                            <button type="submit" class="link-button">{td_string!(locale, admin_revoke)}</button>
                                                        }.into_any()
                                                    } />
                                                </td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <h3>{td_string!(locale, admin_appoint)}</h3>
                            <PostForm action lang intent=AdminIntent::Appoint.as_str() fields=move |fb: &FormFeedback| {
                                appoint_fields(fb, lang, &agencies, None)
                            } />
                        </section>
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}

/// The fields of an appointment: whom, which role, which agency, and the mandate (for
/// staff). With `fixed_agency`, only agency staff of that agency can be appointed.
pub fn appoint_fields(
    fb: &FormFeedback,
    lang: Lang,
    agencies: &[AgencyView],
    fixed_agency: Option<&str>,
) -> AnyView {
    let locale = lang.locale();
    let chosen_role = fb.value("role");
    let chosen_agency = fb.value("agency");
    let role_select = match fixed_agency {
        Some(slug) => view! {
            <input type="hidden" name="role" value="agency_staff" />
            <input type="hidden" name="agency" value=slug.to_owned() />
        }
        .into_any(),
        None => view! {
            <div class="field" class:field--invalid=fb.errors.contains_key("role")>
                <label for="field-role">{td_string!(locale, field_role)}</label>
                {fb.errors.get("role").map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                // Least privileged first, so that the form never defaults to the most.
                <select id="field-role" name="role">
                    {RoleKind::BY_PRIVILEGE.into_iter().map(|k| view! {
                        <option value=k.code() selected=chosen_role == k.code()>{role_name(k, lang)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field" class:field--invalid=fb.errors.contains_key("agency")>
                <label for="field-agency">{td_string!(locale, field_agency)}</label>
                <p class="field__hint">{td_string!(locale, field_agency_hint)}</p>
                {fb.errors.get("agency").map(|e| view! { <p class="field__error">{digits(e.text(lang))}</p> })}
                <select id="field-agency" name="agency">
                    <option value="">"—"</option>
                    {agencies.iter().map(|a| view! {
                        <option value=a.slug.clone() selected=chosen_agency == a.slug>
                            {a.name.pick(lang).map(|p| p.text).unwrap_or_default()}
                        </option>
                    }).collect_view()}
                </select>
            </div>
        }
        .into_any(),
    };
    view! {
        <Field name="email" kind="email" lang label=td_string!(locale, field_email).to_string()
            hint=td_string!(locale, field_appoint_email_hint).to_string()
            value=fb.value("email") error=fb.errors.get("email").copied() />
        {role_select}
        <fieldset class="fieldset">
            <legend>{td_string!(locale, mandate_legend)}</legend>
            <Field name="decision_ref" lang label=td_string!(locale, field_decision_ref).to_string()
                value=fb.value("decision_ref") error=fb.errors.get("decision_ref").copied() />
            <Field name="decided_on" kind="date" lang label=td_string!(locale, field_decided_on).to_string()
                value=fb.value("decided_on") error=fb.errors.get("decided_on").copied() />
            <Field name="scope" lang label=td_string!(locale, field_scope).to_string()
                value=fb.value("scope") error=fb.errors.get("scope").copied() />
        </fieldset>
        <button type="submit" class="button">{td_string!(locale, admin_appoint_submit)}</button>
    }
    .into_any()
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let lang = use_lang();
    let locale = lang.locale();
    let query = use_query_map();
    let log = Resource::new(
        move || query.with(|q| q.get("before").and_then(|b| b.parse::<i64>().ok())),
        audit_log,
    );
    view! {
        <Title text=page_title(lang, td_string!(locale, audit_title)) />
        <section class="page">
            <h1>{td_string!(locale, audit_title)}</h1>
            <p>{td_string!(locale, audit_intro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let page = match log.await {
                        Ok(p) => p,
                        Err(e) => return error_page(e, lang),
                    };
                    view! {
                        <table class="table audit">
                            <thead><tr>
                                <th scope="col">{td_string!(locale, audit_when)}</th>
                                <th scope="col">{td_string!(locale, audit_who)}</th>
                                <th scope="col">{td_string!(locale, audit_what)}</th>
                                <th scope="col">{td_string!(locale, audit_target)}</th>
                                <th scope="col">{td_string!(locale, audit_ip)}</th>
                            </tr></thead>
                            <tbody>
                                {page.lines.into_iter().map(|l| view! {
                                    <tr>
                                        <td dir="ltr"><time>{digits(&l.at)}</time></td>
                                        <td><bdi>{l.actor.unwrap_or_default()}</bdi></td>
                                        <td><code dir="ltr">{l.action}</code>
                                            <pre class="audit__detail" dir="auto">{l.detail}</pre></td>
                                        <td dir="ltr">{l.target}</td>
                                        <td dir="ltr">{l.ip.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        {page.older.map(|before| view! {
                            <p><a href=paths::audit_log_before(lang, before)>{td_string!(locale, audit_older)}</a></p>
                        })}
                    }.into_any()
                })}
            </Suspense>
        </section>
    }
}
