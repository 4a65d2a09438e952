-- Knowledge base: cached article embeddings, suggestions shown, feedback, knowledge gaps.

-- One row per article content and model: a restart re-embeds only what changed.
CREATE TABLE article_vectors (
    content_hash TEXT NOT NULL,
    model        TEXT NOT NULL,
    dim          INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    vectors      BLOB NOT NULL,           -- float32, count × dim, row-major
    created_at   TEXT NOT NULL,
    PRIMARY KEY (content_hash, model)
);

ALTER TABLE questions ADD COLUMN kb_outcome TEXT
    CHECK (kb_outcome IN ('silent', 'suggested', 'rejected', 'solved'));

CREATE TABLE kb_suggestions (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    question_id  INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    message_id   TEXT,
    articles     TEXT NOT NULL,           -- JSON list of "lang/slug" in the order shown
    created_at   TEXT NOT NULL,
    UNIQUE (question_id)
);

CREATE TABLE kb_feedback (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    question_id  INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    article      TEXT NOT NULL,           -- "lang/slug"
    member_id    INTEGER REFERENCES members(id),
    verdict      INTEGER NOT NULL CHECK (verdict IN (-1, 1)),
    query_text   TEXT NOT NULL,
    query_vector BLOB,                    -- float32 unit vector of the question, if embedded
    created_at   TEXT NOT NULL,
    UNIQUE (question_id, article, member_id)
);
CREATE INDEX kb_feedback_community ON kb_feedback (community_id, article);

CREATE TABLE kb_gaps (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    question_id  INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    UNIQUE (question_id)
);
