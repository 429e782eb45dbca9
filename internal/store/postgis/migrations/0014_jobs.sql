-- Background jobs (store.JobStore): a layer import queued from the web is
-- a row here with its whole input (the uploaded file in upload, emptied
-- when the job ends), so a restart loses nothing. A worker claims a job
-- under a lease (lease_until); a job running with an ended lease is
-- claimed again (FOR UPDATE SKIP LOCKED, so two workers never take the
-- same job). Jobs are working state, like sessions: backups leave them out.
CREATE TABLE jobs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text NOT NULL,
    state        text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    params       text NOT NULL,
    upload       bytea NOT NULL,
    upload_size  bigint NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL CHECK (max_attempts > 0),
    stage        text NOT NULL DEFAULT '',
    done         bigint NOT NULL DEFAULT 0,
    total        bigint NOT NULL DEFAULT 0,
    error        text NOT NULL DEFAULT '',
    result       text NOT NULL DEFAULT '',
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    lease_until  timestamptz NOT NULL DEFAULT 'epoch',
    worker       text NOT NULL DEFAULT ''
);
CREATE INDEX jobs_by_state ON jobs (state, id);
CREATE INDEX jobs_by_kind ON jobs (kind, id);
