package integration_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/app"
	"mineplan/internal/store"
	"mineplan/internal/store/storetest"
	"mineplan/internal/testutil"
	"mineplan/internal/web"
)

// concurrentRights is the register the concurrency test loads: enough
// that loading the whole register per request (as the list once did)
// shows as timeouts.
const concurrentRights = 4000

// Mixed is the outcome of a burst of mixed requests.
type Mixed struct {
	Status map[int]int // responses by status code
	Failed int         // requests that got no response
}

// ServerErrors counts the 5xx responses.
func (m Mixed) ServerErrors() int {
	n := 0
	for code, c := range m.Status {
		if code >= 500 {
			n += c
		}
	}
	return n
}

// burst sends n requests at once through a bounded client (at most 32
// connections): a third reviews, a sixth checks, the rest register
// pages at different cursors.
func burst(t testing.TB, base string, n int, pages []string) Mixed {
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 32, MaxIdleConnsPerHost: 32}}
	defer client.CloseIdleConnections()
	application := []byte(`{"type":"Feature","properties":{"kind":"mining","mineral":"铜矿","county":"伽师县","scale":35,"scale_unit":"万吨/年"},` +
		`"geometry":{"type":"Polygon","coordinates":[[[75.105,38.105],[75.118,38.105],[75.118,38.118],[75.105,38.118],[75.105,38.105]]]}}`)
	var mu sync.Mutex
	out := Mixed{Status: map[int]int{}}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var req *http.Request
			switch {
			case i%3 == 0:
				req, _ = http.NewRequest("POST", base+"/api/v1/reviews", bytes.NewReader(application))
				req.Header.Set("Authorization", "Bearer "+officerToken)
			case i%6 == 1:
				req, _ = http.NewRequest("POST", base+"/api/v1/check", bytes.NewReader(application))
			default:
				req, _ = http.NewRequest("GET", base+"/api/v1/rights?limit=10"+pages[i%len(pages)], nil)
			}
			resp, err := client.Do(req)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				out.Failed++
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			out.Status[resp.StatusCode]++
		}()
	}
	wg.Wait()
	return out
}

// officer authenticates officerToken as a licensing officer, who may file
// reviews (internal/accounts does this against the database).
type officer struct{}

const officerToken = "test-officer"

func (officer) Session(context.Context, string) (actor.Actor, error) {
	return actor.Actor{}, errors.New("no sessions")
}

func (officer) Token(_ context.Context, tok string) (actor.Actor, error) {
	if tok != officerToken {
		return actor.Actor{}, errors.New("unknown token")
	}
	return actor.Actor{Kind: actor.User, Name: "officer", Role: actor.LicensingOfficer}, nil
}

// serve starts the real HTTP server on a loopback port.
func serve(t testing.TB, st store.Store) string {
	t.Helper()
	ctx := testutil.Context()
	p := storetest.Kashgar(t)
	rev, _, err := app.SavePlan(ctx, st, p, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	s, err := web.New(web.Config{Store: st, PlanID: p.Meta.ID, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Authenticator: officer{}}, p, rev)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: s.Handler()}
	go srv.Serve(l)
	t.Cleanup(func() {
		if err := srv.Shutdown(testutil.Context()); err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Error(err)
		}
	})
	return "http://" + l.Addr().String()
}

// concurrentRequests: 200 concurrent mixed requests against the real
// server on a register of 4 000 rights give no server error.
func concurrentRequests(t *testing.T, st store.Store) {
	storetest.LoadRegister(t, st, concurrentRights)
	base := serve(t, st)
	pages := []string{"", "&after=R1000", "&after=R3990", "&kind=mining&status=producing&county=叶城县", "&as_of=2021-06-01", "&as_of=2024-01-01&kind=exploration&after=R2000"}
	got := burst(t, base, 200, pages)
	if got.ServerErrors() != 0 || got.Failed != 0 || got.Status[http.StatusOK] == 0 || got.Status[http.StatusCreated] == 0 {
		t.Errorf("200 mixed requests: %+v; want no 5xx, no failures, pages and reviews served", got)
	}
	t.Logf("responses by status: %v", got.Status)
}

func TestIntegrationConcurrentRequestsSQLite(t *testing.T) {
	st := newSQLite(t)
	defer st.Close()
	concurrentRequests(t, st)
}

func TestIntegrationConcurrentRequestsPostGIS(t *testing.T) {
	st := newPostGIS(t)
	defer st.Close()
	concurrentRequests(t, st)
}
