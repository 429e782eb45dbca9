package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"mineplan/internal/actor"
	"mineplan/internal/authz"
	"mineplan/internal/geo"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// checkHeaders fails unless a response carries the security headers.
func checkHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	var script string
	for _, d := range strings.Split(csp, ";") {
		if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src") || (script == "" && strings.HasPrefix(d, "default-src")) {
			script = d
		}
	}
	switch {
	case csp == "" || script == "":
		t.Errorf("%s: no script policy in CSP %q", what, csp)
	case strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'"):
		t.Errorf("%s: scripts may run inline: %q", what, script)
	case !strings.Contains(csp, "frame-ancestors 'none'"):
		t.Errorf("%s: CSP %q lacks frame-ancestors 'none'", what, csp)
	}
	if h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", what, h.Get("X-Content-Type-Options"))
	}
	if h.Get("Referrer-Policy") == "" {
		t.Errorf("%s: no Referrer-Policy", what)
	}
}

// TestSecurityHeadersOnEveryRoute: every route, as the public and as a
// signed-in officer, and every kind of error (404 by route and by object,
// 405, 403, 401, 413, 429) carries the headers.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	reqs := m.requests()
	for i, rt := range s.routes() {
		q := reqs[rt.pattern]
		for j, token := range []string{"", "licensing", "holder-out"} {
			q.token, q.addr = token, fmt.Sprintf("10.4.%d.%d", i, j)
			rec := q.send(h)
			checkHeaders(t, fmt.Sprintf("%s as %s (%d)", rt.pattern, orPublic(token), rec.Code), rec.Header())
		}
	}
	for _, q := range []request{
		{method: "GET", path: "/nope"},
		{method: "GET", path: "/api/v1/nope"},
		{method: "DELETE", path: "/api/v1/plan"},
		{method: "GET", path: "/static/0000/none.css"},
		{method: "GET", path: "/api/v1/rights/nope"},
		{method: "GET", path: "/api/v1/plan", token: "wrong"},
		{method: "POST", path: "/api/v1/check", body: strings.Repeat(" ", maxCheckBody+1)},
		{method: "POST", path: "/api/v1/reviews", header: map[string]string{"Sec-Fetch-Site": "cross-site"}},
	} {
		q.addr = "10.4.255.1"
		rec := q.send(h)
		checkHeaders(t, fmt.Sprintf("%s %s (%d)", q.method, q.path, rec.Code), rec.Header())
	}
}

// leaks are what an error body must never hold: a stack trace, SQL or a
// driver's message (SQLite's and PostgreSQL's syntax errors; "JSON syntax
// error at byte 1" is the message meant for the client), a file path (/work, not the /workspace page).
var leaks = regexp.MustCompile(`goroutine |\.go:\d|\bSELECT\b|\bINSERT\b|\bUPDATE\b|syntax error at or near|: syntax error|pq:|SQLSTATE|sqlite|SQLite|/work\b|/tmp|/home|/root|[A-Za-z]:\\\\|\\\\\\\\`)

