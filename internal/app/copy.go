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
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// Counts is how much a store holds.
type Counts struct {
	Plans, Revisions, Files, Zones, Layers, LayerFeatures, Rights, RightEvents, Reviews int
}

// ContentHash hashes everything a store holds, history included, in a
// canonical order, so two stores can be compared across backends.
func ContentHash(ctx context.Context, st store.Store) (string, Counts, error) {
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
		writeFields(h, "review", r.ID, r.PlanID, fmt.Sprint(r.PlanRevision), r.Verdict, string(r.Input), string(r.Report), r.CreatedAt.UTC().Format(time.RFC3339Nano))
	}
	return hex.EncodeToString(h.Sum(nil)), c, nil
}

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
	Revisions, Layers int // copied now
	RightEvents       int // copied now
	Reviews           int // copied now
	Skipped           int // revisions and layers the target had already
	SourceHash        string
	TargetHash        string
	Counts            Counts
}

// Copy copies everything from one store to another, history included. It
// is resumable: each revision and each layer is copied in its own
// transaction, and what the target already has (the same revisions with
// the same hashes, the same layers) is skipped. A target that has diverged
// from the source is refused. The copy ends by comparing content hashes.
func Copy(ctx context.Context, from, to store.Store, progress io.Writer) (CopyReport, error) {
	var rep CopyReport
	if _, err := actor.From(ctx); err != nil {
		return rep, err
	}
	ids, err := from.PlanIDs(ctx)
	if err != nil {
		return rep, err
	}
	for _, id := range ids {
		src, err := from.PlanRevisions(ctx, id)
		if err != nil {
			return rep, err
		}
		dst, err := to.PlanRevisions(ctx, id)
		if err != nil {
			return rep, err
		}
		if len(dst) > len(src) {
			return rep, fmt.Errorf("plan %s: the target has %d revisions, the source only %d", id, len(dst), len(src))
		}
		for i, r := range dst {
			if r.Number != src[i].Number || r.Hash != src[i].Hash || !r.LoadedAt.Equal(src[i].LoadedAt) {
				return rep, fmt.Errorf("plan %s revision %d differs between source and target: refusing to copy over a diverged history", id, r.Number)
			}
			rep.Skipped++
		}
		for _, r := range src[len(dst):] {
			files, err := from.PlanRevisionFiles(ctx, id, r.Number)
			if err != nil {
				return rep, err
			}
			zones, err := from.Zones(ctx, id, r.Number, nil)
			if err != nil {
				return rep, err
			}
			saved, created, err := to.SavePlanRevision(ctx, store.NewPlanRevision{PlanID: id, Title: r.Title, Hash: r.Hash, Files: files, Zones: zones, At: r.LoadedAt}, copyEntry(ctx, authz.PlanLoad, ""))
			if err != nil {
				return rep, fmt.Errorf("plan %s revision %d: %w", id, r.Number, err)
			}
			if !created || saved.Number != r.Number {
				return rep, fmt.Errorf("plan %s revision %d was stored as revision %d", id, r.Number, saved.Number)
			}
			rep.Revisions++
			fmt.Fprintf(progress, "规划 %s 第 %d 版：%d 个文件，%d 个分区\n", id, r.Number, len(files), len(zones))
		}
	}
	have := map[string]store.Layer{}
	dstLayers, err := to.Layers(ctx)
	if err != nil {
		return rep, err
	}
	for _, l := range dstLayers {
		have[l.Name] = l
	}
	srcLayers, err := from.Layers(ctx)
	if err != nil {
		return rep, err
	}
	for _, l := range srcLayers {
		if d, ok := have[l.Name]; ok {
			if d.Features != l.Features {
				return rep, fmt.Errorf("layer %s exists in the target with %d features, the source has %d", l.Name, d.Features, l.Features)
			}
			rep.Skipped++
			continue
		}
		fs, err := from.LayerFeatures(ctx, l.Name, store.FeatureQuery{})
		if err != nil {
			return rep, err
		}
		if _, err := to.ImportLayer(ctx, l, fs, copyEntry(ctx, authz.LayersImport, "layer:"+l.Name)); err != nil {
			return rep, fmt.Errorf("layer %s: %w", l.Name, err)
		}
		rep.Layers++
		fmt.Fprintf(progress, "图层 %s：%d 个要素\n", l.Name, len(fs))
	}
	n, err := copyRightEvents(ctx, from, to)
	if err != nil {
		return rep, err
	}
	if n > 0 {
		fmt.Fprintf(progress, "矿业权事件：%d 条\n", n)
	}
	rep.RightEvents = n
	if rep.Reviews, err = copyReviews(ctx, from, to); err != nil {
		return rep, err
	}
	var srcCounts, dstCounts Counts
	if rep.SourceHash, srcCounts, err = ContentHash(ctx, from); err != nil {
		return rep, err
	}
	if rep.TargetHash, dstCounts, err = ContentHash(ctx, to); err != nil {
		return rep, err
	}
	rep.Counts = dstCounts
	if srcCounts != dstCounts || rep.SourceHash != rep.TargetHash {
		return rep, fmt.Errorf("copy verification failed: source %+v %s, target %+v %s", srcCounts, rep.SourceHash[:12], dstCounts, rep.TargetHash[:12])
	}
	return rep, nil
}

