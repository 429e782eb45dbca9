package accounts_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pquerna/otp/totp"

	"mineplan/internal/accounts"
	"mineplan/internal/actor"
	"mineplan/internal/authz"
	"mineplan/internal/fieldcrypt"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/postgis/pgtest"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/store/storetest"
)

// clock is the tests' movable time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }
func operatorCtx() context.Context {
	return actor.NewContext(context.Background(), actor.Actor{Kind: actor.Operator, Name: "root"})
}
func clientCtx(addr string) context.Context {
	return actor.NewContext(context.Background(), actor.Actor{Kind: actor.Anonymous, Name: addr, Address: addr})
}

type backend struct {
	name string
	// open returns a fresh store and where it is: the SQLite file, or
	// the PostgreSQL URL.
	open func(t *testing.T) (store.Store, string)
}

var backends = []backend{
	{"SQLite", func(t *testing.T) (store.Store, string) {
		path := filepath.Join(t.TempDir(), "accounts.db")
		db, err := sqlite.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db, path
	}},
	{"PostGIS", func(t *testing.T) (store.Store, string) {
		url := pgtest.URL(t)
		db, err := postgis.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db, url
	}},
}

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, fieldcrypt.KeyLen) }

func newService(t *testing.T, st store.Store, c *clock, alg fieldcrypt.Alg) *accounts.Service {
	t.Helper()
	ci, err := fieldcrypt.New(testKey(1), alg)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := accounts.New(accounts.Config{Store: st, Now: c.now, Cipher: ci, Issuer: "mineplan test"})
	if err != nil {
		t.Fatal(err)
	}
	return svc
}

// firstPassword signs a new user in with its one-time password, changes
// it to pw, and returns the session token.
func firstPassword(t *testing.T, svc *accounts.Service, name, once, pw string) string {
	t.Helper()
	ctx := clientCtx("10.0.0.1")
	res, err := svc.SignIn(ctx, accounts.SignInRequest{Name: name, Password: once})
	if err != nil {
		t.Fatalf("first sign-in of %s: %v", name, err)
	}
	if !res.MustChangePassword {
		t.Fatalf("%s's first sign-in does not force a password change", name)
	}
	if _, err := svc.Session(ctx, res.Token); !errors.Is(err, accounts.ErrPasswordChangeRequired) || !errors.Is(err, accounts.ErrSessionLimited) {
		t.Fatalf("a session before the change: %v, want ErrPasswordChangeRequired", err)
	}
	if err := svc.ChangePassword(ctx, res.Token, once, pw); err != nil {
		t.Fatal(err)
	}
	return res.Token
}

func actions(t *testing.T, st store.Store, action string) []string {
	t.Helper()
	es, err := st.AuditEntries(context.Background(), store.AuditFilter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Object+" "+e.Detail)
	}
	return out
}

