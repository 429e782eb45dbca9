package store

import (
	"context"
	"errors"
	"fmt"

	"mineplan/internal/audit"
	"mineplan/internal/geo"
	"mineplan/internal/rights"
)

// Reader is everything a copy, a backup and the content hash read: every
// table as stored, history and audit log included. A Store is one; so is
// the point-in-time view Snapshot hands out.
type Reader interface {
	PlanIDs(ctx context.Context) ([]string, error)
	PlanRevisions(ctx context.Context, planID string) ([]PlanRevision, error)
	PlanRevisionFiles(ctx context.Context, planID string, number int) (map[string][]byte, error)
	Zones(ctx context.Context, planID string, number int, bbox *geo.BBox) ([]ZoneFeature, error)
	Layers(ctx context.Context) ([]Layer, error)
	LayerFeatures(ctx context.Context, name string, q FeatureQuery) ([]LayerFeature, error)
	AllRightEvents(ctx context.Context) ([]rights.Event, error)
	ReviewIDs(ctx context.Context) ([]string, error)
	Review(ctx context.Context, id string) (StoredReview, error)
	// Settings returns every stored setting.
	Settings(ctx context.Context) (map[string]string, error)
	EachAuditEntry(ctx context.Context, fn func(audit.Entry) error) error
	AuditHead(ctx context.Context) (head, start audit.Start, err error)
	// DumpAccounts reads users, their password history and recovery codes,
	// and API tokens (not sessions), so copies, backups and the content
	// hash carry them.
	DumpAccounts(ctx context.Context) (AccountsDump, error)
}

// Snapshotter reads a store at one point in time while others keep
// writing to it.
type Snapshotter interface {
	// Snapshot calls fn with a Reader of the store as it was when Snapshot
	// began: SQLite copies the database with VACUUM INTO and reads the
	// copy; PostgreSQL reads in one REPEATABLE READ READ ONLY
	// transaction. The Reader is valid only during fn and is not safe for
	// concurrent use.
	Snapshot(ctx context.Context, fn func(Reader) error) error
}

// ErrNotEmpty is returned by a restore into a store that holds data.
var ErrNotEmpty = errors.New("目标数据库不是空的 / the target database is not empty")

// Restorer writes a store's rows verbatim into an empty store: the path of
// copy and restore only. Unlike the write methods it appends no audit
// entries (the source's log is restored as it was, so it still verifies
// and the content hashes agree) and it assigns nothing (revision numbers,
// sequence numbers, times and hashes are the source's).
type Restorer interface {
	// Empty returns nil for a store without data, else ErrNotEmpty naming
	// what it holds.
	Empty(ctx context.Context) error
	// Restore runs fn in one transaction of the store, which must be empty
	// (ErrNotEmpty otherwise, checked inside the transaction); when fn
	// fails nothing is kept, so an interrupted restore leaves the store
	// empty.
	Restore(ctx context.Context, fn func(RestoreTx) error) error
}

// RestoreTx writes rows verbatim inside a Restore.
type RestoreTx interface {
	// PlanRevision stores a revision with its number, hash and time as
	// given, its files byte for byte and its zones.
	PlanRevision(ctx context.Context, rev PlanRevision, files map[string][]byte, zones []ZoneFeature) error
	// Layer stores a layer as described (count, box, time) with its
	// features and their IDs.
	Layer(ctx context.Context, l Layer, features []LayerFeature) error
	// RightEvents stores the whole register's events (grouped by right, in
	// sequence within a right, as AllRightEvents returns them) and derives
	// the current states, the state history, the totals and the counts as
	// appending them one by one would.
	RightEvents(ctx context.Context, events []rights.Event) error
	Review(ctx context.Context, r StoredReview) error
	Settings(ctx context.Context, settings map[string]string) error
	// AuditEntries stores sealed entries as they are, in Seq order; it may
	// be called several times, each call continuing the last.
	AuditEntries(ctx context.Context, entries []audit.Entry) error
	// AuditHead sets the log's head and start, once, after its entries.
	AuditHead(ctx context.Context, head, start audit.Start) error
	// Accounts stores users, histories, codes and tokens as they are.
	Accounts(ctx context.Context, d AccountsDump) error
}

// EmptyTables are the tables Empty looks at, with what a row in each
// means, in the order a refusal names them.
var EmptyTables = []struct{ Table, What string }{
	{"plan_revisions", "规划版本 / plan revisions"},
	{"layers", "图层 / layers"},
	{"right_events", "矿业权事件 / register events"},
	{"reviews", "审查报告 / reviews"},
	{"audit_log", "审计记录 / audit entries"},
	{"settings", "设置 / settings"},
	{"users", "用户 / users"},
	{"api_tokens", "接口令牌 / API tokens"},
}

