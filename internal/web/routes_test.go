package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"mineplan/internal/actor"
	"mineplan/internal/app"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
	"mineplan/internal/geo"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/testutil"
	"mineplan/internal/tiles"
)

// TestEveryRouteHasAnAction: the route-coverage check passes on the
// server's routes and fails on a route without an action, or with one
// the table does not know (the acceptance's "show it once").
func TestEveryRouteHasAnAction(t *testing.T) {
	s := testServer(t)
	rs := s.routes()
	if err := checkRoutes(rs); err != nil {
		t.Fatal(err)
	}
	for _, rt := range rs {
		if !authz.Known(rt.action) {
			t.Errorf("route %s: unknown action %q", rt.pattern, rt.action)
		}
	}
	t.Run("a route without an action fails", func(t *testing.T) {
		for _, bad := range []authz.Action{"", "rights.nonsense"} {
			added := append(slices.Clone(rs), rt("GET /api/v1/new", bad, s.handleHealth))
			err := checkRoutes(added)
			if err == nil || !strings.Contains(err.Error(), "/api/v1/new") {
				t.Errorf("action %q: %v, want an error naming the route", bad, err)
			}
		}
	})
}

// matrix is the fixture of the role × route × jurisdiction test: a right
// whose mineral the county level grants, its holder and county, another
// holder and county, and a stored review owned by the right's holder.
type matrix struct {
	right           rights.Right
	county, other   string // the right's county and another
	code, otherCode string // its holder's credit code and another's
	review          string // a review owned by code, in county
	application     string // a sand mining application in county
	staticURL       string
	callers         []string // tokens; "" is the public
	job             int64    // a queued layer import job
}

var (
	matrixOnce sync.Once
	matrixFix  *matrix
	matrixErr  error
)

func matrixFixture(t *testing.T) *matrix {
	t.Helper()
	s := testServer(t)
	matrixOnce.Do(func() { matrixFix, matrixErr = buildMatrix(s) })
	if matrixErr != nil {
		t.Fatal(matrixErr)
	}
	return matrixFix
}

func buildMatrix(s *Server) (*matrix, error) {
	ctx := testutil.Context()
	all, _, err := s.cfg.Store.Rights(ctx, store.RightFilter{})
	if err != nil {
		return nil, err
	}
	m := &matrix{}
	grants := s.currentGrants()
	for _, r := range all {
		if r.Holder.CreditCode != "" && grants(r.MainMineral, string(r.Kind)) {
			m.right = r
			break
		}
	}
	if m.right.ID == "" {
		return nil, errors.New("the demo register has no right of a county-granted mineral with a credit code")
	}
	m.county, m.code = m.right.County, m.right.Holder.CreditCode
	for _, r := range all {
		if m.other == "" && r.County != m.county {
			m.other = r.County
		}
		if m.otherCode == "" && r.Holder.CreditCode != "" && r.Holder.CreditCode != m.code {
			m.otherCode = r.Holder.CreditCode
		}
	}
	holder := actor.Actor{Kind: actor.User, Name: "holder-in", Role: actor.Holder, CreditCode: m.code}
	testAuth["holder-in"] = holder
	testAuth["holder-out"] = actor.Actor{Kind: actor.User, Name: "holder-out", Role: actor.Holder, CreditCode: m.otherCode}
	testAuth["clerk-in"] = actor.Actor{Kind: actor.User, Name: "clerk-in", Role: actor.CountyClerk, County: m.county}
	testAuth["clerk-out"] = actor.Actor{Kind: actor.User, Name: "clerk-out", Role: actor.CountyClerk, County: m.other}
	testAuth["enforcer-in"] = actor.Actor{Kind: actor.User, Name: "enforcer-in", Role: actor.EnforcementOfficer, County: m.county}
	testAuth["enforcer-out"] = actor.Actor{Kind: actor.User, Name: "enforcer-out", Role: actor.EnforcementOfficer, County: m.other}
	m.callers = []string{"", "holder-in", "holder-out", "clerk-in", "clerk-out", "licensing", "planner", "enforcer", "enforcer-in", "enforcer-out", "auditor", "secadmin", "sysadmin"}

	m.application = fmt.Sprintf(`{"type":"Feature","properties":{"kind":"mining","mineral":"建筑用砂","county":%q,"scale":12,"scale_unit":"万立方米/年"},`+
		`"geometry":{"type":"Polygon","coordinates":[[[75.105,38.105],[75.118,38.105],[75.118,38.118],[75.105,38.118],[75.105,38.105]]]}}`, m.county)
	rep, err := app.RunReview(ctx, s.cfg.Store, s.currentEngine(), &s.areas, []byte(m.application), testNow)
	if err != nil {
		return nil, fmt.Errorf("the matrix's application: %w", err)
	}
	if m.review, err = app.SaveReview(actor.NewContext(ctx, holder), s.cfg.Store, []byte(m.application), rep); err != nil {
		return nil, err
	}
	planner := actor.Actor{Kind: actor.User, Name: "planner", Role: actor.Planner}
	j, err := app.QueueLayerImport(actor.NewContext(ctx, planner), s.cfg.Store, app.LayerUpload{FileName: "matrix.geojson", Kind: "other", Data: []byte(`{"type":"FeatureCollection","features":[]}`)}, testNow)
	if err != nil {
		return nil, fmt.Errorf("the matrix's import job: %w", err)
	}
	m.job = j.ID
	for u, a := range s.assets {
		if a.name == "style.css" {
			m.staticURL = u
		}
	}
	return m, nil
}