// TestErrorBodiesLeakNothing provokes errors on every route (unknown
// parameters, unknown ids, bad and oversized bodies, wrong methods) as the
// public and as an officer, and checks no body holds a stack trace, SQL
// or a path, and every error status has a bilingual message.
func TestErrorBodiesLeakNothing(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	reqs := m.requests()
	var sent, errs int
	for i, rt := range s.routes() {
		base := reqs[rt.pattern]
		limit := rt.maxBody
		if limit <= 0 {
			limit = defaultMaxBody
		}
		var variants []request
		add := func(q request) { variants = append(variants, q) }
		add(request{method: base.method, path: base.path + "?bogus=1", body: base.body})
		add(request{method: base.method, path: strings.Replace(base.path, "?", "?limit=x&", 1), body: base.body})
		for _, id := range []string{"nope", "RV%00x", "..%2F..%2Fetc", strings.Repeat("x", 300), "%E4%BC"} {
			for _, known := range []string{m.right.ID, m.review, "/16", m.staticURL} {
				if strings.Contains(base.path, known) {
					p := strings.Replace(base.path, strings.TrimPrefix(known, "/"), id, 1)
					add(request{method: base.method, path: p, body: base.body})
				}
			}
		}
		if base.method == "POST" {
			for _, b := range []string{"{", "null", "[]", `{"type":"Feature"}`, `{"type":"Feature","properties":{"kind":"mining"},"geometry":{"type":"Polygon","coordinates":[[[1e400,0]]]}}`,
				"\xff\xfe", `{"type":"Feature","properties":{"kind":"mining","mineral":"铜矿","county":"伽师县"},"geometry":{"type":"Polygon","coordinates":[[[75,38],[75,38],[75,38],[75,38]]]}}`} {
				add(request{method: "POST", path: base.path, body: b})
			}
			add(request{method: "POST", path: base.path, body: strings.Repeat("x", int(limit)+1)})
			add(request{method: "POST", path: base.path, body: strings.Repeat("x", int(limit)+1), header: map[string]string{"Transfer-Encoding": "chunked"}})
			add(request{method: "GET", path: base.path})
		} else {
			add(request{method: "POST", path: base.path, body: "{}"})
			add(request{method: "GET", path: base.path, body: strings.Repeat("x", int(limit)+1)})
		}
		for j, q := range variants {
			for k, token := range []string{"", "licensing", "holder-out"} {
				q.token, q.addr = token, fmt.Sprintf("10.5.%d.%d", i, j*3+k)
				rec := q.send(h)
				sent++
				body := rec.Body.String()
				if rec.Code < 400 {
					continue
				}
				errs++
				what := fmt.Sprintf("%s %s as %s: %d", q.method, clip(q.path), orPublic(token), rec.Code)
				if l := leaks.FindString(body); l != "" {
					t.Errorf("%s: the body leaks %q: %.400s", what, l, body)
				}
				// JSON and short error pages are bilingual; a full page (a form
				// shown again with its errors) is in the caller's language.
				if !bilingualR.MatchString(strings.TrimSpace(body)) && !strings.Contains(body, " / ") && !strings.Contains(body, `<html lang="`) {
					t.Errorf("%s: not a bilingual message: %.200s", what, body)
				}
			}
		}
	}
	if errs < 100 {
		t.Fatalf("only %d of %d requests were errors", errs, sent)
	}
	t.Logf("%d requests, %d errors checked", sent, errs)
}

// TestCrossOriginWriteRefused: a cross-origin POST with a valid session
// cookie is refused before the session is looked at; a same-origin one
// and a machine client's (no browser headers) go through.
func TestCrossOriginWriteRefused(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	testAuth["session:planner-session"] = actor.Actor{Kind: actor.User, Name: "planner", Role: actor.Planner}
	h := s.Handler()
	cookie := SessionCookie + "=planner-session"
	for _, hd := range []map[string]string{
		{"Cookie": cookie, "Sec-Fetch-Site": "cross-site"},
		{"Cookie": cookie, "Sec-Fetch-Site": "same-site"},
		{"Cookie": cookie, "Origin": "https://evil.example"},
	} {
		rec := request{method: "POST", path: "/api/v1/reviews", body: m.application, header: hd, addr: "10.6.0.1"}.send(h)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "cross-origin") {
			t.Errorf("%v: %d %s, want 403", hd, rec.Code, rec.Body)
		}
	}
	for _, hd := range []map[string]string{
		{"Cookie": cookie, "Sec-Fetch-Site": "same-origin"},
		{"Cookie": cookie, "Origin": "http://mineplan.test"},
		{"Cookie": cookie},
	} {
		rec := request{method: "POST", path: "/api/v1/reviews", body: m.application, header: hd, addr: "10.6.0.2"}.send(h)
		if rec.Code != http.StatusCreated {
			t.Errorf("%v: %d %.200s, want 201", hd, rec.Code, rec.Body)
		}
	}
	// A bearer client sends no browser headers: it passes.
	if rec := (request{method: "POST", path: "/api/v1/reviews", body: m.application, token: "planner", addr: "10.6.0.3"}).send(h); rec.Code != http.StatusCreated {
		t.Errorf("bearer: %d", rec.Code)
	}
	// Reads are never refused for their origin.
	if rec := (request{method: "GET", path: "/api/v1/plan", header: map[string]string{"Sec-Fetch-Site": "cross-site"}}).send(h); rec.Code != 200 {
		t.Errorf("cross-site GET: %d", rec.Code)
	}
}

