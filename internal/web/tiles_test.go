package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"mineplan/data"
	"mineplan/internal/app"
	"mineplan/internal/geo"
	"mineplan/internal/mapconf"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/postgis/pgtest"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/store/storetest"
	"mineplan/internal/testutil"
	"mineplan/internal/tiles"
)

// tileFeatures decodes a tile response's layer into features by id.
func tileFeatures(t *testing.T, body []byte, layer string) map[string]map[string]any {
	t.Helper()
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("not a vector tile: %v", err)
	}
	out := map[string]map[string]any{}
	for _, l := range ls {
		if l.Name != layer {
			if l.Name != tiles.MetaLayer {
				t.Errorf("unexpected layer %q", l.Name)
			}
			continue
		}
		for _, f := range l.Features {
			id, _ := f.Properties["id"].(string)
			if id == "" {
				t.Errorf("a %s feature without an id: %v", layer, f.Properties)
			}
			if _, ok := f.Properties["illustrative"]; !ok {
				t.Errorf("%s feature %s without illustrative", layer, id)
			}
			out[id] = f.Properties
		}
	}
	return out
}

func getTile(t *testing.T, h http.Handler, path, token string, header map[string]string) (int, []byte, http.Header) {
	t.Helper()
	rec := request{method: "GET", path: path, token: token, addr: "10.9.0.1", header: header}.send(h)
	return rec.Code, rec.Body.Bytes(), rec.Header()
}

// TestTileAttributes: a public rights tile carries the register's public
// fields only; a prefecture officer's carries the credit code too.
func TestTileAttributes(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	path := "/tiles/rights/" + m.rightTile() + ".mvt"
	code, body, hdr := getTile(t, h, path, "", nil)
	if code != 200 || hdr.Get("Content-Type") != "application/vnd.mapbox-vector-tile" {
		t.Fatalf("%d %s", code, hdr.Get("Content-Type"))
	}
	if cc := hdr.Get("Cache-Control"); cc != publicTileCache {
		t.Errorf("public tile Cache-Control %q", cc)
	}
	pub := tileFeatures(t, body, "rights")
	f, ok := pub[m.right.ID]
	if !ok {
		t.Fatalf("the right %s is not in its tile (%d features)", m.right.ID, len(pub))
	}
	allowed := s.cfg.Map.PublicAttributes("rights")
	for _, props := range pub {
		for k := range props {
			if !slices.Contains(allowed, k) {
				t.Errorf("a public tile carries %q", k)
			}
		}
	}
	if f["licence_number"] != m.right.LicenceNumber || f["holder"] != m.right.Holder.Name || f["kind"] != string(m.right.Kind) {
		t.Errorf("public attributes %v", f)
	}
	if _, ok := f["credit_code"]; ok {
		t.Error("the public tile shows the credit code")
	}
	code, body, hdr = getTile(t, h, path, "licensing", nil)
	if code != 200 || hdr.Get("Cache-Control") != "no-store" {
		t.Fatalf("officer: %d, Cache-Control %q", code, hdr.Get("Cache-Control"))
	}
	if full := tileFeatures(t, body, "rights")[m.right.ID]; full["credit_code"] != m.code {
		t.Errorf("the licensing officer's tile: %v, want the credit code", full)
	}
	// A county clerk sees the public fields.
	_, body, _ = getTile(t, h, path, "clerk-in", nil)
	if _, ok := tileFeatures(t, body, "rights")[m.right.ID]["credit_code"]; ok {
		t.Error("a county clerk's tile shows the credit code")
	}
}

