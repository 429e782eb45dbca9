package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"mineplan/internal/app"
	"mineplan/internal/plan"
	"mineplan/internal/store"
)

// Layer imports (图层导入) in the workspace: GET /layers lists the stored
// layers and the recent import jobs with the upload form; POST
// /layers/import queues an upload as a background job (app.Worker, run by
// `mineplan serve`, imports it); GET /layers/jobs/{id} shows a job's
// progress, which static/jobs.js follows through GET /api/v1/jobs/{id}.
// All four need layers.import.

// maxLayerImportBody bounds the upload form: the file's limit and room for
// the other fields and the multipart framing.
const maxLayerImportBody = app.MaxLayerUpload + 64<<10

// recentJobs is how many jobs the list shows.
const recentJobs = 20

// layerForm is what the caller typed, kept to fill the form again.
type layerForm struct {
	Name, Title, Kind, Encoding string
	FileName                    string // a file input cannot be filled again
}

type layersPage struct {
	Page
	Form   layerForm
	Errors map[string]*Msg
	Kinds  []string
	Exts   string
	MaxMiB int
	Layers []store.Layer
	Jobs   []jobView
}

// jobView is a job as the pages show it.
type jobView struct {
	store.Job
	Info app.LayerJobInfo
}

// Ended says the job will not change again.
func (j jobView) Ended() bool { return j.State.Ended() }

// Percent is the progress as a whole percentage (0 before the total is known).
func (j jobView) Percent() int64 {
	if j.Total <= 0 {
		return 0
	}
	return min(100, j.Done*100/j.Total)
}

// Updated is when the job last changed, for the page.
func (j jobView) Updated() string { return j.UpdatedAt.UTC().Format("2006-01-02 15:04:05") + " UTC" }

func importKinds() []string {
	return []string{string(plan.LayerProtectedArea), string(plan.LayerRedLine), string(plan.LayerOther)}
}

