-- PostgreSQL twin of migrations/0009_followup.sql
-- A question with answers and no activity for a while is closed as answered (not solved).
ALTER TABLE questions ADD COLUMN closed_at TEXT;