// TestSignIn is the acceptance's sign-in test, on both backends: the
// lockout and its expiry, idle and absolute expiry, TOTP for an
// administrator, a recovery code used once, token scope and expiry,
// sign-out and disabling ending every session, and the audit trail.
func TestSignIn(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			st, _ := b.open(t)
			c := newClock()
			svc := newService(t, st, c, fieldcrypt.AES256GCM)
			ops := operatorCtx()
			web := clientCtx("10.0.0.1")

			_, once, err := svc.AddUser(ops, accounts.NewUser{Name: "planner1", Role: actor.Planner, Email: "p1@example.cn"})
			if err != nil {
				t.Fatal(err)
			}
			const pw = "Kashgar-plan-2026"
			firstPassword(t, svc, "planner1", once, pw)

			t.Run("policy", func(t *testing.T) {
				res, err := svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: pw})
				if err != nil {
					t.Fatal(err)
				}
				var pe *accounts.PolicyError
				for _, bad := range []string{"short1A", "alllowercaseletters", "planner1-Secret", once, pw} {
					if err := svc.ChangePassword(web, res.Token, pw, bad); !errors.As(err, &pe) {
						t.Errorf("new password %q: %v, want a PolicyError", bad, err)
					}
				}
			})

			t.Run("lockout", func(t *testing.T) {
				for i := range 4 {
					if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: "wrong-Password-1"}); !errors.Is(err, accounts.ErrBadCredentials) {
						t.Fatalf("failure %d: %v", i+1, err)
					}
					c.add(time.Minute)
				}
				// An unknown name answers exactly the same.
				_, unknown := svc.SignIn(web, accounts.SignInRequest{Name: "nobody", Password: "x"})
				_, wrong := svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: "y"}) // the fifth: locks
				if unknown == nil || wrong == nil || unknown.Error() != wrong.Error() {
					t.Fatalf("unknown name %v, wrong password %v: the messages differ", unknown, wrong)
				}
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: pw}); !errors.Is(err, accounts.ErrBadCredentials) {
					t.Fatalf("the right password while locked: %v", err)
				}
				if got := actions(t, st, "session.locked"); len(got) != 1 || !strings.HasPrefix(got[0], "user:planner1 5 failures") {
					t.Errorf("lock entries %v", got)
				}
				c.add(accounts.LockFor + time.Second)
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: pw}); err != nil {
					t.Fatalf("after the lock expired: %v", err)
				}
				// Failures spread beyond the window do not lock.
				for range 6 {
					svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: "wrong"})
					c.add(4 * time.Minute)
				}
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: pw}); err != nil {
					t.Fatalf("failures four minutes apart locked the account: %v", err)
				}
			})

			t.Run("expiry", func(t *testing.T) {
				res, err := svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: pw})
				if err != nil {
					t.Fatal(err)
				}
				a, err := svc.Session(web, res.Token)
				if err != nil || a.Name != "planner1" || a.Role != actor.Planner || a.UserID == 0 || a.Kind != actor.User {
					t.Fatalf("session actor %+v, %v", a, err)
				}
				// Used every 29 minutes, it lives until its 12 hours are up.
				for c.now().Add(29*time.Minute).Sub(res.Expires.Add(-accounts.AbsoluteTimout)) < accounts.AbsoluteTimout {
					c.add(29 * time.Minute)
					if _, err := svc.Session(web, res.Token); err != nil {
						t.Fatalf("a session used every 29 minutes ended at %v: %v", c.now(), err)
					}
				}
				c.t = res.Expires
				if _, err := svc.Session(web, res.Token); !errors.Is(err, accounts.ErrSessionExpired) {
					t.Fatalf("after 12 hours: %v", err)
				}
				res, _ = svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: pw})
				c.add(accounts.IdleTimeout)
				if _, err := svc.Session(web, res.Token); !errors.Is(err, accounts.ErrSessionExpired) {
					t.Fatalf("after 30 minutes idle: %v", err)
				}
				got := strings.Join(actions(t, st, "session.expired"), ";")
				if !strings.Contains(got, "absolute") || !strings.Contains(got, "idle") {
					t.Errorf("expiry entries %q", got)
				}
				if _, err := svc.Session(web, "forged"); !errors.Is(err, accounts.ErrSessionExpired) {
					t.Errorf("a forged token: %v", err)
				}
			})

			t.Run("sign-out ends all sessions", func(t *testing.T) {
				var tokens []string
				for range 3 {
					res, err := svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: pw})
					if err != nil {
						t.Fatal(err)
					}
					tokens = append(tokens, res.Token)
				}
				if err := svc.SignOut(web, tokens[1]); err != nil {
					t.Fatal(err)
				}
				for i, tok := range tokens {
					if _, err := svc.Session(web, tok); !errors.Is(err, accounts.ErrSessionExpired) {
						t.Errorf("session %d after signing out: %v", i, err)
					}
				}
			})

			t.Run("administrator TOTP and recovery codes", func(t *testing.T) {
				_, once, err := svc.AddUser(ops, accounts.NewUser{Name: "sec", Role: actor.SecurityAdmin})
				if err != nil {
					t.Fatal(err)
				}
				const apw = "Kashgar-guard-42"
				tok := firstPassword(t, svc, "sec", once, apw)
				// Changed, but without TOTP an administrator is limited to enrolment.
				if _, err := svc.Session(web, tok); !errors.Is(err, accounts.ErrTOTPEnrolmentRequired) {
					t.Fatalf("an administrator without TOTP: %v", err)
				}
				res, err := svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw})
				if err != nil || !res.NeedTOTPEnrolment {
					t.Fatalf("sign-in before enrolment: %+v, %v", res, err)
				}
				if _, err := svc.ConfirmTOTP(web, res.Token, "123456"); !errors.Is(err, accounts.ErrNoEnrolment) {
					t.Errorf("confirm without begin: %v", err)
				}
				en, err := svc.BeginTOTP(web, res.Token)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(en.URL, "otpauth://totp/") || !bytes.HasPrefix(en.PNG, []byte("\x89PNG")) {
					t.Fatalf("enrolment %q, %d bytes of image", en.URL, len(en.PNG))
				}
				if _, err := svc.ConfirmTOTP(web, res.Token, "000000"); !errors.Is(err, accounts.ErrBadCode) {
					t.Errorf("a wrong confirmation code: %v", err)
				}
				code, _ := totp.GenerateCode(en.Secret, c.now())
				codes, err := svc.ConfirmTOTP(web, res.Token, code)
				if err != nil || len(codes) != accounts.RecoveryCodes {
					t.Fatalf("confirm: %d codes, %v", len(codes), err)
				}
				if a, err := svc.Session(web, res.Token); err != nil || a.Role != actor.SecurityAdmin {
					t.Fatalf("the enrolled session: %+v, %v", a, err)
				}
				if _, err := svc.BeginTOTP(web, res.Token); !errors.Is(err, accounts.ErrTOTPEnabled) {
					t.Errorf("re-enrolment over an enabled TOTP: %v", err)
				}
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw}); !errors.Is(err, accounts.ErrCodeRequired) {
					t.Fatalf("no code: %v", err)
				}
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw, Code: "999999"}); !errors.Is(err, accounts.ErrBadCode) {
					t.Fatalf("a wrong code: %v", err)
				}
				c.add(time.Minute)
				code, _ = totp.GenerateCode(en.Secret, c.now())
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw, Code: code}); err != nil {
					t.Fatalf("the right code: %v", err)
				}
				// RFC 6238 §5.2: the same code is not accepted twice, nor a
				// code of an earlier step still inside the skew.
				c.add(10 * time.Second)
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw, Code: code}); !errors.Is(err, accounts.ErrBadCode) {
					t.Fatalf("the same code again: %v", err)
				}
				early, _ := totp.GenerateCode(en.Secret, c.now().Add(-30*time.Second))
				if early != code {
					if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw, Code: early}); !errors.Is(err, accounts.ErrBadCode) {
						t.Fatalf("a code of an earlier step: %v", err)
					}
				}
				c.add(30 * time.Second)
				next, _ := totp.GenerateCode(en.Secret, c.now())
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw, Code: next}); err != nil {
					t.Fatalf("the next step's code: %v", err)
				}
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw, Code: strings.ToUpper(codes[3])}); err != nil {
					t.Fatalf("a recovery code: %v", err)
				}
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw, Code: codes[3]}); !errors.Is(err, accounts.ErrBadCode) {
					t.Fatalf("a recovery code used twice: %v", err)
				}
				if n := len(actions(t, st, "session.recovery_code")); n != 1 {
					t.Errorf("%d recovery-code entries, want 1", n)
				}
				// A reset (a lost phone) limits the administrator to enrolment again.
				if err := svc.ResetTOTP(ops, "sec"); err != nil {
					t.Fatal(err)
				}
				res, err = svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw})
				if err != nil || !res.NeedTOTPEnrolment {
					t.Fatalf("after the reset: %+v, %v", res, err)
				}
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "sec", Password: apw, Code: codes[4]}); err != nil {
					t.Errorf("sign-in after the reset ignores the code: %v", err)
				}
			})

			t.Run("tokens", func(t *testing.T) {
				_, _, err := svc.AddUser(ops, accounts.NewUser{Name: "filer", Role: actor.Holder, CreditCode: "91653100MA78TEST0X"})
				if err == nil {
					t.Fatal("an invalid credit code was accepted")
				}
				check, err := rights.CreditCheckChar("91653100MA7TTTTT1")
				if err != nil {
					t.Fatal(err)
				}
				credit := "91653100MA7TTTTT1" + string(check)
				if _, _, err := svc.AddUser(ops, accounts.NewUser{Name: "filer", Role: actor.Holder, CreditCode: credit}); err != nil {
					t.Fatal(err)
				}
				plain := accounts.NewToken{User: "filer", Name: "申报软件", Role: actor.Holder, CreditCode: credit, Expires: c.now().Add(48 * time.Hour)}
				if _, _, err := svc.CreateToken(web, plain); !errors.Is(err, accounts.ErrForbidden) {
					t.Errorf("an anonymous client created a token: %v", err)
				}
				for _, bad := range []accounts.NewToken{
					{User: "filer", Name: "x", Role: actor.SecurityAdmin, Expires: c.now().Add(time.Hour)},
					{User: "filer", Name: "x", Role: actor.Holder, CreditCode: credit},
					{User: "filer", Name: "x", Role: actor.Holder, CreditCode: credit, Expires: c.now().Add(400 * 24 * time.Hour)},
					{User: "filer", Name: "x", Role: actor.CountyClerk, Expires: c.now().Add(time.Hour)},
				} {
					if _, _, err := svc.CreateToken(ops, bad); err == nil {
						t.Errorf("token %+v accepted", bad)
					}
				}
				secret, info, err := svc.CreateToken(ops, plain)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(secret, "mp_"+info.ID+"_") {
					t.Errorf("token %q does not carry its ID %s", secret, info.ID)
				}
				a, err := svc.Token(web, secret)
				if err != nil || a.Role != actor.Holder || a.CreditCode != credit || a.TokenID != info.ID {
					t.Fatalf("token actor %+v, %v", a, err)
				}
				// Its scope: the holder's own company only, and no management.
				if authz.Decide(a, authz.RightsRead, authz.Object{CreditCode: credit}, nil) != authz.Allow ||
					authz.Decide(a, authz.RightsRead, authz.Object{CreditCode: "916531000000000000"}, nil) != authz.Hide ||
					authz.Decide(a, authz.UsersManage, authz.Object{}, nil) != authz.Forbid {
					t.Error("the token's scope is not its role's and company's")
				}
				for _, forged := range []string{secret + "x", "mp_" + info.ID + "_AAAA", "Bearer " + secret, ""} {
					if _, err := svc.Token(web, forged); !errors.Is(err, accounts.ErrTokenInvalid) {
						t.Errorf("forged token %q: %v", forged, err)
					}
				}
				c.add(48 * time.Hour)
				if _, err := svc.Token(web, secret); !errors.Is(err, accounts.ErrTokenInvalid) {
					t.Errorf("an expired token: %v", err)
				}
				plain.Expires = c.now().Add(time.Hour)
				secret, info, _ = svc.CreateToken(ops, plain)
				if err := svc.RevokeToken(ops, info.ID); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Token(web, secret); !errors.Is(err, accounts.ErrTokenInvalid) {
					t.Errorf("a revoked token: %v", err)
				}
				ts, err := svc.Tokens(ops, store.TokenFilter{IncludeRevoked: true})
				if err != nil || len(ts) != 2 || ts[0].User != "filer" {
					t.Errorf("tokens %+v, %v", ts, err)
				}
				if strings.Contains(strings.Join(actions(t, st, "tokens.manage"), ";"), secret) {
					t.Error("a token secret reached the audit log")
				}
			})

			t.Run("disable ends sessions", func(t *testing.T) {
				res, err := svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: pw})
				if err != nil {
					t.Fatal(err)
				}
				if err := svc.DisableUser(web, "planner1"); !errors.Is(err, accounts.ErrForbidden) {
					t.Errorf("an anonymous client disabled a user: %v", err)
				}
				if err := svc.DisableUser(ops, "planner1"); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Session(web, res.Token); !errors.Is(err, accounts.ErrSessionExpired) {
					t.Errorf("a disabled user's session: %v", err)
				}
				if _, err := svc.SignIn(web, accounts.SignInRequest{Name: "planner1", Password: pw}); !errors.Is(err, accounts.ErrBadCredentials) {
					t.Errorf("a disabled user signed in: %v", err)
				}
				if got := actions(t, st, "session.sign_in_failed"); !strings.Contains(strings.Join(got, ";"), "user:planner1 disabled") {
					t.Errorf("failed sign-ins %v", got)
				}
			})

			t.Run("reset password", func(t *testing.T) {
				_, once, _ := svc.AddUser(ops, accounts.NewUser{Name: "clerk", Role: actor.CountyClerk, County: "伽师县"})
				tok := firstPassword(t, svc, "clerk", once, "Jiashi-county-77")
				if a, err := svc.Session(web, tok); err != nil || a.County != "伽师县" {
					t.Fatalf("clerk %+v, %v", a, err)
				}
				again, err := svc.ResetPassword(ops, "clerk")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Session(web, tok); !errors.Is(err, accounts.ErrSessionExpired) {
					t.Errorf("a session outlived the reset: %v", err)
				}
				firstPassword(t, svc, "clerk", again, "Jiashi-county-78")
			})

			// Every step was audited, and the chain holds.
			for _, act := range []string{"session.sign_in", "session.sign_in_failed", "session.locked", "session.expired", "session.sign_out", "users.manage", "tokens.manage", "account.self"} {
				if len(actions(t, st, act)) == 0 {
					t.Errorf("no %s entry", act)
				}
			}
			if _, err := storetest.VerifyAudit(context.Background(), st, ""); err != nil {
				t.Fatalf("audit verify: %v", err)
			}
		})
	}
}

