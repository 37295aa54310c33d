//! The agency's documented responses. One response answers one or more contributions
//! making the same point (each belongs to at most one), keeps every revision, and cites
//! the clauses of later versions that changed because of it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::authz::RoleKind;
use crate::domain::response::Outcome;
use crate::domain::search::SpeakerKind;
use crate::domain::{
    ClauseKey, ConsultationId, ContributionId, LocalizedText, ResponseId, UserId, VersionId,
};
use crate::responses::form::{Age, ClauseFilter, QueueQuery, Show};
use crate::ssr::contributions::store::queue_for_index;
use crate::ssr::db::{on_tx, push_list, stored, with_pool, Db, StoreError, Tx};

/// Who wrote a response (or a revision), as shown beside it: kept as written, so that
/// the record stays true after the person leaves or their mandate ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Responder {
    pub user_id: Option<UserId>,
    pub name: String,
    pub role: Option<RoleKind>,
    /// The decision by which the agency authorised them, in the agency's words.
    pub mandate: Option<String>,
}

/// What a response (or one of its revisions) says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub outcome: Outcome,
    pub reasons: LocalizedText,
    /// `None`: imported from the agency's own records.
    pub responder: Option<Responder>,
}

/// The clause of a later version that changed because of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub version_id: VersionId,
    pub version: u32,
    /// `None`: the version as a whole (no single clause).
    pub clause_key: Option<ClauseKey>,
    /// The clause's number in that version, if it has one.
    pub clause_number: Option<u32>,
}

/// An earlier revision of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub revision: u32,
    pub written: Written,
    pub written_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub id: ResponseId,
    pub consultation_id: ConsultationId,
    /// The current revision.
    pub written: Written,
    /// 1 for a response never revised.
    pub revision: u32,
    pub created_at: DateTime<Utc>,
    /// When the current revision was written.
    pub updated_at: DateTime<Utc>,
    /// The contributions it answers, in id order.
    pub members: Vec<ContributionId>,
    pub changes: Vec<Change>,
    /// The revisions before the current one, oldest first.
    pub earlier: Vec<Revision>,
}

/// A contribution's answer: its response, and when it was first answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub contribution_id: ContributionId,
    pub answered_at: DateTime<Utc>,
    pub response: Response,
}

#[derive(sqlx::FromRow)]
struct ResponseRow {
    id: ResponseId,
    consultation_id: ConsultationId,
    outcome: String,
    reasons_ar: Option<String>,
    reasons_en: Option<String>,
    responder_id: Option<UserId>,
    responder_name: Option<String>,
    responder_role: Option<String>,
    responder_mandate: Option<String>,
    revision: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct RevisionRow {
    response_id: ResponseId,
    revision: i64,
    outcome: String,
    reasons_ar: Option<String>,
    reasons_en: Option<String>,
    responder_name: Option<String>,
    responder_role: Option<String>,
    responder_mandate: Option<String>,
    written_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    response_id: ResponseId,
    version_id: VersionId,
    version: i64,
    clause_key: Option<ClauseKey>,
    clause_number: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    contribution_id: ContributionId,
    response_id: ResponseId,
    answered_at: DateTime<Utc>,
}

fn written(
    table: &'static str,
    outcome: &str,
    reasons: LocalizedText,
    user_id: Option<UserId>,
    name: Option<String>,
    role: Option<String>,
    mandate: Option<String>,
) -> Result<Written, StoreError> {
    let outcome =
        Outcome::parse(outcome).ok_or_else(|| StoreError::corrupt(table, "outcome", outcome))?;
    let role = role
        .map(|r| RoleKind::from_code(&r).ok_or_else(|| StoreError::corrupt(table, "role", r)))
        .transpose()?;
    Ok(Written {
        outcome,
        reasons,
        responder: name.map(|name| Responder {
            user_id,
            name,
            role,
            mandate,
        }),
    })
}

/// The responses `ids`, with their members, changes and earlier revisions.
async fn load(db: &Db, ids: &[ResponseId]) -> Result<HashMap<ResponseId, Response>, StoreError> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let (rows, members, changes, revisions): (
        Vec<ResponseRow>,
        Vec<MemberRow>,
        Vec<ChangeRow>,
        Vec<RevisionRow>,
    ) = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT id, consultation_id, outcome, reasons_ar, reasons_en, responder_id,
                    responder_name, responder_role, responder_mandate, revision, created_at,
                    updated_at
               FROM agency_responses WHERE id IN ",
        );
        push_list(&mut q, ids);
        let rows = q.build_query_as().fetch_all(pool).await?;
        let mut q = sqlx::QueryBuilder::new(
            "SELECT contribution_id, response_id, answered_at FROM response_members
              WHERE response_id IN ",
        );
        push_list(&mut q, ids);
        q.push(" ORDER BY contribution_id");
        let members = q.build_query_as().fetch_all(pool).await?;
        let mut q = sqlx::QueryBuilder::new(
            "SELECT c.response_id, c.version_id, v.number AS version, c.clause_key,
                    k.number AS clause_number
               FROM response_citations c
               JOIN consultation_versions v ON v.id = c.version_id
               LEFT JOIN clauses k ON k.version_id = c.version_id AND k.key = c.clause_key
              WHERE c.response_id IN ",
        );
        push_list(&mut q, ids);
        q.push(" ORDER BY v.number, k.position, c.clause_key");
        let changes = q.build_query_as().fetch_all(pool).await?;
        let mut q = sqlx::QueryBuilder::new(
            "SELECT v.response_id, v.revision, v.outcome, v.reasons_ar, v.reasons_en,
                    v.responder_name, v.responder_role, v.responder_mandate, v.written_at
               FROM response_revisions v
               JOIN agency_responses r ON r.id = v.response_id AND v.revision < r.revision
              WHERE v.response_id IN ",
        );
        push_list(&mut q, ids);
        q.push(" ORDER BY v.response_id, v.revision");
        let revisions = q.build_query_as().fetch_all(pool).await?;
        Ok::<_, sqlx::Error>((rows, members, changes, revisions))
    })?;
    let mut out = HashMap::with_capacity(rows.len());
    for r in rows {
        let written = written(
            "agency_responses",
            &r.outcome,
            LocalizedText::new(r.reasons_ar, r.reasons_en),
            r.responder_id,
            r.responder_name,
            r.responder_role,
            r.responder_mandate,
        )?;
        out.insert(
            r.id,
            Response {
                id: r.id,
                consultation_id: r.consultation_id,
                written,
                revision: stored("agency_responses", "revision", r.revision)?,
                created_at: r.created_at,
                updated_at: r.updated_at,
                members: Vec::new(),
                changes: Vec::new(),
                earlier: Vec::new(),
            },
        );
    }
    for m in members {
        if let Some(r) = out.get_mut(&m.response_id) {
            r.members.push(m.contribution_id);
        }
    }
    for c in changes {
        if let Some(r) = out.get_mut(&c.response_id) {
            r.changes.push(Change {
                version_id: c.version_id,
                version: stored("consultation_versions", "number", c.version)?,
                clause_key: c.clause_key,
                clause_number: c
                    .clause_number
                    .map(|n| stored("clauses", "number", n))
                    .transpose()?,
            });
        }
    }
    for v in revisions {
        if let Some(r) = out.get_mut(&v.response_id) {
            r.earlier.push(Revision {
                revision: stored("response_revisions", "revision", v.revision)?,
                written: written(
                    "response_revisions",
                    &v.outcome,
                    LocalizedText::new(v.reasons_ar, v.reasons_en),
                    None,
                    v.responder_name,
                    v.responder_role,
                    v.responder_mandate,
                )?,
                written_at: v.written_at,
            });
        }
    }
    Ok(out)
}

