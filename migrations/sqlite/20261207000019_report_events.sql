-- Followers are also told, once, when a concluded consultation's final report is
-- published (issue 23). SQLite cannot change a CHECK constraint in place: the table is
-- rebuilt with the same rows.
CREATE TABLE follow_events_new (
    consultation_id  INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('new_version', 'closing', 'report')),
    subject          TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    PRIMARY KEY (consultation_id, kind, subject)
);
INSERT INTO follow_events_new (consultation_id, kind, subject, created_at)
    SELECT consultation_id, kind, subject, created_at FROM follow_events;
DROP TABLE follow_events;
ALTER TABLE follow_events_new RENAME TO follow_events;
