package gpkg

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// Header values of a GeoPackage 1.3 file.
const (
	ApplicationID = 0x47504B47 // "GPKG"
	UserVersion   = 10300      // GeoPackage 1.3.0
)

// GeometryColumn is the name of the geometry column Write creates.
const GeometryColumn = "geom"

// FIDColumn is the name of the integer primary key Write creates.
const FIDColumn = "fid"

const rtreeDefinition = "http://www.geopackage.org/spec120/#extension_rtree"

// Write creates a GeoPackage at path holding one MULTIPOLYGON feature
// table per layer, each with an R-tree spatial index. It refuses to
// overwrite an existing file. Everything is written in one transaction;
// on any error the partial file is removed.
func Write(path string, layers []*formats.Layer) error {
	crss, err := checkLayers(layers)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("文件 %[1]s 已存在，不会覆盖 / %[1]s already exists; not overwriting it", path)
		}
		return fmt.Errorf("无法创建 / cannot create %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	if err := write(path, layers, crss); err != nil {
		for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
		return err
	}
	return nil
}

// checkLayers validates everything that does not need the geometry, so
// that most mistakes are refused before the file is created. It returns
// the CRS of each distinct SRID, in order of first use.
func checkLayers(layers []*formats.Layer) ([]geo.CRS, error) {
	if len(layers) == 0 {
		return nil, errors.New("没有图层可写 / no layers to write")
	}
	var crss []geo.CRS
	seenSRID := map[int]bool{}
	seenName := map[string]bool{}
	for i, l := range layers {
		if l == nil {
			return nil, fmt.Errorf("第 %[1]d 个图层为 nil / layer %[1]d is nil", i+1)
		}
		if err := checkName(l.Name); err != nil {
			return nil, fmt.Errorf("第 %[1]d 个图层名 %[2]q：%[3]s / layer %[1]d name %[2]q: %[4]s", i+1, l.Name, err.zh, err.en)
		}
		for _, p := range []string{"gpkg_", "rtree_", "sqlite_"} {
			if strings.HasPrefix(strings.ToLower(l.Name), p) {
				return nil, fmt.Errorf("图层名 %[1]q 以保留前缀 %[2]s 开头 / layer name %[1]q starts with the reserved prefix %[2]s", l.Name, p)
			}
		}
		key := strings.ToLower(l.Name)
		if seenName[key] {
			return nil, fmt.Errorf("图层名 %[1]q 重复（不区分大小写）/ duplicate layer name %[1]q (names are case-insensitive)", l.Name)
		}
		seenName[key] = true
		if err := l.Validate(); err != nil {
			var ve *formats.ValidationError
			if errors.As(err, &ve) {
				return nil, fmt.Errorf("图层 %[1]s 无效：%[2]s / layer %[1]s is invalid: %[3]s", l.Name, ve.ZH, ve.EN)
			}
			return nil, fmt.Errorf("图层 %[1]s 无效 / layer %[1]s is invalid: %[2]w", l.Name, err)
		}
		seenField := map[string]bool{}
		for _, fd := range l.Fields {
			if err := checkName(fd.Name); err != nil {
				return nil, fmt.Errorf("图层 %[1]s 字段名 %[2]q：%[3]s / layer %[1]s field name %[2]q: %[4]s", l.Name, fd.Name, err.zh, err.en)
			}
			k := strings.ToLower(fd.Name)
			if k == FIDColumn || k == GeometryColumn {
				return nil, fmt.Errorf("图层 %[1]s 字段名 %[2]q 与保留列名冲突 / layer %[1]s: field name %[2]q clashes with a reserved column (%[3]s, %[4]s)", l.Name, fd.Name, FIDColumn, GeometryColumn)
			}
			if seenField[k] {
				return nil, fmt.Errorf("图层 %[1]s 字段名 %[2]q 重复（不区分大小写）/ layer %[1]s: duplicate field name %[2]q (names are case-insensitive)", l.Name, fd.Name)
			}
			seenField[k] = true
			if fd.Type < formats.String || fd.Type > formats.Bool {
				return nil, fmt.Errorf("图层 %[1]s 字段 %[2]s 类型 %[3]d 无效 / layer %[1]s field %[2]s: invalid type %[3]d", l.Name, fd.Name, int(fd.Type))
			}
		}
		crs, err := geo.LookupCRS(l.SRID)
		if err != nil {
			return nil, fmt.Errorf("图层 %[1]s / layer %[1]s: %[2]w", l.Name, err)
		}
		if !seenSRID[l.SRID] {
			seenSRID[l.SRID] = true
			crss = append(crss, crs)
		}
	}
	return crss, nil
}