// TestPlanTiles: zones and blocks tiles hold the plan's features with the
// attributes the map relies on, marked illustrative.
func TestPlanTiles(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	p, _ := s.current()
	var zone plan.Zone
	for _, z := range p.Zones {
		if _, ok := p.Shapes[z.Code]; ok {
			zone = z
			break
		}
	}
	for _, c := range []struct {
		layer, id string
		at        geo.LonLat
		want      []string
	}{
		{"zones", zone.Code, p.Shapes[zone.Code][0][0], []string{"code", "name", "type", "type_name", "level"}},
		{"blocks", p.Blocks[0].Code, p.Blocks[0].Geometry[0][0], []string{"code", "kind", "mineral", "county", "area_km2"}},
	} {
		code, body, _ := getTile(t, h, "/tiles/"+c.layer+"/"+tiles.TileAt(10, c.at).String()+".mvt", "", nil)
		if code != 200 {
			t.Fatalf("%s: %d", c.layer, code)
		}
		f, ok := tileFeatures(t, body, c.layer)[c.id]
		if !ok {
			t.Fatalf("%s %s is not in its tile", c.layer, c.id)
		}
		for _, k := range c.want {
			if _, ok := f[k]; !ok {
				t.Errorf("%s %s lacks %q: %v", c.layer, c.id, k, f)
			}
		}
		if c.layer == "zones" && (f["illustrative"] != true || f["type_name"] != plan.ZoneTypeName(zone.Type)) {
			t.Errorf("zone attributes %v", f)
		}
	}
}

// TestTileCaching: an unchanged tile answers 304 to its ETag; gzip is
// served when asked for, with its own ETag.
func TestTileCaching(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	path := "/tiles/rights/" + m.rightTile() + ".mvt"
	_, body, hdr := getTile(t, h, path, "", nil)
	etag := hdr.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
		t.Fatalf("ETag %q", etag)
	}
	code, again, hdr2 := getTile(t, h, path, "", map[string]string{"If-None-Match": etag})
	if code != http.StatusNotModified || len(again) != 0 || hdr2.Get("ETag") != etag {
		t.Errorf("If-None-Match: %d with %d bytes, ETag %q", code, len(again), hdr2.Get("ETag"))
	}
	if code, _, _ := getTile(t, h, path, "", map[string]string{"If-None-Match": `"other"`}); code != 200 {
		t.Errorf("another ETag: %d", code)
	}
	code, gz, hdr3 := getTile(t, h, path, "", map[string]string{"Accept-Encoding": "gzip, br"})
	if code != 200 || hdr3.Get("Content-Encoding") != "gzip" || hdr3.Get("ETag") == etag {
		t.Fatalf("gzip: %d %q ETag %q", code, hdr3.Get("Content-Encoding"), hdr3.Get("ETag"))
	}
	ls, err := mvt.UnmarshalGzipped(gz)
	if err != nil || len(ls) == 0 {
		t.Fatalf("gzipped tile: %v", err)
	}
	if len(gz) >= len(body) {
		t.Errorf("gzip %d bytes, plain %d", len(gz), len(body))
	}
	// The public's and an officer's views differ, so do their ETags.
	_, _, off := getTile(t, h, path, "licensing", nil)
	if off.Get("ETag") == etag {
		t.Error("the officer's tile has the public's ETag")
	}
}

