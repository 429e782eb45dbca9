package accounts

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/alexedwards/argon2id"

	"mineplan/internal/actor"
	"mineplan/internal/authz"
	"mineplan/internal/input"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// NewUser is what the security administrator gives for a new account.
type NewUser struct {
	Name        string
	DisplayName string
	Role        actor.Role
	County      string
	CreditCode  string
	Email       string
	Phone       string
	// Illustrative marks a demo account (see Bootstrap).
	Illustrative bool
}

// UserInfo is an account as listed: no secrets, and no personal data
// (Contact reads that, audited).
type UserInfo struct {
	ID           int64      `json:"id"`
	Name         string     `json:"name"`
	DisplayName  string     `json:"display_name,omitempty"`
	Role         actor.Role `json:"role"`
	County       string     `json:"county,omitempty"`
	CreditCode   string     `json:"credit_code,omitempty"`
	HasEmail     bool       `json:"has_email"`
	HasPhone     bool       `json:"has_phone"`
	TOTPEnabled  bool       `json:"totp_enabled"`
	MustChange   bool       `json:"must_change_password"`
	Disabled     bool       `json:"disabled"`
	Illustrative bool       `json:"illustrative"`
	LockedUntil  time.Time  `json:"locked_until,omitzero"`
	CreatedAt    time.Time  `json:"created_at"`
}

func info(u store.User) UserInfo {
	return UserInfo{ID: u.ID, Name: u.Name, DisplayName: u.DisplayName, Role: u.Role, County: u.County, CreditCode: u.CreditCode,
		HasEmail: u.Email != nil, HasPhone: u.Phone != nil, TOTPEnabled: u.TOTPEnabled, MustChange: u.MustChangePassword,
		Disabled: u.Disabled, Illustrative: u.Illustrative, LockedUntil: u.LockedUntil, CreatedAt: u.CreatedAt}
}

var namePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,63}$`)

// CheckJurisdiction checks a role's county and credit code: a holder is
// bound to a valid credit code, a county clerk to a county, an
// enforcement officer may be; no other role has either.
func CheckJurisdiction(role actor.Role, county, creditCode string) error {
	if !role.Valid() || role == actor.Public {
		return fmt.Errorf("角色 %q 无效 / role %q is not an account's role", role, role)
	}
	switch {
	case role.NeedsCounty() && county == "":
		return fmt.Errorf("%s须指定 --county / a %s needs --county", role.ZH(), role.EN())
	case !role.MayHaveCounty() && county != "":
		return fmt.Errorf("%s不属于某县 / a %s is not bound to a county", role.ZH(), role.EN())
	case role == actor.Holder && creditCode == "":
		return fmt.Errorf("矿业权人账户须指定 --credit-code / a holder account needs --credit-code")
	case role != actor.Holder && creditCode != "":
		return fmt.Errorf("只有矿业权人账户有统一社会信用代码 / only a holder account has a credit code")
	}
	if county != "" {
		if err := input.CheckText(county, input.MaxName, false); err != nil {
			return err
		}
	}
	if creditCode != "" {
		return rights.ValidateCreditCode(creditCode)
	}
	return nil
}

// AddUser creates an account with a one-time password, which it returns
// once: the user must change it at the first sign-in.
func (s *Service) AddUser(ctx context.Context, nu NewUser) (UserInfo, string, error) {
	if _, err := require(ctx, authz.UsersManage); err != nil {
		return UserInfo{}, "", err
	}
	if !namePattern.MatchString(nu.Name) {
		return UserInfo{}, "", fmt.Errorf("用户名 %q 无效：2–64 个小写字母、数字或 . _ -，以字母或数字开头 / user name %q: 2–64 lower-case letters, digits or . _ -, starting with a letter or digit", nu.Name, nu.Name)
	}
	if err := CheckJurisdiction(nu.Role, nu.County, nu.CreditCode); err != nil {
		return UserInfo{}, "", err
	}
	var err error
	if nu.County, err = s.county(nu.County); err != nil {
		return UserInfo{}, "", err
	}
	if err := input.CheckText(nu.DisplayName, input.MaxName, false); err != nil {
		return UserInfo{}, "", err
	}
	email, err := s.seal(nu.Name, "email", nu.Email)
	if err != nil {
		return UserInfo{}, "", err
	}
	phone, err := s.seal(nu.Name, "phone", nu.Phone)
	if err != nil {
		return UserInfo{}, "", err
	}
	pw := OneTimePassword(nu.Name)
	hash, err := argon2id.CreateHash(pw, s.params)
	if err != nil {
		return UserInfo{}, "", err
	}
	u := store.User{Name: nu.Name, DisplayName: nu.DisplayName, Role: nu.Role, County: nu.County, CreditCode: nu.CreditCode,
		Email: email, Phone: phone, PasswordHash: hash, MustChangePassword: true, Illustrative: nu.Illustrative, CreatedAt: s.now()}
	e := s.entry(ctx, string(authz.UsersManage), userObject(u.Name))
	e.Detail, e.AfterState = "create", state(u)
	u, err = s.st.CreateUser(ctx, u, e)
	if errors.Is(err, store.ErrConflict) {
		return UserInfo{}, "", fmt.Errorf("用户名 %s 已被使用 / the user name %s is taken: %w", nu.Name, nu.Name, err)
	}
	if err != nil {
		return UserInfo{}, "", err
	}
	return info(u), pw, nil
}

// Users lists accounts (one page, filtered in the store).
func (s *Service) Users(ctx context.Context, f store.UserFilter) ([]UserInfo, error) {
	if _, err := require(ctx, authz.UsersManage); err != nil {
		return nil, err
	}
	us, err := s.st.Users(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]UserInfo, len(us))
	for i, u := range us {
		out[i] = info(u)
	}
	return out, nil
}

// Contact decrypts a user's e-mail and phone; reading personal data is
// audited.
func (s *Service) Contact(ctx context.Context, name string) (email, phone string, err error) {
	if _, err := require(ctx, authz.UsersManage); err != nil {
		return "", "", err
	}
	u, err := s.st.UserByName(ctx, name)
	if err != nil {
		return "", "", err
	}
	if email, err = s.open(u.Name, "email", u.Email); err != nil {
		return "", "", err
	}
	if phone, err = s.open(u.Name, "phone", u.Phone); err != nil {
		return "", "", err
	}
	e := s.entry(ctx, string(authz.UsersManage), userObject(u.Name))
	e.Detail = "personal data read"
	if _, err := s.st.AppendAudit(ctx, e); err != nil {
		return "", "", err
	}
	return email, phone, nil
}

// DisableUser disables an account and ends its sessions.
func (s *Service) DisableUser(ctx context.Context, name string) error {
	if _, err := require(ctx, authz.UsersManage); err != nil {
		return err
	}
	u, err := s.st.UserByName(ctx, name)
	if err != nil {
		return err
	}
	e := s.entry(ctx, string(authz.UsersManage), userObject(u.Name))
	e.Detail, e.BeforeState = "disable", state(u)
	u.Disabled = true
	e.AfterState = state(u)
	return s.st.UpdateUser(ctx, u.ID, store.UserChange{DisplayName: u.DisplayName, Role: u.Role, County: u.County, CreditCode: u.CreditCode,
		Email: u.Email, Phone: u.Phone, Disabled: true}, s.now(), e)
}

// ResetPassword gives an account a new one-time password (returned once)
// and ends its sessions; it also lifts a lock.
func (s *Service) ResetPassword(ctx context.Context, name string) (string, error) {
	if _, err := require(ctx, authz.UsersManage); err != nil {
		return "", err
	}
	u, err := s.st.UserByName(ctx, name)
	if err != nil {
		return "", err
	}
	pw := OneTimePassword(u.Name)
	hash, err := argon2id.CreateHash(pw, s.params)
	if err != nil {
		return "", err
	}
	e := s.entry(ctx, string(authz.UsersManage), userObject(u.Name))
	e.Detail, e.BeforeState = "reset password", state(u)
	u.MustChangePassword = true
	e.AfterState = state(u)
	err = s.st.SetPassword(ctx, store.PasswordChange{UserID: u.ID, Hash: hash, MustChange: true, EndSessions: true, At: s.now()}, e)
	return pw, err
}

// ResetTOTP turns an account's TOTP off and removes its recovery codes
// (a lost phone); an administrator must enrol again at the next sign-in.
func (s *Service) ResetTOTP(ctx context.Context, name string) error {
	if _, err := require(ctx, authz.UsersManage); err != nil {
		return err
	}
	u, err := s.st.UserByName(ctx, name)
	if err != nil {
		return err
	}
	e := s.entry(ctx, string(authz.UsersManage), userObject(u.Name))
	e.Detail, e.BeforeState = "reset totp", state(u)
	u.TOTPEnabled = false
	e.AfterState = state(u)
	return s.st.SetTOTP(ctx, u.ID, nil, false, nil, e)
}
