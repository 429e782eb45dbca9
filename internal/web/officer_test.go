package web

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"mineplan/internal/app"
	"mineplan/internal/formats/fileio"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/testutil"
)

var (
	rowIDR    = regexp.MustCompile(`<tr data-county="[^"]*" data-id="([^"]+)"`)
	nextR     = regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	ariaSortR = regexp.MustCompile(`<th scope="col" aria-sort="(ascending|descending)"><a href="([^"]+)"`)
)

func get(t *testing.T, h http.Handler, token, path string) (int, string) {
	t.Helper()
	rec := request{method: "GET", path: path, token: token, addr: "10.31.0.1"}.send(h)
	return rec.Code, rec.Body.String()
}

// TestRegisterSorted: every sortable column, both ways, followed page by
// page through the table's next links, gives the rights in the order of
// the column's values (then IDs) as the store holds them; the sorted
// column's header says so with aria-sort and links the reverse order.
func TestRegisterSorted(t *testing.T) {
	s := testServer(t)
	matrixFixture(t)
	h := s.Handler()
	day := s.today()
	all, _, err := app.CurrentRegister(testutil.Context(), s.cfg.Store, store.RightFilter{Kind: rights.Mining}, day)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]rights.Right{}
	for _, r := range all {
		byID[r.ID] = r
	}
	for _, col := range store.RightSorts[1:] {
		for _, desc := range []bool{false, true} {
			sort := string(col)
			if desc {
				sort = "-" + sort
			}
			path := "/register?lang=en&kind=mining&limit=40&sort=" + url.QueryEscape(sort)
			var got []string
			for pages := 0; path != ""; pages++ {
				if pages > 200 {
					t.Fatal("paging does not end")
				}
				code, body := get(t, h, "licensing", strings.ReplaceAll(path, "&amp;", "&"))
				if code != 200 {
					t.Fatalf("%s: %d %.300s", path, code, body)
				}
				if pages == 0 {
					m := ariaSortR.FindStringSubmatch(body)
					want := map[bool]string{false: "ascending", true: "descending"}[desc]
					if m == nil || m[1] != want || !strings.Contains(m[2], "sort="+url.QueryEscape(map[bool]string{false: "-", true: ""}[desc]+string(col))) {
						t.Errorf("sort %s: the header says %v, want aria-sort=%s linking the reverse", sort, m, want)
					}
				}
				for _, m := range rowIDR.FindAllStringSubmatch(body, -1) {
					got = append(got, m[1])
				}
				path = ""
				if m := nextR.FindStringSubmatch(body); m != nil {
					path = m[1]
				}
			}
			if len(got) != len(all) {
				t.Fatalf("sort %s: %d rows by pages, %d rights", sort, len(got), len(all))
			}
			want := slices.Clone(got)
			slices.SortStableFunc(want, func(a, b string) int {
				ra, rb := byID[a], byID[b]
				c := 0
				if col == store.SortArea {
					c = compareFloat(ra.DeclaredAreaKm2, rb.DeclaredAreaKm2)
				} else {
					c = strings.Compare(store.SortKey(ra, col), store.SortKey(rb, col))
				}
				if c == 0 {
					c = strings.Compare(a, b)
				}
				if desc {
					c = -c
				}
				return c
			})
			if !slices.Equal(got, want) {
				t.Errorf("sort %s: the table's order is not the column's", sort)
			}
			distinct := map[string]bool{}
			for _, id := range got {
				distinct[store.SortKey(byID[id], col)] = true
			}
			if len(distinct) < 2 {
				t.Errorf("sort %s: the demo register has one value in the column: the order checks nothing", sort)
			}
		}
	}
	if code, body := get(t, h, "licensing", "/register?lang=en&sort=colour"); code != 400 || !strings.Contains(body, "cannot sort by") {
		t.Errorf("an unknown sort column: %d", code)
	}
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestRegisterExport: each format downloads the whole match of the
// page's filters within the caller's jurisdiction, opens with the
// project's own readers, and is in the audit log (rights.export, the
// format and the count) before it is written; a role without
// rights.export sees no export links and is refused.
func TestRegisterExport(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	ctx := testutil.Context()
	code, page := get(t, h, "clerk-in", "/register?lang=en&limit=5")
	if code != 200 || !strings.Contains(page, `data-format="shp"`) || !strings.Contains(page, "/register/export?") {
		t.Fatalf("the clerk's register has no export links: %d", code)
	}
	want, _, err := app.CurrentRegister(ctx, s.cfg.Store, store.RightFilter{County: m.county, KindMinerals: s.served.Load().countyMinerals}, s.today())
	if err != nil || len(want) == 0 {
		t.Fatalf("the clerk's reach: %d rights, %v", len(want), err)
	}
	dir := t.TempDir()
	for _, format := range []string{"xlsx", "shp", "gpkg", "geojson"} {
		head, _, _ := s.cfg.Store.AuditHead(ctx)
		rec := request{method: "GET", path: "/register/export?format=" + format + "&limit=5&sort=holder&lang=en", token: "clerk-in", addr: "10.31.0.2"}.send(h)
		if rec.Code != 200 {
			t.Fatalf("%s: %d %.300s", format, rec.Code, rec.Body)
		}
		cd := rec.Header().Get("Content-Disposition")
		if !strings.HasPrefix(cd, "attachment;") {
			t.Errorf("%s: Content-Disposition %q", format, cd)
		}
		es, err := s.cfg.Store.AuditEntries(ctx, store.AuditFilter{After: head.Seq, Action: "rights.export"})
		if err != nil || len(es) != 1 || es[0].Actor != "user:clerk-in" || es[0].Detail != fmt.Sprintf("%s, %d rights", format, len(want)) {
			t.Errorf("%s: audit entries %+v %v", format, es, err)
		}
		body := rec.Body.Bytes()
		var ids []string
		switch format {
		case "xlsx":
			p := filepath.Join(dir, "r.xlsx")
			os.WriteFile(p, body, 0o600)
			rows, err := app.ReadRegisterXLSX(p)
			if err != nil {
				t.Fatalf("xlsx: %v", err)
			}
			for _, r := range rows {
				ids = append(ids, fmt.Sprint(r.Values["id"]))
				if r.Values["county"] != m.county || len(r.Geometry) == 0 {
					t.Errorf("xlsx: row %d: county %v, %d parcels", r.Row, r.Values["county"], len(r.Geometry))
				}
			}
		default:
			name := "r." + format
			if format == "shp" {
				name = "r.zip"
				if _, err := zip.NewReader(bytes.NewReader(body), int64(len(body))); err != nil {
					t.Fatalf("shp: not a zip: %v", err)
				}
			}
			p := filepath.Join(dir, name)
			os.WriteFile(p, body, 0o600)
			l, _, err := fileio.Read(p)
			if err != nil {
				t.Fatalf("%s: %v", format, err)
			}
			idx := l.FieldIndex("id")
			if idx < 0 {
				idx = l.FieldIndex("ID")
			}
			if idx < 0 || len(l.Features) == 0 {
				t.Fatalf("%s: %d features, no id field (%v)", format, len(l.Features), l.Fields)
			}
			for _, f := range l.Features {
				ids = append(ids, fmt.Sprint(f.Values[idx]))
			}
		}
		var wantIDs []string
		for _, r := range want {
			wantIDs = append(wantIDs, r.ID)
		}
		slices.Sort(ids)
		if !slices.Equal(ids, wantIDs) {
			t.Errorf("%s: %d rights exported, want the clerk's %d (every match, not the page of 5)", format, len(ids), len(wantIDs))
		}
	}
	// A clerk asking for another county exports nothing of it.
	rec := request{method: "GET", path: "/register/export?format=geojson&county=" + url.QueryEscape(m.other), token: "clerk-in", addr: "10.31.0.3"}.send(h)
	var fc featureCollection
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &fc) != nil || len(fc.Features) != 0 {
		t.Errorf("another county's export: %d, %d features", rec.Code, len(fc.Features))
	}
	// The holder may read the register, not export it: no links, and 403.
	if _, page := get(t, h, "holder-in", "/register?lang=en"); strings.Contains(page, "/register/export") {
		t.Error("the holder's register shows export links")
	}
	if code, _ := get(t, h, "holder-in", "/register/export?format=xlsx"); code != 403 {
		t.Errorf("the holder's export: %d", code)
	}
	if code, body := get(t, h, "licensing", "/register/export?format=dwg&lang=en"); code != 400 || !strings.Contains(body, "Unknown export format") {
		t.Errorf("an unknown format: %d", code)
	}
}