/// One response, if it exists.
pub async fn by_id(db: &Db, id: ResponseId) -> Result<Option<Response>, StoreError> {
    Ok(load(db, &[id]).await?.remove(&id))
}

/// The answers of these contributions (those answered), in contribution order.
pub async fn of_contributions(db: &Db, ids: &[ContributionId]) -> Result<Vec<Answer>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let members: Vec<MemberRow> = with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT contribution_id, response_id, answered_at FROM response_members
              WHERE contribution_id IN ",
        );
        push_list(&mut q, ids);
        q.push(" ORDER BY contribution_id");
        q.build_query_as().fetch_all(pool).await
    })?;
    let mut response_ids: Vec<ResponseId> = members.iter().map(|m| m.response_id).collect();
    response_ids.sort_unstable();
    response_ids.dedup();
    let responses = load(db, &response_ids).await?;
    Ok(members
        .into_iter()
        .filter_map(|m| {
            Some(Answer {
                contribution_id: m.contribution_id,
                answered_at: m.answered_at,
                response: responses.get(&m.response_id)?.clone(),
            })
        })
        .collect())
}

/// Every response of `consultation`, in id order.
pub async fn of_consultation(
    db: &Db,
    consultation: ConsultationId,
) -> Result<Vec<Response>, StoreError> {
    let ids: Vec<ResponseId> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT id FROM agency_responses WHERE consultation_id = $1 ORDER BY id",
    )
    .bind(consultation)
    .fetch_all(pool)
    .await)?;
    let mut all = load(db, &ids).await?;
    Ok(ids.iter().filter_map(|id| all.remove(id)).collect())
}

/// The `limit` responses of `consultation` written or revised last, latest first.
pub async fn latest(
    db: &Db,
    consultation: ConsultationId,
    limit: u32,
) -> Result<Vec<Response>, StoreError> {
    let ids: Vec<ResponseId> = with_pool!(db, pool => sqlx::query_scalar(
        "SELECT id FROM agency_responses WHERE consultation_id = $1
          ORDER BY updated_at DESC, id DESC LIMIT $2",
    )
    .bind(consultation)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await)?;
    let mut all = load(db, &ids).await?;
    Ok(ids.iter().filter_map(|id| all.remove(id)).collect())
}

