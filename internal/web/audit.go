package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/audit"
	"mineplan/internal/store"
)

// The auditor's API (authz.AuditRead): the log, searched and paged, and
// its verification.

// handleAudit serves one page of the audit log: ?actor= &object= &action=
// (exact) &from= &until= (YYYY-MM-DD or RFC 3339, from inclusive, until
// exclusive) &after= (the previous page's "next") &limit=1–1000 (default
// 100; a larger one is served as 1000 and the answer's "limit" says so).
// A full page carries "next", as /api/v1/rights does.
func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	f, err := auditQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	es, next, err := app.SearchAudit(ctx, s.cfg.Store, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if es == nil {
		es = []audit.Entry{}
	}
	out := map[string]any{"entries": es, "numberReturned": len(es), "limit": f.Limit}
	if next > 0 {
		out["next"] = strconv.FormatInt(next, 10)
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

func auditQuery(r *http.Request) (store.AuditFilter, error) {
	var f store.AuditFilter
	q, err := parseQuery(r, "actor", "object", "action", "from", "until", "after", "limit")
	if err != nil {
		return f, err
	}
	f.Actor, f.Object, f.Action = q["actor"], q["object"], q["action"]
	if f.From, err = q.when("from"); err != nil {
		return f, err
	}
	if f.Until, err = q.when("until"); err != nil {
		return f, err
	}
	if !f.From.IsZero() && !f.Until.IsZero() && !f.From.Before(f.Until) {
		return f, badParameter("until", "参数 until 应晚于 from", "parameter until must be after from")
	}
	if v, ok := q["after"]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 || !integer.MatchString(v) {
			return f, badParameter("after", fmt.Sprintf("参数 after 应为上一页的 next 值（非负整数），收到 %q", clip(v)),
				fmt.Sprintf("parameter after must be the previous page's next value (a whole number), got %q", clip(v)))
		}
		f.After = n
	}
	f.Limit, err = q.limit()
	return f, err
}

// when reads a time parameter: a day (midnight UTC) or an RFC 3339 time.
func (q query) when(name string) (time.Time, error) {
	v, ok := q[name]
	if !ok {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, strings.ReplaceAll(v, " ", "+")); err == nil {
		return t, nil
	}
	return time.Time{}, badParameter(name, fmt.Sprintf("参数 %s 应为 YYYY-MM-DD 或 RFC 3339 时间，收到 %q", name, clip(v)),
		fmt.Sprintf("parameter %s must be YYYY-MM-DD or an RFC 3339 time, got %q", name, clip(v)))
}

// handleAuditVerify checks the whole chain (app.VerifyAudit) and answers
// 200 with the result: "ok", the entries checked, the head and start and,
// when the chain is broken, the first bad entry. ?anchor= is a head hash
// published earlier that the log must still extend.
func (s *Server) handleAuditVerify(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r, "anchor")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	anchor := q["anchor"]
	if anchor != "" && !isHexHash(anchor) {
		s.writeError(w, r, badParameter("anchor", "参数 anchor 应为日志头哈希（64 位十六进制）", "parameter anchor must be a head hash (64 hex digits)"))
		return
	}
	// The whole log is read: no query timeout but the request's own.
	v, err := app.VerifyAudit(r.Context(), s.cfg.Store, anchor)
	if err != nil && v.Fault == nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, struct {
		OK bool `json:"ok"`
		store.Verification
	}{v.Fault == nil, v})
}

func isHexHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return false
		}
	}
	return true
}
