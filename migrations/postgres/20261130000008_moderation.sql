-- Moderation by the published rules: reports by readers, hidden contributions (text
-- kept, never deleted), one appeal per hidden contribution, and the public log of
-- every moderation action (who moderated is in the audit log, not here).
ALTER TABLE contributions ADD COLUMN hidden_category TEXT;
ALTER TABLE contributions ADD COLUMN hidden_reason TEXT;
ALTER TABLE contributions ADD COLUMN appeal_text TEXT;
ALTER TABLE contributions ADD COLUMN appealed_at TIMESTAMPTZ;
ALTER TABLE contributions ADD COLUMN appeal_decided_at TIMESTAMPTZ;

CREATE TABLE contribution_reports (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contribution_id  BIGINT NOT NULL REFERENCES contributions (id) ON DELETE CASCADE,
    reporter_id      BIGINT NOT NULL REFERENCES users (id),
    category         TEXT NOT NULL CHECK (category IN ('religious_insult', 'defamation',
                         'incitement', 'rights', 'false_information', 'spam', 'personal_data')),
    note             TEXT,
    created_at       TIMESTAMPTZ NOT NULL,
    resolved_at      TIMESTAMPTZ,
    UNIQUE (contribution_id, reporter_id)
);
CREATE INDEX contribution_reports_open ON contribution_reports (resolved_at, contribution_id);

CREATE TABLE moderation_log (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id  BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    contribution_id  BIGINT NOT NULL REFERENCES contributions (id),
    action           TEXT NOT NULL CHECK (action IN ('hide', 'restore', 'dismiss', 'appeal', 'uphold')),
    category         TEXT,
    reason           TEXT,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX moderation_log_by_consultation ON moderation_log (consultation_id, id);