func (s *Server) layersPage(w http.ResponseWriter, r *http.Request, status int, f layerForm, errs map[string]*Msg) {
	ctx, cancel := s.queryContext(r)
	defer cancel()
	page := layersPage{Page: s.newPage(r, "layers.title"), Form: f, Errors: errs, Kinds: importKinds(),
		Exts: strings.Join(app.LayerUploadExts, " "), MaxMiB: app.MaxLayerUpload >> 20}
	if page.Errors == nil {
		page.Errors = map[string]*Msg{}
	}
	if page.Form.Kind == "" {
		page.Form.Kind = string(plan.LayerOther)
	}
	var err error
	if page.Layers, err = s.cfg.Store.Layers(ctx); err == nil {
		var jobs []store.Job
		if jobs, err = s.cfg.Store.Jobs(ctx, store.JobLayerImport, recentJobs); err == nil {
			for _, j := range jobs {
				page.Jobs = append(page.Jobs, jobView{Job: j, Info: app.LayerJob(j)})
			}
		}
	}
	if err != nil {
		s.cfg.Logger.Error("layers", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	s.render(w, r, status, "layers.html", page)
}

func (s *Server) handleLayersPage(w http.ResponseWriter, r *http.Request) {
	s.layersPage(w, r, http.StatusOK, layerForm{}, nil)
}

// handleLayerImport checks the form and queues the upload (the job holds
// the file, so a restart loses nothing), then shows the job's page; a
// refused form comes back with its errors next to their fields.
func (s *Server) handleLayerImport(w http.ResponseWriter, r *http.Request) {
	l := langOf(r)
	errs := map[string]*Msg{}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		errs["file"] = M("layers.error.file_missing")
		s.layersPage(w, r, http.StatusBadRequest, layerForm{}, errs)
		return
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			errs["file"] = M("layers.error.too_large", app.MaxLayerUpload>>20)
			s.layersPage(w, r, http.StatusRequestEntityTooLarge, layerForm{}, errs)
			return
		}
		s.errorPage(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	defer r.MultipartForm.RemoveAll()
	f := layerForm{Name: strings.TrimSpace(r.PostFormValue("name")), Title: strings.TrimSpace(r.PostFormValue("title")),
		Kind: r.PostFormValue("kind"), Encoding: strings.TrimSpace(r.PostFormValue("encoding"))}
	u := app.LayerUpload{Name: f.Name, Title: f.Title, Kind: plan.LayerKind(f.Kind), Encoding: f.Encoding}
	file, header, err := r.FormFile("file")
	switch {
	case errors.Is(err, http.ErrMissingFile):
	case err != nil:
		s.errorPage(w, r, http.StatusBadRequest, "error.bad_form")
		return
	default:
		defer file.Close()
		f.FileName, u.FileName = header.Filename, header.Filename
		if u.Data, err = io.ReadAll(io.LimitReader(file, app.MaxLayerUpload+1)); err != nil {
			s.errorPage(w, r, http.StatusBadRequest, "error.bad_form")
			return
		}
	}
	fault := func(err error) bool {
		var uf *app.UploadFault
		if !errors.As(err, &uf) {
			return false
		}
		switch {
		case uf.Field == "file" && len(u.Data) == 0:
			errs["file"] = M("layers.error.file_missing")
		case uf.Field == "file" && len(u.Data) > app.MaxLayerUpload:
			errs["file"] = M("layers.error.too_large", app.MaxLayerUpload>>20)
		case uf.Field == "kind":
			errs["kind"] = M("layers.error.kind")
		default:
			errs[uf.Field] = M("layers.error.field", detail(l, uf.Err.Error()))
		}
		return true
	}
	check := u
	if err := app.CheckLayerUpload(&check); fault(err) {
		s.layersPage(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	layers, err := s.cfg.Store.Layers(ctx)
	if err != nil {
		s.cfg.Logger.Error("layers", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	for _, ly := range layers {
		if ly.Name == check.Name {
			errs["name"] = M("layers.error.name_taken", check.Name)
			s.layersPage(w, r, http.StatusUnprocessableEntity, f, errs)
			return
		}
	}
	j, err := app.QueueLayerImport(ctx, s.cfg.Store, u, s.now())
	if fault(err) {
		s.layersPage(w, r, http.StatusUnprocessableEntity, f, errs)
		return
	}
	if err != nil {
		s.cfg.Logger.Error("queue layer import", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	http.Redirect(w, r, "/layers/jobs/"+strconv.FormatInt(j.ID, 10), http.StatusSeeOther)
}

// job reads the layer import job of the path's {id}; ok is false when
// the answer (404, 500) has been written by fail.
func (s *Server) job(w http.ResponseWriter, r *http.Request, fail func(status int, err error)) (jobView, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		fail(http.StatusNotFound, store.ErrNotFound)
		return jobView{}, false
	}
	ctx, cancel := s.queryContext(r)
	defer cancel()
	j, err := s.cfg.Store.Job(ctx, id)
	if err == nil && j.Kind != store.JobLayerImport {
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		fail(http.StatusNotFound, err)
		return jobView{}, false
	}
	if err != nil {
		fail(http.StatusInternalServerError, err)
		return jobView{}, false
	}
	return jobView{Job: j, Info: app.LayerJob(j)}, true
}

type layerJobPage struct {
	Page
	Job jobView
}

func (s *Server) handleLayerJobPage(w http.ResponseWriter, r *http.Request) {
	j, ok := s.job(w, r, func(status int, err error) {
		if status == http.StatusNotFound {
			s.errorPage(w, r, status, "layers.error.job_not_found")
			return
		}
		s.cfg.Logger.Error("job", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, status, "error.internal")
	})
	if !ok {
		return
	}
	page := layerJobPage{Page: s.newPage(r, "layers.job.title"), Job: j}
	page.TitleArg = strconv.FormatInt(j.ID, 10)
	s.render(w, r, http.StatusOK, "layerjob.html", page)
}

// jobJSON is a job as GET /api/v1/jobs/{id} answers it.
type jobJSON struct {
	ID          int64          `json:"id"`
	Kind        string         `json:"kind"`
	State       store.JobState `json:"state"`
	Stage       string         `json:"stage"`
	Done        int64          `json:"done"`
	Total       int64          `json:"total"`
	Percent     int64          `json:"percent"`
	Attempts    int            `json:"attempts"`
	MaxAttempts int            `json:"max_attempts"`
	Error       string         `json:"error,omitempty"`
	Layer       string         `json:"layer"`
	File        string         `json:"file"`
	Result      string         `json:"result,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

func (s *Server) handleJobAPI(w http.ResponseWriter, r *http.Request) {
	j, ok := s.job(w, r, func(status int, err error) {
		if status == http.StatusNotFound {
			err = notFound("任务不存在 / no such job")
		}
		s.writeError(w, r, err)
	})
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, r, http.StatusOK, jobJSON{ID: j.ID, Kind: j.Kind, State: j.State, Stage: j.Stage, Done: j.Done, Total: j.Total, Percent: j.Percent(),
		Attempts: j.Attempts, MaxAttempts: j.MaxAttempts, Error: j.Error, Layer: j.Info.Name, File: j.Info.FileName, Result: j.Result,
		CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt})
}

func layersSamples() map[string]any {
	at := time.Unix(0, 0).UTC()
	jobs := []jobView{
		{Job: store.Job{ID: 1, Kind: store.JobLayerImport, State: store.JobRunning, Stage: app.StageValidating, Done: 5, Total: 10, UpdatedAt: at}, Info: app.LayerJobInfo{FileName: "a.geojson", Name: "a"}},
		{Job: store.Job{ID: 2, Kind: store.JobLayerImport, State: store.JobFailed, Error: "第 3 行 / line 3", UpdatedAt: at}, Info: app.LayerJobInfo{FileName: "b.zip", Name: "b"}},
		{Job: store.Job{ID: 3, Kind: store.JobLayerImport, State: store.JobDone, Stage: app.StageStoring, Done: 2, Total: 2, Result: "c", UpdatedAt: at}, Info: app.LayerJobInfo{FileName: "c.gpkg", Name: "c"}},
		{Job: store.Job{ID: 4, Kind: store.JobLayerImport, State: store.JobQueued, UpdatedAt: at}, Info: app.LayerJobInfo{FileName: "d.txt", Name: "d"}},
	}
	list := layersPage{Page: samplePage(), Form: layerForm{Name: "a", Kind: "other", FileName: "a.geojson"}, Kinds: importKinds(), Exts: ".geojson", MaxMiB: 32,
		Errors: map[string]*Msg{"file": M("layers.error.file_missing"), "name": M("layers.error.name_taken", "a"), "title": M("layers.error.field", "x"),
			"kind": M("layers.error.kind"), "encoding": M("layers.error.field", "x")},
		Layers: []store.Layer{{Name: "a", Kind: plan.LayerRedLine, Title: "A", Source: "a.geojson", Features: 3, ImportedAt: at}}, Jobs: jobs}
	running := jobs[0]
	running.Error = "第 3 行 / line 3" // the last attempt's
	job := layerJobPage{Page: samplePage(), Job: running}
	job.TitleArg = "1"
	return map[string]any{"layers.html": list, "layerjob.html": job}
}
