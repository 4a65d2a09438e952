-- Forgetting a member (/privacy forget) keeps their ledger rows, tied to their now anonymous
-- member row, so totals stay right. Two text columns may still carry their platform id or
-- name: source_event_id (Discord reaction and sweep event ids include the reacting user's
-- id) and note (an admin's free-text reason). Those two, and nothing else, may be rewritten,
-- and only while the community is in `forgetting`; the ledger stays append-only otherwise.

-- A row lives only inside a forget's transaction (bot/cogs/privacy inserts it and deletes it
-- again), so the table is empty at rest. No foreign key, like `purging`.
CREATE TABLE forgetting (
    community_id INTEGER PRIMARY KEY
);

DROP TRIGGER reputation_ledger_no_update;

-- Every other column must stay as it was (IS NOT: NULLs compare as values). A column added
-- to the ledger later must be added to this list.
CREATE TRIGGER reputation_ledger_no_update BEFORE UPDATE ON reputation_ledger
WHEN NOT EXISTS (SELECT 1 FROM forgetting WHERE community_id = OLD.community_id)
    OR NEW.id IS NOT OLD.id
    OR NEW.community_id IS NOT OLD.community_id
    OR NEW.member_id IS NOT OLD.member_id
    OR NEW.delta IS NOT OLD.delta
    OR NEW.reason IS NOT OLD.reason
    OR NEW.question_id IS NOT OLD.question_id
    OR NEW.answer_id IS NOT OLD.answer_id
    OR NEW.actor_id IS NOT OLD.actor_id
    OR NEW.created_at IS NOT OLD.created_at
    OR NEW.kind IS NOT OLD.kind
BEGIN
    SELECT RAISE(ABORT, 'reputation_ledger is append-only');
END;
