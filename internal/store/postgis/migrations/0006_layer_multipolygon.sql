-- A layer feature may have several parts (an official layer's
-- MultiPolygon): store every feature as a MultiPolygon.
ALTER TABLE layer_features ALTER COLUMN geom TYPE geometry(MultiPolygon, 4490) USING ST_Multi(geom);