/// The response each of `ids` belongs to, for those answered (read inside `tx`, so a
/// writer sees what it is about to change).
pub async fn answered_in(
    tx: &mut Tx,
    ids: &[ContributionId],
) -> Result<Vec<(ContributionId, ResponseId)>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(on_tx!(tx, conn => {
        let mut q = sqlx::QueryBuilder::new(
            "SELECT contribution_id, response_id FROM response_members WHERE contribution_id IN ",
        );
        push_list(&mut q, ids);
        q.build_query_as().fetch_all(&mut *conn).await
    })?)
}

async fn insert_revision(
    tx: &mut Tx,
    id: ResponseId,
    revision: i64,
    w: &Written,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let r = w.responder.as_ref();
    on_tx!(tx, conn => sqlx::query(
        "INSERT INTO response_revisions (response_id, revision, outcome, reasons_ar, reasons_en,
                                         responder_name, responder_role, responder_mandate,
                                         written_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(id)
    .bind(revision)
    .bind(w.outcome.as_str())
    .bind(&w.reasons.ar)
    .bind(&w.reasons.en)
    .bind(r.map(|r| r.name.as_str()))
    .bind(r.and_then(|r| r.role).map(RoleKind::code))
    .bind(r.and_then(|r| r.mandate.as_deref()))
    .bind(at)
    .execute(&mut *conn)
    .await
    .map(drop))?;
    Ok(())
}

/// Records a response answering `members` (contributions of `consultation`), written
/// at `at`; each member is queued for the search index, whose outcome filter follows
/// it. A member answered already is [`StoreError::Conflict`]`("members")`.
pub async fn create(
    tx: &mut Tx,
    consultation: ConsultationId,
    members: &[ContributionId],
    w: &Written,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<ResponseId, StoreError> {
    let r = w.responder.as_ref();
    let id: ResponseId = on_tx!(tx, conn => sqlx::query_scalar(
        "INSERT INTO agency_responses (consultation_id, outcome, reasons_ar, reasons_en,
                                       responder_id, responder_name, responder_role,
                                       responder_mandate, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    )
    .bind(consultation)
    .bind(w.outcome.as_str())
    .bind(&w.reasons.ar)
    .bind(&w.reasons.en)
    .bind(r.and_then(|r| r.user_id))
    .bind(r.map(|r| r.name.as_str()))
    .bind(r.and_then(|r| r.role).map(RoleKind::code))
    .bind(r.and_then(|r| r.mandate.as_deref()))
    .bind(at)
    .fetch_one(&mut *conn)
    .await)?;
    insert_revision(tx, id, 1, w, at).await?;
    for &m in members {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO response_members (contribution_id, response_id, answered_at)
             VALUES ($1, $2, $3)",
        )
        .bind(m)
        .bind(id)
        .bind(at)
        .execute(&mut *conn)
        .await
        .map(drop))
        .map_err(|e| StoreError::on_constraint(e, "members", "members"))?;
        queue_for_index(tx, m, now).await?;
    }
    Ok(id)
}

/// Writes the next revision of response `id`, at `at`; the earlier ones stay. Returns
/// the new revision's number, or `None` when there is no such response.
pub async fn revise(
    tx: &mut Tx,
    id: ResponseId,
    w: &Written,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<u32>, StoreError> {
    let r = w.responder.as_ref();
    let revision: Option<i64> = on_tx!(tx, conn => sqlx::query_scalar(
        "UPDATE agency_responses
            SET outcome = $2, reasons_ar = $3, reasons_en = $4, responder_id = $5,
                responder_name = $6, responder_role = $7, responder_mandate = $8,
                revision = revision + 1, updated_at = $9
          WHERE id = $1 RETURNING revision",
    )
    .bind(id)
    .bind(w.outcome.as_str())
    .bind(&w.reasons.ar)
    .bind(&w.reasons.en)
    .bind(r.and_then(|r| r.user_id))
    .bind(r.map(|r| r.name.as_str()))
    .bind(r.and_then(|r| r.role).map(RoleKind::code))
    .bind(r.and_then(|r| r.mandate.as_deref()))
    .bind(at)
    .fetch_optional(&mut *conn)
    .await)?;
    let Some(revision) = revision else {
        return Ok(None);
    };
    insert_revision(tx, id, revision, w, at).await?;
    for m in members_in(tx, id).await? {
        queue_for_index(tx, m, now).await?;
    }
    Ok(Some(stored("agency_responses", "revision", revision)?))
}

async fn members_in(tx: &mut Tx, id: ResponseId) -> Result<Vec<ContributionId>, StoreError> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT contribution_id FROM response_members WHERE response_id = $1
          ORDER BY contribution_id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await)?)
}

/// Replaces the clauses response `id` cites as changed because of it.
pub async fn set_changes(
    tx: &mut Tx,
    id: ResponseId,
    changes: &[(VersionId, Option<ClauseKey>)],
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query("DELETE FROM response_citations WHERE response_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(drop))?;
    for (version, key) in changes {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO response_citations (response_id, version_id, clause_key)
             VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(*version)
        .bind(key)
        .execute(&mut *conn)
        .await
        .map(drop))?;
    }
    Ok(())
}

