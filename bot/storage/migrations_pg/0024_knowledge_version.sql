-- PostgreSQL twin of migrations/0024_knowledge_version.sql
-- Several processes on one database (issue 19): each serves the knowledge base from its own
-- index in memory. A reload or an approved draft in one process bumps this version; the
-- others see it change (they poll it every few seconds) and reload too.
CREATE TABLE knowledge_version (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    version     BIGINT NOT NULL,
    changed_at  TEXT NOT NULL,
    changed_by  TEXT NOT NULL
);
INSERT INTO knowledge_version (id, version, changed_at, changed_by)
VALUES (1, 0, '1970-01-01T00:00:00+00:00', 'migration');
