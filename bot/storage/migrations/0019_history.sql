-- entraide: rebuilds a referenced table
-- Earlier solved threads answer new questions (issue 17): a question solved by pointing to
-- one is resolved 'history'. SQLite can't change a CHECK constraint, so the questions table
-- is rebuilt, with foreign keys off (see db.REBUILDS): answers, marks and the ledger point
-- at it by id, and the ids stay.
CREATE TABLE questions_new (
    id               INTEGER PRIMARY KEY,
    community_id     INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    number           INTEGER NOT NULL,           -- shown as Q<number>, per community
    origin_id        TEXT NOT NULL,              -- message id, or the /ask event id
    channel_id       TEXT NOT NULL,
    root_message_id  TEXT,
    thread_id        TEXT,
    intro_message_id TEXT,
    asker_id         INTEGER REFERENCES members(id),
    text             TEXT NOT NULL,
    language         TEXT NOT NULL DEFAULT 'en',
    topic            TEXT,
    status           TEXT NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'answered', 'nudged', 'escalated', 'solved')),
    resolution       TEXT CHECK (resolution IN ('kb', 'community', 'staff', 'asker', 'history')),
    created_at       TEXT NOT NULL,
    first_answer_at  TEXT,
    solved_at        TEXT,
    solved_by        INTEGER REFERENCES members(id),
    deleted_at       TEXT,
    kb_outcome       TEXT CHECK (kb_outcome IN ('silent', 'suggested', 'rejected', 'solved')),
    closed_at        TEXT,
    UNIQUE (community_id, number),
    UNIQUE (community_id, origin_id)
);
INSERT INTO questions_new (id, community_id, number, origin_id, channel_id, root_message_id,
    thread_id, intro_message_id, asker_id, text, language, topic, status, resolution,
    created_at, first_answer_at, solved_at, solved_by, deleted_at, kb_outcome, closed_at)
SELECT id, community_id, number, origin_id, channel_id, root_message_id, thread_id,
    intro_message_id, asker_id, text, language, topic, status, resolution, created_at,
    first_answer_at, solved_at, solved_by, deleted_at, kb_outcome, closed_at FROM questions;
DROP TABLE questions;
ALTER TABLE questions_new RENAME TO questions;
CREATE INDEX questions_thread ON questions (community_id, thread_id);
CREATE INDEX questions_created ON questions (community_id, created_at);

-- Embeddings of solved threads (question and best answer), one row per thread and model;
-- `content_hash` says which text they were computed from: a changed thread is embedded
-- again, an unchanged one never.
CREATE TABLE thread_vectors (
    question_id  INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    model        TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    dim          INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    vectors      BLOB NOT NULL,           -- float32, count × dim, row-major
    created_at   TEXT NOT NULL,
    PRIMARY KEY (question_id, model)
);
CREATE INDEX thread_vectors_community ON thread_vectors (community_id, model);

-- Points for an earlier answer that solved a new question (ledger kind 'reused') are earned
-- by helping: the helping predicate of 0017 gains the kind, in its trigger, its backfill and
-- its partial index, word for word as bot/storage/helping.py's HELPING (a test checks).
DROP TRIGGER reputation_ledger_helping;
CREATE TRIGGER reputation_ledger_helping AFTER INSERT ON reputation_ledger
WHEN (NEW.kind IN ('helpful', 'accepted', 'reused') OR (NEW.kind = 'bounty' AND NEW.reason NOT IN ('escrow', 'refund')))
BEGIN
    INSERT INTO helping_totals (community_id, member_id, total)
    VALUES (NEW.community_id, NEW.member_id, NEW.delta)
    ON CONFLICT (community_id, member_id) DO UPDATE SET total = total + NEW.delta;
END;

DELETE FROM helping_totals;
INSERT INTO helping_totals (community_id, member_id, total)
SELECT community_id, member_id, SUM(delta) FROM reputation_ledger
WHERE (kind IN ('helpful', 'accepted', 'reused') OR (kind = 'bounty' AND reason NOT IN ('escrow', 'refund')))
GROUP BY community_id, member_id;

DROP INDEX ledger_helping;
CREATE INDEX ledger_helping
    ON reputation_ledger (community_id, created_at, member_id, delta, kind, reason)
WHERE (kind IN ('helpful', 'accepted', 'reused') OR (kind = 'bounty' AND reason NOT IN ('escrow', 'refund')));
