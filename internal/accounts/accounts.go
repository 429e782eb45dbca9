// Package accounts is who may sign in and how: users and their password
// policy (argon2id), server-side sessions (30 minutes idle, 12 hours in
// all), the lockout after repeated failures, TOTP with one-time recovery
// codes (required for the administrative roles), and API tokens for
// machine clients. Personal fields are encrypted with internal/fieldcrypt
// before the store sees them. Every change is written with its audit
// entry in one transaction; the clock is injected, so tests move time.
//
// Password sign-in is one Authenticator; an external identity provider
// (the province's 政务服务网, the 电子营业执照 for companies, usually
// OIDC) is another: it verifies the person its own way and then calls
// Service.StartSession with the account name it maps them to, which
// applies the same rules (disabled accounts, the second factor of the
// administrative roles) and makes the same session.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
	"mineplan/internal/fieldcrypt"
	"mineplan/internal/plan"
	"mineplan/internal/store"
)

// Store is what the accounts need of a backend.
type Store interface {
	store.AccountStore
	store.AuditStore
}

// Config builds a Service.
type Config struct {
	Store Store
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Cipher encrypts personal fields and TOTP secrets; nil refuses to
	// store either (there is no key to protect them with).
	Cipher fieldcrypt.Cipher
	// Issuer is the name authenticator apps show; "" is "mineplan".
	Issuer string
	// Params are the argon2id parameters; nil is PasswordParams.
	Params *argon2id.Params
	// Plan is the served plan, whose counties are the only ones an account
	// or a token may be bound to; nil accepts any (a database that has no
	// plan yet).
	Plan *plan.Plan
}

// Service is the accounts' use cases.
type Service struct {
	st     Store
	now    func() time.Time
	cipher fieldcrypt.Cipher
	issuer string
	params *argon2id.Params
	plan   *plan.Plan
	// dummy is a hash no password matches: an unknown name costs the
	// same time as a wrong password, so timing does not tell them apart.
	dummy string
}

// The rules of sign-in and sessions.
const (
	MaxFailures    = 5
	FailureWindow  = 15 * time.Minute
	LockFor        = 15 * time.Minute
	IdleTimeout    = 30 * time.Minute
	AbsoluteTimout = 12 * time.Hour
	// touchEvery bounds how often a session's last-seen time is written:
	// once a minute rather than on every request.
	touchEvery = time.Minute
	// MaxTokenLife is the longest expiry an API token may have.
	MaxTokenLife = 366 * 24 * time.Hour
)

// New builds the service.
func New(cfg Config) (*Service, error) {
	if cfg.Store == nil {
		return nil, errors.New("accounts: no store")
	}
	s := &Service{st: cfg.Store, now: cfg.Now, cipher: cfg.Cipher, issuer: cfg.Issuer, params: cfg.Params, plan: cfg.Plan}
	if s.now == nil {
		s.now = time.Now
	}
	if s.issuer == "" {
		s.issuer = "mineplan"
	}
	if s.params == nil {
		s.params = PasswordParams
	}
	var err error
	if s.dummy, err = argon2id.CreateHash("mineplan: no account has this password", s.params); err != nil {
		return nil, err
	}
	return s, nil
}

// Errors of sign-in and sessions. The messages never say whether a user
// name exists.
var (
	ErrBadCredentials = errors.New("用户名或密码不正确，或账户暂时锁定 / the user name or password is wrong, or the account is locked for now")
	ErrCodeRequired   = errors.New("请输入动态验证码或恢复码 / enter the TOTP code or a recovery code")
	ErrBadCode        = errors.New("动态验证码或恢复码不正确 / the TOTP code or recovery code is wrong")
	ErrSessionExpired = errors.New("会话已结束，请重新登录 / the session has ended: sign in again")
	// ErrSessionLimited: the session may only finish signing in (change
	// the one-time password, enrol TOTP); to every other route it is not
	// signed in.
	ErrSessionLimited         = errors.New("会话仅限完成登录步骤 / the session may only finish signing in")
	ErrPasswordChangeRequired = fmt.Errorf("须先修改一次性密码 / the one-time password must be changed first: %w", ErrSessionLimited)
	ErrTOTPEnrolmentRequired  = fmt.Errorf("管理员须先启用动态验证码 / an administrator must enrol TOTP first: %w", ErrSessionLimited)
	ErrTokenInvalid           = errors.New("令牌无效、已过期或已吊销 / the token is invalid, expired or revoked")
	ErrNoKey                  = errors.New("未配置数据密钥，不能保存个人信息或动态验证码密钥（--key-file 或 " + fieldcrypt.EnvKeyFile + "） / no data key is configured, so personal data and TOTP secrets cannot be stored (--key-file or " + fieldcrypt.EnvKeyFile + ")")
	ErrForbidden              = errors.New("无权执行此操作 / not allowed")
	ErrTOTPEnabled            = errors.New("动态验证码已启用；须由安全管理员重置后重新绑定 / TOTP is on already; the security administrator resets it before a new enrolment")
)

