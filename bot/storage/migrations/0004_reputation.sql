-- Reputation: the ledger gets a machine-readable kind, a free-text note, and a unique key
-- per (platform event, member, reason); the marks that earned points are kept as state,
-- so a removal reverses exactly what its mark gave.

ALTER TABLE members ADD COLUMN is_staff INTEGER NOT NULL DEFAULT 0;

-- helpful | accepted | accept_bonus | adjust | bounty …; the sign of delta tells award
-- from reversal, `reason` says why (mark, unmark, accept, unaccept, moved, answer_deleted).
ALTER TABLE reputation_ledger ADD COLUMN kind TEXT NOT NULL DEFAULT 'adjust';
ALTER TABLE reputation_ledger ADD COLUMN note TEXT NOT NULL DEFAULT '';

CREATE UNIQUE INDEX ledger_event_once
    ON reputation_ledger (community_id, source_event_id, member_id, reason)
    WHERE source_event_id IS NOT NULL;
-- Period leaderboards read (time, member, delta) from the index alone.
CREATE INDEX ledger_period ON reputation_ledger (community_id, created_at, member_id, delta);
-- Caps and collusion checks: what a giver gave a receiver, what a receiver got, by kind.
CREATE INDEX ledger_received ON reputation_ledger (community_id, member_id, kind, created_at);
CREATE INDEX ledger_given ON reputation_ledger (community_id, actor_id, member_id, created_at);
-- A member's rows by time, covering delta: week points, "earned before", without the table.
DROP INDEX ledger_member;
CREATE INDEX ledger_member ON reputation_ledger (community_id, member_id, created_at, delta);

-- Totals derived from the ledger by trigger, in the same transaction as each row.
CREATE TABLE reputation_totals (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    total        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, member_id)
);
CREATE INDEX reputation_totals_rank ON reputation_totals (community_id, total DESC, member_id);

CREATE TRIGGER reputation_ledger_total AFTER INSERT ON reputation_ledger
BEGIN
    INSERT INTO reputation_totals (community_id, member_id, total)
    VALUES (NEW.community_id, NEW.member_id, NEW.delta)
    ON CONFLICT (community_id, member_id) DO UPDATE SET total = total + NEW.delta;
END;

-- Current helpful marks (a row per giver and answer while the mark stands) with the points
-- the mark gave its receiver, so removing it takes back exactly that.
CREATE TABLE helpful_marks (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    answer_id    INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    giver_id     INTEGER NOT NULL REFERENCES members(id),
    receiver_id  INTEGER REFERENCES members(id),
    points       INTEGER NOT NULL,
    refusal      TEXT,
    marked_at    TEXT NOT NULL,
    UNIQUE (answer_id, giver_id)
);
-- Who stands behind a member's points (distinct givers), read on every award and /rep.
CREATE INDEX helpful_marks_receiver ON helpful_marks (community_id, receiver_id, giver_id, points);
CREATE INDEX answers_author ON answers (author_id);

-- The accepted answer of a question (one at most) and the points that accept gave.
CREATE TABLE accepted_answers (
    question_id   INTEGER PRIMARY KEY REFERENCES questions(id) ON DELETE CASCADE,
    community_id  INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    answer_id     INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
    accepter_id   INTEGER REFERENCES members(id),
    author_points INTEGER NOT NULL,
    asker_points  INTEGER NOT NULL,
    accepted_at   TEXT NOT NULL
);
CREATE INDEX accepted_answers_answer ON accepted_answers (answer_id);

-- The rank each member was last given (announced once per crossing).
CREATE TABLE member_ranks (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    rank         TEXT NOT NULL,
    since        TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id)
);

CREATE TABLE leaderboard_optouts (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    since        TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id)
);

-- One scheduled post per community and period: a run after downtime posts once.
CREATE TABLE leaderboard_posts (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    period_end   TEXT NOT NULL,
    posted_at    TEXT NOT NULL,
    message_id   TEXT,
    PRIMARY KEY (community_id, period_end)
);

-- Helped members invited once to help someone else.
CREATE TABLE onboarding_invites (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    question_id  INTEGER REFERENCES questions(id) ON DELETE SET NULL,
    invited_at   TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id)
);
