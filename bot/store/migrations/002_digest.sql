-- 002: daily digest subscriptions and the delivery ledger (one row per chat and local date).
CREATE TABLE subscriptions (
    chat_id          INTEGER PRIMARY KEY,
    chat_type        TEXT NOT NULL,                -- private | group | supergroup
    minute_of_day    INTEGER NOT NULL,             -- local time in BOT_TIMEZONE, 0..1439
    weekdays_only    INTEGER NOT NULL DEFAULT 0,   -- 1: Monday to Friday
    fields           TEXT NOT NULL DEFAULT '',     -- comma-separated field ids; '' means all fields
    paused           INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL DEFAULT 1,   -- 0: unsubscribed, or Telegram said 403 / chat not found
    inactive_reason  TEXT,
    lang             TEXT,                         -- language the digest is written in
    position         INTEGER NOT NULL DEFAULT 0,   -- digests delivered so far: the rotation position
    last_fingerprint TEXT,                         -- content pack fingerprint of the last digest
    subscribed_by    INTEGER,                      -- user id who subscribed (group admins)
    eligible_from    INTEGER NOT NULL DEFAULT 0,   -- Unix time: a due time before this is not owed
                                                   -- (subscribing at 08:00 for 07:00 starts tomorrow)
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
-- The fan-out streams due subscribers in time order with keyset pagination on this index.
CREATE INDEX subscriptions_due ON subscriptions(minute_of_day, chat_id) WHERE active = 1 AND paused = 0;

CREATE TABLE digest_ledger (
    chat_id     INTEGER NOT NULL,
    local_date  TEXT NOT NULL,                     -- YYYY-MM-DD in BOT_TIMEZONE
    status      TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
    issue_no    INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    message_id  INTEGER,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    PRIMARY KEY (chat_id, local_date)
);
CREATE INDEX digest_ledger_status ON digest_ledger(local_date, status);

-- Figure values per content pack fingerprint, so a digest can say what changed since the last one.
CREATE TABLE figure_snapshots (
    fingerprint TEXT NOT NULL,
    figure_id   TEXT NOT NULL,
    value       TEXT,
    status      TEXT,
    PRIMARY KEY (fingerprint, figure_id)
);
