-- Several processes on one database (issue 19): an event being handled is claimed, for a
-- while, by the process handling it, so a copy delivered to another process at the same time
-- (a platform's retry reaching another worker) is not handled twice. The claim goes when
-- the event is marked processed (or fails); one left by a process that died runs out.
CREATE TABLE event_claims (
    community_id  INTEGER NOT NULL REFERENCES communities(id) ON DELETE CASCADE,
    event_id      TEXT NOT NULL,
    owner         TEXT NOT NULL,
    claimed_until TEXT NOT NULL,
    PRIMARY KEY (community_id, event_id)
);
