package review_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"mineplan/data"
	"mineplan/internal/review"
)

const (
	inputProps = `{"kind":"mining","mineral":"铜矿","county":"莎车县","scale":35,"scale_unit":"万吨/年"}`
	inputGeom  = `{"type":"Polygon","coordinates":[[[77.3,38.4],[77.32,38.4],[77.32,38.42],[77.3,38.42],[77.3,38.4]]]}`
)

// TestApplicationDocuments: the review takes a Feature, a FeatureCollection
// of one Feature and a bare geometry (issue 10).
func TestApplicationDocuments(t *testing.T) {
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	feature := `{"type":"Feature","properties":` + inputProps + `,"geometry":` + inputGeom + `}`
	a, err := review.ParseApplication([]byte(feature), p)
	if err != nil {
		t.Fatal(err)
	}
	c, err := review.ParseApplication([]byte(`{"type":"FeatureCollection","features":[`+feature+`]}`), p)
	if err != nil {
		t.Fatalf("a FeatureCollection of one Feature: %v", err)
	}
	if c.InputHash() != a.InputHash() {
		t.Errorf("the collection gave another application: %+v", c)
	}
	_, err = review.ParseApplication([]byte(`{"type":"FeatureCollection","features":[`+feature+`,`+feature+`]}`), p)
	if err == nil || !strings.Contains(err.Error(), "holds 2 features") {
		t.Errorf("two features: %v", err)
	}
	// A bare geometry is read; the application's fields are then missing.
	_, err = review.ParseApplication([]byte(inputGeom), p)
	var ve review.ValidationErrors
	if !errors.As(err, &ve) || len(ve) != 1 || ve[0].Field != "properties" {
		t.Errorf("a bare geometry: %v", err)
	}
}

// TestApplicationErrorsWrapTheCause: the decoder's error stays reachable
// (errors.As), behind the plain bilingual message.
func TestApplicationErrorsWrapTheCause(t *testing.T) {
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	_, err = review.ParseApplication([]byte(`{"type":"Feature","properties":`+inputProps+`,"geometry":{"type":5,"coordinates":[]}}`), p)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		t.Errorf("bad geometry type: %v does not wrap the JSON error", err)
	}
	// Coordinates are the GeoJSON codec's: its fault is kept underneath.
	_, err = review.ParseApplication([]byte(`{"type":"Feature","properties":`+inputProps+`,"geometry":{"type":"Polygon","coordinates":"x"}}`), p)
	var fe *review.FieldError
	if !errors.As(err, &fe) || fe.Field != "geometry.coordinates" || errors.Unwrap(fe) == nil || !strings.Contains(fe.EN, "must be an array of rings") {
		t.Errorf("bad coordinates: %v", err)
	}
	// A position of one number is refused, not read as a latitude of 0.
	_, err = review.ParseApplication([]byte(`{"type":"Feature","properties":`+inputProps+`,"geometry":{"type":"Polygon","coordinates":[[[77.3],[77.32,38.4],[77.32,38.42],[77.3,38.4]]]}}`), p)
	if !errors.As(err, &fe) || !strings.Contains(fe.EN, "ring 1 vertex 1: has 1 coordinates; needs 2") {
		t.Errorf("a one-number position: %v", err)
	}
	_, err = review.ParseApplication([]byte(`{"type":"Feature",`), p)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		t.Errorf("bad JSON: %v does not wrap the syntax error", err)
	}
}