// TestTileErrors: bad addresses are 400 naming the coordinate, in Chinese
// and English; a path that is not a tile or a layer is 404.
func TestTileErrors(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	for path, want := range map[string]struct {
		status int
		param  string
	}{
		"/tiles/rights/a/1/1.mvt":                   {400, "z"},
		"/tiles/rights/10/-1/1.mvt":                 {400, "x"},
		"/tiles/rights/10/1/1e3.mvt":                {400, "y"},
		"/tiles/rights/3/1/1.mvt":                   {400, ""},
		"/tiles/rights/17/1/1.mvt":                  {400, ""},
		"/tiles/rights/10/1024/1.mvt":               {400, ""},
		"/tiles/rights/10/1/1.png":                  {404, ""},
		"/tiles/rights/10/1/1":                      {404, ""},
		"/tiles/nothing/10/1/1.mvt":                 {404, ""},
		"/tiles/applications/10/1/1.mvt":            {403, ""}, // its own route: review.read
		"/tiles/zones/10/1/1.mvt?as_of=2020-01-01":  {400, "as_of"},
		"/tiles/rights/10/1/1.mvt?as_of=2020-13-01": {400, "as_of"},
		"/tiles/rights/10/1/1.mvt?x=1":              {400, "x"},
		"/tiles/nothing.json":                       {404, ""},
		"/tiles/rights.txt":                         {404, ""},
		"/tiles/protected_areas/10/1/1.mvt":         {404, ""},
	} {
		code, body, _ := getTile(t, h, path, "", nil)
		if code != want.status {
			t.Errorf("%s: %d, want %d: %s", path, code, want.status, body)
			continue
		}
		var e errorBody
		if err := json.Unmarshal(body, &e); err != nil {
			t.Errorf("%s: not a JSON error: %s", path, body)
			continue
		}
		if e.Error.Parameter != want.param || !bilingualR.MatchString(e.Error.Message) || goIdent.MatchString(e.Error.Message) {
			t.Errorf("%s: error %+v, want parameter %q and a bilingual message", path, e.Error, want.param)
		}
	}
	// The generic route never serves applications, even to an officer.
	if code, _, _ := getTile(t, h, "/tiles/applications.json", "", nil); code != 403 {
		t.Errorf("applications.json for the public: %d", code)
	}
}

func tileJSONSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile("../tiles/testdata/tilejson-3.0.0.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("tilejson.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("tilejson.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// TestTileJSON: every layer's document validates against the TileJSON
// 3.0.0 schema and names the layer's attributes for the caller; the index
// lists what the caller may see.
func TestTileJSON(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	sch := tileJSONSchema(t)
	for _, c := range []struct{ layer, token string }{
		{"zones", ""}, {"blocks", ""}, {"rights", ""}, {"rights", "licensing"}, {"protected_areas", "planner"},
		{"red_lines", "clerk-in"}, {"applications", "holder-in"},
	} {
		code, body, _ := getTile(t, h, "/tiles/"+c.layer+".json", c.token, nil)
		if code != 200 {
			t.Fatalf("%s.json as %q: %d %s", c.layer, c.token, code, body)
		}
		inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Errorf("%s.json does not validate: %v\n%s", c.layer, err, body)
		}
		var doc tiles.TileJSON
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatal(err)
		}
		if doc.TileJSON != "3.0.0" || len(doc.VectorLayers) != 1 || doc.VectorLayers[0].ID != c.layer || len(doc.Bounds) != 4 ||
			!strings.HasSuffix(doc.Tiles[0], "/tiles/"+c.layer+"/{z}/{x}/{y}.mvt") || !strings.HasPrefix(doc.Tiles[0], "http") {
			t.Errorf("%s.json: %+v", c.layer, doc)
		}
		fields := doc.VectorLayers[0].Fields
		if _, ok := fields["id"]; !ok {
			t.Errorf("%s.json fields lack id: %v", c.layer, fields)
		}
		if _, ok := fields["credit_code"]; ok != (c.layer == "rights" && c.token == "licensing") {
			t.Errorf("%s.json as %q: credit_code listed %v", c.layer, c.token, ok)
		}
	}
	_, body, _ := getTile(t, h, "/tiles/rights.json?as_of=2022-01-01", "", nil)
	if !strings.Contains(string(body), "as_of=2022-01-01") {
		t.Errorf("rights.json?as_of does not pass as_of to its tiles: %s", body)
	}
	ids := func(token string) []string {
		_, body, _ := getTile(t, h, "/tiles/index.json", token, nil)
		var idx struct {
			Layers []struct{ ID, TileJSON, Tiles string }
		}
		if err := json.Unmarshal(body, &idx); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, l := range idx.Layers {
			out = append(out, l.ID)
		}
		return out
	}
	if got := ids(""); !slices.Equal(got, []string{"zones", "blocks", "rights"}) {
		t.Errorf("the public's index: %v", got)
	}
	if got := ids("planner"); !slices.Equal(got, mapconf.Layers) {
		t.Errorf("the planner's index: %v", got)
	}
	if got := ids("holder-in"); !slices.Equal(got, []string{"zones", "blocks", "rights", "applications"}) {
		t.Errorf("a holder's index: %v", got)
	}
}

