package web

import (
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"
)

// TestMapPage: /map renders in each language with <html lang dir>, loads
// its scripts only from the server's hashed files (no inline script: the
// two <script> blocks of data are application/json), gives map.js its
// strings and the plan's clauses, and names every layer toggle.
func TestMapPage(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	for lang, want := range map[string]string{"zh": `<html lang="zh-CN" dir="ltr">`, "ug": `<html lang="ug" dir="rtl">`, "en": `<html lang="en" dir="ltr">`} {
		rec := request{method: "GET", path: "/map?lang=" + lang}.send(h)
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, want) {
			t.Fatalf("%s: %d, want %s in %.300s", lang, rec.Code, want, body)
		}
		checkHeaders(t, "/map", rec.Header())
		for _, m := range regexp.MustCompile(`<script([^>]*)>`).FindAllStringSubmatch(body, -1) {
			attrs := m[1]
			if !regexp.MustCompile(`src="/static/[0-9a-f]{12}/(map|printlink|maptools)\.js"`).MatchString(attrs) {
				t.Errorf("%s: script %q is not a hashed static file", lang, m[0])
			}
		}
		for _, f := range []string{"vendor/maplibre-gl/maplibre-gl.mjs", "vendor/maplibre-gl/maplibre-gl-worker.mjs", "vendor/maplibre-gl/maplibre-gl.css", "map.css"} {
			if !regexp.MustCompile(`/static/[0-9a-f]{12}/` + regexp.QuoteMeta(f)).MatchString(body) {
				t.Errorf("%s: the page does not reference %s", lang, f)
			}
		}
		data := func(id string) map[string]any {
			m := regexp.MustCompile(`<div hidden id="` + id + `" data-json="([^"]*)"></div>`).FindStringSubmatch(body)
			if m == nil {
				t.Fatalf("%s: no %s data", lang, id)
			}
			var v map[string]any
			if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &v); err != nil {
				t.Fatalf("%s: %s: %v", lang, id, err)
			}
			return v
		}
		strs := data("map-strings")
		if strs["map.js.layer.rights"] == nil || strs["maplibre"].(map[string]any)["NavigationControl.ZoomIn"] == nil {
			t.Errorf("%s: map-strings lacks keys: %v", lang, strs)
		}
		cl := data("map-clauses")
		if cl["blocks"].(map[string]any)["exploration"] != "专栏16" || cl["blocks"].(map[string]any)["mining"] != "专栏17" {
			t.Errorf("%s: block clauses %v", lang, cl["blocks"])
		}
		if len(cl["zones"].(map[string]any)) < 50 {
			t.Errorf("%s: %d zone clauses", lang, len(cl["zones"].(map[string]any)))
		}
		for _, l := range mapLayers {
			if !strings.Contains(body, `<input type="checkbox" id="layer-`+l+`" data-layer="`+l+`" checked>`) || !strings.Contains(body, `<label for="layer-`+l+`">`) {
				t.Errorf("%s: no labelled toggle for %s", lang, l)
			}
		}
		for _, id := range []string{`id="map-tools"`, `id="illustrative-mark"`, `id="coord-gk"`, `id="as-of"`} {
			if !strings.Contains(body, id) {
				t.Errorf("%s: no %s", lang, id)
			}
		}
	}
	if rec := (request{method: "GET", path: "/map?lang=ug"}).send(h); !regexp.MustCompile(`[\x{0600}-\x{06FF}]`).MatchString(rec.Body.String()) {
		t.Error("the Uyghur page has no Arabic-script text")
	}
	if rec := (request{method: "GET", path: "/map?zoom=3"}).send(h); rec.Code != 400 {
		t.Errorf("/map?zoom=3: %d, want 400", rec.Code)
	}
}
