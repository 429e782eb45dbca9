package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
	"mineplan/internal/geo"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// StoreData reads the review's register from a store; candidate rights
// come from the database's spatial index and the caps rules' totals from
// its aggregate queries. With Cache, imported layers are read from memory,
// prepared once, instead of from the store.
type StoreData struct {
	Store interface {
		store.RightsReader
		store.LayerStore
	}
	Cache *AreaCache
}

// AreaCache keeps the imported layers the review checks (protected areas,
// red lines) in memory with their edges prepared, so a 5 000-vertex red
// line is read and prepared once, not on every review. Each review still
// lists the store's layers (one small query) and reloads when that list
// has changed, so an import on another server is seen at the next review.
// Safe for concurrent use.
type AreaCache struct {
	mu      sync.Mutex
	entries map[string]*areaEntry // by the kinds asked for
}

type areaEntry struct {
	stamp string // the layers' names, kinds, counts and import times
	mem   *review.Memory
}

// areas returns the cached features of layers of the given kinds whose box
// meets b, reloading them first if the store's layers changed.
func (c *AreaCache) areas(ctx context.Context, st store.LayerStore, kinds []string, b geo.BBox) ([]review.Area, error) {
	layers, err := st.Layers(ctx)
	if err != nil {
		return nil, err
	}
	var stamp strings.Builder
	var wanted []store.Layer
	for _, l := range layers {
		if slices.Contains(kinds, string(l.Kind)) {
			wanted = append(wanted, l)
			fmt.Fprintf(&stamp, "%s|%s|%d|%s\n", l.Name, l.Kind, l.Features, l.ImportedAt.UTC().Format(time.RFC3339Nano))
		}
	}
	e, err := c.entry(ctx, st, strings.Join(kinds, ","), stamp.String(), wanted)
	if err != nil {
		return nil, err
	}
	// An entry is never changed once built, so it is searched unlocked.
	return e.mem.Areas(ctx, kinds, b)
}

// entry returns the cached layers for key, loading them when the stamp
// differs from the cached one.
func (c *AreaCache) entry(ctx context.Context, st store.LayerStore, key, stamp string, wanted []store.Layer) (*areaEntry, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[key]
	if e == nil || e.stamp != stamp {
		mem := review.NewMemory(nil)
		if err := addLayers(ctx, st, mem, wanted); err != nil {
			return nil, err
		}
		if c.entries == nil {
			c.entries = map[string]*areaEntry{}
		}
		e = &areaEntry{stamp, mem}
		c.entries[key] = e
	}
	return e, nil
}

var _ review.Data = StoreData{}

// LiveRights returns live rights whose box meets bbox.
func (d StoreData) LiveRights(ctx context.Context, b geo.BBox) ([]rights.Right, error) {
	rs, _, err := d.Store.Rights(ctx, store.RightFilter{BBox: &b, Live: true})
	return rs, err
}