// entry starts an audit entry for the context's actor (an anonymous one
// when the context has none, as at sign-in), stamped with the clock.
func (s *Service) entry(ctx context.Context, action, object string) audit.Entry {
	a, err := actor.From(ctx)
	if err != nil {
		a = actor.Actor{Kind: actor.Anonymous, Name: "unknown"}
	}
	e := audit.For(a, action, object)
	e.At = s.now()
	return e
}

// userEntry is an entry whose actor is the user u itself (at sign-in,
// the address comes from the context's anonymous actor).
func (s *Service) userEntry(ctx context.Context, u store.User, action string) audit.Entry {
	e := s.entry(ctx, action, userObject(u.Name))
	a := actorOf(u)
	e.Actor, e.Role = a.String(), string(a.Role)
	return e
}

func userObject(name string) string { return "user:" + name }

// require refuses unless the context's actor may take act.
func require(ctx context.Context, act authz.Action) (actor.Actor, error) {
	a, err := actor.From(ctx)
	if err != nil {
		return a, err
	}
	if authz.Decide(a, act, authz.Object{}, nil) != authz.Allow {
		return a, fmt.Errorf("%w: %s (%s)", ErrForbidden, act, a)
	}
	return a, nil
}

// actorOf is the actor a user's session acts as.
func actorOf(u store.User) actor.Actor {
	return actor.Actor{Kind: actor.User, Name: u.Name, Role: u.Role, County: u.County, CreditCode: u.CreditCode, UserID: u.ID}
}

// state is a user's audited state: what an entry's digest covers. It
// holds no personal data and no secret.
func state(u store.User) []byte {
	return fmt.Appendf(nil, "user\x00%s\x00%s\x00%s\x00%s\x00disabled=%t\x00totp=%t\x00must_change=%t\x00illustrative=%t",
		u.Name, u.Role, u.County, u.CreditCode, u.Disabled, u.TOTPEnabled, u.MustChangePassword, u.Illustrative)
}

func (s *Service) seal(name, field string, v string) ([]byte, error) {
	if v == "" {
		return nil, nil
	}
	if s.cipher == nil {
		return nil, ErrNoKey
	}
	return s.cipher.Seal([]byte(v), additional(name, field))
}

func (s *Service) open(name, field string, ct []byte) (string, error) {
	if ct == nil {
		return "", nil
	}
	if s.cipher == nil {
		return "", ErrNoKey
	}
	pt, err := s.cipher.Open(ct, additional(name, field))
	if err != nil {
		return "", fmt.Errorf("用户 %s 的 %s / user %s's %s: %w", name, field, name, field, err)
	}
	return string(pt), nil
}

// additional binds a ciphertext to its account and field. The name, not
// the ID, is used because the ID is assigned in the same insert; names
// never change.
func additional(name, field string) []byte { return []byte("users/" + name + "/" + field) }

// county is the plan's name of a county given by name, alias or code
// ("" stays ""); an unknown one is refused with the closest names.
func (s *Service) county(name string) (string, error) {
	if name == "" || s.plan == nil {
		return name, nil
	}
	if c, ok := s.plan.CountyByNameOrCode(name); ok {
		return c.Name, nil
	}
	near := strings.Join(s.plan.ClosestCounties(name, 3), "、")
	return "", fmt.Errorf("规划中没有县（市）“%s”；相近的有：%s / the plan has no county %q; the closest are: %s", name, near, name, near)
}
