-- Nudges: members' preferences, declared expertise, and every nudge sent with its answer.
CREATE TABLE member_prefs (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    nudges       TEXT NOT NULL DEFAULT 'on' CHECK (nudges IN ('on', 'off', 'dm')),
    quiet_from   INTEGER,            -- minutes after local midnight; quiet hours may wrap
    quiet_to     INTEGER,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id)
);

CREATE TABLE expertise_topics (
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    topic        TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id, topic)
);

CREATE TABLE nudges (
    id           INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    question_id  INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL REFERENCES members(id),
    via          TEXT NOT NULL CHECK (via IN ('dm', 'thread')),
    sent_at      TEXT NOT NULL,
    response     TEXT CHECK (response IN ('taken', 'declined')),
    responded_at TEXT,
    UNIQUE (question_id, member_id)
);
CREATE INDEX nudges_member_day ON nudges (community_id, member_id, sent_at);
