package web

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"mineplan/internal/i18n"
)

// LangCookie remembers the language chosen with ?lang=.
const LangCookie = "mineplan_lang"

type langKey struct{}

// withLanguage puts the request's language in its context: ?lang= (which
// is then remembered in a cookie), the cookie, Accept-Language, Chinese.
func (s *Server) withLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var cookie string
		if c, err := r.Cookie(LangCookie); err == nil {
			cookie = c.Value
		}
		q := r.URL.Query().Get("lang")
		l := i18n.Negotiate(q, cookie, r.Header.Get("Accept-Language"))
		if chosen, ok := i18n.Parse(q); ok && string(chosen) != cookie {
			http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: string(chosen), Path: "/", MaxAge: int((365 * 24 * time.Hour).Seconds()),
				SameSite: http.SameSiteLaxMode, Secure: s.cfg.TLS})
		}
		w.Header().Add("Vary", "Accept-Language, Cookie")
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), langKey{}, l)))
	})
}

// langOf is the request's language (Chinese outside the middleware).
func langOf(r *http.Request) i18n.Lang {
	if l, ok := r.Context().Value(langKey{}).(i18n.Lang); ok {
		return l
	}
	return i18n.ZH
}

// langLinks are the language switch's links: this page in each language.
func langLinks(r *http.Request, current i18n.Lang) []LangLink {
	out := make([]LangLink, 0, len(i18n.Langs))
	for _, l := range i18n.Langs {
		q := url.Values{}
		for k, v := range r.URL.Query() {
			q[k] = v
		}
		q.Set("lang", string(l))
		out = append(out, LangLink{Lang: l, Name: l.Name(), URL: r.URL.Path + "?" + q.Encode(), Current: l == current})
	}
	return out
}

// LangLink is one entry of the language switch.
type LangLink struct {
	Lang    i18n.Lang
	Name    string
	URL     string
	Current bool
}
