package web

import (
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"mineplan/data"
	"mineplan/internal/accounts"
	"mineplan/internal/app"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/testutil"
)

// The shared server: the Kashgar plan and the illustrative register in a
// temporary SQLite file, built once per test process (and per fuzz worker).
var (
	sharedOnce sync.Once
	sharedSrv  *Server
	sharedLog  *syncBuffer
	sharedErr  error
	sharedDir  string
)

// syncBuffer collects a server's output safely across goroutines.
type syncBuffer = testutil.SyncBuffer

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedSrv != nil {
		sharedSrv.cfg.Store.Close()
	}
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

var testNow = time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)

func testServer(t testing.TB) *Server {
	t.Helper()
	sharedOnce.Do(func() {
		ctx := testutil.Context()
		if sharedDir, sharedErr = os.MkdirTemp("", "mineplan-web-"); sharedErr != nil {
			return
		}
		st, err := sqlite.Open(filepath.Join(sharedDir, "web.db"))
		if err != nil {
			sharedErr = err
			return
		}
		if _, err := st.Migrate(ctx); err != nil {
			sharedErr = err
			return
		}
		p, err := data.LoadDefault()
		if err != nil {
			sharedErr = err
			return
		}
		if _, err := app.LoadDemoRegister(ctx, st, p, testNow); err != nil {
			sharedErr = err
			return
		}
		rev, _, err := app.SavePlan(ctx, st, p, testNow)
		if err != nil {
			sharedErr = err
			return
		}
		sharedLog = &syncBuffer{}
		svc, err := accounts.New(accounts.Config{Store: st, Now: func() time.Time { return testNow }})
		if err != nil {
			sharedErr = err
			return
		}
		sharedSrv, sharedErr = New(Config{Store: st, Accounts: svc, PlanID: rev.PlanID, Logger: slog.New(slog.NewTextHandler(sharedLog, nil)), Now: func() time.Time { return testNow }, Authenticator: testAuth, PublicRate: 1e6, PublicBurst: 1e6}, p, rev)
	})
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedSrv
}

// do sends a GET with a raw query string (not re-encoded, so malformed
// escapes reach the handler as a client could send them).
func do(h http.Handler, path, rawQuery string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.URL.RawQuery = rawQuery
	req.RequestURI = "" // not used by the handlers
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Parameter string `json:"parameter"`
		Message   string `json:"message"`
	} `json:"error"`
}

var (
	goIdent    = regexp.MustCompile(`strconv|ParseFloat|Atoi|%!|\bnil\b|invalid syntax|\berr\b|url\.|RawQuery|\*web|func\(`)
	bilingualR = regexp.MustCompile(`(?s)^[^/]*\p{Han}.* / .*[A-Za-z]`)
)

