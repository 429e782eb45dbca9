package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/input"
	"mineplan/internal/store"
)

func cmdLayersImport(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("layers import", flag.ContinueOnError)
	dbArg := fs.String("db", "", "database: SQLite file path or postgres:// URL")
	name := fs.String("name", "", "layer name (default: the file name)")
	title := fs.String("title", "", "layer title")
	encoding := fs.String("encoding", "", "Shapefile .dbf text encoding, overriding the .cpg: UTF-8, GBK or GB18030")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	kind := store.LayerOther
	switch {
	case *dbArg == "" || len(pos) == 0 || len(pos) > 2:
		return usageError{"layers import needs --db, an optional KIND (protected_area, red_line, other) and one FILE"}
	case len(pos) == 2:
		kind = store.LayerKind(pos[0])
		if _, ok := store.LayerKinds[kind]; !ok {
			return usageError{fmt.Sprintf("图层类型 %q 应为 protected_area（自然保护地）、red_line（生态保护红线）或 other / layer kind %q is not protected_area, red_line or other", kind, kind)}
		}
	}
	path := pos[len(pos)-1]
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if err := input.CheckText(*name, input.MaxName, false); err != nil {
		return fmt.Errorf("图层名称 / layer name: %w", err)
	}
	if err := input.CheckText(*title, input.MaxName, false); err != nil {
		return fmt.Errorf("图层标题 / layer title: %w", err)
	}
	// The same reader as every other importer, so every format and CRS
	// they accept is accepted here.
	l, warnings, err := fileio.ReadWith(path, fileio.ReadOptions{Encoding: *encoding})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	for _, w := range warnings {
		fmt.Fprintf(stdout, "注意 / note: %s\n", w)
	}
	fmt.Fprintf(stdout, "已读取 %d 个要素，正在校验… / read %d features, validating…\n", len(l.Features), len(l.Features))
	features, err := app.LayerFeatures(ctx, l)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	st, err := openStore(ctx, *dbArg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	stored, err := st.ImportLayer(ctx, store.Layer{Name: *name, Kind: kind, Title: *title, Source: filepath.Base(path), ImportedAt: time.Now()}, features)
	if err != nil {
		return fmt.Errorf("导入失败，未写入任何要素 / import failed, nothing stored: %w", err)
	}
	fmt.Fprintf(stdout, "已导入图层 %s：%d 个要素，范围 %.4f,%.4f – %.4f,%.4f（写入用时 %s）\n",
		stored.Name, stored.Features, stored.BBox.MinLon, stored.BBox.MinLat, stored.BBox.MaxLon, stored.BBox.MaxLat, time.Since(start).Round(time.Millisecond))
	return nil
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
