-- entraide: whole-file
-- PostgreSQL twin of migrations/0017_helping_and_promotions.sql
-- Leaderboards rank the points earned by helping: helpful marks, accepted answers and
-- bounties earned (with their reversals). The asker's bonus for accepting, admins'
-- adjustments and a sponsor's escrow and refund count in a member's total, not here.
-- The predicate below is bot/storage/helping.py's HELPING, word for word (as in the SQLite
-- migration; 0019 extends it).

-- All-time helping points, kept by trigger in the same transaction as each ledger row.
CREATE TABLE helping_totals (
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id    BIGINT NOT NULL REFERENCES members(id),
    total        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, member_id)
);
CREATE INDEX helping_totals_rank ON helping_totals (community_id, total DESC, member_id);

-- Which rows count is the trigger's WHEN (as on SQLite); the function only adds.
CREATE FUNCTION reputation_ledger_helping_fn() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    INSERT INTO helping_totals (community_id, member_id, total)
    VALUES (NEW.community_id, NEW.member_id, NEW.delta)
    ON CONFLICT (community_id, member_id)
    DO UPDATE SET total = helping_totals.total + NEW.delta;
    RETURN NULL;
END;
$$;

CREATE TRIGGER reputation_ledger_helping AFTER INSERT ON reputation_ledger
FOR EACH ROW
WHEN (NEW.kind IN ('helpful', 'accepted') OR (NEW.kind = 'bounty' AND NEW.reason NOT IN ('escrow', 'refund')))
EXECUTE FUNCTION reputation_ledger_helping_fn();

INSERT INTO helping_totals (community_id, member_id, total)
SELECT community_id, member_id, SUM(delta) FROM reputation_ledger
WHERE (kind IN ('helpful', 'accepted') OR (kind = 'bounty' AND reason NOT IN ('escrow', 'refund')))
GROUP BY community_id, member_id;

-- Period boards read (time, member, delta) of helping rows from this index alone; kind and
-- reason ride along as on SQLite.
CREATE INDEX ledger_helping
    ON reputation_ledger (community_id, created_at, member_id, delta, kind, reason)
WHERE (kind IN ('helpful', 'accepted') OR (kind = 'bounty' AND reason NOT IN ('escrow', 'refund')));

-- ledger_period (0004) served the period boards, which now read ledger_helping.
DROP INDEX ledger_period;

-- A promotion is announced once per member and rank, ever: the row is written in the
-- transaction that stores the new rank, and only the transaction that inserted it announces.
CREATE TABLE rank_announcements (
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id    BIGINT NOT NULL REFERENCES members(id),
    rank         TEXT NOT NULL,
    announced_at TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id, rank)
);
-- Ranks held today were announced when they were reached (the lowest one never is).
INSERT INTO rank_announcements (community_id, member_id, rank, announced_at)
SELECT community_id, member_id, rank, since FROM member_ranks;
