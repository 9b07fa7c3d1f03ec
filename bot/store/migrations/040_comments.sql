-- 040: comments on the draft, section by section, for the drafting committee; the drafts being written;
-- the state of the comment conversation (PTB persistence without pickle). Times are Unix seconds (UTC).
CREATE TABLE comments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER NOT NULL,
    section_id  TEXT NOT NULL,              -- the section's id in the content pack it was written on
    anchor      TEXT NOT NULL,              -- how the report numbered it then ("I.1.1"), kept if a reload drops it
    reference   TEXT NOT NULL,              -- where it stood then ("Phần I, mục I.1.1")
    title       TEXT NOT NULL,              -- its short title then
    part_id     TEXT NOT NULL,              -- its top-level part then ("p1")
    part_label  TEXT NOT NULL,              -- how the report names that part ("Phần I")
    stance      TEXT NOT NULL CHECK (stance IN ('agree', 'disagree', 'partly')),
    body        TEXT NOT NULL DEFAULT '',   -- '' only with 'agree'
    audience    TEXT,                       -- đối tượng when sent: party_member | cadre | citizen; NULL: not said
    unit        TEXT,                       -- unit or place, as typed; NULL: not said
    fingerprint TEXT NOT NULL,              -- the content pack it was written on
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    UNIQUE (user_id, section_id)            -- one comment per user and section: a second one edits it
);
CREATE INDEX comments_section ON comments(section_id);
CREATE INDEX comments_created ON comments(created_at);

-- Every send, edit and withdrawal, kept when a comment is withdrawn: the per-day limit counts them.
CREATE TABLE comment_events (
    user_id    INTEGER NOT NULL,
    section_id TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('sent', 'edited', 'withdrawn')),
    at         INTEGER NOT NULL
);
CREATE INDEX comment_events_user ON comment_events(user_id, at);

-- Who comments as what: asked once (asked_at), remembered, changeable. `section_id` is the draft the
-- user is working on: the section a typed text belongs to.
CREATE TABLE commenters (
    user_id    INTEGER PRIMARY KEY,
    audience   TEXT,
    unit       TEXT,
    asked_at   INTEGER,
    section_id TEXT,
    updated_at INTEGER NOT NULL
);

-- A comment being written: kept through a restart, a crash and the conversation's timeout.
CREATE TABLE comment_drafts (
    user_id    INTEGER NOT NULL,
    section_id TEXT NOT NULL,
    stance     TEXT NOT NULL CHECK (stance IN ('agree', 'disagree', 'partly')),
    body       TEXT,                        -- NULL: not written yet
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, section_id)
);

-- ConversationHandler states by handler name and key (JSON [chat_id, user_id]); the state is JSON.
CREATE TABLE conversations (
    name       TEXT NOT NULL,
    key        TEXT NOT NULL,
    state      TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (name, key)
);
