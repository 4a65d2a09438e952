-- PostgreSQL twin of migrations/0003_article_tokens.sql
-- BM25 tokens of each article's text, so a restart doesn't re-tokenise an unchanged KB.
CREATE TABLE article_tokens (
    content_hash TEXT PRIMARY KEY,        -- of the text, its language and the tokenizer version
    tokens       TEXT NOT NULL,           -- space-separated (tokens never contain spaces)
    created_at   TEXT NOT NULL
);
