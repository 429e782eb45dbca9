package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"mineplan/internal/audit"
	"mineplan/internal/plan"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// The audit log's conformance: every write appends exactly its entries in
// its own transaction, settings and pruning, and the chain under either
// hash. The tamper tests need raw SQL and run from RunAuditTamper.

func auditWriteTests() []struct {
	name string
	fn   func(*testing.T, store.Store)
} {
	return []struct {
		name string
		fn   func(*testing.T, store.Store)
	}{
		{"AuditPlanRevisions", testAuditPlanRevisions},
		{"AuditLayers", testAuditLayers},
		{"AuditRightChanges", testAuditRightChanges},
		{"AuditReviews", testAuditReviews},
		{"AuditSettings", testAuditSettings},
		{"AuditHashes", testAuditHashes},
		{"AuditPrune", testAuditPrune},
	}
}

// logState is the log's head and entries, to compare before and after a
// write.
func logState(t *testing.T, st store.Store) (audit.Start, []audit.Entry) {
	t.Helper()
	head, _, err := st.AuditHead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	es, err := st.AuditEntries(context.Background(), store.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return head, es
}

// newEntries returns the entries appended since head, and fails unless
// there are want of them.
func newEntries(t *testing.T, st store.Store, head audit.Start, want int, what string) []audit.Entry {
	t.Helper()
	es, err := st.AuditEntries(context.Background(), store.AuditFilter{After: head.Seq})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != want {
		t.Fatalf("%s appended %d audit entries, want %d: %+v", what, len(es), want, es)
	}
	return es
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func mustVerify(t *testing.T, st store.Store) store.Verification {
	t.Helper()
	v, err := VerifyAudit(context.Background(), st, "")
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return v
}

func testAuditPlanRevisions(t *testing.T, st store.Store) {
	ctx := context.Background()
	p := Kashgar(t)
	rev := store.NewPlanRevision{PlanID: p.Meta.ID, Title: "t", Hash: p.Hash, Files: p.Files, At: epoch}
	if _, _, err := st.SavePlanRevision(ctx, rev, audit.Entry{Actor: "operator:x"}); !errors.Is(err, store.ErrNoAudit) {
		t.Fatalf("a revision without its entry: %v, want ErrNoAudit", err)
	}
	// An entry the log refuses (no actor) takes the revision with it.
	if _, _, err := st.SavePlanRevision(ctx, rev, audit.Entry{Action: "plan.load"}); err == nil {
		t.Fatal("a revision whose entry has no actor was stored")
	}
	if _, err := st.LatestPlanRevision(ctx, p.Meta.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused revision was stored: %v", err)
	}
	head, _ := logState(t, st)
	if head.Seq != 0 {
		t.Fatalf("refused writes left entries: head %d", head.Seq)
	}
	if _, created, err := st.SavePlanRevision(ctx, rev, Entry("plan.load", "")); err != nil || !created {
		t.Fatalf("save: %v %v", created, err)
	}
	e := newEntries(t, st, head, 1, "the first revision")[0]
	if e.Object != store.PlanObject(p.Meta.ID, 1) || e.Action != "plan.load" || e.Before != "" || e.After != sha([]byte(p.Hash)) {
		t.Errorf("the first revision's entry: %+v", e)
	}
	head, _ = logState(t, st)
	if _, created, err := st.SavePlanRevision(ctx, rev, Entry("plan.load", "")); err != nil || created {
		t.Fatalf("the same bundle again: created %v, %v", created, err)
	}
	newEntries(t, st, head, 0, "a no-op revision")
	v := Variant(t, p, 0)
	if _, _, err := st.SavePlanRevision(ctx, store.NewPlanRevision{PlanID: p.Meta.ID, Title: "t", Hash: v.Hash, Files: v.Files, At: epoch}, Entry("plan.load", "")); err != nil {
		t.Fatal(err)
	}
	e = newEntries(t, st, head, 1, "the second revision")[0]
	if e.Object != store.PlanObject(p.Meta.ID, 2) || e.Before != sha([]byte(p.Hash)) || e.After != sha([]byte(v.Hash)) {
		t.Errorf("the second revision's entry: %+v", e)
	}
	mustVerify(t, st)
}

func testAuditLayers(t *testing.T, st store.Store) {
	ctx := context.Background()
	l := store.Layer{Kind: plan.LayerOther, Name: "a", ImportedAt: epoch}
	fs := LayerFixture(4)
	if _, err := st.ImportLayer(ctx, l, fs, audit.Entry{Actor: "operator:x"}); !errors.Is(err, store.ErrNoAudit) {
		t.Fatalf("a layer without its entry: %v, want ErrNoAudit", err)
	}
	if _, err := st.ImportLayer(ctx, l, fs, audit.Entry{Action: "layers.import"}); err == nil {
		t.Fatal("a layer whose entry has no actor was stored")
	}
	if ls, _ := st.Layers(ctx); len(ls) != 0 {
		t.Fatalf("refused imports stored %+v", ls)
	}
	head, _ := logState(t, st)
	stored, err := st.ImportLayer(ctx, l, fs, Entry("layers.import", "layer:a"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEntries(t, st, head, 1, "an import")[0]
	if e.Object != "layer:a" || e.Before != "" || e.After != sha(store.LayerAuditState(stored, fs)) {
		t.Errorf("the import's entry: %+v", e)
	}
	// A different feature gives another digest.
	other := LayerFixture(4)
	other[2].Properties = []byte(`{"code":"X"}`)
	if sha(store.LayerAuditState(stored, other)) == e.After {
		t.Error("the layer digest ignores the features' properties")
	}
	head, _ = logState(t, st)
	if _, err := st.ImportLayer(ctx, l, fs, Entry("layers.import", "layer:a")); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a duplicate name: %v, want ErrConflict", err)
	}
	newEntries(t, st, head, 0, "a refused import")
	mustVerify(t, st)
}

func testAuditRightChanges(t *testing.T, st store.Store) {
	ctx := context.Background()
	g := GrantEvent("A1", "甲公司", rights.Mining, 76.7, 39.5, 0.01)
	g.Seq, g.RecordedAt = 1, now
	granted, err := rights.Apply(nil, g)
	if err != nil {
		t.Fatal(err)
	}
	s := rights.Event{RightID: "A1", Seq: 2, Type: rights.Suspend, Date: rights.D(2022, 1, 1), Actor: "执法", Reason: "整改", DocRef: "通知", RecordedAt: now}
	suspended, err := rights.Apply(&granted, s)
	if err != nil {
		t.Fatal(err)
	}
	changes := []store.RightChange{
		{Event: g, State: granted, Audit: Entry("rights.record", "right:A1")},
		{Event: s, State: suspended},
	}
	if err := st.AppendRightChanges(ctx, changes, nil); !errors.Is(err, store.ErrNoAudit) {
		t.Fatalf("a change without its entry: %v, want ErrNoAudit", err)
	}
	changes[1].Audit = Entry("rights.record", "right:A1")
	// An overlap refused inside the transaction leaves neither the
	// changes nor their entries.
	overlap := &rights.OverlapError{Right: "A1", Overlaps: []rights.Overlap{{RightID: "B", AreaM2: 10}}}
	if err := st.AppendRightChanges(ctx, changes, func(context.Context, store.RightsReader) error { return overlap }); !errors.As(err, &overlap) {
		t.Fatalf("a refused batch: %v", err)
	}
	if _, err := st.Right(ctx, "A1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("refused changes were stored: %v", err)
	}
	head, _ := logState(t, st)
	if head.Seq != 0 {
		t.Fatalf("refused changes left %d entries", head.Seq)
	}
	if err := st.AppendRightChanges(ctx, changes, nil); err != nil {
		t.Fatal(err)
	}
	es := newEntries(t, st, head, 2, "a grant and a suspension")
	a, _ := store.RightAuditState(granted)
	b, _ := store.RightAuditState(suspended)
	if es[0].Before != "" || es[0].After != sha(a) || es[1].Before != sha(a) || es[1].After != sha(b) || es[1].Object != "right:A1" {
		t.Errorf("entries: %+v", es)
	}
	// The next batch's before state is read from the store, and is the
	// state the last entry recorded.
	head, _ = logState(t, st)
	r := rights.Event{RightID: "A1", Seq: 3, Type: rights.Resume, Date: rights.D(2022, 6, 1), Actor: "执法", Reason: "整改完成", DocRef: "通知", RecordedAt: now}
	resumed, err := rights.Apply(&suspended, r)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AppendRightChanges(ctx, []store.RightChange{{Event: r, State: resumed, Audit: Entry("rights.record", "right:A1")}}, nil); err != nil {
		t.Fatal(err)
	}
	if e := newEntries(t, st, head, 1, "a resumption")[0]; e.Before != es[1].After {
		t.Errorf("the stored state's digest %s differs from the one recorded after the suspension, %s", e.Before, es[1].After)
	}
	// A sequence conflict stores no entry.
	head, _ = logState(t, st)
	if err := st.AppendRightChanges(ctx, []store.RightChange{{Event: r, State: resumed, Audit: Entry("rights.record", "right:A1")}}, nil); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("the same event again: %v, want ErrConflict", err)
	}
	newEntries(t, st, head, 0, "a conflicting change")
	mustVerify(t, st)
}

func testAuditReviews(t *testing.T, st store.Store) {
	ctx := context.Background()
	r := store.StoredReview{ID: "RV1", PlanID: "p", PlanRevision: 1, Verdict: "conforming", Input: []byte(`{}`), Report: []byte(`{"verdict":"conforming"}`), CreatedAt: epoch}
	if err := st.SaveReview(ctx, r, audit.Entry{}); !errors.Is(err, store.ErrNoAudit) {
		t.Fatalf("a review without its entry: %v, want ErrNoAudit", err)
	}
	if err := st.SaveReview(ctx, r, audit.Entry{Action: "review.create"}); err == nil {
		t.Fatal("a review whose entry has no actor was stored")
	}
	if _, err := st.Review(ctx, "RV1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused review was stored: %v", err)
	}
	head, _ := logState(t, st)
	if err := st.SaveReview(ctx, r, Entry("review.create", "review:RV1")); err != nil {
		t.Fatal(err)
	}
	if e := newEntries(t, st, head, 1, "a review")[0]; e.After != sha(r.Report) || e.Object != "review:RV1" {
		t.Errorf("the review's entry: %+v", e)
	}
	head, _ = logState(t, st)
	if err := st.SaveReview(ctx, r, Entry("review.create", "review:RV1")); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("the same id again: %v", err)
	}
	newEntries(t, st, head, 0, "a refused review")
	mustVerify(t, st)
}

