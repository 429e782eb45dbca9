-- The tamper-evident audit log (issue 11): one row per entry, chained by
-- hash (internal/audit). Rows are never updated; they may be deleted only
-- once older than the retention period, and only from the start of the log
-- (the store moves audit_head's start when it does).
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         TEXT    NOT NULL,  -- 2006-01-02T15:04:05.000000Z
    actor      TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    object     TEXT    NOT NULL,
    before_digest TEXT NOT NULL,
    after_digest  TEXT NOT NULL,
    address    TEXT    NOT NULL,
    request_id TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    alg        TEXT    NOT NULL,
    prev       TEXT    NOT NULL,
    hash       TEXT    NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_object ON audit_log (object, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- Settings the system administrator changes (audited): the audit hash and
-- the retention period, among others.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TRIGGER settings_retention_floor BEFORE INSERT ON settings
WHEN new.key = 'audit.retention_days' AND CAST(new.value AS INTEGER) < 180
BEGIN SELECT RAISE(ABORT, 'audit retention is at least 180 days'); END;
CREATE TRIGGER settings_retention_floor_update BEFORE UPDATE ON settings
WHEN new.key = 'audit.retention_days' AND CAST(new.value AS INTEGER) < 180
BEGIN SELECT RAISE(ABORT, 'audit retention is at least 180 days'); END;

CREATE TRIGGER audit_log_immutable BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit entries are never updated'); END;
CREATE TRIGGER audit_log_retained BEFORE DELETE ON audit_log
WHEN old.at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now',
    '-' || COALESCE((SELECT value FROM settings WHERE key = 'audit.retention_days'), '180') || ' days')
BEGIN SELECT RAISE(ABORT, 'audit entries are kept for the retention period'); END;

-- The log's head (its last entry) and start (the last entry a retention
-- cut removed), written with every append: a truncated tail shows as a
-- head beyond the last entry. The head only moves forward.
CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seq        INTEGER NOT NULL,
    hash       TEXT    NOT NULL,
    start_seq  INTEGER NOT NULL,
    start_hash TEXT    NOT NULL
);
INSERT INTO audit_head (id, seq, hash, start_seq, start_hash) VALUES (1, 0, '', 0, '');
CREATE TRIGGER audit_head_forward BEFORE UPDATE ON audit_head
WHEN new.seq < old.seq OR new.start_seq < old.start_seq
BEGIN SELECT RAISE(ABORT, 'the audit head only moves forward'); END;
CREATE TRIGGER audit_head_undeletable BEFORE DELETE ON audit_head
BEGIN SELECT RAISE(ABORT, 'the audit head is never deleted'); END;
