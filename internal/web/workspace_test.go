package web

import (
	"net/http"
	"strings"
	"testing"
)

// TestWorkspace: each signed-in role gets its home page with the links
// its role may use and the count of the rights in its reach (the API's
// count); the public is refused with a sign-in link.
func TestWorkspace(t *testing.T) {
	s := testServer(t)
	h := s.Handler()
	get := func(token, path string) (int, string) {
		t.Helper()
		rec := request{method: "GET", path: path, token: token, addr: "10.22.0.1"}.send(h)
		return rec.Code, rec.Body.String()
	}
	for _, token := range []string{"clerk-in", "holder-in", "licensing", "enforcer-out"} {
		matrixFixture(t)
		code, body := get(token, "/workspace?lang=en")
		if code != http.StatusOK {
			t.Fatalf("%s: %d %.300s", token, code, body)
		}
		want := "Rights within your jurisdiction: " + itoa(list(t, h, token, ""))
		if !strings.Contains(body, want) || !strings.Contains(body, `<a href="/register">search the register</a>`) {
			t.Errorf("%s: the page lacks %q or the register link: %.2000s", token, want, body)
		}
		if !strings.Contains(body, `href="/workspace" aria-current="page"`) {
			t.Errorf("%s: the nav does not offer the workspace", token)
		}
	}
	code, body := get("auditor", "/workspace?lang=en")
	if code != http.StatusOK || strings.Contains(body, `href="/register"`) || !strings.Contains(body, "does not read the register") {
		t.Errorf("auditor: %d, offered the register or counted rights: %.2000s", code, body)
	}
	code, body = get("", "/workspace?lang=en")
	if code != http.StatusForbidden || !strings.Contains(body, `href="/signin"`) || strings.Contains(body, "Rights within") {
		t.Errorf("the public: %d %.300s", code, body)
	}
	if _, home := get("", "/?lang=en"); strings.Contains(home, `href="/workspace"`) {
		t.Error("the public's nav offers the workspace")
	}
	if code, ug := get("planner", "/workspace?lang=ug"); code != http.StatusOK || !strings.Contains(ug, `dir="rtl"`) || !strings.Contains(ug, "خىزمەت سۇپىسى") {
		t.Errorf("ug workspace: %d", code)
	}
}
