package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"

	"mineplan/internal/accounts"
	"mineplan/internal/actor"
)

// Authenticator turns a credential into the actor it stands for: a
// session cookie's value (a browser) or an API token sent as
// `Authorization: Bearer …` (a machine client). internal/accounts
// implements it; an external identity provider (OIDC) can too, and no
// use case changes. A credential that is unknown, expired or revoked is
// an error.
type Authenticator interface {
	Session(ctx context.Context, token string) (actor.Actor, error)
	Token(ctx context.Context, bearer string) (actor.Actor, error)
}

// SessionCookie is the name of the session cookie.
const SessionCookie = "mineplan_session"

// RequestIDHeader echoes each request's id, which the audit log records.
const RequestIDHeader = "X-Request-Id"

// maxCredential bounds a bearer token or cookie value read at all.
const maxCredential = 512

// authenticate puts who a request acts for into its context, where the
// authorisation and every use case that writes take it from: the user of
// a valid bearer token or session cookie, else an anonymous client with
// the public role, named by its address. Each request gets a fresh id.
//
// A bad bearer token is a 401: a machine client must learn that its token
// is wrong rather than be served as the public. A bad cookie (expired,
// signed out elsewhere) is cleared and the browser goes on as anonymous.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, addr := requestID(r), addressOf(r)
		who := actor.Actor{Kind: actor.Anonymous, Name: addr, Role: actor.Public}
		if h := r.Header.Get("Authorization"); h != "" {
			a, ok := s.bearer(r.Context(), h)
			if !ok {
				w.Header().Set("WWW-Authenticate", `Bearer realm="mineplan"`)
				s.writeError(w, r, &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated",
					Message: "令牌无效、已过期或已吊销 / the token is invalid, expired or revoked"})
				return
			}
			who = a
		} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			if a, ok, limited := s.session(r.Context(), c.Value); ok {
				who = a
			} else if !limited {
				http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.TLS, SameSite: http.SameSiteLaxMode})
			}
		}
		who.Address, who.RequestID = addr, id
		if who.Role == "" && who.Kind == actor.Anonymous {
			who.Role = actor.Public
		}
		next.ServeHTTP(w, r.WithContext(actor.NewContext(r.Context(), who)))
	})
}

// bearer checks an Authorization header; only the Bearer scheme is
// accepted. Errors are not logged with the credential, ever.
func (s *Server) bearer(ctx context.Context, header string) (actor.Actor, bool) {
	scheme, tok, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" || len(tok) > maxCredential || s.cfg.Authenticator == nil {
		return actor.Actor{}, false
	}
	a, err := s.cfg.Authenticator.Token(ctx, strings.TrimSpace(tok))
	if err != nil {
		s.cfg.Logger.Info("bearer token refused", "reason", errorKind(err))
		return actor.Actor{}, false
	}
	return a, a.Validate() == nil
}

// session checks a session cookie. A limited session (a one-time password
// to change, an administrator's TOTP to enrol) serves the request as the
// public, so no route sees a privilege, but keeps its cookie: the account
// pages read it themselves to finish the sign-in.
func (s *Server) session(ctx context.Context, value string) (a actor.Actor, ok, limited bool) {
	if len(value) > maxCredential || s.cfg.Authenticator == nil {
		return actor.Actor{}, false, false
	}
	a, err := s.cfg.Authenticator.Session(ctx, value)
	if err != nil {
		s.cfg.Logger.Info("session refused", "reason", errorKind(err))
		return actor.Actor{}, false, errors.Is(err, accounts.ErrSessionLimited)
	}
	return a, a.Validate() == nil, false
}

// errorKind is what a log may say of an authentication failure: the
// error's text, which the authenticator writes without the credential.
func errorKind(err error) string { return err.Error() }

func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}

// who is the request's actor, as authenticate put it there.
func who(r *http.Request) actor.Actor {
	a, err := actor.From(r.Context())
	if err != nil {
		return actor.Actor{Kind: actor.Anonymous, Name: "unknown address", Role: actor.Public}
	}
	return a
}
