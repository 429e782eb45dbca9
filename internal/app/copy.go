package app

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"sort"
	"strconv"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
	"mineplan/internal/store"
)

// Counts is how much a store holds.
type Counts struct {
	Plans         int `json:"plans"`
	Revisions     int `json:"revisions"`
	Files         int `json:"files"`
	Zones         int `json:"zones"`
	Layers        int `json:"layers"`
	LayerFeatures int `json:"layer_features"`
	Rights        int `json:"rights"`
	RightEvents   int `json:"right_events"`
	Reviews       int `json:"reviews"`
	Settings      int `json:"settings"`
	AuditEntries  int `json:"audit_entries"`
	Users         int `json:"users"`
	Tokens        int `json:"tokens"`
}

// ContentHash hashes everything a store holds, history included, in a
// canonical order, so two stores can be compared across backends: the
// plan revisions with their files and zones, the layers and features, the
// register's events (the states, history and totals derive from them),
// the reviews, the settings, and the audit log (every stored field of
// every entry, then its head and start).
func ContentHash(ctx context.Context, st store.Reader) (string, Counts, error) {
	h := sha256.New()
	var c Counts
	ids, err := st.PlanIDs(ctx)
	if err != nil {
		return "", c, err
	}
	for _, id := range ids {
		c.Plans++
		revs, err := st.PlanRevisions(ctx, id)
		if err != nil {
			return "", c, err
		}
		for _, r := range revs {
			c.Revisions++
			writeFields(h, "revision", r.PlanID, fmt.Sprint(r.Number), r.Hash, r.Title, r.LoadedAt.UTC().Format(time.RFC3339Nano))
			files, err := st.PlanRevisionFiles(ctx, id, r.Number)
			if err != nil {
				return "", c, err
			}
			paths := make([]string, 0, len(files))
			for p := range files {
				paths = append(paths, p)
			}
			sort.Strings(paths)
			for _, p := range paths {
				c.Files++
				writeFields(h, "file", p, string(files[p]))
			}
			zones, err := st.Zones(ctx, id, r.Number, nil)
			if err != nil {
				return "", c, err
			}
			for _, z := range zones {
				c.Zones++
				var wkb []byte
				if z.Geometry != nil {
					wkb = z.Geometry.WKB()
				}
				writeFields(h, "zone", z.Code, z.Name, z.Type, z.Level, fmt.Sprint(z.Illustrative), string(z.Properties), string(wkb))
			}
		}
	}
	layers, err := st.Layers(ctx)
	if err != nil {
		return "", c, err
	}
	for _, l := range layers {
		c.Layers++
		writeFields(h, "layer", l.Name, string(l.Kind), l.Title, l.Source, fmt.Sprint(l.Features), l.ImportedAt.UTC().Format(time.RFC3339Nano))
		fs, err := st.LayerFeatures(ctx, l.Name, store.FeatureQuery{})
		if err != nil {
			return "", c, err
		}
		for _, f := range fs {
			c.LayerFeatures++
			writeFields(h, "feature", fmt.Sprint(f.ID), string(f.Properties), string(f.Geometry.WKB()))
		}
	}
	events, err := st.AllRightEvents(ctx)
	if err != nil {
		return "", c, err
	}
	last := ""
	for _, ev := range events {
		c.RightEvents++
		if ev.RightID != last {
			c.Rights++
			last = ev.RightID
		}
		row, err := store.EventToRow(ev)
		if err != nil {
			return "", c, err
		}
		writeFields(h, "event", row.RightID, fmt.Sprint(row.Seq), row.Type, row.Date, row.Actor, row.Reason, row.DocRef, row.RecordedAt.Format(time.RFC3339Nano), row.RecordedBy, string(row.Change))
	}
	ids, err = st.ReviewIDs(ctx)
	if err != nil {
		return "", c, err
	}
	for _, id := range ids {
		r, err := st.Review(ctx, id)
		if err != nil {
			return "", c, err
		}
		c.Reviews++
		writeFields(h, "review", r.ID, r.PlanID, fmt.Sprint(r.PlanRevision), r.Verdict, string(r.Input), string(r.Report), r.CreatedAt.UTC().Format(time.RFC3339Nano), r.OwnerCreditCode, r.OwnerCounty, r.CreatedBy)
	}
	settings, err := st.Settings(ctx)
	if err != nil {
		return "", c, err
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c.Settings++
		writeFields(h, "setting", k, settings[k])
	}
	err = st.EachAuditEntry(ctx, func(e audit.Entry) error {
		c.AuditEntries++
		writeFields(h, "audit", strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(auditTimeLayout), e.Actor, e.Role, e.Action, e.Object,
			e.Before, e.After, e.Address, e.RequestID, e.Detail, e.Alg, e.Prev, e.Hash)
		return nil
	})
	if err != nil {
		return "", c, err
	}
	head, start, err := st.AuditHead(ctx)
	if err != nil {
		return "", c, err
	}
	writeFields(h, "audit_head", strconv.FormatInt(head.Seq, 10), head.Hash, strconv.FormatInt(start.Seq, 10), start.Hash)
	// The accounts (sessions are short-lived and not part of a copy):
	// every stored field, in the dump's order (IDs; histories in order).
	acc, err := st.DumpAccounts(ctx)
	if err != nil {
		return "", c, err
	}
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return store.StoredTime(t).Format(auditTimeLayout)
	}
	for _, u := range acc.Users {
		c.Users++
		writeFields(h, "user", strconv.FormatInt(u.ID, 10), u.Name, u.DisplayName, string(u.Role), u.County, u.CreditCode, string(u.Email), string(u.Phone),
			u.PasswordHash, strconv.FormatBool(u.MustChangePassword), string(u.TOTPSecret), strconv.FormatBool(u.TOTPEnabled), strconv.FormatBool(u.Disabled),
			strconv.FormatBool(u.Illustrative), stamp(u.LockedUntil), stamp(u.CreatedAt))
	}
	for _, p := range acc.PasswordHistory {
		writeFields(h, "password_history", strconv.FormatInt(p.UserID, 10), p.Hash, stamp(p.At))
	}
	for _, r := range acc.RecoveryCodes {
		writeFields(h, "recovery_code", strconv.FormatInt(r.UserID, 10), r.Hash, stamp(r.UsedAt))
	}
	for _, t := range acc.Tokens {
		c.Tokens++
		writeFields(h, "token", t.ID, t.SecretHash, t.Name, strconv.FormatInt(t.UserID, 10), string(t.Role), t.County, t.CreditCode, stamp(t.CreatedAt), stamp(t.ExpiresAt), stamp(t.RevokedAt))
	}
	return hex.EncodeToString(h.Sum(nil)), c, nil
}

