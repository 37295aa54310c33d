//! The HTML shell and the route table: every page lives under `/ar/…` and `/en/…`.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    ParamSegment, SsrMode, StaticSegment,
};

use crate::accounts::legal::{PrivacyPage, TermsPage};
use crate::accounts::notifications::UnsubscribePage;
use crate::accounts::pages::{
    AccountDeletedPage, AccountPage, DeleteAccountPage, ForgotPasswordPage, ForgotSentPage,
    RegisterPage, RegisterSentPage, ResetPasswordPage, SignInPage, VerifyEmailPage,
};
use crate::accounts::two_factor::{RecoveryCodesPage, SignInCodePage, TwoFactorPage};
use crate::admin::pages::{AdminPage, AuditLogPage};
use crate::agencies::pages::{AgencyPublicPage, AgencyStaffPage};
use crate::consultations::editing::{EditConsultationPage, NewConsultationPage};
use crate::consultations::pages::{ConsultationListPage, HomePage};
use crate::consultations::reading::{ConsultationPage, DiffPage};
use crate::contributions::profile::ProfilePage;
use crate::contributions::received::RecordReceivedPage;
use crate::domain::Lang;
use crate::frame::{Layout, NotFound};
use crate::moderation::pages::{ModerationLogPage, ModerationQueuePage, ModerationRulesPage};
use crate::responses::pages::{ImpactPage, ResponseDetailPage, ResponseQueuePage};
use crate::responses::report::ReportPage;
use crate::search::pages::SearchPage;
use crate::workshops::pages::{
    EditWorkshopPage, ManageWorkshopPage, NewWorkshopPage, WorkshopListPage, WorkshopPage,
};

/// The document around the app. Rendered on the server only; `<html lang dir>` is set
/// by the layout through `leptos_meta`, so it follows the page's language.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                // `/pkg/shura.<hash>.css`, named as `hash.txt` says (see `HydrationScripts`).
                <HashedStylesheet id="shura-css" options=options.clone() />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Scripts run only with this response's nonce (the hydration script and the resource
/// data Leptos inlines); the wasm module they load is trusted through 'strict-dynamic'.
/// No inline styles, no plugins, no framing, forms post only to this site.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use axum::http::{header, HeaderValue};
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Routes fallback=NotFound>
                <LangRoutes lang=Lang::Ar />
                <LangRoutes lang=Lang::En />
            </Routes>
        </Router>
    }
}

/// The pages of one language, under its path prefix. Pages render in full before the
/// response is sent (`SsrMode::Async`) so that they work without JavaScript.
#[component(transparent)]
fn LangRoutes(lang: Lang) -> impl leptos_router::MatchNestedRoutes + Clone {
    view! {
        <ParentRoute path=StaticSegment(lang.code()) view=move || view! { <Layout lang /> }>
            <Route path=StaticSegment("/") view=HomePage ssr=SsrMode::Async />
            <Route path=StaticSegment("register") view=RegisterPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("register"), StaticSegment("sent")) view=RegisterSentPage ssr=SsrMode::Async />
            <Route path=StaticSegment("sign-in") view=SignInPage ssr=SsrMode::Async />
            <Route path=StaticSegment("verify-email") view=VerifyEmailPage ssr=SsrMode::Async />
            <Route path=StaticSegment("account") view=AccountPage ssr=SsrMode::Async />
            <Route path=StaticSegment("forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("forgot-password"), StaticSegment("sent")) view=ForgotSentPage ssr=SsrMode::Async />
            <Route path=StaticSegment("reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("sign-in"), StaticSegment("code")) view=SignInCodePage ssr=SsrMode::Async />
            <Route path=(StaticSegment("account"), StaticSegment("two-factor")) view=TwoFactorPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("account"), StaticSegment("recovery-codes")) view=RecoveryCodesPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("account"), StaticSegment("delete")) view=DeleteAccountPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("account"), StaticSegment("deleted")) view=AccountDeletedPage ssr=SsrMode::Async />
            <Route path=StaticSegment("admin") view=AdminPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("admin"), StaticSegment("audit")) view=AuditLogPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("agencies"), ParamSegment("slug")) view=AgencyPublicPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("agencies"), ParamSegment("slug"), StaticSegment("staff")) view=AgencyStaffPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("agencies"), ParamSegment("slug"), StaticSegment("consultations"), StaticSegment("new")) view=NewConsultationPage ssr=SsrMode::Async />
            <Route path=StaticSegment("consultations") view=ConsultationListPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug")) view=ConsultationPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug"), StaticSegment("versions"), ParamSegment("n")) view=ConsultationPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug"), StaticSegment("diff")) view=DiffPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug"), StaticSegment("edit")) view=EditConsultationPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug"), StaticSegment("moderation")) view=ModerationLogPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug"), StaticSegment("impact")) view=ImpactPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug"), StaticSegment("report")) view=ReportPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug"), StaticSegment("responses")) view=ResponseQueuePage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug"), StaticSegment("responses"), ParamSegment("id")) view=ResponseDetailPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug"), StaticSegment("workshops"), StaticSegment("new")) view=NewWorkshopPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("consultations"), ParamSegment("slug"), StaticSegment("record")) view=RecordReceivedPage ssr=SsrMode::Async />
            <Route path=StaticSegment("workshops") view=WorkshopListPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("workshops"), ParamSegment("id")) view=WorkshopPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("workshops"), ParamSegment("id"), StaticSegment("edit")) view=EditWorkshopPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("workshops"), ParamSegment("id"), StaticSegment("manage")) view=ManageWorkshopPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("people"), ParamSegment("id")) view=ProfilePage ssr=SsrMode::Async />
            <Route path=StaticSegment("moderation") view=ModerationQueuePage ssr=SsrMode::Async />
            <Route path=StaticSegment("moderation-rules") view=ModerationRulesPage ssr=SsrMode::Async />
            <Route path=StaticSegment("search") view=SearchPage ssr=SsrMode::Async />
            <Route path=StaticSegment("terms") view=TermsPage ssr=SsrMode::Async />
            <Route path=StaticSegment("privacy") view=PrivacyPage ssr=SsrMode::Async />
            <Route path=(StaticSegment("unsubscribe"), ParamSegment("token")) view=UnsubscribePage ssr=SsrMode::Async />
        </ParentRoute>
    }
    .into_inner()
}
