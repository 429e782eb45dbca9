package gpkg

import (
	"encoding/binary"
	"strings"
	"testing"

	"mineplan/internal/geo"
)

func TestReadRefusesAbsurdValues(t *testing.T) {
	t.Run("infinite real", func(t *testing.T) {
		path := writeSample(t)
		db := editable(t, path)
		mustExec(t, db, `UPDATE zones SET "面积" = 1e999 WHERE fid = 2`)
		db.Close()
		_, err := Read(path)
		if err == nil || !strings.Contains(err.Error(), "图层 zones 要素 2：字段 面积：数值 +Inf 不是有限数 / layer zones feature 2: field 面积: the number +Inf is not finite") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("absurd coordinate", func(t *testing.T) {
		path := writeSample(t)
		db := editable(t, path)
		poly := geo.Polygon{ring(76.1, 39.1, 1e300, 39.1, 76.9, 39.8)}
		mustExec(t, db, `UPDATE zones SET geom = ? WHERE fid = 1`, gp(binary.LittleEndian, 1, wkb(binary.LittleEndian, 3, 0, 2, geo.MultiPolygon{poly})))
		db.Close()
		_, err := Read(path)
		if err == nil || !strings.Contains(err.Error(), "layer zones feature 1: polygon 1 ring 1 point 2: coordinates (1e+300, 39.1) are outside any coordinate system") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("long text", func(t *testing.T) {
		path := writeSample(t)
		db := editable(t, path)
		mustExec(t, db, `UPDATE zones SET "备注" = ? WHERE fid = 1`, strings.Repeat("x", 1<<20+1))
		db.Close()
		_, err := Read(path)
		if err == nil || !strings.Contains(err.Error(), "layer zones feature 1: field 备注: the text has 1048577 bytes, over the limit of 1048576") {
			t.Errorf("err = %v", err)
		}
	})
}
