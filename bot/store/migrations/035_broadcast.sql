-- 035: announcements to every active subscriber (/broadcast), exactly once per chat through restarts.
-- A broadcast is a 'draft' until an administrator confirms it (one UPDATE ... WHERE status = 'draft'
-- wins, so a second press does nothing), 'sending' while it goes out (resumed at start), then 'done'.
CREATE TABLE broadcasts (
    id               INTEGER PRIMARY KEY,
    admin_id         INTEGER NOT NULL,
    admin_chat       INTEGER NOT NULL,
    html             TEXT NOT NULL,                -- the message exactly as sent (escaped, with its header)
    status           TEXT NOT NULL CHECK (status IN ('draft', 'sending', 'done', 'cancelled')),
    paid             INTEGER NOT NULL DEFAULT 0,   -- 1: allow_paid_broadcast (BOT_PAID_BROADCAST)
    lang             TEXT,                         -- the administrator's language, for the progress message
    progress_message INTEGER,                      -- the preview message, edited into the progress
    recipients       INTEGER NOT NULL DEFAULT 0,   -- counted when confirmed
    created_at       INTEGER NOT NULL,
    confirmed_at     INTEGER,
    finished_at      INTEGER
);
CREATE INDEX broadcasts_status ON broadcasts(status);

-- One row per chat and broadcast, claimed ('sending') just before the request: a crash leaves at most
-- the requests in flight uncertain, and no chat is ever sent the same broadcast twice.
CREATE TABLE broadcast_ledger (
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts(id),
    chat_id      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'blocked', 'skipped')),
    error        TEXT,
    message_id   INTEGER,
    started_at   INTEGER NOT NULL,
    finished_at  INTEGER,
    PRIMARY KEY (broadcast_id, chat_id)
);
