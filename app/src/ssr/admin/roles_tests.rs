//! Roles, mandates, two-factor data, the audit log and account deletion, on SQLite and
//! on PostgreSQL.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::domain::authz::Role;
use crate::domain::{LocalizedText, UserId};
use crate::ssr::accounts::store as users;
use crate::ssr::accounts::store::NewUser;
use crate::ssr::admin::store::audit;
use crate::ssr::admin::store::audit::{AuditAction, AuditEntry};
use crate::ssr::admin::store::roles;
use crate::ssr::admin::store::roles::Mandate;
use crate::ssr::agencies::store::NewAgency;
use crate::ssr::db::StoreError;
use crate::ssr::mail::store as mail_outbox;
use crate::ssr::mail::store::NewMail;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 10, 8, 0, 0)
        .single()
        .expect("valid time")
}

fn entry(actor: Option<UserId>, action: AuditAction) -> AuditEntry {
    AuditEntry {
        actor,
        action,
        target: "user:1".to_owned(),
        detail: serde_json::json!({ "note": "مثال" }),
        ip: Some("192.0.2.7".to_owned()),
    }
}

fn person(email: &str, name: &str) -> NewUser {
    NewUser {
        email: email.to_owned(),
        display_name: name.to_owned(),
        preferred_lang: crate::domain::Lang::Ar,
        password_hash: "$argon2id$test".to_owned(),
        terms_version: crate::domain::account::TERMS_VERSION.to_owned(),
    }
}

fn mandate() -> Mandate {
    Mandate {
        decision_ref: "قرار إداري رقم 45/2026".to_owned(),
        decided_on: "2026-03-15".to_owned(),
        scope: "الرد على المشاركات في استشارات الهيئة".to_owned(),
    }
}

