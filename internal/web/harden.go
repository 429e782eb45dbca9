package web

import (
	"context"
	"net/http"
	"strings"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
)

// ContentSecurityPolicy is sent with every response. Scripts and styles
// come from the server's own files only (no 'unsafe-inline', no eval);
// images may also be data: URLs (the TOTP enrolment's QR code); nothing
// may frame a page (frame-ancestors, the modern X-Frame-Options), and
// forms post back to the server only. The map's MapLibre runs its tile
// decoding in a module worker loaded from the server's own files
// (worker-src 'self'); its canvas and markers draw blob: images of the
// tiles it decoded (img-src blob:). No blob: or data: script is allowed.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"connect-src 'self'; font-src 'self'; worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders sets the headers every response carries, errors and
// 404s included, before anything else runs.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if s.cfg.TLS {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// privateNoStore keeps answers to signed-in callers out of shared and
// browser caches: they may hold what the public may not see.
func privateNoStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if who(r).Kind != actor.Anonymous {
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses a state-changing request (any method but GET, HEAD
// and OPTIONS) that a browser says comes from another site: Go's
// http.CrossOriginProtection reads Sec-Fetch-Site, or Origin against
// Host. It runs before the session cookie is even looked at, so a forged
// request neither acts nor keeps a session alive. Requests without either
// header (curl, a holder's filing software with its bearer token) pass:
// a browser always sends one on a cross-origin POST, and cannot attach an
// Authorization header cross-origin without a CORS preflight, which this
// server never grants.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	p := http.NewCrossOriginProtection()
	p.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := audit.For(actor.Actor{Kind: actor.Anonymous, Name: addressOf(r), Role: actor.Public, Address: addressOf(r), RequestID: requestID(r)}, DeniedAction, r.URL.Path)
		e.Object = "path:" + r.URL.Path
		e.Detail = "cross-origin request refused (CSRF)"
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), requestTimeout)
		defer cancel()
		if _, err := s.cfg.Store.AppendAudit(ctx, e); err != nil {
			s.cfg.Logger.Error("audit a cross-origin request", "path", r.URL.Path, "err", err)
		}
		s.writeError(w, r, &apiError{Status: http.StatusForbidden, Code: "cross_origin",
			Message: "拒绝来自其他站点的请求 / cross-origin request refused"})
	}))
	return p.Handler(next)
}

// defaultMaxBody is the body limit of a route that states none: enough
// for a small form, nothing to hold a handler up with.
const defaultMaxBody = 64 << 10

// limitBody refuses a body over the route's limit with a 413 before the
// handler runs (by its declared length) or while it reads
// (http.MaxBytesReader, for a body without one).
func (s *Server) limitBody(limit int64, next http.Handler) http.Handler {
	if limit <= 0 {
		limit = defaultMaxBody
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > limit {
			w.Header().Set("Connection", "close")
			if wantsPage(r) {
				s.errorPageMsg(w, r, http.StatusRequestEntityTooLarge, M("error.too_large", limit))
				return
			}
			s.writeError(w, r, tooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// unrouted answers what no route matches, in the same bilingual form as
// every other error (JSON under /api, a page elsewhere) rather than the
// mux's plain text.
func (s *Server) unrouted(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		st := &statusOnly{header: http.Header{}}
		h.ServeHTTP(st, r) // the mux's 404 or 405, to learn which and its Allow header
		if allow := st.header.Get("Allow"); allow != "" {
			w.Header().Set("Allow", allow)
		}
		status, zh, en, key := http.StatusNotFound, "未找到", "not found", "error.not_found"
		if st.status == http.StatusMethodNotAllowed {
			status, zh, en, key = st.status, "不支持此请求方法", "method not allowed", "error.method"
		}
		if !wantsPage(r) {
			s.writeError(w, r, &apiError{Status: status, Code: strings.ReplaceAll(en, " ", "_"), Message: zh + " / " + en})
			return
		}
		s.errorPage(w, r, status, key)
	})
}

// statusOnly records a handler's status and headers and drops its body.
type statusOnly struct {
	header http.Header
	status int
}

func (s *statusOnly) Header() http.Header { return s.header }
func (s *statusOnly) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
}
func (s *statusOnly) Write(b []byte) (int, error) {
	s.WriteHeader(http.StatusOK)
	return len(b), nil
}

type requestIDKey struct{}

// withRequestID gives each request a fresh id, echoed in X-Request-Id and
// recorded with anything the request writes to the audit log. An id the
// client sends is ignored: the log's ids are the server's.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := newRequestID()
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey{}).(string)
	return id
}

func addressOf(r *http.Request) string {
	if a := clientIP(r); a != "" {
		return a
	}
	return "unknown address"
}
