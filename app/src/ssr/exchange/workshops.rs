//! A consultation's workshops in the exchange format: what their organisers set, the
//! minutes, and the figures (places held and attendance, per kind of organisation) —
//! never who registered. Importing the same file again changes nothing; a workshop
//! scheduled on this portal (`shura-workshop-{id}` in an export) keeps what is here.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{field, ConsultationDoc, ImportError};
use crate::domain::contribution::OrgKind;
use crate::domain::text::is_web_url;
use crate::domain::workshop::{Audience, MAX_CAPACITY};
use crate::domain::{ConsultationId, LocalizedText, WorkshopId};
use crate::ssr::db::{Db, StoreError, Tx};
use crate::ssr::workshops::store::registrations;
use crate::ssr::workshops::store::{self as workshops, ImportedWorkshop, WorkshopFields};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkshopDoc {
    /// Unique in the file; contributions said there name it (`workshop`).
    pub id: String,
    pub title: LocalizedText,
    #[serde(default)]
    pub description: LocalizedText,
    /// One item per line.
    #[serde(default)]
    pub agenda: LocalizedText,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// The room's address; none for an online-only workshop.
    #[serde(default)]
    pub venue: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
    pub capacity: u32,
    pub registration_closes_at: DateTime<Utc>,
    #[serde(default)]
    pub audience: Audience,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Markdown.
    #[serde(default)]
    pub minutes: LocalizedText,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes_published_at: Option<DateTime<Utc>>,
    /// Places held and attendance, per kind of organisation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub figures: Vec<FiguresDoc>,
}

/// Places held (`registered`) and attendance of one kind of organisation (`org_kind`
/// null or absent: people who came for themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiguresDoc {
    #[serde(default)]
    pub org_kind: Option<OrgKind>,
    pub registered: u32,
    pub attended: u32,
}

/// Checks the workshops of consultation `i` of the file.
pub(super) fn check(i: usize, c: &ConsultationDoc) -> Result<(), ImportError> {
    let mut ids = HashSet::new();
    for (k, w) in c.workshops.iter().enumerate() {
        let at = |f: &str| format!("consultations[{i}].workshops[{k}].{f}");
        super::external_id(&w.id).map_err(|rule| field(at("id"), rule))?;
        if !ids.insert(w.id.as_str()) {
            return Err(field(at("id"), "appears twice in this consultation"));
        }
        if w.title.is_empty() {
            return Err(field(at("title"), super::NEEDS_TEXT));
        }
        if w.ends_at <= w.starts_at {
            return Err(field(at("ends_at"), "must be after starts_at"));
        }
        if w.registration_closes_at > w.starts_at {
            return Err(field(
                at("registration_closes_at"),
                "must not be after starts_at",
            ));
        }
        if !(1..=MAX_CAPACITY).contains(&w.capacity) {
            return Err(field(
                at("capacity"),
                format!("a whole number from 1 to {MAX_CAPACITY}"),
            ));
        }
        for (name, url) in [("map_url", &w.map_url), ("online_url", &w.online_url)] {
            if url.as_deref().is_some_and(|u| !is_web_url(u)) {
                return Err(field(at(name), "an http or https address"));
            }
        }
        if w.venue.is_empty() && w.online_url.is_none() {
            return Err(field(at("venue"), "a venue or an online_url is needed"));
        }
        let mut kinds = HashSet::new();
        for (j, f) in w.figures.iter().enumerate() {
            if !kinds.insert(f.org_kind) {
                return Err(field(
                    at(&format!("figures[{j}].org_kind")),
                    "appears twice in this workshop's figures",
                ));
            }
            if f.attended > f.registered {
                return Err(field(
                    at(&format!("figures[{j}].attended")),
                    "more than registered (walk-ins count as registered)",
                ));
            }
        }
    }
    for (k, x) in c.contributions.iter().enumerate() {
        if let Some(w) = &x.workshop {
            if !ids.contains(w.as_str()) {
                return Err(field(
                    format!("consultations[{i}].contributions[{k}].workshop"),
                    format!("no workshop {w:?} in this consultation"),
                ));
            }
        }
    }
    Ok(())
}

/// Stores the workshops of `c` (consultation `id`) as the file has them; the stored id
/// of each, by its id in the file.
pub(super) async fn write<'a>(
    tx: &mut Tx,
    id: ConsultationId,
    c: &'a ConsultationDoc,
    now: DateTime<Utc>,
) -> Result<HashMap<&'a str, WorkshopId>, ImportError> {
    let mut stored = HashMap::new();
    for w in &c.workshops {
        let existing = workshops::by_external(tx, id, &w.id).await?;
        let wid = match existing {
            // Scheduled here: its registrations are here, and they say what happened.
            Some((wid, true)) => wid,
            other => {
                let imported = ImportedWorkshop {
                    external_id: w.id.clone(),
                    fields: WorkshopFields {
                        title: w.title.clone(),
                        description: w.description.clone(),
                        agenda: w.agenda.clone(),
                        starts_at: w.starts_at,
                        ends_at: w.ends_at,
                        venue: w.venue.clone(),
                        map_url: w.map_url.clone(),
                        online_url: w.online_url.clone(),
                        capacity: w.capacity,
                        registration_closes_at: w.registration_closes_at,
                        audience: w.audience,
                    },
                    cancelled_at: w.cancelled_at,
                    minutes: w.minutes.clone(),
                    minutes_published_at: w.minutes_published_at,
                    figures: w
                        .figures
                        .iter()
                        .map(|f| (f.org_kind, i64::from(f.registered), i64::from(f.attended)))
                        .collect(),
                };
                workshops::import(tx, id, other.map(|(wid, _)| wid), &imported, now).await?
            }
        };
        stored.insert(w.id.as_str(), wid);
    }
    Ok(stored)
}

/// The id an export gives workshop `w`.
pub(super) fn export_id(w: &workshops::Workshop) -> String {
    w.external_id
        .clone()
        .unwrap_or_else(|| format!("{}{}", workshops::EXPORTED_ID_PREFIX, w.id))
}

/// The workshops of consultation `id` as the file has them, in the order they take
/// place, with their export ids by stored id.
pub(super) async fn export(
    db: &Db,
    id: ConsultationId,
) -> Result<(Vec<WorkshopDoc>, HashMap<WorkshopId, String>), StoreError> {
    let mut docs = Vec::new();
    let mut ids = HashMap::new();
    for w in workshops::of_consultation(db, id).await? {
        let figures = registrations::attendance_by_kind(db, w.id)
            .await?
            .into_iter()
            .map(|(org_kind, held, came)| FiguresDoc {
                org_kind,
                registered: u32::try_from(held).unwrap_or(u32::MAX),
                attended: u32::try_from(came).unwrap_or(u32::MAX),
            })
            .collect();
        let doc_id = export_id(&w);
        ids.insert(w.id, doc_id.clone());
        let f = w.fields;
        docs.push(WorkshopDoc {
            id: doc_id,
            title: f.title,
            description: f.description,
            agenda: f.agenda,
            starts_at: f.starts_at,
            ends_at: f.ends_at,
            venue: f.venue,
            map_url: f.map_url,
            online_url: f.online_url,
            capacity: f.capacity,
            registration_closes_at: f.registration_closes_at,
            audience: f.audience,
            cancelled_at: w.cancelled_at,
            minutes: w.minutes,
            minutes_published_at: w.minutes_published_at,
            figures,
        });
    }
    Ok((docs, ids))
}
