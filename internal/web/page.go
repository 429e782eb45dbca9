package web

import (
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"mineplan/internal/actor"
	"mineplan/internal/authz"
	"mineplan/internal/i18n"
	"mineplan/internal/plan"
)

// Page is what the layout (templates/layout.html) needs; every page's data
// embeds it, and templates start with {{template "top" .Page}} and end
// with {{template "bottom" .Page}}.
type Page struct {
	Lang i18n.Lang
	// TitleKey is the catalogue key of the page's title; TitleArg, when
	// set, fills its verb (a licence number, a review id).
	TitleKey string
	TitleArg string
	Actor    actor.Actor
	SignedIn bool
	// Path is the request's path (the nav marks its entry).
	Path  string
	Langs []LangLink
	Nav   []NavLink
	// PlanTitle is the served plan's title (data, not interface text).
	PlanTitle string
	// ApprovalNumber is the operator's map approval number (审图号),
	// shown in the footer of every page with a map.
	ApprovalNumber string
	// Illustrative says the served data holds illustrative features.
	Illustrative bool
}

// Dir is the text direction of the page's language.
func (p Page) Dir() string { return p.Lang.Dir() }

// Tag is the page's BCP 47 language tag.
func (p Page) Tag() string { return p.Lang.Tag() }

// NavLink is one entry of the navigation.
type NavLink struct {
	Href, Key string
	Current   bool
}

// navEntries are the navigation's candidates: an entry shows only when its
// route is registered and the caller's role may take its action, so what
// a role may not do is not offered (and the server refuses it anyway).
var navEntries = []struct {
	pattern, href, key string
	action             authz.Action
	signedIn           bool
}{
	{"GET /map", "/map", "nav.map", authz.PublicRead, false},
	{"GET /check", "/check", "nav.check", authz.ReviewCheck, false},
	{"GET /plan", "/plan", "nav.plan", authz.PublicRead, false},
	{"GET /workspace", "/workspace", "nav.workspace", authz.WorkspaceRead, true},
	{"GET /register", "/register", "nav.register", authz.RightsRead, true},
	{"GET /reviews", "/reviews", "nav.reviews", authz.ReviewRead, true},
	{"GET /layers", "/layers", "nav.layers", authz.LayersImport, true},
}

// newPage is the layout data for a request.
func (s *Server) newPage(r *http.Request, titleKey string) Page {
	who := who(r)
	p, _ := s.current()
	l := langOf(r)
	page := Page{Lang: l, TitleKey: titleKey, Actor: who, SignedIn: who.Kind != actor.Anonymous, Path: r.URL.Path,
		Langs: langLinks(r, l), PlanTitle: p.Meta.Title, Illustrative: s.illustrative(),
		ApprovalNumber: s.cfg.Map.ApprovalNumber}
	for _, e := range navEntries {
		if !s.patterns[e.pattern] || (e.signedIn && !page.SignedIn) || authz.ScopeOf(who.Role, e.action) == authz.None {
			continue
		}
		page.Nav = append(page.Nav, NavLink{Href: e.href, Key: e.key, Current: r.URL.Path == e.href || strings.HasPrefix(r.URL.Path, e.href+"/")})
	}
	return page
}

// illustrative says whether the served plan carries illustrative
// geometry (its blocks are generated with its zones, so either marks it).
func (s *Server) illustrative() bool {
	p, _ := s.current()
	return slices.ContainsFunc(p.Blocks, func(b plan.Block) bool { return b.Illustrative })
}

// Msg is a message to show on a page, by catalogue key (a form error next
// to its field, a notice).
type Msg struct {
	Key  string
	Args []any
}

// M is a message (a pointer, so that a missing one in a map of form
// errors is nil, and {{with index .Errors "field"}} shows nothing).
func M(key string, args ...any) *Msg { return &Msg{Key: key, Args: args} }

// samplePage is the layout data the start-up check renders pages with.
func samplePage() Page {
	return Page{Lang: i18n.ZH, TitleKey: "site.name", PlanTitle: "sample", Path: "/", ApprovalNumber: "sample",
		Illustrative: true, Langs: []LangLink{{Lang: i18n.ZH, Name: "中文", URL: "/?lang=zh", Current: true}},
		Nav: []NavLink{{Href: "/map", Key: "nav.map", Current: true}}}
}

