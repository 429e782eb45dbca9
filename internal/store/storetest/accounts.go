package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/store"
)

// accountTests: newStore gives the dump test a second, empty store to
// restore into.
func accountTests(newStore NewStore) []struct {
	name string
	fn   func(*testing.T, store.Store)
} {
	return []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"AccountsUsers", testAccountUsers},
		{"AccountsPasswordsAndLockout", testAccountPasswords},
		{"AccountsSessions", testAccountSessions},
		{"AccountsTOTPAndRecovery", testAccountTOTP},
		{"AccountsTokens", testAccountTokens},
		{"AccountsDumpRestore", func(t *testing.T, st store.Store) { testAccountDump(t, st, newStore) }},
	}
}

// entry is an audit entry of the suite's operator.
func entry(action, object string) audit.Entry {
	return audit.Entry{Actor: "operator:storetest", Action: action, Object: object, At: epoch}
}

// auditActions lists the actions of the log, in order.
func auditActions(t *testing.T, st store.Store) []string {
	t.Helper()
	es, err := st.AuditEntries(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Action)
	}
	return out
}

func newUser(t *testing.T, st store.Store, name string, role actor.Role) store.User {
	t.Helper()
	u, err := st.CreateUser(context.Background(), store.User{Name: name, DisplayName: "测试 " + name, Role: role, PasswordHash: "h0-" + name,
		MustChangePassword: true, Email: []byte{1, 2, 3}, CreatedAt: epoch}, entry("users.manage", "user:"+name))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func testAccountUsers(t *testing.T, st store.Store) {
	ctx := context.Background()
	if n, err := st.CountUsers(ctx); err != nil || n != 0 {
		t.Fatalf("empty store: %d users, %v", n, err)
	}
	if _, err := st.CreateUser(ctx, store.User{Name: "x", Role: actor.Planner, PasswordHash: "h", CreatedAt: epoch}, audit.Entry{}); err == nil {
		t.Error("a user without an audit entry was stored")
	}
	a := newUser(t, st, "alice", actor.SecurityAdmin)
	c, err := st.CreateUser(ctx, store.User{Name: "clerk", Role: actor.CountyClerk, County: "伽师县", PasswordHash: "h", CreatedAt: epoch.Add(time.Hour)}, entry("users.manage", "user:clerk"))
	if err != nil {
		t.Fatal(err)
	}
	if a.ID == 0 || c.ID <= a.ID {
		t.Fatalf("IDs %d, %d", a.ID, c.ID)
	}
	if _, err := st.CreateUser(ctx, store.User{Name: "alice", Role: actor.Planner, PasswordHash: "h", CreatedAt: epoch}, entry("users.manage", "user:alice")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a second alice: %v, want ErrConflict", err)
	}
	got, err := st.UserByName(ctx, "alice")
	if err != nil || !reflect.DeepEqual(got, a) {
		t.Fatalf("alice read back as %+v, %v; stored %+v", got, err, a)
	}
	if got, err := st.User(ctx, c.ID); err != nil || got.County != "伽师县" || got.Email != nil || !got.CreatedAt.Equal(epoch.Add(time.Hour)) {
		t.Fatalf("clerk read back as %+v, %v", got, err)
	}
	if _, err := st.UserByName(ctx, "nobody"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := st.User(ctx, 999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown ID: %v", err)
	}
	newUser(t, st, "bob", actor.Planner)
	if us, err := st.Users(ctx, store.UserFilter{Role: actor.CountyClerk}); err != nil || len(us) != 1 || us[0].Name != "clerk" {
		t.Errorf("clerks: %+v, %v", us, err)
	}
	if us, err := st.Users(ctx, store.UserFilter{County: "伽师县"}); err != nil || len(us) != 1 {
		t.Errorf("in 伽师县: %+v, %v", us, err)
	}
	page, err := st.Users(ctx, store.UserFilter{After: a.ID, Limit: 1})
	if err != nil || len(page) != 1 || page[0].Name != "clerk" {
		t.Fatalf("page after alice: %+v, %v", page, err)
	}
	// Disabling hides the user from the default list and ends its sessions.
	if err := st.CreateSession(ctx, store.Session{ID: "s-clerk", UserID: c.ID, CreatedAt: epoch, LastSeen: epoch}, entry("session.sign_in", "user:clerk")); err != nil {
		t.Fatal(err)
	}
	ch := store.UserChange{DisplayName: "停用", Role: c.Role, County: c.County, Disabled: true, Phone: []byte{9}}
	if err := st.UpdateUser(ctx, c.ID, ch, epoch.Add(2*time.Hour), entry("users.manage", "user:clerk")); err != nil {
		t.Fatal(err)
	}
	if us, _ := st.Users(ctx, store.UserFilter{}); len(us) != 2 {
		t.Errorf("enabled users: %d, want 2", len(us))
	}
	if us, _ := st.Users(ctx, store.UserFilter{IncludeDisabled: true}); len(us) != 3 {
		t.Errorf("all users: %d, want 3", len(us))
	}
	got, _ = st.User(ctx, c.ID)
	if !got.Disabled || got.DisplayName != "停用" || !reflect.DeepEqual(got.Phone, []byte{9}) {
		t.Errorf("after the update: %+v", got)
	}
	if s, err := st.Session(ctx, "s-clerk"); err != nil || s.EndedAt.IsZero() || s.EndReason != "disabled" {
		t.Errorf("the disabled user's session: %+v, %v", s, err)
	}
	if err := st.UpdateUser(ctx, 999, ch, epoch, entry("users.manage", "user:999")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update of an unknown user: %v", err)
	}
	if n, _ := st.CountUsers(ctx); n != 3 {
		t.Errorf("CountUsers = %d", n)
	}
	// Refused writes leave no entry; each stored write left one.
	if got := len(auditActions(t, st)); got != 5 {
		t.Errorf("%d audit entries, want 5: %v", got, auditActions(t, st))
	}
	if _, err := VerifyAudit(ctx, st, ""); err != nil {
		t.Error(err)
	}
}

func testAccountPasswords(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newUser(t, st, "p", actor.Planner)
	for i := 1; i <= 6; i++ {
		c := store.PasswordChange{UserID: u.ID, Hash: "h" + string(rune('0'+i)), At: epoch.Add(time.Duration(i) * time.Minute)}
		if err := st.SetPassword(ctx, c, entry("account.self", "user:p")); err != nil {
			t.Fatal(err)
		}
	}
	hist, err := st.PasswordHistory(ctx, u.ID)
	if err != nil || !reflect.DeepEqual(hist, []string{"h6", "h5", "h4", "h3", "h2"}) {
		t.Fatalf("history %v, %v", hist, err)
	}
	got, _ := st.User(ctx, u.ID)
	if got.PasswordHash != "h6" || got.MustChangePassword {
		t.Errorf("after the change: %+v", got)
	}
	// Failures count within the window; the lock clears them.
	for i := range 3 {
		n, err := st.RecordFailedSignIn(ctx, u.ID, epoch.Add(time.Duration(i)*time.Minute), epoch.Add(-time.Minute), entry("session.sign_in_failed", "user:p"))
		if err != nil || n != i+1 {
			t.Fatalf("failure %d counted as %d, %v", i+1, n, err)
		}
	}
	if n, _ := st.RecordFailedSignIn(ctx, u.ID, epoch.Add(20*time.Minute), epoch.Add(5*time.Minute), entry("session.sign_in_failed", "user:p")); n != 1 {
		t.Errorf("failures in a later window: %d, want 1", n)
	}
	until := epoch.Add(35 * time.Minute)
	if err := st.LockUser(ctx, u.ID, until, entry("session.locked", "user:p")); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.User(ctx, u.ID); !got.LockedUntil.Equal(until) {
		t.Errorf("locked until %v", got.LockedUntil)
	}
	if n, _ := st.RecordFailedSignIn(ctx, u.ID, epoch.Add(21*time.Minute), epoch, entry("session.sign_in_failed", "user:p")); n != 1 {
		t.Errorf("failures after the lock: %d, want 1", n)
	}
	// A new password (a reset) unlocks and ends the sessions but one.
	for _, id := range []string{"a", "b"} {
		if err := st.CreateSession(ctx, store.Session{ID: id, UserID: u.ID, CreatedAt: epoch, LastSeen: epoch}, entry("session.sign_in", "user:p")); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SetPassword(ctx, store.PasswordChange{UserID: u.ID, Hash: "h7", MustChange: true, EndSessions: true, KeepSession: "b", At: epoch}, entry("users.manage", "user:p")); err != nil {
		t.Fatal(err)
	}
	got, _ = st.User(ctx, u.ID)
	if !got.LockedUntil.IsZero() || !got.MustChangePassword {
		t.Errorf("after the reset: %+v", got)
	}
	if s, _ := st.Session(ctx, "a"); s.EndedAt.IsZero() {
		t.Error("session a outlived the reset")
	}
	if s, _ := st.Session(ctx, "b"); !s.EndedAt.IsZero() {
		t.Error("the kept session b ended")
	}
	if err := st.SetPassword(ctx, store.PasswordChange{UserID: 999, Hash: "x", At: epoch}, entry("users.manage", "user:999")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: %v", err)
	}
	if _, err := VerifyAudit(ctx, st, ""); err != nil {
		t.Error(err)
	}
}

func testAccountSessions(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newUser(t, st, "s", actor.Holder)
	for _, id := range []string{"one", "two", "three"} {
		if err := st.CreateSession(ctx, store.Session{ID: id, UserID: u.ID, CreatedAt: epoch, LastSeen: epoch}, entry("session.sign_in", "user:s")); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.CreateSession(ctx, store.Session{ID: "one", UserID: u.ID, CreatedAt: epoch, LastSeen: epoch}, entry("session.sign_in", "user:s")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a session ID twice: %v", err)
	}
	seen := epoch.Add(10*time.Minute + 123456*time.Microsecond)
	if err := st.TouchSession(ctx, "one", seen); err != nil {
		t.Fatal(err)
	}
	s, err := st.Session(ctx, "one")
	if err != nil || !s.LastSeen.Equal(seen) || !s.CreatedAt.Equal(epoch) || !s.EndedAt.IsZero() || s.UserID != u.ID {
		t.Fatalf("session one: %+v, %v", s, err)
	}
	if err := st.EndSession(ctx, "one", seen, "idle", entry("session.expired", "user:s")); err != nil {
		t.Fatal(err)
	}
	if err := st.EndSession(ctx, "one", seen, "idle", entry("session.expired", "user:s")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ending an ended session: %v", err)
	}
	if err := st.TouchSession(ctx, "one", seen); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("touching an ended session: %v", err)
	}
	n, err := st.EndUserSessions(ctx, u.ID, seen, "sign_out", entry("session.sign_out", "user:s"))
	if err != nil || n != 2 {
		t.Fatalf("ended %d, %v; want the two live ones", n, err)
	}
	for _, id := range []string{"two", "three"} {
		if s, _ := st.Session(ctx, id); s.EndReason != "sign_out" || !s.EndedAt.Equal(seen) {
			t.Errorf("session %s: %+v", id, s)
		}
	}
	if _, err := st.Session(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown session: %v", err)
	}
	want := []string{"users.manage", "session.sign_in", "session.sign_in", "session.sign_in", "session.expired", "session.sign_out"}
	if got := auditActions(t, st); !reflect.DeepEqual(got, want) {
		t.Errorf("audit %v, want %v (touches are not audited)", got, want)
	}
}

func testAccountTOTP(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newUser(t, st, "t", actor.Auditor)
	if err := st.SetTOTP(ctx, u.ID, []byte("secret-ct"), false, nil, entry("account.self", "user:t")); err != nil {
		t.Fatal(err)
	}
	if err := st.SetTOTP(ctx, u.ID, []byte("secret-ct"), true, []string{"c1", "c2", "c3"}, entry("account.self", "user:t")); err != nil {
		t.Fatal(err)
	}
	got, _ := st.User(ctx, u.ID)
	if !got.TOTPEnabled || string(got.TOTPSecret) != "secret-ct" {
		t.Errorf("after enrolment: %+v", got)
	}
	if n, _ := st.RecoveryCodesLeft(ctx, u.ID); n != 3 {
		t.Errorf("%d codes left, want 3", n)
	}
	if err := st.UseRecoveryCode(ctx, u.ID, "c2", epoch, entry("session.recovery_code", "user:t")); err != nil {
		t.Fatal(err)
	}
	if err := st.UseRecoveryCode(ctx, u.ID, "c2", epoch, entry("session.recovery_code", "user:t")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a code used twice: %v", err)
	}
	if err := st.UseRecoveryCode(ctx, u.ID, "zz", epoch, entry("session.recovery_code", "user:t")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown code: %v", err)
	}
	if n, _ := st.RecoveryCodesLeft(ctx, u.ID); n != 2 {
		t.Errorf("%d codes left, want 2", n)
	}
	if err := st.SetTOTP(ctx, u.ID, nil, false, nil, entry("users.manage", "user:t")); err != nil {
		t.Fatal(err)
	}
	got, _ = st.User(ctx, u.ID)
	if got.TOTPEnabled || got.TOTPSecret != nil {
		t.Errorf("after the reset: %+v", got)
	}
	if n, _ := st.RecoveryCodesLeft(ctx, u.ID); n != 0 {
		t.Errorf("%d codes left after the reset", n)
	}
}

func testAccountTokens(t *testing.T, st store.Store) {
	ctx := context.Background()
	u := newUser(t, st, "owner", actor.Holder)
	other := newUser(t, st, "other", actor.Planner)
	tok := store.APIToken{ID: "b1", SecretHash: "sh", Name: "申报软件", UserID: u.ID, Role: actor.Holder, CreditCode: "91650000000000000X",
		CreatedAt: epoch, ExpiresAt: epoch.Add(24 * time.Hour)}
	if err := st.CreateToken(ctx, tok, entry("tokens.manage", "token:b1")); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, tok, entry("tokens.manage", "token:b1")); !errors.Is(err, store.ErrConflict) {
		t.Errorf("a token ID twice: %v", err)
	}
	t2 := tok
	t2.ID, t2.UserID, t2.Role, t2.CreditCode = "a2", other.ID, actor.Planner, ""
	if err := st.CreateToken(ctx, t2, entry("tokens.manage", "token:a2")); err != nil {
		t.Fatal(err)
	}
	got, err := st.Token(ctx, "b1")
	if err != nil || !reflect.DeepEqual(got, tok) {
		t.Fatalf("token read back as %+v, %v; stored %+v", got, err, tok)
	}
	if ts, err := st.Tokens(ctx, store.TokenFilter{}); err != nil || len(ts) != 2 || ts[0].ID != "a2" {
		t.Errorf("tokens: %+v, %v", ts, err)
	}
	if ts, _ := st.Tokens(ctx, store.TokenFilter{UserID: u.ID}); len(ts) != 1 || ts[0].ID != "b1" {
		t.Errorf("the owner's tokens: %+v", ts)
	}
	if ts, _ := st.Tokens(ctx, store.TokenFilter{After: "a2", Limit: 5}); len(ts) != 1 {
		t.Errorf("after a2: %+v", ts)
	}
	if err := st.RevokeToken(ctx, "b1", epoch.Add(time.Hour), entry("tokens.manage", "token:b1")); err != nil {
		t.Fatal(err)
	}
	if err := st.RevokeToken(ctx, "b1", epoch.Add(time.Hour), entry("tokens.manage", "token:b1")); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked twice: %v", err)
	}
	if got, _ := st.Token(ctx, "b1"); !got.RevokedAt.Equal(epoch.Add(time.Hour)) {
		t.Errorf("revoked at %v", got.RevokedAt)
	}
	if ts, _ := st.Tokens(ctx, store.TokenFilter{}); len(ts) != 1 {
		t.Errorf("live tokens: %d", len(ts))
	}
	if ts, _ := st.Tokens(ctx, store.TokenFilter{IncludeRevoked: true}); len(ts) != 2 {
		t.Errorf("all tokens: %d", len(ts))
	}
	if _, err := st.Token(ctx, "zz"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown token: %v", err)
	}
}

func testAccountDump(t *testing.T, st store.Store, newStore NewStore) {
	ctx := context.Background()
	u := newUser(t, st, "d", actor.SecurityAdmin)
	newUser(t, st, "e", actor.Planner)
	if err := st.SetPassword(ctx, store.PasswordChange{UserID: u.ID, Hash: "h2", At: epoch.Add(time.Minute)}, entry("account.self", "user:d")); err != nil {
		t.Fatal(err)
	}
	if err := st.SetTOTP(ctx, u.ID, []byte("ct"), true, []string{"c1", "c2"}, entry("account.self", "user:d")); err != nil {
		t.Fatal(err)
	}
	if err := st.UseRecoveryCode(ctx, u.ID, "c1", epoch.Add(2*time.Minute), entry("session.recovery_code", "user:d")); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateToken(ctx, store.APIToken{ID: "t1", SecretHash: "x", Name: "n", UserID: u.ID, Role: actor.Planner, CreatedAt: epoch, ExpiresAt: epoch.Add(time.Hour)}, entry("tokens.manage", "token:t1")); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateSession(ctx, store.Session{ID: "live", UserID: u.ID, CreatedAt: epoch, LastSeen: epoch}, entry("session.sign_in", "user:d")); err != nil {
		t.Fatal(err)
	}
	d, err := st.DumpAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != 2 || len(d.PasswordHistory) != 3 || len(d.RecoveryCodes) != 2 || len(d.Tokens) != 1 {
		t.Fatalf("dump: %d users, %d hashes, %d codes, %d tokens", len(d.Users), len(d.PasswordHistory), len(d.RecoveryCodes), len(d.Tokens))
	}
	if err := st.RestoreAccounts(ctx, d); !errors.Is(err, store.ErrConflict) {
		t.Errorf("restore into a store with users: %v, want ErrConflict", err)
	}
	restoreInto(t, newStore(t), d)
}

// restoreInto restores d into the empty store st and compares the dump
// read back.
func restoreInto(t *testing.T, st store.Store, d store.AccountsDump) {
	t.Helper()
	ctx := context.Background()
	defer st.Close()
	if err := st.RestoreAccounts(ctx, d); err != nil {
		t.Fatal(err)
	}
	back, err := st.DumpAccounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, d) {
		t.Errorf("restored dump differs:\n got %+v\nwant %+v", back, d)
	}
	if es := auditActions(t, st); len(es) != 0 {
		t.Errorf("the restore was audited: %v", es)
	}
	// New users continue after the restored IDs.
	u, err := st.CreateUser(ctx, store.User{Name: "after", Role: actor.Planner, PasswordHash: "h", CreatedAt: epoch}, entry("users.manage", "user:after"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range d.Users {
		if u.ID <= r.ID {
			t.Errorf("a new user got ID %d, not after the restored %d", u.ID, r.ID)
		}
	}
	if _, err := st.Session(ctx, "live"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a session was restored: %v", err)
	}
}
