package tilesrc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/store"
	"mineplan/internal/tiles"
)

// Applications is an in-memory index of the stored reviews' application
// polygons, with whatever the caller's visibility check needs (T, e.g.
// an authorisation object) computed once per review.
//
// It is not a database spatial query: stored reviews keep their input as
// the submitted JSON (store.StoredReview.Input) and have no geometry
// column, so the database cannot filter them by box. Reviews are never
// changed or removed, so the index only grows: Refresh lists the review
// ids (one indexed query) and, when their number has changed, reads the
// new ones. A geometry column on reviews would make this a box query like
// the other layers (a leftover).
type Applications[T any] struct {
	st   store.ReviewStore
	meta func(store.StoredReview) (T, error)

	mu   sync.RWMutex
	seen map[string]bool
	apps []application[T]
}

type application[T any] struct {
	box   geo.BBox
	meta  T
	feat  tiles.Feature // Properties hold every attribute
	valid bool
}

// NewApplications makes an empty index; meta derives each review's T.
func NewApplications[T any](st store.ReviewStore, meta func(store.StoredReview) (T, error)) *Applications[T] {
	return &Applications[T]{st: st, meta: meta, seen: map[string]bool{}}
}

// Refresh reads the reviews stored since the last call and returns how
// many reviews the index holds (the layer's change stamp).
func (a *Applications[T]) Refresh(ctx context.Context) (int, error) {
	ids, err := a.st.ReviewIDs(ctx)
	if err != nil {
		return 0, err
	}
	a.mu.RLock()
	n := len(a.seen)
	a.mu.RUnlock()
	if n == len(ids) {
		return n, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, id := range ids {
		if a.seen[id] {
			continue
		}
		sr, err := a.st.Review(ctx, id)
		if err != nil {
			return 0, err
		}
		app, err := a.index(sr)
		if err != nil {
			return 0, fmt.Errorf("review %s: %w", id, err)
		}
		a.seen[id] = true
		if app.valid {
			a.apps = append(a.apps, app)
		}
	}
	return len(a.seen), nil
}

func (a *Applications[T]) index(sr store.StoredReview) (application[T], error) {
	meta, err := a.meta(sr)
	if err != nil {
		return application[T]{}, err
	}
	g := inputGeometry(sr.Input)
	if len(g) == 0 {
		return application[T]{}, nil // an application without a readable polygon is not drawn
	}
	var rep struct {
		Application *struct {
			Kind    string `json:"kind"`
			Mineral string `json:"mineral"`
			County  string `json:"county"`
		} `json:"application"`
		Illustrative bool `json:"illustrative"`
	}
	if err := json.Unmarshal(sr.Report, &rep); err != nil {
		return application[T]{}, err
	}
	props := map[string]any{"verdict": sr.Verdict, "illustrative": rep.Illustrative, "created_at": sr.CreatedAt.UTC().Format(time.RFC3339)}
	if ap := rep.Application; ap != nil {
		props["kind"], props["mineral"], props["county"] = ap.Kind, ap.Mineral, ap.County
	}
	return application[T]{box: g.Bounds(), meta: meta, valid: true, feat: tiles.Feature{ID: sr.ID, Properties: props, Geometry: g}}, nil
}

// inputGeometry reads the polygon of a stored application: a Feature, a
// FeatureCollection of one, or a bare geometry (review.ParseApplication
// accepted nothing else); nil when it cannot be read.
func inputGeometry(b []byte) geo.MultiPolygon {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	var f struct {
		Type     string          `json:"type"`
		Geometry json.RawMessage `json:"geometry"`
		Features []struct {
			Geometry json.RawMessage `json:"geometry"`
		} `json:"features"`
	}
	if json.Unmarshal(b, &f) != nil {
		return nil
	}
	raw := f.Geometry
	switch f.Type {
	case "FeatureCollection":
		if len(f.Features) != 1 {
			return nil
		}
		raw = f.Features[0].Geometry
	case "Polygon", "MultiPolygon":
		raw = b
	}
	g, err := geojson.DecodeGeometry(raw)
	if err != nil {
		return nil
	}
	return g
}

// Source is the applications visible says the caller may see, with the
// named attributes.
func (a *Applications[T]) Source(attrs []string, visible func(T) bool) tiles.Source {
	return tiles.SourceFunc(func(_ context.Context, box geo.BBox) ([]tiles.Feature, error) {
		a.mu.RLock()
		defer a.mu.RUnlock()
		var out []tiles.Feature
		for _, x := range a.apps {
			if !x.box.Intersects(box) || !visible(x.meta) {
				continue
			}
			f := x.feat
			f.Properties = pick(x.feat.Properties, attrs)
			out = append(out, f)
		}
		return out, nil
	})
}

// Bounds is the box around the indexed applications a caller may see.
func (a *Applications[T]) Bounds(visible func(T) bool) geo.BBox {
	a.mu.RLock()
	defer a.mu.RUnlock()
	var fs []indexed
	for _, x := range a.apps {
		if visible(x.meta) {
			fs = append(fs, indexed{box: x.box})
		}
	}
	return union(fs)
}