/// A response that changed the draft (accepted, partly accepted), as the editor offers
/// it to a new version's changed clauses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoptable {
    pub id: ResponseId,
    pub outcome: Outcome,
    pub reasons: LocalizedText,
    /// The contributions it answers, in id order, with the clause each is on.
    pub members: Vec<(ContributionId, Option<ClauseKey>)>,
    /// The first contribution's text, and the thread it is in.
    pub body: String,
    pub root: ContributionId,
}

/// The responses of `consultation` that changed the draft and answer only contributions
/// written on versions before `version`: the ones that version can cite. Oldest first.
pub async fn adoptable(
    db: &Db,
    consultation: ConsultationId,
    version: u32,
) -> Result<Vec<Adoptable>, StoreError> {
    type Row = (
        ResponseId,
        String,
        Option<String>,
        Option<String>,
        ContributionId,
        Option<ClauseKey>,
        String,
        ContributionId,
        i64,
    );
    let rows: Vec<Row> = with_pool!(db, pool => sqlx::query_as(
        "SELECT r.id, r.outcome, r.reasons_ar, r.reasons_en, c.id, c.clause_key, c.body,
                COALESCE(c.root_id, c.id), v.number
           FROM agency_responses r
           JOIN response_members m ON m.response_id = r.id
           JOIN contributions c ON c.id = m.contribution_id
           JOIN consultation_versions v ON v.id = c.version_id
          WHERE r.consultation_id = $1 AND r.outcome IN ('accepted', 'partly_accepted')
          ORDER BY r.id, c.id",
    )
    .bind(consultation)
    .fetch_all(pool)
    .await)?;
    let mut out: Vec<Adoptable> = Vec::new();
    let mut too_late = std::collections::HashSet::new();
    for (id, outcome, ar, en, member, key, body, root, written_on) in rows {
        if i64::from(version) <= written_on {
            too_late.insert(id);
        }
        match out.last_mut() {
            Some(last) if last.id == id => last.members.push((member, key)),
            _ => out.push(Adoptable {
                id,
                outcome: Outcome::parse(&outcome)
                    .ok_or_else(|| StoreError::corrupt("agency_responses", "outcome", outcome))?,
                reasons: LocalizedText::new(ar, en),
                members: vec![(member, key)],
                body,
                root,
            }),
        }
    }
    out.retain(|a| !too_late.contains(&a.id));
    Ok(out)
}

/// The clauses of version `version` cited as changed because of a response, with the
/// response: the whole version's citations (no clause) left out.
pub async fn clause_citations(
    db: &Db,
    version: VersionId,
) -> Result<Vec<(ResponseId, ClauseKey)>, StoreError> {
    Ok(with_pool!(db, pool => sqlx::query_as(
        "SELECT response_id, clause_key FROM response_citations
          WHERE version_id = $1 AND clause_key IS NOT NULL
          ORDER BY clause_key, response_id",
    )
    .bind(version)
    .fetch_all(pool)
    .await)?)
}

/// Replaces the clause citations of version `version` (its whole-version citations
/// stay) with `chosen`.
pub async fn set_clause_citations(
    tx: &mut Tx,
    version: VersionId,
    chosen: &[(ResponseId, ClauseKey)],
) -> Result<(), StoreError> {
    on_tx!(tx, conn => sqlx::query(
        "DELETE FROM response_citations WHERE version_id = $1 AND clause_key IS NOT NULL",
    )
    .bind(version)
    .execute(&mut *conn)
    .await
    .map(drop))?;
    for (response, key) in chosen {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO response_citations (response_id, version_id, clause_key)
             VALUES ($1, $2, $3)",
        )
        .bind(*response)
        .bind(version)
        .bind(key)
        .execute(&mut *conn)
        .await
        .map(drop))?;
    }
    Ok(())
}

