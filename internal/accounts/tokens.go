package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/authz"
	"mineplan/internal/input"
	"mineplan/internal/store"
)

// TokenPrefix starts every API token: mp_<id>_<secret>. The ID (16 hex
// digits) names the token in lists and the audit log; the secret is 32
// random bytes. The store keeps the SHA-256 of the whole token.
const TokenPrefix = "mp_"

// NewToken is what the security administrator gives for a token: its
// owner, a name, one role with its jurisdiction, and an expiry.
type NewToken struct {
	User       string
	Name       string
	Role       actor.Role
	County     string
	CreditCode string
	Expires    time.Time
}

// TokenInfo is a token as listed (never its secret).
type TokenInfo struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	User       string     `json:"user"`
	Role       actor.Role `json:"role"`
	County     string     `json:"county,omitempty"`
	CreditCode string     `json:"credit_code,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  time.Time  `json:"expires_at"`
	RevokedAt  time.Time  `json:"revoked_at,omitzero"`
}

// CreateToken makes a token and returns its secret, once. Its role is
// never an administrative one (machines have no second factor).
func (s *Service) CreateToken(ctx context.Context, nt NewToken) (string, TokenInfo, error) {
	if _, err := require(ctx, authz.TokensManage); err != nil {
		return "", TokenInfo{}, err
	}
	if err := CheckJurisdiction(nt.Role, nt.County, nt.CreditCode); err != nil {
		return "", TokenInfo{}, err
	}
	var err error
	if nt.County, err = s.county(nt.County); err != nil {
		return "", TokenInfo{}, err
	}
	if nt.Role.Administrative() {
		return "", TokenInfo{}, fmt.Errorf("令牌不能授予管理员角色 %s / a token cannot have the administrative role %s", nt.Role.ZH(), nt.Role.EN())
	}
	if strings.TrimSpace(nt.Name) == "" {
		return "", TokenInfo{}, errors.New("令牌须有名称（--name） / a token needs a name (--name)")
	}
	if err := input.CheckText(nt.Name, input.MaxName, false); err != nil {
		return "", TokenInfo{}, err
	}
	now := s.now()
	if !nt.Expires.After(now) || nt.Expires.Sub(now) > MaxTokenLife {
		return "", TokenInfo{}, fmt.Errorf("令牌的有效期须在将来且不超过 %d 天 / a token's expiry must be in the future and at most %d days away", int(MaxTokenLife.Hours()/24), int(MaxTokenLife.Hours()/24))
	}
	owner, err := s.st.UserByName(ctx, nt.User)
	if err != nil {
		return "", TokenInfo{}, err
	}
	if owner.Disabled {
		return "", TokenInfo{}, fmt.Errorf("用户 %s 已停用 / user %s is disabled", owner.Name, owner.Name)
	}
	idb := make([]byte, 8)
	sec := make([]byte, 32)
	if _, err := rand.Read(idb); err != nil {
		return "", TokenInfo{}, err
	}
	if _, err := rand.Read(sec); err != nil {
		return "", TokenInfo{}, err
	}
	id := hex.EncodeToString(idb)
	secret := TokenPrefix + id + "_" + base64.RawURLEncoding.EncodeToString(sec)
	t := store.APIToken{ID: id, SecretHash: digest(secret), Name: nt.Name, UserID: owner.ID, Role: nt.Role, County: nt.County,
		CreditCode: nt.CreditCode, CreatedAt: now, ExpiresAt: nt.Expires}
	e := s.entry(ctx, string(authz.TokensManage), "token:"+id)
	e.Detail = fmt.Sprintf("create for %s as %s until %s", owner.Name, nt.Role, nt.Expires.UTC().Format(time.RFC3339))
	if err := s.st.CreateToken(ctx, t, e); err != nil {
		return "", TokenInfo{}, err
	}
	return secret, tokenInfo(t, owner.Name), nil
}

func tokenInfo(t store.APIToken, owner string) TokenInfo {
	return TokenInfo{ID: t.ID, Name: t.Name, User: owner, Role: t.Role, County: t.County, CreditCode: t.CreditCode,
		CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt}
}

// Tokens lists tokens (one page, filtered in the store).
func (s *Service) Tokens(ctx context.Context, f store.TokenFilter) ([]TokenInfo, error) {
	if _, err := require(ctx, authz.TokensManage); err != nil {
		return nil, err
	}
	ts, err := s.st.Tokens(ctx, f)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	out := make([]TokenInfo, len(ts))
	for i, t := range ts {
		if _, ok := names[t.UserID]; !ok {
			u, err := s.st.User(ctx, t.UserID)
			if err != nil {
				return nil, err
			}
			names[t.UserID] = u.Name
		}
		out[i] = tokenInfo(t, names[t.UserID])
	}
	return out, nil
}

// RevokeToken revokes a token at once.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	if _, err := require(ctx, authz.TokensManage); err != nil {
		return err
	}
	e := s.entry(ctx, string(authz.TokensManage), "token:"+id)
	e.Detail = "revoke"
	return s.st.RevokeToken(ctx, id, s.now(), e)
}

// Token is the actor an Authorization: Bearer token acts as: the token's
// role and jurisdiction, named after its owner and the token.
func (s *Service) Token(ctx context.Context, bearer string) (actor.Actor, error) {
	rest, ok := strings.CutPrefix(bearer, TokenPrefix)
	if !ok {
		return actor.Actor{}, ErrTokenInvalid
	}
	id, _, ok := strings.Cut(rest, "_")
	if !ok || len(id) != 16 {
		return actor.Actor{}, ErrTokenInvalid
	}
	t, err := s.st.Token(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return actor.Actor{}, ErrTokenInvalid
	}
	if err != nil {
		return actor.Actor{}, err
	}
	if subtle.ConstantTimeCompare([]byte(digest(bearer)), []byte(t.SecretHash)) != 1 || !t.RevokedAt.IsZero() || !s.now().Before(t.ExpiresAt) {
		return actor.Actor{}, ErrTokenInvalid
	}
	owner, err := s.st.User(ctx, t.UserID)
	if err != nil {
		return actor.Actor{}, err
	}
	if owner.Disabled {
		return actor.Actor{}, ErrTokenInvalid
	}
	return actor.Actor{Kind: actor.User, Name: owner.Name + "#" + t.ID, Role: t.Role, County: t.County, CreditCode: t.CreditCode,
		UserID: owner.ID, TokenID: t.ID}, nil
}