crate::store_tests! {
    async fn a_role_is_granted_once_audited_and_ends_sessions(db) {
        let admin = users::create(db, &person("admin@example.org", "المدير"), t0()).await.expect("admin");
        let staff = users::create(db, &person("staff@example.org", "سارة"), t0()).await.expect("staff");
        let agency = crate::ssr::db::testing::create_agency(db, &NewAgency {
            slug: "dga".into(),
            name: LocalizedText::new(Some("هيئة الحكومة الرقمية".into()), None),
            time_zone: "Asia/Riyadh".into(),
            website: None,
        }, t0()).await.expect("agency");

        let role = Role::AgencyStaff(agency.id);
        let grant_entry = entry(Some(admin.id), AuditAction::RoleGrant);
        roles::grant(db, staff.id, role, Some(&mandate()), &grant_entry, t0()).await.expect("grant");
        assert_eq!(roles::roles_of(db, staff.id).await.expect("roles"), vec![role]);
        let listed = roles::current(db, Some(agency.id)).await.expect("list");
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].mandate, Some(mandate()));
        assert_eq!(listed[0].display_name, "سارة");
        let after = users::by_id(db, staff.id).await.expect("q").expect("user");
        assert_eq!(after.session_generation, staff.session_generation + 1);

        let again = roles::grant(db, staff.id, role, Some(&mandate()), &grant_entry, t0()).await;
        assert!(matches!(again, Err(StoreError::Conflict("role"))), "{again:?}");

        // Staff without a mandate is refused by the database itself.
        let bare = roles::grant(db, admin.id, role, None, &grant_entry, t0()).await;
        assert!(bare.is_err());

        let log = audit::recent(db, None, 10).await.expect("log");
        assert_eq!(log.len(), 1, "the refused grants left no entry");
        assert_eq!(log[0].action, "role.grant");
        assert_eq!(log[0].actor_name.as_deref(), Some("المدير"));
        assert_eq!(log[0].ip.as_deref(), Some("192.0.2.7"));

        let revoked = roles::revoke(db, listed[0].id, &entry(Some(admin.id), AuditAction::RoleRevoke), t0())
            .await
            .expect("revoke");
        assert_eq!(revoked.map(|g| g.role), Some(role));
        assert!(roles::roles_of(db, staff.id).await.expect("roles").is_empty());
        assert_eq!(roles::revoke(db, listed[0].id, &entry(None, AuditAction::RoleRevoke), t0()).await.expect("again"), None);
        // Granted again after a withdrawal: a new grant.
        roles::grant(db, staff.id, role, Some(&mandate()), &grant_entry, t0()).await.expect("regrant");
        assert_eq!(audit::recent(db, None, 10).await.expect("log").len(), 3);
    }

    async fn the_audit_log_pages_newest_first(db) {
        for _ in 0..5 {
            audit::record(db, &entry(None, AuditAction::AgencyCreate), t0()).await.expect("record");
        }
        let first = audit::recent(db, None, 2).await.expect("page 1");
        assert_eq!(first.len(), 2);
        assert!(first[0].id > first[1].id);
        let second = audit::recent(db, Some(first[1].id), 10).await.expect("page 2");
        assert_eq!(second.len(), 3);
        assert!(second[0].id < first[1].id);
    }

    async fn a_totp_step_and_a_recovery_code_work_once(db) {
        let user = users::create(db, &person("two@example.org", "Two"), t0()).await.expect("user");
        assert_eq!(users::totp_secret(db, user.id).await.expect("q"), None);
        let hashes = vec!["h1".to_owned(), "h2".to_owned()];
        users::enable_totp(db, user.id, "SECRET", 100, &hashes, &entry(Some(user.id), AuditAction::TwoFactorEnable), t0())
            .await
            .expect("enable");
        assert_eq!(users::totp_secret(db, user.id).await.expect("q").as_deref(), Some("SECRET"));
        assert!(users::by_id(db, user.id).await.expect("q").expect("u").totp_enabled_at.is_some());
        assert!(!users::accept_totp_step(db, user.id, 100).await.expect("replay"), "the enrolment code");
        assert!(users::accept_totp_step(db, user.id, 101).await.expect("next"));
        assert!(!users::accept_totp_step(db, user.id, 101).await.expect("replay"));
        assert!(users::use_recovery_code(db, user.id, "h1", t0()).await.expect("use"));
        assert!(!users::use_recovery_code(db, user.id, "h1", t0()).await.expect("reuse"));
        assert_eq!(users::recovery_codes_left(db, user.id).await.expect("left"), 1);
        users::replace_recovery_codes(db, user.id, &["h3".to_owned()], &entry(Some(user.id), AuditAction::RecoveryCodesRenew), t0())
            .await
            .expect("renew");
        assert!(!users::use_recovery_code(db, user.id, "h2", t0()).await.expect("old code"));
        assert!(users::use_recovery_code(db, user.id, "h3", t0()).await.expect("new code"));
    }

    async fn deleting_an_account_keeps_the_row_without_personal_data(db) {
        let user = users::create(db, &person("gone@example.org", "سيُحذف"), t0()).await.expect("user");
        let pending = NewMail {
            attachment: None,
            to: "gone@example.org".into(),
            subject: "s".into(),
            text_body: "t".into(),
            html_body: None,
            headers: Default::default(),
        };
        mail_outbox::enqueue(db, &pending, t0()).await.expect("mail");
        roles::grant(db, user.id, Role::Moderator, None, &entry(None, AuditAction::RoleGrant), t0()).await.expect("grant");
        users::delete_account(db, user.id, t0() + Duration::days(1)).await.expect("delete");
        assert!(users::by_id(db, user.id).await.expect("q").is_none());
        assert!(users::by_email(db, "gone@example.org").await.expect("q").is_none());
        assert!(mail_outbox::sent_to(db, "gone@example.org").await.expect("q").is_empty());
        assert!(roles::roles_of(db, user.id).await.expect("roles").is_empty());
        // The address is free to register again.
        users::create(db, &person("gone@example.org", "عاد"), t0()).await.expect("re-register");
    }
}
