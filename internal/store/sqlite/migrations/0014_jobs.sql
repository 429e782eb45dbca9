-- Background jobs (store.JobStore): a layer import queued from the web is
-- a row here with its whole input (the uploaded file in upload, emptied
-- when the job ends), so a restart loses nothing. A worker claims a job
-- under a lease (lease_until, microseconds since 1970, so it compares as a
-- number); a job running with an ended lease is claimed again. Jobs are
-- working state, like sessions: backups leave them out.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    params       TEXT NOT NULL,
    upload       BLOB NOT NULL,
    upload_size  INTEGER NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL CHECK (max_attempts > 0),
    stage        TEXT NOT NULL DEFAULT '',
    done         INTEGER NOT NULL DEFAULT 0,
    total        INTEGER NOT NULL DEFAULT 0,
    error        TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    lease_until  INTEGER NOT NULL DEFAULT 0,
    worker       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_kind ON jobs (kind, id);
