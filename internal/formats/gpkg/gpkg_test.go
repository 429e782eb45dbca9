package gpkg

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
	"mineplan/internal/testutil"
)

// ring builds a closed ring from corner points.
func ring(pts ...float64) geo.Ring {
	var r geo.Ring
	for i := 0; i+1 < len(pts); i += 2 {
		r = append(r, geo.LonLat{Lon: pts[i], Lat: pts[i+1]})
	}
	return append(r, r[0])
}

// sampleLayers are two layers: geographic (4490) with Chinese text, every
// field type, nils, a polygon with a hole and a two-part multipolygon; and
// a projected one (4513) with zone-prefixed eastings.
func sampleLayers() []*formats.Layer {
	zones := &formats.Layer{
		Name: "zones",
		SRID: 4490,
		Fields: []formats.Field{
			{Name: "名称", Type: formats.String},
			{Name: "编号", Type: formats.Integer},
			{Name: "面积", Type: formats.Real},
			{Name: "有效", Type: formats.Bool},
			{Name: "备注", Type: formats.String},
		},
		Features: []formats.Feature{
			{
				Geometry: geo.MultiPolygon{{
					ring(76.1, 39.1, 76.9, 39.1, 76.9, 39.8, 76.1, 39.8),
					ring(76.3, 39.3, 76.3, 39.5, 76.5, 39.5, 76.5, 39.3), // hole
				}},
				Values: []any{"喀什伽师铜矿", int64(1), 925.1, true, nil},
			},
			{
				Geometry: geo.MultiPolygon{
					{ring(75.0, 38.5, 75.4, 38.5, 75.4, 38.9, 75.0, 38.9)},
					{ring(75.123456789012, 38.000000001, 75.9, 38.0, 75.5, 38.3)},
				},
				Values: []any{"阿克陶县 \"奥尔托喀讷什\" 锰矿", int64(-9007199254740993), 0.000123, false, "含'单引号'与换行\n第二行"},
			},
			{
				Geometry: geo.MultiPolygon{{ring(77, 40, 78, 40, 78, 41, 77, 41)}},
				Values:   []any{nil, nil, nil, nil, nil},
			},
		},
	}
	blocks := &formats.Layer{
		Name: "blocks",
		SRID: 4513,
		Fields: []formats.Field{
			{Name: "name", Type: formats.String},
			{Name: "area_m2", Type: formats.Real},
		},
		Features: []formats.Feature{
			{
				Geometry: geo.MultiPolygon{{ring(25432100.00, 4370000.00, 25433100.25, 4370000.00, 25433100.25, 4371000.75, 25432100.00, 4371000.75)}},
				Values:   []any{"一号采区", 1000.25 * 1000.75},
			},
			{
				Geometry: geo.MultiPolygon{{ring(25434000, 4372000, 25435000, 4372000, 25435000, 4373000)}},
				Values:   []any{"二号采区", 500000.0},
			},
		},
	}
	return []*formats.Layer{zones, blocks}
}

func writeSample(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "规划 zones.gpkg")
	if err := Write(path, sampleLayers()); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRoundTrip writes the sample layers and reads them back unchanged.
func TestRoundTrip(t *testing.T) {
	path := writeSample(t)
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	want := sampleLayers()
	if len(got) != len(want) {
		t.Fatalf("read %d layers, want %d", len(got), len(want))
	}
	for i := range want {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("layer %d differs:\n got  %+v\n want %+v", i, got[i], want[i])
		}
		if err := got[i].Validate(); err != nil {
			t.Errorf("layer %s read back does not validate: %v", got[i].Name, err)
		}
	}
	for _, suffix := range []string{"-journal", "-wal", "-shm"} {
		if _, err := os.Stat(path + suffix); err == nil {
			t.Errorf("%s left behind", suffix)
		}
	}
}

