package integration_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/audit"
	"mineplan/internal/rights"
	"mineplan/internal/store"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/store/storetest"
	"mineplan/internal/testutil"
)

func TestIntegrationBackupDuringWritesSQLite(t *testing.T) { testBackupDuringWrites(t, newSQLite) }

func TestIntegrationBackupDuringWritesPostGIS(t *testing.T) { testBackupDuringWrites(t, newPostGIS) }

func openSQLiteMember(ctx context.Context, path string) (store.Store, error) {
	db, err := sqlite.Open(path)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// testBackupDuringWrites backs a store up while writers keep recording
// register events (each followed by its own audit entry, "test-right:ID")
// and appending audit entries, then restores the backup into a fresh
// store of each backend and checks that it is one consistent point in
// time: its content hash is the manifest's, its log verifies and its
// head's seq is the number of entries, every audited right has its event
// and at most the last right of each writer lacks its entry (the writer
// was between the two commits), and the maintained counts and totals
// equal a recount of the restored register.
func testBackupDuringWrites(t *testing.T, newStore func(*testing.T) store.Store) {
	ctx := testutil.Context()
	src := newStore(t)
	t.Cleanup(func() { src.Close() })
	const writers = 3
	var stop atomic.Bool
	var during atomic.Int64 // writes finished while the backup ran
	var backingUp atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, writers+1)
	started := make(chan struct{}, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; !stop.Load(); i++ {
				id := fmt.Sprintf("W%d-%04d", w, i)
				kind := []rights.Kind{rights.Exploration, rights.Mining}[i%2]
				g := storetest.GrantEvent(id, fmt.Sprintf("公司%d", w), kind, 75+float64(w)*1.5+float64(i%50)*0.02, 36.5+float64(i/50)*0.02, 0.01)
				if _, err := app.RecordEvents(ctx, src, []rights.Event{g}, now); err != nil {
					errs <- fmt.Errorf("writer %d right %s: %w", w, id, err)
					return
				}
				if _, err := src.AppendAudit(ctx, audit.Entry{Actor: fmt.Sprintf("user:w%d", w), Action: "test.record", Object: "test-right:" + id}); err != nil {
					errs <- err
					return
				}
				if backingUp.Load() {
					during.Add(1)
				}
				if i == 10 {
					started <- struct{}{}
				}
			}
		}()
	}
	// An audit-only writer: sign-ins, as the web server appends them.
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			if _, err := src.AppendAudit(ctx, audit.Entry{Actor: "user:signer", Action: "session.sign_in", Detail: fmt.Sprint(i)}); err != nil {
				errs <- err
				return
			}
		}
	}()
	for range writers {
		select {
		case <-started:
		case err := <-errs:
			t.Fatal(err)
		case <-time.After(time.Minute):
			t.Fatal("the writers did not start")
		}
	}
	out := filepath.Join(t.TempDir(), "backup.zip")
	backingUp.Store(true)
	m, err := app.Backup(ctx, heldSnapshot{Store: src, during: &during}, app.BackupSource{Backend: "test", Source: "test", Version: "test"}, out, openSQLiteMember, time.Now)
	backingUp.Store(false)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if during.Load() == 0 {
		t.Fatal("no write finished while the backup ran: the test proves nothing")
	}
	final, _, err := app.ContentHash(ctx, src)
	if err != nil || final == m.ContentHash {
		t.Fatalf("the source after the writers: %s %v; it should have moved on from the backup's %s", final, err, m.ContentHash)
	}
	t.Logf("backup of %d rights and %d audit entries; %d writes finished during it", m.Counts.Rights, m.Counts.AuditEntries, during.Load())

	for name, target := range map[string]func(*testing.T) store.Store{"SQLite": newSQLite, "PostGIS": newPostGIS} {
		t.Run("into"+name, func(t *testing.T) {
			dst := target(t)
			t.Cleanup(func() { dst.Close() })
			man, dbPath, err := app.OpenBackup(out, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			member, err := sqlite.Open(dbPath)
			if err != nil {
				t.Fatal(err)
			}
			defer member.Close()
			rep, err := app.RestoreBackup(ctx, man, member, dst)
			if err != nil {
				t.Fatal(err)
			}
			// (a) and (b): RestoreBackup compared the hash and verified the
			// log; check again from here.
			if h, _, err := app.ContentHash(ctx, dst); err != nil || h != m.ContentHash || rep.TargetHash != h {
				t.Fatalf("restored hash %s %v, manifest %s", h, err, m.ContentHash)
			}
			v, err := app.VerifyAudit(ctx, dst, "")
			n := v.Checked
			head, _, herr := dst.AuditHead(ctx)
			if err != nil || herr != nil || head.Seq != n || n != int64(m.Counts.AuditEntries) || head != audit.Start(m.AuditHead) {
				t.Fatalf("audit verify: %d entries, %v; head %+v %v; manifest %+v", n, err, head, herr, m.AuditHead)
			}
			checkPointInTime(t, dst, writers, m.BackupEntry)
		})
	}
}