// pageSamples is the sample data of every page template, for the start-up
// check: a template without one stops the server. Each page's file gives
// its samples.
func (s *Server) pageSamples() map[string]any {
	out := map[string]any{}
	for _, f := range []func() map[string]any{
		func() map[string]any {
			return map[string]any{"index.html": s.pageData(samplePage()), "review.html": sampleReviewPage(), "layout.html": nil}
		},
		accountSamples,
		s.mapSamples,
		errorSamples,
		rightPageSamples,
		registerSamples,
		workspaceSamples,
		selfCheckSamples,
		layersSamples,
		planSamples,
		officerSamples,
		printSamples,
	} {
		maps.Copy(out, f())
	}
	return out
}

// parsePages parses the templates once per language: each language's set
// has its own "t" (catalogue lookup) and "msg" functions, so a page never
// mixes languages. A missing key fails the start-up render of the samples.
func parsePages(cat *i18n.Catalog, funcs template.FuncMap) (map[i18n.Lang]*template.Template, error) {
	base, err := template.New("").Funcs(funcs).Funcs(langFuncs(cat, i18n.ZH)).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("templates: %w", err)
	}
	out := map[i18n.Lang]*template.Template{}
	for _, l := range i18n.Langs {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		out[l] = t.Funcs(langFuncs(cat, l))
	}
	return out, nil
}

func langFuncs(cat *i18n.Catalog, l i18n.Lang) template.FuncMap {
	return template.FuncMap{
		"t":    func(key string, args ...any) (string, error) { return cat.T(l, key, args...) },
		"msg":  func(m Msg) (string, error) { return cat.T(l, m.Key, m.Args...) },
		"lang": func() i18n.Lang { return l },
		// Names of the plan's and the register's codes, by key.
		"zoneType": func(t string) (string, error) { return cat.T(l, "zone_type."+t) },
	}
}

// checkPages renders every template in every language with its sample data.
func checkPages(pages map[i18n.Lang]*template.Template, samples map[string]any) error {
	for _, l := range i18n.Langs {
		for _, t := range pages[l].Templates() {
			name := t.Name()
			if name == "" || !strings.HasSuffix(name, ".html") || name == "layout.html" {
				continue // the root that holds the functions, and the layout's parts
			}
			data, ok := samples[name]
			if !ok {
				return fmt.Errorf("template %s has no sample data to check it with", name)
			}
			if err := t.Execute(discard{}, data); err != nil {
				return fmt.Errorf("template %s (%s): %w", name, l, err)
			}
		}
	}
	return nil
}

// page renders a page template in the request's language.
func (s *Server) page(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := s.pages[langOf(r)].ExecuteTemplate(w, name, data); err != nil {
		s.cfg.Logger.Error("render", "template", name, "err", err)
	}
}

// render is page for forms and one-time secrets, which are never cached.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	w.Header().Set("Cache-Control", "no-store")
	s.page(w, r, status, name, data)
}

// errorPage answers a page request with a page in the caller's language:
// the message (a catalogue key) and a way on. It is never cached.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.errorPageMsg(w, r, status, M(key))
}

// errorPageMsg is errorPage with a message that takes arguments.
func (s *Server) errorPageMsg(w http.ResponseWriter, r *http.Request, status int, msg *Msg) {
	page := s.newPage(r, "error.title")
	page.TitleArg = strconv.Itoa(status)
	w.Header().Set("Cache-Control", "no-store")
	s.page(w, r, status, "error.html", errorData{Page: page, Status: status, Message: msg, SignIn: msg.Key == "error.sign_in_first"})
}

// wantsPage tells whether an error answer to the request is a page in the
// caller's language rather than the API's bilingual JSON: everything but
// the API, the tiles, the static files and the health check is a page.
func wantsPage(r *http.Request) bool {
	for _, prefix := range []string{"/api/", "/tiles/", "/static/"} {
		if strings.HasPrefix(r.URL.Path, prefix) {
			return false
		}
	}
	return r.URL.Path != "/healthz"
}

type errorData struct {
	Page
	Status  int
	Message *Msg
	SignIn  bool
}

func errorSamples() map[string]any {
	return map[string]any{"error.html": errorData{Page: samplePage(), Status: 404, Message: M("error.not_found"), SignIn: true}}
}