func checkName(s string) *bilingual {
	switch {
	case s == "":
		return errf("名称为空", "empty name")
	case !utf8.ValidString(s):
		return errf("不是有效的 UTF-8", "not valid UTF-8")
	case strings.ContainsRune(s, 0):
		return errf("含 NUL 字符", "contains a NUL character")
	}
	return nil
}

// checkGeometry checks what GeoPackage readers rely on: every polygon has
// rings, every ring is closed with at least 4 points, coordinates are
// finite.
func checkGeometry(m geo.MultiPolygon) *bilingual {
	for i, p := range m {
		if len(p) == 0 {
			return errf("第 %d 个多边形没有环", "polygon %d has no rings", i+1)
		}
		for j, r := range p {
			if len(r) < 4 {
				return errf("第 %[1]d 个多边形的第 %[2]d 个环只有 %[3]d 个点（至少 4 个）", "ring %[2]d of polygon %[1]d has %[3]d points (at least 4 needed)", i+1, j+1, len(r))
			}
			if r[0] != r[len(r)-1] {
				return errf("第 %[1]d 个多边形的第 %[2]d 个环未闭合", "ring %[2]d of polygon %[1]d is not closed", i+1, j+1)
			}
			for _, pt := range r {
				if !finite(pt.Lon) || !finite(pt.Lat) {
					return errf("第 %[1]d 个多边形的第 %[2]d 个环含非有限坐标 (%[3]g, %[4]g)", "ring %[2]d of polygon %[1]d has a non-finite coordinate (%[3]g, %[4]g)", i+1, j+1, pt.Lon, pt.Lat)
				}
			}
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// dsn is a modernc.org/sqlite URI for path with SQLite's mode parameter.
func dsn(path, mode string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: C:/x → /C:/x
	}
	return "file:" + (&url.URL{Path: p}).EscapedPath() + "?mode=" + mode, nil
}

// quote quotes an SQL identifier.
func quote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

var sqlType = map[formats.FieldType]string{
	formats.String:  "TEXT",
	formats.Integer: "INTEGER",
	formats.Real:    "REAL",
	formats.Bool:    "BOOLEAN",
}

const schema = `
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE,
  min_y DOUBLE,
  max_x DOUBLE,
  max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
`

const insertSRS = `INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES (?, ?, 'EPSG', ?, ?, ?)`

func write(path string, layers []*formats.Layer, crss []geo.CRS) (err error) {
	name, err := dsn(path, "rw")
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", name+"&_pragma=foreign_keys(1)")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("关闭 / closing %s: %w", path, cerr)
		}
	}()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("无法写入 / cannot write %s: %w", path, err)
	}
	defer tx.Rollback() // no-op after Commit
	exec := func(q string, args ...any) error {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("写入 GeoPackage 失败 / writing GeoPackage failed: %w (SQL: %.120s)", err, strings.TrimSpace(q))
		}
		return nil
	}
	for _, q := range []string{
		fmt.Sprintf("PRAGMA application_id = %d", ApplicationID),
		fmt.Sprintf("PRAGMA user_version = %d", UserVersion),
		schema,
	} {
		if err := exec(q); err != nil {
			return err
		}
	}
	// EPSG:4326 is mandatory; add it first, then the layers' systems.
	wgs84, _ := geo.LookupCRS(geo.EPSG4326)
	if err := exec(insertSRS, "WGS 84 geodetic", 4326, 4326, wgs84.WKT(), "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"); err != nil {
		return err
	}
	for _, c := range crss {
		if c.EPSG == geo.EPSG4326 {
			continue
		}
		if err := exec(insertSRS, c.Name, c.EPSG, c.EPSG, c.WKT(), nil); err != nil {
			return err
		}
	}
	for _, l := range layers {
		if err := writeLayer(ctx, tx, exec, l); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("提交失败 / commit failed: %w", err)
	}
	return nil
}

