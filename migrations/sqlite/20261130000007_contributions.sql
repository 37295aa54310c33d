-- Contributions: comments on a draft as a whole (clause_key NULL) or on one clause of
-- the version current when they were written, and the replies that make threads.
-- `path` is the materialised path of zero-padded ids from the thread's root, so a
-- thread sorts depth-first the same way on SQLite and PostgreSQL.
CREATE TABLE contributions (
    id               INTEGER PRIMARY KEY,
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    version_id       INTEGER NOT NULL REFERENCES consultation_versions (id),
    clause_key       TEXT,
    parent_id        INTEGER REFERENCES contributions (id),
    root_id          INTEGER REFERENCES contributions (id),
    path             TEXT NOT NULL DEFAULT '',
    depth            INTEGER NOT NULL DEFAULT 0 CHECK (depth >= 0),
    author_id        INTEGER NOT NULL REFERENCES users (id),
    org_name         TEXT,
    org_kind         TEXT CHECK (org_kind IN ('agency', 'company', 'ngo', 'academic')),
    channel          TEXT NOT NULL DEFAULT 'online',
    body             TEXT NOT NULL,
    -- SHA-256 of the body, to refuse the same text posted twice by one account.
    body_hash        TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'published'
                     CHECK (status IN ('published', 'hidden', 'withdrawn')),
    support_count    INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    edited_at        TEXT,
    withdrawn_at     TEXT,
    CHECK ((org_name IS NULL) = (org_kind IS NULL))
);
CREATE INDEX contributions_threads ON contributions (consultation_id, parent_id, id);
CREATE INDEX contributions_by_root ON contributions (root_id, path);
CREATE INDEX contributions_by_author ON contributions (author_id, body_hash);

-- Earlier texts of an edited contribution, shown as its history.
CREATE TABLE contribution_edits (
    id               INTEGER PRIMARY KEY,
    contribution_id  INTEGER NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    body             TEXT NOT NULL,
    written_at       TEXT NOT NULL,
    replaced_at      TEXT NOT NULL
);
CREATE INDEX contribution_edits_by_contribution ON contribution_edits (contribution_id, id);

-- One "support" per person per contribution.
CREATE TABLE contribution_supports (
    contribution_id  INTEGER NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    created_at       TEXT NOT NULL,
    PRIMARY KEY (contribution_id, user_id)
);

-- Searchable text that changed, in order; the search indexer applies it and records
-- the last id it applied, so the index can always catch up with the database.
CREATE TABLE search_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    entity      TEXT NOT NULL,
    entity_id   INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
