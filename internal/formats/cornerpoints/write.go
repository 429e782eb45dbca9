package cornerpoints

import (
	"bufio"
	"fmt"
	"io"

	"mineplan/internal/geo"
)

// Write writes a boundary given in EPSG:4490 as corner-point text in a
// Gauss–Krüger zone: X (northing) and Y (easting) to the centimetre, each
// ring closed by repeating its first point, parcels separated by "*" and
// holes introduced by "洞".
func Write(w io.Writer, name string, g geo.MultiPolygon, crs geo.CRS) error {
	if crs.Geographic {
		return fmt.Errorf("拐点坐标文件需要投影坐标系（3 度带）/ corner-point files need a projected CRS (a 3° zone)")
	}
	bw := bufio.NewWriter(w)
	count := 0
	for _, p := range g {
		for _, r := range p {
			count += len(r)
		}
	}
	fmt.Fprintf(bw, "# mineplan 拐点坐标 / corner points\n坐标系=EPSG:%d\n带号=%d\n", crs.EPSG, crs.Zone)
	if name != "" {
		fmt.Fprintf(bw, "名称=%s\n", name)
	}
	fmt.Fprintf(bw, "点数=%d\n", count)
	n := 0
	for i, p := range g {
		for j, r := range p {
			switch {
			case j > 0:
				fmt.Fprintln(bw, "洞")
			case i > 0:
				fmt.Fprintln(bw, "*")
			}
			first := n + 1
			for k, pt := range r {
				xy, err := crs.Project(pt)
				if err != nil {
					return err
				}
				num := first + k
				if k == len(r)-1 && pt == r[0] {
					num = first
				} else {
					n++
				}
				fmt.Fprintf(bw, "%d,%.2f,%.2f\n", num, xy.Lat, xy.Lon)
			}
		}
	}
	return bw.Flush()
}
