package shapefile

import (
	"encoding/binary"
	"math"

	"mineplan/internal/formats"
	"mineplan/internal/geo"
)

// Shape types.
const (
	shapeNull     = 0
	shapePolygon  = 5
	shapePolygonZ = 15
	shapePolygonM = 25
)

const (
	fileCode   = 9994
	version    = 1000
	headerSize = 100
	// polygonFixed is the fixed part of a polygon record's content: shape
	// type, box, part count and point count.
	polygonFixed = 4 + 32 + 4 + 4
)

var shapeNames = map[int32]string{
	0: "Null", 1: "Point", 3: "PolyLine", 5: "Polygon", 8: "MultiPoint",
	11: "PointZ", 13: "PolyLineZ", 15: "PolygonZ", 18: "MultiPointZ",
	21: "PointM", 23: "PolyLineM", 25: "PolygonM", 28: "MultiPointM", 31: "MultiPatch",
}

func shapeName(t int32) string {
	if n, ok := shapeNames[t]; ok {
		return n
	}
	return "unknown"
}

func isPolygonType(t int32) bool {
	return t == shapePolygon || t == shapePolygonZ || t == shapePolygonM
}

var (
	be = binary.BigEndian
	le = binary.LittleEndian
)

// shpHeader checks a .shp or .shx main header and returns the byte length
// it declares, never more than the data holds.
func shpHeader(b []byte, ext string) (length int, shapeType int32, err error) {
	if len(b) < headerSize {
		return 0, 0, errorf("%s 文件只有 %d 字节，不足 100 字节的文件头", "%s file has %d bytes, less than its 100-byte header", ext, len(b))
	}
	if code := int32(be.Uint32(b[0:])); code != fileCode {
		return 0, 0, errorf("%s 文件头标识为 %d，应为 9994（不是 Shapefile）", "%s header file code is %d, want 9994 (not a shapefile)", ext, code)
	}
	words := int64(int32(be.Uint32(b[24:])))
	declared := words * 2
	if declared < headerSize {
		return 0, 0, errorf("%s 文件头声明的长度 %d 字节小于文件头本身", "%s header declares a length of %d bytes, less than the header itself", ext, declared)
	}
	if declared > int64(len(b)) {
		return 0, 0, errorf("%s 文件头声明长度为 %d 字节，但文件只有 %d 字节（文件被截断或已损坏）", "%s header declares %d bytes but the file has %d (truncated or corrupt)", ext, declared, len(b))
	}
	shapeType = int32(le.Uint32(b[32:]))
	return int(declared), shapeType, nil
}

