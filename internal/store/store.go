// Package store is the storage contract: the interfaces every backend
// implements and the errors they map their drivers' errors to. It depends
// on no driver; the backends live in sqlite and postgis, and storetest is
// the conformance suite they both pass.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
)

// Errors every backend maps its driver's errors to.
var (
	ErrNotFound       = errors.New("not found")
	ErrConflict       = errors.New("conflict with stored data")
	ErrSchemaOutdated = errors.New("database schema is older than this program: run `mineplan migrate`")
	ErrSchemaUnknown  = errors.New("database schema is newer than this program or not mineplan's")
	// ErrReadOnly is a write refused because the database is read-only (a
	// replica, or a file opened read-only).
	ErrReadOnly = errors.New("数据库只读 / the database is read-only")
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
// a bundle whose hash equals the latest revision's is a no-op (and writes
// no audit entry), and any other bundle becomes revision N+1.
type PlanStore interface {
	// SavePlanRevision stores rev with its audit entry e in one
	// transaction; the entry's states are the latest revision's bundle
	// hash (none for the first) and rev's.
	SavePlanRevision(ctx context.Context, rev NewPlanRevision, e audit.Entry) (saved PlanRevision, created bool, err error)
	PlanRevisions(ctx context.Context, planID string) ([]PlanRevision, error)
	LatestPlanRevision(ctx context.Context, planID string) (PlanRevision, error)
	// PlanRevisionFiles returns a revision's bundle files, byte for byte.
	PlanRevisionFiles(ctx context.Context, planID string, number int) (map[string][]byte, error)
	// Zones returns a revision's zones; with a box, only those whose
	// bounding box meets it (a candidate query, run in the database).
	Zones(ctx context.Context, planID string, number int, bbox *geo.BBox) ([]ZoneFeature, error)
}

// Layer describes one imported layer of the "one map".
type Layer struct {
	Name       string         `json:"name"`
	Kind       plan.LayerKind `json:"kind"`
	Title      string         `json:"title"`
	Source     string         `json:"source"`
	Features   int            `json:"features"`
	BBox       geo.BBox       `json:"bbox"`
	ImportedAt time.Time      `json:"imported_at"`
}

// LayerFeature is one feature of a layer; ID is unique within the layer.
type LayerFeature struct {
	ID         int64
	Properties []byte // JSON object
	Geometry   geo.MultiPolygon
}

// FeatureQuery selects a page of a layer's features in ID order.
type FeatureQuery struct {
	// BBox keeps features whose exact bounding box meets it: the spatial
	// index finds candidates, and the few its outward-rounded boxes add
	// are dropped while the rows stream, before the limit counts.
	BBox *geo.BBox
	// After is a keyset cursor: only features whose ID is above it (the
	// last ID of the previous page).
	After int64
	Limit int // ≤ 0: no limit
}

// LayerStore keeps imported spatial layers (official zones, red lines,
// rights from other systems, benchmark data).
type LayerStore interface {
	// ImportLayer stores a new layer and its features with its audit
	// entry e in one transaction (e's after state is LayerAuditState); a
	// name that exists already is ErrConflict, and nothing is stored.
	ImportLayer(ctx context.Context, layer Layer, features []LayerFeature, e audit.Entry) (Layer, error)
	Layers(ctx context.Context) ([]Layer, error)
	// LayerFeatures returns one page of a layer's features in ID order.
	LayerFeatures(ctx context.Context, name string, q FeatureQuery) ([]LayerFeature, error)
}

// Store is everything a backend provides.
type Store interface {
	PlanStore
	LayerStore
	RightsStore
	ReviewStore
	AuditStore
	SettingsStore
	// Reader, Snapshotter and Restorer are the path of copy, backup and
	// restore (restore.go).
	Reader
	Snapshotter
	Restorer
	AccountStore
	JobStore
	// PlanIDs lists the plans that have revisions.
	PlanIDs(ctx context.Context) ([]string, error)
	// Migrate applies pending migrations and returns how many ran.
	Migrate(ctx context.Context) (int, error)
	// CheckSchema returns ErrSchemaOutdated or ErrSchemaUnknown when the
	// database's schema is not exactly the one this program knows.
	CheckSchema(ctx context.Context) error
	// SchemaVersion is the number of migrations applied.
	SchemaVersion(ctx context.Context) (int, error)
	Close() error
}

// PlanObject names a revision in the audit log ("plan:ID#N"); the store
// sets it on SavePlanRevision's entry, since it numbers the revision.
func PlanObject(planID string, number int) string { return fmt.Sprintf("plan:%s#%d", planID, number) }

// Times are stored to the microsecond, the precision both backends share,
// so a copy between backends is exact.
func StoredTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// DefaultQueryTimeout bounds a store query whose context has no deadline.
const DefaultQueryTimeout = 30 * time.Second

// WithTimeout gives ctx the default query timeout unless it has a deadline.
func WithTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, DefaultQueryTimeout)
}

// FeaturesBBox is the box around all features (zero for none).
func FeaturesBBox(fs []LayerFeature) geo.BBox {
	if len(fs) == 0 {
		return geo.BBox{}
	}
	b := fs[0].Geometry.Bounds()
	for _, f := range fs[1:] {
		fb := f.Geometry.Bounds()
		b.MinLon, b.MinLat = min(b.MinLon, fb.MinLon), min(b.MinLat, fb.MinLat)
		b.MaxLon, b.MaxLat = max(b.MaxLon, fb.MaxLon), max(b.MaxLat, fb.MaxLat)
	}
	return b
}

// ValidateLayer checks what every backend requires before an import: a
// name, unique feature IDs and a geometry on every feature.
func ValidateLayer(l Layer, features []LayerFeature) error {
	if l.Name == "" {
		return fmt.Errorf("layer needs a name")
	}
	if !l.Kind.Valid() {
		return fmt.Errorf("layer %s: kind %q is not protected_area, red_line or other", l.Name, l.Kind)
	}
	seen := make(map[int64]bool, len(features))
	for i, f := range features {
		if f.Geometry == nil {
			return fmt.Errorf("layer %s feature %d (#%d): no geometry", l.Name, f.ID, i+1)
		}
		if seen[f.ID] {
			return fmt.Errorf("layer %s: feature id %d appears twice (#%d)", l.Name, f.ID, i+1)
		}
		seen[f.ID] = true
	}
	return nil
}
