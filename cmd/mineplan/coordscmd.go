package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"mineplan/internal/formats/fileio"
	"mineplan/internal/geo"
)

// cmdCoordsConvert converts points from stdin to stdout, one per line, in
// GIS axis order (longitude latitude, easting northing).
func cmdCoordsConvert(_ context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("coords convert", flag.ContinueOnError)
	fromArg := fs.String("from", "", "source CRS, e.g. EPSG:4490")
	toArg := fs.String("to", "", "target CRS, e.g. EPSG:4513")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	if *fromArg == "" || *toArg == "" {
		return usageError{"coords convert needs --from and --to"}
	}
	from, err := geo.ParseEPSG(*fromArg)
	if err != nil {
		return err
	}
	to, err := geo.ParseEPSG(*toArg)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	bw := bufio.NewWriter(stdout)
	defer bw.Flush()
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			fmt.Fprintln(bw, text)
			continue
		}
		f := strings.Fields(strings.ReplaceAll(text, ",", " "))
		if len(f) < 2 {
			return fmt.Errorf("第 %d 行：应为两个数 / line %d: expected two numbers: %q", line, line, text)
		}
		x, errX := strconv.ParseFloat(f[0], 64)
		y, errY := strconv.ParseFloat(f[1], 64)
		if errX != nil || errY != nil {
			return fmt.Errorf("第 %d 行：%q 不是两个数 / line %d: %q is not two numbers", line, text, line, text)
		}
		if from.Geographic && (x < -180 || x > 180 || y < -90 || y > 90) {
			return fmt.Errorf("第 %d 行：经纬度 (%g, %g) 超出范围（经度在前）/ line %d: (%g, %g) is not longitude latitude", line, x, y, line, x, y)
		}
		p, err := geo.Transform(from, to, geo.LonLat{Lon: x, Lat: y})
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if to.Geographic {
			fmt.Fprintf(bw, "%.10f %.10f", p.Lon, p.Lat)
		} else {
			fmt.Fprintf(bw, "%.4f %.4f", p.Lon, p.Lat)
		}
		if len(f) > 2 {
			fmt.Fprint(bw, " ", strings.Join(f[2:], " "))
		}
		fmt.Fprintln(bw)
	}
	return sc.Err()
}

func cmdCoordsArea(_ context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("coords area", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"coords area needs one FILE"}
	}
	l, warnings, err := fileio.Read(pos[0])
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	areas, err := fileio.Areas(l)
	if err != nil {
		return err
	}
	total := fileio.Area{}
	for i, a := range areas {
		total.EllipsoidalM2 += a.EllipsoidalM2
		total.GKM2 += a.GKM2
		if i == 0 {
			total.GKZone = a.GKZone
		} else if a.GKZone != total.GKZone {
			total.GKZone = 0 // features in several zones
		}
	}
	if *asJSON {
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

func cmdConvert(_ context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	encoding := fs.String("encoding", "UTF-8", "Shapefile .dbf encoding when writing: UTF-8 or GBK")
	srid := fs.Int("srid", 0, "reproject to this EPSG code before writing (default: keep)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageError{"convert needs IN and OUT"}
	}
	l, warnings, err := fileio.Read(pos[0])
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	if *srid != 0 {
		if err := l.Reproject(*srid); err != nil {
			return err
		}
	}
	more, err := fileio.Write(pos[1], l, *encoding)
	if err != nil {
		return fmt.Errorf("%s: %w", pos[1], err)
	}
	for _, w := range append(warnings, more...) {
		fmt.Fprintf(stdout, "注意：%s\n", w)
	}
	fmt.Fprintf(stdout, "已转换 %d 个要素：%s → %s（EPSG:%d）\n", len(l.Features), pos[0], pos[1], l.SRID)
	return nil
}
