package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/postgis/pgtest"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/store/storetest"
	"mineplan/internal/testutil"
)

// uploadForm is a multipart layer upload: the file and the other fields.
func uploadForm(t *testing.T, file, content string, fields map[string]string) (string, map[string]string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != "" {
		fw, err := mw.CreateFormFile("file", file)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(content))
	}
	mw.Close()
	return b.String(), map[string]string{"Content-Type": mw.FormDataContentType()}
}

func squaresJSON(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		x, y := 76.9+float64(i)*0.01, 39.6
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"名称":"区%d"},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}`,
			i+1, x, y, x+0.005, y, x+0.005, y+0.005, x, y+0.005, x, y)
	}
	b.WriteString("]}\n")
	return b.String()
}

func jobJSONOf(t *testing.T, h http.Handler, id string) jobJSON {
	t.Helper()
	rec := request{method: "GET", path: "/api/v1/jobs/" + id, token: "planner", addr: "10.7.0.1"}.send(h)
	var j jobJSON
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &j) != nil {
		t.Fatalf("GET /api/v1/jobs/%s: %d %.300s", id, rec.Code, rec.Body)
	}
	return j
}

func TestLayerImportJobsSQLite(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "layers.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	layerImportJobs(t, st)
}

func TestLayerImportJobsPostGIS(t *testing.T) {
	st, err := postgis.Open(context.Background(), pgtest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	layerImportJobs(t, st)
}

// layerImportJobs: the planner uploads a GeoJSON file, which is queued,
// run by the worker and stored, with the audit entries; a corrupt file
// fails its job with the line named and stores nothing; the public and a
// role without layers.import are refused and queue nothing.
func layerImportJobs(t *testing.T, st store.Store) {
	s := newTileServer(t, st)
	h := s.Handler()
	ctx := testutil.Context()
	worker := &app.Worker{Store: st, Name: "test", Now: func() time.Time { return testNow }}
	before, err := st.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}

	body, hdr := uploadForm(t, "保护地.geojson", squaresJSON(5), map[string]string{"name": "web_reserves", "title": "网页导入", "kind": "protected_area"})
	rec := request{method: "POST", path: "/layers/import", body: body, token: "planner", addr: "10.7.0.1", header: hdr}.send(h)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/layers/jobs/") {
		t.Fatalf("upload: %d %s %.500s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	id := strings.TrimPrefix(rec.Header().Get("Location"), "/layers/jobs/")
	if j := jobJSONOf(t, h, id); j.State != store.JobQueued || j.Layer != "web_reserves" || j.File != "保护地.geojson" {
		t.Fatalf("queued job %+v", j)
	}
	page := request{method: "GET", path: "/layers/jobs/" + id, token: "planner", addr: "10.7.0.1"}.send(h)
	for _, want := range []string{`<progress id="job-progress"`, `id="job-reload"`, "jobs.js", "排队中"} {
		if page.Code != 200 || !strings.Contains(page.Body.String(), want) {
			t.Fatalf("job page lacks %q: %d %.2000s", want, page.Code, page.Body)
		}
	}
	if ran, err := worker.RunOnce(ctx); !ran || err != nil {
		t.Fatalf("RunOnce: %v %v", ran, err)
	}
	if j := jobJSONOf(t, h, id); j.State != store.JobDone || j.Done != 5 || j.Total != 5 || j.Percent != 100 || j.Result != "web_reserves" {
		t.Fatalf("job after the run %+v", j)
	}
	page = request{method: "GET", path: "/layers/jobs/" + id + "?lang=en", token: "planner", addr: "10.7.0.1"}.send(h)
	if !strings.Contains(page.Body.String(), "Layer web_reserves imported, 5 features.") || strings.Contains(page.Body.String(), "jobs.js") {
		t.Fatalf("done job page: %.3000s", page.Body)
	}
	list := request{method: "GET", path: "/layers", token: "planner", addr: "10.7.0.1"}.send(h)
	if list.Code != 200 || !strings.Contains(list.Body.String(), "<code>web_reserves</code>") || !strings.Contains(list.Body.String(), "/layers/jobs/"+id) {
		t.Fatalf("/layers: %d %.3000s", list.Code, list.Body)
	}
	after, _ := st.Layers(ctx)
	if len(after) != len(before)+1 {
		t.Fatalf("layers %d → %d", len(before), len(after))
	}
	es, err := st.AuditEntries(ctx, store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, e := range es {
		if e.Object == "job:"+id || e.Object == "layer:web_reserves" {
			seen = append(seen, e.Actor+" "+e.Action+" "+e.Object)
		}
	}
	want := []string{"user:planner layers.import job:" + id, "user:planner layers.import layer:web_reserves", "system:jobs layers.import job:" + id}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Fatalf("audit entries %q, want %q", seen, want)
	}

	// A corrupt file: the job fails naming the line; nothing is stored.
	bad := `{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[75,39],[75.1,39],[75.1,39.1],[75,39]]]}}` + "\n" + `{"type":"Feature",,}` + "\n"
	body, hdr = uploadForm(t, "broken.geojsonl", bad, map[string]string{"kind": "other"})
	rec = request{method: "POST", path: "/layers/import", body: body, token: "planner", addr: "10.7.0.1", header: hdr}.send(h)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("upload of the corrupt file: %d %.500s", rec.Code, rec.Body)
	}
	bid := strings.TrimPrefix(rec.Header().Get("Location"), "/layers/jobs/")
	if ran, err := worker.RunOnce(ctx); !ran || err != nil {
		t.Fatalf("RunOnce: %v %v", ran, err)
	}
	j := jobJSONOf(t, h, bid)
	if j.State != store.JobFailed || !strings.Contains(j.Error, "broken.geojsonl") || !strings.Contains(j.Error, "line 2") {
		t.Fatalf("corrupt file's job %+v", j)
	}
	page = request{method: "GET", path: "/layers/jobs/" + bid, token: "planner", addr: "10.7.0.1"}.send(h)
	if !strings.Contains(page.Body.String(), `id="job-error"`) || !strings.Contains(page.Body.String(), "第 2 行") {
		t.Fatalf("failed job page: %.3000s", page.Body)
	}
	if now, _ := st.Layers(ctx); len(now) != len(after) {
		t.Fatalf("a failed import changed the layers: %d → %d", len(after), len(now))
	}

	// Refused callers queue nothing.
	jobs, _ := st.Jobs(ctx, store.JobLayerImport, 100)
	body, hdr = uploadForm(t, "x.geojson", squaresJSON(1), map[string]string{"kind": "other"})
	for _, caller := range []string{"", "licensing", "enforcer", "auditor", "sysadmin"} {
		for _, q := range []request{
			{method: "POST", path: "/layers/import", body: body, header: hdr},
			{method: "GET", path: "/layers"},
			{method: "GET", path: "/layers/jobs/" + id},
			{method: "GET", path: "/api/v1/jobs/" + id},
		} {
			q.token, q.addr = caller, "10.7.0.2"
			if rec := q.send(h); rec.Code != http.StatusForbidden {
				t.Errorf("%s %s as %q: %d, want 403", q.method, q.path, caller, rec.Code)
			}
		}
	}
	if again, _ := st.Jobs(ctx, store.JobLayerImport, 100); len(again) != len(jobs) {
		t.Fatalf("refused uploads queued jobs: %d → %d", len(jobs), len(again))
	}
	if rec := (request{method: "GET", path: "/api/v1/jobs/99999", token: "planner", addr: "10.7.0.1"}).send(h); rec.Code != 404 {
		t.Errorf("missing job: %d", rec.Code)
	}
	if rec := (request{method: "GET", path: "/layers/jobs/abc", token: "planner", addr: "10.7.0.1"}).send(h); rec.Code != 404 {
		t.Errorf("bad job id: %d", rec.Code)
	}
}

// TestLayerUploadFormErrors: each refused field shows its error next to
// it, in the language, with what was typed kept, and nothing is queued.
func TestLayerUploadFormErrors(t *testing.T) {
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "form.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s := newTileServer(t, st)
	h := s.Handler()
	ctx := testutil.Context()
	if _, err := st.ImportLayer(ctx, store.Layer{Name: "taken", Kind: "other", ImportedAt: testNow}, storetest.LayerFixture(1), storetest.Entry("layers.import", "layer:taken")); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file, content string
		fields        map[string]string
		status        int
		field, text   string
	}{
		{"", "", map[string]string{"name": "typed_name", "title": "我的标题", "kind": "other"}, 422, "file", "Choose a file to upload."},
		{"a.exe", "x", map[string]string{"name": "typed_name", "kind": "other"}, 422, "file", ".exe"},
		{"a.geojson", squaresJSON(1), map[string]string{"name": "typed_name", "kind": "lake"}, 422, "kind", "Choose protected area"},
		{"a.geojson", squaresJSON(1), map[string]string{"name": "taken", "kind": "other"}, 422, "name", "A layer named taken exists already"},
		{"a.geojson", squaresJSON(1), map[string]string{"name": "bad\x01name", "kind": "other"}, 422, "name", ""},
	}
	for _, c := range cases {
		body, hdr := uploadForm(t, c.file, c.content, c.fields)
		rec := request{method: "POST", path: "/layers/import?lang=en", body: body, token: "planner", addr: "10.7.1.1", header: hdr}.send(h)
		b := rec.Body.String()
		if rec.Code != c.status || !strings.Contains(b, `id="`+c.field+`-error"`) || !strings.Contains(b, c.text) {
			t.Errorf("%s %v: %d, want %d with %s's error %q: %.4000s", c.file, c.fields, rec.Code, c.status, c.field, c.text, b)
			continue
		}
		if n := c.fields["name"]; n != "" && !strings.Contains(n, "\x01") && !strings.Contains(b, `value="`+n+`"`) {
			t.Errorf("%s: the typed name %q is not kept", c.file, n)
		}
		if c.fields["title"] != "" && !strings.Contains(b, `value="`+c.fields["title"]+`"`) {
			t.Errorf("%s: the typed title is not kept", c.file)
		}
	}
	// Over the body limit: 413. A declared length over it is refused
	// before the handler (harden.go, as every route); a body that turns
	// out too long while it is read gets the form with the file's error.
	body, hdr := uploadForm(t, "big.geojson", strings.Repeat(" ", app.MaxLayerUpload+128<<10), map[string]string{"kind": "other"})
	rec := request{method: "POST", path: "/layers/import", body: body, token: "planner", addr: "10.7.1.1", header: hdr}.send(h)
	if rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("an upload over the limit: %d %.500s", rec.Code, rec.Body)
	}
	req := httptest.NewRequest("POST", "http://mineplan.test/layers/import", strings.NewReader(body))
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer planner")
	req.Header.Set("Content-Type", hdr["Content-Type"])
	req.RemoteAddr = "10.7.1.2:40000"
	rr := httptest.NewRecorder()
	h.ServeHTTP(rr, req)
	if rr.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rr.Body.String(), `id="file-error"`) {
		t.Errorf("a streamed upload over the limit: %d %.500s", rr.Code, rr.Body)
	}
	if js, _ := st.Jobs(ctx, store.JobLayerImport, 10); len(js) != 0 {
		t.Fatalf("refused forms queued %d jobs", len(js))
	}
}