// checkPointInTime checks the restored register against its audit log and
// its maintained counts against a recount.
func checkPointInTime(t *testing.T, st store.Store, writers int, backupEntry int64) {
	t.Helper()
	ctx := context.Background()
	audited := map[string]bool{}
	sawBackup := false
	if err := st.EachAuditEntry(ctx, func(e audit.Entry) error {
		if id, ok := strings.CutPrefix(e.Object, "test-right:"); ok {
			audited[id] = true
		}
		if e.Seq == backupEntry && e.Action == "system.backup" {
			sawBackup = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !sawBackup {
		t.Errorf("the backup's own entry %d is not in the restored log", backupEntry)
	}
	events, err := st.AllRightEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	recorded := map[string]bool{}
	for _, ev := range events {
		recorded[ev.RightID] = true
	}
	for id := range audited {
		if !recorded[id] {
			t.Errorf("audit entry for right %s, whose event is not in the backup: not one point in time", id)
		}
	}
	unaudited := map[string]int{}
	for id := range recorded {
		if !audited[id] {
			unaudited[strings.SplitN(id, "-", 2)[0]]++
		}
	}
	for w, k := range unaudited {
		if k > 1 {
			t.Errorf("writer %s has %d rights without their audit entry; at most its last may lack it", w, k)
		}
	}
	if len(recorded) < writers*10 {
		t.Errorf("only %d rights in the backup", len(recorded))
	}
	for _, kind := range []rights.Kind{rights.Exploration, rights.Mining} {
		all, _, err := st.Rights(ctx, store.RightFilter{Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		byStatus := map[rights.Status]int{}
		for _, r := range all {
			byStatus[r.Status]++
		}
		_, counted, err := st.Rights(ctx, store.RightFilter{Kind: kind, Limit: 1})
		if err != nil || counted != len(all) {
			t.Errorf("%s: right_counts say %d, the register lists %d (%v)", kind, counted, len(all), err)
		}
		totals, err := st.RightTotals(ctx, store.TotalsFilter{Kind: kind})
		if err != nil {
			t.Fatal(err)
		}
		got := map[rights.Status]int{}
		for _, tot := range totals {
			got[tot.Status] += tot.Count
		}
		for s, n := range byStatus {
			if got[s] != n {
				t.Errorf("%s %s: right_totals say %d, a recount %d", kind, s, got[s], n)
			}
		}
		for s, n := range got {
			if n != byStatus[s] {
				t.Errorf("%s %s: right_totals say %d, a recount %d", kind, s, n, byStatus[s])
			}
		}
	}
}

// heldSnapshot holds each snapshot open until the writers have finished a
// few more writes, so the backup is read while the source changes however
// fast the machine takes it (on an idle PostgreSQL it can take less time
// than one write).
type heldSnapshot struct {
	store.Store
	during *atomic.Int64
}

func (h heldSnapshot) Snapshot(ctx context.Context, fn func(store.Reader) error) error {
	return h.Store.Snapshot(ctx, func(r store.Reader) error {
		want := h.during.Load() + 3
		for deadline := time.Now().Add(30 * time.Second); h.during.Load() < want && time.Now().Before(deadline); {
			time.Sleep(5 * time.Millisecond)
		}
		return fn(r)
	})
}
