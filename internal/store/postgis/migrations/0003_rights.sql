-- The register of rights: an append-only event log, and each right's
-- current state derived from it (state is the JSON text of rights.Right).
CREATE TABLE rights (
    id             text    PRIMARY KEY,
    licence_number text    NOT NULL,
    kind           text    NOT NULL,
    status         text    NOT NULL,
    holder_name    text    NOT NULL,
    holder_code    text    NOT NULL,
    main_mineral   text    NOT NULL,
    county         text    NOT NULL,
    seq            integer NOT NULL,
    state          text    NOT NULL,
    geom           geometry(MultiPolygon, 4490) NOT NULL
);
CREATE UNIQUE INDEX rights_licence_number ON rights (licence_number) WHERE licence_number <> '';
CREATE INDEX rights_kind_status ON rights (kind, status);
CREATE INDEX rights_geom_gist ON rights USING gist (geom);

CREATE TABLE right_events (
    right_id    text        NOT NULL REFERENCES rights (id),
    seq         integer     NOT NULL CHECK (seq > 0),
    type        text        NOT NULL,
    date        text        NOT NULL,
    actor       text        NOT NULL,
    reason      text        NOT NULL,
    doc_ref     text        NOT NULL,
    recorded_at timestamptz NOT NULL,
    change      text        NOT NULL,
    PRIMARY KEY (right_id, seq)
);

-- Events are never changed or removed.
CREATE TRIGGER right_events_immutable BEFORE UPDATE OR DELETE ON right_events
    FOR EACH ROW EXECUTE FUNCTION mineplan_refuse_change();
