package shapefile

import (
	"encoding/binary"
	"testing"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

func TestDBFLimits(t *testing.T) {
	// More records than formats.MaxFeatures: one-byte records, no fields.
	n := formats.MaxFeatures + 1
	dbf := make([]byte, 33+n)
	dbf[0] = 3
	binary.LittleEndian.PutUint32(dbf[4:], uint32(n))
	binary.LittleEndian.PutUint16(dbf[8:], 33)
	binary.LittleEndian.PutUint16(dbf[10:], 1)
	dbf[32] = 0x0D
	for i := 33; i < len(dbf); i++ {
		dbf[i] = ' '
	}
	_, _, err := Read(Files{SHP: rawSHP(5), DBF: dbf})
	wantErr(t, err, ".dbf 有 1000001 条记录，超过上限 1000000", ".dbf has 1000001 records, over the limit of 1000000")

	// More fields than formats.MaxFields.
	var ns [][]byte
	for i := 0; i <= formats.MaxFields; i++ {
		ns = append(ns, []byte("F"))
	}
	_, _, err = Read(Files{SHP: rawSHP(5), DBF: handDBF(0, ns, 1)})
	wantErr(t, err, ".dbf has 1001 fields, over the limit of 1000")
}

func TestVertexLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an 80 MB record")
	}
	n := formats.MaxVerticesPerFeature + 1
	pts := make([]geo.LonLat, n)
	for i := range pts {
		pts[i] = geo.LonLat{Lon: float64(i % 7), Lat: float64(i % 5)}
	}
	pts[n-1] = pts[0]
	shp := rawSHP(5, rawPolygon(shapePolygon, 1, int32(n), []int32{0}, pts))
	_, _, err := Read(Files{SHP: shp, DBF: dbfRecords(t, 1)})
	wantErr(t, err, "第 1 条记录：有 5000001 个点，超过每个要素 5000000 个点的上限", "record 1: has 5000001 points, over the limit of 5000000 per feature")
}

func TestAbsurdCoordinate(t *testing.T) {
	r := sq(0, 0, 10)
	r[2].Lon = 1e300
	_, _, err := Read(Files{SHP: rawSHP(5, rawRings(r)), DBF: dbfRecords(t, 1)})
	wantErr(t, err, "record 1 part 1: point 3 has coordinates (1e+300, 10) outside any coordinate system")
}
