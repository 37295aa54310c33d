//! The store's behaviour, checked on SQLite and on PostgreSQL with the same tests.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::domain::{AgencyId, ConsultationStatus, LocalizedText};
use crate::ssr::accounts::store as users;
use crate::ssr::accounts::store::{NewUser, TokenPurpose};
use crate::ssr::agencies::store as agencies;
use crate::ssr::agencies::store::NewAgency;
use crate::ssr::consultations::store as consultations;
use crate::ssr::consultations::store::ConsultationRecord;
use crate::ssr::db::testing::create_consultation;
use crate::ssr::db::{Db, StoreError};
use crate::ssr::mail::store as mail_outbox;
use crate::ssr::mail::store::NewMail;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0)
        .single()
        .expect("valid time")
}

fn text(ar: &str, en: &str) -> LocalizedText {
    LocalizedText::new(Some(ar.to_owned()), Some(en.to_owned()))
}

async fn agency(db: &Db, slug: &str) -> AgencyId {
    let new = NewAgency {
        slug: slug.to_owned(),
        name: text("هيئة الحكومة الرقمية", "Digital Government Authority"),
        time_zone: "Asia/Riyadh".to_owned(),
        website: None,
    };
    crate::ssr::db::testing::create_agency(db, &new, t0())
        .await
        .expect("create agency")
        .id
}

fn consultation(
    agency_id: AgencyId,
    slug: &str,
    opens: DateTime<Utc>,
    days: i64,
) -> ConsultationRecord {
    ConsultationRecord {
        slug: slug.to_owned(),
        agency_id,
        title: text(
            "مسودة دليل المشاركة الإلكترونية",
            "Draft e-participation guideline",
        ),
        summary: text("ملخص", "Summary"),
        audience: LocalizedText::default(),
        contact_email: None,
        status: ConsultationStatus::Open,
        opens_at: opens,
        closes_at: opens + Duration::days(days),
        concluded_at: None,
    }
}

