package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLanguageSwitch: Accept-Language picks the language, ?lang= overrides
// it and is remembered in a cookie, and every page says its language and
// direction.
func TestLanguageSwitch(t *testing.T) {
	h := testServer(t).Handler()
	get := func(path string, header map[string]string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
		return rec
	}
	for _, c := range []struct {
		path, accept, cookie, want, text string
	}{
		{"/", "", "", `<html lang="zh-CN" dir="ltr">`, "登录"},
		{"/", "en-GB,en;q=0.9", "", `<html lang="en" dir="ltr">`, "Sign in"},
		{"/", "en", "ug", `<html lang="ug" dir="rtl">`, "كىرىش"},
		{"/?lang=ug", "en", "en", `<html lang="ug" dir="rtl">`, "كىرىش"},
		{"/signin?lang=en", "", "", `<html lang="en" dir="ltr">`, "User name"},
	} {
		hd := map[string]string{"Accept-Language": c.accept}
		if c.cookie != "" {
			hd["Cookie"] = LangCookie + "=" + c.cookie
		}
		rec := get(c.path, hd)
		body := rec.Body.String()
		if !strings.Contains(body, c.want) || !strings.Contains(body, c.text) {
			t.Errorf("GET %s (Accept-Language %q, cookie %q): want %s with %q, got %.300s", c.path, c.accept, c.cookie, c.want, c.text, body)
		}
	}
	rec := get("/?lang=ug", nil)
	if sc := rec.Header().Get("Set-Cookie"); !strings.Contains(sc, LangCookie+"=ug") || !strings.Contains(sc, "SameSite=Lax") {
		t.Errorf("?lang=ug did not set the cookie: %q", sc)
	}
	if rec := get("/?lang=xx", nil); rec.Header().Get("Set-Cookie") != "" {
		t.Error("an unknown ?lang= set a cookie")
	}
	if v := rec.Header().Values("Vary"); !strings.Contains(strings.Join(v, ","), "Accept-Language") {
		t.Errorf("Vary = %q", v)
	}
}
