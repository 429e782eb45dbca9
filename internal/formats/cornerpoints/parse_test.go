package cornerpoints

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"mineplan/internal/geo"
)

// A 1 km square in zone 25 (central meridian 75°E), X northing, Y easting.
const square = `坐标系=CGCS2000
带号=25
点数=5
1,4370000.00,25500000.00
2,4370000.00,25501000.00
3,4371000.00,25501000.00
4,4371000.00,25500000.00
1,4370000.00,25500000.00
`

func TestParseSquare(t *testing.T) {
	p, err := Parse([]byte(square))
	if err != nil {
		t.Fatal(err)
	}
	if p.CRS.EPSG != 4513 || len(p.Geometry) != 1 || len(p.Geometry[0][0]) != 5 {
		t.Fatalf("CRS %d, geometry %v", p.CRS.EPSG, p.Geometry)
	}
	if a := geo.PlanarArea(p.Source[0]); math.Abs(a-1e6) > 1e-6 {
		t.Errorf("planar area %f, want 1 000 000 m²", a)
	}
	if a := geo.CGCS2000.MultiPolygonArea(p.Geometry); math.Abs(a-1e6)/1e6 > 1e-3 {
		t.Errorf("ellipsoidal area %f m², want about 1 000 000 (scale factor 1 on the central meridian)", a)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("warnings: %v", p.Warnings)
	}
}

func TestParseForms(t *testing.T) {
	cases := []struct {
		name, text string
		epsg       int
		parts      int
		holes      int
	}{
		{"zone from the prefix, no header", "1,4370000,25500000\n2,4370000,25501000\n3,4371000,25501000\n1,4370000,25500000\n", 4513, 1, 0},
		{"zone header without prefix", "带号：26\nJ1 4370000 500000\nJ2 4370000 501000\nJ3 4371000 501000\nJ1 4370000 500000\n", 4535, 1, 0},
		{"EPSG header, tabs and Chinese commas", "坐标系=EPSG:4515\n1\t4370000\t27500000\n2，4370000，27501000\n3,4371000,27501000\n4,4370000,27500000\n", 4515, 1, 0},
		{"two parcels and a hole", "带号=25\n" +
			"1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n4,4373000,25500000\n1,4370000,25500000\n" +
			"洞\n5,4371000,25501000\n6,4372000,25501000\n7,4372000,25502000\n5,4371000,25501000\n" +
			"*\n8,4380000,25500000\n9,4380000,25501000\n10,4381000,25501000\n8,4380000,25500000\n", 4513, 2, 1},
		{"hole by *,-1", "带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n1,4370000,25500000\n*,-1\n5,4370500,25502000\n6,4370500,25502500\n7,4371000,25502500\n5,4370500,25502000\n", 4513, 1, 1},
		{"decimal degrees", "坐标系=EPSG:4490\n1,75.5,39.5\n2,75.51,39.5\n3,75.51,39.51\n1,75.5,39.5\n", 4490, 1, 0},
		{"degrees minutes seconds", "1, 75°59'24.0\", 39°28'12.3\"\n2, 76°00'00\", 39°28'12.3\"\n3, 76°00'00\", 39°29'00\"\n1, 75°59'24.0\", 39°28'12.3\"\n", 4490, 1, 0},
		{"DMS with hemispheres, latitude first", "1, N39°28'12.3\", E75°59'24.0\"\n2, N39°28'12.3\", E76°00'00\"\n3, N39°29'00\", E76°00'00\"\n1, N39°28'12.3\", E75°59'24.0\"\n", 4490, 1, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse([]byte(c.text))
			if err != nil {
				t.Fatal(err)
			}
			holes := 0
			for _, poly := range p.Geometry {
				holes += len(poly) - 1
			}
			if p.CRS.EPSG != c.epsg || len(p.Geometry) != c.parts || holes != c.holes {
				t.Errorf("EPSG %d, %d parts, %d holes; want %d, %d, %d", p.CRS.EPSG, len(p.Geometry), holes, c.epsg, c.parts, c.holes)
			}
		})
	}
}