// auditTimeLayout is the entries' time as their canonical form has it.
const auditTimeLayout = "2006-01-02T15:04:05.000000Z"

// writeFields writes length-prefixed fields, so no two sequences collide.
func writeFields(h hash.Hash, fields ...string) {
	var n [8]byte
	for _, f := range fields {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		io.WriteString(h, f)
	}
}

// CopyReport says what a copy did and proves it: both stores' hashes.
type CopyReport struct {
	Revisions, Layers int
	RightEvents       int
	Reviews           int
	AuditEntries      int
	SourceHash        string
	TargetHash        string
	Counts            Counts
	// Entry is the audit entry the copy appended to the source's log
	// before reading it (so the target holds it too).
	Entry audit.Entry
}

// Copy copies everything from one store into an empty one, history and
// audit log included, verbatim: through the store's restore path, which
// writes the source's rows as they are and appends no audit entries of its
// own, so the target's log is the source's and still verifies. The source
// is read at one point in time (Snapshot) while it keeps serving; the
// target is written in one transaction, so an interrupted copy leaves it
// empty and can simply be run again. Before reading, the copy is recorded
// in the source's log (action system.backup, detail "copy"). It ends by
// comparing content hashes.
func Copy(ctx context.Context, from, to store.Store, progress io.Writer) (CopyReport, error) {
	var rep CopyReport
	a, err := actor.From(ctx)
	if err != nil {
		return rep, err
	}
	if progress == nil {
		progress = io.Discard
	}
	if err := to.Empty(ctx); err != nil {
		return rep, fmt.Errorf("复制目标 / copy target: %w (复制只写入空数据库 / a copy writes only into an empty database)", err)
	}
	if rep.Entry, err = RecordBackup(ctx, from, a, "copy"); err != nil {
		return rep, err
	}
	var srcCounts Counts
	err = from.Snapshot(ctx, func(r store.Reader) error {
		var err error
		if rep.SourceHash, srcCounts, err = ContentHash(ctx, r); err != nil {
			return err
		}
		return to.Restore(ctx, func(tx store.RestoreTx) error {
			n, err := store.RestoreAll(ctx, r, tx, func(format string, args ...any) { fmt.Fprintf(progress, format, args...) })
			rep.Revisions, rep.Layers, rep.RightEvents, rep.Reviews, rep.AuditEntries = n.Revisions, n.Layers, n.RightEvents, n.Reviews, n.AuditEntries
			return err
		})
	})
	if err != nil {
		return rep, err
	}
	var dstCounts Counts
	if rep.TargetHash, dstCounts, err = ContentHash(ctx, to); err != nil {
		return rep, err
	}
	rep.Counts = dstCounts
	if srcCounts != dstCounts || rep.SourceHash != rep.TargetHash {
		return rep, fmt.Errorf("复制校验失败 / copy verification failed: source %+v %s, target %+v %s", srcCounts, rep.SourceHash[:12], dstCounts, rep.TargetHash[:12])
	}
	return rep, nil
}

// RecordBackup appends the entry of a copy or a backup to st's log: who
// took it, and what (a short note without paths or secrets).
func RecordBackup(ctx context.Context, st store.AuditStore, a actor.Actor, what string) (audit.Entry, error) {
	e := audit.For(a, string(authz.SystemBackup), "database")
	e.Detail = what
	got, err := st.AppendAudit(ctx, e)
	if err != nil {
		return audit.Entry{}, fmt.Errorf("记录备份审计 / recording the backup in the audit log: %w", err)
	}
	return got[0], nil
}
