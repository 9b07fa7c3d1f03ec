-- 020: quizzes. A series is a row the bot re-reads on start, so one survives a restart and finishes.
-- Times are Unix seconds (UTC).
CREATE TABLE quiz_series (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id      INTEGER NOT NULL,
    chat_type    TEXT NOT NULL,                 -- private | group | supergroup
    started_by   INTEGER NOT NULL,              -- user id
    lang         TEXT NOT NULL,                 -- language the questions are asked in
    seed         INTEGER NOT NULL,              -- questions, options and order follow from it
    topic        TEXT,                          -- quiz topic id; NULL: all topics
    questions    TEXT NOT NULL,                 -- comma-separated question ids, in the order asked
    total        INTEGER NOT NULL,
    sent         INTEGER NOT NULL DEFAULT 0,    -- questions sent so far
    pause        INTEGER NOT NULL,              -- seconds between questions in a group
    next_at      INTEGER NOT NULL,              -- when the next step is due (next question, scoreboard)
    status       TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'finished', 'stopped', 'abandoned')),
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER
);
-- One running series per chat: the second /quiz in a group fails on this index, atomically.
CREATE UNIQUE INDEX quiz_series_running ON quiz_series(chat_id) WHERE status = 'running';
CREATE INDEX quiz_series_due ON quiz_series(next_at) WHERE status = 'running';

-- Every poll the bot sent, with what it asked: answers are scored against the stored option even if
-- the content pack changed in between, and a review shows the question as it was asked.
CREATE TABLE quiz_polls (
    poll_id      TEXT PRIMARY KEY,
    series_id    INTEGER NOT NULL REFERENCES quiz_series(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,              -- 0-based index in the series
    question_id  TEXT NOT NULL,
    question     TEXT NOT NULL,
    options      TEXT NOT NULL,                 -- JSON list of the options as shown
    correct      INTEGER NOT NULL,
    message_id   INTEGER,
    sent_at      INTEGER NOT NULL,
    UNIQUE (series_id, position)
);

-- One answer per user and question (quiz polls cannot be re-voted); names as Telegram gave them.
CREATE TABLE quiz_answers (
    series_id    INTEGER NOT NULL REFERENCES quiz_series(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    user_name    TEXT NOT NULL,
    option       INTEGER NOT NULL,
    correct      INTEGER NOT NULL,              -- 1 when option was the right one
    answered_at  INTEGER NOT NULL,
    PRIMARY KEY (series_id, position, user_id)
);
CREATE INDEX quiz_answers_time ON quiz_answers(answered_at);

-- Per-group settings: who may start a series.
CREATE TABLE quiz_settings (
    chat_id      INTEGER PRIMARY KEY,
    starters     TEXT NOT NULL DEFAULT 'all' CHECK (starters IN ('all', 'admins')),
    updated_by   INTEGER,
    updated_at   INTEGER NOT NULL
);