func TestDMSValue(t *testing.T) {
	p, err := Parse([]byte("1, 75°59'24.0\", 39°28'12.3\"\n2, 76°00'00\", 39°28'12.3\"\n3, 76°00'00\", 39°29'00\"\n1, 75°59'24.0\", 39°28'12.3\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := p.Geometry[0][0][0]
	if math.Abs(got.Lon-(75+59.0/60+24.0/3600)) > 1e-12 || math.Abs(got.Lat-(39+28.0/60+12.3/3600)) > 1e-12 {
		t.Errorf("first point %v", got)
	}
}

func TestGBKFile(t *testing.T) {
	text := "名称=喀什伽师铜矿\n" + square
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(gbk)
	if err != nil || p.Name != "喀什伽师铜矿" {
		t.Fatalf("GBK file: name %q, %v", p.Name, err)
	}
}

// TestFaults: every listed fault is refused with its rule and line.
func TestFaults(t *testing.T) {
	cases := []struct {
		name, text, rule string
		line             int
		contains         string
	}{
		{"ring not closed", "带号=25\n1,4370000,25500000\n2,4370000,25501000\n3,4371000,25501000\n", "not-closed", 4, "环未闭合"},
		{"fewer than 3 distinct points", "带号=25\n1,4370000,25500000\n2,4370000,25501000\n1,4370000,25500000\n", "too-few", 2, "至少需要 3 个"},
		{"zone prefix disagrees", "带号=25\n1,4370000,26500000\n2,4370000,26501000\n3,4371000,26501000\n1,4370000,26500000\n", "zone-prefix", 2, "与声明的带号 25 不符"},
		{"zone prefix disagrees with EPSG", "坐标系=EPSG:4513\n1,4370000,26500000\n2,4370000,26501000\n3,4371000,26501000\n1,4370000,26500000\n", "zone-prefix", 2, "带号前缀为 26"},
		{"easting with no zone", "1,4370000,500000\n2,4370000,501000\n3,4371000,501000\n1,4370000,500000\n", "no-zone", 1, "不含带号"},
		{"point far outside its zone", "带号=25\n1,4370000,25500000\n2,4370000,25900000\n3,4371000,25901000\n1,4370000,25500000\n", "outside-zone", 3, "远在该带之外"},
		{"self-intersection", "带号=25\n1,4370000,25500000\n2,4371000,25501000\n3,4370000,25501000\n4,4371000,25500000\n1,4370000,25500000\n", "self-intersection", 4, "边 1–2 与边 3–4 相交于 (X 4370500.00, Y 25500500.00)"},
		{"hole outside its shell", "带号=25\n1,4370000,25500000\n2,4370000,25501000\n3,4371000,25501000\n1,4370000,25500000\n洞\n5,4380000,25500000\n6,4380000,25500100\n7,4380100,25500100\n5,4380000,25500000\n", "hole-outside", 7, "不在外环内"},
		{"hole first", "洞\n1,4370000,25500000\n", "hole-first", 1, "之前"},
		{"point count", "带号=25\n点数=7\n1,4370000,25500000\n2,4370000,25501000\n3,4371000,25501000\n1,4370000,25500000\n", "count", 2, "写明 7 个点"},
		{"bad number", "带号=25\n1,4370000,25500x00\n", "number", 2, "不是数字"},
		{"two fields", "带号=25\n4370000,25500000\n", "point", 2, "三项"},
		{"legacy CRS", "坐标系=1980西安坐标系\n", "legacy-crs", 1, "CGCS2000"},
		{"6 degree zones", "分带=6\n", "zone-width", 1, "3 度分带"},
		{"closing number, other coordinates", "带号=25\n1,4370000,25500000\n2,4370000,25501000\n3,4371000,25501000\n1,4370001,25500000\n", "closing-point", 5, "坐标不同"},
		{"empty", "# nothing\n", "empty", 0, "没有坐标点"},
		{"unsupported EPSG", "坐标系=EPSG:2385\n", "crs", 1, "不支持"},
		{"ring touching itself", "带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n4,4370000,25501500\n5,4373000,25500000\n1,4370000,25500000\n", "self-intersection", 4, "边 1–2 与边 3–4 相接于 (X 4370000.00, Y 25501500.00)"},
		{"spike", "带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n4,4371000,25503000\n5,4373000,25500000\n1,4370000,25500000\n", "self-intersection", 4, "环在点 3 处折返：边 2–3 与边 3–4 重合"},
		{"hole crossing its shell", "带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n4,4373000,25500000\n1,4370000,25500000\n洞\n5,4371000,25501000\n6,4371000,25504000\n7,4372000,25504000\n8,4372000,25501000\n5,4371000,25501000\n", "rings-cross", 8, "第 8 行起的内环（洞）的边 5–6 与第 2 行起的外环的边 2–3 相交于 (X 4371000.00, Y 25503000.00)"},
		{"hole sharing an edge", "带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n4,4373000,25500000\n1,4370000,25500000\n洞\n5,4370000,25501000\n6,4371000,25501000\n7,4371000,25502000\n8,4370000,25502000\n5,4370000,25501000\n", "rings-cross", 11, "部分重合"},
		{"hole in a hole", "带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n4,4373000,25500000\n1,4370000,25500000\n洞\n5,4370500,25500500\n6,4372500,25500500\n7,4372500,25502500\n5,4370500,25500500\n洞\n8,4372000,25501500\n9,4372200,25501500\n10,4372200,25501700\n8,4372000,25501500\n", "nested-holes", 13, "内环（洞）位于第 8 行起的内环（洞）之内（点 8）"},
		{"hole touching the shell twice", "带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n4,4373000,25500000\n1,4370000,25500000\n洞\n5,4370000,25501500\n6,4371500,25502000\n7,4373000,25501500\n8,4371500,25501000\n5,4370000,25501500\n", "disconnected-interior", 10, "把地块内部分成了不相连的几块"},
		{"overlapping parcels", "带号=25\n1,4370000,25500000\n2,4370000,25502000\n3,4372000,25502000\n1,4370000,25500000\n*\n4,4371000,25501000\n5,4371000,25503000\n6,4373000,25503000\n4,4371000,25501000\n", "parts-overlap", 7, "两个地块重叠"},
		{"parcel inside a parcel", "带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n4,4373000,25500000\n1,4370000,25500000\n*\n5,4371000,25501000\n6,4371000,25502000\n7,4372000,25502000\n5,4371000,25501000\n", "parts-overlap", 8, "第 8 行起的地块位于第 2 行起的地块之内"},
		{"degrees: bow-tie", "坐标系=EPSG:4490\n1,75.5,39.5\n2,75.51,39.51\n3,75.51,39.5\n4,75.5,39.51\n1,75.5,39.5\n", "self-intersection", 4, "边 1–2 与边 3–4 相交于 (75.5050000, 39.5050000)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.text))
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if pe.Rule != c.rule || pe.Line != c.line || !strings.Contains(err.Error(), c.contains) || pe.EN == "" {
				t.Errorf("got rule %q line %d: %v\nwant rule %q line %d containing %q", pe.Rule, pe.Line, err, c.rule, c.line, c.contains)
			}
		})
	}
}

// TestValidOnTheFilesCoordinates: a hole whose corner the file puts on the
// outer ring's diagonal, and a parcel touching another at a corner, are
// valid: the check runs on the coordinates as written.
func TestValidOnTheFilesCoordinates(t *testing.T) {
	for _, text := range []string{
		"带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n1,4370000,25500000\n洞\n4,4371500,25501500\n5,4370500,25502000\n6,4370500,25501500\n4,4371500,25501500\n",
		"带号=25\n1,4370000,25500000\n2,4370000,25501000\n3,4371000,25501000\n1,4370000,25500000\n*\n4,4371000,25501000\n5,4371000,25502000\n6,4372000,25502000\n4,4371000,25501000\n",
	} {
		p, err := Parse([]byte(text))
		if err != nil {
			t.Fatalf("%v\n%s", err, text)
		}
		holes := 0
		for _, poly := range p.Geometry {
			holes += len(poly) - 1
		}
		if len(p.Geometry)+holes != 2 {
			t.Fatalf("geometry %v", p.Geometry)
		}
	}
}

// TestLargeFileIsQuick: a parcel of MaxPoints corner points is checked
// well within the fuzz test's limit (the old pairwise check took seconds).
func TestLargeFileIsQuick(t *testing.T) {
	var b strings.Builder
	b.WriteString("带号=25\n")
	n := MaxPoints - 1
	for i := 0; i <= n; i++ {
		th := 2 * math.Pi * float64(i%n) / float64(n)
		r := 5000 * (1 + 0.05*math.Sin(11*th))
		fmt.Fprintf(&b, "%d,%.2f,%.2f\n", i%n+1, 4370000+r*math.Sin(th), 25500000+r*math.Cos(th))
	}
	start := time.Now()
	p, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Geometry[0][0]) != MaxPoints {
		t.Fatalf("%d points", len(p.Geometry[0][0]))
	}
	t.Logf("%d points in %v", MaxPoints, time.Since(start))
}