func writeLayer(ctx context.Context, tx *sql.Tx, exec func(string, ...any) error, l *formats.Layer) error {
	t := l.Name
	rtree := "rtree_" + t + "_" + GeometryColumn
	cols := []string{quote(FIDColumn) + " INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL", quote(GeometryColumn) + " MULTIPOLYGON"}
	names := []string{quote(GeometryColumn)}
	marks := []string{"?"}
	for _, f := range l.Fields {
		cols = append(cols, quote(f.Name)+" "+sqlType[f.Type])
		names = append(names, quote(f.Name))
		marks = append(marks, "?")
	}
	if err := exec(fmt.Sprintf("CREATE TABLE %s (%s)", quote(t), strings.Join(cols, ", "))); err != nil {
		return err
	}
	if err := exec(fmt.Sprintf("CREATE VIRTUAL TABLE %s USING rtree(id, minx, maxx, miny, maxy)", quote(rtree))); err != nil {
		return err
	}
	ins, err := tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", quote(t), strings.Join(names, ", "), strings.Join(marks, ", ")))
	if err != nil {
		return fmt.Errorf("图层 %[1]s / layer %[1]s: %[2]w", t, err)
	}
	defer ins.Close()
	idx, err := tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %s (id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)", quote(rtree)))
	if err != nil {
		return fmt.Errorf("图层 %[1]s / layer %[1]s: %[2]w", t, err)
	}
	defer idx.Close()

	ext := geo.BBox{MinLon: math.Inf(1), MinLat: math.Inf(1), MaxLon: math.Inf(-1), MaxLat: math.Inf(-1)}
	args := make([]any, 1+len(l.Fields))
	for i, f := range l.Features {
		if e := checkGeometry(f.Geometry); e != nil {
			return featureError(t, int64(i+1), e)
		}
		args[0] = encodeGeometry(f.Geometry, int32(l.SRID))
		for j, v := range f.Values {
			switch v := v.(type) {
			case bool:
				args[1+j] = int64(0)
				if v {
					args[1+j] = int64(1)
				}
			case string:
				if !utf8.ValidString(v) {
					return featureError(t, int64(i+1), errf("字段 %s 的值不是有效的 UTF-8", "field %s: value is not valid UTF-8", l.Fields[j].Name))
				}
				args[1+j] = v
			case float64:
				if !finite(v) {
					return featureError(t, int64(i+1), errf("字段 %[1]s 的值 %[2]g 不是有限数（无值请用 nil）", "field %[1]s: value %[2]g is not finite (use nil for no value)", l.Fields[j].Name, v))
				}
				args[1+j] = v
			default:
				args[1+j] = v
			}
		}
		res, err := ins.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("图层 %[1]s 要素 %[2]d 写入失败 / layer %[1]s feature %[2]d: insert failed: %[3]w", t, i+1, err)
		}
		fid, err := res.LastInsertId()
		if err != nil {
			return err
		}
		b := f.Geometry.Bounds()
		if _, err := idx.ExecContext(ctx, fid, b.MinLon, b.MaxLon, b.MinLat, b.MaxLat); err != nil {
			return fmt.Errorf("图层 %[1]s 要素 %[2]d 空间索引写入失败 / layer %[1]s feature %[2]d: R-tree insert failed: %[3]w", t, i+1, err)
		}
		ext.MinLon, ext.MinLat = math.Min(ext.MinLon, b.MinLon), math.Min(ext.MinLat, b.MinLat)
		ext.MaxLon, ext.MaxLat = math.Max(ext.MaxLon, b.MaxLon), math.Max(ext.MaxLat, b.MaxLat)
	}
	var bounds []any
	if len(l.Features) > 0 {
		bounds = []any{ext.MinLon, ext.MinLat, ext.MaxLon, ext.MaxLat}
	} else {
		bounds = []any{nil, nil, nil, nil}
	}
	if err := exec(`INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, '', ?, ?, ?, ?, ?)`,
		append(append([]any{t, t}, bounds...), l.SRID)...); err != nil {
		return err
	}
	if err := exec(`INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES (?, ?, 'MULTIPOLYGON', ?, 0, 0)`, t, GeometryColumn, l.SRID); err != nil {
		return err
	}
	if err := exec(`INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) VALUES (?, ?, 'gpkg_rtree_index', ?, 'write-only')`, t, GeometryColumn, rtreeDefinition); err != nil {
		return err
	}
	// The triggers call the ST_* functions a GeoPackage-aware SQLite
	// (GDAL, SpatiaLite) provides; they are created after the rows so
	// that our own inserts above do not fire them.
	for _, q := range rtreeTriggers(t, GeometryColumn, FIDColumn) {
		if err := exec(q); err != nil {
			return err
		}
	}
	return nil
}

