package review_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/review"
)

// FuzzApplication feeds arbitrary bytes to the application reader. An
// input is either refused with field errors (each naming its field, in
// both languages) or reviewed, and every report it produces encodes as
// JSON: no NaN or infinity reaches the encoder.
func FuzzApplication(f *testing.F) {
	p, err := data.LoadDefault()
	if err != nil {
		f.Fatal(err)
	}
	mem, err := app.DemoMemory(p)
	if err != nil {
		f.Fatal(err)
	}
	e, err := review.New(p, 1)
	if err != nil {
		f.Fatal(err)
	}
	sq := `[[[77.30,38.45],[77.31,38.45],[77.31,38.46],[77.30,38.46],[77.30,38.45]]]`
	for _, s := range []string{
		`{"type":"Feature","properties":{"kind":"mining","mineral":"铜矿","county":"莎车县","scale":35,"scale_unit":"万吨/年","area_km2":1},"geometry":{"type":"Polygon","coordinates":` + sq + `}}`,
		`{"type":"Feature","properties":{"kind":"exploration","mineral":"金矿","county":"653125"},"geometry":{"type":"MultiPolygon","coordinates":[` + sq + `]}}`,
		`{"type":"Feature","properties":{"kind":"mining","mineral":"煤","county":"叶城县","scale":1e308,"scale_unit":"万吨/年","coal":{"ash_pct":45}},"geometry":{"type":"Polygon","coordinates":` + sq + `}}`,
		`{"type":"Feature","properties":{"kind":"mining","mineral":"铜矿","county":"莎车县","scale":35,"scale_unit":"万吨/年","area_km2":1},"geometry":{"type":"Polygon","coordinates":[[[77.30,38.45],[77.31,38.45],[77.31,38.46],[77.30,38.46],[77.30,38.45]],[[77.30,38.45],[77.31,38.45],[77.31,38.46],[77.30,38.46],[77.30,38.45]]]}}`,
		`{"type":"Feature","properties":{"kind":"mining"},"geometry":{"type":"MultiPolygon","coordinates":[]}}`,
		"\uFEFF{}", `[]`, `{"type":"Feature","geometry":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := review.ParseApplication(b, p)
		if err != nil {
			var ve review.ValidationErrors
			if !errors.As(err, &ve) || len(ve) == 0 {
				t.Fatalf("refusal without field errors: %v", err)
			}
			for _, fe := range ve {
				if fe.Field == "" || fe.ZH == "" || fe.EN == "" {
					t.Fatalf("field error without field or message: %+v", fe)
				}
			}
			if _, err := json.Marshal(ve); err != nil {
				t.Fatalf("the refusal does not encode: %v", err)
			}
			return
		}
		rep, err := e.Review(context.Background(), a, mem, time.Unix(0, 0))
		if err != nil {
			t.Fatalf("a validated application failed the review: %v", err)
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Fatalf("the report does not encode: %v", err)
		}
	})
}
