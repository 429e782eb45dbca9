package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"mineplan/internal/actor"
)

// fakeAuth maps bearer tokens and session values to actors, as the
// accounts package does against the database.
type fakeAuth map[string]actor.Actor

var errUnknownCredential = errors.New("unknown credential")

func (f fakeAuth) Session(_ context.Context, token string) (actor.Actor, error) {
	if a, ok := f["session:"+token]; ok {
		return a, nil
	}
	return actor.Actor{}, errUnknownCredential
}

func (f fakeAuth) Token(_ context.Context, bearer string) (actor.Actor, error) {
	if a, ok := f[bearer]; ok {
		return a, nil
	}
	return actor.Actor{}, errUnknownCredential
}

// The matrix's callers. The jurisdictions (a holder's credit code, a
// county) are set by matrixFixture from the register it finds.
func user(role actor.Role, name string) actor.Actor {
	return actor.Actor{Kind: actor.User, Name: name, Role: role}
}

// testAuth is every test server's authenticator; matrixFixture fills in
// the jurisdictions once.
var testAuth = fakeAuth{
	"licensing": user(actor.LicensingOfficer, "licensing"),
	"planner":   user(actor.Planner, "planner"),
	"enforcer":  user(actor.EnforcementOfficer, "enforcer"),
	"auditor":   user(actor.Auditor, "auditor"),
	"secadmin":  user(actor.SecurityAdmin, "secadmin"),
	"sysadmin":  user(actor.SystemAdmin, "sysadmin"),
}

// request is one request of a test: method, path (with its raw query),
// body, the bearer token ("" for an anonymous caller) and the client
// address (rate limits are per address).
type request struct {
	method, path string
	body         string
	token        string
	addr         string
	header       map[string]string
}

func (q request) send(h http.Handler) *httptest.ResponseRecorder {
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	path, raw, _ := strings.Cut(q.path, "?")
	req := httptest.NewRequest(q.method, "http://mineplan.test"+path, body)
	req.URL.RawQuery = raw
	if q.token != "" {
		req.Header.Set("Authorization", "Bearer "+q.token)
	}
	if q.addr != "" {
		req.RemoteAddr = q.addr + ":40000"
	}
	for k, v := range q.header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestAuthentication: no credential is the public; a valid token or
// session is its user, with the request's address and id; a bad token is
// a 401 with a bilingual body; a bad cookie is cleared and served as the
// public.
func TestAuthentication(t *testing.T) {
	srv := testServer(t)
	var seen actor.Actor
	h := srv.securityHeaders(withRequestID(srv.authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = who(r)
	}))))
	auth := fakeAuth{"tok-planner": user(actor.Planner, "planner"), "session:s1": user(actor.Holder, "holder")}
	old := srv.cfg.Authenticator
	srv.cfg.Authenticator = auth
	defer func() { srv.cfg.Authenticator = old }()

	rec := request{method: "GET", path: "/x", addr: "192.0.2.7"}.send(h)
	if seen.Kind != actor.Anonymous || seen.Role != actor.Public || seen.Address != "192.0.2.7" || seen.RequestID == "" || rec.Header().Get(RequestIDHeader) != seen.RequestID {
		t.Fatalf("anonymous: %+v, header %q", seen, rec.Header().Get(RequestIDHeader))
	}
	first := seen.RequestID
	request{method: "GET", path: "/x", token: "tok-planner"}.send(h)
	if seen.Role != actor.Planner || seen.Name != "planner" || seen.RequestID == first {
		t.Fatalf("bearer: %+v", seen)
	}
	rec = request{method: "GET", path: "/api/v1/plan", token: "wrong"}.send(h)
	if rec.Code != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), " / ") || rec.Header().Get("WWW-Authenticate") == "" {
		t.Fatalf("bad bearer: %d %s", rec.Code, rec.Body)
	}
	rec = request{method: "GET", path: "/x", header: map[string]string{"Authorization": "Basic dTpw"}}.send(h)
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("another scheme: %d", rec.Code)
	}
	request{method: "GET", path: "/x", header: map[string]string{"Cookie": SessionCookie + "=s1"}}.send(h)
	if seen.Role != actor.Holder {
		t.Fatalf("session: %+v", seen)
	}
	seen = actor.Actor{}
	rec = request{method: "GET", path: "/x", header: map[string]string{"Cookie": SessionCookie + "=expired"}}.send(h)
	if seen.Kind != actor.Anonymous || rec.Code != http.StatusOK {
		t.Fatalf("bad cookie: %d %+v", rec.Code, seen)
	}
	if c := rec.Header().Get("Set-Cookie"); !strings.Contains(c, SessionCookie+"=;") || !strings.Contains(c, "Max-Age=0") || !strings.Contains(c, "HttpOnly") {
		t.Fatalf("bad cookie not cleared: %q", c)
	}
	// A client's own request id is not taken.
	rec = request{method: "GET", path: "/x", header: map[string]string{RequestIDHeader: "forged"}}.send(h)
	if seen.RequestID == "forged" || rec.Header().Get(RequestIDHeader) == "forged" {
		t.Fatal("the client's request id was used")
	}
}
