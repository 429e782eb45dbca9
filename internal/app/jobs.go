package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/authz"
	"mineplan/internal/input"
	"mineplan/internal/plan"
	"mineplan/internal/store"
)

// Layer imports as background jobs: the web queues an upload
// (QueueLayerImport) and a Worker, run by `mineplan serve`, reads,
// validates and stores it, reporting progress. The upload is in the job's
// row, so a job queued or running when the server stops runs at the next
// start; the layer and the job's end are one transaction, so a failed job
// leaves the layers as they were.

// LayerUploadExts are the file types a layer upload may be, by extension:
// those ReadLayerFile reads from one file.
var LayerUploadExts = []string{".zip", ".gpkg", ".geojson", ".json", ".geojsonl", ".ndjson", ".txt"}

// MaxLayerUpload bounds an uploaded layer file.
const MaxLayerUpload = 32 << 20

// LayerUpload is a layer file sent to be imported in the background.
type LayerUpload struct {
	FileName string // the file's own name; its extension picks the reader
	Name     string // empty: FileName without its extension
	Title    string
	Kind     plan.LayerKind
	Encoding string
	Data     []byte
}

// layerJobParams are a layer import job's parameters, with who queued it
// (the import's audit entry names them, not the worker).
type layerJobParams struct {
	FileName  string         `json:"file_name"`
	Name      string         `json:"name"`
	Title     string         `json:"title"`
	Kind      plan.LayerKind `json:"kind"`
	Encoding  string         `json:"encoding,omitempty"`
	Actor     string         `json:"actor"`
	Role      string         `json:"role,omitempty"`
	Address   string         `json:"address,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
}

// LayerJobInfo is what a page shows of a layer import job's parameters.
type LayerJobInfo struct {
	FileName, Name, Title string
	Kind                  plan.LayerKind
}

// LayerJob reads a layer import job's parameters.
func LayerJob(j store.Job) LayerJobInfo {
	var p layerJobParams
	_ = json.Unmarshal(j.Params, &p) // written by QueueLayerImport; empty if not
	return LayerJobInfo{FileName: p.FileName, Name: p.Name, Title: p.Title, Kind: p.Kind}
}

// UploadFault is a field of a LayerUpload that is refused, with why.
type UploadFault struct {
	Field string // "file", "name", "title", "kind"
	Err   error
}

func (f *UploadFault) Error() string { return f.Field + ": " + f.Err.Error() }
func (f *UploadFault) Unwrap() error { return f.Err }

// CheckLayerUpload checks an upload's fields before it is queued, the
// first fault as an *UploadFault.
func CheckLayerUpload(u *LayerUpload) error {
	u.FileName = filepath.Base(strings.ReplaceAll(u.FileName, `\`, "/"))
	ext := strings.ToLower(filepath.Ext(u.FileName))
	switch {
	case u.FileName == "." || u.FileName == "/" || len(u.Data) == 0:
		return &UploadFault{"file", errors.New("没有文件 / no file")}
	case len(u.Data) > MaxLayerUpload:
		return &UploadFault{"file", fmt.Errorf("文件超过 %d MiB / the file is over %d MiB", MaxLayerUpload>>20, MaxLayerUpload>>20)}
	}
	if err := input.CheckText(u.FileName, input.MaxName, false); err != nil {
		return &UploadFault{"file", fmt.Errorf("文件名 / file name: %w", err)}
	}
	known := false
	for _, e := range LayerUploadExts {
		known = known || e == ext
	}
	if !known {
		return &UploadFault{"file", fmt.Errorf("不读取 %q 类型的文件（可用 %s） / files of type %q are not read (use %s)", ext, strings.Join(LayerUploadExts, " "), ext, strings.Join(LayerUploadExts, " "))}
	}
	if u.Name == "" {
		u.Name = strings.TrimSuffix(u.FileName, filepath.Ext(u.FileName))
	}
	if err := input.CheckText(u.Name, input.MaxName, false); err != nil {
		return &UploadFault{"name", err}
	}
	if err := input.CheckText(u.Title, input.MaxName, true); err != nil {
		return &UploadFault{"title", err}
	}
	if u.Title == "" {
		u.Title = u.Name
	}
	if !u.Kind.Valid() {
		return &UploadFault{"kind", fmt.Errorf("图层类型 %q 不是 protected_area、red_line 或 other / layer kind %q is not protected_area, red_line or other", u.Kind, u.Kind)}
	}
	return nil
}

// QueueLayerImport checks an upload and queues its import for the
// context's actor, with its audit entry (authz.LayersImport on the job)
// in the same transaction.
func QueueLayerImport(ctx context.Context, st store.JobStore, u LayerUpload, now time.Time) (store.Job, error) {
	who, err := actor.From(ctx)
	if err != nil {
		return store.Job{}, err
	}
	if err := CheckLayerUpload(&u); err != nil {
		return store.Job{}, err
	}
	params, err := json.Marshal(layerJobParams{FileName: u.FileName, Name: u.Name, Title: u.Title, Kind: u.Kind, Encoding: u.Encoding,
		Actor: who.String(), Role: string(who.Role), Address: who.Address, RequestID: who.RequestID})
	if err != nil {
		return store.Job{}, err
	}
	e := audit.For(who, string(authz.LayersImport), "")
	e.Detail = fmt.Sprintf("queued: %d bytes as layer %s", len(u.Data), u.Name)
	return st.EnqueueJob(ctx, store.NewJob{Kind: store.JobLayerImport, Params: params, Upload: u.Data, CreatedBy: who.String(), At: now}, e)
}

// Job stages a layer import reports.
const (
	StageReading    = "reading"
	StageValidating = "validating"
	StageStoring    = "storing"
)

// JobStores is what the worker needs of a store.
type JobStores interface {
	store.JobStore
	store.LayerStore
}

// Worker runs background jobs, one at a time.
type Worker struct {
	Store JobStores
	// Name identifies the worker in its claims (host and process).
	Name string
	// Lease is how long a claim holds without renewal (default 30 s);
	// Beat how often a running job's progress and lease are written
	// (default Lease/6); Poll how often an idle worker looks for a job
	// (default 1 s).
	Lease, Beat, Poll time.Duration
	// ProgressEvery bounds how often progress is written while it changes
	// (default 500 ms; below zero: at every step, for tests).
	ProgressEvery time.Duration
	Now           func() time.Time
	Logger        *slog.Logger
}

func (w *Worker) defaults() {
	if w.Lease <= 0 {
		w.Lease = 30 * time.Second
	}
	if w.Beat <= 0 || w.Beat >= w.Lease/2 {
		w.Beat = w.Lease / 6
	}
	if w.ProgressEvery == 0 {
		w.ProgressEvery = 500 * time.Millisecond
	}
	if w.Poll <= 0 {
		w.Poll = time.Second
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Logger == nil {
		w.Logger = slog.New(slog.DiscardHandler)
	}
	if w.Name == "" {
		host, _ := os.Hostname()
		w.Name = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
}

// Run runs jobs until ctx ends. A job interrupted by ctx's end is queued
// again (or, if the process dies first, claimed again when its lease ends).
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	for {
		ran, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.Logger.Error("job worker", "err", err)
		}
		if ran && err == nil {
			continue // look for the next at once
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(w.Poll):
		}
	}
}

// RunOnce claims one job and runs it to its end; ran is false when there
// was none.
func (w *Worker) RunOnce(ctx context.Context) (ran bool, err error) {
	w.defaults()
	j, err := w.Store.ClaimJob(ctx, w.Name, w.Now(), w.Lease)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	w.Logger.Info("job claimed", "job", j.ID, "kind", j.Kind, "attempt", j.Attempts)
	sys := actor.Actor{Kind: actor.System, Name: "jobs"}
	entry := func(detail string) audit.Entry {
		e := audit.For(sys, string(authz.LayersImport), "")
		e.Detail = detail
		return e
	}
	if j.Attempts > j.MaxAttempts {
		msg := fmt.Sprintf("任务已尝试 %d 次，每次都未完成（工作进程停止） / the job was tried %d times and never finished (the worker stopped)", j.MaxAttempts, j.MaxAttempts)
		_, err := w.Store.FailJob(ctx, j.Claim(), msg, false, w.Now(), entry("failed: gave up"))
		return true, err
	}
	if j.Kind != store.JobLayerImport {
		_, err := w.Store.FailJob(ctx, j.Claim(), fmt.Sprintf("未知的任务类型 %q / unknown job kind %q", j.Kind, j.Kind), false, w.Now(), entry("failed: unknown kind"))
		return true, err
	}
	res := w.runLayerImport(ctx, j)
	switch {
	case res.err == nil:
		w.Logger.Info("job done", "job", j.ID, "layer", res.layer)
		return true, nil
	case errors.Is(res.err, store.ErrJobLost):
		w.Logger.Warn("job lost", "job", j.ID, "err", res.err)
		return true, nil
	case res.permanent:
		_, err := w.Store.FailJob(context.WithoutCancel(ctx), j.Claim(), res.err.Error(), false, w.Now(), entry("failed: "+short(res.err.Error())))
		return true, err
	default:
		// A passing fault (the database, a stop): queue it again while
		// attempts remain.
		retry := j.Attempts < j.MaxAttempts
		detail := "failed: "
		if retry {
			detail = "retry: "
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, err := w.Store.FailJob(fctx, j.Claim(), res.err.Error(), retry, w.Now(), entry(detail+short(res.err.Error())))
		return true, errors.Join(res.err, err)
	}
}

func short(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}

type importResult struct {
	layer     string
	err       error
	permanent bool // bad input: another attempt gives the same answer
}

// heartbeat holds a running job's progress and writes it: when it
// changes (at most every ProgressEvery) and every Beat (renewing the
// lease). A write that finds the claim lost cancels the job.
type heartbeat struct {
	mu       sync.Mutex
	progress store.JobProgress
	last     time.Time // of the last write, by the wall clock
	write    func(store.JobProgress) error
	cancel   context.CancelCauseFunc
	every    time.Duration
}

func (h *heartbeat) flush() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.writeLocked()
}

func (h *heartbeat) writeLocked() error {
	err := h.write(h.progress)
	h.last = time.Now()
	if errors.Is(err, store.ErrJobLost) {
		h.cancel(err)
	}
	return err
}

// set records progress, writing it when the last write is old enough.
func (h *heartbeat) set(p store.JobProgress) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.progress = p
	if h.every < 0 || time.Since(h.last) >= h.every {
		_ = h.writeLocked() // a lost claim cancels; a passing fault waits for the next
	}
}

func (w *Worker) runLayerImport(ctx context.Context, j store.Job) importResult {
	var p layerJobParams
	if err := json.Unmarshal(j.Params, &p); err != nil {
		return importResult{err: fmt.Errorf("任务参数 / job parameters: %w", err), permanent: true}
	}
	jobCtx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	hb := &heartbeat{progress: store.JobProgress{Stage: StageReading}, cancel: cancel, every: w.ProgressEvery,
		write: func(pr store.JobProgress) error {
			now := w.Now()
			return w.Store.ReportJob(jobCtx, j.Claim(), pr, now, now.Add(w.Lease))
		}}
	if err := hb.flush(); err != nil {
		return importResult{err: err}
	}
	beatDone := make(chan struct{})
	stopBeat := make(chan struct{})
	go func() {
		defer close(beatDone)
		t := time.NewTicker(w.Beat)
		defer t.Stop()
		for {
			select {
			case <-stopBeat:
				return
			case <-jobCtx.Done():
				return
			case <-t.C:
				if err := hb.flush(); errors.Is(err, store.ErrJobLost) {
					return
				} else if err != nil {
					w.Logger.Warn("job heartbeat", "job", j.ID, "err", err)
				}
			}
		}
	}()
	stop := func() { close(stopBeat); <-beatDone }

	dir, err := os.MkdirTemp("", "mineplan-job-")
	if err != nil {
		stop()
		return importResult{err: err}
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, p.FileName)
	if err := os.WriteFile(path, j.Upload, 0o600); err != nil {
		stop()
		return importResult{err: err}
	}
	var total int64
	f := LayerFile{Path: path, Name: p.Name, Title: p.Title, Kind: p.Kind, Encoding: p.Encoding,
		Validated: func(done int) { hb.set(store.JobProgress{Stage: StageValidating, Done: int64(done), Total: total}) }}
	layer, features, err := ReadLayerFile(jobCtx, f, w.Now(), func(n int, _ []string) {
		total = int64(n)
		hb.set(store.JobProgress{Stage: StageValidating, Total: total})
	})
	if err != nil {
		stop()
		if cause := context.Cause(jobCtx); cause != nil {
			return importResult{err: cause}
		}
		// The readers name their file: name the caller's, not ours.
		msg := strings.ReplaceAll(err.Error(), path, p.FileName)
		msg = strings.ReplaceAll(msg, dir+string(os.PathSeparator), "")
		return importResult{err: errors.New(msg), permanent: ctx.Err() == nil}
	}
	hb.mu.Lock()
	hb.progress = store.JobProgress{Stage: StageStoring, Done: int64(len(features)), Total: int64(len(features))}
	hb.mu.Unlock()
	if err := hb.flush(); err != nil {
		stop()
		return importResult{err: err}
	}
	stop()
	layerEntry := audit.Entry{Actor: p.Actor, Role: p.Role, Action: string(authz.LayersImport), Object: "layer:" + layer.Name,
		Address: p.Address, RequestID: p.RequestID, Detail: fmt.Sprintf("%d features, job %d", len(features), j.ID)}
	done := audit.Entry{Actor: actor.Actor{Kind: actor.System, Name: "jobs"}.String(), Action: string(authz.LayersImport),
		Detail: fmt.Sprintf("done: layer %s, %d features", layer.Name, len(features))}
	_, err = w.Store.FinishJob(jobCtx, j.Claim(), store.JobFinish{Result: layer.Name, At: w.Now(), Layer: &layer, Features: features, LayerEntry: layerEntry}, done)
	switch {
	case err == nil:
		return importResult{layer: layer.Name}
	case errors.Is(err, store.ErrJobLost):
		return importResult{err: err}
	case errors.Is(err, store.ErrConflict):
		return importResult{err: fmt.Errorf("图层 %s 已存在（或数据库忙） / layer %s exists already (or the database was busy): %w", layer.Name, layer.Name, err), permanent: layerExists(ctx, w.Store, layer.Name)}
	}
	return importResult{err: err}
}

func layerExists(ctx context.Context, st store.LayerStore, name string) bool {
	ls, err := st.Layers(ctx)
	if err != nil {
		return false
	}
	for _, l := range ls {
		if l.Name == name {
			return true
		}
	}
	return false
}