func TestMapConfig(t *testing.T) {
	s := testServer(t)
	_, body, _ := getTile(t, s.Handler(), "/api/v1/map/config", "", nil)
	var c struct {
		Offline bool            `json:"offline"`
		Basemap *map[string]any `json:"basemap"`
		Layers  []struct{ ID string }
	}
	if err := json.Unmarshal(body, &c); err != nil || !c.Offline || c.Basemap != nil || len(c.Layers) != 3 {
		t.Errorf("map config %s (%v)", body, err)
	}
}

// TestApplicationTiles: a stored review's application shows to officers
// in its reach and its holder, not to another holder.
func TestApplicationTiles(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	path := "/tiles/applications/" + tiles.TileAt(12, geo.LonLat{Lon: 75.11, Lat: 38.11}).String() + ".mvt"
	for token, sees := range map[string]bool{"holder-in": true, "holder-out": false, "clerk-in": true, "clerk-out": false, "planner": true} {
		code, body, _ := getTile(t, h, path, token, nil)
		if code != 200 {
			t.Fatalf("%s: %d", token, code)
		}
		f, ok := tileFeatures(t, body, "applications")[m.review]
		if ok != sees {
			t.Errorf("%s sees the review: %v, want %v", token, ok, sees)
		}
		if ok && (f["verdict"] == "" || f["mineral"] != "建筑用砂" || f["county"] != m.county || f["kind"] != "mining") {
			t.Errorf("application attributes %v", f)
		}
	}
}

// newTileServer is a server of its own on st: the plan and the
// illustrative register, for the tests that write.
func newTileServer(t *testing.T, st store.Store) *Server {
	t.Helper()
	ctx := testutil.Context()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := data.LoadDefault()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.LoadDemoRegister(ctx, st, p, testNow); err != nil {
		t.Fatal(err)
	}
	rev, _, err := app.SavePlan(ctx, st, p, testNow)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Store: st, PlanID: rev.PlanID, Logger: slog.New(slog.DiscardHandler), Now: func() time.Time { return testNow },
		Authenticator: testAuth, PublicRate: 1e6, PublicBurst: 1e6}, p, rev)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTilesFollowWritesSQLite(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "tiles.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tilesFollowWrites(t, newTileServer(t, st))
}

func TestTilesFollowWritesPostGIS(t *testing.T) {
	st, err := postgis.Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tilesFollowWrites(t, newTileServer(t, st))
}

