-- entraide: whole-file
-- PostgreSQL twin of migrations/0014_forgetting.sql
-- Forgetting a member (/privacy forget) keeps their ledger rows, tied to their now anonymous
-- member row, so totals stay right. Two text columns may still carry their platform id or
-- name: source_event_id (Discord reaction and sweep event ids include the reacting user's
-- id) and note (an admin's free-text reason). Those two, and nothing else, may be rewritten,
-- and only while the community is in `forgetting`; the ledger stays append-only otherwise.

-- A row lives only inside a forget's transaction (bot/cogs/privacy inserts it and deletes it
-- again), so the table is empty at rest. No foreign key, like `purging`.
-- (Always given a community id: a plain key, no identity.)
CREATE TABLE forgetting (
    community_id BIGINT PRIMARY KEY
);

DROP TRIGGER reputation_ledger_no_update ON reputation_ledger;

-- Every other column must stay as it was (IS DISTINCT FROM, SQLite's IS NOT: NULLs compare
-- as values). A column added to the ledger later must be added to this list. SQLite's WHEN
-- holds a subquery, which a PostgreSQL trigger's WHEN can't: it is the function's IF, and
-- the update goes ahead (RETURN NEW) otherwise.
CREATE OR REPLACE FUNCTION reputation_ledger_no_update_fn() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM forgetting WHERE community_id = OLD.community_id)
        OR NEW.id IS DISTINCT FROM OLD.id
        OR NEW.community_id IS DISTINCT FROM OLD.community_id
        OR NEW.member_id IS DISTINCT FROM OLD.member_id
        OR NEW.delta IS DISTINCT FROM OLD.delta
        OR NEW.reason IS DISTINCT FROM OLD.reason
        OR NEW.question_id IS DISTINCT FROM OLD.question_id
        OR NEW.answer_id IS DISTINCT FROM OLD.answer_id
        OR NEW.actor_id IS DISTINCT FROM OLD.actor_id
        OR NEW.created_at IS DISTINCT FROM OLD.created_at
        OR NEW.kind IS DISTINCT FROM OLD.kind
    THEN
        RAISE EXCEPTION 'reputation_ledger is append-only'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER reputation_ledger_no_update BEFORE UPDATE ON reputation_ledger
FOR EACH ROW EXECUTE FUNCTION reputation_ledger_no_update_fn();