// TestRightPageChanges: within rights.read the right's page lists the
// audit log's entries for the right (the store's object filter), newest
// first, and the stored reviews whose findings name it; the public view
// shows neither.
func TestRightPageChanges(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	ctx := testutil.Context()
	es, err := s.cfg.Store.AuditEntries(ctx, store.AuditFilter{Object: app.RightObject(m.right.ID)})
	if err != nil || len(es) == 0 {
		t.Fatalf("the demo right has %d audit entries: %v", len(es), err)
	}
	code, body := get(t, h, "licensing", "/rights/"+m.right.ID+"?lang=en")
	if code != 200 || !strings.Contains(body, "Who changed what") {
		t.Fatalf("%d: no changes section", code)
	}
	seqR := regexp.MustCompile(`<tr data-action="([^"]+)"><td>(\d+)</td>`)
	rows := seqR.FindAllStringSubmatch(body, -1)
	if len(rows) != len(es) {
		t.Fatalf("%d audit rows on the page, %d entries in the log", len(rows), len(es))
	}
	for i, r := range rows {
		e := es[len(es)-1-i]
		if r[1] != e.Action || r[2] != fmt.Sprint(e.Seq) {
			t.Errorf("row %d: %s #%s, want %s #%d (newest first)", i, r[1], r[2], e.Action, e.Seq)
		}
	}
	if !strings.Contains(body, es[0].Actor) {
		t.Errorf("the page does not name who recorded the grant (%s)", es[0].Actor)
	}
	// A review that overlaps the right is listed with its link.
	app1 := fmt.Sprintf(`{"type":"Feature","properties":{"kind":"mining","mineral":%q,"county":%q,"scale":1,"scale_unit":%q},"geometry":%s}`,
		m.right.MainMineral, m.right.County, "万吨/年", geometryJSON(t, m.right))
	rec := request{method: "POST", path: "/api/v1/reviews", body: app1, token: "licensing", addr: "10.31.0.4"}.send(h)
	if rec.Code != 201 {
		t.Fatalf("filing an overlapping review: %d %.300s", rec.Code, rec.Body)
	}
	var created struct{ ID string }
	json.Unmarshal(rec.Body.Bytes(), &created)
	_, body = get(t, h, "licensing", "/rights/"+m.right.ID+"?lang=en")
	if !strings.Contains(body, `<a href="/reviews/`+created.ID+`">`) {
		t.Errorf("the right's page does not link the review %s that overlaps it", created.ID)
	}
	// The public sees the public page only.
	if _, pub := get(t, h, "", "/rights/"+m.right.ID+"?lang=en"); strings.Contains(pub, "Who changed what") || strings.Contains(pub, "/reviews/") {
		t.Error("the public right page shows the audit log or reviews")
	}
}

