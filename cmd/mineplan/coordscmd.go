package main

import (
	"fmt"
	"io"
	"math"

	"github.com/spf13/cobra"

	"mineplan/internal/app"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/geo"
)

func coordsConvertCommand() *cobra.Command {
	var fromArg, toArg string
	c := &cobra.Command{
		Use:   "convert",
		Short: "坐标转换：标准输入每行一点，经度在前 / 东坐标在前 / convert points from stdin, one a line, longitude or easting first",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runCoordsConvert(fromArg, toArg, c.InOrStdin(), c.OutOrStdout(), c.ErrOrStderr())
		},
	}
	c.Flags().StringVar(&fromArg, "from", "", "源坐标系，如 EPSG:4490 / source CRS, e.g. EPSG:4490")
	c.Flags().StringVar(&toArg, "to", "", "目标坐标系，如 EPSG:4513 / target CRS, e.g. EPSG:4513")
	return c
}

func runCoordsConvert(fromArg, toArg string, stdin io.Reader, stdout, stderr io.Writer) error {
	if fromArg == "" || toArg == "" {
		return usageError{"coords convert needs --from and --to"}
	}
	from, err := geo.ParseEPSG(fromArg)
	if err != nil {
		return err
	}
	to, err := geo.ParseEPSG(toArg)
	if err != nil {
		return err
	}
	return app.ConvertPoints(from, to, stdin, stdout, stderr)
}

func coordsAreaCommand() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "area FILE",
		Short: "椭球面积与所在 3 度带高斯投影面积 / ellipsoidal area and the Gauss–Krüger area in the 3° zone",
		RunE: func(c *cobra.Command, args []string) error {
			return runCoordsArea(args, asJSON, c.OutOrStdout())
		},
	}
	jsonFlag(c.Flags(), &asJSON)
	return c
}

func runCoordsArea(pos []string, asJSON bool, stdout io.Writer) error {
	if len(pos) != 1 {
		return usageError{"coords area needs one FILE"}
	}
	areas, total, warnings, err := app.FileAreas(pos[0])
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(stdout, map[string]any{
			"file": pos[0], "features": areas, "warnings": nonNil(warnings),
			"ellipsoidal_m2": round3(total.EllipsoidalM2), "gk_m2": round3(total.GKM2), "gk_zone": total.GKZone,
		})
	}
	for _, w := range warnings {
		fmt.Fprintf(stdout, "注意：%s\n", w)
	}
	for _, a := range areas {
		label := fmt.Sprintf("要素 %d", a.Feature)
		if a.Name != "" {
			label += " " + a.Name
		}
		fmt.Fprintf(stdout, "%s：椭球面积 %.3f m²（%.6f km²）；%d 带高斯投影面积 %.3f m²（%.6f km²）\n", label, a.EllipsoidalM2, a.EllipsoidalM2/1e6, a.GKZone, a.GKM2, a.GKM2/1e6)
	}
	if len(areas) > 1 {
		fmt.Fprintf(stdout, "合计：椭球面积 %.3f m²；高斯投影面积 %.3f m²\n", total.EllipsoidalM2, total.GKM2)
	}
	return nil
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// conversion is what convert is asked for.
type conversion struct {
	out, encoding string
	srid          int
}

func convertCommand() *cobra.Command {
	var cv conversion
	c := &cobra.Command{
		Use:   "convert IN OUT",
		Short: "按扩展名转换格式（.geojson .geojsonl .shp .zip .gpkg .txt） / convert by file extension (.geojson .geojsonl .shp .zip .gpkg .txt)",
		Long: "按扩展名转换格式；OUT 也可用 -o/--out 给出\n" +
			"convert between formats by file extension; OUT may also be given as -o/--out",
		RunE: func(c *cobra.Command, args []string) error {
			if cv.out != "" {
				args = append(args, cv.out)
			}
			if len(args) != 2 {
				return usageError{"convert needs IN and OUT"}
			}
			return runConvert(args[0], args[1], cv, c.OutOrStdout())
		},
	}
	fs := c.Flags()
	outFlag(fs, &cv.out, "输出文件（也可作为第二个参数） / output file (or the second argument)")
	fs.StringVar(&cv.encoding, "encoding", "UTF-8", "写 Shapefile 时 .dbf 的编码：UTF-8 或 GBK / Shapefile .dbf encoding when writing: UTF-8 or GBK")
	fs.IntVar(&cv.srid, "srid", 0, "写出前重投影到此 EPSG 代码（默认：不变） / reproject to this EPSG code before writing (default: keep)")
	return c
}

func runConvert(in, out string, cv conversion, stdout io.Writer) error {
	l, warnings, err := fileio.Read(in)
	if err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if cv.srid != 0 {
		if err := l.Reproject(cv.srid); err != nil {
			return err
		}
	}
	more, err := fileio.Write(out, l, cv.encoding)
	if err != nil {
		return fmt.Errorf("%s: %w", out, err)
	}
	for _, w := range append(warnings, more...) {
		fmt.Fprintf(stdout, "注意：%s\n", w)
	}
	fmt.Fprintf(stdout, "已转换 %d 个要素：%s → %s（EPSG:%d）\n", len(l.Features), in, out, l.SRID)
	return nil
}
