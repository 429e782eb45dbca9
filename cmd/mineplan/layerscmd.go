package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"mineplan/internal/app"
	"mineplan/internal/plan"
)

func layersImportCommand() *cobra.Command {
	var dbArg, kind string
	var f app.LayerFile
	c := &cobra.Command{
		Use:   "import FILE",
		Short: "导入图层（GeoJSON、Shapefile、GeoPackage、拐点坐标），一个事务 / import a polygon layer in one transaction",
		RunE: func(c *cobra.Command, args []string) error {
			if dbArg == "" || len(args) != 1 {
				return usageError{"layers import needs --db and one FILE (the kind is --kind protected_area, red_line or other)"}
			}
			f.Path, f.Kind = args[0], plan.LayerKind(kind)
			return runLayersImport(c.Context(), dbArg, f, c.OutOrStdout())
		},
	}
	fs := c.Flags()
	dbFlag(fs, &dbArg)
	fs.StringVar(&kind, "kind", string(plan.LayerOther), "图层类型：protected_area 自然保护地、red_line 生态保护红线（审查会核对这两类）或 other / layer kind: protected_area, red_line (both checked by the review) or other")
	fs.StringVar(&f.Name, "name", "", "图层名称（默认：文件名） / layer name (default: the file name)")
	fs.StringVar(&f.Title, "title", "", "图层标题 / layer title")
	encodingFlag(fs, &f.Encoding)
	return c
}

func runLayersImport(ctx context.Context, dbArg string, f app.LayerFile, stdout io.Writer) error {
	if _, ok := plan.LayerKinds[f.Kind]; !ok {
		return usageError{fmt.Sprintf("图层类型 %q 应为 protected_area（自然保护地）、red_line（生态保护红线）或 other / layer kind %q is not protected_area, red_line or other", f.Kind, f.Kind)}
	}
	layer, features, err := app.ReadLayerFile(ctx, f, time.Now(), func(n int, warnings []string) {
		for _, w := range warnings {
			fmt.Fprintf(stdout, "注意 / note: %s\n", w)
		}
		fmt.Fprintf(stdout, "已读取 %d 个要素，正在校验… / read %d features, validating…\n", n, n)
	})
	if err != nil {
		return err
	}
	st, err := openStore(ctx, dbArg, true)
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	stored, err := app.ImportLayer(ctx, st, layer, features)
	if err != nil {
		return fmt.Errorf("导入失败，未写入任何要素 / import failed, nothing stored: %w", err)
	}
	fmt.Fprintf(stdout, "已导入图层 %s：%d 个要素，范围 %.4f,%.4f – %.4f,%.4f（写入用时 %s）\n",
		stored.Name, stored.Features, stored.BBox.MinLon, stored.BBox.MinLat, stored.BBox.MaxLon, stored.BBox.MaxLat, time.Since(start).Round(time.Millisecond))
	return nil
}

func layersListCommand() *cobra.Command {
	return dbCommand("list", "列出已导入的图层 / list the imported layers", runLayersList)
}

func runLayersList(ctx context.Context, dbArg string, stdout io.Writer) error {
	st, err := openStore(ctx, dbArg, false)
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
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", l.Name, plan.LayerKinds[l.Kind], l.Features, l.Source, l.ImportedAt.Format(time.RFC3339))
	}
	return tw.Flush()
}
