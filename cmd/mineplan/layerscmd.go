package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/formats/geojson"
	"mineplan/internal/geo"
	"mineplan/internal/store"
)

func cmdLayersImport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("layers import", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path or postgres:// URL")
	name := fs.String("name", "", "layer name (default: the file name)")
	title := fs.String("title", "", "layer title")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	kind := store.LayerOther
	switch {
	case *dbArg == "" || len(pos) == 0 || len(pos) > 2:
		return usageError{"layers import needs --db, an optional KIND (protected_area, red_line, other) and one FILE"}
	case len(pos) == 2:
		kind = pos[0]
		if _, ok := store.LayerKinds[kind]; !ok {
			return usageError{fmt.Sprintf("layer kind %q is not protected_area（自然保护地）, red_line（生态保护红线） or other", kind)}
		}
	}
	path := pos[len(pos)-1]
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	features, err := readLayerFile(path, stdout)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	st, err := openStore(ctx, *dbArg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	l, err := st.ImportLayer(ctx, store.Layer{Name: *name, Kind: kind, Title: *title, Source: filepath.Base(path), ImportedAt: time.Now()}, features)
	if err != nil {
		return fmt.Errorf("导入失败，未写入任何要素 / import failed, nothing stored: %w", err)
	}
	fmt.Fprintf(stdout, "已导入图层 %s：%d 个要素，范围 %.4f,%.4f – %.4f,%.4f（写入用时 %s）\n",
		l.Name, l.Features, l.BBox.MinLon, l.BBox.MinLat, l.BBox.MaxLon, l.BBox.MaxLat, time.Since(start).Round(time.Millisecond))
	return nil
}

// readLayerFile reads a .geojson collection or .geojsonl lines, reporting
// progress every 10 000 features.
func readLayerFile(path string, progress io.Writer) ([]store.LayerFeature, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []store.LayerFeature
	add := func(g geo.Feature) error {
		lf, err := app.LayerFeature(g, len(out)+1)
		if err != nil {
			return err
		}
		out = append(out, lf)
		if len(out)%10000 == 0 {
			fmt.Fprintf(progress, "已读取 %d 个要素…\n", len(out))
		}
		return nil
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojsonl", ".geojsons", ".jsonl", ".ndjson":
		err = geojson.ReadLines(f, add)
	case ".geojson", ".json":
		err = geojson.ReadCollection(f, add)
	default:
		return nil, fmt.Errorf("不支持的文件类型 %q（支持 .geojson、.geojsonl）/ unsupported file type", filepath.Ext(path))
	}
	return out, err
}

func cmdLayersList(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("layers list", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path or postgres:// URL")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dbArg == "" {
		return usageError{"layers list needs --db"}
	}
	st, err := openStore(ctx, *dbArg, false)
	if err != nil {
		return err
	}
	defer st.Close()
	layers, err := st.Layers(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "图层\t类型\t要素数\t来源\t导入时间 (UTC)")
	for _, l := range layers {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", l.Name, store.LayerKinds[l.Kind], l.Features, l.Source, l.ImportedAt.Format(time.RFC3339))
	}
	return tw.Flush()
}
