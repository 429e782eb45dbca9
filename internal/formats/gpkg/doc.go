// Package gpkg writes and reads OGC GeoPackage 1.3 files of polygon
// layers, in pure Go over modernc.org/sqlite (no CGO, no GDAL).
//
// [Write] creates a new file (it never overwrites one) with
// application_id "GPKG" and user_version 10300, the tables
// gpkg_spatial_ref_sys (the mandatory rows -1, 0 and 4326, plus one EPSG
// row per layer SRID, its definition from [geo.CRS.WKT]), gpkg_contents,
// gpkg_geometry_columns and gpkg_extensions, and for each
// [formats.Layer] one feature table:
//
//	"fid"  INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL
//	"geom" MULTIPOLYGON   -- GeoPackage binary: "GP", version 0,
//	                      -- little-endian, [minx,maxx,miny,maxy]
//	                      -- envelope, srs_id, WKB MultiPolygon
//	one column per field: TEXT, INTEGER, REAL or BOOLEAN (0/1)
//
// with an R-tree index rtree_<table>_geom (registered as the
// gpkg_rtree_index extension, scope write-only) and the six triggers of
// the GeoPackage R-tree extension that keep it up to date when other
// software (GDAL, QGIS) edits the file. Everything is written in one
// transaction; on error the partial file is removed.
//
// [Read] opens a file read-only (mode=ro; the file is never modified)
// and returns every table listed in gpkg_contents with data_type
// 'features', in the order they were registered. It accepts what GDAL
// and other writers produce: application_id GPKG, GP10 or GP11; a
// geometry header in either byte order with any envelope (types 0–4);
// WKB Polygon or MultiPolygon in either byte order, also with Z and/or M
// (ISO 1003/2003/3003, 1006/… or the 0x80000000/0x40000000 flags; the
// extra ordinates are dropped).
//
// Errors are in Chinese and English in one message. Errors about one
// feature are [*FeatureError] values naming the table and fid, e.g.
//
//	图层 zones 要素 3：几何数据被截断（第 45 字节）/ layer zones feature 3: geometry truncated (at byte 45)
//
// The geometry decoder checks every count (polygons, rings, points)
// against the bytes left before allocating, so a malformed or hostile
// blob costs at most a small multiple of its own size and never panics
// (see FuzzGeometry).
package gpkg

/*
Section for docs/formats.md:

## GeoPackage (`internal/formats/gpkg`)

Pure Go (modernc.org/sqlite), OGC GeoPackage 1.3. `gpkg.Write(path, layers)` and
`gpkg.Read(path)` convert between a `.gpkg` file and `[]*formats.Layer`.

**What is written.** A new file only: an existing file is refused, never overwritten. The header
has `application_id` = `GPKG` (0x47504B47) and `user_version` = 10300. The system tables are
`gpkg_spatial_ref_sys` (rows -1, 0, 4326 and one `EPSG` row per layer SRID, definition in OGC
WKT 1), `gpkg_contents` (`data_type` = `features`, identifier = layer name, the layer's extent),
`gpkg_geometry_columns` (`MULTIPOLYGON`, z = 0, m = 0) and `gpkg_extensions`. Each layer is one
table named after the layer: `fid INTEGER PRIMARY KEY AUTOINCREMENT`, `geom MULTIPOLYGON`, then one
column per field — String → `TEXT`, Integer → `INTEGER`, Real → `REAL`, Bool → `BOOLEAN` (0/1);
nil → NULL. Geometry is GeoPackage binary (little-endian, `[minx,maxx,miny,maxy]` envelope) around
a WKB MultiPolygon. Each table gets an R-tree index `rtree_<table>_geom` (`gpkg_rtree_index`
extension) filled with the feature envelopes, and the six standard triggers (insert,
update1–update4, delete) so GDAL and QGIS keep the index right when they edit the file. The whole
file is written in one transaction; on any error the partial file is deleted. Text is UTF-8.
GDAL's `ogrinfo` (integrity check on) and `validate_gpkg.py` accept the result without warnings.

Refused when writing: no layers; empty, duplicate (case-insensitive) or reserved layer names
(`gpkg_…`, `rtree_…`, `sqlite_…`); field names `fid` or `geom` or duplicates; an SRID other than
4490, 4326 or 4513–4554; a layer that fails `Layer.Validate`; a polygon without rings, a ring with
fewer than 4 points or not closed, a NaN/Inf coordinate or Real value (use nil); text that is not valid UTF-8.

**What is read.** Every table in `gpkg_contents` with `data_type` = `features`, in registration
order, read-only (the file is never modified). Accepted: `application_id` `GPKG`, `GP10` or `GP11`.
Fields are all columns except the integer primary key and the geometry column named in
`gpkg_geometry_columns`, typed by their declared SQL type: `TEXT`, `VARCHAR`, `CHAR`, `CLOB`,
`DATE`, `DATETIME`, `TIMESTAMP`, `TIME` → String (dates as their stored text; `TEXT(n)` gives
Width n); `INTEGER`, `INT`, `BIGINT`, `MEDIUMINT`, `SMALLINT`, `TINYINT` → Integer; `REAL`,
`DOUBLE`, `FLOAT`, `NUMERIC` → Real; `BOOLEAN` → Bool; other spellings by SQLite's affinity rules.
`BLOB` and unknown types are an error. Features come in fid order. The SRID is the EPSG code of
the layer's `srs_id` in `gpkg_spatial_ref_sys` (its `organization_coordsys_id` when the
organization is EPSG, otherwise recognised from the WKT); the undefined systems -1 and 0 give
SRID 0. Geometry: GeoPackage binary with either byte order and any envelope (0–4), holding WKB
Polygon or MultiPolygon in either byte order, 2D, Z, M or ZM (ISO codes 1003/2003/3003,
1006/2006/3006 or the 0x80000000/0x40000000 flags); Z and M are dropped, a Polygon becomes a
one-part MultiPolygon, unclosed rings are closed, empty parts of a MultiPolygon are dropped.

**Limits.** Only polygon layers (other geometry types, GeometryCollection and the extended
GeoPackage geometry types are errors). Field `Width`/`Decimals` are not written (GeoPackage
columns are not fixed-width); on reading only `TEXT(n)` sets Width. The srs_id inside each
geometry blob is not compared with the table's. Attribute-only tables (`attributes`) and tiles
are ignored. Z/M values are not kept.

**Errors** are given in Chinese and English in one message. A bad file names the file: "not an
SQLite database", "is not a GeoPackage: application_id is 0x00000000 (0 = plain SQLite), want
0x47504B47". A bad feature names the table and fid, e.g. `图层 zones 要素 3：几何数据被截断（第 45
字节）/ layer zones feature 3: geometry truncated (at byte 45)`; the same for a wrong magic, an
empty or NULL geometry, a ring/point/polygon count larger than the data, a non-finite coordinate,
an unsupported geometry type, or a value that does not fit its column type ("field 编号: value abc
(text) is not a whole number"), an infinite Real, a text longer than 1 MiB, a coordinate beyond
10⁸ in absolute value, or more points than formats.MaxVerticesPerFeature. Such errors are
`*gpkg.FeatureError` (fields Layer, FID). A file larger than formats.MaxInputBytes, or a layer
of more features, fields or values than the formats limits, is refused.
*/
