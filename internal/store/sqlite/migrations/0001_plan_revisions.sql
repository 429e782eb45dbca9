-- Plan revisions: a bundle's files, stored byte for byte, never changed.
CREATE TABLE plan_revisions (
    plan_id     TEXT    NOT NULL,
    number      INTEGER NOT NULL CHECK (number > 0),
    bundle_hash TEXT    NOT NULL,
    title       TEXT    NOT NULL,
    loaded_at   TEXT    NOT NULL,
    PRIMARY KEY (plan_id, number)
);

CREATE TABLE plan_files (
    plan_id TEXT    NOT NULL,
    number  INTEGER NOT NULL,
    path    TEXT    NOT NULL,
    content BLOB    NOT NULL,
    PRIMARY KEY (plan_id, number, path),
    FOREIGN KEY (plan_id, number) REFERENCES plan_revisions (plan_id, number)
);

-- The zone layer of each revision. Geometry is WKB in EPSG:4490; the
-- R*Tree holds each zone's bounding box for candidate queries.
CREATE TABLE zones (
    id           INTEGER PRIMARY KEY,
    plan_id      TEXT    NOT NULL,
    number       INTEGER NOT NULL,
    code         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    level        TEXT    NOT NULL,
    illustrative INTEGER NOT NULL,
    properties   TEXT    NOT NULL,
    geom         BLOB,
    UNIQUE (plan_id, number, code),
    FOREIGN KEY (plan_id, number) REFERENCES plan_revisions (plan_id, number)
);

CREATE VIRTUAL TABLE zones_rtree USING rtree (id, min_lon, max_lon, min_lat, max_lat);

-- Revisions are never overwritten.
CREATE TRIGGER plan_revisions_immutable BEFORE UPDATE ON plan_revisions
BEGIN SELECT RAISE(ABORT, 'plan revisions are immutable'); END;
CREATE TRIGGER plan_revisions_undeletable BEFORE DELETE ON plan_revisions
BEGIN SELECT RAISE(ABORT, 'plan revisions are immutable'); END;
CREATE TRIGGER plan_files_immutable BEFORE UPDATE ON plan_files
BEGIN SELECT RAISE(ABORT, 'plan revisions are immutable'); END;
CREATE TRIGGER plan_files_undeletable BEFORE DELETE ON plan_files
BEGIN SELECT RAISE(ABORT, 'plan revisions are immutable'); END;
CREATE TRIGGER zones_immutable BEFORE UPDATE ON zones
BEGIN SELECT RAISE(ABORT, 'plan revisions are immutable'); END;