/// Takes contribution `id` out of its response (which goes when it answers nothing
/// else), queueing it for the index.
pub async fn detach(tx: &mut Tx, id: ContributionId, now: DateTime<Utc>) -> Result<(), StoreError> {
    on_tx!(tx, conn => async {
        let response: Option<ResponseId> = sqlx::query_scalar(
            "DELETE FROM response_members WHERE contribution_id = $1 RETURNING response_id",
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(response) = response {
            sqlx::query(
                "DELETE FROM agency_responses WHERE id = $1
                    AND NOT EXISTS (SELECT 1 FROM response_members WHERE response_id = $1)",
            )
            .bind(response)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<_, sqlx::Error>(())
    }
    .await)?;
    queue_for_index(tx, id, now).await
}

/// The response a contribution belongs to, with how many contributions it answers.
pub async fn membership(
    tx: &mut Tx,
    id: ContributionId,
) -> Result<Option<(ResponseId, i64)>, StoreError> {
    Ok(on_tx!(tx, conn => sqlx::query_as(
        "SELECT m.response_id, (SELECT COUNT(*) FROM response_members o
                                  WHERE o.response_id = m.response_id)
           FROM response_members m WHERE m.contribution_id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await)?)
}

/// What a response says now, and what it cites, read inside `tx`.
pub async fn current_in(
    tx: &mut Tx,
    id: ResponseId,
) -> Result<Option<(Outcome, LocalizedText, Vec<(VersionId, Option<ClauseKey>)>)>, StoreError> {
    let row: Option<(String, Option<String>, Option<String>)> = on_tx!(tx, conn => sqlx::query_as(
        "SELECT outcome, reasons_ar, reasons_en FROM agency_responses WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await)?;
    let Some((outcome, ar, en)) = row else {
        return Ok(None);
    };
    let outcome = Outcome::parse(&outcome)
        .ok_or_else(|| StoreError::corrupt("agency_responses", "outcome", &outcome))?;
    let changes: Vec<(VersionId, Option<ClauseKey>)> = on_tx!(tx, conn => sqlx::query_as(
        "SELECT version_id, clause_key FROM response_citations WHERE response_id = $1
          ORDER BY version_id, clause_key",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await)?;
    Ok(Some((outcome, LocalizedText::new(ar, en), changes)))
}

/// Writes a response from an exchange file: answering `members` together, with its
/// texts oldest first (`history`, each with when it was written; the last is current)
/// and the clauses it changed. The same again changes nothing; a new current text is a
/// revision; a different grouping answers these contributions anew (taken out of the
/// responses they were in, which go when they answer nothing else).
pub async fn import_group(
    tx: &mut Tx,
    consultation: ConsultationId,
    members: &[ContributionId],
    history: &[(Written, DateTime<Utc>)],
    changes: &[(VersionId, Option<ClauseKey>)],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (Some((first, first_at)), Some((current, current_at))) = (history.first(), history.last())
    else {
        return Ok(());
    };
    let mut wanted = changes.to_vec();
    wanted.sort();
    wanted.dedup();
    let mut held = Vec::with_capacity(members.len());
    for &m in members {
        held.push(membership(tx, m).await?);
    }
    // The response that answers exactly these contributions, if there is one.
    let same = match held.first() {
        Some(Some((id, n)))
            if usize::try_from(*n).ok() == Some(members.len())
                && held.iter().all(|h| h.as_ref().map(|(r, _)| r) == Some(id)) =>
        {
            Some(*id)
        }
        _ => None,
    };
    let id = match same {
        Some(id) => {
            let Some((outcome, reasons, mut cited)) = current_in(tx, id).await? else {
                return Err(StoreError::MissingReference("response"));
            };
            cited.sort();
            if outcome == current.outcome && reasons == current.reasons && cited == wanted {
                return Ok(());
            }
            if outcome != current.outcome || reasons != current.reasons {
                // Written when the file says, or now for a file that does not say.
                let at = if history.len() > 1 {
                    *current_at
                } else {
                    now.max(*current_at)
                };
                revise(tx, id, current, at, now).await?;
            }
            id
        }
        None => {
            for (&m, h) in members.iter().zip(&held) {
                if h.is_some() {
                    detach(tx, m, now).await?;
                }
            }
            let id = create(tx, consultation, members, first, *first_at, now).await?;
            for (w, at) in &history[1..] {
                revise(tx, id, w, *at, now).await?;
            }
            id
        }
    };
    set_changes(tx, id, &wanted).await
}

/// A page of the response queue: the contributions of `consultation` that `f` selects
/// (published ones, replies included), oldest or newest first, with how many there are.
pub async fn queue(
    db: &Db,
    consultation: ConsultationId,
    f: &QueueQuery,
    limit: u32,
    offset: u32,
) -> Result<(Vec<ContributionId>, i64), StoreError> {
    fn filtered<'a, DB: sqlx::Database>(
        q: &mut sqlx::QueryBuilder<'a, DB>,
        consultation: ConsultationId,
        f: &'a QueueQuery,
    ) where
        ConsultationId: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
        &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    {
        q.push(
            " FROM contributions c
              LEFT JOIN response_members m ON m.contribution_id = c.id
              LEFT JOIN agency_responses r ON r.id = m.response_id
             WHERE c.status = 'published' AND c.consultation_id = ",
        );
        q.push_bind(consultation);
        match f.show {
            Show::Unanswered => q.push(" AND m.response_id IS NULL"),
            Show::Answered => q.push(" AND m.response_id IS NOT NULL"),
            Show::Outcome(o) => q.push(" AND r.outcome = ").push_bind(o.as_str()),
            Show::All => q,
        };
        match &f.clause {
            Some(ClauseFilter::Whole) => {
                q.push(" AND c.clause_key IS NULL");
            }
            Some(ClauseFilter::Key(k)) => {
                q.push(" AND c.clause_key = ").push_bind(k.as_str());
            }
            None => {}
        }
        if let Some(ch) = f.channel {
            q.push(" AND c.channel = ").push_bind(ch.as_str());
        }
        match f.speaker {
            Some(SpeakerKind::Individual) => {
                q.push(" AND c.org_kind IS NULL");
            }
            Some(s) => {
                q.push(" AND c.org_kind = ").push_bind(s.as_str());
            }
            None => {}
        }
    }
    let order = match f.order {
        Age::Oldest => " ORDER BY c.created_at, c.id",
        Age::Newest => " ORDER BY c.created_at DESC, c.id DESC",
    };
    Ok(with_pool!(db, pool => {
        let mut q = sqlx::QueryBuilder::new("SELECT c.id");
        filtered(&mut q, consultation, f);
        q.push(order).push(" LIMIT ").push_bind(i64::from(limit));
        q.push(" OFFSET ").push_bind(i64::from(offset));
        let ids: Vec<ContributionId> = q.build_query_scalar().fetch_all(pool).await?;
        let mut q = sqlx::QueryBuilder::new("SELECT COUNT(*)");
        filtered(&mut q, consultation, f);
        let total: i64 = q.build_query_scalar().fetch_one(pool).await?;
        Ok::<_, sqlx::Error>((ids, total))
    })?)
}

/// How fast an agency answers, over a consultation or all of an agency's: computed in
/// the database, whatever the number of contributions.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Published contributions, replies included.
    pub contributions: i64,
    pub answered: i64,
    /// Days from a contribution to its answer, nearest-rank median and 90th percentile
    /// of those answered; `None` with nothing answered.
    pub median_days: Option<f64>,
    pub p90_days: Option<f64>,
    /// Answered after the deadline: the comment period's close (or the contribution,
    /// when it came later) plus the agency's target.
    pub answered_late: i64,
    /// Not answered, and past that deadline now.
    pub overdue: i64,
}

/// Whose contributions a [`Timing`] is about.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    Consultation(ConsultationId),
    /// The agency's public consultations.
    Agency(crate::domain::AgencyId),
}

/// The answered published contributions of `scope`, as their memberships (`m`) carry
/// them (migration 21), with their consultation (`k`) and its agency (`a`): a
/// consultation's are read from the indexes on `response_members` alone.
fn answered_from(scope: Scope) -> String {
    let scope_sql = match scope {
        Scope::Consultation(_) => "m.consultation_id = $1".to_owned(),
        Scope::Agency(_) => format!(
            "k.agency_id = $1 AND {}",
            crate::ssr::consultations::store::public_sql("k")
        ),
    };
    format!(
        "FROM response_members m
           JOIN consultations k ON k.id = m.consultation_id
           JOIN agencies a ON a.id = k.agency_id
          WHERE m.published = TRUE AND {scope_sql}"
    )
}

fn scope_id(scope: Scope) -> i64 {
    match scope {
        Scope::Consultation(c) => c.0,
        Scope::Agency(a) => a.0,
    }
}

const DAY_MS: f64 = 86_400_000.0;

/// The response figures of `scope` at `now`. The answered contributions are counted,
/// and their nearest-rank median and 90th percentile (the ⌈p·n⌉-th smallest wait) read
/// by offset, on the index of memberships by waiting time; the unanswered past their
/// deadline are counted on the index of contributions by age, and only for comment
/// periods whose deadline has passed.
pub async fn timing(db: &Db, scope: Scope, now: DateTime<Utc>) -> Result<Timing, StoreError> {
    // Late: answered after the period's close plus the target, and after the
    // contribution plus the target (when it came later); the second is the wait, at
    // hand in the index, so the dates are compared only for those waiting that long.
    let after_close = match db {
        Db::Sqlite(_) => {
            "julianday(m.answered_at) > julianday(k.closes_at) + a.response_target_days"
        }
        Db::Postgres(_) => {
            "m.answered_at > k.closes_at + a.response_target_days * INTERVAL '1 day'"
        }
    };
    let from = answered_from(scope);
    let id = scope_id(scope);
    let (answered, answered_late): (i64, i64) = with_pool!(db, pool => sqlx::query_as(&format!(
        "SELECT COUNT(*),
                COALESCE(SUM(CASE WHEN m.wait_ms > a.response_target_days * 86400000
                                   AND {after_close} THEN 1 ELSE 0 END), 0)
           {from}"
    ))
    .bind(id)
    .fetch_one(pool)
    .await)?;
    let (median_days, p90_days) = if answered == 0 {
        (None, None)
    } else {
        let (median_rank, p90_rank) = ((answered + 1) / 2, (9 * answered + 9) / 10);
        let at =
            |n: usize| format!("(SELECT m.wait_ms {from} ORDER BY m.wait_ms LIMIT 1 OFFSET ${n})");
        let (median, p90): (Option<i64>, Option<i64>) = with_pool!(db, pool => sqlx::query_as(
            &format!("SELECT {}, {}", at(2), at(3)),
        )
        .bind(id)
        .bind(median_rank - 1)
        .bind(p90_rank - 1)
        .fetch_one(pool)
        .await)?;
        // Waits in milliseconds are far inside the integers an f64 holds exactly.
        let days = |ms: Option<i64>| ms.map(|ms| ms as f64 / DAY_MS);
        (days(median), days(p90))
    };
    // Every contribution (an index-only count), and the unanswered past their
    // deadline: written before `now - target` in a period that closed before it too.
    // The second reads no contribution while no deadline has passed.
    let scope_sql = match scope {
        Scope::Consultation(_) => "c.consultation_id = $1".to_owned(),
        Scope::Agency(_) => format!(
            "k.agency_id = $1 AND {}",
            crate::ssr::consultations::store::public_sql("k")
        ),
    };
    let target_sql = match scope {
        Scope::Consultation(_) => {
            "SELECT a.response_target_days FROM consultations k
                                     JOIN agencies a ON a.id = k.agency_id WHERE k.id = $1"
        }
        Scope::Agency(_) => "SELECT response_target_days FROM agencies WHERE id = $1",
    };
    let contributed = format!(
        "FROM contributions c JOIN consultations k ON k.id = c.consultation_id
         WHERE c.status = 'published' AND {scope_sql}"
    );
    let (target, contributions): (Option<i64>, i64) = with_pool!(db, pool => {
        let target = sqlx::query_scalar(target_sql).bind(id).fetch_optional(pool).await?;
        let n = sqlx::query_scalar(&format!("SELECT COUNT(*) {contributed}"))
            .bind(id)
            .fetch_one(pool)
            .await?;
        Ok::<_, sqlx::Error>((target, n))
    })?;
    let cut = now - chrono::Duration::days(target.unwrap_or(0));
    let overdue: i64 = with_pool!(db, pool => sqlx::query_scalar(&format!(
        "SELECT COUNT(*) {contributed}
            AND k.closes_at < $2 AND c.created_at < $2
            AND NOT EXISTS (SELECT 1 FROM response_members m WHERE m.contribution_id = c.id)"
    ))
    .bind(id)
    .bind(cut)
    .fetch_one(pool)
    .await)?;
    Ok(Timing {
        contributions,
        answered,
        median_days,
        p90_days,
        answered_late,
        overdue,
    })
}

/// The first `limit` unanswered published contributions of `consultation`, longest
/// waiting first (the queue's first page, without counting the rest).
pub async fn oldest_unanswered(
    db: &Db,
    consultation: ConsultationId,
    limit: u32,
) -> Result<Vec<ContributionId>, StoreError> {
    Ok(with_pool!(db, pool => sqlx::query_scalar(
        "SELECT c.id FROM contributions c
          WHERE c.consultation_id = $1 AND c.status = 'published'
            AND NOT EXISTS (SELECT 1 FROM response_members m WHERE m.contribution_id = c.id)
          ORDER BY c.created_at, c.id LIMIT $2",
    )
    .bind(consultation)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await)?)
}

/// How many published contributions of a consultation there are per clause (`None`:
/// the draft as a whole) and outcome (`None`: unanswered), replies included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeCount {
    pub clause_key: Option<ClauseKey>,
    pub outcome: Option<Outcome>,
    pub n: i64,
}

pub async fn outcome_counts(
    db: &Db,
    consultation: ConsultationId,
) -> Result<Vec<OutcomeCount>, StoreError> {
    // All per clause (the covering index by clause), then the answered ones per clause
    // and outcome from their memberships' index; the difference is unanswered.
    type PerClause = Vec<(Option<ClauseKey>, i64)>;
    type PerOutcome = Vec<(Option<ClauseKey>, String, i64)>;
    let (all, answered): (PerClause, PerOutcome) = with_pool!(db, pool => {
        let all = sqlx::query_as(
            "SELECT clause_key, COUNT(*) FROM contributions
              WHERE consultation_id = $1 AND status = 'published' GROUP BY clause_key",
        )
        .bind(consultation)
        .fetch_all(pool)
        .await?;
        let answered = sqlx::query_as(
            "SELECT clause_key, outcome, COUNT(*) FROM response_members
              WHERE consultation_id = $1 AND published = TRUE GROUP BY clause_key, outcome",
        )
        .bind(consultation)
        .fetch_all(pool)
        .await?;
        Ok::<_, sqlx::Error>((all, answered))
    })?;
    let mut out = Vec::with_capacity(all.len() + answered.len());
    for (clause_key, n) in all {
        let answered_here: i64 = answered
            .iter()
            .filter(|(k, _, _)| *k == clause_key)
            .map(|(_, _, n)| n)
            .sum();
        out.push(OutcomeCount {
            clause_key,
            outcome: None,
            n: n - answered_here,
        });
    }
    for (clause_key, outcome, n) in answered {
        let outcome = Outcome::parse(&outcome)
            .ok_or_else(|| StoreError::corrupt("agency_responses", "outcome", outcome))?;
        out.push(OutcomeCount {
            clause_key,
            outcome: Some(outcome),
            n,
        });
    }
    Ok(out)
}

/// A clause said to have changed because of a response, with one contribution that
/// response answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub version: u32,
    /// `None`: the version as a whole.
    pub clause_key: Option<ClauseKey>,
    pub response_id: ResponseId,
    pub contribution_id: ContributionId,
    pub outcome: Outcome,
}

/// Every clause a response of `consultation` cites, once per contribution it answers,
/// by version, clause and contribution.
pub async fn citations(db: &Db, consultation: ConsultationId) -> Result<Vec<Citation>, StoreError> {
    let rows: Vec<(i64, Option<ClauseKey>, ResponseId, ContributionId, String)> = with_pool!(db, pool => sqlx::query_as(
            "SELECT v.number, rc.clause_key, r.id, m.contribution_id, r.outcome
               FROM response_citations rc
               JOIN agency_responses r ON r.id = rc.response_id
               JOIN response_members m ON m.response_id = r.id
               JOIN consultation_versions v ON v.id = rc.version_id
              WHERE r.consultation_id = $1
              ORDER BY v.number, rc.clause_key, m.contribution_id",
        )
        .bind(consultation)
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(
            |(version, clause_key, response_id, contribution_id, outcome)| {
                Ok(Citation {
                    version: stored("consultation_versions", "number", version)?,
                    clause_key,
                    response_id,
                    contribution_id,
                    outcome: Outcome::parse(&outcome).ok_or_else(|| {
                        StoreError::corrupt("agency_responses", "outcome", outcome)
                    })?,
                })
            },
        )
        .collect()
}

/// The contributions behind each clause a response of `consultation` cites as
/// changed, by version and clause (`None`: the version as a whole), ids ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitedBy {
    pub version: u32,
    pub clause_key: Option<ClauseKey>,
    pub contributions: Vec<ContributionId>,
}

/// [`CitedBy`] for every cited clause: one row per clause, its contributions gathered
/// in the database (each row sqlx hands over costs about 10 µs on SQLite, and a
/// consultation's citations can run to thousands).
pub async fn cited_by(db: &Db, consultation: ConsultationId) -> Result<Vec<CitedBy>, StoreError> {
    let ids = match db {
        Db::Sqlite(_) => "json_group_array(m.contribution_id)",
        Db::Postgres(_) => "json_agg(m.contribution_id)::text",
    };
    let rows: Vec<(i64, Option<ClauseKey>, String)> = with_pool!(db, pool => sqlx::query_as(&format!(
        "SELECT v.number, rc.clause_key, {ids}
           FROM consultation_versions v
           JOIN response_citations rc ON rc.version_id = v.id
           JOIN response_members m ON m.response_id = rc.response_id
          WHERE v.consultation_id = $1
          GROUP BY v.number, rc.clause_key"
    ))
    .bind(consultation)
    .fetch_all(pool)
    .await)?;
    rows.into_iter()
        .map(|(version, clause_key, ids)| {
            let mut contributions: Vec<ContributionId> = serde_json::from_str(&ids)
                .map_err(|_| StoreError::corrupt("response_members", "contribution_id", ids))?;
            contributions.sort_unstable();
            contributions.dedup();
            Ok(CitedBy {
                version: stored("consultation_versions", "number", version)?,
                clause_key,
                contributions,
            })
        })
        .collect()
}

/// The published contributions of `consultation` whose answer changed the draft
/// (accepted, partly accepted), oldest first, up to `limit`, with how many there are.
pub async fn adopted(
    db: &Db,
    consultation: ConsultationId,
    limit: u32,
) -> Result<(Vec<ContributionId>, i64), StoreError> {
    // The outcomes that changed the draft, as the domain says (codes are fixed words).
    let changed: Vec<String> = Outcome::ALL
        .into_iter()
        .filter(|o| o.changed_policy())
        .map(|o| format!("'{}'", o.as_str()))
        .collect();
    let changed = changed.join(", ");
    Ok(with_pool!(db, pool => {
        // Oldest first: the contributions by age, each looked up among the answers,
        // until there are enough.
        let ids: Vec<ContributionId> = sqlx::query_scalar(&format!(
            "SELECT c.id FROM contributions c
               JOIN response_members m ON m.contribution_id = c.id
              WHERE c.consultation_id = $1 AND c.status = 'published'
                AND m.outcome IN ({changed})
              ORDER BY c.created_at, c.id LIMIT $2"
        ))
        .bind(consultation)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await?;
        let n: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM response_members
              WHERE consultation_id = $1 AND published = TRUE AND outcome IN ({changed})"
        ))
        .bind(consultation)
        .fetch_one(pool)
        .await?;
        Ok::<_, sqlx::Error>((ids, n))
    })?)
}

