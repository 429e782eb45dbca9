package accounts

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"errors"
	"image/png"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"mineplan/internal/authz"
	"mineplan/internal/store"
)

// RecoveryCodes is how many one-time recovery codes an enrolment issues.
const RecoveryCodes = 10

// totpOpts: RFC 6238's defaults (30 s, 6 digits, SHA-1, which every
// authenticator app reads), one step of clock skew either side.
var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Enrolment is what the enrolment page shows: the otpauth:// URL, its QR
// code as PNG, and the secret for typing in by hand.
type Enrolment struct {
	URL    string
	PNG    []byte
	Secret string
}

// BeginTOTP makes a new TOTP secret for the session's user and stores it
// (encrypted), not yet on: ConfirmTOTP turns it on. An account whose TOTP
// is on already must have it reset by the security administrator first,
// so a stolen session cannot move the second factor.
func (s *Service) BeginTOTP(ctx context.Context, token string) (Enrolment, error) {
	st, err := s.State(ctx, token)
	if err != nil {
		return Enrolment{}, err
	}
	u := st.user
	if u.TOTPEnabled {
		return Enrolment{}, ErrTOTPEnabled
	}
	if st.MustChangePassword {
		return Enrolment{}, ErrPasswordChangeRequired
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: s.issuer, AccountName: u.Name, Period: totpOpts.Period, Digits: totpOpts.Digits, Algorithm: totpOpts.Algorithm})
	if err != nil {
		return Enrolment{}, err
	}
	secret, err := s.seal(u.Name, "totp", key.Secret())
	if err != nil {
		return Enrolment{}, err
	}
	img, err := key.Image(240, 240)
	if err != nil {
		return Enrolment{}, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return Enrolment{}, err
	}
	e := s.userEntry(ctx, u, string(authz.AccountSelf))
	e.Detail = "totp enrolment begun"
	if err := s.st.SetTOTP(ctx, u.ID, secret, false, nil, e); err != nil {
		return Enrolment{}, err
	}
	return Enrolment{URL: key.URL(), PNG: buf.Bytes(), Secret: key.Secret()}, nil
}

// ErrNoEnrolment: ConfirmTOTP without a BeginTOTP.
var ErrNoEnrolment = errors.New("请先开始绑定动态验证码 / begin the TOTP enrolment first")

// ConfirmTOTP checks a code from the new secret, turns TOTP on and
// returns the recovery codes: shown once, stored only as digests.
func (s *Service) ConfirmTOTP(ctx context.Context, token, code string) ([]string, error) {
	st, err := s.State(ctx, token)
	if err != nil {
		return nil, err
	}
	u := st.user
	if u.TOTPEnabled {
		return nil, ErrTOTPEnabled
	}
	if u.TOTPSecret == nil {
		return nil, ErrNoEnrolment
	}
	secret, err := s.open(u.Name, "totp", u.TOTPSecret)
	if err != nil {
		return nil, err
	}
	if ok, _ := totp.ValidateCustom(strings.TrimSpace(code), secret, s.now(), totpOpts); !ok {
		return nil, ErrBadCode
	}
	codes := make([]string, RecoveryCodes)
	hashes := make([]string, RecoveryCodes)
	for i := range codes {
		if codes[i], err = newRecoveryCode(); err != nil {
			return nil, err
		}
		hashes[i] = recoveryDigest(u.Name, codes[i])
	}
	e := s.userEntry(ctx, u, string(authz.AccountSelf))
	e.Detail, e.BeforeState = "totp on", state(u)
	u.TOTPEnabled = true
	e.AfterState = state(u)
	if err := s.st.SetTOTP(ctx, u.ID, u.TOTPSecret, true, hashes, e); err != nil {
		return nil, err
	}
	return codes, nil
}

// checkCode accepts a TOTP code or an unused recovery code (which it
// uses up) and names which; a wrong one counts towards the lock. For a
// TOTP code it also returns its time step, which the session records so
// the code is accepted once.
func (s *Service) checkCode(ctx context.Context, u store.User, code string) (string, int64, error) {
	code = strings.TrimSpace(code)
	secret, err := s.open(u.Name, "totp", u.TOTPSecret)
	if err != nil {
		return "", 0, err
	}
	if step, ok := totpStep(code, secret, s.now()); ok {
		return "totp", step, nil
	}
	if len(code) > 6 {
		e := s.userEntry(ctx, u, "session.recovery_code")
		err := s.st.UseRecoveryCode(ctx, u.ID, recoveryDigest(u.Name, code), s.now(), e)
		if err == nil {
			return "recovery code", 0, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return "", 0, err
		}
	}
	return "", 0, s.countFailure(ctx, u, "wrong code", ErrBadCode)
}

var recoveryEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// newRecoveryCode is 80 random bits as four groups of four base32
// characters, lower case: xxxx-xxxx-xxxx-xxxx.
func newRecoveryCode() (string, error) {
	b := make([]byte, 10)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	s := strings.ToLower(recoveryEncoding.EncodeToString(b))
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16], nil
}

// recoveryDigest is the stored form of a code: SHA-256 over the account
// name and the code without dashes, spaces or case. 80 random bits need
// no slow hash.
func recoveryDigest(name, code string) string {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	return digest("mineplan-recovery\x00" + name + "\x00" + c)
}

// totpStep finds the time step, within the skew totpOpts allow, whose code
// is code.
func totpStep(code, secret string, now time.Time) (int64, bool) {
	period := int64(totpOpts.Period)
	for d := -int64(totpOpts.Skew); d <= int64(totpOpts.Skew); d++ {
		t := now.Add(time.Duration(d*period) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return t.Unix() / period, true
		}
	}
	return 0, false
}