// rtreeTriggers are the six triggers of the GeoPackage 1.3 R-tree
// extension (F.3) that keep rtree_<t>_<c> in step with table t.
func rtreeTriggers(t, c, i string) []string {
	rt := "rtree_" + t + "_" + c
	r := strings.NewReplacer(
		"<rt>", quote(rt),
		"<t>", quote(t),
		"<c>", quote(c),
		"<i>", quote(i),
		"<name>", strings.TrimSuffix(quote(rt), `"`),
	)
	var out []string
	for _, q := range []string{
		`CREATE TRIGGER <name>_insert" AFTER INSERT ON <t>
WHEN (new.<c> NOT NULL AND NOT ST_IsEmpty(NEW.<c>))
BEGIN
  INSERT OR REPLACE INTO <rt> VALUES (
    NEW.<i>,
    ST_MinX(NEW.<c>), ST_MaxX(NEW.<c>),
    ST_MinY(NEW.<c>), ST_MaxY(NEW.<c>)
  );
END`,
		`CREATE TRIGGER <name>_update1" AFTER UPDATE OF <c> ON <t>
WHEN OLD.<i> = NEW.<i> AND
     (NEW.<c> NOTNULL AND NOT ST_IsEmpty(NEW.<c>))
BEGIN
  INSERT OR REPLACE INTO <rt> VALUES (
    NEW.<i>,
    ST_MinX(NEW.<c>), ST_MaxX(NEW.<c>),
    ST_MinY(NEW.<c>), ST_MaxY(NEW.<c>)
  );
END`,
		`CREATE TRIGGER <name>_update2" AFTER UPDATE OF <c> ON <t>
WHEN OLD.<i> = NEW.<i> AND
     (NEW.<c> ISNULL OR ST_IsEmpty(NEW.<c>))
BEGIN
  DELETE FROM <rt> WHERE id = OLD.<i>;
END`,
		`CREATE TRIGGER <name>_update3" AFTER UPDATE ON <t>
WHEN OLD.<i> != NEW.<i> AND
     (NEW.<c> NOTNULL AND NOT ST_IsEmpty(NEW.<c>))
BEGIN
  DELETE FROM <rt> WHERE id = OLD.<i>;
  INSERT OR REPLACE INTO <rt> VALUES (
    NEW.<i>,
    ST_MinX(NEW.<c>), ST_MaxX(NEW.<c>),
    ST_MinY(NEW.<c>), ST_MaxY(NEW.<c>)
  );
END`,
		`CREATE TRIGGER <name>_update4" AFTER UPDATE ON <t>
WHEN OLD.<i> != NEW.<i> AND
     (NEW.<c> ISNULL OR ST_IsEmpty(NEW.<c>))
BEGIN
  DELETE FROM <rt> WHERE id IN (OLD.<i>, NEW.<i>);
END`,
		`CREATE TRIGGER <name>_delete" AFTER DELETE ON <t>
WHEN old.<c> NOT NULL
BEGIN
  DELETE FROM <rt> WHERE id = OLD.<i>;
END`,
	} {
		out = append(out, r.Replace(q))
	}
	return out
}

// featureError names the layer and feature in both languages, e.g.
// "图层 zones 要素 3：几何数据被截断 / layer zones feature 3: geometry truncated".
func featureError(layer string, fid int64, e *bilingual) error {
	return &FeatureError{Layer: layer, FID: fid, zh: e.zh, en: e.en}
}

// FeatureError is an error about one feature: a malformed geometry blob or
// value when reading, an invalid geometry when writing. FID is the
// feature's fid (when writing, its 1-based position in the layer, which is
// the fid it gets).
type FeatureError struct {
	Layer  string
	FID    int64
	zh, en string
}

func (e *FeatureError) Error() string {
	return fmt.Sprintf("图层 %[1]s 要素 %[2]d：%[3]s / layer %[1]s feature %[2]d: %[4]s", e.Layer, e.FID, e.zh, e.en)
}
