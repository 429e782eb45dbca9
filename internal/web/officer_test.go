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
