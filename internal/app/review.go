package app

import (
	"context"

	"mineplan/internal/geo"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// StoreData reads the review's register from a store; candidate rights
// come from the database's spatial index.
type StoreData struct {
	Ctx   context.Context
	Store store.RightsReader
}

var _ review.Data = StoreData{}

// LiveRights returns live rights whose box meets bbox.
func (d StoreData) LiveRights(b geo.BBox) ([]rights.Right, error) {
	rs, _, err := d.Store.Rights(d.Ctx, store.RightFilter{BBox: &b, Live: true})
	return rs, err
}

// CountLive counts live rights of a kind.
func (d StoreData) CountLive(k rights.Kind) (int, error) {
	rs, _, err := d.Store.Rights(d.Ctx, store.RightFilter{Kind: k, Live: true})
	return len(rs), err
}