// tilesFollowWrites: a new grant changes its tile's ETag and shows at
// once; as_of before the grant does not show it; an imported protected
// area shows to officers (not to the public, by default).
func tilesFollowWrites(t *testing.T, s *Server) {
	ctx := testutil.Context()
	h := s.Handler()
	at := geo.LonLat{Lon: 76.9105, Lat: 39.6105} // 伽师县, away from the demo register
	tl := tiles.TileAt(14, at)
	path := "/tiles/rights/" + tl.String() + ".mvt"
	_, before, hdr := getTile(t, h, path, "", nil)
	etag := hdr.Get("ETag")
	if _, ok := tileFeatures(t, before, "rights")["TILE1"]; ok {
		t.Fatal("the right is there before its grant")
	}
	grant := storetest.GrantEvent("TILE1", "瓦片测试公司", rights.Mining, at.Lon, at.Lat, 0.002)
	if _, err := app.RecordEvents(ctx, s.cfg.Store, []rights.Event{grant}, testNow); err != nil {
		t.Fatal(err)
	}
	code, after, hdr := getTile(t, h, path, "", map[string]string{"If-None-Match": etag})
	if code != 200 || hdr.Get("ETag") == etag {
		t.Fatalf("after the grant: %d, ETag %q (was %q)", code, hdr.Get("ETag"), etag)
	}
	f, ok := tileFeatures(t, after, "rights")["TILE1"]
	if !ok || f["holder"] != "瓦片测试公司" || f["kind"] != "mining" {
		t.Fatalf("the new right in its tile: %v %v", ok, f)
	}
	_, old, _ := getTile(t, h, path+"?as_of=2021-02-28", "", nil)
	if _, ok := tileFeatures(t, old, "rights")["TILE1"]; ok {
		t.Error("as_of the day before the grant shows the right")
	}
	_, then, _ := getTile(t, h, path+"?as_of=2021-03-01", "", nil)
	if _, ok := tileFeatures(t, then, "rights")["TILE1"]; !ok {
		t.Error("as_of the grant's day does not show the right")
	}
	// An imported protected area.
	pa := "/tiles/protected_areas/" + tl.String() + ".mvt"
	_, _, hdr = getTile(t, h, pa, "planner", nil)
	paTag := hdr.Get("ETag")
	feature := store.LayerFeature{ID: 7, Properties: []byte(`{"name":"测试保护地","code":"PA-7"}`), Geometry: geo.MultiPolygon{geo.Rect(geo.BBox{MinLon: at.Lon - 0.001, MinLat: at.Lat - 0.001, MaxLon: at.Lon + 0.003, MaxLat: at.Lat + 0.003})}}
	if _, err := app.ImportLayer(ctx, s.cfg.Store, store.Layer{Name: "pa-test", Kind: plan.LayerProtectedArea, Title: "测试"}, []store.LayerFeature{feature}); err != nil {
		t.Fatal(err)
	}
	code, body, hdr := getTile(t, h, pa, "planner", nil)
	if code != 200 || hdr.Get("ETag") == paTag {
		t.Fatalf("protected areas after the import: %d, ETag unchanged %v", code, hdr.Get("ETag") == paTag)
	}
	if f := tileFeatures(t, body, "protected_areas")["pa-test:7"]; f["name"] != "测试保护地" || f["layer"] != "pa-test" {
		t.Errorf("the protected area: %v", f)
	}
	if code, _, _ := getTile(t, h, pa, "", nil); code != 404 {
		t.Errorf("protected areas for the public: %d, want 404 (not public by default)", code)
	}
}

// TestTileConcurrentCallers: many callers asking at once for one tile not
// yet rendered all get the same tile, plain and gzipped (one rendering is
// shared; under the race detector, in CI, this also checks its locking).
func TestTileConcurrentCallers(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	path := "/tiles/rights/" + m.rightTile() + ".mvt"
	const callers = 24
	bodies := make([][]byte, callers)
	codes := make([]int, callers)
	var wg sync.WaitGroup
	for i := range callers {
		wg.Go(func() {
			hdr := map[string]string{}
			if i%2 == 1 {
				hdr["Accept-Encoding"] = "gzip"
			}
			rec := request{method: "GET", path: path, addr: "10.9.0.1", header: hdr}.send(h)
			codes[i], bodies[i] = rec.Code, rec.Body.Bytes()
			if i%2 == 1 {
				zr, err := gzip.NewReader(bytes.NewReader(bodies[i]))
				if err != nil {
					t.Errorf("caller %d: not gzip: %v", i, err)
					return
				}
				bodies[i], _ = io.ReadAll(zr)
			}
		})
	}
	wg.Wait()
	for i := range callers {
		if codes[i] != 200 || !bytes.Equal(bodies[i], bodies[0]) {
			t.Fatalf("caller %d: %d, %d bytes; caller 0: %d bytes", i, codes[i], len(bodies[i]), len(bodies[0]))
		}
	}
	if len(tileFeatures(t, bodies[0], "rights")) == 0 {
		t.Fatal("the shared tile has no rights")
	}
}
