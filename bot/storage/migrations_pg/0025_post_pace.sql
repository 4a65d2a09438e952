-- PostgreSQL twin of migrations/0025_post_pace.sql
-- Several processes posting in one Slack workspace (issue 19): Slack takes about one message
-- a second per channel. Each process kept its own pace, so N workers posted up to N a second
-- in a busy channel; the pace now lives here, one row a channel, shared (bot.adapters.slack
-- .throttle): next_at is the channel's next free slot, in seconds since the epoch.
CREATE TABLE post_pace (
    channel  TEXT PRIMARY KEY,
    next_at  DOUBLE PRECISION NOT NULL
);
