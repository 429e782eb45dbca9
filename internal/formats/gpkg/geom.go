package gpkg

import (
	"encoding/binary"
	"fmt"
	"math"

	"mineplan/internal/geo"
)

// bilingual is an error with a Chinese and an English text; the layer and
// feature are added by the caller (see featureError).
type bilingual struct{ zh, en string }

func (e *bilingual) Error() string { return e.zh + " / " + e.en }

// errf formats both texts with the same arguments.
func errf(zh, en string, args ...any) *bilingual {
	return &bilingual{zh: fmt.Sprintf(zh, args...), en: fmt.Sprintf(en, args...)}
}

// WKB geometry type codes (OGC Simple Features).
const (
	wkbPolygon      = 3
	wkbMultiPolygon = 6
)

// GeoPackage binary header flags (GeoPackage 1.3, clause 2.1.3).
const (
	flagLittleEndian = 0x01
	flagEnvelopeMask = 0x0e // bits 1–3: envelope contents indicator
	flagEmpty        = 0x10
	flagExtended     = 0x20
)

// envelopeSize is the byte length of the envelope for each indicator value
// 0–4: none, [minx,maxx,miny,maxy], +[minz,maxz], +[minm,maxm], +z+m.
var envelopeSize = [...]int{0, 32, 48, 48, 64}

// encodeGeometry writes m as a GeoPackage geometry blob: magic "GP",
// version 0, little-endian with an [minx,maxx,miny,maxy] envelope, the
// srs_id, then a little-endian WKB MultiPolygon. m must be non-empty.
func encodeGeometry(m geo.MultiPolygon, srsID int32) []byte {
	n := 8 + 32 + 9
	for _, p := range m {
		n += 9
		for _, r := range p {
			n += 4 + 16*len(r)
		}
	}
	le := binary.LittleEndian
	b := make([]byte, 0, n)
	b = append(b, 'G', 'P', 0, flagLittleEndian|1<<1)
	b = le.AppendUint32(b, uint32(srsID))
	bb := m.Bounds()
	for _, v := range [4]float64{bb.MinLon, bb.MaxLon, bb.MinLat, bb.MaxLat} {
		b = le.AppendUint64(b, math.Float64bits(v))
	}
	b = append(b, 1)
	b = le.AppendUint32(b, wkbMultiPolygon)
	b = le.AppendUint32(b, uint32(len(m)))
	for _, p := range m {
		b = append(b, 1)
		b = le.AppendUint32(b, wkbPolygon)
		b = le.AppendUint32(b, uint32(len(p)))
		for _, r := range p {
			b = le.AppendUint32(b, uint32(len(r)))
			for _, pt := range r {
				b = le.AppendUint64(b, math.Float64bits(pt.Lon))
				b = le.AppendUint64(b, math.Float64bits(pt.Lat))
			}
		}
	}
	return b
}

// decodeGeometry reads a GeoPackage geometry blob holding a WKB Polygon or
// MultiPolygon (2D, Z, M or ZM; Z and M are dropped). It accepts either
// byte order in the header and in the WKB, and any envelope type 0–4. It
// returns the srs_id of the header too. Counts are checked against the
// bytes left before anything is allocated, so a hostile blob costs at
// most a few times its own size.
func decodeGeometry(b []byte) (geo.MultiPolygon, int32, error) {
	if len(b) >= 2 && (b[0] != 'G' || b[1] != 'P') {
		return nil, 0, errf("不是 GeoPackage 几何（开头为 %q，应为 \"GP\"）", "not a GeoPackage geometry (starts with %q, want \"GP\")", string(b[:2]))
	}
	if len(b) < 8 {
		return nil, 0, errf("几何数据被截断（只有 %d 字节，头部需 8 字节）", "geometry truncated (%d bytes, the header needs 8)", len(b))
	}
	if b[2] != 0 {
		return nil, 0, errf("不支持的 GeoPackage 几何版本 %d", "unsupported GeoPackage geometry version %d", b[2])
	}
	flags := b[3]
	if flags&flagExtended != 0 {
		return nil, 0, errf("不支持扩展几何类型（ExtendedGeoPackageBinary）", "extended geometry types (ExtendedGeoPackageBinary) are not supported")
	}
	var order binary.ByteOrder = binary.BigEndian
	if flags&flagLittleEndian != 0 {
		order = binary.LittleEndian
	}
	srsID := int32(order.Uint32(b[4:8]))
	env := int(flags&flagEnvelopeMask) >> 1
	if env >= len(envelopeSize) {
		return nil, srsID, errf("无效的包络类型 %d", "invalid envelope contents indicator %d", env)
	}
	start := 8 + envelopeSize[env]
	if len(b) < start {
		return nil, srsID, errf("几何数据被截断（包络需 %d 字节，只有 %d 字节）", "geometry truncated (the envelope needs %d bytes, %d left)", envelopeSize[env], len(b)-8)
	}
	if flags&flagEmpty != 0 {
		return nil, srsID, errf("几何为空", "geometry is empty")
	}
	m, err := decodeWKB(b[start:], start)
	return m, srsID, err
}

// wkbReader reads WKB; base is the offset of b within the whole blob, for
// error messages.
type wkbReader struct {
	b     []byte
	off   int
	base  int
	order binary.ByteOrder
}

func (r *wkbReader) left() int { return len(r.b) - r.off }

func (r *wkbReader) truncated() error {
	return errf("几何数据被截断（第 %d 字节）", "geometry truncated (at byte %d)", r.base+r.off)
}

func (r *wkbReader) u32() (uint32, error) {
	if r.left() < 4 {
		return 0, r.truncated()
	}
	v := r.order.Uint32(r.b[r.off:])
	r.off += 4
	return v, nil
}

