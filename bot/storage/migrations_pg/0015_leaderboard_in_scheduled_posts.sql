-- PostgreSQL twin of migrations/0015_leaderboard_in_scheduled_posts.sql
-- The leaderboard's record of its scheduled posts joins the other once-per-period work.
INSERT INTO scheduled_posts (community_id, kind, period_end, posted_at, message_id)
SELECT community_id, 'leaderboard', period_end, posted_at, message_id FROM leaderboard_posts;
DROP TABLE leaderboard_posts;