// TestHeader checks application_id (offset 68) and user_version (offset
// 60) in the SQLite header, and the mandatory rows of the system tables.
func TestHeader(t *testing.T) {
	path := writeSample(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := binary.BigEndian.Uint32(b[68:]); got != 0x47504B47 || string(b[68:72]) != "GPKG" {
		t.Errorf("application_id = %#x, want GPKG", got)
	}
	if got := binary.BigEndian.Uint32(b[60:]); got != 10300 {
		t.Errorf("user_version = %d, want 10300", got)
	}
	db := openRW(t, path)
	for _, q := range []struct {
		sql  string
		want string
	}{
		{`SELECT group_concat(srs_id || ':' || organization || ':' || organization_coordsys_id, ' ') FROM (SELECT * FROM gpkg_spatial_ref_sys ORDER BY srs_id)`, "-1:NONE:-1 0:NONE:0 4326:EPSG:4326 4490:EPSG:4490 4513:EPSG:4513"},
		{`SELECT group_concat(table_name || ':' || data_type || ':' || identifier || ':' || srs_id, ' ') FROM gpkg_contents`, "zones:features:zones:4490 blocks:features:blocks:4513"},
		{`SELECT group_concat(table_name || ':' || column_name || ':' || geometry_type_name || ':' || srs_id || ':' || z || ':' || m, ' ') FROM gpkg_geometry_columns`, "zones:geom:MULTIPOLYGON:4490:0:0 blocks:geom:MULTIPOLYGON:4513:0:0"},
		{`SELECT group_concat(table_name || ':' || column_name || ':' || extension_name || ':' || definition || ':' || scope, ' ') FROM gpkg_extensions`, "zones:geom:gpkg_rtree_index:http://www.geopackage.org/spec120/#extension_rtree:write-only blocks:geom:gpkg_rtree_index:http://www.geopackage.org/spec120/#extension_rtree:write-only"},
		{`SELECT min_x || ' ' || min_y || ' ' || max_x || ' ' || max_y FROM gpkg_contents WHERE table_name = 'zones'`, "75.0 38.0 78.0 41.0"},
		{`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_zones_geom_%'`, "6"},
		{`SELECT group_concat(id, ',') FROM rtree_zones_geom`, "1,2,3"},
		{`SELECT last_change GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z' FROM gpkg_contents LIMIT 1`, "1"},
	} {
		var got string
		if err := db.QueryRow(q.sql).Scan(&got); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
		if got != q.want {
			t.Errorf("%s\n got  %s\n want %s", q.sql, got, q.want)
		}
	}
	// The R-tree box contains the feature's envelope (it is stored as
	// float32, rounded outwards).
	var minx, maxx, miny, maxy float64
	if err := db.QueryRow(`SELECT minx, maxx, miny, maxy FROM rtree_blocks_geom WHERE id = 1`).Scan(&minx, &maxx, &miny, &maxy); err != nil {
		t.Fatal(err)
	}
	if minx > 25432100 || maxx < 25433100.25 || miny > 4370000 || maxy < 4371000.75 || maxx-minx > 1002 {
		t.Errorf("rtree box %g %g %g %g does not fit feature 1", minx, maxx, miny, maxy)
	}
	// The geometry blob: "GP", version 0, flags 0x03, srs_id 4490 LE.
	var blob []byte
	if err := db.QueryRow(`SELECT geom FROM zones WHERE fid = 1`).Scan(&blob); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(blob[:8], []byte{'G', 'P', 0, 0x03, 0x8a, 0x11, 0, 0}) {
		t.Errorf("blob header % x", blob[:8])
	}
	if typ := binary.LittleEndian.Uint32(blob[41:]); blob[40] != 1 || typ != 6 {
		t.Errorf("WKB order %d type %d, want 1 6", blob[40], typ)
	}
}

func openRW(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestWriteRefusesExisting: an existing file is left alone.
func TestWriteRefusesExisting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.gpkg")
	if err := os.WriteFile(path, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := Write(path, sampleLayers())
	if err == nil || !strings.Contains(err.Error(), "already exists") || !strings.Contains(err.Error(), "已存在") {
		t.Fatalf("err = %v, want already exists", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "keep me" {
		t.Errorf("existing file changed: %q", b)
	}
}

// TestWriteRemovesPartialFile: an error met while writing (a NaN in the
// second layer) leaves no file behind.
func TestWriteRemovesPartialFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "partial.gpkg")
	layers := sampleLayers()
	layers[1].Features[1].Geometry[0][0][2].Lon = math.NaN()
	err := Write(path, layers)
	var fe *FeatureError
	if !errors.As(err, &fe) || fe.Layer != "blocks" || fe.FID != 2 || !strings.Contains(err.Error(), "non-finite") {
		t.Fatalf("err = %v, want a FeatureError for blocks feature 2", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestWriteRejects: invalid input is refused and no file is left behind.
func TestWriteRejects(t *testing.T) {
	cases := []struct {
		name string
		edit func([]*formats.Layer) []*formats.Layer
		want string
	}{
		{"no layers", func([]*formats.Layer) []*formats.Layer { return nil }, "no layers"},
		{"duplicate name", func(l []*formats.Layer) []*formats.Layer { l[1].Name = "ZONES"; return l }, "duplicate layer name"},
		{"reserved prefix", func(l []*formats.Layer) []*formats.Layer { l[0].Name = "gpkg_x"; return l }, "reserved prefix"},
		{"fid field", func(l []*formats.Layer) []*formats.Layer { l[1].Fields[0].Name = "FID"; return l }, "reserved column"},
		{"duplicate field", func(l []*formats.Layer) []*formats.Layer { l[1].Fields[1].Name = "Name"; return l }, "duplicate field name"},
		{"unsupported srid", func(l []*formats.Layer) []*formats.Layer { l[1].SRID = 3857; return l }, "unsupported CRS"},
		{"wrong value type", func(l []*formats.Layer) []*formats.Layer { l[0].Features[0].Values[1] = 1; return l }, "图层 zones 无效：第 1 个要素字段 编号：值 1 不是整数 / layer zones is invalid: feature 1 field 编号: value 1 is not a whole number"},
		{"unclosed ring", func(l []*formats.Layer) []*formats.Layer {
			r := l[0].Features[2].Geometry[0][0]
			l[0].Features[2].Geometry[0][0] = r[:len(r)-1]
			return l
		}, "layer zones feature 3: ring 1 of polygon 1 is not closed"},
		{"NaN value", func(l []*formats.Layer) []*formats.Layer { l[1].Features[0].Values[1] = math.NaN(); return l }, "layer blocks feature 1: field area_m2: value NaN is not finite"},
		{"bad utf8", func(l []*formats.Layer) []*formats.Layer { l[0].Features[1].Values[0] = "\xff"; return l }, "not valid UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			err := Write(filepath.Join(dir, "x.gpkg"), c.edit(sampleLayers()))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want %q", err, c.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
		})
	}
}

// TestReadDoesNotModify: Read leaves the file byte for byte as it was and
// creates no journal.
func TestReadDoesNotModify(t *testing.T) {
	path := writeSample(t)
	before := fileHash(t, path)
	for range 2 {
		if _, err := Read(path); err != nil {
			t.Fatal(err)
		}
	}
	if fileHash(t, path) != before {
		t.Error("Read modified the file")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %v, want only the GeoPackage", entries)
	}
}

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// ogrinfo runs ogrinfo and fails on any warning or error it prints.
func ogrinfo(t *testing.T, args ...string) string {
	t.Helper()
	bin := testutil.RequireTool(t, "ogrinfo")
	cmd := exec.Command(bin, append([]string{"--config", "OGR_GPKG_INTEGRITY_CHECK", "YES"}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ogrinfo %v: %v\n%s\n%s", args, err, stderr.String(), stdout.String())
	}
	all := stdout.String() + stderr.String()
	if regexp.MustCompile(`(?i)warning|error`).MatchString(all) {
		t.Errorf("ogrinfo %v reported problems:\n%s", args, all)
	}
	return stdout.String()
}

// TestGDALReadsOurs: GDAL opens our file without warnings (integrity
// check on), sees both layers with their counts, extents and SRS, and
// the Chinese values.
func TestGDALReadsOurs(t *testing.T) {
	testutil.RequireTool(t, "ogrinfo")
	path := writeSample(t)
	summary := ogrinfo(t, "-ro", "-so", "-al", path)
	t.Logf("ogrinfo -ro -so -al:\n%s", summary)
	for _, want := range []string{
		"using driver `GPKG' successful",
		"Layer name: zones",
		"Geometry: Multi Polygon",
		"Feature Count: 3",
		"Extent: (75.000000, 38.000000) - (78.000000, 41.000000)",
		`ID["EPSG",4490]`,
		"Layer name: blocks",
		"Feature Count: 2",
		"Extent: (25432100.000000, 4370000.000000) - (25435000.000000, 4373000.000000)",
		`ID["EPSG",4513]`,
		"FID Column = fid",
		"Geometry Column = geom",
		"名称: String (0.0)",
		"编号: Integer64 (0.0)",
		"面积: Real (0.0)",
		"有效: Integer(Boolean) (0.0)",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q", want)
		}
	}
	full := ogrinfo(t, "-ro", "-al", path)
	for _, want := range []string{
		"名称 (String) = 喀什伽师铜矿",
		"编号 (Integer64) = -9007199254740993",
		"面积 (Real) = 925.1",
		"面积 (Real) = 0.000123",
		"有效 (Integer(Boolean)) = 1",
		"有效 (Integer(Boolean)) = 0",
		"备注 (String) = (null)",
		"name (String) = 一号采区",
		"MULTIPOLYGON (((76.1 39.1,76.9 39.1,76.9 39.8,76.1 39.8,76.1 39.1),(76.3 39.3,76.3 39.5,76.5 39.5,76.5 39.3,76.3 39.3)))",
		"MULTIPOLYGON (((25432100 4370000,25433100.25 4370000", // GDAL prints 4370000.0 or 4370000 as it likes
		"MULTIPOLYGON (((25434000 4372000,25435000 4372000,25435000 4373000,25434000 4372000)))",
	} {
		if !strings.Contains(full, want) {
			t.Errorf("ogrinfo -al lacks %q", want)
		}
	}
	// A spatial filter goes through our R-tree: one block, two zones.
	for _, c := range []struct{ layer, box, want string }{
		{"blocks", "25434500 4372500 25434600 4372600", "Feature Count: 1"},
		{"zones", "75.2 38.2 76.2 39.2", "Feature Count: 2"},
	} {
		out := ogrinfo(t, append([]string{"-ro", "-so", "-spat"}, append(strings.Fields(c.box), path, c.layer)...)...)
		if !strings.Contains(out, c.want) {
			t.Errorf("%s with -spat %s: want %q in\n%s", c.layer, c.box, c.want, out)
		}
	}
}

// TestRtreeTriggersWithGDAL: GDAL (which provides the ST_* functions)
// edits a copy of our file; the triggers keep the R-tree in step.
func TestRtreeTriggersWithGDAL(t *testing.T) {
	testutil.RequireTool(t, "ogrinfo")
	src := writeSample(t)
	path := filepath.Join(t.TempDir(), "edit.gpkg")
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM zones WHERE fid = 1`,                                              // _delete
		`UPDATE zones SET geom = (SELECT geom FROM zones WHERE fid = 3) WHERE fid = 2`, // _update1
		`INSERT INTO zones (geom, "名称") SELECT geom, '新增' FROM zones WHERE fid = 3`,    // _insert → fid 4
		`UPDATE zones SET geom = NULL WHERE fid = 4`,                                   // _update2
		`UPDATE blocks SET fid = 10 WHERE fid = 2`,                                     // _update3
	} {
		ogrinfo(t, path, "-sql", q)
	}
	db := openRW(t, path)
	for _, c := range []struct{ sql, want string }{
		{`SELECT group_concat(id, ',') FROM (SELECT id FROM rtree_zones_geom ORDER BY id)`, "2,3"},
		{`SELECT group_concat(id, ',') FROM (SELECT id FROM rtree_blocks_geom ORDER BY id)`, "1,10"},
		{`SELECT (SELECT minx || ' ' || maxy FROM rtree_zones_geom WHERE id = 2) = (SELECT minx || ' ' || maxy FROM rtree_zones_geom WHERE id = 3)`, "1"},
	} {
		var got string
		if err := db.QueryRow(c.sql).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s = %s, want %s", c.sql, got, c.want)
		}
	}
	ogrinfo(t, "-ro", "-so", "-al", path) // still clean
}

// gdalFixture is GeoJSON with Chinese attributes of every type.
const gdalFixture = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"名称":"喀什伽师铜矿","编号":7,"面积":925.1,"有效":true,"日期":"2024-03-15","备注":null},
 "geometry":{"type":"Polygon","coordinates":[[[76.1,39.1],[76.9,39.1],[76.9,39.8],[76.1,39.8],[76.1,39.1]],[[76.3,39.3],[76.3,39.5],[76.5,39.5],[76.5,39.3],[76.3,39.3]]]}},
{"type":"Feature","properties":{"名称":"阿克陶铅锌矿","编号":-3,"面积":0.000123,"有效":false,"日期":"2023-12-01","备注":"第二个"},
 "geometry":{"type":"MultiPolygon","coordinates":[[[[75.0,38.5],[75.4,38.5],[75.4,38.9],[75.0,38.9],[75.0,38.5]]],[[[75.123456789012,38.000000001],[75.9,38.0],[75.5,38.3],[75.123456789012,38.000000001]]]]}}
]}`

const gdalPolygonFixture = `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"一号采区","area":1001000.1875},
 "geometry":{"type":"Polygon","coordinates":[[[25432100.0,4370000.0],[25433100.25,4370000.0],[25433100.25,4371000.75],[25432100.0,4371000.75],[25432100.0,4370000.0]]]}},
{"type":"Feature","properties":{"name":"二号采区","area":null},
 "geometry":{"type":"Polygon","coordinates":[[[25434000.5,4372000.5],[25435000.5,4372000.5],[25435000.5,4373000.5],[25434000.5,4372000.5]]]}}
]}`

// ogr2ogr converts a GeoJSON string to a GeoPackage with GDAL.
func ogr2ogr(t *testing.T, geojson string, args ...string) string {
	t.Helper()
	bin := testutil.RequireTool(t, "ogr2ogr")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.geojson")
	out := filepath.Join(dir, "out.gpkg")
	if err := os.WriteFile(in, []byte(geojson), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"-f", "GPKG", out, in}, args...)...)
	if b, err := cmd.CombinedOutput(); err != nil || len(b) > 0 {
		t.Fatalf("ogr2ogr: %v\n%s", err, b)
	}
	return out
}

func near(a, b geo.MultiPolygon, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if len(a[i][j]) != len(b[i][j]) {
				return false
			}
			for k := range a[i][j] {
				p, q := a[i][j][k], b[i][j][k]
				if math.Abs(p.Lon-q.Lon) > tol || math.Abs(p.Lat-q.Lat) > tol {
					return false
				}
			}
		}
	}
	return true
}

// TestReadGDAL reads what ogr2ogr writes, as MULTIPOLYGON and as POLYGON.
func TestReadGDAL(t *testing.T) {
	t.Run("multipolygon", func(t *testing.T) {
		path := ogr2ogr(t, gdalFixture, "-nlt", "MULTIPOLYGON", "-a_srs", "EPSG:4490", "-nln", "矿区")
		layers, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(layers) != 1 {
			t.Fatalf("%d layers", len(layers))
		}
		l := layers[0]
		if l.Name != "矿区" || l.SRID != 4490 {
			t.Errorf("name %q SRID %d, want 矿区 4490", l.Name, l.SRID)
		}
		wantFields := []formats.Field{
			{Name: "名称", Type: formats.String},
			{Name: "编号", Type: formats.Integer},
			{Name: "面积", Type: formats.Real},
			{Name: "有效", Type: formats.Bool},
			{Name: "日期", Type: formats.String},
			{Name: "备注", Type: formats.String},
		}
		if !reflect.DeepEqual(l.Fields, wantFields) {
			t.Errorf("fields %+v\nwant %+v", l.Fields, wantFields)
		}
		want := []formats.Feature{
			{
				Geometry: geo.MultiPolygon{{
					ring(76.1, 39.1, 76.9, 39.1, 76.9, 39.8, 76.1, 39.8),
					ring(76.3, 39.3, 76.3, 39.5, 76.5, 39.5, 76.5, 39.3),
				}},
				Values: []any{"喀什伽师铜矿", int64(7), 925.1, true, "2024-03-15", nil},
			},
			{
				Geometry: geo.MultiPolygon{
					{ring(75.0, 38.5, 75.4, 38.5, 75.4, 38.9, 75.0, 38.9)},
					{ring(75.123456789012, 38.000000001, 75.9, 38.0, 75.5, 38.3)},
				},
				Values: []any{"阿克陶铅锌矿", int64(-3), 0.000123, false, "2023-12-01", "第二个"},
			},
		}
		checkFeatures(t, l, want)
	})
	t.Run("polygon", func(t *testing.T) {
		path := ogr2ogr(t, gdalPolygonFixture, "-nlt", "POLYGON", "-a_srs", "EPSG:4513", "-nln", "blocks")
		layers, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		l := layers[0]
		if l.Name != "blocks" || l.SRID != 4513 {
			t.Errorf("name %q SRID %d, want blocks 4513", l.Name, l.SRID)
		}
		wantFields := []formats.Field{{Name: "name", Type: formats.String}, {Name: "area", Type: formats.Real}}
		if !reflect.DeepEqual(l.Fields, wantFields) {
			t.Errorf("fields %+v\nwant %+v", l.Fields, wantFields)
		}
		checkFeatures(t, l, []formats.Feature{
			{
				Geometry: geo.MultiPolygon{{ring(25432100.0, 4370000.0, 25433100.25, 4370000.0, 25433100.25, 4371000.75, 25432100.0, 4371000.75)}},
				Values:   []any{"一号采区", 1001000.1875},
			},
			{
				Geometry: geo.MultiPolygon{{ring(25434000.5, 4372000.5, 25435000.5, 4372000.5, 25435000.5, 4373000.5)}},
				Values:   []any{"二号采区", nil},
			},
		})
		// GDAL really wrote WKB Polygons (type 3), not MultiPolygons.
		db := openRW(t, path)
		var typ string
		if err := db.QueryRow(`SELECT geometry_type_name FROM gpkg_geometry_columns`).Scan(&typ); err != nil || typ != "POLYGON" {
			t.Errorf("geometry_type_name %q (%v), want POLYGON", typ, err)
		}
	})
}

func checkFeatures(t *testing.T, l *formats.Layer, want []formats.Feature) {
	t.Helper()
	if len(l.Features) != len(want) {
		t.Fatalf("%d features, want %d", len(l.Features), len(want))
	}
	for i, f := range l.Features {
		if !reflect.DeepEqual(f.Values, want[i].Values) {
			t.Errorf("feature %d values %#v\nwant %#v", i+1, f.Values, want[i].Values)
		}
		if !near(f.Geometry, want[i].Geometry, 1e-9) {
			t.Errorf("feature %d geometry %v\nwant %v", i+1, f.Geometry, want[i].Geometry)
		}
	}
	if err := l.Validate(); err != nil {
		t.Error(err)
	}
}

// editable opens a file written by Write for tests that tamper with it.
// The R-tree triggers call ST_* functions this driver lacks, so they are
// dropped first.
func editable(t *testing.T, path string) *sql.DB {
	t.Helper()
	db := openRW(t, path)
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'trigger'`)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		if _, err := db.Exec(`DROP TRIGGER ` + quote(n)); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// wkb builds WKB for tests: a Polygon (one part, typ 3 family) or
// MultiPolygon (typ 6 family) whose parts use partType, with dims
// ordinates per point (the extra ones set to 7).
func wkb(order byteOrder, typ, partType uint32, dims int, m geo.MultiPolygon) []byte {
	var b []byte
	head := func(t uint32) {
		if order == binary.LittleEndian {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
		b = order.AppendUint32(b, t)
	}
	poly := func(p geo.Polygon) {
		b = order.AppendUint32(b, uint32(len(p)))
		for _, r := range p {
			b = order.AppendUint32(b, uint32(len(r)))
			for _, pt := range r {
				b = order.AppendUint64(b, math.Float64bits(pt.Lon))
				b = order.AppendUint64(b, math.Float64bits(pt.Lat))
				for range dims - 2 {
					b = order.AppendUint64(b, math.Float64bits(7))
				}
			}
		}
	}
	head(typ)
	if typ%1000 == 3 || typ&0xff == 3 {
		poly(m[0])
		return b
	}
	b = order.AppendUint32(b, uint32(len(m)))
	for _, p := range m {
		head(partType)
		poly(p)
	}
	return b
}

// byteOrder is binary.LittleEndian or binary.BigEndian.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// gp wraps WKB in a GeoPackage header with the given header byte order
// and envelope indicator (the envelope values are not checked by Read).
func gp(order byteOrder, env int, body []byte) []byte {
	flags := byte(env << 1)
	if order == binary.LittleEndian {
		flags |= 1
	}
	b := []byte{'G', 'P', 0, flags}
	b = order.AppendUint32(b, 4490)
	for range envelopeSize[env] / 8 {
		b = order.AppendUint64(b, math.Float64bits(1))
	}
	return append(b, body...)
}

// TestDecodeVariants decodes every header and WKB variant Read accepts.
func TestDecodeVariants(t *testing.T) {
	poly := geo.Polygon{ring(1, 2, 3, 2, 3, 4, 1, 4), ring(1.5, 2.5, 1.5, 3, 2, 3)}
	two := geo.MultiPolygon{poly, {ring(10, 10, 11, 10, 11, 11)}}
	le, be := byteOrder(binary.LittleEndian), byteOrder(binary.BigEndian)
	for _, c := range []struct {
		name            string
		typ, part       uint32
		dims            int
		want            geo.MultiPolygon
		unclosedPolygon bool
	}{
		{"Polygon", 3, 0, 2, geo.MultiPolygon{poly}, false},
		{"MultiPolygon", 6, 3, 2, two, false},
		{"Polygon Z ISO", 1003, 0, 3, geo.MultiPolygon{poly}, false},
		{"MultiPolygon Z ISO", 1006, 1003, 3, two, false},
		{"Polygon Z flag", 0x80000003, 0, 3, geo.MultiPolygon{poly}, false},
		{"MultiPolygon Z flag", 0x80000006, 0x80000003, 3, two, false},
		{"Polygon M", 2003, 0, 3, geo.MultiPolygon{poly}, false},
		{"Polygon ZM", 3003, 0, 4, geo.MultiPolygon{poly}, false},
		{"Polygon ZM flags", 0xC0000003, 0, 4, geo.MultiPolygon{poly}, false},
		{"unclosed ring", 3, 0, 2, geo.MultiPolygon{poly}, true},
	} {
		for _, ho := range []byteOrder{le, be} {
			for _, wo := range []byteOrder{le, be} {
				for env := 0; env <= 4; env++ {
					name := fmt.Sprintf("%s/header %v/wkb %v/envelope %d", c.name, ho, wo, env)
					in := c.want
					if c.unclosedPolygon {
						p := geo.Polygon{}
						for _, r := range poly {
							p = append(p, r[:len(r)-1])
						}
						in = geo.MultiPolygon{p}
					}
					got, srs, err := decodeGeometry(gp(ho, env, wkb(wo, c.typ, c.part, c.dims, in)))
					if err != nil {
						t.Errorf("%s: %v", name, err)
						continue
					}
					if srs != 4490 || !reflect.DeepEqual(got, c.want) {
						t.Errorf("%s: got %v srs %d\nwant %v", name, got, srs, c.want)
					}
				}
			}
		}
	}
	// Our own encoding decodes to itself.
	for _, l := range sampleLayers() {
		for _, f := range l.Features {
			got, srs, err := decodeGeometry(encodeGeometry(f.Geometry, int32(l.SRID)))
			if err != nil || srs != int32(l.SRID) || !reflect.DeepEqual(got, f.Geometry) {
				t.Errorf("round trip %v: %v %d %v", f.Geometry, got, srs, err)
			}
		}
	}
}

// TestDecodeErrors: malformed blobs give errors, never panics.
func TestDecodeErrors(t *testing.T) {
	le := binary.LittleEndian
	good := encodeGeometry(geo.MultiPolygon{{ring(1, 2, 3, 2, 3, 4)}}, 4490)
	set32 := func(off int, v uint32) []byte {
		b := bytes.Clone(good)
		le.PutUint32(b[off:], v)
		return b
	}
	with := func(off int, v byte) []byte {
		b := bytes.Clone(good)
		b[off] = v
		return b
	}
	// Offsets in good: 0 magic, 3 flags, 8 envelope, 40 WKB order, 41
	// type, 45 polygon count, 49 part order, 50 part type, 54 ring count,
	// 58 point count, 62 first x.
	for _, c := range []struct {
		name string
		blob []byte
		want string
	}{
		{"nil", nil, "geometry truncated"},
		{"bad magic", append([]byte("XP"), good[2:]...), `not a GeoPackage geometry (starts with "XP"`},
		{"version 1", with(2, 1), "unsupported GeoPackage geometry version 1"},
		{"extended", with(3, good[3]|0x20), "ExtendedGeoPackageBinary"},
		{"envelope 5", with(3, 1|5<<1), "invalid envelope contents indicator 5"},
		{"empty flag", with(3, good[3]|0x10), "geometry is empty"},
		{"short header", good[:5], "geometry truncated"},
		{"short envelope", good[:20], "geometry truncated (the envelope needs 32 bytes"},
		{"truncated", good[:len(good)-5], "geometry truncated"},
		{"truncated after type", good[:45], "geometry truncated (at byte 45)"},
		{"byte order 2", with(40, 2), "invalid WKB byte order 2"},
		{"point", set32(41, 1), "geometry type is Point"},
		{"collection part", set32(50, 7), "part 1 of the MultiPolygon is a GeometryCollection"},
		{"huge polygon count", set32(45, 1<<31), "polygon count 2147483648 exceeds the data"},
		{"huge ring count", set32(54, 1<<31), "ring count 2147483648 exceeds the data"},
		{"max ring count", set32(54, math.MaxUint32), "ring count 4294967295 exceeds the data"},
		{"huge point count", set32(58, 1<<31), "point count 2147483648 exceeds the data"},
		{"two points", set32(58, 2), "ring 1 of polygon 1 has only 2 points"},
		{"zero polygons", set32(45, 0), "geometry is empty"},
		{"NaN", func() []byte { b := bytes.Clone(good); le.PutUint64(b[62:], math.Float64bits(math.NaN())); return b }(), "non-finite coordinate"},
		{"type 4000", set32(41, 4003), "unsupported WKB geometry type 4003"},
		{"flag and ISO", set32(41, 0x80000000|1003), "unsupported WKB geometry type"},
	} {
		m, _, err := decodeGeometry(c.blob)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, %v; want error %q", c.name, m, err, c.want)
			continue
		}
		var b *bilingual
		if !errors.As(err, &b) || b.zh == "" || b.en == "" {
			t.Errorf("%s: error %v is not bilingual", c.name, err)
		}
	}
}

// TestReadMalformed: files and blobs that Read must refuse with an error
// naming the layer and feature in both languages.
func TestReadMalformed(t *testing.T) {
	t.Run("not GeoPackage", func(t *testing.T) {
		dir := t.TempDir()
		plain := filepath.Join(dir, "plain.sqlite")
		db := openRW(t, plain)
		mustExec(t, db, `CREATE TABLE t (x)`)
		db.Close()
		text := filepath.Join(dir, "text.gpkg")
		os.WriteFile(text, []byte("just some text, long enough to fill a header of one hundred bytes, or maybe not quite so long"), 0o644)
		empty := filepath.Join(dir, "empty.gpkg")
		os.WriteFile(empty, nil, 0o644)
		spatialite := filepath.Join(dir, "other.sqlite")
		db = openRW(t, spatialite)
		mustExec(t, db, `PRAGMA application_id = 0x53504C33`) // another application
		mustExec(t, db, `CREATE TABLE t (x)`)
		db.Close()
		for _, c := range []struct{ path, want string }{
			{plain, "is not a GeoPackage: application_id is 0x00000000 (0 = plain SQLite)"},
			{spatialite, `application_id is 0x53504C33 ("SPL3")`},
			{text, "is not an SQLite database"},
			{empty, "is not a GeoPackage: application_id is 0x00000000"},
			{filepath.Join(dir, "missing.gpkg"), "no such file"},
		} {
			_, err := Read(c.path)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: err = %v, want %q", filepath.Base(c.path), err, c.want)
			}
			if err != nil && c.want != "no such file" && !strings.Contains(err.Error(), "不是") {
				t.Errorf("%s: error has no Chinese text: %v", filepath.Base(c.path), err)
			}
		}
	})
	for _, c := range []struct {
		name string
		edit func([]byte) any
		want string
	}{
		{"bad magic", func(b []byte) any { return append([]byte("XX"), b[2:]...) }, "not a GeoPackage geometry"},
		{"truncated", func(b []byte) any { return b[:len(b)-9] }, "geometry truncated"},
		{"ring count 2^31", func(b []byte) any { binary.LittleEndian.PutUint32(b[54:], 1<<31); return b }, "ring count 2147483648 exceeds the data"},
		{"NULL", func([]byte) any { return nil }, "geometry is empty (NULL)"},
		{"empty flag", func(b []byte) any { b[3] |= 0x10; return b }, "geometry is empty"},
		{"text", func([]byte) any { return 42 }, "the geometry column is not a blob"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := writeSample(t)
			db := editable(t, path)
			var blob []byte
			if err := db.QueryRow(`SELECT geom FROM zones WHERE fid = 3`).Scan(&blob); err != nil {
				t.Fatal(err)
			}
			mustExec(t, db, `UPDATE zones SET geom = ? WHERE fid = 3`, c.edit(blob))
			db.Close()
			_, err := Read(path)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || !strings.HasPrefix(msg, "图层 zones 要素 3：") || !strings.Contains(msg, " / layer zones feature 3: ") {
				t.Errorf("err = %v, want %q naming layer zones feature 3 in both languages", err, c.want)
			}
			var fe *FeatureError
			if !errors.As(err, &fe) || fe.Layer != "zones" || fe.FID != 3 {
				t.Errorf("err %v is not a FeatureError for zones/3", err)
			}
		})
	}
	t.Run("bad value", func(t *testing.T) {
		path := writeSample(t)
		db := editable(t, path)
		mustExec(t, db, `UPDATE zones SET "编号" = 'abc' WHERE fid = 2`)
		db.Close()
		_, err := Read(path)
		if err == nil || !strings.Contains(err.Error(), "图层 zones 要素 2：字段 编号：文本值 abc 不能作为整数 / layer zones feature 2: field 编号: value abc (text) is not a whole number") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("blob column", func(t *testing.T) {
		path := writeSample(t)
		db := editable(t, path)
		mustExec(t, db, `ALTER TABLE blocks ADD COLUMN photo BLOB`)
		db.Close()
		_, err := Read(path)
		if err == nil || !strings.Contains(err.Error(), `layer blocks field photo: unsupported type "BLOB"`) {
			t.Errorf("err = %v", err)
		}
	})
}

// TestReadColumnTypes: declared types other writers use map to our four
// field types; a srs_id that is not an EPSG code resolves through the WKT;
// a big-endian Polygon Z blob with a ZM envelope reads.
func TestReadColumnTypes(t *testing.T) {
	path := writeSample(t)
	db := editable(t, path)
	for _, col := range []string{`"v" VARCHAR(20)`, `"mi" MEDIUMINT`, `"si" SMALLINT`, `"ti" TINYINT`, `"i" INT`, `"d" DOUBLE`, `"fl" FLOAT`, `"da" DATE`, `"dt" DATETIME`, `"b" BOOLEAN`, `"t" TEXT(8)`} {
		mustExec(t, db, `ALTER TABLE blocks ADD COLUMN `+col)
	}
	mustExec(t, db, `UPDATE blocks SET v = '文本', mi = 5, si = -2, ti = 1, i = 3.0, d = 1.5, fl = 2.25, da = '2024-01-02', dt = '2024-01-02T03:04:05.000Z', b = 1, t = 12 WHERE fid = 1`)
	crs, _ := geo.LookupCRS(4513)
	mustExec(t, db, `INSERT INTO gpkg_spatial_ref_sys VALUES ('custom', 100001, 'CUSTOM', 7, ?, NULL)`, crs.WKT())
	mustExec(t, db, `UPDATE gpkg_geometry_columns SET srs_id = 100001 WHERE table_name = 'blocks'`)
	poly := geo.Polygon{ring(25432100, 4370000, 25433100, 4370000, 25433100, 4371000)}
	mustExec(t, db, `UPDATE blocks SET geom = ? WHERE fid = 2`, gp(binary.BigEndian, 4, wkb(binary.BigEndian, 1003, 0, 3, geo.MultiPolygon{poly})))
	db.Close()

	layers, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	l := layers[1]
	if l.SRID != 4513 {
		t.Errorf("SRID %d, want 4513 from the WKT", l.SRID)
	}
	wantFields := []formats.Field{
		{Name: "name", Type: formats.String}, {Name: "area_m2", Type: formats.Real},
		{Name: "v", Type: formats.String, Width: 20}, {Name: "mi", Type: formats.Integer}, {Name: "si", Type: formats.Integer},
		{Name: "ti", Type: formats.Integer}, {Name: "i", Type: formats.Integer}, {Name: "d", Type: formats.Real},
		{Name: "fl", Type: formats.Real}, {Name: "da", Type: formats.String}, {Name: "dt", Type: formats.String},
		{Name: "b", Type: formats.Bool}, {Name: "t", Type: formats.String, Width: 8},
	}
	if !reflect.DeepEqual(l.Fields, wantFields) {
		t.Errorf("fields\n got  %+v\n want %+v", l.Fields, wantFields)
	}
	wantValues := []any{"一号采区", 1000.25 * 1000.75, "文本", int64(5), int64(-2), int64(1), int64(3), 1.5, 2.25, "2024-01-02", "2024-01-02T03:04:05.000Z", true, "12"}
	if !reflect.DeepEqual(l.Features[0].Values, wantValues) {
		t.Errorf("values\n got  %#v\n want %#v", l.Features[0].Values, wantValues)
	}
	if !reflect.DeepEqual(l.Features[1].Geometry, geo.MultiPolygon{poly}) {
		t.Errorf("geometry %v", l.Features[1].Geometry)
	}
	if err := l.Validate(); err != nil {
		t.Error(err)
	}
}

// FuzzGeometry feeds arbitrary blobs to the decoder: it must not panic,
// and whatever it accepts must be a valid geometry that survives our
// encoder unchanged.
func FuzzGeometry(f *testing.F) {
	for _, l := range sampleLayers() {
		for _, ft := range l.Features {
			f.Add(encodeGeometry(ft.Geometry, int32(l.SRID)))
		}
	}
	poly := geo.MultiPolygon{{ring(1, 2, 3, 2, 3, 4, 1, 4), ring(1.5, 2.5, 1.5, 3, 2, 3)}}
	f.Add(gp(binary.BigEndian, 4, wkb(binary.BigEndian, 1006, 1003, 3, poly)))
	f.Add(gp(binary.LittleEndian, 2, wkb(binary.BigEndian, 0x80000003, 0, 3, poly)))
	f.Add(gp(binary.BigEndian, 0, wkb(binary.LittleEndian, 3003, 0, 4, poly)))
	f.Add([]byte("GP"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, srs, err := decodeGeometry(b)
		if err != nil {
			var bi *bilingual
			if !errors.As(err, &bi) {
				t.Fatalf("error %v is not bilingual", err)
			}
			return
		}
		if len(m) == 0 {
			t.Fatal("accepted an empty geometry")
		}
		if e := checkGeometry(m); e != nil {
			t.Fatalf("accepted an invalid geometry: %v", e)
		}
		again, srs2, err := decodeGeometry(encodeGeometry(m, srs))
		if err != nil || srs2 != srs || !reflect.DeepEqual(again, m) {
			t.Fatalf("re-encoding changed it: %v %v", again, err)
		}
	})
}

// TestOddPath: characters that mean something in a SQLite URI (?, #, %)
// or need escaping (spaces, Chinese) work in the file name.
func TestOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c%20d 目录")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "x?mode=ro#%41.gpkg")
	if err := Write(path, sampleLayers()); err != nil {
		t.Fatal(err)
	}
	got, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sampleLayers()) {
		t.Error("round trip through an odd path differs")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != "x?mode=ro#%41.gpkg" {
		t.Errorf("directory holds %v", entries)
	}
}

// TestReadOldApplicationIDs: GeoPackage 1.0 and 1.1 files ("GP10",
// "GP11") are read too.
func TestReadOldApplicationIDs(t *testing.T) {
	for _, id := range []string{"GP10", "GP11"} {
		path := writeSample(t)
		db := openRW(t, path)
		mustExec(t, db, fmt.Sprintf(`PRAGMA application_id = %d`, binary.BigEndian.Uint32([]byte(id))))
		db.Close()
		if _, err := Read(path); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

// TestGDALValidator runs GDAL's validate_gpkg.py (shipped with the GDAL
// Python bindings) on our file: it checks the table definitions, the
// R-tree and its triggers, and every geometry blob against the spec.
func TestGDALValidator(t *testing.T) {
	testutil.RequireTool(t, "ogrinfo")
	var python string
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if bin, err := exec.LookPath(p); err == nil && exec.Command(bin, "-c", "import osgeo_utils.samples.validate_gpkg").Run() == nil {
			python = bin
			break
		}
	}
	if python == "" {
		if os.Getenv("MINEPLAN_REQUIRE_TOOLS") == "1" {
			t.Fatal("GDAL's Python bindings (osgeo_utils, Debian python3-gdal) are required but not installed")
		}
		t.Skip("GDAL's Python bindings (osgeo_utils) are not installed")
	}
	path := writeSample(t)
	out, err := exec.Command(python, "-m", "osgeo_utils.samples.validate_gpkg", path).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("validate_gpkg: %v\n%s", err, out)
	}
}
