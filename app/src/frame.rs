//! The frame of every page: skip link, header with navigation, the account menu and
//! the language switch, main content, footer. Also the "not found" page, which has the
//! same frame. It is the one view that puts the features together, so it lives beside
//! the routes, not in `ui/`.

use leptos::prelude::*;
use leptos_i18n::td_string;
use leptos_meta::{Html, Title};
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

use crate::accounts::pages::AccountNav;
use crate::domain::Lang;
use crate::forms::FormMessage;
use crate::paths;
use crate::ui::form::{use_form_feedback, FormSummary, FormTokenSource};

#[component]
pub fn Layout(lang: Lang) -> impl IntoView {
    provide_context(lang);
    provide_context(crate::ui::layout::request_digits());
    view! {
        <Frame lang>
            <Outlet />
        </Frame>
    }
}

#[component]
fn Frame(lang: Lang, children: Children) -> impl IntoView {
    let locale = lang.locale();
    provide_context(FormTokenSource(|| {
        Box::pin(async { crate::accounts::api::form_token().await.ok() })
    }));
    let viewer = Resource::new(|| (), |_| crate::accounts::api::current_viewer());
    // Pages inside the frame ask again through `use_viewer`: one query per page.
    provide_context(viewer);
    crate::ui::form::provide_form_feedback();
    view! {
        <Html attr:lang=lang.code() attr:dir=lang.dir() />
        // With JavaScript the client router takes the click, and a fragment alone
        // moves no focus: focus <main> explicitly (it has tabindex -1 for this).
        <a class="skip-link" href="#main" on:click=|_| {
            let main = document().get_element_by_id("main");
            if let Some(Ok(main)) = main.map(leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>) {
                let _ = main.focus();
            }
        }>
            {td_string!(locale, skip_to_content)}
        </a>
        <header class="site-header">
            <div class="site-header__inner">
                <a class="brand" href=paths::home(lang)>
                    <span class="brand__name">{td_string!(locale, site_name)}</span>
                    <span class="brand__tagline">{td_string!(locale, site_tagline)}</span>
                </a>
                <SiteNav lang>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let viewer = viewer.await.ok().flatten();
                            view! { <AccountNav viewer lang /> }
                        })}
                    </Suspense>
                    <LanguageSwitch lang />
                </SiteNav>
            </div>
        </header>
        <main id="main" tabindex="-1">
            <PageNotice lang />
            {children()}
        </main>
        <footer class="site-footer">
            <p>{td_string!(locale, footer_about)}</p>
            <p>{td_string!(locale, footer_rights)}</p>
            <p class="site-footer__links">
                <a href=paths::terms(lang)>{td_string!(locale, terms_title)}</a>
                " · "
                <a href=paths::privacy(lang)>{td_string!(locale, privacy_title)}</a>
                " · "
                <a href=paths::moderation_rules(lang)>{td_string!(locale, rules_title)}</a>
            </p>
        </footer>
    }
}

/// A message about a submitted form that belongs to no form on the page (the form
/// could not be read): shown at the top of the page it came back to.
#[component]
fn PageNotice(lang: Lang) -> impl IntoView {
    let feedback = use_form_feedback();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let feedback = feedback.await;
                (feedback.summary == Some(FormMessage::FormUnreadable))
                    .then(|| view! { <FormSummary feedback lang /> })
            })}
        </Suspense>
    }
}

/// Main navigation, with `children` (the account links and the language switch) in the
/// same panel. On narrow screens the whole panel folds behind a menu button once the
/// page is interactive; without JavaScript the button stays hidden and all stays visible.
#[component]
fn SiteNav(lang: Lang, children: Children) -> impl IntoView {
    let locale = lang.locale();
    let (open, set_open) = signal(false);
    let (interactive, set_interactive) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| set_interactive.set(true));
    let location = use_location();
    // `aria-current` on the link to the page shown, and on no other.
    let link = move |href: String, label: &'static str| {
        let here = href.clone();
        view! {
            <li>
                <a href=href aria-current=move || (location.pathname.get() == here).then_some("page")>
                    {label}
                </a>
            </li>
        }
    };
    view! {
        <nav
            class="site-nav"
            aria-label=td_string!(locale, nav_label)
            data-collapsible=move || interactive.get().to_string()
            data-open=move || open.get().to_string()
        >
            <button
                type="button"
                class="site-nav__toggle"
                aria-controls="site-nav-links"
                aria-expanded=move || open.get().to_string()
                hidden=move || !interactive.get()
                on:click=move |_| set_open.update(|o| *o = !*o)
            >
                {td_string!(locale, menu_toggle)}
            </button>
            <div id="site-nav-links" class="site-nav__panel">
                <ul class="site-nav__links">
                    {link(paths::home(lang), td_string!(locale, nav_home))}
                    {link(paths::consultations(lang), td_string!(locale, nav_consultations))}
                    {link(paths::search_page(lang), td_string!(locale, nav_search))}
                    {link(paths::workshops(lang), td_string!(locale, nav_workshops))}
                </ul>
                {children()}
            </div>
        </nav>
    }
}

/// A link to the same page in the other language. It goes through `/lang/{code}`, which
/// remembers the choice in a cookie and redirects, so it is a full page load
/// (`rel="external"` keeps the client router out of it).
#[component]
fn LanguageSwitch(lang: Lang) -> impl IntoView {
    let target = lang.other();
    let location = use_location();
    let href = move || {
        let next = paths::in_language(
            &location.pathname.get(),
            &location.search.get(),
            lang,
            target,
        );
        paths::switch_language(target, &next)
    };
    view! {
        <a
            class="lang-switch"
            href=href
            rel="external"
            hreflang=target.code()
            lang=target.code()
            title=td_string!(lang.locale(), switch_language_label)
        >
            {td_string!(lang.locale(), switch_language)}
        </a>
    }
}

/// Shown for any path that matches no page, in the language of its prefix.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    let lang = Lang::from_path(&use_location().pathname.get_untracked()).unwrap_or_default();
    let locale = lang.locale();
    view! {
        <Frame lang>
            <Title text=td_string!(locale, not_found_title) />
            <section class="page not-found">
                <h1>{td_string!(locale, not_found_title)}</h1>
                <p>{td_string!(locale, not_found_body)}</p>
                <p>
                    <a href=paths::home(lang)>{td_string!(locale, back_home)}</a>
                </p>
            </section>
        </Frame>
    }
}
