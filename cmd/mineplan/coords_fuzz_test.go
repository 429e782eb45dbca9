package main

import (
	"bytes"
	"context"
	"math"
	"strconv"
	"strings"
	"testing"
)

// FuzzCoordsConvert feeds arbitrary text to coords convert in both
// directions: it never panics; it succeeds or fails with a message naming
// a line; and every number it prints is finite.
func FuzzCoordsConvert(f *testing.F) {
	for _, s := range []string{"77.3 38.45\n", "NaN NaN\n", "25500000 4250000\n", "500000 4250000\n", "116.4 39.9\n", "# comment\n\n77.3,38.45 name\n", "1e999 1\n", "-0 -0\n"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, in string, toGK bool) {
		from, to := "EPSG:4490", "EPSG:4525"
		if !toGK {
			from, to = to, from
		}
		var out, errOut bytes.Buffer
		code := run(context.Background(), []string{"coords", "convert", "--from", from, "--to", to}, strings.NewReader(in), &out, &errOut)
		switch code {
		case 0:
		case 1:
			if !strings.Contains(errOut.String(), "line ") {
				t.Fatalf("refused without naming a line: %q", errOut.String())
			}
			return
		default:
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		for _, line := range strings.Split(out.String(), "\n") {
			f := strings.Fields(line)
			if len(f) < 2 || strings.HasPrefix(line, "#") {
				continue
			}
			for _, s := range f[:2] {
				if v, err := strconv.ParseFloat(s, 64); err == nil && (math.IsNaN(v) || math.IsInf(v, 0)) {
					t.Fatalf("printed a non-finite number in %q", line)
				}
			}
		}
	})
}
