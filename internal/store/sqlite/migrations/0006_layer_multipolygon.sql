-- A layer feature may have several parts (an official layer's
-- MultiPolygon). Features are written as MultiPolygon WKB from this
-- version on; the reader accepts the Polygon WKB of earlier rows as one
-- part, so no row needs rewriting. The view lists the geometry type of
-- each feature for inspection with the sqlite3 shell.
CREATE VIEW layer_feature_types AS
SELECT layer, id, CASE
    WHEN length(geom) >= 5 AND substr(geom, 1, 1) = x'01' AND substr(geom, 2, 4) = x'03000000' THEN 'Polygon'
    WHEN length(geom) >= 5 AND substr(geom, 1, 1) = x'01' AND substr(geom, 2, 4) = x'06000000' THEN 'MultiPolygon'
    ELSE 'other' END AS geometry_type
FROM layer_features;
