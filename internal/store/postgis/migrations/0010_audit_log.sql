-- The tamper-evident audit log (issue 11): one row per entry, chained by
-- hash (internal/audit). Rows are never updated; they may be deleted only
-- once older than the retention period, and only from the start of the log
-- (the store moves audit_head's start when it does).
CREATE TABLE audit_log (
    seq        bigint      PRIMARY KEY,
    at         timestamptz NOT NULL,
    actor      text        NOT NULL,
    role       text        NOT NULL,
    action     text        NOT NULL,
    object     text        NOT NULL,
    before_digest text     NOT NULL,
    after_digest  text     NOT NULL,
    address    text        NOT NULL,
    request_id text        NOT NULL,
    detail     text        NOT NULL,
    alg        text        NOT NULL,
    prev       text        NOT NULL,
    hash       text        NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE INDEX audit_log_object ON audit_log (object, seq);
CREATE INDEX audit_log_action ON audit_log (action, seq);
CREATE INDEX audit_log_at ON audit_log (at);

-- Settings the system administrator changes (audited): the audit hash and
-- the retention period, among others.
CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL,
    CHECK (key <> 'audit.retention_days' OR value::integer >= 180)
);

CREATE FUNCTION mineplan_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'TRUNCATE') THEN
        RAISE EXCEPTION 'audit entries are never updated or truncated';
    END IF;
    IF OLD.at > now() - make_interval(days => COALESCE(
        (SELECT value::integer FROM settings WHERE key = 'audit.retention_days'), 180)) THEN
        RAISE EXCEPTION 'audit entries are kept for the retention period';
    END IF;
    RETURN OLD;
END $$;
CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION mineplan_audit_guard();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION mineplan_audit_guard();

-- The log's head (its last entry) and start (the last entry a retention
-- cut removed), written with every append: a truncated tail shows as a
-- head beyond the last entry. The head only moves forward.
CREATE TABLE audit_head (
    id         integer PRIMARY KEY CHECK (id = 1),
    seq        bigint  NOT NULL,
    hash       text    NOT NULL,
    start_seq  bigint  NOT NULL,
    start_hash text    NOT NULL
);
INSERT INTO audit_head (id, seq, hash, start_seq, start_hash) VALUES (1, 0, '', 0, '');
CREATE FUNCTION mineplan_audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq OR NEW.start_seq < OLD.start_seq THEN
        RAISE EXCEPTION 'the audit head only moves forward';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION mineplan_audit_head_forward();
