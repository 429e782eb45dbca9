// Package app is the use-case layer: each exported function is one thing a
// user does, joining the domain packages (plan, rights, review,
// illustrative) to the storage contract (store) and the file formats
// (formats/...). The command line and the web server only parse, call one
// of these and print. The use cases: plan revisions (SavePlan,
// RevisionPlan, StartUp); the register (RecordEvents with its overlap
// check, ConvertToMining, CurrentRegister, RegisterAsOf, ImportRights,
// ExportRegister, AuditRegister); reviews (RunReview, SaveReview, Rerun,
// ReadApplicationFile); layers (ReadLayerFile, ImportLayer); the
// illustrative data (LoadDemo, GenerateZoneShapes); coordinates
// (ConvertPoints, FileAreas); copying a database (Copy, ContentHash); and
// the benchmarks. Every use case that writes takes its actor from the
// context (internal/actor) and refuses to write without one.
package app

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
	"mineplan/internal/plan"
	"mineplan/internal/store"
)

// SavePlan stores a validated plan as a revision (a no-op when the latest
// revision has the same content hash). The context must carry an actor.
//
// A new revision is appended to the audit log as authz.PlanLoad (the
// store names it "plan:ID#N"), in the same transaction.
func SavePlan(ctx context.Context, st store.PlanStore, p *plan.Plan, at time.Time) (store.PlanRevision, bool, error) {
	who, err := actor.From(ctx)
	if err != nil {
		return store.PlanRevision{}, false, err
	}
	zones, err := ZoneFeatures(p)
	if err != nil {
		return store.PlanRevision{}, false, err
	}
	e := audit.For(who, string(authz.PlanLoad), "")
	e.Detail = fmt.Sprintf("%d files, %d zones", len(p.Files), len(zones))
	return st.SavePlanRevision(ctx, store.NewPlanRevision{
		PlanID: p.Meta.ID, Title: p.Meta.Title, Hash: p.Hash, Files: p.Files, Zones: zones, At: at,
	}, e)
}

// ZoneFeatures is the zone layer of a plan: every catalogue zone, with the
// bundle's geometry where it has one.
func ZoneFeatures(p *plan.Plan) ([]store.ZoneFeature, error) {
	out := make([]store.ZoneFeature, 0, len(p.Zones))
	for _, z := range p.Zones {
		shape, hasShape := p.Shapes[z.Code]
		props := z.Properties()
		b, err := json.Marshal(props)
		if err != nil {
			return nil, fmt.Errorf("zone %s: %w", z.Code, err)
		}
		f := store.ZoneFeature{Code: z.Code, Name: z.Name, Type: z.Type, Level: z.Level, Illustrative: true, Properties: b}
		if hasShape {
			f.Geometry = shape
		}
		out = append(out, f)
	}
	return out, nil
}

// RevisionPlan reads a stored revision back and parses it.
func RevisionPlan(ctx context.Context, st store.PlanStore, planID string, number int) (*plan.Plan, error) {
	files, err := st.PlanRevisionFiles(ctx, planID, number)
	if err != nil {
		return nil, err
	}
	p, err := plan.Parse(files)
	if err != nil {
		return nil, fmt.Errorf("stored revision %d of %s no longer parses: %w", number, planID, err)
	}
	return p, nil
}
