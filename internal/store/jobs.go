package store

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"mineplan/internal/audit"
)

// Background jobs: a small table of mineplan's own (ARCHITECTURE.md says
// why not a queue library). A job is queued with its whole input (the
// uploaded file is in the row, so a restart loses nothing), claimed by one
// worker at a time under a lease, and ended done or failed. A worker that
// stops (a crash, a power cut) stops renewing its lease; once the lease
// has ended, the next claim takes the job again, as a new attempt. Every
// write but progress (queue, finish, failure, retry) appends its audit
// entry in the same transaction. Jobs are working state, like sessions:
// copies and backups leave them out.

// JobState is where a job is in its life.
type JobState string

// The job states: queued → running → done or failed; a running job whose
// attempt failed for a passing reason goes back to queued.
const (
	JobQueued  JobState = "queued"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed"
)

// Ended says whether the job will not run again.
func (s JobState) Ended() bool { return s == JobDone || s == JobFailed }

// JobLayerImport is the kind of a layer import job (app.QueueLayerImport).
const JobLayerImport = "layer_import"

// ErrJobLost is a worker's write to a job it no longer holds: its lease
// ended and another attempt took the job, or the job ended. Nothing is
// written.
var ErrJobLost = errors.New("任务已不归本工作进程 / the job is no longer this worker's")

// Job is one stored job.
type Job struct {
	ID    int64    `json:"id"`
	Kind  string   `json:"kind"`
	State JobState `json:"state"`
	// Params is the job's parameters, JSON of the kind's own shape.
	Params []byte `json:"-"`
	// Upload is the file the job reads, kept until the job ends (then
	// emptied); Job and Jobs leave it out (UploadSize says how big it
	// was), ClaimJob returns it.
	Upload     []byte `json:"-"`
	UploadSize int64  `json:"upload_size"`
	// Attempts counts claims; a claim past MaxAttempts is the worker's
	// cue to fail the job.
	Attempts    int `json:"attempts"`
	MaxAttempts int `json:"max_attempts"`
	// Stage, Done and Total are the progress the worker last reported
	// (Total 0: not known yet).
	Stage string `json:"stage"`
	Done  int64  `json:"done"`
	Total int64  `json:"total"`
	// Error is why the job failed (or its last attempt did); Result what
	// it made (a layer's name).
	Error     string    `json:"error,omitempty"`
	Result    string    `json:"result,omitempty"`
	CreatedBy string    `json:"-"` // actor.Actor.String() of who queued it
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	// LeaseUntil is when the running attempt's lease ends; Worker holds it.
	LeaseUntil time.Time `json:"-"`
	Worker     string    `json:"-"`
}

// Claim is the worker's hold on a running job: a write with a claim
// whose attempt is no longer the job's is ErrJobLost.
func (j Job) Claim() JobClaim { return JobClaim{ID: j.ID, Attempt: j.Attempts, Worker: j.Worker} }

// NewJob is what EnqueueJob stores.
type NewJob struct {
	Kind        string
	Params      []byte
	Upload      []byte
	MaxAttempts int // ≤ 0: DefaultMaxAttempts
	CreatedBy   string
	At          time.Time
}

// DefaultMaxAttempts is how many times a job is claimed before a worker
// gives it up.
const DefaultMaxAttempts = 3

// MaxJobError bounds a stored error message.
const MaxJobError = 2000

// JobClaim names one attempt of a job.
type JobClaim struct {
	ID      int64
	Attempt int
	Worker  string
}

// JobProgress is what a worker reports while it runs a job.
type JobProgress struct {
	Stage       string
	Done, Total int64
}

// JobFinish is a job's successful end. When Layer is set, the layer is
// imported in the same transaction, under ImportLayer's rules, with
// LayerEntry: the job is done exactly when its layer is stored.
type JobFinish struct {
	Result     string
	At         time.Time
	Layer      *Layer
	Features   []LayerFeature
	LayerEntry audit.Entry
}

// Check is what every backend checks before finishing a job: the job's
// audit entry e, and the layer with its own entry when there is one.
func (f JobFinish) Check(e audit.Entry) error {
	if err := CheckAudit(e); err != nil {
		return err
	}
	if f.Layer == nil {
		return nil
	}
	if err := CheckAudit(f.LayerEntry); err != nil {
		return err
	}
	return ValidateLayer(*f.Layer, f.Features)
}

// JobStore keeps the background jobs.
type JobStore interface {
	// EnqueueJob stores a queued job with its audit entry e (object
	// "job:ID", set by the store) in one transaction.
	EnqueueJob(ctx context.Context, j NewJob, e audit.Entry) (Job, error)
	// ClaimJob takes the oldest job that is queued, or running with a
	// lease that ended at or before now, for worker until now+lease, and
	// counts an attempt; the job comes with its upload. ErrNotFound when
	// there is none. A claim writes no audit entry (it changes who works,
	// not what is stored).
	ClaimJob(ctx context.Context, worker string, now time.Time, lease time.Duration) (Job, error)
	// ReportJob records progress and extends the lease to leaseUntil;
	// ErrJobLost when the claim is no longer held.
	ReportJob(ctx context.Context, c JobClaim, p JobProgress, now, leaseUntil time.Time) error
	// FinishJob ends a held job as done (its upload emptied), with entry e
	// and, if f.Layer is set, the layer's import, in one transaction.
	FinishJob(ctx context.Context, c JobClaim, f JobFinish, e audit.Entry) (Job, error)
	// FailJob ends a held job's attempt with message msg: with retry the
	// job is queued again (its upload kept), else it has failed (its
	// upload emptied); with entry e, in one transaction.
	FailJob(ctx context.Context, c JobClaim, msg string, retry bool, now time.Time, e audit.Entry) (Job, error)
	// Job reads one job (without its upload).
	Job(ctx context.Context, id int64) (Job, error)
	// Jobs lists the newest jobs of a kind first, at most limit.
	Jobs(ctx context.Context, kind string, limit int) ([]Job, error)
}

// JobObject names a job in the audit log.
func JobObject(id int64) string { return fmt.Sprintf("job:%d", id) }

// ValidateNewJob checks what every backend requires of a new job.
func ValidateNewJob(j *NewJob) error {
	if j.Kind == "" {
		return fmt.Errorf("job needs a kind")
	}
	if len(j.Params) == 0 {
		j.Params = []byte("{}")
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = DefaultMaxAttempts
	}
	if j.Upload == nil {
		j.Upload = []byte{}
	}
	j.At = StoredTime(j.At)
	return nil
}

// JobErrorText bounds an error message for storing (cut at a rune).
func JobErrorText(msg string) string {
	if len(msg) <= MaxJobError {
		return msg
	}
	cut := MaxJobError - len("…")
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "…"
}
