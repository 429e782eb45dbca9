package main

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mineplan/internal/plan"
	"mineplan/internal/store"
	"mineplan/internal/store/storetest"
)

// startLogged is startServerConfig that also returns the server's log.
func startLogged(t *testing.T, cfg serveConfig) (string, *syncBuffer) {
	t.Helper()
	cfg.Addr = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	var out, log syncBuffer
	cfg.Ready = ready
	go func() { done <- serve(ctx, cfg, &out, &log) }()
	select {
	case addr := <-ready:
		t.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("server stopped with %v", err)
			}
		})
		return "http://" + addr, &log
	case err := <-done:
		cancel()
		t.Fatalf("server failed to start: %v\n%s", err, log.String())
	}
	return "", nil
}

type startState struct {
	Revision int
	Rights   int
}

func served(t *testing.T, base string) startState {
	t.Helper()
	var h struct {
		Status   string
		Revision int `json:"plan_revision"`
	}
	if err := json.Unmarshal(get(t, base+"/healthz", 200), &h); err != nil || h.Status != "ok" {
		t.Fatalf("healthz: %+v %v", h, err)
	}
	var fc struct{ NumberMatched int }
	json.Unmarshal(get(t, base+"/api/v1/rights?limit=1", 200), &fc)
	return startState{h.Revision, fc.NumberMatched}
}

func revisions(t *testing.T, db string) int {
	t.Helper()
	code, out, e := runCLI(t, "plan", "revisions", "--db", db, "--json")
	if code != 0 {
		t.Fatalf("plan revisions: %d %s", code, e)
	}
	var revs []json.RawMessage
	if err := json.Unmarshal([]byte(out), &revs); err != nil {
		t.Fatalf("plan revisions: %v: %q", err, out)
	}
	return len(revs)
}

// TestServeStartUp: serve starts the first time whatever a new database
// already holds, and loads the demo only into an empty register.
func TestServeStartUp(t *testing.T) {
	t.Run("fresh file gets the plan and the demo", func(t *testing.T) {
		base, log := startLogged(t, serveConfig{DB: filepath.Join(t.TempDir(), "m.db")})
		if got := served(t, base); got != (startState{1, 153}) {
			t.Errorf("served %+v, want revision 1 and 153 rights", got)
		}
		if l := log.String(); !strings.Contains(l, "已载入示例登记簿：153 个矿业权") || !strings.Contains(l, "stored the plan bundle as revision 1") {
			t.Errorf("log: %s", l)
		}
	})
	t.Run("fresh file with no demo", func(t *testing.T) {
		base, _ := startLogged(t, serveConfig{DB: filepath.Join(t.TempDir(), "m.db"), NoDemo: true})
		if got := served(t, base); got != (startState{1, 0}) {
			t.Errorf("served %+v, want revision 1 and no rights", got)
		}
	})
	t.Run("demo load then serve", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "m.db")
		mustRun(t, "demo", "load", "--db", db)
		base, log := startLogged(t, serveConfig{DB: db})
		if got := served(t, base); got != (startState{1, 153}) {
			t.Errorf("served %+v, want revision 1 and the 153 rights demo load stored (not twice)", got)
		}
		if l := log.String(); !strings.Contains(l, "登记簿已有 153 个矿业权，不载入示例登记簿") || !strings.Contains(l, "the register already has 153 rights") {
			t.Errorf("log does not say the demo was skipped: %s", l)
		}
	})
	t.Run("rights import then serve", func(t *testing.T) {
		dir := t.TempDir()
		src, x := filepath.Join(dir, "src.db"), filepath.Join(dir, "r.xlsx")
		mustRun(t, "demo", "load", "--db", src)
		mustRun(t, "rights", "export", "--db", src, "--format", "xlsx", "-o", x)
		db := filepath.Join(dir, "m.db")
		mustRun(t, "rights", "import", "--db", db, x)
		base, log := startLogged(t, serveConfig{DB: db})
		if got := served(t, base); got != (startState{1, 153}) {
			t.Errorf("served %+v, want revision 1 and the 153 imported rights", got)
		}
		if l := log.String(); !strings.Contains(l, "不载入示例登记簿") {
			t.Errorf("log: %s", l)
		}
	})
}

// TestServeStartUpDemoFails: when the demo cannot be written, no plan
// revision is left behind and the error says what was stored.
func TestServeStartUpDemoFails(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	var out, log syncBuffer
	boom := errors.New("disk full")
	err := serve(context.Background(), serveConfig{Addr: "127.0.0.1:0", DB: db, loadDemo: func(context.Context, store.Store, *plan.Plan, time.Time) (int, error) {
		return 0, boom
	}}, &out, &log)
	if !errors.Is(err, boom) {
		t.Fatalf("serve: %v, want the demo's error", err)
	}
	for _, w := range []string{"载入示例登记簿失败", "未写入任何数据", "规划未写入", "nothing was stored", "the plan was not stored"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error lacks %q: %v", w, err)
		}
	}
	if n := revisions(t, db); n != 0 {
		t.Errorf("%d plan revisions left behind by the failed start", n)
	}
	// A failure after part of the register was written says so.
	err = serve(context.Background(), serveConfig{Addr: "127.0.0.1:0", DB: db, loadDemo: func(ctx context.Context, st store.Store, p *plan.Plan, now time.Time) (int, error) {
		if _, err := st.ImportLayer(ctx, store.Layer{Name: "demo_protected_areas", Kind: plan.LayerProtectedArea, ImportedAt: now}, nil, storetest.Entry("layers.import", "layer:demo_protected_areas")); err != nil {
			return 0, err
		}
		return 0, boom
	}}, &out, &log)
	if err == nil || !strings.Contains(err.Error(), "本次启动已写入 0 个矿业权和图层 demo_protected_areas") || !strings.Contains(err.Error(), "the layers demo_protected_areas") {
		t.Errorf("partial failure: %v", err)
	}
	if n := revisions(t, db); n != 0 {
		t.Errorf("%d plan revisions left behind by the failed start", n)
	}
	// The next start sees the illustrative layer, so it does not start a
	// demo that would fail on it half-way; it stores the plan and serves.
	base, l := startLogged(t, serveConfig{DB: db})
	if got := served(t, base); got != (startState{1, 0}) {
		t.Errorf("served %+v, want revision 1 and no rights", got)
	}
	if !strings.Contains(l.String(), "已有示意图层 demo_protected_areas，不载入示例登记簿") {
		t.Errorf("log: %s", l.String())
	}
}

// TestServeStartUpRetry: after a failed start that stored nothing, the
// next start loads the plan and the demo.
func TestServeStartUpRetry(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	var out, log syncBuffer
	err := serve(context.Background(), serveConfig{Addr: "127.0.0.1:0", DB: db, loadDemo: func(context.Context, store.Store, *plan.Plan, time.Time) (int, error) {
		return 0, errors.New("disk full")
	}}, &out, &log)
	if err == nil {
		t.Fatal("the failing start succeeded")
	}
	base, _ := startLogged(t, serveConfig{DB: db})
	if got := served(t, base); got != (startState{1, 153}) {
		t.Errorf("served %+v after the retry, want revision 1 and 153 rights", got)
	}
}
