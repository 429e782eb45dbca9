package gpkg

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// Application ids Read accepts: GeoPackage 1.2+ ("GPKG") and the 1.0 and
// 1.1 ids ("GP10", "GP11").
const (
	appGP10 = 0x47503130
	appGP11 = 0x47503131
)

// Read reads every feature table of the GeoPackage at path (the rows of
// gpkg_contents with data_type 'features', in the order they were added).
// The file is opened read-only and never modified.
//
// Limits (formats): the file is at most MaxInputBytes; each layer at most
// MaxFeatures features, MaxFields fields and MaxValues values; a feature
// at most MaxVerticesPerFeature vertices and all layers together
// MaxVertices; a text value at most MaxStringBytes; every coordinate at
// most MaxAbsCoordinate in absolute value; Real values finite.
func Read(path string) ([]*formats.Layer, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > formats.MaxInputBytes {
		return nil, fmt.Errorf("%[1]s 有 %[2]d 字节，超过 %[3]d 字节的上限 / %[1]s has %[2]d bytes, over the limit of %[3]d", path, st.Size(), int64(formats.MaxInputBytes))
	}
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	name, err := dsn(path, "ro")
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("无法打开 / cannot open %s: %w", path, err)
	}
	defer conn.Close()

	var app int64
	if err := conn.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return nil, fmt.Errorf("无法读取 / cannot read %s: %w", path, err)
	}
	if err := checkApplicationID(path, uint32(app)); err != nil {
		return nil, err
	}

	type table struct {
		name, geom string
		srsID      sql.NullInt64
	}
	var tables []table
	rows, err := conn.QueryContext(ctx, `SELECT c.table_name, g.column_name, g.srs_id
		FROM gpkg_contents c LEFT JOIN gpkg_geometry_columns g ON lower(g.table_name) = lower(c.table_name)
		WHERE c.data_type = 'features' ORDER BY c.rowid`)
	if err != nil {
		return nil, fmt.Errorf("%[1]s 缺少 GeoPackage 系统表 / %[1]s lacks the GeoPackage system tables: %[2]w", path, err)
	}
	for rows.Next() {
		var t table
		var geom sql.NullString
		if err := rows.Scan(&t.name, &geom, &t.srsID); err != nil {
			rows.Close()
			return nil, err
		}
		if !geom.Valid {
			rows.Close()
			return nil, fmt.Errorf("图层 %[1]s 未在 gpkg_geometry_columns 中登记几何列 / layer %[1]s: no geometry column registered in gpkg_geometry_columns", t.name)
		}
		t.geom = geom.String
		tables = append(tables, t)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}

	var layers []*formats.Layer
	vertices := int64(formats.MaxVertices)
	for _, t := range tables {
		srid, err := resolveSRID(ctx, conn, t.name, t.srsID)
		if err != nil {
			return nil, err
		}
		l, err := readLayer(ctx, conn, t.name, t.geom, &vertices)
		if err != nil {
			return nil, err
		}
		l.SRID = srid
		layers = append(layers, l)
	}
	return layers, nil
}

// checkHeader refuses files that are not SQLite databases, and reports a
// foreign application id from the header before SQLite opens the file.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("无法打开 / cannot open: %w", err)
	}
	defer f.Close()
	var h [100]byte
	n, err := io.ReadFull(f, h[:])
	if n == 0 && (err == io.EOF || err == nil) {
		return checkApplicationID(path, 0) // an empty file is an empty database
	}
	if err == io.ErrUnexpectedEOF || (err == nil && !bytes.Equal(h[:16], []byte("SQLite format 3\x00"))) {
		return fmt.Errorf("%[1]s 不是 SQLite 数据库，因而不是 GeoPackage / %[1]s is not an SQLite database, so not a GeoPackage", path)
	}
	if err != nil {
		return fmt.Errorf("无法读取 / cannot read %s: %w", path, err)
	}
	return checkApplicationID(path, binary.BigEndian.Uint32(h[68:72]))
}

func checkApplicationID(path string, app uint32) error {
	switch app {
	case ApplicationID, appGP10, appGP11:
		return nil
	}
	return fmt.Errorf("%[1]s 不是 GeoPackage：application_id 为 0x%08[2]X（%[3]s），应为 0x47504B47（\"GPKG\"）/ %[1]s is not a GeoPackage: application_id is 0x%08[2]X (%[3]s), want 0x47504B47 (\"GPKG\")", path, app, describeID(app))
}

func describeID(app uint32) string {
	if app == 0 {
		return "0 = plain SQLite"
	}
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], app)
	return strconv.Quote(string(b[:]))
}

