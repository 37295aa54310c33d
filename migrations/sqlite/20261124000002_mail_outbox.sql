-- Outgoing email: written in the same transaction as the change it reports, sent later
-- by the mail worker with retries. A row is claimed by setting `locked_until`.

CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    html_body       TEXT,
    -- Extra headers as a JSON object, e.g. List-Unsubscribe.
    headers         TEXT NOT NULL DEFAULT '{}',
    created_at      TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT,
    sent_at         TEXT,
    failed_at       TEXT,
    last_error      TEXT
);

CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at)
    WHERE sent_at IS NULL AND failed_at IS NULL;
