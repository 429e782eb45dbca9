package web

import (
	"errors"
	"net/http"
	"time"

	"mineplan/internal/accounts"
)

// formBodyLimit bounds the sign-in and account forms.
const formBodyLimit = 16 << 10

// formPage is what the sign-in and account templates show: the values to
// keep in the form and an error next to each field that has one.
type formPage struct {
	Name   string
	Errors map[string]string // field → message, Chinese first
	// Notice is a message for the whole form (a session that ended).
	Notice string
}

// authenticator is the sign-in in use: Config.SignIn, or the password
// sign-in of Config.Accounts. An external identity provider plugs in
// there without a change to these handlers.
func (s *Server) authenticator() accounts.Authenticator {
	if s.cfg.SignIn != nil {
		return s.cfg.SignIn
	}
	if s.cfg.Accounts != nil {
		return s.cfg.Accounts
	}
	return nil
}

func (s *Server) render(w http.ResponseWriter, status int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// Forms and one-time secrets (recovery codes, the TOTP key) are never
	// cached.
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := s.tmpl.ExecuteTemplate(w, name, data); err != nil {
		s.cfg.Logger.Error("render", "template", name, "err", err)
	}
}

func (s *Server) handleSignInPage(w http.ResponseWriter, r *http.Request) {
	if s.authenticator() == nil {
		htmlError(w, http.StatusNotFound, "本服务未启用账户 / this server has no accounts")
		return
	}
	s.render(w, http.StatusOK, "signin.html", formPage{})
}

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	auth := s.authenticator()
	if auth == nil {
		htmlError(w, http.StatusNotFound, "本服务未启用账户 / this server has no accounts")
		return
	}
	if err := r.ParseForm(); err != nil {
		htmlError(w, http.StatusBadRequest, "表单无法读取 / the form cannot be read")
		return
	}
	name := r.PostForm.Get("name")
	if !s.SignInAllowed(w, r, name) {
		return // 429 with Retry-After, written by the limiter
	}
	page := formPage{Name: name, Errors: map[string]string{}}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	res, err := auth.SignIn(ctx, accounts.SignInRequest{Name: name, Password: r.PostForm.Get("password"), Code: r.PostForm.Get("code")})
	switch {
	case errors.Is(err, accounts.ErrBadCredentials):
		page.Errors["password"] = err.Error()
	case errors.Is(err, accounts.ErrCodeRequired), errors.Is(err, accounts.ErrBadCode):
		page.Errors["code"] = err.Error()
	case err != nil:
		s.cfg.Logger.Error("sign-in", "err", err)
		htmlError(w, http.StatusInternalServerError, "服务器内部错误，请稍后再试 / internal error: please try again later")
		return
	}
	if err != nil {
		s.render(w, http.StatusUnauthorized, "signin.html", page)
		return
	}
	s.setSessionCookie(w, res.Token, res.Expires)
	next := "/"
	switch {
	case res.MustChangePassword:
		next = "/account/password"
	case res.NeedTOTPEnrolment:
		next = "/account/totp"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) handleSignOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil && s.cfg.Accounts != nil {
		ctx, cancel := s.queryContext(r)
		defer cancel()
		if err := s.cfg.Accounts.SignOut(ctx, c.Value); err != nil && !errors.Is(err, accounts.ErrSessionExpired) {
			s.cfg.Logger.Error("sign-out", "err", err)
			htmlError(w, http.StatusInternalServerError, "服务器内部错误，请稍后再试 / internal error: please try again later")
			return
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// setSessionCookie: HttpOnly (no script reads it), SameSite=Lax (not
// sent on cross-site posts), Secure whenever the server has TLS. It
// lasts as long as the session may; the idle limit is the server's.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", Expires: expires, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.TLS})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.TLS})
}
