package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"mineplan/internal/accounts"
	"mineplan/internal/actor"
	"mineplan/internal/testutil"
)

// externalIdP stands in for an external identity provider (the province's
// 政务服务网 over OIDC, say): it verifies the person its own way, then
// starts the session through the accounts' rules.
type externalIdP struct{ svc *accounts.Service }

func (p externalIdP) SignIn(ctx context.Context, req accounts.SignInRequest) (accounts.SignInResult, error) {
	if req.Password != "verified-by-the-provider" {
		return accounts.SignInResult{}, accounts.ErrBadCredentials
	}
	return p.svc.StartSession(ctx, req.Name, true)
}

// TestSignInBehindAnInterface: the /signin form signs in through whatever
// Config.SignIn is, with the use cases unchanged.
func TestSignInBehindAnInterface(t *testing.T) {
	base := testServer(t)
	svc, err := accounts.New(accounts.Config{Store: base.cfg.Store, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.AddUser(testutil.Context(), accounts.NewUser{Name: "idp-planner", Role: actor.Planner}); err != nil {
		t.Fatal(err)
	}
	p, rev := base.current()
	cfg := base.cfg
	cfg.Accounts, cfg.SignIn, cfg.Authenticator = svc, externalIdP{svc}, svc
	srv, err := New(cfg, p, rev)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	post := func(body string) *http.Response {
		return request{method: "POST", path: "/signin", body: body, addr: "10.9.0.1", header: form}.send(h).Result()
	}
	if res := post("name=idp-planner&password=wrong"); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("refused by the provider: %d", res.StatusCode)
	}
	res := post("name=idp-planner&password=verified-by-the-provider")
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("accepted by the provider: %d", res.StatusCode)
	}
	var token string
	for _, c := range res.Cookies() {
		if c.Name == SessionCookie {
			token = c.Value
		}
	}
	if token == "" || strings.Contains(res.Header.Get("Location"), "signin") {
		t.Fatalf("no session: cookies %v, location %q", res.Cookies(), res.Header.Get("Location"))
	}
	st, err := svc.State(testutil.Context(), token)
	if err != nil || st.Actor.Name != "idp-planner" || st.Actor.Role != actor.Planner {
		t.Fatalf("the session: %+v, %v", st.Actor, err)
	}
}
