-- People with an account, and the single-use tokens mailed to them.

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY,
    -- Stored lower-cased and trimmed; NULL once the account is deleted.
    email              TEXT UNIQUE,
    display_name       TEXT NOT NULL,
    preferred_lang     TEXT NOT NULL DEFAULT 'ar' CHECK (preferred_lang IN ('ar', 'en')),
    password_hash      TEXT,
    email_verified_at  TEXT,
    terms_version      TEXT NOT NULL,
    terms_accepted_at  TEXT NOT NULL,
    -- Raised by "sign out everywhere": sessions of an older generation are refused.
    session_generation INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT NOT NULL,
    deleted_at         TEXT
);

CREATE TABLE email_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    -- SHA-256 of the token: the token itself exists only in the email.
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    created_at  TEXT NOT NULL
);

CREATE INDEX email_tokens_by_user ON email_tokens (user_id, purpose);
