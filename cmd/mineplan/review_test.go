package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/geo"
	"mineplan/internal/plan"
	"mineplan/internal/review"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/store/storetest"
	"mineplan/internal/testutil"
)

func post(t *testing.T, url string, body []byte, want int) []byte {
	t.Helper()
	resp, err := http.Post(url, "application/geo+json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d: %s", url, resp.StatusCode, want, b)
	}
	return b
}

// copperAt25 is an application in Jiashi, away from the illustrative
// rights, below the copper minimum scale.
var copperAt25 = []byte(`{"type":"Feature","properties":{"kind":"mining","mineral":"铜矿","scale":25,"scale_unit":"万吨/年","county":"伽师县","holder":"测试申请人"},
 "geometry":{"type":"Polygon","coordinates":[[[79.70,40.30],[79.71,40.30],[79.71,40.31],[79.70,40.31],[79.70,40.30]]]}}`)

func TestReviewAPI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	base := startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: db, authenticator: testOfficers})
	var created struct {
		ID     string
		Report struct {
			Verdict  string
			Findings []struct{ Rule, Severity, Clause string }
		}
	}
	if err := json.Unmarshal(send(t, "POST", base+"/api/v1/reviews", "licensing", copperAt25, 201), &created); err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Report.Verdict != "non-conforming" {
		t.Fatalf("created: %+v", created)
	}
	found := false
	for _, f := range created.Report.Findings {
		found = found || f.Rule == "minimum-scale.copper" && f.Clause == "四㈡1" && f.Severity == "prohibited"
	}
	if !found {
		t.Errorf("findings %+v", created.Report.Findings)
	}
	got := send(t, "GET", base+"/api/v1/reviews/"+created.ID, "licensing", nil, 200)
	if !strings.Contains(string(got), `"minimum-scale.copper"`) {
		t.Errorf("read back: %s", got)
	}
	// A right granted afterwards over the same ground does not change a
	// re-run, which uses the register as it was.
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	g := storetest.GrantEvent("C-LATER", "后来的公司", rights.Mining, 79.70, 40.30, 0.01)
	if _, err := app.RecordEvents(testutil.Context(), st, []rights.Event{g}, time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	var rerun struct {
		Identical bool
		Rerun     struct{ Verdict string }
	}
	json.Unmarshal(send(t, "POST", base+"/api/v1/reviews/"+created.ID+"/rerun", "licensing", nil, 200), &rerun)
	if !rerun.Identical || rerun.Rerun.Verdict != "non-conforming" {
		t.Fatalf("rerun: %+v", rerun)
	}
	// A new check sees the later right.
	var now struct{ Findings []struct{ Rule string } }
	json.Unmarshal(post(t, base+"/api/v1/check", copperAt25, 200), &now)
	overlap := false
	for _, f := range now.Findings {
		overlap = overlap || f.Rule == "no-overlap-rights"
	}
	if !overlap {
		t.Errorf("the public check does not see the later right: %+v", now.Findings)
	}
	page := string(send(t, "GET", base+"/reviews/"+created.ID, "licensing", nil, 200))
	for _, want := range []string{"不符合规划", "四㈡1", "示意数据", created.ID} {
		if !strings.Contains(page, want) {
			t.Errorf("report page lacks %q", want)
		}
	}
	send(t, "GET", base+"/api/v1/reviews/RVnope", "licensing", nil, 404)
	// Anonymous callers may check but not file, read or re-run reviews.
	post(t, base+"/api/v1/reviews", copperAt25, 403)
	get(t, base+"/api/v1/reviews/"+created.ID, 403)
	var bad struct {
		Error struct {
			Code   string
			Fields []struct{ Field string }
		}
	}
	json.Unmarshal(post(t, base+"/api/v1/check", []byte(`{"type":"Feature","properties":{"kind":"mining","mineral":"铁石","county":"伽师县","scale":10,"scale_unit":"万吨/年"},"geometry":null}`), 422), &bad)
	if bad.Error.Code != "invalid_application" || len(bad.Error.Fields) == 0 {
		t.Errorf("invalid application: %+v", bad)
	}
	post(t, base+"/api/v1/check", bytes.Repeat([]byte(" "), 300<<10), 413)
}

