//! Every URL of the site, built in one place: the pages' links, the forms' actions, the
//! redirects after a form, the links in mails and the read API's `href`s — and the
//! axum route patterns that serve them, side by side, so a route and the links to it
//! cannot drift apart.
//!
//! Wasm-safe (the views and the server both use it). Each function takes the typed
//! things a URL is made of and returns the path; [`absolute`] puts the site's public
//! address in front of one for mails and the API. Path segments (slugs, tokens, file
//! names) and query values are percent-encoded here, whatever the rules that make
//! them: a slug that passed `is_valid_slug` comes out as it went in.

use crate::admin::form::AdminIntent;
use crate::agencies::form::StaffIntent;
use crate::contributions::form::Done;
use crate::domain::contribution::{ReportCategory, ThreadOrder};
use crate::domain::{
    AttachmentId, ClauseKey, ContributionId, Lang, ListQuery, ResponseId, UserId, WorkshopId,
};
use crate::workshops::form::{OrganiserIntent, ParticipantIntent};

/// What a query value keeps as it is: RFC 3986 unreserved characters, and `/` (paths).
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// What a path segment keeps as it is: RFC 3986 unreserved characters only.
const SEGMENT: &percent_encoding::AsciiSet = &QUERY_VALUE.add(b'/');

/// Percent-encodes a value for a query string.
pub fn encode_query_value(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// Percent-encodes one segment of a path (a `/` in it is encoded too).
fn segment(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, SEGMENT).to_string()
}

