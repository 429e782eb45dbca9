-- The register of rights: an append-only event log, and each right's
-- current state derived from it (state is the JSON of rights.Right).
CREATE TABLE rights (
    id             TEXT    PRIMARY KEY,
    licence_number TEXT    NOT NULL,
    kind           TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    holder_name    TEXT    NOT NULL,
    holder_code    TEXT    NOT NULL,
    main_mineral   TEXT    NOT NULL,
    county         TEXT    NOT NULL,
    seq            INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    geom           BLOB    NOT NULL
);
CREATE UNIQUE INDEX rights_licence_number ON rights (licence_number) WHERE licence_number <> '';
CREATE INDEX rights_kind_status ON rights (kind, status);
CREATE VIRTUAL TABLE rights_rtree USING rtree (rid, min_lon, max_lon, min_lat, max_lat);

CREATE TABLE right_events (
    right_id    TEXT    NOT NULL REFERENCES rights (id),
    seq         INTEGER NOT NULL CHECK (seq > 0),
    type        TEXT    NOT NULL,
    date        TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    doc_ref     TEXT    NOT NULL,
    recorded_at TEXT    NOT NULL,
    change      TEXT    NOT NULL,
    PRIMARY KEY (right_id, seq)
);

-- Events are never changed or removed.
CREATE TRIGGER right_events_immutable BEFORE UPDATE ON right_events
BEGIN SELECT RAISE(ABORT, 'right events are immutable'); END;
CREATE TRIGGER right_events_undeletable BEFORE DELETE ON right_events
BEGIN SELECT RAISE(ABORT, 'right events are immutable'); END;