// Areas returns features of layers of the given kinds whose box meets
// bbox, from the database's spatial index.
func (d StoreData) Areas(ctx context.Context, kinds []string, b geo.BBox) ([]review.Area, error) {
	if d.Cache != nil {
		return d.Cache.areas(ctx, d.Store, kinds, b)
	}
	layers, err := d.Store.Layers(ctx)
	if err != nil {
		return nil, err
	}
	var out []review.Area
	for _, l := range layers {
		if !slices.Contains(kinds, string(l.Kind)) || !l.BBox.Intersects(b) {
			continue
		}
		fs, err := d.Store.LayerFeatures(ctx, l.Name, store.FeatureQuery{BBox: &b})
		if err != nil {
			return nil, err
		}
		for _, f := range fs {
			a, err := areaOf(l, f)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
	}
	review.SortAreas(out)
	return out, nil
}

// addLayers reads every feature of the layers into mem.
func addLayers(ctx context.Context, st store.LayerStore, mem *review.Memory, layers []store.Layer) error {
	for _, l := range layers {
		fs, err := st.LayerFeatures(ctx, l.Name, store.FeatureQuery{})
		if err != nil {
			return err
		}
		as := make([]review.Area, len(fs))
		for i, f := range fs {
			if as[i], err = areaOf(l, f); err != nil {
				return err
			}
		}
		mem.AddAreas(as)
	}
	return nil
}

// areaOf reads a layer feature's name and illustrative mark from its
// properties. Stored properties that are not a JSON object are an error:
// a finding must not lose the area's name or its illustrative mark.
func areaOf(l store.Layer, f store.LayerFeature) (review.Area, error) {
	var props map[string]any
	if err := json.Unmarshal(f.Properties, &props); err != nil {
		return review.Area{}, fmt.Errorf("图层 %s 要素 %d 的属性无法读取 / layer %s feature %d: stored properties: %w", l.Name, f.ID, l.Name, f.ID, err)
	}
	name, _ := props["name"].(string)
	ill, _ := props["illustrative"].(bool)
	return review.Area{Layer: l.Name, Kind: string(l.Kind), ID: f.ID, Name: name, Illustrative: ill, Geometry: f.Geometry}, nil
}

// LiveTotals reads the store's maintained totals of live rights of a
// kind by main mineral, status and unit.
func (d StoreData) LiveTotals(ctx context.Context, k rights.Kind, mainMinerals []string, fromYear int) ([]rights.Total, error) {
	if mainMinerals == nil {
		mainMinerals = []string{} // nil would group every mineral by status
	}
	return d.Store.RightTotals(ctx, store.TotalsFilter{Kind: k, Live: true, Minerals: mainMinerals, FromYear: fromYear})
}

// CountLive counts live rights of a kind from the maintained totals.
func (d StoreData) CountLive(ctx context.Context, k rights.Kind) (int, error) {
	ts, err := d.Store.RightTotals(ctx, store.TotalsFilter{Kind: k, Live: true})
	n := 0
	for _, t := range ts {
		n += t.Count
	}
	return n, err
}

// RegisterRecordedBy is the register as the system knew it at a moment:
// the events recorded by then, replayed. A re-run of a review uses it, so
// rights granted afterwards do not change the answer.
func RegisterRecordedBy(ctx context.Context, st store.RightsReader, at time.Time) ([]rights.Right, error) {
	events, err := st.AllRightEvents(ctx)
	if err != nil {
		return nil, err
	}
	var out []rights.Right
	for start := 0; start < len(events); {
		end := start
		var known []rights.Event
		for end < len(events) && events[end].RightID == events[start].RightID {
			if !events[end].RecordedAt.After(at) {
				known = append(known, events[end])
			}
			end++
		}
		if len(known) > 0 {
			r, _, err := rights.Replay(known, nil)
			if err != nil {
				return nil, err
			}
			out = append(out, r)
		}
		start = end
	}
	return out, nil
}

// NewReviewID is a review's id: its time and a random suffix.
func NewReviewID(at time.Time) string {
	b := make([]byte, 4)
	rand.Read(b)
	return "RV" + at.UTC().Format("20060102150405") + hex.EncodeToString(b)
}

// RunReview validates an input against the engine's plan and reviews it
// on the store's current register.
// cache, when not nil, holds the imported layers between reviews.
func RunReview(ctx context.Context, st store.Store, e *review.Engine, cache *AreaCache, input []byte, at time.Time) (*review.Report, error) {
	a, err := review.ParseApplication(input, e.Plan())
	if err != nil {
		return nil, err
	}
	return e.Review(ctx, a, StoreData{Store: st, Cache: cache}, at)
}

// SaveReview stores a report with its input; the context must carry an
// actor.
// The review is appended to the audit log as authz.ReviewCreate, in the
// same transaction.
func SaveReview(ctx context.Context, st store.Store, input []byte, rep *review.Report) (string, error) {
	who, err := actor.From(ctx)
	if err != nil {
		return "", err
	}
	b, err := json.Marshal(rep)
	if err != nil {
		return "", err
	}
	id := NewReviewID(rep.At)
	// The owner, for jurisdiction: a holder's credit code, the application's county.
	var county string
	if rep.Application != nil {
		county = rep.Application.County
	}
	e := audit.For(who, string(authz.ReviewCreate), ReviewObject(id))
	e.Detail = string(rep.Verdict)
	return id, st.SaveReview(ctx, store.StoredReview{ID: id, PlanID: rep.PlanID, PlanRevision: rep.PlanRevision, Verdict: string(rep.Verdict), Input: input, Report: b, CreatedAt: rep.At,
		OwnerCreditCode: who.CreditCode, OwnerCounty: county, CreatedBy: who.String()}, e)
}

// ReviewObject names a review in the audit log.
func ReviewObject(id string) string { return "review:" + id }

// Rerun reviews a stored input again against the plan revision it used and
// the register as recorded when it ran, and says whether the report is
// identical. It stores no review, but the re-run is appended to the audit
// log as authz.ReviewRerun (its after state the new report), for the
// context's actor (refused without one).
func Rerun(ctx context.Context, st store.Store, id string) (stored, again *review.Report, identical bool, err error) {
	who, err := actor.From(ctx)
	if err != nil {
		return nil, nil, false, err
	}
	stored, again, identical, b, err := rerun(ctx, st, id)
	if err != nil {
		return nil, nil, false, err
	}
	e := audit.For(who, string(authz.ReviewRerun), ReviewObject(id))
	e.AfterState, e.Detail = b, "differs"
	if identical {
		e.Detail = "identical"
	}
	if _, err := st.AppendAudit(ctx, e); err != nil {
		return nil, nil, false, err
	}
	return stored, again, identical, nil
}

func rerun(ctx context.Context, st store.Store, id string) (stored, again *review.Report, identical bool, report []byte, err error) {
	sr, err := st.Review(ctx, id)
	if err != nil {
		return nil, nil, false, nil, err
	}
	stored = &review.Report{}
	if err := json.Unmarshal(sr.Report, stored); err != nil {
		return nil, nil, false, nil, err
	}
	p, err := RevisionPlan(ctx, st, sr.PlanID, sr.PlanRevision)
	if err != nil {
		return nil, nil, false, nil, err
	}
	a, err := review.ParseApplication(sr.Input, p)
	if err != nil {
		return nil, nil, false, nil, err
	}
	rs, err := RegisterRecordedBy(ctx, st, stored.At)
	if err != nil {
		return nil, nil, false, nil, err
	}
	mem := review.NewMemory(rs)
	// The layers imported by then, too.
	layers, err := st.Layers(ctx)
	if err != nil {
		return nil, nil, false, nil, err
	}
	var then []store.Layer
	for _, l := range layers {
		if !l.ImportedAt.After(stored.At) {
			then = append(then, l)
		}
	}
	if err := addLayers(ctx, st, mem, then); err != nil {
		return nil, nil, false, nil, err
	}
	e, err := review.New(p, sr.PlanRevision)
	if err != nil {
		return nil, nil, false, nil, err
	}
	if again, err = e.Review(ctx, a, mem, stored.At); err != nil {
		return nil, nil, false, nil, err
	}
	b, err := json.Marshal(again)
	if err != nil {
		return nil, nil, false, nil, fmt.Errorf("re-run report: %w", err)
	}
	return stored, again, string(b) == string(sr.Report), b, nil
}
