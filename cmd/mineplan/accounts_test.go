package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"mineplan/internal/fieldcrypt"
)

// startServe runs serve and returns its address and its stdout, where
// the one-time passwords are printed.
func startServe(t *testing.T, cfg serveConfig) (string, string) {
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
		return "http://" + addr, out.String()
	case err := <-done:
		cancel()
		t.Fatalf("server failed to start: %v\n%s", err, log.String())
	}
	return "", ""
}

// printedPasswords reads "  NAME  ROLE  PASSWORD" lines of serve's
// account table.
func printedPasswords(out string) map[string]string {
	m := map[string]string{}
	for _, l := range regexp.MustCompile(`(?m)^  (\S+)\s+(\S+)\s+(\S{4}-\S{4}-\S{4}-\S{4})`).FindAllStringSubmatch(out, -1) {
		m[l[1]] = l[3]
	}
	return m
}

func TestServeBootstrapsAccounts(t *testing.T) {
	t.Run("demo database", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "m.db")
		base, out := startServe(t, serveConfig{DB: db})
		pws := printedPasswords(out)
		for _, name := range []string{"admin", "demo-holder", "demo-county-clerk", "demo-licensing-officer", "demo-planner", "demo-enforcement-officer", "demo-auditor", "demo-security-admin", "demo-system-admin"} {
			if pws[name] == "" {
				t.Errorf("no one-time password printed for %s:\n%s", name, out)
			}
		}
		if fi, err := os.Stat(db + ".key"); err != nil || fi.Mode().Perm() != 0o600 || !strings.Contains(out, db+".key") {
			t.Errorf("data key beside the database: %v, %v; output:\n%s", fi, err, out)
		}
		signInFlow(t, base, pws["admin"])
		list := mustRun(t, "users", "list", "--db", db)
		if !strings.Contains(list, "demo-holder") || !strings.Contains(list, "illustrative") {
			t.Errorf("users list:\n%s", list)
		}
	})
	t.Run("no demo", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "m.db")
		_, out := startServe(t, serveConfig{DB: db, NoDemo: true})
		if pws := printedPasswords(out); len(pws) != 1 || pws["admin"] == "" {
			t.Errorf("a database without the demo got %v:\n%s", pws, out)
		}
	})
	t.Run("second start creates nothing", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "m.db")
		mustRun(t, "migrate", "--db", db)
		keyFile := filepath.Join(t.TempDir(), "k")
		if err := fieldcrypt.GenerateKeyFile(keyFile); err != nil {
			t.Fatal(err)
		}
		mustRun(t, "users", "add", "first", "--role", "security_admin", "--db", db, "--key-file", keyFile)
		_, out := startServe(t, serveConfig{DB: db, Keys: keyConfig{KeyFile: keyFile}})
		if pws := printedPasswords(out); len(pws) != 0 {
			t.Errorf("a database with users got %v", pws)
		}
		if _, err := os.Stat(db + ".key"); err == nil {
			t.Error("a key was generated beside a database that has users")
		}
	})
}