/// `path` at the site's public address (`AppState.public_url`, with or without a
/// trailing `/`): the form of a link in a mail or in the API.
pub fn absolute(public_url: &str, path: &str) -> String {
    format!(
        "{}/{}",
        public_url.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

/// `/{lang}` and what follows it: every page's path starts so.
fn page(lang: Lang, rest: &str) -> String {
    format!("/{}{rest}", lang.code())
}

// ---------------------------------------------------------------------------------
// Home and language

/// A language's home page, `/{lang}/`.
pub fn home(lang: Lang) -> String {
    page(lang, "/")
}

/// `/lang/{code}?next=…`: remembers the choice of `lang`, then goes to `next`.
pub fn switch_language(lang: Lang, next: &str) -> String {
    format!("/lang/{}?next={}", lang.code(), encode_query_value(next))
}

/// The page at `path` (with `query`, without its `?`), read in `from`, in language
/// `to`: `/ar/consultations/x` → `/en/consultations/x`; a path of no language is
/// `to`'s home.
pub fn in_language(path: &str, query: &str, from: Lang, to: Lang) -> String {
    let rest = path
        .strip_prefix('/')
        .and_then(|p| p.strip_prefix(from.code()))
        .unwrap_or("/");
    let rest = if rest.is_empty() { "/" } else { rest };
    let path = page(to, rest);
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

// ---------------------------------------------------------------------------------
// Consultations

/// The list of consultations, `/{lang}/consultations`.
pub fn consultations(lang: Lang) -> String {
    page(lang, "/consultations")
}

/// The list filtered and at a page: `?agency=…&status=…&topic=…&page=n`.
pub fn consultation_list(lang: Lang, q: &ListQuery) -> String {
    let mut parts = Vec::new();
    if let Some(a) = &q.agency {
        parts.push(format!("agency={}", encode_query_value(a)));
    }
    if let Some(s) = q.status {
        parts.push(format!("status={}", s.as_str()));
    }
    if let Some(t) = &q.topic {
        parts.push(format!("topic={}", encode_query_value(t)));
    }
    parts.push(format!("page={}", q.page));
    format!("{}?{}", consultations(lang), parts.join("&"))
}

/// The consultations of a topic, `?topic=…`.
pub fn topic(lang: Lang, topic: &str) -> String {
    format!(
        "{}?topic={}",
        consultations(lang),
        encode_query_value(topic)
    )
}

/// A consultation's page (its latest version, the threads, the forms under it).
pub fn consultation(lang: Lang, slug: &str) -> String {
    page(lang, &format!("/consultations/{}", segment(slug)))
}

/// The follow button on a consultation's page.
pub fn consultation_follow(lang: Lang, slug: &str) -> String {
    format!("{}#follow", consultation(lang, slug))
}

/// The staff editor of a consultation.
pub fn consultation_edit(lang: Lang, slug: &str) -> String {
    format!("{}/edit", consultation(lang, slug))
}

/// The editor, at the latest version's citations (shown once it is version 2 or later).
pub fn consultation_edit_citations(lang: Lang, slug: &str) -> String {
    format!("{}#cite", consultation_edit(lang, slug))
}

/// The form that creates a consultation for an agency.
pub fn new_consultation(lang: Lang, agency_slug: &str) -> String {
    format!("{}/consultations/new", agency(lang, agency_slug))
}

/// Version `n` of a consultation, at its permalink.
pub fn version(lang: Lang, slug: &str, n: u32) -> String {
    format!("{}/versions/{n}", consultation(lang, slug))
}

/// Version `n` as a Markdown file, in `lang`.
pub fn version_markdown(lang: Lang, slug: &str, n: u32) -> String {
    format!("{}/markdown", version(lang, slug, n))
}

/// A clause of version `n`, at its anchor when it has a key (a [`ClauseKey`] holds only
/// fragment-safe characters, so it is written as it is).
pub fn version_clause(lang: Lang, slug: &str, n: u32, key: Option<&ClauseKey>) -> String {
    let page = version(lang, slug, n);
    match key {
        Some(k) => format!("{page}#clause-{k}"),
        None => page,
    }
}

/// A clause of the latest version, at its anchor on the consultation's page.
pub fn clause(lang: Lang, slug: &str, key: &ClauseKey) -> String {
    format!("{}#clause-{key}", consultation(lang, slug))
}

/// A consultation's response queue, for its agency's staff, with its filters (a query
/// string from `QueueQuery::to_query`, without `?`; empty for none).
pub fn responses(lang: Lang, slug: &str, query: &str) -> String {
    let page = format!("{}/responses", consultation(lang, slug));
    if query.is_empty() {
        page
    } else {
        format!("{page}?{query}")
    }
}

/// "You said, we did": what became of a consultation's contributions.
pub fn impact(lang: Lang, slug: &str) -> String {
    format!("{}/impact", consultation(lang, slug))
}

/// The impact of a consultation as JSON.
pub fn api_impact(slug: &str) -> String {
    format!("{}/impact", api_consultation(slug))
}

/// Every contribution of a consultation as CSV.
pub fn api_contributions_csv(slug: &str) -> String {
    format!("{}/contributions.csv", api_consultation(slug))
}

/// One response of a consultation: its members, revisions and the clauses it changed.
pub fn response(lang: Lang, slug: &str, id: ResponseId) -> String {
    format!("{}/responses/{id}", consultation(lang, slug))
}

/// What changed from version `from` to version `to`.
pub fn diff(lang: Lang, slug: &str, from: u32, to: u32) -> String {
    format!("{}/diff?from={from}&to={to}", consultation(lang, slug))
}

/// A clause's row in the comparison of version `n` with the one before.
pub fn diff_clause(lang: Lang, slug: &str, n: u32, key: Option<&ClauseKey>) -> String {
    let page = diff(lang, slug, n.saturating_sub(1).max(1), n);
    match key {
        Some(k) => format!("{page}#diff-{k}"),
        None => page,
    }
}

/// A consultation's public moderation log.
pub fn moderation_log(lang: Lang, slug: &str) -> String {
    format!("{}/moderation", consultation(lang, slug))
}

/// An attached document; the name is only there for people and their downloads.
pub fn attachment(id: AttachmentId, file_name: &str) -> String {
    format!("/attachments/{id}/{}", segment(file_name))
}

// ---------------------------------------------------------------------------------
// Contributions

/// A contribution where it is read: its consultation's page at `#contribution-{id}`.
pub fn contribution(lang: Lang, slug: &str, id: ContributionId) -> String {
    contribution_in_list(lang, slug, "", id)
}

/// The query of a place in a consultation's threads: `sort=…&clause=…&cpage=…` (the
/// page only past the first).
pub fn thread_query(order: ThreadOrder, clause: Option<&ClauseKey>, page: u32) -> String {
    let mut q = format!("sort={}", order.as_str());
    if let Some(c) = clause {
        q.push_str(&format!("&clause={c}"));
    }
    if page > 1 {
        q.push_str(&format!("&cpage={page}"));
    }
    q
}

/// `path` with `query` (already encoded, without its `?`; none when empty).
fn with_query(path: String, query: &str) -> String {
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

/// A consultation's threads at the place `query` says (see [`thread_query`]).
pub fn contributions(lang: Lang, slug: &str, query: &str) -> String {
    format!(
        "{}#contributions",
        with_query(consultation(lang, slug), query)
    )
}

/// The whole of the thread started by `root`, every reply shown.
pub fn whole_thread(lang: Lang, slug: &str, root: ContributionId) -> String {
    format!(
        "{}#contribution-{root}",
        with_query(consultation(lang, slug), &format!("thread={root}"))
    )
}

/// Contribution `id` in a consultation's threads at the place `query` says.
pub fn contribution_in_list(lang: Lang, slug: &str, query: &str, id: ContributionId) -> String {
    format!(
        "{}#contribution-{id}",
        with_query(consultation(lang, slug), query)
    )
}

/// Contribution `id` in the whole of the thread started by `root` (where a search
/// hit leads: the thread's page shows every reply, however deep the list's paging).
pub fn contribution_in_thread(
    lang: Lang,
    slug: &str,
    root: ContributionId,
    id: ContributionId,
) -> String {
    format!(
        "{}#contribution-{id}",
        with_query(consultation(lang, slug), &format!("thread={root}"))
    )
}

/// The search page, nothing asked yet (where its form goes).
pub fn search_page(lang: Lang) -> String {
    page(lang, "/search")
}

/// The search page asking `pairs` (a search's parameters, not yet encoded).
pub fn search<K: AsRef<str>, V: AsRef<str>>(lang: Lang, pairs: &[(K, V)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", k.as_ref(), encode_query_value(v.as_ref())))
        .collect();
    with_query(search_page(lang), &query.join("&"))
}

/// Contribution `id` in the list, with `done` confirmed next to it.
pub fn contribution_done(
    lang: Lang,
    slug: &str,
    query: &str,
    id: ContributionId,
    done: Done,
) -> String {
    let query = if query.is_empty() {
        format!("done={}&item={id}", done.as_str())
    } else {
        format!("{query}&done={}&item={id}", done.as_str())
    };
    contribution_in_list(lang, slug, &query, id)
}

// ---------------------------------------------------------------------------------
// Agencies, administration, moderation

/// A concluded consultation's final report.
pub fn report(lang: Lang, slug: &str) -> String {
    format!("{}/report", consultation(lang, slug))
}

/// The Atom feed of new public consultations.
pub fn consultations_feed(lang: Lang) -> String {
    page(lang, "/feeds/consultations.atom")
}

/// The Atom feed of a consultation's versions and responses.
pub fn consultation_feed(lang: Lang, slug: &str) -> String {
    format!("{}/feed.atom", consultation(lang, slug))
}

/// The workshops across the portal, upcoming and past.
pub fn workshops(lang: Lang) -> String {
    page(lang, "/workshops")
}

/// A workshop's page.
pub fn workshop(lang: Lang, id: WorkshopId) -> String {
    page(lang, &format!("/workshops/{id}"))
}

/// A workshop's page opened from an invitation: its registration form carries the token.
pub fn workshop_invitation(lang: Lang, id: WorkshopId, token: &str) -> String {
    format!(
        "{}?invitation={}",
        workshop(lang, id),
        encode_query_value(token)
    )
}

/// A workshop's page after a participant's form worked, saying so.
pub fn workshop_done(lang: Lang, id: WorkshopId, done: ParticipantIntent) -> String {
    format!("{}?done={}#register", workshop(lang, id), done.as_str())
}

/// The organisers' page after one of its forms worked, saying so.
pub fn workshop_manage_done(lang: Lang, id: WorkshopId, done: OrganiserIntent) -> String {
    format!("{}?done={}", workshop_manage(lang, id), done.as_str())
}

/// The organisers' page of a workshop: registrations, check-in, invitations.
pub fn workshop_manage(lang: Lang, id: WorkshopId) -> String {
    page(lang, &format!("/workshops/{id}/manage"))
}

/// An empty feedback sheet (the header row, in `lang`) for a workshop's organisers.
pub fn workshop_feedback_sheet(lang: Lang, id: WorkshopId) -> String {
    page(lang, &format!("/workshops/{id}/feedback-sheet.csv"))
}

/// The participant list of a workshop as CSV, for its organisers.
pub fn workshop_participants_csv(lang: Lang, id: WorkshopId) -> String {
    page(lang, &format!("/workshops/{id}/participants.csv"))
}

/// A workshop as an iCalendar file.
pub fn workshop_ics(lang: Lang, id: WorkshopId) -> String {
    page(lang, &format!("/workshops/{id}.ics"))
}

/// The organisers' form to change a workshop.
pub fn workshop_edit(lang: Lang, id: WorkshopId) -> String {
    page(lang, &format!("/workshops/{id}/edit"))
}

/// The organisers' form to schedule a workshop of a consultation.
pub fn new_workshop(lang: Lang, slug: &str) -> String {
    format!("{}/workshops/new", consultation(lang, slug))
}

/// The staff's form for a contribution received by social media, email or letter.
pub fn record_received(lang: Lang, slug: &str) -> String {
    format!("{}/record", consultation(lang, slug))
}

/// The same form after it worked, ready for the next one.
pub fn record_received_done(lang: Lang, slug: &str, id: ContributionId) -> String {
    format!("{}?done={id}", record_received(lang, slug))
}

/// A consultation's workshops as one iCalendar file.
pub fn consultation_workshops_ics(lang: Lang, slug: &str) -> String {
    format!("{}/workshops.ics", consultation(lang, slug))
}

/// The workshops section of a consultation's page.
pub fn consultation_workshops(lang: Lang, slug: &str) -> String {
    format!("{}#workshops", consultation(lang, slug))
}

/// A response as a feed entry names it: stable whatever its revisions.
pub fn response_entry(lang: Lang, slug: &str, id: ResponseId) -> String {
    format!("{}#response-{id}", consultation(lang, slug))
}

/// A contributor's public profile.
pub fn person(lang: Lang, id: UserId) -> String {
    page(lang, &format!("/people/{id}"))
}

/// A later page of a contributor's profile.
pub fn person_page(lang: Lang, id: UserId, n: u32) -> String {
    if n <= 1 {
        return person(lang, id);
    }
    format!("{}?page={n}", person(lang, id))
}

/// An agency's public page.
pub fn agency(lang: Lang, slug: &str) -> String {
    page(lang, &format!("/agencies/{}", segment(slug)))
}

/// An agency's staff page (its agency admin's).
pub fn agency_staff(lang: Lang, slug: &str) -> String {
    format!("{}/staff", agency(lang, slug))
}

/// The administrators' page.
pub fn admin(lang: Lang) -> String {
    page(lang, "/admin")
}

/// The admin page, confirming what its form `done` did.
pub fn admin_done(lang: Lang, done: AdminIntent) -> String {
    format!("{}?done={}", admin(lang), done.as_str())
}

/// An agency's staff page, confirming what its form `done` did.
pub fn agency_staff_done(lang: Lang, slug: &str, done: StaffIntent) -> String {
    format!("{}?done={}", agency_staff(lang, slug), done.as_str())
}

/// The audit log, newest first.
pub fn audit_log(lang: Lang) -> String {
    page(lang, "/admin/audit")
}

/// The audit log's lines older than `before`.
pub fn audit_log_before(lang: Lang, before: i64) -> String {
    format!("{}?before={before}", audit_log(lang))
}

/// The moderators' queue.
pub fn moderation(lang: Lang) -> String {
    page(lang, "/moderation")
}

/// The moderation rules.
/// The terms of use.
pub fn terms(lang: Lang) -> String {
    page(lang, "/terms")
}

/// The privacy notice.
pub fn privacy(lang: Lang) -> String {
    page(lang, "/privacy")
}

pub fn moderation_rules(lang: Lang) -> String {
    page(lang, "/moderation-rules")
}

/// One moderation rule, at its anchor on the rules page.
pub fn moderation_rule(lang: Lang, rule: ReportCategory) -> String {
    format!("{}#rule-{}", moderation_rules(lang), rule.as_str())
}

// ---------------------------------------------------------------------------------
// Accounts

/// The registration form.
pub fn register(lang: Lang) -> String {
    page(lang, "/register")
}

/// "Check your mail" after registering.
pub fn register_sent(lang: Lang) -> String {
    page(lang, "/register/sent")
}

/// The link mailed to confirm an address.
pub fn verify_email(lang: Lang, token: &str) -> String {
    format!(
        "{}?token={}",
        page(lang, "/verify-email"),
        encode_query_value(token)
    )
}

/// The sign-in form.
pub fn sign_in(lang: Lang) -> String {
    page(lang, "/sign-in")
}

/// The sign-in form after a password was reset.
pub fn sign_in_after_reset(lang: Lang) -> String {
    format!("{}?reset=done", sign_in(lang))
}

/// The second step of signing in: a code from the app or a recovery code.
pub fn sign_in_code(lang: Lang) -> String {
    page(lang, "/sign-in/code")
}

/// Signing in, then back to `next` (a page of this site, see [`safe_next`]).
pub fn sign_in_then(lang: Lang, next: &str) -> String {
    match safe_next(next) {
        Some(next) => format!("{}?next={}", sign_in(lang), encode_query_value(next)),
        None => sign_in(lang),
    }
}

/// Signing in again after one's own roles changed (which ends one's sessions), then
/// back to `next`.
pub fn sign_in_roles_changed(lang: Lang, next: &str) -> String {
    let then = sign_in_then(lang, next);
    let sep = if then.contains('?') { '&' } else { '?' };
    format!("{then}{sep}roles=changed")
}

/// Signing in again to confirm it is still the same person (before granting or
/// withdrawing roles), told why, then back to `next`.
pub fn sign_in_to_confirm(lang: Lang, next: &str) -> String {
    let then = sign_in_then(lang, next);
    let sep = if then.contains('?') { '&' } else { '?' };
    format!("{then}{sep}confirm=password")
}

/// The second step of signing in, then back to `next`.
pub fn sign_in_code_then(lang: Lang, next: &str) -> String {
    match safe_next(next) {
        Some(next) => format!("{}?next={}", sign_in_code(lang), encode_query_value(next)),
        None => sign_in_code(lang),
    }
}

/// `next` if it is a page of this site to go back to after signing in: a path (and
/// query) under `/ar/` or `/en/`, never another host (`//`, `\`), never a URL with a
/// scheme, never the sign-in, sign-out or registration pages themselves.
pub fn safe_next(next: &str) -> Option<&str> {
    let path = next.split(['?', '#']).next().unwrap_or_default();
    let under_lang = ["/ar/", "/en/"].iter().any(|p| next.starts_with(p));
    let account_flow = ["/sign-in", "/sign-out", "/register"]
        .iter()
        .any(|p| path.get(3..).is_some_and(|rest| rest.starts_with(p)));
    (next.len() <= 512
        && under_lang
        && !account_flow
        && !next.contains("//")
        && !next.contains('\\')
        && next.bytes().all(|b| b.is_ascii_graphic()))
    .then_some(next)
}

/// Signing out (a form's action).
pub fn sign_out(lang: Lang) -> String {
    page(lang, "/sign-out")
}

/// "Forgot your password?"
pub fn forgot_password(lang: Lang) -> String {
    page(lang, "/forgot-password")
}

/// "Check your mail" after asking for a new password.
pub fn forgot_password_sent(lang: Lang) -> String {
    page(lang, "/forgot-password/sent")
}

/// The link mailed to choose a new password.
pub fn reset_password(lang: Lang, token: &str) -> String {
    format!(
        "{}?token={}",
        page(lang, "/reset-password"),
        encode_query_value(token)
    )
}

/// The person's account page.
pub fn account(lang: Lang) -> String {
    page(lang, "/account")
}

/// The account page after the password was changed.
pub fn account_password_changed(lang: Lang) -> String {
    format!("{}?changed=password", account(lang))
}

/// The notification settings on the account page.
pub fn account_notifications(lang: Lang) -> String {
    format!("{}#notifications", account(lang))
}

/// The account page after the notification setting was saved.
pub fn account_notifications_changed(lang: Lang) -> String {
    format!("{}?changed=notifications#notifications", account(lang))
}

/// The account page after the digits setting was saved.
pub fn account_digits_changed(lang: Lang) -> String {
    format!("{}?changed=digits#digits", account(lang))
}

/// The digits setting (a form's action).
pub fn digits_setting(lang: Lang) -> String {
    page(lang, "/account/digits")
}

/// The notification setting (a form's action).
pub fn notification_settings(lang: Lang) -> String {
    page(lang, "/account/notifications")
}

/// Two-factor authentication: set up or manage.
pub fn two_factor(lang: Lang) -> String {
    page(lang, "/account/two-factor")
}

/// The recovery codes, shown once.
pub fn recovery_codes(lang: Lang) -> String {
    page(lang, "/account/recovery-codes")
}

/// Ends every other session (a form's action).
pub fn sign_out_everywhere(lang: Lang) -> String {
    page(lang, "/account/sign-out-everywhere")
}

/// The person's data as a JSON file.
pub fn my_data(lang: Lang) -> String {
    page(lang, "/account/my-data")
}

/// Deleting the account.
pub fn delete_account(lang: Lang) -> String {
    page(lang, "/account/delete")
}

/// After the account was deleted.
pub fn account_deleted(lang: Lang) -> String {
    page(lang, "/account/deleted")
}

/// The one-click unsubscribe address (RFC 8058): no language, mail programs post to it.
pub fn unsubscribe(token: &str) -> String {
    format!("/unsubscribe/{}", segment(token))
}

/// The unsubscribe page, with its button.
pub fn unsubscribe_page(lang: Lang, token: &str) -> String {
    page(lang, &format!("/unsubscribe/{}", segment(token)))
}

/// The unsubscribe page once it is done.
pub fn unsubscribe_done(lang: Lang, token: &str) -> String {
    format!("{}?done=1", unsubscribe_page(lang, token))
}

// ---------------------------------------------------------------------------------
// The read API

/// A consultation in the read API.
pub fn api_consultation(slug: &str) -> String {
    format!("/api/v1/consultations/{}", segment(slug))
}

/// Version `n` of a consultation in the read API.
pub fn api_version(slug: &str, n: u32) -> String {
    format!("{}/versions/{n}", api_consultation(slug))
}

/// Search in the read API.
pub fn api_search() -> String {
    route::API_SEARCH.to_owned()
}

/// A contribution in the read API.
pub fn api_contribution(id: ContributionId) -> String {
    format!("/api/v1/contributions/{id}")
}

/// The patterns axum matches, beside the links above: `{name}` captures a segment.
/// The pages themselves are routed by Leptos (`routes.rs`); these are the routes the
/// server adds (form posts, files, the API).
pub mod route {
    use super::page;
    use crate::domain::Lang;

    /// `/{lang}` alone (redirected to `/{lang}/`).
    pub fn lang_root(lang: Lang) -> String {
        page(lang, "")
    }

    /// Where a folder of the built site (`pkg`: the wasm bundle, scripts, styles) is
    /// served.
    pub fn site_dir(dir: &str) -> String {
        format!("/{dir}")
    }

    pub const SWITCH_LANGUAGE: &str = "/lang/{code}";
    pub const ATTACHMENT: &str = "/attachments/{id}/{name}";
    pub const UNSUBSCRIBE: &str = "/unsubscribe/{token}";

    /// One function per pattern that exists once per language: `/{lang}` + the rest.
    macro_rules! per_language {
        ($($name:ident => $rest:literal,)*) => {
            $(
                #[doc = concat!("`/{lang}", $rest, "`")]
                pub fn $name(lang: Lang) -> String {
                    page(lang, $rest)
                }
            )*
        };
    }

    per_language! {
        consultation => "/consultations/{slug}",
        consultation_edit => "/consultations/{slug}/edit",
        responses => "/consultations/{slug}/responses",
        response => "/consultations/{slug}/responses/{id}",
        new_consultation => "/agencies/{slug}/consultations/new",
        version_markdown => "/consultations/{slug}/versions/{number}/markdown",
        consultations_feed => "/feeds/consultations.atom",
        consultation_feed => "/consultations/{slug}/feed.atom",
        new_workshop => "/consultations/{slug}/workshops/new",
        record_received => "/consultations/{slug}/record",
        consultation_workshops_ics => "/consultations/{slug}/workshops.ics",
        workshop => "/workshops/{id}",
        workshop_edit => "/workshops/{id}/edit",
        workshop_manage => "/workshops/{id}/manage",
        workshop_participants_csv => "/workshops/{id}/participants.csv",
        workshop_feedback_sheet => "/workshops/{id}/feedback-sheet.csv",
        agency_staff => "/agencies/{slug}/staff",
        admin => "/admin",
        moderation => "/moderation",
        register => "/register",
        sign_in => "/sign-in",
        sign_in_code => "/sign-in/code",
        sign_out => "/sign-out",
        forgot_password => "/forgot-password",
        reset_password => "/reset-password",
        account => "/account",
        notification_settings => "/account/notifications",
        digits_setting => "/account/digits",
        two_factor => "/account/two-factor",
        sign_out_everywhere => "/account/sign-out-everywhere",
        my_data => "/account/my-data",
        delete_account => "/account/delete",
    }

    pub const OPENAPI: &str = "/api/openapi.json";
    pub const API_CONSULTATIONS: &str = "/api/v1/consultations";
    pub const API_CONSULTATION: &str = "/api/v1/consultations/{slug}";
    pub const API_VERSION: &str = "/api/v1/consultations/{slug}/versions/{number}";
    pub const API_CONTRIBUTIONS: &str = "/api/v1/consultations/{slug}/contributions";
    pub const API_CONTRIBUTION: &str = "/api/v1/contributions/{id}";
    pub const API_IMPACT: &str = "/api/v1/consultations/{slug}/impact";
    pub const API_CONTRIBUTIONS_CSV: &str = "/api/v1/consultations/{slug}/contributions.csv";
    pub const API_SEARCH: &str = "/api/v1/search";
    pub const API_CONSULTATION_WORKSHOPS: &str = "/api/v1/consultations/{slug}/workshops";
    pub const API_WORKSHOP: &str = "/api/v1/workshops/{id}";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_of_this_site_are_gone_back_to_after_signing_in() {
        for good in [
            "/en/consultations/water-law?sort=new",
            "/ar/",
            "/ar/account",
        ] {
            assert_eq!(safe_next(good), Some(good));
        }
        for bad in [
            "",
            "/",
            "//evil.example/",
            "https://evil.example/",
            "/en//evil.example",
            "/en/\\evil.example",
            "/fr/x",
            "javascript:alert(1)",
            "/en/sign-in",
            "/ar/sign-out",
            "/en/register?x=1",
            "/en/a b",
            "/en/\u{202e}x",
        ] {
            assert_eq!(safe_next(bad), None, "{bad:?}");
        }
        assert_eq!(
            sign_in_then(Lang::En, "/en/consultations/x?sort=new"),
            "/en/sign-in?next=/en/consultations/x%3Fsort%3Dnew"
        );
        assert_eq!(
            sign_in_then(Lang::En, "https://evil.example"),
            "/en/sign-in"
        );
    }
    use crate::domain::ConsultationStatus;

    const SLUG: &str = "water-law-2025";

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(encode_query_value("/en/a?b=c&d"), "/en/a%3Fb%3Dc%26d");
        assert_eq!(
            encode_query_value("/ar/شورى"),
            "/ar/%D8%B4%D9%88%D8%B1%D9%89"
        );
        assert_eq!(
            verify_email(Lang::En, "a+b/c=&d"),
            "/en/verify-email?token=a%2Bb/c%3D%26d"
        );
        // Tokens as they are made (URL-safe) come out unchanged.
        assert_eq!(
            reset_password(Lang::Ar, "AbC-_09"),
            "/ar/reset-password?token=AbC-_09"
        );
    }

    #[test]
    fn segments_are_percent_encoded_even_where_the_rules_forbid_what_is_encoded() {
        // Slugs are ASCII by the slug rules; anything else is encoded all the same.
        assert_eq!(
            consultation(Lang::En, SLUG),
            "/en/consultations/water-law-2025"
        );
        assert_eq!(
            consultation(Lang::Ar, "قانون الماء"),
            "/ar/consultations/%D9%82%D8%A7%D9%86%D9%88%D9%86%20%D8%A7%D9%84%D9%85%D8%A7%D8%A1"
        );
        assert_eq!(agency(Lang::En, "a/b?c#d"), "/en/agencies/a%2Fb%3Fc%23d");
        assert_eq!(
            attachment(AttachmentId(7), "Annex 1 (ملحق).pdf"),
            "/attachments/7/Annex%201%20%28%D9%85%D9%84%D8%AD%D9%82%29.pdf"
        );
        assert_eq!(unsubscribe("ab12"), "/unsubscribe/ab12");
    }

    #[test]
    fn fragments_follow_the_query() {
        let id = ContributionId(42);
        assert_eq!(
            contribution(Lang::Ar, SLUG, id),
            "/ar/consultations/water-law-2025#contribution-42"
        );
        let art2: ClauseKey = "art-2".parse().expect("key");
        let q = thread_query(ThreadOrder::Newest, Some(&art2), 3);
        assert_eq!(
            contribution_in_list(Lang::En, SLUG, &q, id),
            format!("/en/consultations/water-law-2025?{q}#contribution-42")
        );
        assert_eq!(
            contributions(Lang::En, SLUG, ""),
            "/en/consultations/water-law-2025#contributions"
        );
        assert_eq!(
            thread_query(ThreadOrder::Newest, Some(&art2), 1),
            format!("sort={}&clause=art-2", ThreadOrder::Newest.as_str())
        );
        assert_eq!(
            account_notifications_changed(Lang::En),
            "/en/account?changed=notifications#notifications"
        );
        assert_eq!(
            moderation_rule(Lang::Ar, ReportCategory::Spam),
            format!(
                "/ar/moderation-rules#rule-{}",
                ReportCategory::Spam.as_str()
            )
        );
    }

    #[test]
    fn absolute_links_join_the_public_url_once() {
        let path = verify_email(Lang::En, "t0k");
        for public in [
            "https://shura.example",
            "https://shura.example/",
            "https://shura.example//",
        ] {
            assert_eq!(
                absolute(public, &path),
                "https://shura.example/en/verify-email?token=t0k"
            );
        }
        assert_eq!(
            absolute("https://example.org/shura/", &home(Lang::Ar)),
            "https://example.org/shura/ar/"
        );
    }

    #[test]
    fn versions_diffs_and_lists() {
        assert_eq!(
            version(Lang::En, SLUG, 3),
            "/en/consultations/water-law-2025/versions/3"
        );
        assert_eq!(
            version_markdown(Lang::Ar, SLUG, 3),
            "/ar/consultations/water-law-2025/versions/3/markdown"
        );
        assert_eq!(
            diff(Lang::En, SLUG, 2, 3),
            "/en/consultations/water-law-2025/diff?from=2&to=3"
        );
        let q = ListQuery {
            agency: Some("moe".into()),
            status: Some(ConsultationStatus::Open),
            topic: Some("a&b".into()),
            page: 2,
        };
        assert_eq!(
            consultation_list(Lang::En, &q),
            "/en/consultations?agency=moe&status=open&topic=a%26b&page=2"
        );
        assert_eq!(topic(Lang::Ar, "water"), "/ar/consultations?topic=water");
    }

    #[test]
    fn the_same_page_in_the_other_language() {
        assert_eq!(
            in_language("/ar/consultations/x", "sort=new", Lang::Ar, Lang::En),
            "/en/consultations/x?sort=new"
        );
        assert_eq!(in_language("/ar", "", Lang::Ar, Lang::En), "/en/");
        assert_eq!(in_language("/elsewhere", "", Lang::Ar, Lang::En), "/en/");
        assert_eq!(
            switch_language(Lang::En, "/en/a?b=c"),
            "/lang/en?next=/en/a%3Fb%3Dc"
        );
    }

    /// The pattern with each `{name}` replaced by its value.
    fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
        values.iter().fold(pattern.to_owned(), |p, (name, value)| {
            p.replace(&format!("{{{name}}}"), value)
        })
    }

    #[test]
    fn routes_match_the_links_to_them() {
        let s = [("slug", SLUG)];
        for lang in Lang::ALL {
            let pairs = [
                (route::consultation(lang), consultation(lang, SLUG)),
                (
                    route::consultation_edit(lang),
                    consultation_edit(lang, SLUG),
                ),
                (route::new_consultation(lang), new_consultation(lang, SLUG)),
                (route::agency_staff(lang), agency_staff(lang, SLUG)),
                (route::admin(lang), admin(lang)),
                (route::moderation(lang), moderation(lang)),
                (route::register(lang), register(lang)),
                (route::sign_in(lang), sign_in(lang)),
                (route::sign_in_code(lang), sign_in_code(lang)),
                (route::sign_out(lang), sign_out(lang)),
                (route::forgot_password(lang), forgot_password(lang)),
                (route::account(lang), account(lang)),
                (
                    route::notification_settings(lang),
                    notification_settings(lang),
                ),
                (route::digits_setting(lang), digits_setting(lang)),
                (route::two_factor(lang), two_factor(lang)),
                (route::sign_out_everywhere(lang), sign_out_everywhere(lang)),
                (route::my_data(lang), my_data(lang)),
                (route::delete_account(lang), delete_account(lang)),
            ];
            for (pattern, link) in pairs {
                assert_eq!(fill(&pattern, &s), link);
            }
            assert_eq!(
                fill(
                    &route::version_markdown(lang),
                    &[("slug", SLUG), ("number", "3")]
                ),
                version_markdown(lang, SLUG, 3)
            );
            assert_eq!(
                format!("{}?token=t", route::reset_password(lang)),
                reset_password(lang, "t")
            );
            assert_eq!(format!("{}/", route::lang_root(lang)), home(lang));
        }
        assert_eq!(
            fill(route::ATTACHMENT, &[("id", "7"), ("name", "a.pdf")]),
            attachment(AttachmentId(7), "a.pdf")
        );
        assert_eq!(
            fill(route::UNSUBSCRIBE, &[("token", "ab")]),
            unsubscribe("ab")
        );
        assert_eq!(fill(route::API_CONSULTATION, &s), api_consultation(SLUG));
        assert_eq!(
            fill(route::API_VERSION, &[("slug", SLUG), ("number", "3")]),
            api_version(SLUG, 3)
        );
        assert_eq!(
            fill(route::API_CONTRIBUTION, &[("id", "42")]),
            api_contribution(ContributionId(42))
        );
        assert_eq!(
            switch_language(Lang::En, "/en/"),
            format!(
                "{}?next=/en/",
                fill(route::SWITCH_LANGUAGE, &[("code", "en")])
            )
        );
    }
}
