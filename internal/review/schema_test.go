package review_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"mineplan/internal/input"
	"mineplan/internal/rights"
)

// TestSchemaLimitsMatchCode: the limits docs/review.schema.json publishes
// are the ones the reader enforces.
func TestSchemaLimitsMatchCode(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "review.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	var schema struct {
		Properties struct {
			Properties struct {
				Properties map[string]struct {
					MaxLength        *int     `json:"maxLength"`
					Maximum          *float64 `json:"maximum"`
					Minimum          *float64 `json:"minimum"`
					ExclusiveMinimum *float64 `json:"exclusiveMinimum"`
					Properties       map[string]struct {
						Minimum *float64 `json:"minimum"`
						Maximum *float64 `json:"maximum"`
					} `json:"properties"`
				} `json:"properties"`
			} `json:"properties"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(b, &schema); err != nil {
		t.Fatal(err)
	}
	props := schema.Properties.Properties.Properties
	for field, max := range map[string]int{"mineral": input.MaxName, "county": input.MaxName, "holder": input.MaxName, "block": input.MaxCode, "scale_unit": input.MaxCode} {
		if p := props[field]; p.MaxLength == nil || *p.MaxLength != max {
			t.Errorf("%s: schema maxLength %v, the code allows %d", field, p.MaxLength, max)
		}
	}
	for field, r := range map[string]rights.Range{"scale": rights.DesignScaleRange, "service_years": rights.ServiceYearsRange, "area_km2": rights.AreaRange} {
		p := props[field]
		if p.Maximum == nil || *p.Maximum != r.Max || p.ExclusiveMinimum == nil || *p.ExclusiveMinimum != r.Min || !r.MinOpen {
			t.Errorf("%s: schema (%v, %v], the code (%g, %g]", field, p.ExclusiveMinimum, p.Maximum, r.Min, r.Max)
		}
	}
	for _, f := range []string{"ash_pct", "sulphur_pct"} {
		p := props["coal"].Properties[f]
		if p.Minimum == nil || *p.Minimum != rights.PercentRange.Min || p.Maximum == nil || *p.Maximum != rights.PercentRange.Max {
			t.Errorf("coal.%s: schema [%v, %v], the code [%g, %g]", f, p.Minimum, p.Maximum, rights.PercentRange.Min, rights.PercentRange.Max)
		}
	}
}
