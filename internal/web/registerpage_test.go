package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	rowCountyR = regexp.MustCompile(`<tr data-county="([^"]*)"[ >]`)
	rowLinkR   = regexp.MustCompile(`<a href="/rights/([^"]+)">`)
)

// TestRegisterPage: a clerk's table holds only its county's rights, with
// the count from the database and links to each right's page; a bad
// filter shows its message next to its field, in the page's language,
// and keeps what was typed; the public is refused with a sign-in link.
func TestRegisterPage(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	get := func(token, path string) (int, string) {
		t.Helper()
		rec := request{method: "GET", path: path, token: token, addr: "10.21.0.1"}.send(h)
		return rec.Code, rec.Body.String()
	}
	code, body := get("clerk-in", "/register?lang=en&limit=1000&kind=&status=")
	if code != http.StatusOK {
		t.Fatalf("clerk: %d %.300s", code, body)
	}
	rows := rowCountyR.FindAllStringSubmatch(body, -1)
	if len(rows) == 0 {
		t.Fatal("the clerk's table is empty")
	}
	for _, r := range rows {
		if r[1] != m.county {
			t.Fatalf("the clerk of %s sees a right of %s", m.county, r[1])
		}
	}
	if n := len(rowLinkR.FindAllString(body, -1)); n != len(rows) {
		t.Errorf("%d rows, %d links to right pages", len(rows), n)
	}
	api := list(t, h, "clerk-in", "")
	if !strings.Contains(body, itoa(api)+" match") || api != len(rows) {
		t.Errorf("the page's count is not the API's %d (%d rows)", api, len(rows))
	}
	// Another county: nothing, as in the API.
	if _, other := get("clerk-in", "/register?lang=en&county="+m.other); len(rowCountyR.FindAllString(other, -1)) != 0 {
		t.Error("a clerk asking for another county sees rights")
	}
	// The licensing officer pages with the cursor.
	_, first := get("licensing", "/register?lang=en&limit=5")
	if len(rowCountyR.FindAllString(first, -1)) != 5 || !strings.Contains(first, `rel="next"`) {
		t.Fatalf("first page of 5: %.300s", first)
	}

	code, bad := get("licensing", "/register?lang=en&kind=bogus&county=nowhere-county&as_of=2026-13-01&holder=ok")
	if code != http.StatusBadRequest {
		t.Fatalf("bad filters: %d", code)
	}
	for _, want := range []string{
		`<span class="error" id="kind-error" role="alert">The kind must be exploration or mining right, not &#34;bogus&#34;</span>`,
		`<span class="error" id="county-error" role="alert">The plan has no county &#34;nowhere-county&#34;; closest: `,
		`<span class="error" id="as_of-error" role="alert">The date must be YYYY-MM-DD, not &#34;2026-13-01&#34;</span>`,
		`aria-describedby="county-error"`, `value="nowhere-county"`, `value="ok"`,
	} {
		if !strings.Contains(bad, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(bad, "holder-error") {
		t.Error("a good field shows an error")
	}
	if _, zh := get("licensing", "/register?kind=bogus&mineral=%E9%93%9C%E7%9F%BF%E7%9F%BF%E7%9F%BF"); !strings.Contains(zh, "类型应为探矿权或采矿权") || !regexp.MustCompile(`规划中没有矿种 &#34;铜矿矿矿&#34;；相近的有：[^<]*铜矿`).MatchString(zh) {
		t.Errorf("the errors are not in Chinese: %s", regexp.MustCompile(`<span class="error"[^<]*`).FindAllString(zh, -1))
	}
	if _, unk := get("licensing", "/register?lang=en&colour=red"); !strings.Contains(unk, `id="form-error"`) {
		t.Error("an unknown parameter shows no error")
	}
	if _, ug := get("licensing", "/register?lang=ug"); !strings.Contains(ug, `dir="rtl"`) {
		t.Error("the ug register is not right to left")
	}

	code, pub := get("", "/register?lang=en")
	if code != http.StatusForbidden || !strings.Contains(pub, `href="/signin"`) || strings.Contains(pub, "data-county") {
		t.Errorf("the public: %d %.300s", code, pub)
	}
	if code, _ := get("auditor", "/register"); code != http.StatusForbidden {
		t.Errorf("the auditor: %d", code)
	}
}

// list is numberMatched of the API's register for a caller.
func list(t *testing.T, h http.Handler, token, query string) int {
	t.Helper()
	rec := request{method: "GET", path: "/api/v1/rights?limit=1" + query, token: token, addr: "10.21.0.2"}.send(h)
	var fc featureCollection
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &fc) != nil {
		t.Fatalf("API list as %s: %d", orPublic(token), rec.Code)
	}
	return fc.NumberMatched
}

func itoa(n int) string { return strconv.Itoa(n) }
