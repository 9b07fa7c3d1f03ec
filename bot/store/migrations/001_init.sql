-- 001: who uses the bot and in which language. Times are Unix seconds (UTC).
CREATE TABLE users (
    user_id       INTEGER PRIMARY KEY,          -- Telegram user id
    lang          TEXT,                         -- the user's stored choice (/lang); NULL: follow Telegram
    language_code TEXT,                         -- the last language_code Telegram sent
    first_seen    INTEGER NOT NULL,
    last_seen     INTEGER NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1    -- 0 once Telegram answers 403 (blocked, deactivated)
);

CREATE TABLE chats (
    chat_id    INTEGER PRIMARY KEY,             -- Telegram chat id (private chats: same as the user id)
    type       TEXT NOT NULL,                   -- private | group | supergroup | channel
    title      TEXT,
    lang       TEXT,                            -- language for messages the bot sends unprompted
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1       -- 0 once the bot is blocked or removed
);
