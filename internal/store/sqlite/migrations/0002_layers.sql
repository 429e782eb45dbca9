-- Imported layers of the "one map". Geometry is WKB in EPSG:4490; the
-- R*Tree holds each feature's bounding box.
CREATE TABLE layers (
    name        TEXT    PRIMARY KEY,
    title       TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    features    INTEGER NOT NULL,
    min_lon     REAL    NOT NULL,
    min_lat     REAL    NOT NULL,
    max_lon     REAL    NOT NULL,
    max_lat     REAL    NOT NULL,
    imported_at TEXT    NOT NULL
);

CREATE TABLE layer_features (
    rid        INTEGER PRIMARY KEY,
    layer      TEXT    NOT NULL REFERENCES layers (name),
    id         INTEGER NOT NULL,
    properties TEXT    NOT NULL,
    geom       BLOB    NOT NULL,
    UNIQUE (layer, id)
);

CREATE VIRTUAL TABLE layer_features_rtree USING rtree (rid, min_lon, max_lon, min_lat, max_lat);
