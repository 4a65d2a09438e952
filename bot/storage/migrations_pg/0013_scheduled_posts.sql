-- PostgreSQL twin of migrations/0013_scheduled_posts.sql
-- Scheduled work done once per period (the staff insights report, …): a row per community,
-- kind and period, written before the post so a crash or a restart never repeats it.
CREATE TABLE scheduled_posts (
    community_id BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    posted_at    TEXT NOT NULL,
    message_id   TEXT,
    PRIMARY KEY (community_id, kind, period_end)
);