// TestBodyLimits: a body over its route's limit is a 413 with a bilingual
// message, by its declared length and while streaming; one at the limit
// reaches the handler.
func TestBodyLimits(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	for _, q := range []request{
		{method: "POST", path: "/api/v1/check", body: strings.Repeat(" ", maxCheckBody+1)},
		{method: "POST", path: "/api/v1/check", body: strings.Repeat(" ", maxCheckBody+1), header: map[string]string{"Transfer-Encoding": "chunked"}},
		{method: "POST", path: "/api/v1/reviews", token: "planner", body: strings.Repeat(" ", maxReviewBody+1)},
		{method: "POST", path: "/api/v1/reviews/RV1/rerun", token: "planner", body: strings.Repeat(" ", defaultMaxBody+1)},
		{method: "GET", path: "/api/v1/plan", body: strings.Repeat(" ", defaultMaxBody+1)},
	} {
		q.addr = "10.7.0.1"
		rec := q.send(h)
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "request body too large") {
			t.Errorf("%s %s (%v): %d %.200s", q.method, q.path, q.header, rec.Code, rec.Body)
		}
	}
	// At the limit the handler reads it (and finds it is no application).
	rec := request{method: "POST", path: "/api/v1/check", body: strings.Repeat(" ", maxCheckBody), addr: "10.7.0.2"}.send(h)
	if rec.Code == http.StatusRequestEntityTooLarge {
		t.Errorf("a body at the limit: %d", rec.Code)
	}
}

// TestRateLimits: the public check and the public reads are limited per
// client address with 429 and Retry-After; another address goes on; the
// sign-in limiter counts per address and per account name.
func TestRateLimits(t *testing.T) {
	srv, _, _ := freshServer(t, nil)
	srv.publicLimiter = newLimiter(1, 3)
	h := srv.Handler()
	var last int
	for range 4 {
		last = request{method: "GET", path: "/api/v1/plan", addr: "10.8.0.1"}.send(h).Code
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("4th public read at burst 3: %d", last)
	}
	rec := request{method: "GET", path: "/api/v1/plan", addr: "10.8.0.1"}.send(h)
	if rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "too many requests") {
		t.Fatalf("429 without Retry-After: %v %s", rec.Header(), rec.Body)
	}
	if c := (request{method: "GET", path: "/api/v1/plan", addr: "10.8.0.2"}).send(h).Code; c != 200 {
		t.Fatalf("another address: %d", c)
	}
	for range checkBurst {
		request{method: "POST", path: "/api/v1/check", body: "{}", addr: "10.8.0.3"}.send(h)
	}
	if c := (request{method: "POST", path: "/api/v1/check", body: "{}", addr: "10.8.0.3"}).send(h).Code; c != http.StatusTooManyRequests {
		t.Fatalf("check past its burst: %d", c)
	}
	// Sign-in: many names from one address, and one name from many.
	signIn := func(addr, account string) int {
		rec := request{method: "POST", path: "/signin", addr: addr}.send(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if srv.SignInAllowed(w, r, account) {
				w.WriteHeader(http.StatusNoContent)
			}
		}))
		return rec.Code
	}
	for i := range signInBurst {
		if c := signIn("10.8.1.1", fmt.Sprintf("user%d", i)); c != http.StatusNoContent {
			t.Fatalf("sign-in %d: %d", i, c)
		}
	}
	if c := signIn("10.8.1.1", "another"); c != http.StatusTooManyRequests {
		t.Fatalf("sign-in past the address's burst: %d", c)
	}
	for i := range signInBurst {
		signIn(fmt.Sprintf("10.8.2.%d", i), "target")
	}
	if c := signIn("10.8.3.1", "target"); c != http.StatusTooManyRequests {
		t.Fatalf("sign-in past the account's burst from a new address: %d", c)
	}
}

