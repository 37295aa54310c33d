-- Consecutive wrong second-factor codes (issue 26, item 5): after too many, the
-- sign-in starts again from the password, and not before `second_factor_blocked_until`;
-- each lock-out in a row waits longer (`second_factor_lockouts`).
ALTER TABLE users ADD COLUMN second_factor_failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN second_factor_lockouts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN second_factor_blocked_until TEXT;
