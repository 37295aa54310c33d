-- Which digits Arabic pages write numbers in, chosen on the account page (issue 25,
-- item 23); carried to each browser by a cookie set at sign-in.
ALTER TABLE users ADD COLUMN digits TEXT NOT NULL DEFAULT 'latin'
    CHECK (digits IN ('latin', 'arabic_indic'));