func testAuditSettings(t *testing.T, st store.Store) {
	ctx := context.Background()
	for key, want := range map[string]string{store.SettingAuditHash: "sha256", store.SettingAuditRetentionDays: "180"} {
		if v, err := st.Setting(ctx, key); err != nil || v != want {
			t.Errorf("default %s: %q %v, want %q", key, v, err, want)
		}
	}
	if _, err := st.Setting(ctx, "no.such"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("an unknown setting: %v, want ErrNotFound", err)
	}
	set := func(k, v string) error { return st.SetSetting(ctx, k, v, Entry("system.configure", "setting:"+k)) }
	for _, bad := range []struct{ k, v, says string }{
		{store.SettingAuditRetentionDays, "179", "180"},
		{store.SettingAuditRetentionDays, "30", "至少保存"},
		{store.SettingAuditRetentionDays, "half a year", "whole number"},
		{store.SettingAuditRetentionDays, "99999", "at most"},
		{store.SettingAuditHash, "md5", "sha256 or sm3"},
		{"Bad Key", "x", "key"},
	} {
		if err := set(bad.k, bad.v); err == nil || !strings.Contains(err.Error(), bad.says) {
			t.Errorf("%s=%s: %v, want an error saying %q", bad.k, bad.v, err, bad.says)
		}
	}
	if err := st.SetSetting(ctx, store.SettingAuditRetentionDays, "365", audit.Entry{Actor: "operator:x"}); !errors.Is(err, store.ErrNoAudit) {
		t.Errorf("a setting without its entry: %v", err)
	}
	head, _ := logState(t, st)
	if head.Seq != 0 {
		t.Fatalf("refused settings left %d entries", head.Seq)
	}
	if err := set(store.SettingAuditRetentionDays, "365"); err != nil {
		t.Fatal(err)
	}
	if err := set(store.SettingAuditRetentionDays, "400"); err != nil {
		t.Fatal(err)
	}
	es := newEntries(t, st, head, 2, "two changes of a setting")
	// Before the first change the setting had its default.
	if es[0].Before != sha([]byte("180")) || es[0].After != sha([]byte("365")) || es[1].Before != sha([]byte("365")) || es[1].After != sha([]byte("400")) {
		t.Errorf("entries: %+v", es)
	}
	if v, err := st.Setting(ctx, store.SettingAuditRetentionDays); err != nil || v != "400" {
		t.Errorf("read back %q %v", v, err)
	}
	mustVerify(t, st)
}

