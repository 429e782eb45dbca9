package web

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// fuzzPaths are the GET endpoints of the API; the fuzzer picks one.
var fuzzPaths = []string{
	"/api/v1/rights", "/api/v1/zones", "/api/v1/plan", "/api/v1/plan/check", "/api/v1/plan/tables",
	"/api/v1/plan/tables/16", "/api/v1/minerals", "/api/v1/rights/nope", "/api/v1/rights/nope/events",
	"/api/v1/reviews/nope", "/healthz",
}

// FuzzAPIQuery sends a query made of a raw string (as a client could send
// it, malformed escapes included) and one well-encoded name=value pair.
// Whatever arrives, the answer is not a 5xx and its body is JSON; a 400
// is a bad_parameter error with a Chinese / English message.
//
//	go test -run '^$' -fuzz FuzzAPIQuery -fuzztime 2m ./internal/web/
func FuzzAPIQuery(f *testing.F) {
	for _, seed := range []struct {
		path       uint8
		raw        string
		key, value string
	}{
		{0, "", "", ""},
		{0, "status=bogus", "", ""},
		{0, "", "bbox", "NaN,NaN,NaN,NaN"},
		{0, "", "bbox", "-Inf,36,+Inf,40"},
		{0, "", "bbox", "74,36,80,40"},
		{0, "", "bbox", "1e308,1e308,1e308,1e308"},
		{0, "", "bbox", "74,36,80,40,"},
		{0, "limit=0", "offset", "-1"},
		{0, "limit=1000000000000000000000", "offset", "999999999999999999999"},
		{0, "as_of=2021-12-31&kind=mining", "status", "producing"},
		{0, "as_of=0000-01-01", "as_of", "9999-12-31"},
		{0, "county=%E4%BC%BD%E5%B8%88", "mineral", "铜矿"},
		{0, "holder=%zz", "", ""},
		{0, "%zz=1", "", ""},
		{0, "=1&&&", "", ""},
		{0, "a;b=c", "", ""},
		{0, "holder=%ff%fe", "", ""},
		{0, "", "holder", "\x00\u202e甲公司"},
		{0, "", "mineral", strings.Repeat("铜", 300)},
		{0, strings.Repeat("limit=1&", 600), "", ""},
		{1, "", "type", "national_planning_area"},
		{1, "bbox=76.5,39.0,77.0,39.6", "type", "forest"},
		{1, "bbox=%00", "", ""},
		{2, "verbose", "", ""},
		{5, "", "x", "y"},
		{10, "probe=1", "", ""},
	} {
		f.Add(seed.path, seed.raw, seed.key, seed.value)
	}
	h := testServer(f).Handler()
	f.Fuzz(func(t *testing.T, path uint8, raw, key, value string) {
		q := raw
		if key != "" {
			if q != "" {
				q += "&"
			}
			q += url.QueryEscape(key) + "=" + url.QueryEscape(value)
		}
		p := fuzzPaths[int(path)%len(fuzzPaths)]
		rec := do(h, p, q)
		body := rec.Body.Bytes()
		if rec.Code >= 500 {
			t.Fatalf("%s?%s: %d: %s", p, q, rec.Code, body)
		}
		if !json.Valid(body) {
			t.Fatalf("%s?%s: %d: body is not JSON: %q", p, q, rec.Code, body)
		}
		if rec.Code != 400 {
			return
		}
		var e errorBody
		json.Unmarshal(body, &e)
		if e.Error.Code == "bad_parameter" && !bilingualR.MatchString(e.Error.Message) {
			t.Fatalf("%s?%s: message not Chinese / English: %q", p, q, e.Error.Message)
		}
		if e.Error.Code != "bad_parameter" {
			t.Fatalf("%s?%s: 400 with code %q", p, q, e.Error.Code)
		}
	})
}