/// One contribution as the open-data CSV lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    pub id: ContributionId,
    pub parent_id: Option<ContributionId>,
    pub version: i64,
    pub clause_key: Option<ClauseKey>,
    pub channel: String,
    pub org_kind: Option<String>,
    pub org_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub status: String,
    pub outcome: Option<String>,
    pub reasons_ar: Option<String>,
    pub reasons_en: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
    pub response_id: Option<ResponseId>,
}

/// Every contribution of `consultation` (all statuses), in id order, with its answer:
/// one query, whatever their number.
pub async fn export_rows(
    db: &Db,
    consultation: ConsultationId,
) -> Result<Vec<ExportRow>, StoreError> {
    Ok(with_pool!(db, pool => sqlx::query_as(
        "SELECT c.id, c.parent_id, v.number AS version, c.clause_key, c.channel, c.org_kind,
                c.org_name, c.created_at, c.status, r.outcome, r.reasons_ar, r.reasons_en,
                m.answered_at, m.response_id
           FROM contributions c
           JOIN consultation_versions v ON v.id = c.version_id
           LEFT JOIN response_members m ON m.contribution_id = c.id
           LEFT JOIN agency_responses r ON r.id = m.response_id
          WHERE c.consultation_id = $1
          ORDER BY c.id",
    )
    .bind(consultation)
    .fetch_all(pool)
    .await)?)
}
