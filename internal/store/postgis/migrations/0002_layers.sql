-- Imported layers of the "one map".
CREATE TABLE layers (
    name        text             PRIMARY KEY,
    title       text             NOT NULL,
    source      text             NOT NULL,
    features    integer          NOT NULL,
    min_lon     double precision NOT NULL,
    min_lat     double precision NOT NULL,
    max_lon     double precision NOT NULL,
    max_lat     double precision NOT NULL,
    imported_at timestamptz      NOT NULL
);

CREATE TABLE layer_features (
    layer      text   NOT NULL REFERENCES layers (name),
    id         bigint NOT NULL,
    properties text   NOT NULL,
    geom       geometry(Polygon, 4490) NOT NULL,
    PRIMARY KEY (layer, id)
);
CREATE INDEX layer_features_geom_gist ON layer_features USING gist (geom);
