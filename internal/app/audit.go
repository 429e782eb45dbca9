package app

import (
	"context"

	"mineplan/internal/geo"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// OverlapPair is two live rights that share ground.
type OverlapPair struct {
	A, B   string
	AreaM2 float64 `json:"area_m2"`
}

// RegisterAudit is the overlap audit of the live register.
type RegisterAudit struct {
	LiveRights  int           `json:"live_rights"`
	Overlapping []OverlapPair `json:"overlapping"`
	// TouchingPairs counts pairs of parts whose boundaries meet without
	// sharing area; they are not overlaps.
	TouchingPairs int `json:"touching_pairs"`
}

// AuditRegister finds every pair of live rights that share a positive
// area. Each part of a multi-part right is audited on its own, and the
// overlap of two parts of one right is not a finding.
func AuditRegister(ctx context.Context, st store.RightsReader) (RegisterAudit, error) {
	rs, _, err := st.Rights(ctx, store.RightFilter{Live: true})
	if err != nil {
		return RegisterAudit{}, err
	}
	var polys []geo.Polygon
	var owner []int
	for i, r := range rs {
		for _, p := range r.Geometry {
			polys = append(polys, p)
			owner = append(owner, i)
		}
	}
	partIDs := make([]int64, len(polys))
	for i := range polys {
		partIDs[i] = int64(i)
	}
	res := review.AuditOverlaps(partIDs, polys)
	audit := RegisterAudit{LiveRights: len(rs), TouchingPairs: res.Touching}
	for _, p := range res.Overlapping {
		a, b := rs[owner[p.A]], rs[owner[p.B]]
		if a.ID != b.ID {
			audit.Overlapping = append(audit.Overlapping, OverlapPair{rightLabel(a), rightLabel(b), p.AreaM2})
		}
	}
	return audit, nil
}

// rightLabel names a right by licence number, or by ID before it has one.
func rightLabel(r rights.Right) string {
	if r.LicenceNumber != "" {
		return r.LicenceNumber
	}
	return r.ID
}