// requests gives each route pattern the request the tests send it.
func (m *matrix) requests() map[string]request {
	id, rv := m.right.ID, m.review
	return map[string]request{
		"GET /{$}":                            {method: "GET", path: "/"},
		"GET /healthz":                        {method: "GET", path: "/healthz"},
		"GET /api/v1/plan":                    {method: "GET", path: "/api/v1/plan"},
		"GET /api/v1/plan/check":              {method: "GET", path: "/api/v1/plan/check"},
		"GET /api/v1/plan/tables":             {method: "GET", path: "/api/v1/plan/tables"},
		"GET /api/v1/plan/tables/{id}":        {method: "GET", path: "/api/v1/plan/tables/16"},
		"GET /api/v1/minerals":                {method: "GET", path: "/api/v1/minerals"},
		"GET /api/v1/zones":                   {method: "GET", path: "/api/v1/zones?bbox=76.5,39.0,77.0,39.6"},
		"GET /api/v1/rights":                  {method: "GET", path: "/api/v1/rights?limit=1000"},
		"GET /api/v1/rights/{id}":             {method: "GET", path: "/api/v1/rights/" + id},
		"GET /api/v1/rights/{id}/events":      {method: "GET", path: "/api/v1/rights/" + id + "/events"},
		"POST /api/v1/reviews":                {method: "POST", path: "/api/v1/reviews", body: m.application},
		"GET /api/v1/reviews/{id}":            {method: "GET", path: "/api/v1/reviews/" + rv},
		"POST /api/v1/reviews/{id}/rerun":     {method: "POST", path: "/api/v1/reviews/" + rv + "/rerun"},
		"POST /api/v1/check":                  {method: "POST", path: "/api/v1/check", body: m.application},
		"GET /reviews/{id}":                   {method: "GET", path: "/reviews/" + rv},
		"GET /static/":                        {method: "GET", path: m.staticURL},
		"GET /api/v1/audit":                   {method: "GET", path: "/api/v1/audit?limit=5"},
		"GET /rights/{id}":                    {method: "GET", path: "/rights/" + id},
		"GET /register":                       {method: "GET", path: "/register?kind=mining&limit=20"},
		"GET /workspace":                      {method: "GET", path: "/workspace"},
		"GET /register/export":                {method: "GET", path: "/register/export?format=geojson&kind=mining&sort=-holder"},
		"GET /reviews":                        {method: "GET", path: "/reviews?verdict=non-conforming"},
		"POST /reviews/{id}/rerun":            {method: "POST", path: "/reviews/" + rv + "/rerun", header: form},
		"GET /api/v1/audit/verify":            {method: "GET", path: "/api/v1/audit/verify"},
		"GET /signin":                         {method: "GET", path: "/signin"},
		"POST /signin":                        {method: "POST", path: "/signin", body: "name=nobody-{caller}&password=wrong-password", header: form},
		"POST /signout":                       {method: "POST", path: "/signout", header: form},
		"GET /account/password":               {method: "GET", path: "/account/password"},
		"POST /account/password":              {method: "POST", path: "/account/password", body: "old=a&new=b&repeat=b", header: form},
		"GET /account/totp":                   {method: "GET", path: "/account/totp"},
		"POST /account/totp":                  {method: "POST", path: "/account/totp", body: "code=123456", header: form},
		"GET /map":                            {method: "GET", path: "/map?lang=ug"},
		"GET /api/v1/coords":                  {method: "GET", path: "/api/v1/coords?lon=75.98&lat=39.47"},
		"GET /tiles/index.json":               {method: "GET", path: "/tiles/index.json"},
		"GET /tiles/{file}":                   {method: "GET", path: "/tiles/protected_areas.json"},
		"GET /tiles/{layer}/{z}/{x}/{y}":      {method: "GET", path: "/tiles/rights/" + m.rightTile() + ".mvt"},
		"GET /tiles/applications.json":        {method: "GET", path: "/tiles/applications.json"},
		"GET /tiles/applications/{z}/{x}/{y}": {method: "GET", path: "/tiles/applications/" + tiles.TileAt(12, geo.LonLat{Lon: 75.11, Lat: 38.11}).String() + ".mvt"},
		"GET /api/v1/map/config":              {method: "GET", path: "/api/v1/map/config"},
		"GET /check":                          {method: "GET", path: "/check"},
		"POST /check":                         {method: "POST", path: "/check", body: m.checkForm(), header: form},
		"GET /plan":                           {method: "GET", path: "/plan"},
		"GET /zones/{code}":                   {method: "GET", path: "/zones/CZ027"},
		"GET /blocks/{code}":                  {method: "GET", path: "/blocks/KT001"},
		"GET /api/v1/search":                  {method: "GET", path: "/api/v1/search?q=" + m.right.LicenceNumber[:8]},
		"POST /api/v1/measure":                {method: "POST", path: "/api/v1/measure", body: `{"type":"Polygon","coordinates":[[[75.1,38.1],[75.2,38.1],[75.2,38.2],[75.1,38.1]]]}`},
		"GET /layers":                         {method: "GET", path: "/layers"},
		"POST /layers/import":                 {method: "POST", path: "/layers/import", body: "name=x", header: form},
		"GET /layers/jobs/{id}":               {method: "GET", path: fmt.Sprintf("/layers/jobs/%d", m.job)},
		"GET /api/v1/jobs/{id}":               {method: "GET", path: fmt.Sprintf("/api/v1/jobs/%d", m.job)},
		"GET /print":                          {method: "GET", path: "/print?bbox=75.9,39.4,76.1,39.6&paper=A3&orient=portrait"},
	}
}

