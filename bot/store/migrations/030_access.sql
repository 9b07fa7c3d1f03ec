-- 030: invite codes (only their SHA-256 is kept), the ids admitted through them, lookup statistics.
-- Times are Unix seconds (UTC).
CREATE TABLE invites (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,  -- the short, non-secret label: #3
    code_hash   TEXT NOT NULL UNIQUE,               -- SHA-256 (hex) of the code; the code itself is never stored
    max_uses    INTEGER NOT NULL,
    uses        INTEGER NOT NULL DEFAULT 0,
    expires_at  INTEGER NOT NULL,
    created_by  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);

-- Users and groups admitted at run time (BOT_ALLOWLIST and BOT_ADMINS stay in the environment).
-- /remove sets removed_at (the row stays, for the record); a new invite clears it.
CREATE TABLE admissions (
    chat_id     INTEGER PRIMARY KEY,                -- a user id, or a group id (negative)
    invite_id   INTEGER REFERENCES invites(id),     -- NULL: a group an administrator added the bot to
    admitted_by INTEGER,                            -- the administrator, for a group; NULL for an invite
    admitted_at INTEGER NOT NULL,
    removed_at  INTEGER,
    removed_by  INTEGER
);

-- What people look up, counted by normalised text, with no user id; bounded (see bot/access/lookups.py).
CREATE TABLE lookup_stats (
    query      TEXT PRIMARY KEY,
    found      INTEGER NOT NULL DEFAULT 0,          -- times it was answered
    missed     INTEGER NOT NULL DEFAULT 0,          -- times the report had nothing on it
    last_at    INTEGER NOT NULL
);
CREATE INDEX lookup_stats_last ON lookup_stats(last_at);
