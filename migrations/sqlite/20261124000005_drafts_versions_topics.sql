-- Drafts: a consultation's versions, each a sequence of clauses with stable keys;
-- topics for filtering; who the consultation is for and whom to contact.

ALTER TABLE consultations ADD COLUMN audience_ar TEXT;
ALTER TABLE consultations ADD COLUMN audience_en TEXT;
ALTER TABLE consultations ADD COLUMN contact_email TEXT;
ALTER TABLE consultations ADD COLUMN concluded_at TEXT;

CREATE TABLE topics (
    id       INTEGER PRIMARY KEY,
    slug     TEXT NOT NULL UNIQUE,
    name_ar  TEXT,
    name_en  TEXT,
    CHECK (name_ar IS NOT NULL OR name_en IS NOT NULL)
);

CREATE TABLE consultation_topics (
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    topic_id         INTEGER NOT NULL REFERENCES topics (id),
    PRIMARY KEY (consultation_id, topic_id)
);
CREATE INDEX consultation_topics_by_topic ON consultation_topics (topic_id);

-- A version is editable while published_at is NULL (the consultation is still a
-- draft); once published it is frozen and a change makes the next version.
CREATE TABLE consultation_versions (
    id               INTEGER PRIMARY KEY,
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    number           INTEGER NOT NULL CHECK (number >= 1),
    published_at     TEXT,
    change_note_ar   TEXT,
    change_note_en   TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (consultation_id, number)
);

-- Clause text is Markdown as written; html_* is its sanitised rendering.
CREATE TABLE clauses (
    id          INTEGER PRIMARY KEY,
    version_id  INTEGER NOT NULL REFERENCES consultation_versions (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('heading', 'clause', 'text')),
    level       INTEGER NOT NULL DEFAULT 0,
    number      INTEGER,
    text_ar     TEXT,
    text_en     TEXT,
    html_ar     TEXT,
    html_en     TEXT,
    CHECK (text_ar IS NOT NULL OR text_en IS NOT NULL),
    UNIQUE (version_id, key),
    UNIQUE (version_id, position)
);