// TestPublicModeRegistersNoWrite: in public mode only routes the public
// may take that write nothing are registered, and the others are 404.
func TestPublicModeRegistersNoWrite(t *testing.T) {
	s := testServer(t)
	cfg := s.cfg
	cfg.Public = true
	p, rev := s.current()
	pub, err := New(cfg, p, rev)
	if err != nil {
		t.Fatal(err)
	}
	rs := pub.registered()
	if len(rs) == 0 || len(rs) >= len(s.routes()) {
		t.Fatalf("public mode registers %d of %d routes", len(rs), len(s.routes()))
	}
	for _, rt := range rs {
		if !strings.HasPrefix(rt.pattern, "GET ") && rt.pattern != "POST /api/v1/check" && rt.pattern != "POST /check" && rt.pattern != "POST /api/v1/measure" {
			t.Errorf("public mode registers %s", rt.pattern)
		}
		if authzWrites(rt) || !authzPublic(rt) {
			t.Errorf("public mode registers %s (%s)", rt.pattern, rt.action)
		}
	}
	h := pub.Handler()
	for _, q := range []request{
		{method: "POST", path: "/api/v1/reviews", token: "planner", body: "{}"},
		{method: "POST", path: "/api/v1/reviews/RV1/rerun", token: "planner"},
		{method: "GET", path: "/api/v1/reviews/RV1", token: "planner"},
	} {
		if c := q.send(h).Code; c != http.StatusNotFound && c != http.StatusMethodNotAllowed {
			t.Errorf("public mode: %s %s answers %d", q.method, q.path, c)
		}
	}
}

func authzWrites(rt route) bool { return authz.Writes(rt.action) }
func authzPublic(rt route) bool { return authz.IsPublic(rt.action) }

// leakyStore fails every read with what a driver might say.
type leakyStore struct{ store.Store }

var errLeaky = errors.New(`SQLite: near "SELECT": syntax error (/tmp/mineplan-web/web.db) at rights.go:42`)

func (leakyStore) Right(context.Context, string) (rights.Right, error) {
	return rights.Right{}, errLeaky
}
func (leakyStore) Rights(context.Context, store.RightFilter) ([]rights.Right, int, error) {
	return nil, 0, errLeaky
}
func (leakyStore) RightEvents(context.Context, string) ([]rights.Event, error) { return nil, errLeaky }
func (leakyStore) Review(context.Context, string) (store.StoredReview, error) {
	return store.StoredReview{}, errLeaky
}
func (leakyStore) Zones(context.Context, string, int, *geo.BBox) ([]store.ZoneFeature, error) {
	return nil, errLeaky
}
func (leakyStore) SchemaVersion(context.Context) (int, error) { return 0, errLeaky }

// TestInternalErrorsLeakNothing: when the store fails with a message full
// of SQL and paths, every route answers without it.
func TestInternalErrorsLeakNothing(t *testing.T) {
	m := matrixFixture(t)
	srv, _, log := freshServer(t, func(st store.Store) store.Store { return leakyStore{st} })
	h := srv.Handler()
	failed := 0
	for pattern, q := range m.requests() {
		q.token, q.addr = "licensing", "10.9.0.1"
		rec := q.send(h)
		if rec.Code >= 500 {
			failed++
		}
		if l := leaks.FindString(rec.Body.String()); l != "" {
			t.Errorf("%s: %d leaks %q: %.300s", pattern, rec.Code, l, rec.Body)
		}
	}
	if failed < 5 || !strings.Contains(log.String(), "syntax error") {
		t.Fatalf("%d routes failed; the cause is logged: %v", failed, strings.Contains(log.String(), "syntax error"))
	}
}

// TestContentSecurityPolicyDirectives pins the policy directive by
// directive: scripts and workers from the server's own files only (the
// map's MapLibre worker is a same-origin module, so no blob: or data:
// script source is needed), connections to the server only (the tiles),
// and blob: only as an image source (decoded tile images).
func TestContentSecurityPolicyDirectives(t *testing.T) {
	got := map[string]string{}
	for _, d := range strings.Split(ContentSecurityPolicy, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		if _, dup := got[name]; dup {
			t.Errorf("directive %s given twice", name)
		}
		got[name] = value
	}
	want := map[string]string{
		"default-src": "'none'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data: blob:",
		"connect-src": "'self'", "font-src": "'self'", "worker-src": "'self'", "form-action": "'self'",
		"frame-ancestors": "'none'", "base-uri": "'none'",
	}
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s is %q, want %q", name, got[name], v)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected directive %s %q", name, got[name])
		}
	}
	if strings.Contains(ContentSecurityPolicy, "*") || strings.Contains(ContentSecurityPolicy, "unsafe") {
		t.Errorf("CSP %q has a wildcard or an unsafe- source", ContentSecurityPolicy)
	}
}