// RestoreHistory replays one right's events (in sequence, from 1) into
// the rows AppendRightChanges writes for them: each with an open end,
// which the next event's row closes.
func RestoreHistory(evs []rights.Event) ([]StateRow, error) {
	for i, ev := range evs {
		if ev.Seq != i+1 {
			return nil, fmt.Errorf("right %s: event %d where %d was expected: the register's history has a gap", ev.RightID, ev.Seq, i+1)
		}
	}
	hist, err := StateHistory(evs)
	if err != nil {
		return nil, err
	}
	for i := range hist {
		hist[i].Until = OpenEnd
	}
	return hist, nil
}

// Restored counts what RestoreAll wrote.
type Restored struct {
	Revisions, Layers, RightEvents, Reviews, Settings, AuditEntries int
	Users, Tokens                                                   int
}

// RestoreAll writes everything r holds through tx, verbatim: the one
// order of a copy and a restore (revisions, layers, the register, reviews,
// settings, the audit log and its head). progress, when not nil, is told
// what was written, in Chinese.
func RestoreAll(ctx context.Context, r Reader, tx RestoreTx, progress func(format string, args ...any)) (Restored, error) {
	var rep Restored
	if progress == nil {
		progress = func(string, ...any) {}
	}
	ids, err := r.PlanIDs(ctx)
	if err != nil {
		return rep, err
	}
	for _, id := range ids {
		revs, err := r.PlanRevisions(ctx, id)
		if err != nil {
			return rep, err
		}
		for _, rev := range revs {
			files, err := r.PlanRevisionFiles(ctx, id, rev.Number)
			if err != nil {
				return rep, err
			}
			zones, err := r.Zones(ctx, id, rev.Number, nil)
			if err != nil {
				return rep, err
			}
			if err := tx.PlanRevision(ctx, rev, files, zones); err != nil {
				return rep, err
			}
			rep.Revisions++
			progress("规划 %s 第 %d 版：%d 个文件，%d 个分区\n", id, rev.Number, len(files), len(zones))
		}
	}
	layers, err := r.Layers(ctx)
	if err != nil {
		return rep, err
	}
	for _, l := range layers {
		fs, err := r.LayerFeatures(ctx, l.Name, FeatureQuery{})
		if err != nil {
			return rep, err
		}
		if err := tx.Layer(ctx, l, fs); err != nil {
			return rep, err
		}
		rep.Layers++
		progress("图层 %s：%d 个要素\n", l.Name, len(fs))
	}
	events, err := r.AllRightEvents(ctx)
	if err != nil {
		return rep, err
	}
	if err := tx.RightEvents(ctx, events); err != nil {
		return rep, err
	}
	rep.RightEvents = len(events)
	if len(events) > 0 {
		progress("矿业权事件：%d 条\n", len(events))
	}
	reviews, err := r.ReviewIDs(ctx)
	if err != nil {
		return rep, err
	}
	for _, id := range reviews {
		rv, err := r.Review(ctx, id)
		if err != nil {
			return rep, err
		}
		if err := tx.Review(ctx, rv); err != nil {
			return rep, err
		}
		rep.Reviews++
	}
	settings, err := r.Settings(ctx)
	if err != nil {
		return rep, err
	}
	rep.Settings = len(settings)
	if err := tx.Settings(ctx, settings); err != nil {
		return rep, err
	}
	accounts, err := r.DumpAccounts(ctx)
	if err != nil {
		return rep, err
	}
	rep.Users, rep.Tokens = len(accounts.Users), len(accounts.Tokens)
	if err := tx.Accounts(ctx, accounts); err != nil {
		return rep, err
	}
	const batch = 2000
	var page []audit.Entry
	err = r.EachAuditEntry(ctx, func(e audit.Entry) error {
		page = append(page, e)
		if len(page) < batch {
			return nil
		}
		rep.AuditEntries += len(page)
		err := tx.AuditEntries(ctx, page)
		page = page[:0]
		return err
	})
	if err != nil {
		return rep, err
	}
	if err := tx.AuditEntries(ctx, page); err != nil {
		return rep, err
	}
	rep.AuditEntries += len(page)
	head, start, err := r.AuditHead(ctx)
	if err != nil {
		return rep, err
	}
	if err := tx.AuditHead(ctx, head, start); err != nil {
		return rep, err
	}
	progress("审计记录：%d 条\n", rep.AuditEntries)
	return rep, nil
}