// TestBadParameters: every malformed, unknown or out-of-range parameter is
// a 400 that names it, with a message in Chinese then English.
func TestBadParameters(t *testing.T) {
	h := testServer(t).Handler()
	cases := []struct {
		name, path, query string
		param             string
		want              []string // in the message
	}{
		{"status bogus", "/api/v1/rights", "status=bogus", "status", []string{"不是矿业权状态", "producing（生产）", "not a right status"}},
		{"status case", "/api/v1/rights", "status=Producing", "status", []string{`"Producing"`}},
		{"kind", "/api/v1/rights", "kind=oil", "kind", []string{"exploration（探矿权）", `got "oil"`}},
		{"county unknown", "/api/v1/rights", "county=" + url.QueryEscape("伽师"+"镇"), "county", []string{"规划中没有县（市）", "伽师县", "closest"}},
		{"mineral unknown", "/api/v1/rights", "mineral=" + url.QueryEscape("铜矿石"), "mineral", []string{"规划中没有矿种", "铜矿", "closest"}},
		{"bbox NaN", "/api/v1/rights", "bbox=NaN,36,80,40", "bbox", []string{"第 1 个值（最小经度）", "not a finite decimal number"}},
		{"bbox Inf", "/api/v1/rights", "bbox=74,36,Inf,40", "bbox", []string{"第 3 个值（最大经度）", "value 3 (maxLon)"}},
		{"bbox overflow", "/api/v1/rights", "bbox=74,36,80,1e999", "bbox", []string{"第 4 个值（最大纬度）"}},
		{"bbox hex", "/api/v1/rights", "bbox=0x1p6,36,80,40", "bbox", []string{"第 1 个值"}},
		{"bbox three", "/api/v1/zones", "bbox=1,2,3", "bbox", []string{"4 个数", "got 3"}},
		{"bbox swapped lon", "/api/v1/rights", "bbox=80,36,74,40", "bbox", []string{"最小经度 80 应小于最大经度 74", "minLon 80 must be less than maxLon 74"}},
		{"bbox empty box", "/api/v1/zones", "bbox=74,36,80,36", "bbox", []string{"最小纬度 36 应小于最大纬度 36"}},
		{"bbox lat range", "/api/v1/rights", "bbox=74,-95,80,40", "bbox", []string{"超出 ±90°", "outside ±90°"}},
		{"bbox lon range", "/api/v1/zones", "bbox=-181,36,80,40", "bbox", []string{"超出 ±180°"}},
		{"as_of month 13", "/api/v1/rights", "as_of=2021-13-01", "as_of", []string{"YYYY-MM-DD", `got "2021-13-01"`}},
		{"as_of no padding", "/api/v1/rights", "as_of=2021-1-5", "as_of", []string{"YYYY-MM-DD"}},
		{"limit zero", "/api/v1/rights", "limit=0", "limit", []string{"1–1000 的整数", "from 1 to 1000"}},
		{"limit negative", "/api/v1/rights", "limit=-5", "limit", []string{`"-5"`}},
		{"limit fraction", "/api/v1/rights", "limit=10.5", "limit", []string{`"10.5"`}},
		{"offset negative", "/api/v1/rights", "offset=-1", "offset", []string{"0–1000000 的整数"}},
		{"offset too large", "/api/v1/rights", "offset=1000001", "offset", []string{"0–1000000"}},
		{"offset text", "/api/v1/rights", "offset=ten", "offset", []string{`"ten"`}},
		{"unknown parameter", "/api/v1/rights", "kind=mining&colour=red", "colour", []string{"未知参数", "可用参数：kind、status", "unknown parameter"}},
		{"misspelt parameter", "/api/v1/rights", "asof=2021-01-01", "asof", []string{"as_of"}},
		{"repeated", "/api/v1/rights", "status=valid&status=producing", "status", []string{"只能给一次", "more than once"}},
		{"empty value", "/api/v1/rights", "status=", "status", []string{"值为空", "is empty"}},
		{"bad escape", "/api/v1/rights", "holder=%zz", "holder", []string{"编码有误", "not properly encoded"}},
		{"control character", "/api/v1/rights", "holder=a%00b", "holder", []string{"控制字符", "character 2"}},
		{"zone type", "/api/v1/zones", "type=forest", "type", []string{"不是分区类型", "national_planning_area（国家规划矿区）", "not a zone type"}},
		{"zones unknown", "/api/v1/zones", "limit=5", "limit", []string{"可用参数：bbox、type"}},
		{"plan takes none", "/api/v1/plan", "verbose=1", "verbose", []string{"此接口不接受参数", "takes no parameters"}},
		{"table takes none", "/api/v1/plan/tables/16", "format=csv", "format", []string{"不接受参数"}},
		{"right takes none", "/api/v1/rights/x", "as_of=2021-01-01", "as_of", []string{"不接受参数"}},
		{"minerals takes none", "/api/v1/minerals", "q=铜", "q", []string{"不接受参数"}},
	}
	if len(cases) < 15 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := do(h, c.path, c.query)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("%s?%s: %d, want 400: %s", c.path, c.query, rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("content type %q", ct)
			}
			var body errorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
				t.Fatalf("body is not JSON: %v: %s", err, rec.Body)
			}
			e := body.Error
			t.Logf("%s", e.Message)
			if e.Code != "bad_parameter" || e.Parameter != c.param {
				t.Errorf("code %q parameter %q, want bad_parameter and %q", e.Code, e.Parameter, c.param)
			}
			if !bilingualR.MatchString(e.Message) || !strings.Contains(e.Message, c.param) {
				t.Errorf("message is not Chinese / English naming %s: %q", c.param, e.Message)
			}
			if goIdent.MatchString(e.Message) {
				t.Errorf("message shows program internals: %q", e.Message)
			}
			for _, w := range c.want {
				if !strings.Contains(e.Message, w) {
					t.Errorf("message lacks %q: %q", w, e.Message)
				}
			}
		})
	}
}