// geometryJSON is a right's boundary as a GeoJSON geometry.
func geometryJSON(t *testing.T, r rights.Right) string {
	t.Helper()
	b, err := json.Marshal(r.Geometry)
	if err != nil {
		t.Fatal(err)
	}
	var g any
	if json.Unmarshal(b, &g) == nil {
		if m, ok := g.(map[string]any); ok && m["type"] != nil {
			return string(b)
		}
	}
	return `{"type":"MultiPolygon","coordinates":` + string(b) + `}`
}

// TestReviewsPage: the list holds what the database selects for the
// filter within the caller's reach, newest first, paged; a clerk sees its
// county's only; a bad field shows its message beside it.
func TestReviewsPage(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	ctx := testutil.Context()
	rowR := regexp.MustCompile(`<tr data-county="([^"]*)" data-verdict="([^"]+)"><td><a href="/reviews/([^"]+)">`)
	// Reviews in two counties, by the licensing officer.
	for _, county := range []string{m.county, m.other, m.county} {
		body := strings.Replace(m.application, fmt.Sprintf("%q", m.county), fmt.Sprintf("%q", county), 1)
		if rec := (request{method: "POST", path: "/api/v1/reviews", body: body, token: "licensing", addr: "10.31.0.5"}).send(h); rec.Code != 201 {
			t.Fatalf("filing: %d %.300s", rec.Code, rec.Body)
		}
	}
	all, n, err := s.cfg.Store.Reviews(ctx, store.ReviewFilter{})
	if err != nil || n < 4 {
		t.Fatalf("%d stored reviews, %v", n, err)
	}
	code, body := get(t, h, "licensing", "/reviews?lang=en")
	rows := rowR.FindAllStringSubmatch(body, -1)
	if code != 200 || len(rows) != min(n, reviewsPageSize) {
		t.Fatalf("licensing: %d, %d rows of %d", code, len(rows), n)
	}
	for i, r := range rows {
		if r[3] != all[i].ID {
			t.Errorf("row %d is %s, want %s (newest first)", i, r[3], all[i].ID)
		}
	}
	if !strings.Contains(body, fmt.Sprintf("%d reviews match", n)) {
		t.Error("the count is not the store's")
	}
	_, body = get(t, h, "clerk-in", "/reviews?lang=en")
	rows = rowR.FindAllStringSubmatch(body, -1)
	if len(rows) == 0 {
		t.Fatal("the clerk sees no review of its county")
	}
	for _, r := range rows {
		if r[1] != m.county {
			t.Errorf("the clerk of %s sees a review of %q", m.county, r[1])
		}
	}
	_, body = get(t, h, "clerk-in", "/reviews?lang=en&county="+url.QueryEscape(m.other))
	if len(rowR.FindAllString(body, -1)) != 0 {
		t.Error("a clerk asking for another county's reviews sees some")
	}
	// Filters by verdict and by dates, in the database.
	verdict := all[0].Verdict
	_, body = get(t, h, "licensing", "/reviews?lang=en&verdict="+url.QueryEscape(verdict))
	for _, r := range rowR.FindAllStringSubmatch(body, -1) {
		if r[2] != verdict {
			t.Errorf("verdict %s: row of %s", verdict, r[2])
		}
	}
	day := all[0].CreatedAt.UTC().Format("2006-01-02")
	_, inRange, _ := s.cfg.Store.Reviews(ctx, store.ReviewFilter{From: all[0].CreatedAt.UTC().Truncate(24 * 60 * 60 * 1e9)})
	_, body = get(t, h, "licensing", "/reviews?lang=en&from="+day+"&until="+day)
	if !strings.Contains(body, fmt.Sprintf("%d reviews match", inRange)) {
		t.Errorf("from=until=%s: the count is not the store's %d", day, inRange)
	}
	code, body = get(t, h, "licensing", "/reviews?lang=en&verdict=maybe&from=2026-02-30")
	if code != 400 || !strings.Contains(body, `id="verdict-error"`) || !strings.Contains(body, `id="from-error"`) || !strings.Contains(body, `value="2026-02-30"`) {
		t.Errorf("bad fields: %d", code)
	}
	if code, _ := get(t, h, "", "/reviews"); code != 403 {
		t.Errorf("the public: %d", code)
	}
}

