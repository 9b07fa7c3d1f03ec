-- 036: the day's common digest posted to BOT_DIGEST_CHANNEL, one row per channel and local date: claimed
-- ('sending') before the request, so a restart never posts the same day twice (as digest_ledger does).
CREATE TABLE channel_posts (
    channel     TEXT NOT NULL,                  -- @name or -100… id, as configured
    local_date  TEXT NOT NULL,                  -- YYYY-MM-DD in BOT_TIMEZONE
    status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    issue_no    INTEGER NOT NULL,
    message_id  INTEGER,
    error       TEXT,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    PRIMARY KEY (channel, local_date)
);