// copyRightEvents appends the events the target lacks, right by right, in
// one transaction; the states are derived again from the events. A right
// whose history in the target is not a prefix of the source's is refused.
func copyRightEvents(ctx context.Context, from, to store.Store) (int, error) {
	src, err := from.AllRightEvents(ctx)
	if err != nil {
		return 0, err
	}
	dst, err := to.AllRightEvents(ctx)
	if err != nil {
		return 0, err
	}
	have := map[string][]rights.Event{}
	for _, ev := range dst {
		have[ev.RightID] = append(have[ev.RightID], ev)
	}
	var changes []store.RightChange
	var state *rights.Right
	for i, ev := range src {
		if i == 0 || src[i-1].RightID != ev.RightID {
			state = nil
		}
		next, err := rights.Apply(state, ev)
		if err != nil {
			return 0, fmt.Errorf("right %s event %d: %w", ev.RightID, ev.Seq, err)
		}
		state = &next
		if ev.Seq <= len(have[ev.RightID]) {
			a, _ := store.EventToRow(ev)
			b, _ := store.EventToRow(have[ev.RightID][ev.Seq-1])
			if fmt.Sprint(a) != fmt.Sprint(b) {
				return 0, fmt.Errorf("right %s event %d differs between source and target: refusing to copy over a diverged history", ev.RightID, ev.Seq)
			}
			continue
		}
		changes = append(changes, store.RightChange{Event: ev, State: next, Audit: copyEntry(ctx, authz.RightsImport, RightObject(ev.RightID))})
	}
	if len(changes) == 0 {
		return 0, nil
	}
	return len(changes), to.AppendRightChanges(ctx, changes, nil)
}

// copyReviews copies the reviews the target lacks.
func copyReviews(ctx context.Context, from, to store.Store) (int, error) {
	have := map[string]bool{}
	dst, err := to.ReviewIDs(ctx)
	if err != nil {
		return 0, err
	}
	for _, id := range dst {
		have[id] = true
	}
	src, err := from.ReviewIDs(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range src {
		if have[id] {
			continue
		}
		r, err := from.Review(ctx, id)
		if err != nil {
			return n, err
		}
		if err := to.SaveReview(ctx, r, copyEntry(ctx, authz.ReviewCreate, ReviewObject(id))); err != nil {
			return n, fmt.Errorf("review %s: %w", id, err)
		}
		n++
	}
	return n, nil
}

// copyEntry is the audit entry of one write of a copy (the backup helper
// replaces the copy with a verbatim one).
func copyEntry(ctx context.Context, action authz.Action, object string) audit.Entry {
	a, _ := actor.From(ctx)
	e := audit.For(a, string(action), object)
	e.Detail = "copy"
	return e
}