// resolveSRID turns a GeoPackage srs_id into an EPSG code through
// gpkg_spatial_ref_sys: the organization_coordsys_id of an EPSG row, else
// the EPSG code recognised in the WKT definition. The undefined systems
// -1 and 0 give 0.
func resolveSRID(ctx context.Context, conn *sql.Conn, layer string, srsID sql.NullInt64) (int, error) {
	if !srsID.Valid {
		return 0, fmt.Errorf("图层 %[1]s 的 srs_id 为空 / layer %[1]s: srs_id is NULL", layer)
	}
	if srsID.Int64 == -1 || srsID.Int64 == 0 {
		return 0, nil
	}
	var org, def sql.NullString
	var code sql.NullInt64
	err := conn.QueryRowContext(ctx, `SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?`, srsID.Int64).Scan(&org, &code, &def)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("图层 %[1]s 的 srs_id %[2]d 不在 gpkg_spatial_ref_sys 中 / layer %[1]s: srs_id %[2]d is not in gpkg_spatial_ref_sys", layer, srsID.Int64)
	}
	if err != nil {
		return 0, fmt.Errorf("图层 %[1]s / layer %[1]s: gpkg_spatial_ref_sys: %[2]w", layer, err)
	}
	if strings.EqualFold(org.String, "EPSG") && code.Valid && code.Int64 > 0 && code.Int64 <= math.MaxInt32 {
		return int(code.Int64), nil
	}
	if crs, err := geo.CRSFromWKT(def.String); err == nil {
		return crs.EPSG, nil
	}
	return 0, fmt.Errorf("图层 %[1]s 的坐标系无法识别（srs_id %[2]d，机构 %[3]q，编号 %[4]d）/ layer %[1]s: unrecognised CRS (srs_id %[2]d, organization %[3]q, code %[4]d)", layer, srsID.Int64, org.String, code.Int64)
}

type column struct {
	name, decl string
	pk         int
}

// fieldType maps a declared SQL type to a field type and width: GeoPackage
// names first, then SQLite's affinity rules for other spellings.
func fieldType(decl string) (formats.FieldType, int, bool) {
	d := strings.ToUpper(strings.TrimSpace(decl))
	width := 0
	if m := sizeSuffix.FindStringSubmatch(d); m != nil {
		d = strings.TrimSpace(m[1])
		width, _ = strconv.Atoi(m[2])
	}
	switch d {
	case "TEXT", "VARCHAR", "CHAR", "CHARACTER", "NVARCHAR", "CLOB", "DATE", "DATETIME", "TIMESTAMP", "TIME":
		return formats.String, width, true
	case "INTEGER", "INT", "MEDIUMINT", "SMALLINT", "TINYINT", "BIGINT":
		return formats.Integer, 0, true
	case "REAL", "DOUBLE", "FLOAT", "DOUBLE PRECISION", "NUMERIC", "DECIMAL":
		return formats.Real, 0, true
	case "BOOLEAN", "BOOL":
		return formats.Bool, 0, true
	}
	switch {
	case strings.Contains(d, "INT"):
		return formats.Integer, 0, true
	case strings.Contains(d, "CHAR"), strings.Contains(d, "CLOB"), strings.Contains(d, "TEXT"):
		return formats.String, width, true
	case strings.Contains(d, "REAL"), strings.Contains(d, "FLOA"), strings.Contains(d, "DOUB"):
		return formats.Real, 0, true
	}
	return 0, 0, false
}

var sizeSuffix = regexp.MustCompile(`^(.*?)\s*\(\s*(\d+)\s*(?:,\s*\d+\s*)?\)$`)