// publicRoutes are the routes anyone may use without signing in, named
// here rather than derived from the table, so a change of the table that
// opens or closes one shows in this test.
var publicRoutes = []string{
	"GET /{$}", "GET /healthz", "GET /api/v1/plan", "GET /api/v1/plan/check", "GET /api/v1/plan/tables",
	"GET /api/v1/plan/tables/{id}", "GET /api/v1/minerals", "GET /api/v1/zones", "GET /api/v1/rights",
	"GET /api/v1/rights/{id}", "GET /api/v1/rights/{id}/events", "POST /api/v1/check", "GET /static/",
	"GET /map", "GET /api/v1/coords",
	"GET /tiles/index.json", "GET /tiles/{layer}/{z}/{x}/{y}", "GET /api/v1/map/config",
	"GET /rights/{id}",
	"GET /check", "POST /check", "GET /plan", "GET /zones/{code}", "GET /blocks/{code}",
	"GET /api/v1/search", "POST /api/v1/measure",
	"GET /print",
}

// rightTile is the z12 tile of the matrix's right.
func (m *matrix) rightTile() string { return tiles.TileAt(12, m.right.Geometry[0][0][0]).String() }

// expected is the matrix: for each non-public route, the status each
// caller gets (callers not named get the route's default).
var expected = map[string]struct {
	def    int
	status map[string]int
}{
	// A right outside the caller's jurisdiction is not found; roles
	// without rights.read see its public fields (200).
	"GET /api/v1/rights/{id}":        {200, map[string]int{"holder-out": 404, "clerk-out": 404, "enforcer-out": 404}},
	"GET /api/v1/rights/{id}/events": {200, map[string]int{"holder-out": 404, "clerk-out": 404, "enforcer-out": 404}},
	"GET /rights/{id}":               {200, map[string]int{"holder-out": 404, "clerk-out": 404, "enforcer-out": 404}},
	// The register table: every role with rights.read (each sees its
	// jurisdiction); the public and the administrators are refused.
	"GET /register": {403, map[string]int{"holder-in": 200, "holder-out": 200, "clerk-in": 200, "clerk-out": 200, "licensing": 200,
		"planner": 200, "enforcer": 200, "enforcer-in": 200, "enforcer-out": 200}},
	// The workspace's home page: every signed-in role, not the public.
	"GET /workspace": {200, map[string]int{"": 403}},
	// The register's export (an audited read): the roles with rights.export,
	// each narrowed to its jurisdiction (a clerk of another county gets an
	// empty file); the holder may read but not export.
	"GET /register/export": {403, map[string]int{"clerk-in": 200, "clerk-out": 200, "licensing": 200, "planner": 200, "enforcer": 200, "enforcer-in": 200, "enforcer-out": 200}},
	// The stored reviews' list: every role with review.read, narrowed in
	// the database; the re-run form: review.rerun on the review.
	"GET /reviews": {403, map[string]int{"holder-in": 200, "holder-out": 200, "clerk-in": 200, "clerk-out": 200,
		"licensing": 200, "planner": 200, "enforcer": 200, "enforcer-in": 200, "enforcer-out": 200}},
	"POST /reviews/{id}/rerun": {403, map[string]int{"licensing": 200, "planner": 200}},
	// Filing a review: holders for themselves, a clerk in its county, the
	// prefecture's licensing and planning.
	"POST /api/v1/reviews": {403, map[string]int{"holder-in": 201, "holder-out": 201, "clerk-in": 201, "licensing": 201, "planner": 201}},
	"GET /api/v1/reviews/{id}": {403, map[string]int{"holder-in": 200, "holder-out": 404, "clerk-in": 200, "clerk-out": 404,
		"licensing": 200, "planner": 200, "enforcer": 200, "enforcer-in": 200, "enforcer-out": 404}},
	"GET /reviews/{id}": {403, map[string]int{"holder-in": 200, "holder-out": 404, "clerk-in": 200, "clerk-out": 404,
		"licensing": 200, "planner": 200, "enforcer": 200, "enforcer-in": 200, "enforcer-out": 404}},
	"POST /api/v1/reviews/{id}/rerun": {403, map[string]int{"licensing": 200, "planner": 200}},
	// An unpublished tile layer (protected areas, by default) is for
	// officers: rights.read at county or prefecture scope; not found for
	// everyone else. Applications' tiles need review.read.
	"GET /tiles/{file}": {404, map[string]int{"clerk-in": 200, "clerk-out": 200, "licensing": 200, "planner": 200, "enforcer": 200, "enforcer-in": 200, "enforcer-out": 200}},
	"GET /tiles/applications.json": {403, map[string]int{"holder-in": 200, "holder-out": 200, "clerk-in": 200, "clerk-out": 200,
		"licensing": 200, "planner": 200, "enforcer": 200, "enforcer-in": 200, "enforcer-out": 200}},
	"GET /tiles/applications/{z}/{x}/{y}": {403, map[string]int{"holder-in": 200, "holder-out": 200, "clerk-in": 200, "clerk-out": 200,
		"licensing": 200, "planner": 200, "enforcer": 200, "enforcer-in": 200, "enforcer-out": 200}},
	// The audit log: the auditor only (三权分立: not the other administrators).
	"GET /api/v1/audit":        {403, map[string]int{"auditor": 200}},
	"GET /api/v1/audit/verify": {403, map[string]int{"auditor": 200}},
	// Signing in and one's own account are the session's, whatever the
	// bearer token says: the form (200), a refused sign-in (401, the same
	// for every name), sign-out (303 to the form), and the account pages
	// without a session cookie (303 to the form).
	"GET /signin":            {200, nil},
	"POST /signin":           {401, nil},
	"POST /signout":          {303, nil},
	"GET /account/password":  {303, nil},
	"POST /account/password": {303, nil},
	"GET /account/totp":      {303, nil},
	"POST /account/totp":     {303, nil},
	// Layer imports: the planner only (layers.import); a form that is not
	// an upload comes back with its error (400).
	"GET /layers":           {403, map[string]int{"planner": 200}},
	"POST /layers/import":   {403, map[string]int{"planner": 400}},
	"GET /layers/jobs/{id}": {403, map[string]int{"planner": 200}},
	"GET /api/v1/jobs/{id}": {403, map[string]int{"planner": 200}},
}

