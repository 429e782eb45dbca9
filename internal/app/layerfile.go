package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/input"
	"mineplan/internal/plan"
	"mineplan/internal/store"
)

// LayerFile is a layer file to import and what to store it as.
type LayerFile struct {
	Path  string
	Name  string // empty: the file name without its extension
	Title string
	Kind  plan.LayerKind // one of plan.LayerKinds
	// Encoding overrides a Shapefile's .dbf encoding (fileio.ReadOptions).
	Encoding string
	// Validated, if set, is told how many features validation has
	// checked, from time to time and at the end (a job's progress).
	Validated func(done int)
}

// ReadLayerFile reads a layer file with the reader every importer uses
// (so every format and CRS they accept is accepted here) and validates it
// into the layer and features to store. read, if set, is told the number
// of features and the reader's warnings before validation, which is the
// slow part, begins.
func ReadLayerFile(ctx context.Context, f LayerFile, now time.Time, read func(features int, warnings []string)) (store.Layer, []store.LayerFeature, error) {
	name := f.Name
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path))
	}
	if err := input.CheckText(name, input.MaxName, false); err != nil {
		return store.Layer{}, nil, fmt.Errorf("图层名称 / layer name: %w", err)
	}
	if err := input.CheckText(f.Title, input.MaxName, false); err != nil {
		return store.Layer{}, nil, fmt.Errorf("图层标题 / layer title: %w", err)
	}
	l, warnings, err := fileio.ReadWith(f.Path, fileio.ReadOptions{Encoding: f.Encoding})
	if err != nil {
		return store.Layer{}, nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	if read != nil {
		read(len(l.Features), warnings)
	}
	features, err := layerFeatures(ctx, l, f.Validated)
	if err != nil {
		return store.Layer{}, nil, fmt.Errorf("%s: %w", f.Path, err)
	}
	return store.Layer{Name: name, Kind: f.Kind, Title: f.Title, Source: filepath.Base(f.Path), ImportedAt: now}, features, nil
}

// ImportLayer stores a layer read by ReadLayerFile, in one transaction,
// for the context's actor (refused without one).
//
// The import is appended to the audit log as authz.LayersImport, in the
// same transaction.
func ImportLayer(ctx context.Context, st store.LayerStore, layer store.Layer, features []store.LayerFeature) (store.Layer, error) {
	who, err := actor.From(ctx)
	if err != nil {
		return store.Layer{}, err
	}
	e := audit.For(who, string(authz.LayersImport), "layer:"+layer.Name)
	e.Detail = fmt.Sprintf("%d features", len(features))
	return st.ImportLayer(ctx, layer, features, e)
}
