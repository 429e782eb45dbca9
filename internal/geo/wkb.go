package geo

import (
	"encoding/binary"
	"fmt"
	"math"
)

// WKB encodes a polygon as little-endian OGC well-known binary.
func (p Polygon) WKB() []byte {
	n := 9
	for _, r := range p {
		n += 4 + 16*len(r)
	}
	b := make([]byte, 0, n)
	b = append(b, 1)
	b = binary.LittleEndian.AppendUint32(b, 3)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(p)))
	for _, r := range p {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(r)))
		for _, pt := range r {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt.Lon))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt.Lat))
		}
	}
	return b
}

// PolygonFromWKB decodes a polygon written by WKB (either byte order).
func PolygonFromWKB(b []byte) (Polygon, error) {
	r := wkbReader{b: b}
	order := r.byte()
	switch order {
	case 0:
		r.order = binary.BigEndian
	case 1:
		r.order = binary.LittleEndian
	default:
		return nil, fmt.Errorf("wkb: bad byte order %d", order)
	}
	typ := r.uint32()
	if typ != 3 {
		return nil, fmt.Errorf("wkb: geometry type %d is not Polygon", typ)
	}
	return r.polygon()
}

type wkbReader struct {
	b     []byte
	off   int
	order binary.ByteOrder
	err   error
}

func (r *wkbReader) need(n int) bool {
	if r.err == nil && r.off+n > len(r.b) {
		r.err = fmt.Errorf("wkb: truncated at byte %d", r.off)
	}
	return r.err == nil
}

func (r *wkbReader) byte() byte {
	if !r.need(1) {
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *wkbReader) uint32() uint32 {
	if !r.need(4) {
		return 0
	}
	r.off += 4
	return r.order.Uint32(r.b[r.off-4:])
}

func (r *wkbReader) uint64() uint64 {
	if !r.need(8) {
		return 0
	}
	r.off += 8
	return r.order.Uint64(r.b[r.off-8:])
}

// WKB encodes a multipolygon as little-endian OGC well-known binary.
func (m MultiPolygon) WKB() []byte {
	b := []byte{1}
	b = binary.LittleEndian.AppendUint32(b, 6)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(m)))
	for _, p := range m {
		b = append(b, p.WKB()...)
	}
	return b
}

// AreaFromWKB reads polygonal WKB — Polygon, MultiPolygon, or a
// GeometryCollection of them, as overlay results come — into a
// multipolygon; points and lines in a collection (where two boundaries
// only touch) carry no area and are skipped.
func AreaFromWKB(b []byte) (MultiPolygon, error) {
	r := &wkbReader{b: b}
	var out MultiPolygon
	if err := r.collect(&out, 0); err != nil {
		return nil, err
	}
	if r.off != len(b) {
		return nil, fmt.Errorf("wkb: %d trailing bytes", len(b)-r.off)
	}
	return out, nil
}

func (r *wkbReader) collect(out *MultiPolygon, depth int) error {
	if depth > 8 {
		return fmt.Errorf("wkb: collections nested too deep")
	}
	switch r.byte() {
	case 0:
		r.order = binary.BigEndian
	case 1:
		r.order = binary.LittleEndian
	default:
		if r.err != nil {
			return r.err
		}
		return fmt.Errorf("wkb: bad byte order at byte %d", r.off-1)
	}
	typ := r.uint32()
	switch typ {
	case 1: // point
		r.off += 16
		return r.bounds()
	case 2: // line string
		n := r.uint32()
		if r.err == nil && int(n)*16 > len(r.b)-r.off {
			return fmt.Errorf("wkb: line claims %d points", n)
		}
		r.off += int(n) * 16
		return r.bounds()
	case 3:
		p, err := r.polygon()
		if err != nil {
			return err
		}
		if len(p) > 0 {
			*out = append(*out, p)
		}
		return nil
	case 4, 5, 6, 7: // multi* and collections
		n := r.uint32()
		if r.err == nil && int(n) > len(r.b)-r.off {
			return fmt.Errorf("wkb: collection claims %d parts", n)
		}
		for i := uint32(0); i < n && r.err == nil; i++ {
			if err := r.collect(out, depth+1); err != nil {
				return err
			}
		}
		return r.err
	}
	if r.err != nil {
		return r.err
	}
	return fmt.Errorf("wkb: geometry type %d is not supported", typ)
}

func (r *wkbReader) bounds() error {
	if r.err == nil && r.off > len(r.b) {
		r.err = fmt.Errorf("wkb: truncated")
	}
	return r.err
}

func (r *wkbReader) polygon() (Polygon, error) {
	nr := r.uint32()
	var p Polygon
	for i := uint32(0); i < nr && r.err == nil; i++ {
		np := r.uint32()
		if r.err == nil && int(np)*16 > len(r.b)-r.off {
			return nil, fmt.Errorf("wkb: ring %d claims %d points, more than the data holds", i, np)
		}
		ring := make(Ring, 0, np)
		for j := uint32(0); j < np; j++ {
			x := math.Float64frombits(r.uint64())
			y := math.Float64frombits(r.uint64())
			ring = append(ring, LonLat{x, y})
		}
		p = append(p, ring)
	}
	return p, r.err
}
