-- entraide: whole-file
-- PostgreSQL twin of migrations/0019_history.sql
-- Earlier solved threads answer new questions (issue 17): a question solved by pointing to
-- one is resolved 'history'. SQLite rebuilds the questions table to change its CHECK (with
-- foreign keys off); PostgreSQL replaces the CHECK in place: no rebuild, the ids, the
-- references to them and the indexes questions_thread and questions_created stay as they are.
ALTER TABLE questions DROP CONSTRAINT questions_resolution_check;
ALTER TABLE questions ADD CONSTRAINT questions_resolution_check
    CHECK (resolution IN ('kb', 'community', 'staff', 'asker', 'history'));

-- Embeddings of solved threads (question and best answer), one row per thread and model;
-- `content_hash` says which text they were computed from: a changed thread is embedded
-- again, an unchanged one never.
CREATE TABLE thread_vectors (
    question_id  BIGINT NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    model        TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    dim          BIGINT NOT NULL,
    count        BIGINT NOT NULL,
    vectors      BYTEA NOT NULL,          -- float32, count × dim, row-major
    created_at   TEXT NOT NULL,
    PRIMARY KEY (question_id, model)
);
CREATE INDEX thread_vectors_community ON thread_vectors (community_id, model);

-- Points for an earlier answer that solved a new question (ledger kind 'reused') are earned
-- by helping: the helping predicate of 0017 gains the kind, in its trigger, its backfill and
-- its partial index, word for word as bot/storage/helping.py's HELPING. The trigger's
-- function (0017) only adds; which rows count is the trigger's WHEN, replaced here.
DROP TRIGGER reputation_ledger_helping ON reputation_ledger;
CREATE TRIGGER reputation_ledger_helping AFTER INSERT ON reputation_ledger
FOR EACH ROW
WHEN (NEW.kind IN ('helpful', 'accepted', 'reused') OR (NEW.kind = 'bounty' AND NEW.reason NOT IN ('escrow', 'refund')))
EXECUTE FUNCTION reputation_ledger_helping_fn();

DELETE FROM helping_totals;
INSERT INTO helping_totals (community_id, member_id, total)
SELECT community_id, member_id, SUM(delta) FROM reputation_ledger
WHERE (kind IN ('helpful', 'accepted', 'reused') OR (kind = 'bounty' AND reason NOT IN ('escrow', 'refund')))
GROUP BY community_id, member_id;

DROP INDEX ledger_helping;
CREATE INDEX ledger_helping
    ON reputation_ledger (community_id, created_at, member_id, delta, kind, reason)
WHERE (kind IN ('helpful', 'accepted', 'reused') OR (kind = 'bounty' AND reason NOT IN ('escrow', 'refund')));