func readLayer(ctx context.Context, conn *sql.Conn, name, geomCol string, vertices *int64) (*formats.Layer, error) {
	rows, err := conn.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_info(?)`, name)
	if err != nil {
		return nil, fmt.Errorf("图层 %[1]s 的列无法读取 / layer %[1]s: cannot read its columns: %[2]w", name, err)
	}
	var cols []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.decl, &c.pk); err != nil {
			rows.Close()
			return nil, err
		}
		cols = append(cols, c)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("图层 %[1]s 在 gpkg_contents 中登记，但表不存在 / layer %[1]s is listed in gpkg_contents but the table does not exist", name)
	}

	// The fid is the single INTEGER PRIMARY KEY column.
	fidCol := ""
	npk := 0
	for _, c := range cols {
		if c.pk > 0 {
			npk++
			if strings.EqualFold(strings.TrimSpace(c.decl), "INTEGER") {
				fidCol = c.name
			}
		}
	}
	if npk != 1 {
		fidCol = ""
	}

	l := &formats.Layer{Name: name}
	geomFound := false
	sel := []string{}
	if fidCol != "" {
		sel = append(sel, quote(fidCol))
	}
	sel = append(sel, quote(geomCol))
	for _, c := range cols {
		if c.name == fidCol && fidCol != "" {
			continue
		}
		if strings.EqualFold(c.name, geomCol) {
			geomFound = true
			continue
		}
		ft, width, ok := fieldType(c.decl)
		if !ok {
			return nil, fmt.Errorf("图层 %[1]s 字段 %[2]s 的类型 %[3]q 不受支持（支持 TEXT、INTEGER、REAL、BOOLEAN、DATE、DATETIME）/ layer %[1]s field %[2]s: unsupported type %[3]q (supported: TEXT, INTEGER, REAL, BOOLEAN, DATE, DATETIME)", name, c.name, c.decl)
		}
		l.Fields = append(l.Fields, formats.Field{Name: c.name, Type: ft, Width: width})
		if ft == formats.String {
			// CAST keeps DATE/DATETIME text as text (the driver would
			// otherwise turn it into time.Time).
			sel = append(sel, "CAST("+quote(c.name)+" AS TEXT)")
		} else {
			sel = append(sel, quote(c.name))
		}
	}
	if !geomFound {
		return nil, fmt.Errorf("图层 %[1]s 没有几何列 %[2]s / layer %[1]s has no geometry column %[2]s", name, geomCol)
	}
	if len(l.Fields) > formats.MaxFields {
		return nil, fmt.Errorf("图层 %[1]s 有 %[2]d 个字段，超过上限 %[3]d / layer %[1]s has %[2]d fields, over the limit of %[3]d", name, len(l.Fields), formats.MaxFields)
	}
	q := fmt.Sprintf("SELECT %s FROM %s", strings.Join(sel, ", "), quote(name))
	if fidCol != "" {
		q += " ORDER BY " + quote(fidCol)
	}
	rows, err = conn.QueryContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("图层 %[1]s 无法读取 / layer %[1]s: cannot read: %[2]w", name, err)
	}
	defer rows.Close()
	n := len(sel)
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var ordinal int64
	for rows.Next() {
		ordinal++
		if ordinal > formats.MaxFeatures {
			return nil, fmt.Errorf("图层 %[1]s 的要素超过 %[2]d 个的上限 / layer %[1]s has more than the limit of %[2]d features", name, formats.MaxFeatures)
		}
		if ordinal*int64(len(l.Fields)) > formats.MaxValues {
			return nil, fmt.Errorf("图层 %[1]s 的要素 × 字段超过 %[2]d 个属性值的上限 / layer %[1]s: features × fields exceed the limit of %[2]d values", name, formats.MaxValues)
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("图层 %[1]s 第 %[2]d 行 / layer %[1]s row %[2]d: %[3]w", name, ordinal, err)
		}
		k := 0
		fid := ordinal
		if fidCol != "" {
			v, ok := vals[0].(int64)
			if !ok {
				return nil, fmt.Errorf("图层 %[1]s 第 %[2]d 行的 fid 不是整数 / layer %[1]s row %[2]d: fid is not an integer", name, ordinal)
			}
			fid = v
			k = 1
		}
		var blob []byte
		switch g := vals[k].(type) {
		case nil:
			return nil, featureError(name, fid, errf("几何为空（NULL）", "geometry is empty (NULL)"))
		case []byte:
			blob = g
		case string:
			blob = []byte(g)
		default:
			return nil, featureError(name, fid, errf("几何列不是二进制数据（%T）", "the geometry column is not a blob (%T)", g))
		}
		m, _, err := decodeGeometry(blob)
		if err != nil {
			var b *bilingual
			if errors.As(err, &b) {
				return nil, featureError(name, fid, b)
			}
			return nil, err
		}
		if e := checkVertices(m, vertices); e != nil {
			return nil, featureError(name, fid, e)
		}
		f := formats.Feature{Geometry: m, Values: make([]any, len(l.Fields))}
		for j, fd := range l.Fields {
			v, e := convert(vals[k+1+j], fd.Type)
			if e != nil {
				return nil, featureError(name, fid, errf("字段 %[1]s：%[2]s", "field %[1]s: %[3]s", fd.Name, e.zh, e.en))
			}
			f.Values[j] = v
		}
		l.Features = append(l.Features, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("图层 %[1]s 读取失败 / layer %[1]s: reading failed: %[2]w", name, err)
	}
	return l, nil
}

// checkVertices bounds a feature's vertices and coordinates and charges
// them to what is left of the read's vertex budget.
func checkVertices(m geo.MultiPolygon, left *int64) *bilingual {
	n := 0
	for pi, p := range m {
		for ri, r := range p {
			n += len(r)
			for vi, v := range r {
				if math.Abs(v.Lon) > formats.MaxAbsCoordinate || math.Abs(v.Lat) > formats.MaxAbsCoordinate {
					return errf("第 %[1]d 个多边形第 %[2]d 环第 %[3]d 点的坐标 (%[4]g, %[5]g) 超出任何坐标系的范围", "polygon %[1]d ring %[2]d point %[3]d: coordinates (%[4]g, %[5]g) are outside any coordinate system", pi+1, ri+1, vi+1, v.Lon, v.Lat)
				}
			}
		}
	}
	if n > formats.MaxVerticesPerFeature {
		return errf("有 %[1]d 个点，超过每个要素 %[2]d 个点的上限", "has %[1]d points, over the limit of %[2]d per feature", n, formats.MaxVerticesPerFeature)
	}
	if *left -= int64(n); *left < 0 {
		return errf("文件的点数超过 %[1]d 个的上限", "the file's points exceed the limit of %[1]d", formats.MaxVertices)
	}
	return nil
}

// convert turns a stored value into the field's Go type. SQLite columns
// are loosely typed, so numbers stored in a text column become text and
// integral reals in an integer column become integers; anything else that
// does not fit is an error.
func convert(v any, t formats.FieldType) (any, *bilingual) {
	if v == nil {
		return nil, nil
	}
	switch t {
	case formats.String:
		switch v := v.(type) {
		case string:
			if !utf8.ValidString(v) {
				return nil, errf("文本不是有效的 UTF-8", "text is not valid UTF-8")
			}
			if len(v) > formats.MaxStringBytes {
				return nil, errf("文本长 %[1]d 字节，超过 %[2]d 字节的上限", "the text has %[1]d bytes, over the limit of %[2]d", len(v), formats.MaxStringBytes)
			}
			return v, nil
		case []byte:
			if len(v) > formats.MaxStringBytes {
				return nil, errf("文本长 %[1]d 字节，超过 %[2]d 字节的上限", "the text has %[1]d bytes, over the limit of %[2]d", len(v), formats.MaxStringBytes)
			}
			if !utf8.Valid(v) {
				return nil, errf("文本不是有效的 UTF-8", "text is not valid UTF-8")
			}
			return string(v), nil
		case int64:
			return strconv.FormatInt(v, 10), nil
		case float64:
			return strconv.FormatFloat(v, 'g', -1, 64), nil
		}
	case formats.Integer:
		switch v := v.(type) {
		case int64:
			return v, nil
		case float64:
			if v == math.Trunc(v) && v >= -(1<<63) && v < 1<<63 {
				return int64(v), nil
			}
		}
	case formats.Real:
		switch v := v.(type) {
		case float64:
			if math.IsInf(v, 0) || math.IsNaN(v) {
				return nil, errf("数值 %[1]g 不是有限数", "the number %[1]g is not finite", v)
			}
			return v, nil
		case int64:
			return float64(v), nil
		}
	case formats.Bool:
		switch v := v.(type) {
		case int64:
			return v != 0, nil
		case float64:
			return v != 0, nil
		}
	}
	kz, ke := kindWords(v)
	return nil, errf("%[1]s值 %[3]v 不能作为%[4]s", "value %[3]v (%[2]s) is not %[5]s", kz, ke, shorten(v), typeZH[t], typeEN[t])
}

var (
	typeZH = map[formats.FieldType]string{formats.String: "文本", formats.Integer: "整数", formats.Real: "数值", formats.Bool: "逻辑值"}
	typeEN = map[formats.FieldType]string{formats.String: "text", formats.Integer: "a whole number", formats.Real: "a number", formats.Bool: "true or false"}
)

// kindWords names the kind of a stored value in plain words.
func kindWords(v any) (zh, en string) {
	switch v.(type) {
	case string:
		return "文本", "text"
	case int64:
		return "整数", "a whole number"
	case float64:
		return "数值", "a number"
	case []byte:
		return "二进制", "binary data"
	}
	return "", "a value"
}

func shorten(v any) any {
	if s, ok := v.(string); ok && utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	if b, ok := v.([]byte); ok {
		return fmt.Sprintf("%d bytes", len(b))
	}
	return v
}
