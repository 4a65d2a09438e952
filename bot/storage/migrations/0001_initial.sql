-- Communities (a Discord guild, a Slack workspace, the console sandbox).
CREATE TABLE communities (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    UNIQUE (platform, external_id)
);

CREATE TABLE members (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    external_id  TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    is_bot       INTEGER NOT NULL DEFAULT 0,
    first_seen   TEXT NOT NULL,
    joined_at    TEXT,
    UNIQUE (community_id, external_id)
);

-- Admin overrides over the file defaults, one JSON value per key.
CREATE TABLE community_settings (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    value_json   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   INTEGER REFERENCES members(id),
    PRIMARY KEY (community_id, key)
);

-- Per-channel overrides (e.g. a nudge delay for one help channel).
CREATE TABLE channel_settings (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    channel_id   TEXT NOT NULL,
    key          TEXT NOT NULL,
    value_json   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (community_id, channel_id, key)
);

CREATE TABLE questions (
    id               INTEGER PRIMARY KEY,
    community_id     INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    number           INTEGER NOT NULL,           -- shown as Q<number>, per community
    origin_id        TEXT NOT NULL,              -- message id, or the /ask event id
    channel_id       TEXT NOT NULL,
    root_message_id  TEXT,
    thread_id        TEXT,
    intro_message_id TEXT,
    asker_id         INTEGER REFERENCES members(id),
    text             TEXT NOT NULL,
    language         TEXT NOT NULL DEFAULT 'en',
    topic            TEXT,
    status           TEXT NOT NULL DEFAULT 'open'
                     CHECK (status IN ('open', 'answered', 'nudged', 'escalated', 'solved')),
    resolution       TEXT CHECK (resolution IN ('kb', 'community', 'staff', 'asker')),
    created_at       TEXT NOT NULL,
    first_answer_at  TEXT,
    solved_at        TEXT,
    solved_by        INTEGER REFERENCES members(id),
    deleted_at       TEXT,
    UNIQUE (community_id, number),
    UNIQUE (community_id, origin_id)
);
CREATE INDEX questions_thread ON questions (community_id, thread_id);

CREATE TABLE question_status_log (
    id          INTEGER PRIMARY KEY,
    question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    old_status  TEXT,
    new_status  TEXT NOT NULL,
    at          TEXT NOT NULL,
    actor_id    INTEGER REFERENCES members(id)
);

CREATE TABLE answers (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    question_id  INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    message_id   TEXT NOT NULL,
    author_id    INTEGER REFERENCES members(id),
    by_staff     INTEGER NOT NULL DEFAULT 0,
    text         TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    edited_at    TEXT,
    deleted_at   TEXT,
    UNIQUE (community_id, message_id)
);
CREATE INDEX answers_question ON answers (question_id);

-- Append-only: totals are derived from it. Used by the reputation feature.
CREATE TABLE reputation_ledger (
    id              INTEGER PRIMARY KEY,
    community_id    INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id       INTEGER NOT NULL REFERENCES members(id),
    delta           INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    source_event_id TEXT,
    question_id     INTEGER REFERENCES questions(id),
    answer_id       INTEGER REFERENCES answers(id),
    actor_id        INTEGER REFERENCES members(id),
    created_at      TEXT NOT NULL
);
CREATE INDEX ledger_member ON reputation_ledger (community_id, member_id, created_at);

CREATE TRIGGER reputation_ledger_no_update BEFORE UPDATE ON reputation_ledger
BEGIN
    SELECT RAISE(ABORT, 'reputation_ledger is append-only');
END;

CREATE TRIGGER reputation_ledger_no_delete BEFORE DELETE ON reputation_ledger
BEGIN
    SELECT RAISE(ABORT, 'reputation_ledger is append-only');
END;

-- Platform events fully handled once; a redelivery is skipped.
CREATE TABLE processed_events (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    event_id     TEXT NOT NULL,
    processed_at TEXT NOT NULL,
    PRIMARY KEY (community_id, event_id)
);
