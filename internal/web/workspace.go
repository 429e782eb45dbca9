package web

import (
	"net/http"

	"mineplan/internal/authz"
	"mineplan/internal/store"
)

// workspacePage is a signed-in caller's home page (GET /workspace): what
// its role may do here, as links to the registered pages it may use, and
// how many rights lie within its jurisdiction.
type workspacePage struct {
	Page
	Links []NavLink
	// Reach is the number of rights within the caller's rights.read
	// jurisdiction, counted by the store; HasReach is false for a role
	// without rights.read.
	Reach    int
	HasReach bool
	// Reviews says the role may open stored reviews (/reviews/{id}).
	Reviews bool
}

// workspaceLinks are the workspace's candidate links: a link shows when
// its route is registered and the caller's role may take its action.
var workspaceLinks = []struct {
	pattern, href, key string
	action             authz.Action
	accounts           bool // needs the server's accounts
}{
	{"GET /register", "/register", "workspace.link.register", authz.RightsRead, false},
	{"GET /map", "/map", "workspace.link.map", authz.PublicRead, false},
	{"GET /check", "/check", "workspace.link.check", authz.ReviewCheck, false},
	{"GET /reviews", "/reviews", "officer.link.reviews", authz.ReviewRead, false},
	{"GET /api/v1/audit", "/api/v1/audit", "officer.link.audit", authz.AuditRead, false},
	{"GET /account/password", "/account/password", "workspace.link.password", authz.AccountSelf, true},
	{"GET /account/totp", "/account/totp", "workspace.link.totp", authz.AccountSelf, true},
}

func (s *Server) handleWorkspace(w http.ResponseWriter, r *http.Request) {
	a := who(r)
	data := workspacePage{Page: s.newPage(r, "workspace.title")}
	for _, l := range workspaceLinks {
		if !s.patterns[l.pattern] || authz.ScopeOf(a.Role, l.action) == authz.None || (l.accounts && s.cfg.Accounts == nil) {
			continue
		}
		data.Links = append(data.Links, NavLink{Href: l.href, Key: l.key})
	}
	// Without the list, the review pages are reached by number.
	data.Reviews = s.patterns["GET /reviews/{id}"] && !s.patterns["GET /reviews"] && authz.ScopeOf(a.Role, authz.ReviewRead) != authz.None
	var f store.RightFilter
	if s.narrow(r, &f) {
		ctx, cancel := s.queryContext(r)
		defer cancel()
		f.Limit = 1
		_, n, err := s.cfg.Store.Rights(ctx, f)
		if err != nil {
			s.cfg.Logger.Error("workspace", "path", r.URL.Path, "err", err)
			s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
			return
		}
		data.Reach, data.HasReach = n, true
	}
	s.render(w, r, http.StatusOK, "workspace.html", data)
}

func workspaceSamples() map[string]any {
	p := samplePage()
	p.SignedIn, p.Actor.Name, p.Actor.Role = true, "sample", "planner"
	return map[string]any{"workspace.html": workspacePage{Page: p, Links: []NavLink{{Href: "/register", Key: "workspace.link.register"}},
		Reach: 1, HasReach: true, Reviews: true}}
}
