-- PostgreSQL's migration 20 lets an import move each consultation's threads stamp once
-- instead of once per row (repeated updates of one row in one transaction cost more
-- and more there). SQLite updates the row in place at a constant cost: its triggers
-- stay as they are. This file keeps the two lists of migrations in step.
SELECT 1;