// TestRerunPage: the review page offers the re-run form to the roles with
// review.rerun only; sending it runs the existing use case (audited as
// review.rerun) and shows the new report beside the stored one.
func TestRerunPage(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	ctx := testutil.Context()
	if _, body := get(t, h, "licensing", "/reviews/"+m.review+"?lang=en"); !strings.Contains(body, `action="/reviews/`+m.review+`/rerun"`) {
		t.Error("the licensing officer's review page has no re-run form")
	}
	if _, body := get(t, h, "holder-in", "/reviews/"+m.review+"?lang=en"); strings.Contains(body, "/rerun") {
		t.Error("the holder's review page offers a re-run")
	}
	head, _, _ := s.cfg.Store.AuditHead(ctx)
	before, _ := s.cfg.Store.ReviewIDs(ctx)
	rec := request{method: "POST", path: "/reviews/" + m.review + "/rerun?lang=en", token: "licensing", addr: "10.31.0.6",
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}.send(h)
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="rerun-outcome"`) || !strings.Contains(rec.Body.String(), "identical to the stored one") {
		t.Fatalf("re-run: %d %.500s", rec.Code, rec.Body)
	}
	es, _ := s.cfg.Store.AuditEntries(ctx, store.AuditFilter{After: head.Seq, Action: "review.rerun"})
	if len(es) != 1 || es[0].Object != app.ReviewObject(m.review) || es[0].Detail != "identical" {
		t.Errorf("the re-run's audit entries: %+v", es)
	}
	// The existing use case checks reproducibility: it stores no review.
	if after, _ := s.cfg.Store.ReviewIDs(ctx); len(after) != len(before) {
		t.Errorf("a re-run stored a review: %d → %d", len(before), len(after))
	}
	// Refused to a holder, and across sites.
	if rec := (request{method: "POST", path: "/reviews/" + m.review + "/rerun", token: "holder-in", addr: "10.31.0.7"}).send(h); rec.Code != 403 {
		t.Errorf("the holder's re-run: %d", rec.Code)
	}
	if rec := (request{method: "POST", path: "/reviews/" + m.review + "/rerun", token: "licensing", addr: "10.31.0.8",
		header: map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://elsewhere.example"}}).send(h); rec.Code != 403 {
		t.Errorf("a cross-site re-run: %d", rec.Code)
	}
}

// TestRoleHomes: each role's home page links what the role may use and
// nothing it may not; each link it shows answers the role (no dead end),
// and each it hides is refused by the server anyway.
func TestRoleHomes(t *testing.T) {
	s := testServer(t)
	matrixFixture(t)
	h := s.Handler()
	linkR := regexp.MustCompile(`<ul class="links">([\s\S]*?)</ul>`)
	hrefR := regexp.MustCompile(`href="([^"]+)"`)
	candidates := []string{"/register", "/reviews", "/api/v1/audit", "/check", "/map"}
	want := map[string][]string{
		"holder-in": {"/register", "/reviews", "/check", "/map"},
		"clerk-in":  {"/register", "/reviews", "/check", "/map"},
		"licensing": {"/register", "/reviews", "/check", "/map"},
		"planner":   {"/register", "/reviews", "/check", "/map"},
		"enforcer":  {"/register", "/reviews", "/check", "/map"},
		"auditor":   {"/api/v1/audit", "/check", "/map"},
		"secadmin":  {"/check", "/map"},
		"sysadmin":  {"/check", "/map"},
	}
	for caller, links := range want {
		code, body := get(t, h, caller, "/workspace?lang=en")
		m := linkR.FindStringSubmatch(body)
		if code != 200 || m == nil {
			t.Fatalf("%s: %d, no links", caller, code)
		}
		var got []string
		for _, l := range hrefR.FindAllStringSubmatch(m[1], -1) {
			if slices.Contains(candidates, l[1]) {
				got = append(got, l[1])
			}
		}
		slices.Sort(got)
		w := slices.Clone(links)
		slices.Sort(w)
		if !slices.Equal(got, w) {
			t.Errorf("%s's home links %v, want %v", caller, got, w)
		}
		for _, c := range candidates {
			code, _ := get(t, h, caller, c)
			if shown := slices.Contains(got, c); shown != (code == 200) {
				t.Errorf("%s: %s shown=%v but answers %d", caller, c, shown, code)
			}
		}
	}
}