// form is the header of a posted HTML form.
var form = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}

// TestRoleRouteMatrix sends every caller (each role, inside and outside
// its jurisdiction) to every route and checks the status.
func TestRoleRouteMatrix(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	reqs := m.requests()
	for i, rt := range s.routes() {
		q, ok := reqs[rt.pattern]
		if !ok {
			t.Errorf("route %s has no request in the matrix", rt.pattern)
			continue
		}
		exp, listed := expected[rt.pattern]
		public := slices.Contains(publicRoutes, rt.pattern)
		if public == listed && rt.pattern != "GET /api/v1/rights/{id}" && rt.pattern != "GET /api/v1/rights/{id}/events" && rt.pattern != "GET /rights/{id}" {
			t.Errorf("route %s must be either public or in the matrix", rt.pattern)
			continue
		}
		if public && !authz.IsPublic(rt.action) {
			t.Errorf("route %s is listed public but its action %s is not", rt.pattern, rt.action)
		}
		for j, caller := range m.callers {
			want := http.StatusOK
			if listed {
				want = exp.def
				if st, ok := exp.status[caller]; ok {
					want = st
				}
			}
			q.token, q.addr = caller, fmt.Sprintf("10.1.%d.%d", i, j)
			rec := request{method: q.method, path: q.path, body: strings.ReplaceAll(q.body, "{caller}", orPublic(caller)), token: q.token, addr: q.addr, header: q.header}.send(h)
			if rec.Code != want {
				t.Errorf("%s as %q: %d, want %d: %.300s", rt.pattern, orPublic(caller), rec.Code, want, rec.Body)
			}
		}
	}
}