// signInFlow: the first administrator signs in with the printed
// password, is sent to change it, then to enrol TOTP, gets recovery
// codes, and signs out.
func signInFlow(t *testing.T, base, once string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	cl := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) (*http.Response, string) {
		t.Helper()
		resp, err := cl.PostForm(base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := cl.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, body := post("/signin", url.Values{"name": {"admin"}, "password": {"wrong"}}); resp.StatusCode != 401 || !strings.Contains(body, "用户名或密码不正确") {
		t.Fatalf("a wrong password: %d\n%s", resp.StatusCode, body)
	}
	resp, _ := post("/signin", url.Values{"name": {"admin"}, "password": {once}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/account/password" {
		t.Fatalf("sign-in: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	cookie := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"mineplan_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("the session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("a Secure cookie without TLS: %q", cookie)
	}
	if resp, body := get("/account/password"); resp.StatusCode != 200 || !strings.Contains(body, "一次性密码") {
		t.Fatalf("password page: %d", resp.StatusCode)
	}
	if resp, body := post("/account/password", url.Values{"current": {once}, "new": {"short"}, "confirm": {"short"}}); resp.StatusCode != 400 || !strings.Contains(body, "至少 10 个字符") {
		t.Fatalf("a short password: %d\n%s", resp.StatusCode, body)
	}
	const pw = "Kashgar-bureau-2026"
	resp, _ = post("/account/password", url.Values{"current": {once}, "new": {pw}, "confirm": {pw}})
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/account/totp" {
		t.Fatalf("password change: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := get("/account/totp")
	secret := regexp.MustCompile(`<code>([A-Z2-7]{16,})</code>`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || !strings.Contains(body, `src="data:image/png;base64,`) || secret == nil {
		t.Fatalf("enrolment page: %d\n%s", resp.StatusCode, body)
	}
	code, _ := totp.GenerateCode(secret[1], time.Now())
	resp, body = post("/account/totp", url.Values{"code": {code}})
	if codes := regexp.MustCompile(`<code>[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}</code>`).FindAllString(body, -1); resp.StatusCode != 200 || len(codes) != 10 {
		t.Fatalf("confirmation: %d, %d recovery codes\n%s", resp.StatusCode, len(codes), body)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Error("the recovery codes page may be cached")
	}
	resp, _ = post("/signout", nil)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/signin" {
		t.Fatalf("sign-out: %d", resp.StatusCode)
	}
	if resp, _ := get("/account/totp"); resp.StatusCode != 303 || resp.Header.Get("Location") != "/signin" {
		t.Errorf("after sign-out the account page answers %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestUsersAndTokensCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	mustRun(t, "migrate", "--db", db)
	if code, _, e := runCLI(t, "users", "add", "li", "--role", "planner", "--email", "li@example.cn", "--db", db); code != 1 || !strings.Contains(e, "未配置数据密钥") {
		t.Errorf("e-mail without a key: exit %d, %s", code, e)
	}
	if code, _, e := runCLI(t, "users", "add", "li", "--db", db); code != 2 || !strings.Contains(e, "--role") {
		t.Errorf("no role: exit %d, %s", code, e)
	}
	key := filepath.Join(dir, "data.key")
	if err := fieldcrypt.GenerateKeyFile(key); err != nil {
		t.Fatal(err)
	}
	out := mustRun(t, "users", "add", "li", "--role", "planner", "--email", "li@example.cn", "--phone", "13800000000", "--db", db, "--key-file", key)
	if !regexp.MustCompile(`\n\S{4}-\S{4}-\S{4}-\S{4}\n`).MatchString(out) {
		t.Errorf("no one-time password printed:\n%s", out)
	}
	raw, _ := os.ReadFile(db)
	wal, _ := os.ReadFile(db + "-wal")
	if strings.Contains(string(raw)+string(wal), "li@example.cn") {
		t.Error("the e-mail is in the database file in clear")
	}
	mustRun(t, "users", "add", "clerk", "--role", "county_clerk", "--county", "伽师县", "--db", db)
	if code, _, e := runCLI(t, "users", "add", "clerk2", "--role", "county_clerk", "--db", db); code != 1 || !strings.Contains(e, "--county") {
		t.Errorf("a clerk without a county: exit %d, %s", code, e)
	}
	// Only the plan's counties bind an account, named as the plan names them.
	if code, _, e := runCLI(t, "users", "add", "clerk3", "--role", "county_clerk", "--county", "伽师镇", "--db", db); code != 1 || !strings.Contains(e, "伽师县") {
		t.Errorf("a county the plan does not have: exit %d, %s", code, e)
	}
	if out := mustRun(t, "users", "list", "--db", db, "--role", "county_clerk"); !strings.Contains(out, "伽师县") || strings.Contains(out, "li ") {
		t.Errorf("users list --role:\n%s", out)
	}
	if out := mustRun(t, "users", "reset-password", "li", "--db", db); !regexp.MustCompile(`\S{4}-\S{4}-\S{4}-\S{4}`).MatchString(out) {
		t.Errorf("reset-password:\n%s", out)
	}
	mustRun(t, "users", "reset-totp", "li", "--db", db)
	out = mustRun(t, "tokens", "create", "--user", "clerk", "--role", "county_clerk", "--county", "伽师县", "--expires", "30d", "--name", "共享", "--db", db)
	secret := regexp.MustCompile(`mp_([0-9a-f]{16})_\S+`).FindStringSubmatch(out)
	if secret == nil {
		t.Fatalf("tokens create:\n%s", out)
	}
	if code, _, _ := runCLI(t, "tokens", "create", "--user", "clerk", "--role", "security_admin", "--expires", "30d", "--name", "x", "--db", db); code != 1 {
		t.Error("an administrative token was created")
	}
	if out := mustRun(t, "tokens", "list", "--db", db); !strings.Contains(out, secret[1]) || strings.Contains(out, secret[0]) {
		t.Errorf("tokens list:\n%s", out)
	}
	mustRun(t, "tokens", "revoke", secret[1], "--db", db)
	if out := mustRun(t, "tokens", "list", "--db", db, "--all"); !strings.Contains(out, "revoked") {
		t.Errorf("tokens list --all after revoke:\n%s", out)
	}
	mustRun(t, "users", "disable", "li", "--db", db)
	if out := mustRun(t, "users", "list", "--db", db); strings.Contains(out, "li ") {
		t.Errorf("a disabled user in the default list:\n%s", out)
	}
	if code, _, _ := runCLI(t, "users", "disable", "nobody", "--db", db); code != 1 {
		t.Error("disabling an unknown user succeeded")
	}
}
