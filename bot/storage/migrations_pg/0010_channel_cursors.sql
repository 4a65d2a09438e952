-- PostgreSQL twin of migrations/0010_channel_cursors.sql
-- The newest platform message handled in each watched channel or thread, so a reconnect
-- (Discord READY) catches up on what was posted while the bot was away, and only that.
CREATE TABLE channel_cursors (
    community_id    BIGINT NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    channel_id      TEXT NOT NULL,               -- a channel or a thread
    last_message_id BIGINT NOT NULL,             -- a snowflake: newer messages have larger ids
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (community_id, channel_id)
);
