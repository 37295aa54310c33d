-- Documents attached to a consultation (PDF only). The file lives under the data
-- directory, named by its SHA-256, so identical uploads share one file.
CREATE TABLE consultation_attachments (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consultation_id  BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    title_ar         TEXT,
    title_en         TEXT,
    file_name        TEXT NOT NULL,
    content_type     TEXT NOT NULL,
    size_bytes       BIGINT NOT NULL CHECK (size_bytes > 0),
    sha256           TEXT NOT NULL CHECK (length(sha256) = 64),
    uploaded_by      BIGINT REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX consultation_attachments_by_consultation
    ON consultation_attachments (consultation_id, id);
CREATE INDEX consultation_attachments_by_sha256 ON consultation_attachments (sha256);
