-- 003: a row the bot commits at each start (proves a write goes through: lock, full disk, read-only),
-- and an index for the digest ledger's uncertain rows ('sending' left by a crash), shown to admins.
CREATE TABLE bot_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE INDEX digest_ledger_sending ON digest_ledger(chat_id, local_date) WHERE status = 'sending';
