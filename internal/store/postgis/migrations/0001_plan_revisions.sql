-- Plan revisions: a bundle's files, stored byte for byte, never changed.
CREATE TABLE plan_revisions (
    plan_id     text        NOT NULL,
    number      integer     NOT NULL CHECK (number > 0),
    bundle_hash text        NOT NULL,
    title       text        NOT NULL,
    loaded_at   timestamptz NOT NULL,
    PRIMARY KEY (plan_id, number)
);

CREATE TABLE plan_files (
    plan_id text    NOT NULL,
    number  integer NOT NULL,
    path    text    NOT NULL,
    content bytea   NOT NULL,
    PRIMARY KEY (plan_id, number, path),
    FOREIGN KEY (plan_id, number) REFERENCES plan_revisions (plan_id, number)
);

-- The zone layer of each revision. Properties are kept as the exact JSON
-- text (not jsonb) so both backends return the same bytes.
CREATE TABLE zones (
    id           bigserial PRIMARY KEY,
    plan_id      text      NOT NULL,
    number       integer   NOT NULL,
    code         text      NOT NULL,
    name         text      NOT NULL,
    type         text      NOT NULL,
    level        text      NOT NULL,
    illustrative boolean   NOT NULL,
    properties   text      NOT NULL,
    geom         geometry(Polygon, 4490),
    UNIQUE (plan_id, number, code),
    FOREIGN KEY (plan_id, number) REFERENCES plan_revisions (plan_id, number)
);
CREATE INDEX zones_geom_gist ON zones USING gist (geom);

-- Revisions are never overwritten.
CREATE FUNCTION mineplan_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'plan revisions are immutable' USING ERRCODE = 'P0001';
END
$$;
CREATE TRIGGER plan_revisions_immutable BEFORE UPDATE OR DELETE ON plan_revisions
    FOR EACH ROW EXECUTE FUNCTION mineplan_refuse_change();
CREATE TRIGGER plan_files_immutable BEFORE UPDATE OR DELETE ON plan_files
    FOR EACH ROW EXECUTE FUNCTION mineplan_refuse_change();
CREATE TRIGGER zones_immutable BEFORE UPDATE ON zones
    FOR EACH ROW EXECUTE FUNCTION mineplan_refuse_change();
