//! The index follows the database, on SQLite and PostgreSQL: built from it, kept up
//! by the outbox, restarted from its commit, rebuilt beside a running indexer.

use chrono::{DateTime, Utc};

use super::index::{IndexHome, SearchIndex};
use super::indexer::{self, Indexer};
use super::query::{run, Found};
use super::store;
use crate::domain::contribution::{Channel, ModerationAction, OrgKind, ReportCategory, Speaker};
use crate::domain::search::{HitKind, SearchQuery};
use crate::domain::{ConsultationId, ContributionId, Lang, UserId, VersionId};
use crate::ssr::accounts::store::{self as users, NewUser};
use crate::ssr::consultations::store as consultations;
use crate::ssr::contributions::store::{self as contributions, NewContribution};
use crate::ssr::db::Db;
use crate::ssr::moderation::store::{self as moderation, Decision};

const GUIDELINE: &str = "e-participation-guideline";

struct Setup {
    consultation: ConsultationId,
    version: VersionId,
    author: UserId,
}

async fn setup(db: &Db, now: DateTime<Utc>) -> Setup {
    crate::ssr::exchange::demo::load_if_empty(db, now)
        .await
        .expect("demo");
    let c = consultations::by_slug(db, GUIDELINE)
        .await
        .expect("query")
        .expect("demo consultation");
    let version = consultations::versions(db, c.id)
        .await
        .expect("versions")
        .pop()
        .expect("a version")
        .id;
    let author = users::create(
        db,
        &NewUser {
            email: "reader@example.org".into(),
            display_name: "Reader".into(),
            preferred_lang: Lang::Ar,
            password_hash: "unused".into(),
            terms_version: "2026-11".into(),
        },
        now,
    )
    .await
    .expect("user")
    .id;
    Setup {
        consultation: c.id,
        version,
        author,
    }
}

async fn post(
    db: &Db,
    s: &Setup,
    parent: Option<ContributionId>,
    speaker: Speaker,
    body: &str,
) -> ContributionId {
    let new = NewContribution {
        consultation_id: s.consultation,
        version_id: s.version,
        clause_key: None,
        parent_id: parent,
        author: s.author,
        speaker,
        body: body.to_owned(),
        body_hash: format!("{:0>64}", body.len()),
        channel: Channel::Online,
        external_id: None,
        received: None,
    };
    contributions::insert(db, &new, Utc::now())
        .await
        .expect("insert")
}

fn search(index: &SearchIndex, pairs: &[(&str, &str)]) -> Found {
    let q = SearchQuery::from_pairs(pairs.iter().copied()).expect("query");
    run(index, &q).expect("search")
}

fn contribution_ids(found: &Found) -> Vec<i64> {
    found
        .hits
        .iter()
        .filter(|h| h.kind == HitKind::Contribution)
        .map(|h| h.id)
        .collect()
}

