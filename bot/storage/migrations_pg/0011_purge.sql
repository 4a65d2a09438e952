-- entraide: whole-file
-- PostgreSQL twin of migrations/0011_purge.sql
-- Purging a community (Slack app_uninstalled / tokens_revoked, a guild leaving) must delete
-- its reputation ledger too, and nothing else may: the ledger stays append-only otherwise.

-- The communities being purged right now: a row lives only inside the purge's transaction
-- (bot/storage/purge.py inserts it and deletes it again), so the table is empty at rest.
-- No foreign key, so it never blocks the delete of the community row itself.
-- (Always given a community id: a plain key, no identity.)
CREATE TABLE purging (
    community_id BIGINT PRIMARY KEY
);

-- Deletes stay forbidden unless the row's community is being purged; updates are untouched
-- (reputation_ledger_no_update still refuses every UPDATE).
-- A trigger's WHEN can't hold a subquery in PostgreSQL: SQLite's WHEN NOT EXISTS (…) is the
-- function's IF, and the delete goes ahead (RETURN OLD) when the community is being purged.
DROP TRIGGER reputation_ledger_no_delete ON reputation_ledger;

CREATE OR REPLACE FUNCTION reputation_ledger_no_delete_fn() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM purging WHERE community_id = OLD.community_id) THEN
        RAISE EXCEPTION 'reputation_ledger is append-only'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
END;
$$;

CREATE TRIGGER reputation_ledger_no_delete BEFORE DELETE ON reputation_ledger
FOR EACH ROW EXECUTE FUNCTION reputation_ledger_no_delete_fn();
