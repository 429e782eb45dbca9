package web

import (
	"encoding/base64"
	"errors"
	"html/template"
	"net/http"

	"mineplan/internal/accounts"
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
		htmlError(w, http.StatusNotFound, "本服务未启用账户 / this server has no accounts")
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
		htmlError(w, http.StatusInternalServerError, "服务器内部错误，请稍后再试 / internal error: please try again later")
		return st, false
	}
	return st, true
}

type passwordPage struct {
	formPage
	Forced bool
}

func (s *Server) handlePasswordPage(w http.ResponseWriter, r *http.Request) {
	st, ok := s.state(w, r)
	if !ok {
		return
	}
	s.render(w, http.StatusOK, "password.html", passwordPage{formPage: formPage{Name: st.Actor.Name}, Forced: st.MustChangePassword})
}

func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request) {
	st, ok := s.state(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		htmlError(w, http.StatusBadRequest, "表单无法读取 / the form cannot be read")
		return
	}
	page := passwordPage{formPage: formPage{Name: st.Actor.Name, Errors: map[string]string{}}, Forced: st.MustChangePassword}
	next := r.PostForm.Get("new")
	if next != r.PostForm.Get("confirm") {
		page.Errors["confirm"] = "两次输入的新密码不一致 / the two new passwords differ"
		s.render(w, http.StatusBadRequest, "password.html", page)
		return
	}
	c, _ := r.Cookie(SessionCookie)
	ctx, cancel := s.queryContext(r)
	defer cancel()
	err := s.cfg.Accounts.ChangePassword(ctx, c.Value, r.PostForm.Get("current"), next)
	var pe *accounts.PolicyError
	switch {
	case errors.Is(err, accounts.ErrBadCredentials):
		page.Errors["current"] = "当前密码不正确 / the current password is wrong"
	case errors.As(err, &pe):
		page.Errors["new"] = err.Error()
	case errors.Is(err, accounts.ErrSessionExpired):
		s.clearSessionCookie(w)
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	case err != nil:
		s.cfg.Logger.Error("password change", "err", err)
		htmlError(w, http.StatusInternalServerError, "服务器内部错误，请稍后再试 / internal error: please try again later")
		return
	}
	if err != nil {
		s.render(w, http.StatusBadRequest, "password.html", page)
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
	page := totpPage{formPage: formPage{Name: st.Actor.Name}, Required: st.NeedTOTPEnrolment}
	c, _ := r.Cookie(SessionCookie)
	ctx, cancel := s.queryContext(r)
	defer cancel()
	en, err := s.cfg.Accounts.BeginTOTP(ctx, c.Value)
	switch {
	case errors.Is(err, accounts.ErrTOTPEnabled):
		page.Enabled = true
	case errors.Is(err, accounts.ErrNoKey):
		htmlError(w, http.StatusServiceUnavailable, err.Error())
		return
	case err != nil:
		s.cfg.Logger.Error("totp enrolment", "err", err)
		htmlError(w, http.StatusInternalServerError, "服务器内部错误，请稍后再试 / internal error: please try again later")
		return
	default:
		page.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(en.PNG))
		page.Secret = en.Secret
	}
	s.render(w, http.StatusOK, "totp.html", page)
}

func (s *Server) handleTOTP(w http.ResponseWriter, r *http.Request) {
	st, ok := s.state(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		htmlError(w, http.StatusBadRequest, "表单无法读取 / the form cannot be read")
		return
	}
	c, _ := r.Cookie(SessionCookie)
	ctx, cancel := s.queryContext(r)
	defer cancel()
	codes, err := s.cfg.Accounts.ConfirmTOTP(ctx, c.Value, r.PostForm.Get("code"))
	page := totpPage{formPage: formPage{Name: st.Actor.Name, Errors: map[string]string{}}, Required: st.NeedTOTPEnrolment}
	switch {
	case errors.Is(err, accounts.ErrBadCode), errors.Is(err, accounts.ErrNoEnrolment):
		// A new key: the page shows it again, with the error by the field.
		page.Errors["code"] = err.Error() + "；请重新扫描下方的新二维码 / scan the new QR code below"
		en, berr := s.cfg.Accounts.BeginTOTP(ctx, c.Value)
		if berr != nil {
			s.cfg.Logger.Error("totp enrolment", "err", berr)
			htmlError(w, http.StatusInternalServerError, "服务器内部错误，请稍后再试 / internal error: please try again later")
			return
		}
		page.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(en.PNG))
		page.Secret = en.Secret
		s.render(w, http.StatusBadRequest, "totp.html", page)
		return
	case errors.Is(err, accounts.ErrTOTPEnabled):
		page.Enabled = true
	case err != nil:
		s.cfg.Logger.Error("totp confirmation", "err", err)
		htmlError(w, http.StatusInternalServerError, "服务器内部错误，请稍后再试 / internal error: please try again later")
		return
	default:
		page.Enabled, page.Codes = true, codes
	}
	s.render(w, http.StatusOK, "totp.html", page)
}

// accountSamples are the account templates' sample data, rendered once
// at start-up so a broken template stops the server.
func accountSamples() map[string]any {
	errs := map[string]string{"name": "示例 / sample", "password": "示例 / sample", "code": "示例 / sample", "current": "示例 / sample", "new": "示例 / sample", "confirm": "示例 / sample"}
	return map[string]any{
		"signin.html":   formPage{Name: "sample", Errors: errs, Notice: "示例 / sample"},
		"password.html": passwordPage{formPage: formPage{Name: "sample", Errors: errs}, Forced: true},
		"totp.html":     totpPage{formPage: formPage{Name: "sample", Errors: errs}, QR: "data:image/png;base64,", Secret: "SAMPLE", Codes: []string{"aaaa-bbbb-cccc-dddd"}, Required: true},
	}
}
