-- Agent sessions: one schema for SQLite and PostgreSQL, so only portable SQL here (TEXT, BIGINT,
-- INTEGER, partial indexes, ON DELETE CASCADE). Times are epoch seconds.

CREATE TABLE sessions (
  id         TEXT   NOT NULL PRIMARY KEY,
  agent_id   TEXT   NOT NULL,
  user_id    TEXT,
  name       TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Listings are newest first, filtered by agent, user, both or neither.
CREATE INDEX sessions_updated ON sessions (updated_at, id);
CREATE INDEX sessions_agent_updated ON sessions (agent_id, updated_at, id);
CREATE INDEX sessions_user_updated ON sessions (user_id, updated_at, id);

CREATE TABLE runs (
  id                     TEXT    NOT NULL PRIMARY KEY,
  session_id             TEXT    NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  -- The run's place in its session (1, 2, ...): created_at has only seconds, so it cannot order
  -- runs started within one second. Assigned on insert as the session's highest + 1.
  seq                    BIGINT  NOT NULL,
  agent_id               TEXT    NOT NULL,
  user_id                TEXT,
  input                  TEXT    NOT NULL,
  content                TEXT    NOT NULL,
  status                 TEXT    NOT NULL
    CHECK (status IN ('running', 'completed', 'error', 'cancelled')),
  model                  TEXT,
  input_tokens           INTEGER NOT NULL,
  output_tokens          INTEGER NOT NULL,
  time_to_first_token_ms BIGINT,
  duration_ms            BIGINT  NOT NULL,
  error                  TEXT,
  created_at             BIGINT  NOT NULL
);

-- A session's runs in order; also serves history (last completed runs) and the next seq.
CREATE INDEX runs_session_seq ON runs (session_id, seq);

-- At most one running run per session, enforced by the database itself so that two concurrent
-- starts cannot both succeed. JdbcSessionStore turns its violation into SessionBusyException.
CREATE UNIQUE INDEX runs_one_running ON runs (session_id) WHERE status = 'running';

CREATE TABLE messages (
  run_id          TEXT    NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq             INTEGER NOT NULL,
  role            TEXT    NOT NULL,
  content         TEXT,
  tool_calls_json TEXT,
  tool_call_id    TEXT,
  created_at      BIGINT  NOT NULL,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE tool_calls (
  run_id         TEXT   NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  -- Order of recording within the run (the caller's ids need not be unique or ordered).
  seq            BIGINT NOT NULL,
  id             TEXT   NOT NULL,
  tool_name      TEXT   NOT NULL,
  arguments_json TEXT,
  result         TEXT,
  error          TEXT,
  duration_ms    BIGINT NOT NULL,
  created_at     BIGINT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
