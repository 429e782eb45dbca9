// Package actor is who a request or a command acts for. The identity
// travels in the context (as benbjohnson/wtf's NewContextWithUser does):
// the edge that knows the caller (the HTTP middleware, the command line)
// puts it there once, and every use case that writes takes it from there,
// so accounts and the audit log plug in at the edge without a change to
// each call.
package actor

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"mineplan/internal/input"
)

// Kind says how an actor was identified.
type Kind string

const (
	// User is a signed-in account (the accounts issue adds them).
	User Kind = "user"
	// Anonymous is an unidentified web client, named by its address.
	Anonymous Kind = "anonymous"
	// Operator is the person at the command line, named by the OS user.
	Operator Kind = "operator"
	// System is the program acting on its own (start-up seeding).
	System Kind = "system"
)

// Actor is who acts. Name is what the audit trail shows (a user's
// account name, an operator's OS user, a client's address).
type Actor struct {
	Kind Kind   `json:"kind"`
	Name string `json:"name"`
	// Role is what a signed-in user or token may do; the public role for
	// anonymous clients. The command line's operator has none: it works
	// on the database file directly, as its owner.
	Role Role `json:"role,omitempty"`
	// County is the jurisdiction of a county clerk or a county's
	// enforcement officer; empty is prefecture-wide.
	County string `json:"county,omitempty"`
	// CreditCode is a holder account's unified social credit code: it
	// sees the rights and applications of that company only.
	CreditCode string `json:"credit_code,omitempty"`
	// UserID is the account's ID (0 for none); TokenID the API token a
	// machine client used (empty for a session).
	UserID  int64  `json:"user_id,omitempty"`
	TokenID string `json:"token_id,omitempty"`
	// Address and RequestID say where a web request came from, for the
	// audit log.
	Address   string `json:"address,omitempty"`
	RequestID string `json:"request_id,omitempty"`
}

// String is the actor as recorded: "kind:name".
func (a Actor) String() string { return string(a.Kind) + ":" + a.Name }

// Validate refuses an actor without a known kind or a usable name.
func (a Actor) Validate() error {
	switch a.Kind {
	case User, Anonymous, Operator, System:
	default:
		return fmt.Errorf("执行者类型 %q 无效 / actor kind %q is not user, anonymous, operator or system", a.Kind, a.Kind)
	}
	if a.Role != "" && !a.Role.Valid() {
		return fmt.Errorf("角色 %q 无效 / role %q is not one of mineplan's roles", a.Role, a.Role)
	}
	if strings.TrimSpace(a.Name) == "" {
		return fmt.Errorf("执行者缺少名称 / the actor has no name")
	}
	return input.CheckText(a.Name, input.MaxName, false)
}

type contextKey struct{}

// NewContext returns ctx carrying a.
func NewContext(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, contextKey{}, a)
}

// ErrNone is returned by From when the context carries no actor: a write
// without one is refused rather than recorded as nobody's.
var ErrNone = errors.New("没有执行者：写入须说明由谁执行 / no actor: a write must say who acts")

// From returns the context's actor, or ErrNone.
func From(ctx context.Context) (Actor, error) {
	a, ok := ctx.Value(contextKey{}).(Actor)
	if !ok {
		return Actor{}, ErrNone
	}
	if err := a.Validate(); err != nil {
		return Actor{}, err
	}
	return a, nil
}
