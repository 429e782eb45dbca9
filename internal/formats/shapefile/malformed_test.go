package shapefile

import (
	"math"
	"reflect"
	"testing"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// rawPolygon builds a polygon record's content by hand, without the
// writer's checks, so tests can make any mistake.
func rawPolygon(shapeType int32, nParts, nPoints int32, starts []int32, pts []geo.LonLat) []byte {
	c := make([]byte, polygonFixed+4*len(starts)+16*len(pts))
	le.PutUint32(c[0:], uint32(shapeType))
	le.PutUint32(c[36:], uint32(nParts))
	le.PutUint32(c[40:], uint32(nPoints))
	p := polygonFixed
	for _, s := range starts {
		le.PutUint32(c[p:], uint32(s))
		p += 4
	}
	for _, pt := range pts {
		le.PutUint64(c[p:], math.Float64bits(pt.Lon))
		le.PutUint64(c[p+8:], math.Float64bits(pt.Lat))
		p += 16
	}
	return c
}

// rawRings is rawPolygon for well-counted rings.
func rawRings(rings ...geo.Ring) []byte {
	var starts []int32
	var pts []geo.LonLat
	for _, r := range rings {
		starts = append(starts, int32(len(pts)))
		pts = append(pts, r...)
	}
	return rawPolygon(shapePolygon, int32(len(rings)), int32(len(pts)), starts, pts)
}

// rawSHP frames record contents into a .shp with a correct header.
func rawSHP(fileType int32, contents ...[]byte) []byte {
	b := make([]byte, headerSize)
	for i, c := range contents {
		h := make([]byte, 8)
		be.PutUint32(h, uint32(i+1))
		be.PutUint32(h[4:], uint32(len(c)/2))
		b = append(append(b, h...), c...)
	}
	be.PutUint32(b[0:], fileCode)
	be.PutUint32(b[24:], uint32(len(b)/2))
	le.PutUint32(b[28:], version)
	le.PutUint32(b[32:], uint32(fileType))
	return b
}

// dbfRecords is a valid .dbf with n records of one integer field.
func dbfRecords(t testing.TB, n int) []byte {
	l := &formats.Layer{Fields: []formats.Field{{Name: "id", Type: formats.Integer}}}
	for i := 0; i < n; i++ {
		l.Features = append(l.Features, formats.Feature{Geometry: Polygon4490(), Values: []any{int64(i + 1)}})
	}
	files, _, err := Encode(l, WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return files.DBF
}

func sq(x0, y0, size float64) geo.Ring { // clockwise
	return geo.Ring{{Lon: x0, Lat: y0}, {Lon: x0, Lat: y0 + size}, {Lon: x0 + size, Lat: y0 + size}, {Lon: x0 + size, Lat: y0}, {Lon: x0, Lat: y0}}
}

func TestMalformedSHP(t *testing.T) {
	valid, _, err := Encode(sampleLayer(4490), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	shp := valid.SHP

	// Truncated, with the header now claiming more than is there.
	truncated := shp[:len(shp)-10]
	// Truncated inside record 3 with a header that agrees with the length.
	cut := append([]byte(nil), shp[:len(shp)-10]...)
	be.PutUint32(cut[24:], uint32(len(cut)/2))
	// A 1 KB file whose header claims 100 MB.
	huge := make([]byte, 1024)
	copy(huge, shp[:headerSize])
	be.PutUint32(huge[24:], 50_000_000)

	hole := sq(0, 0, 10)
	ccw := reversed(sq(20, 20, 2)) // counter-clockwise, outside the shell
	open := geo.Ring{{Lon: 0, Lat: 0}, {Lon: 0, Lat: 1}, {Lon: 1, Lat: 1}, {Lon: 1, Lat: 0}, {Lon: 0, Lat: 0.5}}
	nan := sq(0, 0, 1)
	nan[2].Lon = math.NaN()
	nullRec := make([]byte, 4)
	point := make([]byte, 20)
	le.PutUint32(point, 1)

	for _, tc := range []struct {
		name string
		shp  []byte
		nrec int
		want []string
	}{
		{"short", shp[:50], 3, []string{".shp 文件只有 50 字节", ".shp file has 50 bytes, less than its 100-byte header"}},
		{"truncated", truncated, 3, []string{"文件被截断", ".shp header declares " + itoa(len(shp)) + " bytes but the file has " + itoa(len(truncated))}},
		{"cut record", cut, 3, []string{"第 3 条记录：", "record 3: content length", "runs past the end of the file"}},
		{"huge header", huge, 3, []string{".shp header declares 100000000 bytes but the file has 1024"}},
		{"not shp", make([]byte, 200), 3, []string{"header file code is 0, want 9994"}},
		{"huge part count", rawSHP(5, rawPolygon(5, math.MaxInt32, 5, nil, sq(0, 0, 1))), 1,
			[]string{"第 1 条记录：", "record 1: 2147483647 parts but only 5 points"}},
		{"huge point count", rawSHP(5, rawPolygon(5, 1, math.MaxInt32, []int32{0}, sq(0, 0, 1))), 1,
			[]string{"第 1 条记录：", "record 1: 1 parts and 2147483647 points need 34359738400 bytes but the record has 128"}},
		{"huge both", rawSHP(5, rawPolygon(5, 1<<28, math.MaxInt32, []int32{0}, sq(0, 0, 1))), 1,
			[]string{"record 1: 268435456 parts and 2147483647 points need 35433480220 bytes but the record has 128"}},
		{"negative parts", rawSHP(5, rawPolygon(5, -1, 5, []int32{0}, sq(0, 0, 1))), 1, []string{"record 1: invalid part count -1"}},
		{"bad start", rawSHP(5, rawPolygon(5, 2, 10, []int32{0, 7}, append(sq(0, 0, 1), sq(2, 2, 1)...))), 1,
			[]string{"第 1 条记录第 2 部分", "record 1 part 2: start index 7 is beyond the point count 10"}},
		{"unclosed ring", rawSHP(5, rawRings(sq(0, 0, 1)), rawRings(open)), 2,
			[]string{"第 2 条记录第 1 部分：环未闭合", "record 2 part 1: ring not closed"}},
		{"hole outside", rawSHP(5, rawRings(hole, ccw)), 1,
			[]string{"第 1 条记录第 2 部分：内环（逆时针环）不在任何外环内", "record 1 part 2: hole (counter-clockwise ring) is not inside any shell"}},
		{"null shape", rawSHP(5, rawRings(sq(0, 0, 1)), nullRec), 2,
			[]string{"第 2 条记录：空几何", "record 2: null shape: every feature must have a geometry"}},
		{"not finite", rawSHP(5, rawRings(nan)), 1, []string{"record 1 part 1: point 3 has a coordinate that is not a finite number"}},
		{"degenerate", rawSHP(5, rawRings(geo.Ring{{}, {Lon: 1, Lat: 1}, {Lon: 2, Lat: 2}, {}})), 1, []string{"record 1 part 1: ring has zero area"}},
		{"point file", rawSHP(1, point), 1, []string{"不支持的几何类型", "unsupported shape type 1 (Point)"}},
		{"point record", rawSHP(5, point), 1, []string{"record 1: shape type 1 (Point) is not a polygon"}},
		{"short record", rawSHP(5, make([]byte, 2)), 1, []string{"record 1: invalid content length 2"}},
		{"short polygon", rawSHP(5, point[:8]), 1, []string{"record 1: shape type 1 (Point) is not a polygon"}},
		{"short polygon 2", rawSHP(5, rawPolygon(5, 1, 5, nil, nil)[:40]), 1, []string{"record 1: polygon record has 40 bytes, less than 44"}},
		{"count mismatch", rawSHP(5, rawRings(sq(0, 0, 1))), 2, []string{".shp has 1 records but .dbf has 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Read(Files{SHP: tc.shp, DBF: dbfRecords(t, tc.nrec)})
			wantErr(t, err, tc.want...)
		})
	}
}

func TestMalformedDBF(t *testing.T) {
	valid, _, err := Encode(sampleLayer(4490), WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hugeCount := append([]byte(nil), valid.DBF...)
	le.PutUint32(hugeCount[4:], 0xFFFFFFFF)
	badField := append([]byte(nil), valid.DBF...)
	badField[32+16] = 255 // first field 255 wide: past the record
	for _, tc := range []struct {
		name string
		dbf  []byte
		want []string
	}{
		{"missing", nil, []string{"missing .dbf"}},
		{"short", valid.DBF[:20], []string{".dbf file has 20 bytes"}},
		{"truncated", valid.DBF[:len(valid.DBF)-30], []string{"文件被截断", ".dbf header declares 3 records of"}},
		{"huge count", hugeCount, []string{".dbf header declares 4294967295 records"}},
		{"field past record", badField, []string{".dbf field 1 (width 255) runs past the record length"}},
		{"version", append([]byte{0x04}, valid.DBF[1:]...), []string{".dbf version byte 0x04"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Read(Files{SHP: valid.SHP, DBF: tc.dbf})
			wantErr(t, err, tc.want...)
		})
	}
}

func TestNestingFallback(t *testing.T) {
	// Every ring counter-clockwise (a writer that ignored the rule): an
	// island in a lake in a field is read by nesting, with a warning.
	outer, lake, island := reversed(sq(0, 0, 10)), reversed(sq(2, 2, 6)), reversed(sq(4, 4, 2))
	got, warns, err := Read(Files{SHP: rawSHP(5, rawRings(outer, lake, island)), DBF: dbfRecords(t, 1)})
	if err != nil {
		t.Fatal(err)
	}
	g := got.Features[0].Geometry
	if len(g) != 2 || len(g[0]) != 2 || len(g[1]) != 1 || g[0][1][1] != lake[1] || g[1][0][1] != island[1] {
		t.Errorf("geometry %v", g)
	}
	if !hasWarning(warns, "record 1: ", "no clockwise outer ring") {
		t.Errorf("warnings %v", warns)
	}
}

func TestHoleAssignment(t *testing.T) {
	// Two shells, holes listed after both; each hole goes to the shell
	// containing it, a hole touching its shell's boundary included.
	a, b := sq(0, 0, 10), sq(20, 0, 10)
	holeB := reversed(sq(22, 2, 3))
	holeA := geo.Ring{{Lon: 0, Lat: 2}, {Lon: 3, Lat: 3}, {Lon: 0, Lat: 4}, {Lon: 0, Lat: 2}} // counter-clockwise, touching a's edge
	got, _, err := Read(Files{SHP: rawSHP(5, rawRings(a, b, holeB, holeA)), DBF: dbfRecords(t, 1)})
	if err != nil {
		t.Fatal(err)
	}
	g := got.Features[0].Geometry
	want := geo.MultiPolygon{{a, holeA}, {b, holeB}}
	if len(g) != 2 || !sameRings(g[0], want[0]) || !sameRings(g[1], want[1]) {
		t.Errorf("geometry %v, want %v", g, want)
	}
}

func sameRings(a, b geo.Polygon) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func itoa(n int) string {
	return formatInt(int64(n))
}

func formatInt(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	var b []byte
	for n != 0 {
		d := n % 10
		if d < 0 {
			d = -d
		}
		b = append([]byte{byte('0' + d)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}

func TestAssemblyWorkLimit(t *testing.T) {
	defer func(w int64) { maxAssemblyWork = w }(maxAssemblyWork)
	maxAssemblyWork = 1000
	rings := []geo.Ring{sq(0, 0, 100)}
	for i := 0; i < 300; i++ {
		rings = append(rings, reversed(sq(float64(i%10)*5+1, float64(i/10)*3+1, 1)))
	}
	_, _, err := Read(Files{SHP: rawSHP(5, rawRings(rings...)), DBF: dbfRecords(t, 1)})
	wantErr(t, err, "第 1 条记录：内外环关系过于复杂（301 个环）", "record 1: too complex to assemble (301 rings): over the work limit")
}

func TestSingleCounterClockwiseRing(t *testing.T) {
	r := reversed(sq(0, 0, 1))
	got, warns, err := Read(Files{SHP: rawSHP(5, rawRings(sq(5, 5, 1)), rawRings(r)), DBF: dbfRecords(t, 2)})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Features[1].Geometry, geo.MultiPolygon{{r}}) || !hasWarning(warns, "record 2: ", "no clockwise outer ring") || hasWarning(warns, "record 1: ") {
		t.Errorf("geometry %v warnings %v", got.Features[1].Geometry, warns)
	}
}