func TestDuplicatePointWarning(t *testing.T) {
	p, err := Parse([]byte("带号=25\n1,4370000,25500000\n2,4370000,25501000\n2,4370000,25501000\n3,4371000,25501000\n1,4370000,25500000\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Rule != "duplicate" || p.Warnings[0].Line != 4 || len(p.Geometry[0][0]) != 4 {
		t.Fatalf("warnings %v, ring %v", p.Warnings, p.Geometry[0][0])
	}
}

func TestWriteRoundTrip(t *testing.T) {
	in, err := Parse([]byte("带号=25\n" +
		"1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n4,4373000,25500000\n1,4370000,25500000\n" +
		"洞\n5,4371000,25501000\n6,4372000,25501000\n7,4372000,25502000\n5,4371000,25501000\n" +
		"*\n8,4380000,25500000\n9,4380000,25501000\n10,4381000,25501000\n8,4380000,25500000\n"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, "测试地块", in.Geometry, in.CRS); err != nil {
		t.Fatal(err)
	}
	out, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	if out.Name != "测试地块" || out.CRS != in.CRS || len(out.Source) != 2 || len(out.Source[0]) != 2 {
		t.Fatalf("round trip: %+v\n%s", out, buf.String())
	}
	for i := range in.Source {
		for j := range in.Source[i] {
			for k, p := range in.Source[i][j] {
				q := out.Source[i][j][k]
				if math.Abs(p.Lon-q.Lon) > 0.005 || math.Abs(p.Lat-q.Lat) > 0.005 {
					t.Errorf("part %d ring %d point %d: %v became %v", i, j, k, p, q)
				}
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(square))
	f.Add([]byte("1, 75°59'24.0\", 39°28'12.3\"\n2, 76°00'00\", 39°28'12.3\"\n3, 76°00'00\", 39°29'00\"\n1, 75°59'24.0\", 39°28'12.3\"\n"))
	f.Add([]byte("带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n1,4370000,25500000\n洞\n5,4371000,25501000\n6,4372000,25501000\n7,4372000,25502000\n5,4371000,25501000\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		done := make(chan struct{})
		go func() {
			defer close(done)
			p, err := Parse(b)
			if err == nil && (p == nil || len(p.Geometry) == 0) {
				panic("no error and no geometry")
			}
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Parse took over 5 s on %q", b)
		}
	})
}

func TestRegionString(t *testing.T) {
	// A real record's string (巩义, zone 38, 采深 537/504 m), from the
	// public CK_Sync sample cited in docs/formats.md.
	r, err := ParseRegion("1,4,1,3829489.86,38413197.70,2,3829524.86,38413289.69,3,3829363.86,38413356.69,4,3829330.87,38413244.69,537,504,,1,")
	if err != nil {
		t.Fatal(err)
	}
	if r.CRS.EPSG != 4526 || len(r.Geometry) != 1 || len(r.Geometry[0][0]) != 5 || *r.ElevationTop != 537 || *r.ElevationBottom != 504 {
		t.Fatalf("%+v", r)
	}
	// Outer ring with a hole, written and read back.
	in, _ := Parse([]byte("带号=25\n1,4370000,25500000\n2,4370000,25503000\n3,4373000,25503000\n4,4373000,25500000\n1,4370000,25500000\n洞\n5,4371000,25501000\n6,4372000,25501000\n7,4372000,25502000\n5,4371000,25501000\n"))
	s, err := FormatRegion(in.Geometry, in.CRS, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseRegion(s)
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	if len(back.Geometry) != 1 || len(back.Geometry[0]) != 2 {
		t.Fatalf("round trip %s: %+v", s, back.Geometry)
	}
	for bad, want := range map[string]string{
		"":                                   "圈数",
		"1,9,1,4370000,25500000,537,504,,1,": "点数 9 与数据不符",
		"1,3,1,4370000,25500000,2,4370000,25501000,3,4371000,25501000,537,504,,2,":  "圈属性",
		"1,3,1,4370000,25500000,2,4370000,25501000,3,4371000,25501000,537,504,,1,9": "多余",
	} {
		if _, err := ParseRegion(bad); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", bad, err, want)
		}
	}
}