func orPublic(caller string) string {
	if caller == "" {
		return "public"
	}
	return caller
}

type featureCollection struct {
	NumberMatched int `json:"numberMatched"`
	Features      []struct {
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

// TestListsAreFilteredByJurisdiction: the register list holds only the
// holder's own rights for a holder, only its county's granted minerals for
// a clerk, and public fields only for the public.
func TestListsAreFilteredByJurisdiction(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	h := s.Handler()
	list := func(token, query string) featureCollection {
		t.Helper()
		rec := request{method: "GET", path: "/api/v1/rights?limit=1000" + query, token: token, addr: "10.2.0.1"}.send(h)
		var fc featureCollection
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &fc) != nil {
			t.Fatalf("list as %s: %d %.200s", orPublic(token), rec.Code, rec.Body)
		}
		return fc
	}
	pub := list("", "")
	if pub.NumberMatched < 100 {
		t.Fatalf("the public list has %d rights", pub.NumberMatched)
	}
	for _, f := range pub.Features {
		for k := range f.Properties {
			if !slices.Contains(publicColumns, k) {
				t.Fatalf("the public list shows %q", k)
			}
		}
	}
	mine := list("holder-in", "")
	if mine.NumberMatched == 0 || mine.NumberMatched >= pub.NumberMatched {
		t.Fatalf("holder list: %d of %d", mine.NumberMatched, pub.NumberMatched)
	}
	for _, f := range mine.Features {
		if f.Properties["credit_code"] != m.code {
			t.Fatalf("holder list shows %v", f.Properties)
		}
	}
	clerk := list("clerk-in", "")
	grants := s.currentGrants()
	if clerk.NumberMatched == 0 {
		t.Fatal("the clerk sees no right")
	}
	for _, f := range clerk.Features {
		p := f.Properties
		if p["county"] != m.county || !grants(p["main_mineral"].(string), p["kind"].(string)) {
			t.Fatalf("clerk list shows %v", p)
		}
	}
	if n := list("clerk-in", "&county="+m.other).NumberMatched; n != 0 {
		t.Fatalf("a clerk asking for another county sees %d rights", n)
	}
	if n := list("licensing", "").NumberMatched; n != pub.NumberMatched {
		t.Fatalf("the licensing officer sees %d of %d", n, pub.NumberMatched)
	}
	// One right: full fields in reach, public fields otherwise.
	one := func(token string) map[string]any {
		rec := request{method: "GET", path: "/api/v1/rights/" + m.right.ID, token: token, addr: "10.2.0.2"}.send(h)
		var b struct{ Right map[string]any }
		json.Unmarshal(rec.Body.Bytes(), &b)
		return b.Right
	}
	if h := one("holder-in")["holder"].(map[string]any); h["credit_code"] != m.code {
		t.Fatalf("the holder does not see its credit code: %v", h)
	}
	pubRight := one("")
	if h := pubRight["holder"].(map[string]any); len(h) != 1 || h["name"] == nil {
		t.Fatalf("the public sees the holder as %v", h)
	}
	for k := range pubRight {
		if !slices.Contains(publicRightKeys, k) {
			t.Fatalf("the public sees %q of a right", k)
		}
	}
	for _, k := range []string{"licence_number", "kind", "main_mineral", "area_km2", "valid_to", "status"} {
		if _, ok := pubRight[k]; !ok {
			t.Errorf("the public does not see %q", k)
		}
	}
	rec := request{method: "GET", path: "/api/v1/rights/" + m.right.ID + "/events", addr: "10.2.0.3"}.send(h)
	var evs struct{ Events []map[string]any }
	if json.Unmarshal(rec.Body.Bytes(), &evs); len(evs.Events) == 0 {
		t.Fatalf("public events: %s", rec.Body)
	}
	for _, ev := range evs.Events {
		for k := range ev {
			if !slices.Contains(publicEventKeys, k) {
				t.Fatalf("the public sees %q of an event", k)
			}
		}
	}
}

// TestDenialsAreAudited: a refused request is in the audit log with the
// route and the action; a failing audit append leaves the refusal a
// refusal, logged.
func TestDenialsAreAudited(t *testing.T) {
	s := testServer(t)
	m := matrixFixture(t)
	ctx := testutil.Context()
	rec := request{method: "POST", path: "/api/v1/reviews/" + m.review + "/rerun", token: "auditor", addr: "10.3.0.1"}.send(s.Handler())
	if rec.Code != http.StatusForbidden {
		t.Fatalf("auditor rerun: %d", rec.Code)
	}
	es, err := s.cfg.Store.AuditEntries(ctx, store.AuditFilter{Action: DeniedAction, Object: "POST /api/v1/reviews/{id}/rerun"})
	if err != nil || len(es) == 0 {
		t.Fatalf("no audit entry: %v %v", es, err)
	}
	e := es[len(es)-1]
	if e.Actor != "user:auditor" || e.Role != "auditor" || e.Detail != string(authz.ReviewRerun) || e.Address != "10.3.0.1" || e.RequestID != rec.Header().Get(RequestIDHeader) {
		t.Fatalf("entry %+v", e)
	}
	request{method: "GET", path: "/api/v1/rights/" + m.right.ID, token: "holder-out", addr: "10.3.0.2"}.send(s.Handler())
	es, _ = s.cfg.Store.AuditEntries(ctx, store.AuditFilter{Action: DeniedAction, Object: "GET /api/v1/rights/{id}"})
	if len(es) == 0 || !strings.Contains(es[len(es)-1].Detail, "rights.read") {
		t.Fatalf("a hidden right is not audited: %v", es)
	}

	broken, _, log := freshServer(t, func(st store.Store) store.Store { return failingAudit{st} })
	rec = request{method: "POST", path: "/api/v1/reviews", body: m.application, addr: "10.3.0.3"}.send(broken.Handler())
	if rec.Code != http.StatusForbidden {
		t.Fatalf("with a failing audit log: %d, want 403", rec.Code)
	}
	if !strings.Contains(log.String(), "audit a denied request") {
		t.Fatalf("the failed append is not logged:\n%s", log)
	}
}

type failingAudit struct{ store.Store }

func (failingAudit) AppendAudit(context.Context, ...audit.Entry) ([]audit.Entry, error) {
	return nil, errors.New("audit log unavailable")
}