// TestPersonalDataEncrypted: the e-mail and phone cannot be found in the
// database (SQLite's file bytes, PostgreSQL's table text), are read back
// with the key, and a wrong key is a clear error.
func TestPersonalDataEncrypted(t *testing.T) {
	const email, phone = "wang.fang.kashgar@example.cn", "13899912345"
	for _, b := range backends {
		for _, alg := range []fieldcrypt.Alg{fieldcrypt.AES256GCM, fieldcrypt.SM4GCM} {
			t.Run(b.name+"/"+string(alg), func(t *testing.T) {
				st, where := b.open(t)
				c := newClock()
				svc := newService(t, st, c, alg)
				ops := operatorCtx()
				if _, _, err := svc.AddUser(ops, accounts.NewUser{Name: "wang", Role: actor.Planner, Email: email, Phone: phone}); err != nil {
					t.Fatal(err)
				}
				if b.name == "SQLite" {
					st.Close()
					raw := readAll(t, where)
					if bytes.Contains(raw, []byte(email)) || bytes.Contains(raw, []byte(phone)) || bytes.Contains(raw, []byte("wang.fang")) {
						t.Fatal("the personal data is in the SQLite file in clear")
					}
					if !bytes.Contains(raw, []byte("wang")) {
						t.Fatal("the test reads the wrong file: the user name is not in it")
					}
					st, _ = reopen(t, where)
					svc = newService(t, st, c, alg)
				} else {
					text := tableText(t, where)
					if strings.Contains(text, email) || strings.Contains(text, phone) {
						t.Fatal("the personal data is in PostgreSQL's users table in clear")
					}
				}
				e, p, err := svc.Contact(ops, "wang")
				if err != nil || e != email || p != phone {
					t.Fatalf("read back %q %q, %v", e, p, err)
				}
				wrongKey, _ := fieldcrypt.New(testKey(2), alg)
				wrong, _ := accounts.New(accounts.Config{Store: st, Now: c.now, Cipher: wrongKey})
				if _, _, err := wrong.Contact(ops, "wang"); !errors.Is(err, fieldcrypt.ErrWrongKey) {
					t.Errorf("a wrong key: %v", err)
				}
				noKey, _ := accounts.New(accounts.Config{Store: st, Now: c.now})
				if _, _, err := noKey.Contact(ops, "wang"); !errors.Is(err, accounts.ErrNoKey) {
					t.Errorf("no key: %v", err)
				}
				if _, _, err := noKey.AddUser(ops, accounts.NewUser{Name: "li", Role: actor.Planner, Email: "li@example.cn"}); !errors.Is(err, accounts.ErrNoKey) {
					t.Errorf("personal data stored without a key: %v", err)
				}
			})
		}
	}
}

