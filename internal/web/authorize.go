package web

import (
	"context"
	"net/http"
	"strings"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
)

// DeniedAction is the audit log's action for a refused request.
const DeniedAction = "authz.denied"

// authorize lets a request reach its route's handler only when the one
// authorisation table allows the caller the route's action; objects the
// handler reads are checked again there (decideObject), with their
// jurisdiction.
func (s *Server) authorize(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := who(r)
		if d := authz.Decide(a, rt.action, authz.Object{}, s.currentGrants()); d != authz.Allow {
			s.deny(w, r, rt.pattern, rt.action, d)
			return
		}
		rt.handler(w, r)
	})
}

// currentGrants says what the county level grants in the served plan.
func (s *Server) currentGrants() authz.CountyGrants { return s.served.Load().grants }

// decideObject is the object-level decision inside a handler: true when
// the caller may take act on obj; otherwise the denial is answered (404
// for an object outside the caller's view, 403 when the role may never)
// and recorded.
func (s *Server) decideObject(w http.ResponseWriter, r *http.Request, act authz.Action, obj authz.Object) bool {
	d := authz.Decide(who(r), act, obj, s.currentGrants())
	if d == authz.Allow {
		return true
	}
	s.deny(w, r, r.Pattern, act, d)
	return false
}

// deny answers a refused request and appends the denial to the audit
// log. A failing append is logged and the answer stays a denial: it can
// never become a success, nor (for a hidden object) a different status
// that would reveal the object.
func (s *Server) deny(w http.ResponseWriter, r *http.Request, pattern string, act authz.Action, d authz.Decision) {
	a := who(r)
	e := audit.For(a, DeniedAction, pattern)
	e.Detail = string(act)
	if d == authz.Hide {
		e.Detail += " (outside jurisdiction)"
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), requestTimeout)
	defer cancel()
	if _, err := s.cfg.Store.AppendAudit(ctx, e); err != nil {
		s.cfg.Logger.Error("audit a denied request", "pattern", pattern, "action", act, "request_id", a.RequestID, "err", err)
	}
	page := !strings.HasPrefix(r.URL.Path, "/api/") && !strings.HasPrefix(r.URL.Path, "/tiles/") // tiles answer JSON errors too
	switch {
	case d == authz.Hide && page:
		s.errorPage(w, r, http.StatusNotFound, "error.not_found")
	case d == authz.Hide:
		s.writeError(w, r, notFound("未找到 / not found"))
	case page:
		msg := "error.forbidden_page"
		if a.Kind == actor.Anonymous {
			msg = "error.sign_in_first"
		}
		s.errorPage(w, r, http.StatusForbidden, msg)
	default:
		msg := "您的角色无权执行此操作 / your role may not do this"
		if a.Kind == actor.Anonymous {
			msg = "请先登录或提供 API 令牌 / sign in or send an API token first"
		}
		s.writeError(w, r, &apiError{Status: http.StatusForbidden, Code: "forbidden", Message: msg})
	}
}