crate::store_tests! {
    async fn migrations_can_run_twice(db) {
        db.migrate().await.expect("second run is a no-op");
        db.ping().await.expect("database answers");
    }

    async fn an_agency_reads_back_as_written(db) {
        let id = agency(db, "dga").await;
        let found = agencies::by_slug(db, "dga").await.expect("query").expect("exists");
        assert_eq!(found.id, id);
        assert_eq!(found.name.ar.as_deref(), Some("هيئة الحكومة الرقمية"));
        assert_eq!(found.created_at, t0());
        assert!(agencies::by_slug(db, "nope").await.expect("query").is_none());
        assert_eq!(agencies::list(db).await.expect("list").len(), 1);
    }

    async fn a_taken_agency_slug_is_a_conflict(db) {
        agency(db, "dga").await;
        let again = NewAgency {
            slug: "dga".to_owned(),
            name: text("أخرى", "Other"),
            time_zone: "Asia/Dubai".to_owned(),
            website: None,
        };
        let err = crate::ssr::db::testing::create_agency(db, &again, t0()).await.expect_err("duplicate");
        assert!(matches!(err, StoreError::Conflict("slug")), "{err:?}");
    }

    async fn a_consultation_reads_back_with_missing_translation(db) {
        let a = agency(db, "dga").await;
        let mut new = consultation(a, "open-data", t0(), 30);
        new.title = LocalizedText::new(Some("الترخيص الموحد للبيانات المفتوحة".into()), None);
        let created = create_consultation(db, &new, t0()).await.expect("create");
        let found = consultations::by_slug(db, "open-data").await.expect("query").expect("exists");
        assert_eq!(found, created);
        assert_eq!(found.title.en, None);
        assert_eq!(found.opens_at, t0());
        assert_eq!(found.closes_at, t0() + Duration::days(30));
        assert_eq!(consultations::count(db).await.expect("count"), 1);
    }

    async fn a_consultation_needs_an_existing_agency(db) {
        let err = create_consultation(db, &consultation(AgencyId(999), "x-y-z", t0(), 5), t0())
            .await
            .expect_err("no such agency");
        assert!(matches!(err, StoreError::MissingReference("agency")), "{err:?}");
    }

    async fn a_slug_names_one_consultation_written_again_in_place(db) {
        let a = agency(db, "dga").await;
        let first = create_consultation(db, &consultation(a, "same", t0(), 5), t0()).await.expect("first");
        let mut again = consultation(a, "same", t0(), 9);
        again.title = text("عنوان جديد", "New title");
        let second = create_consultation(db, &again, t0()).await.expect("second");
        assert_eq!(second.id, first.id);
        assert_eq!(second.title.en.as_deref(), Some("New title"));
        assert_eq!(consultations::count(db).await.expect("count"), 1);
    }

    async fn a_period_that_ends_before_it_starts_is_refused(db) {
        let a = agency(db, "dga").await;
        let new = consultation(a, "backwards", t0(), -1);
        assert!(create_consultation(db, &new, t0()).await.is_err());
        assert_eq!(consultations::count(db).await.expect("count"), 0);
    }

    async fn open_list_follows_the_comment_period_to_the_second(db) {
        let a = agency(db, "dga").await;
        create_consultation(db, &consultation(a, "period", t0(), 10), t0()).await.expect("create");
        let second = Duration::seconds(1);
        let closes = t0() + Duration::days(10);
        let open_at = |now| async move {
            consultations::list_open(db, now, 10).await.expect("list").len()
        };
        assert_eq!(open_at(t0() - second).await, 0, "a second before opens_at");
        assert_eq!(open_at(t0()).await, 1, "at opens_at");
        assert_eq!(open_at(closes - second).await, 1, "a second before closes_at");
        assert_eq!(open_at(closes).await, 0, "at closes_at");
    }

    async fn open_list_shows_only_open_consultations_closing_soonest_first(db) {
        let a = agency(db, "dga").await;
        for (slug, days) in [("later", 40), ("sooner", 5), ("middle", 20)] {
            create_consultation(db, &consultation(a, slug, t0(), days), t0()).await.expect("create");
        }
        let mut draft = consultation(a, "draft-one", t0(), 1);
        draft.status = ConsultationStatus::Draft;
        create_consultation(db, &draft, t0()).await.expect("create draft");
        let list = consultations::list_open(db, t0() + Duration::hours(1), 10).await.expect("list");
        let slugs: Vec<_> = list.iter().map(|c| c.slug.as_str()).collect();
        assert_eq!(slugs, ["sooner", "middle", "later"]);
        assert_eq!(list[0].agency_name.en.as_deref(), Some("Digital Government Authority"));
        let limited = consultations::list_open(db, t0() + Duration::hours(1), 2).await.expect("list");
        assert_eq!(limited.len(), 2);
    }

    async fn demo_data_loads_once(db) {
        assert!(crate::ssr::exchange::demo::load_if_empty(db, t0()).await.expect("load"));
        let count = consultations::count(db).await.expect("count");
        assert!(count >= 2);
        assert!(!crate::ssr::exchange::demo::load_if_empty(db, t0()).await.expect("second load"));
        assert_eq!(consultations::count(db).await.expect("count"), count);
        let open = consultations::list_open(db, t0(), 50).await.expect("list");
        assert!(open.iter().any(|c| c.slug == "e-participation-guideline"));
        assert!(open.iter().all(|c| c.slug != "public-parks-bylaw"), "scheduled is not open");
    }

    async fn queued_mail_is_claimed_once_until_its_lease_ends(db) {
        let id = mail_outbox::enqueue(db, &mail("a@example.org"), t0()).await.expect("enqueue");
        let lease = t0() + Duration::minutes(5);
        let first = mail_outbox::claim_due(db, t0(), lease, 10).await.expect("claim");
        assert_eq!(first.iter().map(|m| m.id).collect::<Vec<_>>(), [id]);
        assert_eq!(first[0].mail, mail("a@example.org"));
        assert!(mail_outbox::claim_due(db, t0(), lease, 10).await.expect("claim").is_empty());
        // A worker that died leaves the claim; it expires.
        let again = mail_outbox::claim_due(db, lease, lease + Duration::minutes(5), 10).await;
        assert_eq!(again.expect("claim").len(), 1);
    }

    async fn sent_mail_is_never_claimed_again(db) {
        let id = mail_outbox::enqueue(db, &mail("a@example.org"), t0()).await.expect("enqueue");
        mail_outbox::claim_due(db, t0(), t0() + Duration::minutes(5), 10).await.expect("claim");
        mail_outbox::mark_sent(db, id, t0()).await.expect("sent");
        let later = t0() + Duration::days(1);
        assert!(mail_outbox::claim_due(db, later, later, 10).await.expect("claim").is_empty());
        let status = mail_outbox::status(db, id).await.expect("status").expect("row");
        assert_eq!((status.attempts, status.sent_at), (1, Some(t0())));
    }

    async fn failed_mail_waits_for_its_retry_or_gives_up(db) {
        let id = mail_outbox::enqueue(db, &mail("a@example.org"), t0()).await.expect("enqueue");
        let retry = t0() + Duration::seconds(30);
        mail_outbox::mark_failed(db, id, "connection refused", t0(), Some(retry)).await.expect("fail");
        assert!(mail_outbox::claim_due(db, retry - Duration::seconds(1), retry, 10).await.expect("claim").is_empty());
        assert_eq!(mail_outbox::claim_due(db, retry, retry, 10).await.expect("claim").len(), 1);
        mail_outbox::mark_failed(db, id, "mailbox unavailable", retry, None).await.expect("give up");
        let status = mail_outbox::status(db, id).await.expect("status").expect("row");
        assert_eq!(status.attempts, 2);
        assert_eq!(status.failed_at, Some(retry));
        assert_eq!(status.last_error.as_deref(), Some("mailbox unavailable"));
        let much_later = retry + Duration::days(30);
        assert!(mail_outbox::claim_due(db, much_later, much_later, 10).await.expect("claim").is_empty());
    }

    async fn an_email_address_has_one_account(db) {
        let user = users::create(db, &new_user("fatima@example.org"), t0()).await.expect("create");
        assert_eq!(user.display_name, "فاطمة الحربي");
        assert_eq!(user.email_verified_at, None);
        let err = users::create(db, &new_user("fatima@example.org"), t0()).await.expect_err("dup");
        assert!(matches!(err, StoreError::Conflict("email")), "{err:?}");
        let (found, hash) = users::credentials_by_email(db, "fatima@example.org")
            .await
            .expect("query")
            .expect("exists");
        assert_eq!(found, user);
        assert_eq!(hash.as_deref(), Some("$argon2id$test"));
        assert!(users::credentials_by_email(db, "nobody@example.org").await.expect("query").is_none());
    }

    async fn a_mailed_token_works_once_and_not_after_it_expires(db) {
        let user = users::create(db, &new_user("fatima@example.org"), t0()).await.expect("create");
        let expires = t0() + Duration::hours(1);
        users::insert_token(db, user.id, TokenPurpose::VerifyEmail, "h1", expires, t0()).await.expect("token");
        users::insert_token(db, user.id, TokenPurpose::ResetPassword, "h2", expires, t0()).await.expect("token");
        let use_at = |purpose, hash: &'static str, at| async move {
            users::consume_token(db, purpose, hash, at).await.expect("consume")
        };
        assert_eq!(use_at(TokenPurpose::ResetPassword, "h1", t0()).await, None, "wrong purpose");
        assert_eq!(use_at(TokenPurpose::VerifyEmail, "h1", t0()).await, Some(user.id));
        assert_eq!(use_at(TokenPurpose::VerifyEmail, "h1", t0()).await, None, "used twice");
        assert_eq!(use_at(TokenPurpose::ResetPassword, "h2", expires).await, None, "expired");
        users::mark_email_verified(db, user.id, t0()).await.expect("verify");
        users::mark_email_verified(db, user.id, expires).await.expect("verify again");
        let verified = users::by_id(db, user.id).await.expect("query").expect("exists");
        assert_eq!(verified.email_verified_at, Some(t0()), "first verification time is kept");
    }

    async fn a_form_mails_an_address_only_a_few_times_a_day(db) {
        let to = "victim@example.org";
        let mut added = Vec::new();
        for i in 0..7 {
            added.push(mail_outbox::enqueue_from_form(db, &mail(to), 5, t0() + Duration::minutes(i)).await.expect("queue"));
        }
        assert_eq!(added, [true, true, true, true, true, false, false]);
        // Other mail to the address does not count, nor do other addresses.
        mail_outbox::enqueue(db, &mail(to), t0()).await.expect("a notice");
        assert!(mail_outbox::enqueue_from_form(db, &mail("other@example.org"), 5, t0()).await.expect("queue"));
        // A day after the first ones, there is room again.
        assert!(mail_outbox::enqueue_from_form(db, &mail(to), 5, t0() + Duration::hours(24) + Duration::minutes(1)).await.expect("queue"));
        assert_eq!(mail_outbox::queued_for(db, to).await.expect("mail").len(), 7);
    }

    async fn a_new_password_ends_every_session(db) {
        let user = users::create(db, &new_user("fatima@example.org"), t0()).await.expect("create");
        let expires = t0() + Duration::hours(1);
        users::insert_token(db, user.id, TokenPurpose::ResetPassword, "r1", expires, t0()).await.expect("token");
        let peek = users::peek_token(db, TokenPurpose::ResetPassword, "r1", t0()).await.expect("peek");
        assert_eq!(peek, Some(user.id));
        assert_eq!(users::peek_token(db, TokenPurpose::ResetPassword, "r1", expires).await.expect("peek"), None);
        users::insert_token(db, user.id, TokenPurpose::ResetPassword, "r2", expires, t0()).await.expect("token");
        users::insert_token(db, user.id, TokenPurpose::VerifyEmail, "v1", expires, t0()).await.expect("token");
        let audit = crate::ssr::admin::store::audit::AuditEntry {
            actor: Some(user.id),
            action: crate::ssr::admin::store::audit::AuditAction::PasswordChange,
            target: format!("user:{}", user.id),
            detail: serde_json::json!({}),
            ip: Some("192.0.2.7".into()),
        };
        users::set_password(db, user.id, "$argon2id$new", &audit, t0()).await.expect("set");
        let (after, hash) = users::credentials_by_email(db, "fatima@example.org").await.expect("q").expect("user");
        assert_eq!(hash.as_deref(), Some("$argon2id$new"));
        assert_eq!(after.session_generation, user.session_generation + 1);
        // Reset links mailed before the change are spent; other links are not.
        for unused in ["r1", "r2"] {
            assert_eq!(users::consume_token(db, TokenPurpose::ResetPassword, unused, t0()).await.expect("use"), None, "{unused}");
        }
        assert_eq!(users::peek_token(db, TokenPurpose::VerifyEmail, "v1", t0()).await.expect("peek"), Some(user.id));
        let audit = crate::ssr::admin::store::audit::by_actor(db, user.id).await.expect("audit");
        assert!(audit.iter().any(|r| r.action == "account.password_change" && r.ip.as_deref() == Some("192.0.2.7")), "{audit:?}");
    }
}

fn new_user(email: &str) -> NewUser {
    NewUser {
        email: email.to_owned(),
        display_name: "فاطمة الحربي".to_owned(),
        preferred_lang: crate::domain::Lang::Ar,
        password_hash: "$argon2id$test".to_owned(),
        terms_version: crate::domain::account::TERMS_VERSION.to_owned(),
    }
}

fn mail(to: &str) -> NewMail {
    NewMail {
        attachment: None,
        to: to.to_owned(),
        subject: "تأكيد بريدك الإلكتروني · Confirm your email".to_owned(),
        text_body: "مرحبًا\n\nHello".to_owned(),
        html_body: Some("<p dir=\"rtl\">مرحبًا</p>".to_owned()),
        headers: [(
            "List-Unsubscribe".to_owned(),
            "<https://example.org/u/1>".to_owned(),
        )]
        .into_iter()
        .collect(),
    }
}
