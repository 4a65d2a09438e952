-- PostgreSQL twin of migrations/0020_shared_answers.sql
-- An answer can be a knowledge-base article a member shared with /kb post: the bot posts it
-- in the thread on their behalf, and it counts as their answer. shared_article is the
-- article's slug (NULL: a reply they wrote themselves); a helpful mark or an accept on it
-- earns the sharer the community's points_shared instead of the usual points.
ALTER TABLE answers ADD COLUMN shared_article TEXT;
