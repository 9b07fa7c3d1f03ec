-- 010: meetings in groups, the briefs posted before them, pins, and who confirmed reading.
-- Times are Unix seconds (UTC); the bot shows them in BOT_TIMEZONE.
CREATE TABLE meeting_chats (
    chat_id        INTEGER PRIMARY KEY,
    first_minutes  INTEGER NOT NULL DEFAULT 1440,  -- the first brief this long before the meeting (0: none)
    second_minutes INTEGER NOT NULL DEFAULT 30,    -- the second brief (0: none)
    readers        INTEGER NOT NULL DEFAULT 1,     -- 1: a "Đã đọc" button under each brief
    pin_refused    INTEGER NOT NULL DEFAULT 0,     -- 1: the group was told once that the bot cannot pin
    updated_at     INTEGER NOT NULL
);

CREATE TABLE meetings (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id    INTEGER NOT NULL,
    starts_at  INTEGER NOT NULL,
    topic      TEXT NOT NULL,                      -- the field or topic as the administrator typed it
    brief      TEXT,                               -- a brief id of briefings.yaml; NULL: a topic found by search
    lang       TEXT,                               -- language the briefs are posted in
    created_by INTEGER,
    created_at INTEGER NOT NULL,
    status     TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'done', 'cancelled')),
    reason     TEXT,                               -- why it was cancelled (by an administrator, 403 ...)
    pinned_id  INTEGER                             -- the brief pinned for it, unpinned after the meeting
);
CREATE INDEX meetings_chat ON meetings(chat_id, status, starts_at);

-- One row per thing to do at a moment: the first and second brief, and the unpin after the meeting.
CREATE TABLE meeting_posts (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('first', 'second', 'unpin')),
    due_at     INTEGER NOT NULL,
    status     TEXT NOT NULL DEFAULT 'due'
               CHECK (status IN ('due', 'sending', 'sent', 'skipped', 'failed')),
    message_id INTEGER,
    done_at    INTEGER,
    note       TEXT,
    PRIMARY KEY (meeting_id, kind)
);
CREATE INDEX meeting_posts_due ON meeting_posts(status, due_at);

CREATE TABLE meeting_readers (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    read_at    INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