// testAuditHashes: a log sealed under SHA-256, then SM3, then SHA-256
// again verifies; each entry records its hash.
func testAuditHashes(t *testing.T, st store.Store) {
	ctx := context.Background()
	add := func(n int) {
		for i := range n {
			if _, err := st.AppendAudit(ctx, audit.Entry{Actor: "user:a", Action: "session.sign_in", Detail: fmt.Sprint(i), AfterState: []byte{byte(i)}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	set := func(alg string) {
		if err := st.SetSetting(ctx, store.SettingAuditHash, alg, Entry("system.configure", "setting:audit.hash")); err != nil {
			t.Fatal(err)
		}
	}
	add(2)
	set(audit.SM3)
	add(3)
	set(audit.SHA256)
	add(1)
	_, es := logState(t, st)
	var algs []string
	for _, e := range es {
		algs = append(algs, e.Alg)
	}
	// A change is sealed under the hash before it.
	want := "sha256 sha256 sha256 sm3 sm3 sm3 sm3 sha256"
	if strings.Join(algs, " ") != want {
		t.Errorf("hashes %v, want %s", algs, want)
	}
	h, _ := audit.HasherNamed(audit.SM3)
	if e := es[4]; e.Hash != hex.EncodeToString(h.Sum(e.Canonical())) || e.After != hex.EncodeToString(h.Sum([]byte{1})) {
		t.Errorf("entry 5 is not sealed with SM3: %+v", e)
	}
	if v := mustVerify(t, st); v.Checked != 8 || v.Head.Hash != es[7].Hash {
		t.Errorf("verification %+v", v)
	}
}

func testAuditPrune(t *testing.T, st store.Store) {
	ctx := context.Background()
	old := time.Now().AddDate(0, 0, -400)
	var hashes []string
	add := func(at time.Time, detail string) {
		es, err := st.AppendAudit(ctx, audit.Entry{Actor: "user:a", Action: "session.sign_in", Detail: detail, At: at})
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, es[0].Hash)
	}
	add(old, "old 1")
	add(old.Add(time.Second), "old 2")
	add(old.Add(2*time.Second), "old 3")
	add(time.Now().AddDate(0, 0, -100), "within the retention")
	add(old.Add(3*time.Second), "old but after a kept entry")
	if _, err := st.PruneAudit(ctx, time.Now(), audit.Entry{Actor: "operator:x"}); !errors.Is(err, store.ErrNoAudit) {
		t.Fatalf("a prune without its entry: %v", err)
	}
	// Nothing is older than a day 500 days ago.
	n, err := st.PruneAudit(ctx, time.Now().AddDate(0, 0, -500), Entry("audit.prune", "audit"))
	if err != nil || n != 0 {
		t.Fatalf("prune before 500 days ago: %d, %v", n, err)
	}
	n, err = st.PruneAudit(ctx, time.Now(), Entry("audit.prune", "audit"))
	if err != nil || n != 3 {
		t.Fatalf("prune: %d, %v; want the 3 entries before the first kept", n, err)
	}
	head, start, err := st.AuditHead(ctx)
	if err != nil || start.Seq != 3 || start.Hash != hashes[2] || head.Seq != 7 {
		t.Fatalf("after the prune: head %+v start %+v %v", head, start, err)
	}
	_, es := logState(t, st)
	if len(es) != 4 || es[0].Seq != 4 || es[3].Action != "audit.prune" || !strings.Contains(es[3].Detail, "deleted 3") {
		t.Fatalf("entries left: %+v", es)
	}
	if v := mustVerify(t, st); v.Checked != 4 || v.Start.Seq != 3 {
		t.Errorf("verification after the prune: %+v", v)
	}
	// A longer retention keeps what the shorter one would delete: the
	// entry 100 days old stays whatever before says.
	if err := st.SetSetting(ctx, store.SettingAuditRetentionDays, "500", Entry("system.configure", "setting:audit.retention_days")); err != nil {
		t.Fatal(err)
	}
	if n, err := st.PruneAudit(ctx, time.Now(), Entry("audit.prune", "audit")); err != nil || n != 0 {
		t.Fatalf("prune within a 500-day retention: %d, %v", n, err)
	}
	mustVerify(t, st)
}

// RawSQL runs SQL on a backend's store, around the contract, for the
// tamper tests.
type RawSQL struct {
	// Exec runs q with the database's triggers in force.
	Exec func(st store.Store, q string) error
	// Tamper runs q with the audit tables' triggers off: what someone who
	// holds the database could do.
	Tamper func(st store.Store, q string) error
	// Truncate: the backend has TRUNCATE (PostgreSQL), which must be
	// refused too.
	Truncate bool
}

// RunAuditTamper proves on a backend that the database refuses changes to
// the log, and that every change made around it is found by the verifier,
// which names the entry: a changed byte of any column of any entry, a
// deleted entry, two entries swapped, a truncated tail, an entry added
// past the head, a head rewritten to hide a truncation (with an anchor).
func RunAuditTamper(t *testing.T, newStore NewStore, raw RawSQL) {
	st := newStore(t)
	t.Cleanup(func() { st.Close() })
	es := tamperLog(t, st)
	n := int64(len(es))
	exec := func(f func(store.Store, string) error, q string) {
		t.Helper()
		if err := f(st, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// fault requires the verifier to name entry seq; anchor is optional.
	fault := func(what string, seq int64, anchor string) {
		t.Helper()
		v, err := VerifyAudit(context.Background(), st, anchor)
		var f *audit.Fault
		switch {
		case !errors.As(err, &f):
			t.Errorf("%s: verify gave %v, want a fault", what, err)
		case f.Seq != seq || v.Fault != f:
			t.Errorf("%s: the fault names entry %d (%v), want %d", what, f.Seq, err, seq)
		case !strings.Contains(err.Error(), fmt.Sprintf("audit entry %d:", seq)) || !strings.Contains(err.Error(), fmt.Sprintf("第 %d 条", seq)):
			t.Errorf("%s: the message does not name entry %d: %v", what, seq, err)
		}
	}
	ok := func(what string) {
		t.Helper()
		if _, err := VerifyAudit(context.Background(), st, ""); err != nil {
			t.Fatalf("%s: the restored log does not verify: %v", what, err)
		}
	}
	ok("the log as written")

	t.Run("TriggersRefuse", func(t *testing.T) {
		for _, q := range []string{
			`UPDATE audit_log SET detail = 'x' WHERE seq = 1`,
			`UPDATE audit_log SET hash = hash WHERE seq = 1`,
			fmt.Sprintf(`DELETE FROM audit_log WHERE seq = %d`, n),
			`DELETE FROM audit_log`,
			`UPDATE audit_head SET seq = 1, hash = '' WHERE id = 1`,
			`DELETE FROM audit_head`,
		} {
			// The triggers' refusal, not some other error.
			if err := raw.Exec(st, q); !errors.Is(err, store.ErrConflict) {
				t.Errorf("%s: %v, want the triggers' refusal (ErrConflict)", q, err)
			}
		}
		if raw.Truncate {
			if err := raw.Exec(st, `TRUNCATE audit_log`); !errors.Is(err, store.ErrConflict) {
				t.Errorf("TRUNCATE audit_log: %v, want the trigger's refusal", err)
			}
		}
		// The database's own floor, below the store's check.
		if err := raw.Exec(st, `INSERT INTO settings (key, value) VALUES ('audit.retention_days', '30')`); err == nil {
			t.Error("the database took a retention of 30 days")
		}
		if err := raw.Exec(st, `INSERT INTO settings (key, value) VALUES ('audit.retention_days', '365')`); err != nil {
			t.Errorf("the database refused a retention of 365 days: %v", err)
		}
		ok("after refused changes")
	})

	t.Run("OneByteOfEveryColumn", func(t *testing.T) {
		for _, e := range es {
			for _, c := range auditColumns {
				orig := c.get(e)
				var set, restore string
				if c.name == "seq" {
					set = fmt.Sprintf(`UPDATE audit_log SET seq = seq + 1000 WHERE seq = %d`, e.Seq)
					restore = fmt.Sprintf(`UPDATE audit_log SET seq = seq - 1000 WHERE seq = %d`, e.Seq+1000)
				} else {
					set = fmt.Sprintf(`UPDATE audit_log SET %s = %s WHERE seq = %d`, c.name, quote(flip(orig)), e.Seq)
					restore = fmt.Sprintf(`UPDATE audit_log SET %s = %s WHERE seq = %d`, c.name, quote(orig), e.Seq)
				}
				exec(raw.Tamper, set)
				fault(fmt.Sprintf("entry %d, column %s changed", e.Seq, c.name), e.Seq, "")
				exec(raw.Tamper, restore)
				ok(fmt.Sprintf("entry %d, column %s restored", e.Seq, c.name))
			}
		}
	})

	t.Run("DeletedEntry", func(t *testing.T) {
		for _, e := range []audit.Entry{es[0], es[n/2], es[n-2]} {
			exec(raw.Tamper, fmt.Sprintf(`DELETE FROM audit_log WHERE seq = %d`, e.Seq))
			fault(fmt.Sprintf("entry %d deleted", e.Seq), e.Seq, "")
			exec(raw.Tamper, insertSQL(e))
			ok("deleted entry put back")
		}
	})

	t.Run("SwappedPair", func(t *testing.T) {
		for _, k := range []int64{1, n / 2, n - 1} {
			a, b := es[k-1], es[k]
			exec(raw.Tamper, fmt.Sprintf(`DELETE FROM audit_log WHERE seq IN (%d, %d); %s; %s`, a.Seq, b.Seq, insertSQL(withSeq(b, a.Seq)), insertSQL(withSeq(a, b.Seq))))
			fault(fmt.Sprintf("entries %d and %d swapped", a.Seq, b.Seq), a.Seq, "")
			exec(raw.Tamper, fmt.Sprintf(`DELETE FROM audit_log WHERE seq IN (%d, %d); %s; %s`, a.Seq, b.Seq, insertSQL(a), insertSQL(b)))
			ok("swapped pair put back")
		}
	})

	t.Run("TruncatedTail", func(t *testing.T) {
		exec(raw.Tamper, fmt.Sprintf(`DELETE FROM audit_log WHERE seq > %d`, n-2))
		fault("the last two entries truncated", n-1, "")
		// A head rewritten to match is caught by an anchor published
		// before.
		exec(raw.Tamper, fmt.Sprintf(`UPDATE audit_head SET seq = %d, hash = '%s' WHERE id = 1`, n-2, es[n-3].Hash))
		if _, err := VerifyAudit(context.Background(), st, ""); err != nil {
			t.Logf("a consistent truncation without an anchor: %v", err)
		}
		fault("truncated with the head rewritten, against the anchor", n-2, es[n-1].Hash)
		exec(raw.Tamper, fmt.Sprintf(`%s; %s; UPDATE audit_head SET seq = %d, hash = '%s' WHERE id = 1`, insertSQL(es[n-2]), insertSQL(es[n-1]), n, es[n-1].Hash))
		ok("tail put back")
		if _, err := VerifyAudit(context.Background(), st, es[n-1].Hash); err != nil {
			t.Errorf("the restored log against its anchor: %v", err)
		}
	})

	t.Run("EntryPastTheHead", func(t *testing.T) {
		forged := es[n-1]
		forged.Seq, forged.Prev, forged.Detail = n+1, es[n-1].Hash, "forged"
		exec(raw.Tamper, insertSQL(forged))
		fault("an entry added past the head", n+1, "")
		exec(raw.Tamper, fmt.Sprintf(`DELETE FROM audit_log WHERE seq = %d`, n+1))
		ok("forged entry removed")
	})
}

// tamperLog writes the log the tamper tests change: business writes and
// plain entries, every field filled in somewhere, under both hashes.
func tamperLog(t *testing.T, st store.Store) []audit.Entry {
	ctx := context.Background()
	full := func(i int) audit.Entry {
		return audit.Entry{Actor: "user:li.wei", Role: "licensing_officer", Action: "session.sign_in", Object: fmt.Sprintf("user:%d", i),
			BeforeState: []byte{byte(i)}, AfterState: []byte{byte(i + 1)}, Address: "10.0.0.7", RequestID: fmt.Sprintf("req-%d", i), Detail: "登录 sign-in"}
	}
	for i := range 2 {
		if _, err := st.AppendAudit(ctx, full(i)); err != nil {
			t.Fatal(err)
		}
	}
	record(t, st, GrantEvent("TA1", "甲公司", rights.Exploration, 76, 39, 0.01))
	if _, err := st.ImportLayer(ctx, store.Layer{Kind: plan.LayerOther, Name: "t", ImportedAt: epoch}, LayerFixture(2), Entry("layers.import", "layer:t")); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSetting(ctx, store.SettingAuditHash, audit.SM3, Entry("system.configure", "setting:audit.hash")); err != nil {
		t.Fatal(err)
	}
	for i := 2; i < 5; i++ {
		if _, err := st.AppendAudit(ctx, full(i)); err != nil {
			t.Fatal(err)
		}
	}
	_, es := logState(t, st)
	if len(es) != 8 || es[7].Alg != audit.SM3 || es[0].Alg != audit.SHA256 {
		t.Fatalf("the tamper log: %+v", es)
	}
	return es
}

// auditColumns are every column of audit_log, with the entry field each
// holds (times as the SQLite backend writes them; PostgreSQL reads the
// same text as a timestamptz).
var auditColumns = []struct {
	name string
	get  func(audit.Entry) string
}{
	{"seq", func(e audit.Entry) string { return fmt.Sprint(e.Seq) }},
	{"at", func(e audit.Entry) string { return e.At.UTC().Format("2006-01-02T15:04:05.000000Z") }},
	{"actor", func(e audit.Entry) string { return e.Actor }},
	{"role", func(e audit.Entry) string { return e.Role }},
	{"action", func(e audit.Entry) string { return e.Action }},
	{"object", func(e audit.Entry) string { return e.Object }},
	{"before_digest", func(e audit.Entry) string { return e.Before }},
	{"after_digest", func(e audit.Entry) string { return e.After }},
	{"address", func(e audit.Entry) string { return e.Address }},
	{"request_id", func(e audit.Entry) string { return e.RequestID }},
	{"detail", func(e audit.Entry) string { return e.Detail }},
	{"alg", func(e audit.Entry) string { return e.Alg }},
	{"prev", func(e audit.Entry) string { return e.Prev }},
	{"hash", func(e audit.Entry) string { return e.Hash }},
}

// flip changes one byte of s: the last digit of a time's microseconds,
// else the first ASCII byte (its lowest bit); an empty value gains one.
func flip(s string) string {
	if s == "" {
		return "x"
	}
	if strings.HasSuffix(s, "Z") && len(s) == len("2006-01-02T15:04:05.000000Z") {
		b := []byte(s)
		d := b[len(b)-2]
		b[len(b)-2] = '0' + (d-'0'+1)%10
		return string(b)
	}
	b := []byte(s)
	for i, c := range b {
		if c < 0x80 && c > 0x01 {
			b[i] = c ^ 1
			return string(b)
		}
	}
	return s + "x"
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func withSeq(e audit.Entry, seq int64) audit.Entry { e.Seq = seq; return e }

// insertSQL writes e back as it was stored.
func insertSQL(e audit.Entry) string {
	names := make([]string, len(auditColumns))
	vals := make([]string, len(auditColumns))
	for i, c := range auditColumns {
		names[i] = c.name
		vals[i] = quote(c.get(e))
		if c.name == "seq" {
			vals[i] = c.get(e)
		}
	}
	return `INSERT INTO audit_log (` + strings.Join(names, ", ") + `) VALUES (` + strings.Join(vals, ", ") + `)`
}
