-- Purging a community (Slack app_uninstalled / tokens_revoked, a guild leaving) must delete
-- its reputation ledger too, and nothing else may: the ledger stays append-only otherwise.

-- The communities being purged right now: a row lives only inside the purge's transaction
-- (bot/storage/purge.py inserts it and deletes it again), so the table is empty at rest.
-- No foreign key, so it never blocks the delete of the community row itself.
CREATE TABLE purging (
    community_id INTEGER PRIMARY KEY
);

-- Deletes stay forbidden unless the row's community is being purged; updates are untouched
-- (reputation_ledger_no_update still refuses every UPDATE).
DROP TRIGGER reputation_ledger_no_delete;

CREATE TRIGGER reputation_ledger_no_delete BEFORE DELETE ON reputation_ledger
WHEN NOT EXISTS (SELECT 1 FROM purging WHERE community_id = OLD.community_id)
BEGIN
    SELECT RAISE(ABORT, 'reputation_ledger is append-only');
END;
