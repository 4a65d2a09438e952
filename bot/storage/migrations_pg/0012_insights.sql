-- PostgreSQL twin of migrations/0012_insights.sql
-- Community health figures (bot/insights) read one period at a time: each list below is
-- walked by (community, time), so a month costs a month's rows, not the whole history.
CREATE INDEX questions_created ON questions (community_id, created_at);
CREATE INDEX accepted_answers_at ON accepted_answers (community_id, accepted_at);
-- Covering: who answered or marked in the period, and whether the mark counts, without
-- reading the rows (halved /insights month at a million ledger rows, bench/README.md).
CREATE INDEX answers_created ON answers (community_id, created_at, author_id, deleted_at);
CREATE INDEX helpful_marks_marked
    ON helpful_marks (community_id, marked_at, receiver_id, refusal, giver_id);
-- "Was anything of theirs marked helpful before?" stops at the receiver's earliest mark.
CREATE INDEX helpful_marks_received_at
    ON helpful_marks (community_id, receiver_id, marked_at, refusal);
