package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"

	"mineplan/internal/accounts"
	"mineplan/internal/store"
)

// The account pages finish a sign-in (the forced change of a one-time
// password, an administrator's TOTP enrolment) and serve a signed-in
// user's own account. A session limited to those steps is anonymous to
// every other route (accounts.Service.Session answers ErrSessionLimited,
// so the middleware gives the public role): these handlers read the
// cookie themselves with accounts.Service.State, which accepts a limited
// session, and send a request without a live session to /signin.

// state reads the request's session, or redirects to /signin and
// returns false.
func (s *Server) state(w http.ResponseWriter, r *http.Request) (accounts.SessionState, bool) {
	if s.cfg.Accounts == nil {
		s.errorPage(w, r, http.StatusNotFound, "error.no_accounts")
		return accounts.SessionState{}, false
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return accounts.SessionState{}, false
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	st, err := s.cfg.Accounts.State(ctx, c.Value)
	switch {
	case errors.Is(err, accounts.ErrSessionExpired):
		s.clearSessionCookie(w)
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return st, false
	case err != nil:
		s.cfg.Logger.Error("session", "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return st, false
	}
	return st, true
}

type passwordPage struct {
	formPage
	Forced bool
	// The policy's figures, for its description.
	MinLength, History int
}

func (s *Server) handlePasswordPage(w http.ResponseWriter, r *http.Request) {
	st, ok := s.state(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "password.html", passwordPage{formPage: s.form(r, "password.title", st.Actor.Name), Forced: st.MustChangePassword, MinLength: accounts.MinPasswordLength, History: store.PasswordHistoryLength})
}

func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request) {
	st, ok := s.state(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	page := passwordPage{formPage: s.form(r, "password.title", st.Actor.Name), Forced: st.MustChangePassword, MinLength: accounts.MinPasswordLength, History: store.PasswordHistoryLength}
	next := r.PostForm.Get("new")
	if next != r.PostForm.Get("confirm") {
		page.Errors["confirm"] = M("password.error.differ")
		s.render(w, r, http.StatusBadRequest, "password.html", page)
		return
	}
	c, _ := r.Cookie(SessionCookie)
	ctx, cancel := s.queryContext(r)
	defer cancel()
	err := s.cfg.Accounts.ChangePassword(ctx, c.Value, r.PostForm.Get("current"), next)
	var pe *accounts.PolicyError
	switch {
	case errors.Is(err, accounts.ErrBadCredentials):
		page.Errors["current"] = M("password.error.current")
	case errors.As(err, &pe):
		page.Errors["new"] = policyMsg(pe)
	case errors.Is(err, accounts.ErrSessionExpired):
		s.clearSessionCookie(w)
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	case err != nil:
		s.cfg.Logger.Error("password change", "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	if err != nil {
		s.render(w, r, http.StatusBadRequest, "password.html", page)
		return
	}
	if st.NeedTOTPEnrolment {
		http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// totpPage is the enrolment page in its three states: enrolled already,
// a new key to scan (QR as a data: URI, which the CSP's img-src allows;
// no script is involved), or the recovery codes, shown once.
type totpPage struct {
	formPage
	Enabled  bool
	QR       template.URL
	Secret   string
	Codes    []string
	Required bool
}

func (s *Server) handleTOTPPage(w http.ResponseWriter, r *http.Request) {
	st, ok := s.state(w, r)
	if !ok {
		return
	}
	if st.MustChangePassword {
		http.Redirect(w, r, "/account/password", http.StatusSeeOther)
		return
	}
	page := totpPage{formPage: s.form(r, "totp.title", st.Actor.Name), Required: st.NeedTOTPEnrolment}
	c, _ := r.Cookie(SessionCookie)
	ctx, cancel := s.queryContext(r)
	defer cancel()
	en, err := s.cfg.Accounts.BeginTOTP(ctx, c.Value)
	switch {
	case errors.Is(err, accounts.ErrTOTPEnabled):
		page.Enabled = true
	case errors.Is(err, accounts.ErrNoKey):
		s.errorPage(w, r, http.StatusServiceUnavailable, "error.no_key")
		return
	case err != nil:
		s.cfg.Logger.Error("totp enrolment", "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	default:
		page.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(en.PNG))
		page.Secret = en.Secret
	}
	s.render(w, r, http.StatusOK, "totp.html", page)
}

func (s *Server) handleTOTP(w http.ResponseWriter, r *http.Request) {
	st, ok := s.state(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	c, _ := r.Cookie(SessionCookie)
	ctx, cancel := s.queryContext(r)
	defer cancel()
	codes, err := s.cfg.Accounts.ConfirmTOTP(ctx, c.Value, r.PostForm.Get("code"))
	page := totpPage{formPage: s.form(r, "totp.title", st.Actor.Name), Required: st.NeedTOTPEnrolment}
	switch {
	case errors.Is(err, accounts.ErrBadCode), errors.Is(err, accounts.ErrNoEnrolment):
		// A new key: the page shows it again, with the error by the field.
		page.Errors["code"] = M("totp.error.rescan")
		en, berr := s.cfg.Accounts.BeginTOTP(ctx, c.Value)
		if berr != nil {
			s.cfg.Logger.Error("totp enrolment", "err", berr)
			s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
			return
		}
		page.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(en.PNG))
		page.Secret = en.Secret
		s.render(w, r, http.StatusBadRequest, "totp.html", page)
		return
	case errors.Is(err, accounts.ErrTOTPEnabled):
		page.Enabled = true
	case err != nil:
		s.cfg.Logger.Error("totp confirmation", "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	default:
		page.Enabled, page.Codes = true, codes
	}
	s.render(w, r, http.StatusOK, "totp.html", page)
}

// accountSamples are the account templates' sample data, rendered once
// at start-up so a broken template stops the server.
func accountSamples() map[string]any {
	errs := map[string]*Msg{"name": M("sample"), "password": M("sample"), "code": M("sample"), "current": M("sample"), "new": M("sample"), "confirm": M("sample")}
	form := formPage{Page: samplePage(), Name: "sample", Errors: errs, Notice: M("sample")}
	return map[string]any{
		"signin.html":   form,
		"password.html": passwordPage{formPage: form, Forced: true, MinLength: 10, History: 5},
		"totp.html":     totpPage{formPage: form, QR: "data:image/png;base64,", Secret: "SAMPLE", Codes: []string{"aaaa-bbbb-cccc-dddd"}, Required: true},
	}
}

// policyMsg is a refused password's message, by the rule it broke.
func policyMsg(pe *accounts.PolicyError) *Msg {
	switch pe.Rule {
	case "length":
		return M("password.error.length", accounts.MinPasswordLength)
	case "history":
		return M("password.error.history", store.PasswordHistoryLength)
	case "classes", "name":
		return M("password.error." + pe.Rule)
	}
	return M("password.error.other")
}