func readAll(t *testing.T, path string) []byte {
	t.Helper()
	var all []byte
	for _, p := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		all = append(all, b...)
	}
	return all
}

func reopen(t *testing.T, path string) (store.Store, string) {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

// tableText reads PostgreSQL's users table as text, every column, the
// way a database administrator with psql would see it.
func tableText(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var text string
	if err := conn.QueryRow(ctx, `SELECT string_agg(u::text || encode(coalesce(email, ''), 'escape') || encode(coalesce(phone, ''), 'escape'), E'\n') FROM users u`).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "wang") {
		t.Fatalf("the users table text does not hold the user: %q", text)
	}
	return text
}

func TestBootstrap(t *testing.T) {
	st, _ := backends[0].open(t)
	c := newClock()
	svc := newService(t, st, c, "")
	ctx := operatorCtx()
	got, err := accounts.Bootstrap(ctx, svc, accounts.BootstrapOptions{})
	if err != nil || len(got) != 1 || got[0].Name != "admin" || got[0].Role != actor.SecurityAdmin || got[0].Password == "" {
		t.Fatalf("bootstrap: %+v, %v", got, err)
	}
	if again, err := accounts.Bootstrap(ctx, svc, accounts.BootstrapOptions{Demo: &accounts.DemoJurisdiction{County: "伽师县", CreditCode: "x"}}); err != nil || again != nil {
		t.Fatalf("a second bootstrap: %+v, %v", again, err)
	}
	res, err := svc.SignIn(clientCtx("::1"), accounts.SignInRequest{Name: "admin", Password: got[0].Password})
	if err != nil || !res.MustChangePassword || !res.NeedTOTPEnrolment {
		t.Fatalf("the first administrator's sign-in: %+v, %v", res, err)
	}
}