crate::store_tests! {
    async fn the_index_is_built_from_the_database_and_follows_its_outbox(db) {
        let now = Utc::now();
        let s = setup(db, now).await;
        let mut indexer = Indexer::in_memory().expect("indexer");
        indexer.round(db, now).await.expect("build");
        let search_handle = indexer.search();
        let index = search_handle.current();

        // The demo's drafts are there: clauses and consultations.
        let found = search(&index, &[("q", "المشاركة الإلكترونية")]);
        assert!(found.hits.iter().any(|h| h.kind == HitKind::Clause), "{found:?}");
        assert!(found.hits.iter().all(|h| !h.highlights.is_empty()), "{found:?}");

        let minutes = post(db, &s, None, Speaker::Individual,
            "نرجو نشر محاضر الاجتماعات مع البيانات المفتوحة للجمهور qx7").await;
        let reply = post(db, &s, Some(minutes), Speaker::Organisation { name: "جمعية الشفافية".into(), kind: OrgKind::Ngo },
            "نؤيد نشر المحضر كاملاً خلال أسبوع qx7").await;
        let english = post(db, &s, None, Speaker::Individual,
            "Please publish the minutes of every meeting as open data, qx7.").await;
        assert_eq!(indexer.round(db, now).await.expect("tail"), 3);

        // A broken plural finds the singular and the reverse; the reply knows its thread.
        let found = search(&index, &[("q", "محضر qx7")]);
        let ids = contribution_ids(&found);
        assert!(ids.contains(&minutes.0) && ids.contains(&reply.0), "{found:?}");
        let hit = found.hits.iter().find(|h| h.id == reply.0).expect("reply");
        assert_eq!(hit.root, Some(minutes.0));
        let [start, end] = hit.highlights[0];
        let marked: String = hit.snippet.chars().skip(start as usize).take((end - start) as usize).collect();
        assert_eq!(marked, "المحضر");

        // English stems; a phrase; an exclusion.
        assert_eq!(contribution_ids(&search(&index, &[("q", "meetings qx7")])), [english.0]);
        assert_eq!(contribution_ids(&search(&index, &[("q", "\"البيانات المفتوحة\" qx7"), ("kind", "contribution")])), [minutes.0]);
        assert_eq!(contribution_ids(&search(&index, &[("q", "محضر qx7 -أسبوع")])), [minutes.0]);

        // Facets count every match; filters narrow them.
        let found = search(&index, &[("q", "نشر qx7"), ("kind", "contribution")]);
        let speaker = found.facets.iter().find(|f| f.name == "speaker").expect("speaker facet");
        assert_eq!(speaker.values, [("individual".to_owned(), 1), ("ngo".to_owned(), 1)]);
        assert_eq!(contribution_ids(&search(&index, &[("q", "نشر qx7"), ("speaker", "ngo")])), [reply.0]);
        assert_eq!(search(&index, &[("q", "نشر qx7"), ("consultation", "no-such-thing")]).total, 0);

        // Hidden and withdrawn contributions leave the index on the next round.
        moderation::apply(db, &Decision {
            consultation: s.consultation,
            contribution: reply,
            action: ModerationAction::Hide,
            category: Some(ReportCategory::Spam),
            reason: Some("spam"),
        }, None, now).await.expect("hide");
        contributions::withdraw(db, english, now).await.expect("withdraw");
        indexer.round(db, now).await.expect("tail");
        assert_eq!(contribution_ids(&search(&index, &[("q", "محضر qx7")])), [minutes.0]);
        assert!(contribution_ids(&search(&index, &[("q", "meeting qx7")])).is_empty());
    }

    async fn a_restart_goes_on_from_the_commit_and_a_rebuild_is_followed(db) {
        let now = Utc::now();
        let s = setup(db, now).await;
        let dir = tempfile::tempdir().expect("dir");
        let home = IndexHome(dir.path().join("index"));
        let first = post(db, &s, None, Speaker::Individual, "اقتراح بشأن الخصوصية zz9").await;
        {
            let mut indexer = Indexer::open(home.clone()).expect("open");
            indexer.round(db, now).await.expect("build");
            let index = indexer.search().current();
            assert_eq!(contribution_ids(&search(&index, &[("q", "خصوصيه zz9")])), [first.0]);
        }
        // Written while no indexer ran: found after a restart, and nothing twice.
        let second = post(db, &s, None, Speaker::Individual, "ملاحظة أخرى عن الخصوصية zz9").await;
        let mut indexer = Indexer::open(home.clone()).expect("reopen");
        indexer.round(db, now).await.expect("catch up");
        let search_handle = indexer.search();
        let mut ids = contribution_ids(&search(&search_handle.current(), &[("q", "الخصوصية zz9")]));
        ids.sort_unstable();
        assert_eq!(ids, [first.0, second.0]);

        // A rebuild (as `shura reindex` does, beside the running indexer) is swapped in.
        let before = search_handle.current().dir.clone();
        indexer::rebuild(db, &home, now, |_| {}).await.expect("rebuild");
        let third = post(db, &s, None, Speaker::Individual, "الخصوصية مرة ثالثة zz9").await;
        indexer.round(db, now).await.expect("follow");
        assert_ne!(search_handle.current().dir, before);
        let mut ids = contribution_ids(&search(&search_handle.current(), &[("q", "الخصوصية zz9")]));
        ids.sort_unstable();
        assert_eq!(ids, [first.0, second.0, third.0]);
        assert!(before.is_some_and(|d| !d.exists()), "the old generation is removed");
    }

    async fn an_index_that_cannot_be_read_is_rebuilt_from_the_database(db) {
        let now = Utc::now();
        let s = setup(db, now).await;
        let id = post(db, &s, None, Speaker::Individual, "مقترح عن الأرشفة zz8").await;
        let dir = tempfile::tempdir().expect("dir");
        let home = IndexHome(dir.path().join("index"));
        // A generation whose files were damaged (a disk error, a half-copied backup).
        std::fs::create_dir_all(home.0.join("gen-3")).expect("dir");
        std::fs::write(home.0.join("gen-3").join("meta.json"), "{ not json").expect("write");
        std::fs::write(home.0.join("CURRENT"), "gen-3").expect("write");
        let mut indexer = Indexer::open(home.clone()).expect("opens anyway");
        indexer.round(db, now).await.expect("rebuilt");
        let index = indexer.search().current();
        assert_eq!(contribution_ids(&search(&index, &[("q", "الأرشفة zz8")])), [id.0]);
        assert_ne!(index.dir, Some(home.0.join("gen-3")));
    }

    async fn an_index_offline_past_the_outbox_kept_is_rebuilt(db) {
        let now = Utc::now();
        let s = setup(db, now).await;
        let dir = tempfile::tempdir().expect("dir");
        let home = IndexHome(dir.path().join("index"));
        Indexer::open(home.clone()).expect("open").round(db, now).await.expect("build");
        // Written while no indexer ran, then pruned from the outbox before one did.
        let first = post(db, &s, None, Speaker::Individual, "مقترح عن التوقيع الرقمي zz7").await;
        let second = post(db, &s, None, Speaker::Individual, "التوقيع الرقمي مرة أخرى zz7").await;
        let later = now + indexer::OUTBOX_KEEP + chrono::Duration::days(1);
        assert!(store::prune(db, later).await.expect("prune") > 0);
        let mut indexer = Indexer::open(home.clone()).expect("reopen");
        indexer.round(db, later).await.expect("rebuilt");
        let mut ids = contribution_ids(&search(&indexer.search().current(), &[("q", "التوقيع zz7")]));
        ids.sort_unstable();
        assert_eq!(ids, [first.0, second.0]);
    }
}