type rightsPage struct {
	Type           string `json:"type"`
	NumberMatched  int    `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	Limit          int    `json:"limit"`
	Offset         int    `json:"offset"`
	Features       []struct {
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func getPage(t *testing.T, h http.Handler, query string) rightsPage {
	t.Helper()
	rec := do(h, "/api/v1/rights", query)
	if rec.Code != http.StatusOK {
		t.Fatalf("?%s: %d: %s", query, rec.Code, rec.Body)
	}
	var p rightsPage
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestGoodParameters: what the checks accept still filters as before;
// a limit above 1000 is served as 1000 and says so.
func TestGoodParameters(t *testing.T) {
	h := testServer(t).Handler()
	all := getPage(t, h, "")
	if all.NumberMatched != 153 || all.Limit != 100 || all.NumberReturned != 100 {
		t.Fatalf("default page: matched %d limit %d returned %d", all.NumberMatched, all.Limit, all.NumberReturned)
	}
	for _, q := range []string{"limit=5000", "limit=99999999999999999999999"} {
		if p := getPage(t, h, q); p.Limit != 1000 || p.NumberReturned != 153 {
			t.Errorf("?%s: limit %d returned %d, want 1000 and 153", q, p.Limit, p.NumberReturned)
		}
	}
	if p := getPage(t, h, "limit=1&offset=152"); p.Limit != 1 || p.Offset != 152 || p.NumberReturned != 1 {
		t.Errorf("last page: %+v", p)
	}
	if p := getPage(t, h, "offset=1000000"); p.NumberReturned != 0 || p.NumberMatched != 153 {
		t.Errorf("offset at its bound: %+v", p)
	}
	// A county by alias and by code is its catalogue name.
	byName := getPage(t, h, "county="+url.QueryEscape("伽师县")+"&limit=1000")
	if byName.NumberMatched == 0 {
		t.Fatal("no rights in 伽师县")
	}
	for _, q := range []string{"county=" + url.QueryEscape("伽师"), "county=653129"} {
		if p := getPage(t, h, q+"&limit=1000"); p.NumberMatched != byName.NumberMatched {
			t.Errorf("?%s: %d rights, by name %d", q, p.NumberMatched, byName.NumberMatched)
		}
	}
	mining := getPage(t, h, "kind=mining&status=producing&mineral="+url.QueryEscape("铜矿")+"&bbox=70,30,90,45&as_of=2026-01-01")
	for _, f := range mining.Features {
		if f.Properties["kind"] != "mining" || f.Properties["status"] != "producing" || f.Properties["main_mineral"] != "铜矿" {
			t.Errorf("filter let through %v", f.Properties)
		}
	}
	rec := do(h, "/api/v1/zones", "bbox=76.5,39.0,77.0,39.6&type=national_planning_area")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"GK012"`) {
		t.Errorf("zones: %d %.200s", rec.Code, rec.Body)
	}
	for _, path := range []string{"/api/v1/plan", "/api/v1/minerals", "/api/v1/plan/tables/16", "/healthz"} {
		if rec := do(h, path, ""); rec.Code != 200 || !json.Valid(rec.Body.Bytes()) {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
}

// TestWriteJSONRefusesInfinity: a value JSON cannot carry is a logged 500
// with the JSON error body, not a 200 with an empty body.
func TestWriteJSONRefusesInfinity(t *testing.T) {
	s := testServer(t)
	req := httptest.NewRequest(http.MethodGet, "/api/v1/somewhere", nil)
	rec := httptest.NewRecorder()
	s.writeJSON(rec, req, http.StatusOK, map[string]any{"area_km2": math.Inf(1)})
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500: %q", rec.Code, rec.Body)
	}
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Error.Code != "internal" || !bilingualR.MatchString(body.Error.Message) {
		t.Fatalf("body %q (%v)", rec.Body, err)
	}
	if log := sharedLog.String(); !strings.Contains(log, "encode response") || !strings.Contains(log, "/api/v1/somewhere") {
		t.Errorf("not logged: %q", log)
	}
	// A value that encodes is written whole, with the status asked for.
	rec = httptest.NewRecorder()
	s.writeJSON(rec, req, http.StatusCreated, map[string]any{"area_km2": 1.5, "name": "<铜>"})
	if rec.Code != http.StatusCreated || rec.Body.String() != `{"area_km2":1.5,"name":"<铜>"}`+"\n" {
		t.Errorf("%d %q", rec.Code, rec.Body)
	}
}