// count reads an element count and checks that count elements of at least
// minSize bytes each fit in the bytes left.
func (r *wkbReader) count(minSize int, what, whatZh string) (int, error) {
	n, err := r.u32()
	if err != nil {
		return 0, err
	}
	if uint64(n) > uint64(r.left())/uint64(minSize) {
		return 0, errf("几何数据被截断或损坏：%[1]s数 %[3]d 超出剩余数据（第 %[4]d 字节后只剩 %[5]d 字节）", "geometry truncated or corrupt: %[2]s count %[3]d exceeds the data (only %[5]d bytes left after byte %[4]d)", whatZh, what, n, r.base+r.off, r.left())
	}
	return int(n), nil
}

// header reads a byte-order byte and a geometry type, returning the base
// type (3, 6, …) and the number of ordinates per point (2–4).
func (r *wkbReader) header() (uint32, int, error) {
	if r.left() < 1 {
		return 0, 0, r.truncated()
	}
	switch r.b[r.off] {
	case 0:
		r.order = binary.BigEndian
	case 1:
		r.order = binary.LittleEndian
	default:
		return 0, 0, errf("WKB 字节序标志 %d 无效（第 %d 字节）", "invalid WKB byte order %d (at byte %d)", r.b[r.off], r.base+r.off)
	}
	r.off++
	t, err := r.u32()
	if err != nil {
		return 0, 0, err
	}
	raw := t
	dims := 2
	flagged := false
	if t&0x80000000 != 0 { // OGC 99-402 / EWKB Z flag
		dims++
		t &^= 0x80000000
		flagged = true
	}
	if t&0x40000000 != 0 { // M flag
		dims++
		t &^= 0x40000000
		flagged = true
	}
	if t >= 1000 {
		if flagged || t >= 4000 {
			return 0, 0, errf("不支持的 WKB 几何类型 %d", "unsupported WKB geometry type %d", raw)
		}
		switch t / 1000 {
		case 1, 2: // Z or M
			dims++
		case 3: // ZM
			dims += 2
		}
		t %= 1000
	}
	return t, dims, nil
}

// decodeWKB reads a WKB Polygon or MultiPolygon. Empty polygons inside a
// MultiPolygon are dropped; a result with no polygon is an error.
func decodeWKB(b []byte, base int) (geo.MultiPolygon, error) {
	r := &wkbReader{b: b, base: base}
	t, dims, err := r.header()
	if err != nil {
		return nil, err
	}
	var m geo.MultiPolygon
	switch t {
	case wkbPolygon:
		p, err := r.polygon(dims, 1)
		if err != nil {
			return nil, err
		}
		if len(p) > 0 {
			m = geo.MultiPolygon{p}
		}
	case wkbMultiPolygon:
		// A part is at least 9 bytes: order, type, ring count.
		n, err := r.count(9, "polygon", "多边形")
		if err != nil {
			return nil, err
		}
		m = make(geo.MultiPolygon, 0, n)
		for i := range n {
			pt, pdims, err := r.header()
			if err != nil {
				return nil, err
			}
			if pt != wkbPolygon {
				return nil, errf("多面的第 %d 部分类型为 %s，应为 Polygon", "part %d of the MultiPolygon is a %s, want Polygon", i+1, typeName(pt))
			}
			p, err := r.polygon(pdims, i+1)
			if err != nil {
				return nil, err
			}
			if len(p) > 0 {
				m = append(m, p)
			}
		}
	default:
		return nil, errf("几何类型为 %s，只支持 Polygon 和 MultiPolygon", "geometry type is %s; only Polygon and MultiPolygon are supported", typeName(t))
	}
	if len(m) == 0 {
		return nil, errf("几何为空", "geometry is empty")
	}
	return m, nil
}

// polygon reads a polygon's rings; part numbers the polygon in messages.
// Unclosed rings are closed by repeating the first point.
func (r *wkbReader) polygon(dims, part int) (geo.Polygon, error) {
	nr, err := r.count(4, "ring", "环")
	if err != nil {
		return nil, err
	}
	p := make(geo.Polygon, 0, nr)
	for i := range nr {
		np, err := r.count(8*dims, "point", "点")
		if err != nil {
			return nil, err
		}
		if np < 3 {
			return nil, errf("第 %[1]d 个多边形的第 %[2]d 个环只有 %[3]d 个点", "ring %[2]d of polygon %[1]d has only %[3]d points", part, i+1, np)
		}
		ring := make(geo.Ring, 0, np+1)
		for range np {
			x := math.Float64frombits(r.order.Uint64(r.b[r.off:]))
			y := math.Float64frombits(r.order.Uint64(r.b[r.off+8:]))
			r.off += 8 * dims
			if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
				return nil, errf("第 %[1]d 个多边形的第 %[2]d 个环含非有限坐标 (%[3]g, %[4]g)", "ring %[2]d of polygon %[1]d has a non-finite coordinate (%[3]g, %[4]g)", part, i+1, x, y)
			}
			ring = append(ring, geo.LonLat{Lon: x, Lat: y})
		}
		if ring[0] != ring[len(ring)-1] {
			ring = append(ring, ring[0])
		}
		if len(ring) < 4 {
			return nil, errf("第 %[1]d 个多边形的第 %[2]d 个环只有 %[3]d 个不同的点", "ring %[2]d of polygon %[1]d has only %[3]d distinct points", part, i+1, len(ring)-1)
		}
		p = append(p, ring)
	}
	return p, nil
}

func typeName(t uint32) string {
	names := [...]string{"Geometry", "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"}
	if int(t) < len(names) {
		return names[t]
	}
	return fmt.Sprintf("type %d", t)
}
