package web

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestSessionCookie: HttpOnly, SameSite=Lax, Path=/, and Secure exactly
// when the server has TLS; signing out clears it.
func TestSessionCookie(t *testing.T) {
	for _, tls := range []bool{false, true} {
		s := &Server{cfg: Config{TLS: tls}}
		rec := httptest.NewRecorder()
		s.setSessionCookie(rec, "tok", time.Now().Add(time.Hour))
		c := rec.Header().Get("Set-Cookie")
		for _, want := range []string{SessionCookie + "=tok", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(c, want) {
				t.Errorf("TLS %t: cookie %q lacks %s", tls, c, want)
			}
		}
		if strings.Contains(c, "Secure") != tls {
			t.Errorf("TLS %t: cookie %q", tls, c)
		}
		rec = httptest.NewRecorder()
		s.clearSessionCookie(rec)
		if c := rec.Header().Get("Set-Cookie"); !strings.Contains(c, "Max-Age=0") || strings.Contains(c, "tok") {
			t.Errorf("cleared cookie %q", c)
		}
	}
}
