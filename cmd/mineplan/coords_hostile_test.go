package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// TestCoordsConvertHostile: input coords convert cannot convert faithfully
// is refused with its line number in Chinese and English; a point outside
// its zone converts with a warning.
func TestCoordsConvertHostile(t *testing.T) {
	long := "75.5 39.5 " + strings.Repeat("x", 5000)
	cases := []struct {
		name, from, to, in string
		code               int
		out                []string // lines of stdout, exactly
		stderr             []string // substrings of stderr
		noStderr           bool
	}{
		{name: "NaN", from: "4490", to: "4513", in: "75.5 39.5\nNaN NaN\n", code: 1,
			out:    []string{"25543006.8150 4374133.4769"},
			stderr: []string{"第 2 行：第 1 个值 \"NaN\" 不是有限的十进制数", "line 2: value 1 \"NaN\" is not a finite decimal number"}},
		{name: "Inf latitude", from: "4490", to: "4513", in: "75.5 +Inf\n", code: 1,
			stderr: []string{"第 1 行：第 2 个值", "line 1: value 2 \"+Inf\""}},
		{name: "hexadecimal", from: "4490", to: "4490", in: "0x1p6 39.5\n", code: 1,
			stderr: []string{"第 1 行", "not a finite decimal number"}},
		{name: "overflow", from: "4513", to: "4490", in: "25543006.8 1e999\n", code: 1,
			stderr: []string{"第 1 行：第 2 个值 \"1e999\""}},
		{name: "easting without zone prefix", from: "4513", to: "4490", in: "# 拐点\n543006.815 4374133.477\n", code: 1,
			out:    []string{"# 拐点"},
			stderr: []string{"第 2 行：东坐标 543006.815 缺少带号前缀？", "EPSG:4534", "line 2: easting 543006.815 lacks its zone prefix?", "25000000 and 26000000"}},
		{name: "easting of another zone", from: "4513", to: "4490", in: "26543006.815 4374133.477\n", code: 1,
			stderr: []string{"第 1 行：东坐标 26543006.815 的带号 26 与 EPSG:4513 的 25 带不符", "EPSG:4514", "line 1: easting 26543006.815 carries zone prefix 26"}},
		{name: "prefix where none belongs", from: "4534", to: "4490", in: "25543006.815 4374133.477\n", code: 1,
			stderr: []string{"第 1 行：东坐标 25543006.815 带有带号前缀 25？", "EPSG:4513", "line 1: easting 25543006.815 carries zone prefix 25?"}},
		{name: "easting and northing swapped", from: "4513", to: "4490", in: "4374133.477 25543006.815\n", code: 1,
			stderr: []string{"第 1 行", "东坐标与北坐标是否颠倒", "line 1", "are easting and northing swapped?"}},
		{name: "negative easting", from: "4534", to: "4490", in: "-20 4374133.477\n", code: 1,
			stderr: []string{"第 1 行：东坐标 -20.000 超出 EPSG:4534（25 带）的合理范围", "line 1: easting -20.000 is outside the plausible range"}},
		{name: "northing in the southern hemisphere", from: "4513", to: "4490", in: "25543006.815 -4374133.477\n", code: 1,
			stderr: []string{"第 1 行：北坐标 -4374133.477 在中国范围（北纬 3°–54°）之外", "line 1: northing -4374133.477 is outside China"}},
		{name: "northing north of China", from: "4534", to: "4490", in: "500000 6500000\n", code: 1,
			stderr: []string{"第 1 行：北坐标 6500000.000", "outside China"}},
		{name: "northing just south of China", from: "4513", to: "4490", in: "25543006.815 300000\n", code: 1,
			stderr: []string{"第 1 行：北坐标 300000.000 对应北纬 2.71°", "line 1: northing 300000.000 is at latitude 2.71°"}},
		{name: "longitude out of range", from: "4490", to: "4513", in: "39.5 95.5\n", code: 1,
			stderr: []string{"第 1 行", "line 1"}},
		{name: "one number", from: "4490", to: "4513", in: "\n\n75.5\n", code: 1,
			out:    []string{"", ""},
			stderr: []string{"第 3 行：应为两个数", "line 3: expected two numbers"}},
		{name: "line too long", from: "4490", to: "4513", in: "75.5 39.5\n" + long + "\n", code: 1,
			out:    []string{"25543006.8150 4374133.4769"},
			stderr: []string{"第 2 行过长", "line 2 is too long"}},
		{name: "first line too long", from: "4490", to: "4513", in: long, code: 1,
			stderr: []string{"第 1 行过长", "line 1 is too long"}},
		{name: "Beijing projected into zone 25", from: "4490", to: "4513", in: "75.5 39.5\n116.4 39.9 BJ\n", code: 0,
			out:    []string{"25543006.8150 4374133.4769", "29071496.3259 5333689.9458 BJ"},
			stderr: []string{"注意：第 2 行：经度 116.400000° 距目标坐标系 EPSG:4513（25 带）的中央经线 75° 有 41.400°（约 3540.5 km）", "该点在 39 带（EPSG:4527）", "warning: line 2: longitude 116.400000° is 41.400° (about 3540.5 km)"}},
		{name: "just past the zone edge", from: "4490", to: "4534", in: "73.4 39.5\n", code: 0,
			out:    []string{"362375.0755 4375236.5809"},
			stderr: []string{"第 1 行", "有 1.600°（约 137.6 km）", "line 1"}},
		{name: "inside the tolerance", from: "4490", to: "4534", in: "76.54 39.5\n73.46 39.5\n", code: 0,
			out:      []string{"632463.7452 4375146.6008", "367536.2548 4375146.6008"},
			noStderr: true},
		{name: "source point outside its zone", from: "4513", to: "4490", in: "25999999 4374133.477\n", code: 0,
			stderr: []string{"第 1 行", "距源坐标系 EPSG:4513（25 带）", "of the source CRS EPSG:4513"}},
		{name: "byte order mark and CRLF", from: "4490", to: "4513", in: "\uFEFF75.5 39.5\r\n", code: 0,
			out: []string{"25543006.8150 4374133.4769"}, noStderr: true},
	}
	lineNo := regexp.MustCompile(`第 \d+ 行.*/.*line \d+`)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(context.Background(), []string{"coords", "convert", "--from", "EPSG:" + c.from, "--to", "EPSG:" + c.to}, strings.NewReader(c.in), &out, &errOut)
			e := errOut.String()
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr %q", code, c.code, e)
			}
			var got []string
			if s := out.String(); s != "" {
				got = strings.Split(strings.TrimSuffix(s, "\n"), "\n")
			}
			if c.out != nil && strings.Join(got, "\n") != strings.Join(c.out, "\n") {
				t.Errorf("stdout %q, want %q", got, c.out)
			}
			if c.code != 0 && c.out == nil && len(got) != 0 {
				t.Errorf("stdout %q, want nothing", got)
			}
			for _, w := range c.stderr {
				if !strings.Contains(e, w) {
					t.Errorf("stderr lacks %q:\n%s", w, e)
				}
			}
			if c.noStderr && e != "" {
				t.Errorf("stderr %q, want nothing", e)
			}
			if e != "" && !lineNo.MatchString(e) {
				t.Errorf("stderr does not name the line in Chinese and English: %q", e)
			}
			if strings.Contains(e, "bufio") || strings.Contains(e, "strconv") || strings.Contains(e, "token too long") {
				t.Errorf("stderr shows program internals: %q", e)
			}
		})
	}
}