// readSHP walks the .shp records in file order. skip(i) reports whether
// record i (1-based) is deleted in the .dbf, in which case only its
// framing is checked.
func readSHP(b []byte, skip func(int) bool, ws *warnings) ([]geo.MultiPolygon, error) {
	end, fileType, err := shpHeader(b, ".shp")
	if err != nil {
		return nil, err
	}
	if fileType != shapeNull && !isPolygonType(fileType) {
		return nil, errorf("不支持的几何类型 %d（%s），只支持面（Polygon、PolygonZ、PolygonM）", "unsupported shape type %d (%s); only Polygon, PolygonZ and PolygonM are read", fileType, shapeName(fileType))
	}
	if end < len(b) {
		ws.add(0, "", ".shp 文件头声明 %d 字节，文件实有 %d 字节；多余部分已忽略", ".shp header declares %d bytes but the file has %d; the rest is ignored", end, len(b))
	}
	var out []geo.MultiPolygon
	work := maxAssemblyWork
	vertices := int64(formats.MaxVertices)
	off := headerSize
	for rec := 1; off < end; rec++ {
		if rec > formats.MaxFeatures {
			return nil, errorf(".shp 的记录超过 %d 条上限", ".shp has more than the limit of %d records", formats.MaxFeatures)
		}
		if end-off < 8 {
			return nil, recordErrorf(rec, "记录头不完整（剩余 %d 字节，需要 8 字节）", "incomplete record header (%d bytes left, need 8)", end-off)
		}
		clen := int64(int32(be.Uint32(b[off+4:]))) * 2
		if clen < 4 {
			return nil, recordErrorf(rec, "内容长度 %d 字节无效", "invalid content length %d bytes", clen)
		}
		if clen > int64(end-off-8) {
			return nil, recordErrorf(rec, "内容长度 %d 字节超出文件末尾（剩余 %d 字节）", "content length %d bytes runs past the end of the file (%d bytes left)", clen, end-off-8)
		}
		content := b[off+8 : off+8+int(clen)]
		off += 8 + int(clen)
		if skip(rec) {
			out = append(out, nil)
			continue
		}
		g, err := readPolygon(rec, content, ws, &work, &vertices)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// readPolygon decodes one record's content. Z and M values are ignored.
// vertices is what is left of the layer's vertex budget.
func readPolygon(rec int, c []byte, ws *warnings, work, vertices *int64) (geo.MultiPolygon, error) {
	st := int32(le.Uint32(c))
	if st == shapeNull {
		return nil, recordErrorf(rec, "空几何（Null shape），每个要素都必须有几何", "null shape: every feature must have a geometry")
	}
	if !isPolygonType(st) {
		return nil, recordErrorf(rec, "几何类型 %d（%s）不是面", "shape type %d (%s) is not a polygon", st, shapeName(st))
	}
	if len(c) < polygonFixed {
		return nil, recordErrorf(rec, "面记录只有 %d 字节，不足 %d 字节", "polygon record has %d bytes, less than %d", len(c), polygonFixed)
	}
	nParts := int64(int32(le.Uint32(c[36:])))
	nPoints := int64(int32(le.Uint32(c[40:])))
	if nParts < 1 {
		return nil, recordErrorf(rec, "部分数 %d 无效（至少为 1）", "invalid part count %d (need at least 1)", nParts)
	}
	if nPoints < 4*nParts {
		return nil, recordErrorf(rec, "%d 个部分只有 %d 个点（每个闭合环至少 4 个点）", "%d parts but only %d points (a closed ring needs at least 4)", nParts, nPoints)
	}
	// Check the counts against the bytes actually present before
	// allocating anything from them.
	need := polygonFixed + 4*nParts + 16*nPoints
	if need > int64(len(c)) {
		return nil, recordErrorf(rec, "%d 个部分、%d 个点需要 %d 字节，记录只有 %d 字节", "%d parts and %d points need %d bytes but the record has %d", nParts, nPoints, need, len(c))
	}
	if nPoints > formats.MaxVerticesPerFeature {
		return nil, recordErrorf(rec, "有 %d 个点，超过每个要素 %d 个点的上限", "has %d points, over the limit of %d per feature", nPoints, formats.MaxVerticesPerFeature)
	}
	if *vertices -= nPoints; *vertices < 0 {
		return nil, recordErrorf(rec, "图层的点数超过 %d 个的上限", "the layer's points exceed the limit of %d", formats.MaxVertices)
	}
	np, npts := int(nParts), int(nPoints)
	starts := make([]int, np+1)
	for i := 0; i < np; i++ {
		s := int64(int32(le.Uint32(c[polygonFixed+4*i:])))
		switch {
		case i == 0 && s != 0:
			return nil, partErrorf(rec, 1, "起始点序号为 %d，应为 0", "starts at point %d, want 0", s)
		case i > 0 && s < int64(starts[i-1])+4:
			return nil, partErrorf(rec, i+1, "起始点序号 %d 无效（前一部分从 %d 开始，每个环至少 4 个点）", "invalid start index %d (previous part starts at %d; a ring needs at least 4 points)", s, starts[i-1])
		case s > nPoints-4:
			return nil, partErrorf(rec, i+1, "起始点序号 %d 超出点数 %d", "start index %d is beyond the point count %d", s, nPoints)
		}
		starts[i] = int(s)
	}
	starts[np] = npts
	pts := make(geo.Ring, npts)
	base := polygonFixed + 4*np
	for i := range pts {
		x := math.Float64frombits(le.Uint64(c[base+16*i:]))
		y := math.Float64frombits(le.Uint64(c[base+16*i+8:]))
		pts[i] = geo.LonLat{Lon: x, Lat: y}
	}
	rings := make([]partRing, np)
	for i := 0; i < np; i++ {
		r := pts[starts[i]:starts[i+1]:starts[i+1]]
		for j, p := range r {
			if math.IsNaN(p.Lon) || math.IsNaN(p.Lat) || math.IsInf(p.Lon, 0) || math.IsInf(p.Lat, 0) {
				return nil, partErrorf(rec, i+1, "第 %d 个点的坐标不是有限数", "point %d has a coordinate that is not a finite number", j+1)
			}
		}
		for j, p := range r {
			if math.Abs(p.Lon) > formats.MaxAbsCoordinate || math.Abs(p.Lat) > formats.MaxAbsCoordinate {
				return nil, partErrorf(rec, i+1, "第 %d 个点的坐标 (%g, %g) 超出任何坐标系的范围（绝对值上限 %g）", "point %d has coordinates (%g, %g) outside any coordinate system (absolute limit %g)", j+1, p.Lon, p.Lat, formats.MaxAbsCoordinate)
			}
		}
		if r[0] != r[len(r)-1] {
			return nil, partErrorf(rec, i+1, "环未闭合（首点 (%g, %g) 与末点 (%g, %g) 不同）", "ring not closed (first point (%g, %g) differs from last (%g, %g))",
				r[0].Lon, r[0].Lat, r[len(r)-1].Lon, r[len(r)-1].Lat)
		}
		a := ringArea2(r)
		if a == 0 || math.IsNaN(a) || math.IsInf(a, 0) {
			return nil, partErrorf(rec, i+1, "环的面积为零（退化环）", "ring has zero area (degenerate)")
		}
		rings[i] = partRing{pts: r, area: a, bbox: geo.Ring(r).Bounds()}
	}
	if np == 1 { // the common case: nothing to assemble
		if rings[0].area > 0 {
			ws.add(rec, "", noCWzh, noCWen)
		}
		return geo.MultiPolygon{{rings[0].pts}}, nil
	}
	return assemble(rec, rings, ws, work)
}

// writeSHPHeader fills a 100-byte .shp/.shx header.
func writeSHPHeader(b []byte, length int, box geo.BBox) {
	be.PutUint32(b[0:], fileCode)
	be.PutUint32(b[24:], uint32(length/2))
	le.PutUint32(b[28:], version)
	le.PutUint32(b[32:], shapePolygon)
	le.PutUint64(b[36:], math.Float64bits(box.MinLon))
	le.PutUint64(b[44:], math.Float64bits(box.MinLat))
	le.PutUint64(b[52:], math.Float64bits(box.MaxLon))
	le.PutUint64(b[60:], math.Float64bits(box.MaxLat))
	// Z and M ranges stay zero.
}
