//! Registrations against real databases: places in order, the waiting list moving up
//! when a place is given up, and the reminder queued exactly once when two processes
//! (two pools of their own) run the minute's work at the same moment.

use chrono::{DateTime, Duration, Utc};

use crate::domain::workshop::{Audience, RegistrationStatus};
use crate::domain::{Lang, LocalizedText, UserId, WorkshopId};
use crate::ssr::accounts::store::{self as users, NewUser};
use crate::ssr::consultations::store as consultations;
use crate::ssr::db::testing::TestDb;
use crate::ssr::db::Db;
use crate::ssr::mail::store as outbox;
use crate::ssr::workshops::registration::send_reminders;
use crate::ssr::workshops::store::registrations::{self, NewRegistration};
use crate::ssr::workshops::store::{self as workshops, WorkshopFields};

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_780_000_000, 0).unwrap_or_default()
}

async fn workshop(db: &Db, capacity: u32, starts_in: Duration) -> WorkshopId {
    crate::ssr::exchange::demo::load_if_empty(db, now())
        .await
        .expect("demo");
    let c = consultations::by_slug(db, "e-participation-guideline")
        .await
        .expect("q")
        .expect("the demo's guideline");
    let starts_at = now() + starts_in;
    let fields = WorkshopFields {
        title: LocalizedText::new(Some("ورشة".into()), Some("Workshop".into())),
        description: LocalizedText::default(),
        agenda: LocalizedText::default(),
        starts_at,
        ends_at: starts_at + Duration::hours(3),
        venue: LocalizedText::new(Some("الرياض".into()), None),
        map_url: None,
        online_url: None,
        capacity,
        registration_closes_at: starts_at - Duration::hours(1),
        audience: Audience::Open,
    };
    let admin = person(db, "organiser@example.org").await;
    let mut tx = db.begin().await.expect("tx");
    let id = workshops::insert(&mut tx, c.id, &fields, &[admin], admin, now())
        .await
        .expect("workshop");
    tx.commit().await.expect("commit");
    id
}

async fn person(db: &Db, email: &str) -> UserId {
    let user = users::create(
        db,
        &NewUser {
            email: email.into(),
            display_name: email.split('@').next().unwrap_or("x").into(),
            preferred_lang: Lang::En,
            password_hash: "x".into(),
            terms_version: "2026-11".into(),
        },
        now(),
    )
    .await
    .expect("user");
    users::mark_email_verified(db, user.id, now())
        .await
        .expect("verify");
    user.id
}

async fn register(db: &Db, w: WorkshopId, capacity: u32, user: UserId, code: &str) -> Option<i64> {
    let mut tx = db.begin().await.expect("tx");
    let new = NewRegistration {
        workshop: w,
        capacity,
        who: Ok(user),
        org: None,
        org_role: None,
        invitation: None,
        codes: vec![code.into()],
        reminded: false,
        attended: false,
    };
    let (_, position) = registrations::register(&mut tx, &new, now())
        .await
        .expect("register");
    tx.commit().await.expect("commit");
    position
}

async fn places_in_order_and_the_waiting_list_moves_up(test_db: &TestDb) {
    let db = &test_db.db;
    let w = workshop(db, 2, Duration::days(10)).await;
    let [a, b, c] = [
        person(db, "a@example.org").await,
        person(db, "b@example.org").await,
        person(db, "c@example.org").await,
    ];
    assert_eq!(register(db, w, 2, a, "AAAAAA").await, None);
    assert_eq!(register(db, w, 2, b, "BBBBBB").await, None);
    assert_eq!(
        register(db, w, 2, c, "CCCCCC").await,
        Some(1),
        "third: first on the list"
    );
    // Twice: refused by the database.
    let mut tx = db.begin().await.expect("tx");
    let again = NewRegistration {
        workshop: w,
        capacity: 2,
        who: Ok(a),
        org: None,
        org_role: None,
        invitation: None,
        codes: vec!["DDDDDD".into()],
        reminded: false,
        attended: false,
    };
    assert!(matches!(
        registrations::register(&mut tx, &again, now()).await,
        Err(crate::ssr::db::StoreError::Conflict("registration"))
    ));
    drop(tx);
    let first = registrations::current_of(db, w, a)
        .await
        .expect("q")
        .expect("a's");
    let mut tx = db.begin().await.expect("tx");
    let promoted = registrations::cancel(&mut tx, w, 2, first.id, now())
        .await
        .expect("cancel")
        .expect("was current");
    tx.commit().await.expect("commit");
    assert_eq!(
        promoted.iter().map(|r| r.user_id).collect::<Vec<_>>(),
        [Some(c)]
    );
    let counts = registrations::counts(db, w).await.expect("counts");
    assert_eq!((counts.confirmed, counts.waitlisted), (2, 0));
    assert_eq!(
        registrations::current_of(db, w, c)
            .await
            .expect("q")
            .map(|r| r.status),
        Some(RegistrationStatus::Confirmed)
    );
}

async fn two_processes_queue_each_reminder_once(test_db: &TestDb) {
    let db = &test_db.db;
    let w = workshop(db, 40, Duration::hours(20)).await;
    let mut emails = Vec::new();
    for i in 0..25 {
        let email = format!("p{i}@example.org");
        let user = person(db, &email).await;
        register(db, w, 40, user, &format!("R{i:05}")).await;
        emails.push(email);
    }
    let other = test_db.another_pool().await;
    let run = |db: Db| async move {
        let mut sent = 0;
        for _ in 0..3 {
            sent += send_reminders(&db, "http://localhost", now())
                .await
                .expect("reminders");
        }
        sent
    };
    let (one, two) = tokio::join!(
        tokio::spawn(run(db.clone())),
        tokio::spawn(run(other.clone()))
    );
    let total = one.expect("first process") + two.expect("second process");
    assert_eq!(total, 25, "each place claimed by one process, once");
    for email in &emails {
        let reminders = outbox::queued_for(db, email)
            .await
            .expect("outbox")
            .into_iter()
            .filter(|m| m.subject.starts_with("Reminder"))
            .count();
        assert_eq!(reminders, 1, "{email}");
    }
    // A minute later, nothing is left to send.
    assert_eq!(
        send_reminders(db, "http://localhost", now() + Duration::minutes(1))
            .await
            .expect("again"),
        0
    );
    other.close().await;
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let test_db = TestDb::sqlite().await;
                    super::$name(&test_db).await;
                    test_db.finish().await;
                }
            )*
            use super::TestDb;
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let test_db = TestDb::postgres().await;
                    super::$name(&test_db).await;
                    test_db.finish().await;
                }
            )*
            use super::TestDb;
        }
    };
}

on_both!(
    places_in_order_and_the_waiting_list_moves_up,
    two_processes_queue_each_reminder_once
);