func TestCheckIsRateLimited(t *testing.T) {
	base := startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "m.db"), NoDemo: true})
	limited := false
	for i := 0; i < 40 && !limited; i++ {
		resp, err := http.Post(base+"/api/v1/check", "application/json", bytes.NewReader(copperAt25))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		limited = resp.StatusCode == http.StatusTooManyRequests
	}
	if !limited {
		t.Error("40 checks at once were never limited")
	}
}

func TestReviewCommand(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "app.geojson")
	writeFile(f, copperAt25)
	out := mustRun(t, "review", f)
	if !strings.Contains(out, "不符合规划") || !strings.Contains(out, "四㈡1") {
		t.Errorf("review: %s", out)
	}
	txt := filepath.Join(dir, "app.txt")
	writeFile(txt, []byte("带号=26\n1,4470000,26500000\n2,4470000,26501000\n3,4471000,26501000\n4,4471000,26500000\n1,4470000,26500000\n"))
	var rep struct {
		Verdict  string
		Findings []struct{ Rule string }
	}
	if err := json.Unmarshal([]byte(mustRun(t, "review", txt, "--json", "--kind", "mining", "--mineral", "砂金", "--scale", "10", "--scale-unit", "万吨/年", "--county", "叶城县")), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != "non-conforming" {
		t.Errorf("placer gold: %+v", rep)
	}
	if code, _, e := runCLI(t, "review", txt, "--kind", "mining", "--mineral", "铁石", "--county", "叶城县"); code == 0 || !strings.Contains(e, "铁矿") {
		t.Errorf("unknown mineral: %d %s", code, e)
	}
}

// The area cache gives the same report as reading the layers from the
// store, and sees a layer imported after it was filled.
func TestReviewAreaCache(t *testing.T) {
	ctx := testutil.Context()
	st, e := demoEngine(t)
	fs, err := st.LayerFeatures(ctx, "demo_red_lines", store.FeatureQuery{})
	if err != nil || len(fs) == 0 {
		t.Fatalf("demo red line: %v %d", err, len(fs))
	}
	// A square across the red line's first vertex: partly inside it.
	v := fs[0].Geometry[0][0][0]
	sq := geo.Rect(geo.BBox{MinLon: v.Lon - 0.005, MinLat: v.Lat - 0.005, MaxLon: v.Lon + 0.005, MaxLat: v.Lat + 0.005})
	input, _ := json.Marshal(map[string]any{"type": "Feature", "geometry": map[string]any{"type": "Polygon", "coordinates": sq},
		"properties": map[string]any{"kind": "exploration", "mineral": "铜矿", "county": "莎车县", "holder": "测试申请人"}})
	at := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	var cache app.AreaCache
	redLineFindings := func(rep *review.Report) int {
		n := 0
		for _, f := range rep.Findings {
			if strings.HasSuffix(f.Rule, ".red_line") {
				n++
			}
		}
		return n
	}
	direct, err := app.RunReview(ctx, st, e, nil, input, at)
	if err != nil {
		t.Fatal(err)
	}
	cached, err := app.RunReview(ctx, st, e, &cache, input, at)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(direct)
	b, _ := json.Marshal(cached)
	if string(a) != string(b) || redLineFindings(direct) != 1 {
		t.Fatalf("cached report differs or misses the red line:\n%s\n%s", a, b)
	}
	// A second red-line layer covering the application.
	if _, err := st.ImportLayer(ctx, store.Layer{Name: "new-red-line", Kind: plan.LayerRedLine, ImportedAt: at}, []store.LayerFeature{{ID: 1, Properties: []byte(`{"name":"新红线"}`), Geometry: geo.MultiPolygon{sq}}}, storetest.Entry("layers.import", "layer:new-red-line")); err != nil {
		t.Fatal(err)
	}
	again, err := app.RunReview(ctx, st, e, &cache, input, at)
	if err != nil {
		t.Fatal(err)
	}
	if n := redLineFindings(again); n != 2 {
		t.Errorf("after a new red-line layer the cached review found %d red lines, want 2", n)
	}
}
