-- Followers are also told, once, when a concluded consultation's final report is
-- published (issue 23).
ALTER TABLE follow_events DROP CONSTRAINT follow_events_kind_check;
ALTER TABLE follow_events ADD CONSTRAINT follow_events_kind_check
    CHECK (kind IN ('new_version', 'closing', 'report'));
