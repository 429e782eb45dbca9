package web

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"mineplan/internal/i18n"
)

// TestPlanPage: the plan's tables with their clauses, each linking its
// API table (which answers), the check's disagreements with their counts,
// the sentence on targets, in every language.
func TestPlanPage(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	p, _ := s.current()
	check := s.currentCheck()
	if len(check.Disagreements) == 0 {
		t.Fatal("the served plan's check has no disagreements to show")
	}
	for _, l := range i18n.Langs {
		rec := request{method: "GET", path: "/plan?lang=" + string(l), addr: "10.9.1.1"}.send(h)
		body := rec.Body.String()
		if rec.Code != 200 {
			t.Fatalf("%s: %d", l, rec.Code)
		}
		if !strings.Contains(body, `dir="`+l.Dir()+`"`) || !strings.Contains(body, `href="/plan" aria-current="page"`) {
			t.Errorf("%s: direction or nav wrong", l)
		}
		for _, tb := range p.Tables {
			link := `href="/api/v1/plan/tables/` + url.PathEscape(tb.ID) + `"`
			if !strings.Contains(strings.ToLower(body), strings.ToLower(link)) {
				t.Errorf("%s: no link %s", l, link)
			}
			if !strings.Contains(body, "<td>"+html.EscapeString(tb.Clause)+"</td>") {
				t.Errorf("%s: table %s's clause %q missing", l, tb.ID, tb.Clause)
			}
		}
		for _, d := range check.Disagreements {
			if !strings.Contains(html.UnescapeString(body), d.Message) {
				t.Errorf("%s: disagreement %s missing", l, d.Check)
			}
		}
		summary := map[i18n.Lang]string{i18n.ZH: "共核对 " + strconv.Itoa(check.Checked) + " 项", i18n.UG: "جەمئىي " + strconv.Itoa(check.Checked), i18n.EN: strconv.Itoa(check.Checked) + " figures checked"}[l]
		targets := map[i18n.Lang]string{i18n.ZH: "随监测功能一并公布", i18n.UG: "نازارەت ئىقتىدارى", i18n.EN: "targets and their progress come with monitoring"}[l]
		for _, w := range []string{summary, targets, `href="/zones/CZ027"`} {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the plan page lacks %q", l, w)
			}
		}
	}
	// The table links answer.
	rec := request{method: "GET", path: "/plan", addr: "10.9.1.2"}.send(h)
	m := regexp.MustCompile(`href="(/api/v1/plan/tables/[^"]+)"`).FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatal("no table link")
	}
	if c := (request{method: "GET", path: m[1], addr: "10.9.1.3"}).send(h).Code; c != 200 {
		t.Errorf("%s: %d", m[1], c)
	}
}

// TestZoneAndBlockPages: a zone's page with its attributes, its relations
// and its blocks, a block's page linking its zone, the illustrative note;
// an unknown code is a 404 page in the caller's language.
func TestZoneAndBlockPages(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	p, _ := s.current()
	var zone, block string
	for _, b := range p.Blocks {
		if b.Zone != "" {
			zone, block = b.Zone, b.Code
			break
		}
	}
	if zone == "" {
		t.Fatal("no block lies in a zone")
	}
	for _, l := range i18n.Langs {
		rec := request{method: "GET", path: "/zones/" + zone + "?lang=" + string(l), addr: "10.9.2.1"}.send(h)
		body := rec.Body.String()
		if rec.Code != 200 || !strings.Contains(body, `href="/blocks/`+block+`"`) || !strings.Contains(body, `dir="`+l.Dir()+`"`) {
			t.Errorf("zone %s (%s): %d %.500s", zone, l, rec.Code, body)
		}
		rec = request{method: "GET", path: "/blocks/" + block + "?lang=" + string(l), addr: "10.9.2.2"}.send(h)
		body = rec.Body.String()
		note := map[i18n.Lang]string{i18n.ZH: "示意图形", i18n.UG: "كۆرسەتمە شەكىل", i18n.EN: "Illustrative shapes"}[l]
		if rec.Code != 200 || !strings.Contains(body, `href="/zones/`+zone+`"`) || !strings.Contains(body, note) {
			t.Errorf("block %s (%s): %d %.500s", block, l, rec.Code, body)
		}
	}
	// CZ027 is the same ground as GK012 (专栏13).
	rec := request{method: "GET", path: "/zones/CZ027?lang=en", addr: "10.9.2.3"}.send(h)
	body := rec.Body.String()
	for _, w := range []string{`href="/zones/GK012"`, "the same ground", "专栏13", "Planning zone CZ027"} {
		if !strings.Contains(body, w) {
			t.Errorf("CZ027 lacks %q", w)
		}
	}
	for path, want := range map[string]string{"/zones/NOPE?lang=en": "the plan has no such zone", "/blocks/NOPE?lang=zh": "规划中没有这个区块", "/zones/NOPE?lang=ug": "پىلاندا بۇ رايون يوق"} {
		rec := request{method: "GET", path: path, addr: "10.9.2.4"}.send(h)
		if rec.Code != 404 || !strings.Contains(rec.Body.String(), want) {
			t.Errorf("%s: %d, want 404 with %q", path, rec.Code, want)
		}
	}
}
