// Package store is the storage contract: the interfaces every backend
// implements and the errors they map their drivers' errors to. It depends
// on no driver; the backends live in sqlite and postgis, and storetest is
// the conformance suite they both pass.
package store

import (
	"context"
	"errors"
	"time"

	"mineplan/internal/geo"
)

// Errors every backend maps its driver's errors to.
var (
	ErrNotFound       = errors.New("not found")
	ErrConflict       = errors.New("conflict with stored data")
	ErrSchemaOutdated = errors.New("database schema is older than this program: run `mineplan migrate`")
	ErrSchemaUnknown  = errors.New("database schema is newer than this program or not mineplan's")
)

// PlanRevision describes one stored revision of a plan bundle.
type PlanRevision struct {
	PlanID   string    `json:"plan_id"`
	Number   int       `json:"revision"`
	Hash     string    `json:"bundle_hash"`
	Title    string    `json:"title"`
	LoadedAt time.Time `json:"loaded_at"`
	Files    int       `json:"files"`
}

// NewPlanRevision is what a backend needs to store a revision: the bundle's
// files exactly as read, and the zone layer derived from them.
type NewPlanRevision struct {
	PlanID string
	Title  string
	Hash   string
	Files  map[string][]byte
	Zones  []ZoneFeature
	At     time.Time
}

// ZoneFeature is one stored zone of a revision.
type ZoneFeature struct {
	Code         string
	Name         string
	Type         string
	Level        string
	Illustrative bool
	// Properties is the feature's GeoJSON properties, as JSON.
	Properties []byte
	Geometry   geo.Polygon // nil when the zone has no geometry
}

// PlanStore keeps plan revisions. Revisions are never overwritten: saving
// a bundle whose hash equals the latest revision's is a no-op, and any
// other bundle becomes revision N+1.
type PlanStore interface {
	SavePlanRevision(ctx context.Context, rev NewPlanRevision) (saved PlanRevision, created bool, err error)
	PlanRevisions(ctx context.Context, planID string) ([]PlanRevision, error)
	LatestPlanRevision(ctx context.Context, planID string) (PlanRevision, error)
	// PlanRevisionFiles returns a revision's bundle files, byte for byte.
	PlanRevisionFiles(ctx context.Context, planID string, number int) (map[string][]byte, error)
	// Zones returns a revision's zones; with a box, only those whose
	// bounding box meets it (a candidate query, run in the database).
	Zones(ctx context.Context, planID string, number int, bbox *geo.BBox) ([]ZoneFeature, error)
}

// Store is everything a backend provides.
type Store interface {
	PlanStore
	// SchemaVersion is the number of migrations applied.
	SchemaVersion(ctx context.Context) (int, error)
	Close() error
}
