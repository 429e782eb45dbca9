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
	Page
	Name   string
	Errors map[string]*Msg // field → message
	// Notice is a message for the whole form (a session that ended).
	Notice *Msg
}

// form is an empty form page.
func (s *Server) form(r *http.Request, titleKey, name string) formPage {
	return formPage{Page: s.newPage(r, titleKey), Name: name, Errors: map[string]*Msg{}}
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

func (s *Server) handleSignInPage(w http.ResponseWriter, r *http.Request) {
	if s.authenticator() == nil {
		s.errorPage(w, r, http.StatusNotFound, "error.no_accounts")
		return
	}
	s.render(w, r, http.StatusOK, "signin.html", s.form(r, "signin.title", ""))
}

func (s *Server) handleSignIn(w http.ResponseWriter, r *http.Request) {
	auth := s.authenticator()
	if auth == nil {
		s.errorPage(w, r, http.StatusNotFound, "error.no_accounts")
		return
	}
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	name := r.PostForm.Get("name")
	if !s.SignInAllowed(w, r, name) {
		return // 429 with Retry-After, written by the limiter
	}
	page := s.form(r, "signin.title", name)
	ctx, cancel := s.queryContext(r)
	defer cancel()
	res, err := auth.SignIn(ctx, accounts.SignInRequest{Name: name, Password: r.PostForm.Get("password"), Code: r.PostForm.Get("code")})
	switch {
	case errors.Is(err, accounts.ErrBadCredentials):
		page.Errors["password"] = M("signin.error.credentials")
	case errors.Is(err, accounts.ErrCodeRequired):
		page.Errors["code"] = M("signin.error.code_required")
	case errors.Is(err, accounts.ErrBadCode):
		page.Errors["code"] = M("signin.error.bad_code")
	case err != nil:
		s.cfg.Logger.Error("sign-in", "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	if err != nil {
		s.render(w, r, http.StatusUnauthorized, "signin.html", page)
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
			s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
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
