package web

import (
	"archive/zip"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"mineplan/internal/app"
	"mineplan/internal/authz"
	"mineplan/internal/rights"
	"mineplan/internal/store"
)

// exportType is an export format's file extension and media type.
type exportType struct{ name, ext, ctype string }

// exportTypes are the register's export formats, in the order the page
// offers them; a Shapefile is its files in one zip.
var exportTypes = []exportType{
	{"xlsx", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	{"shp", ".zip", "application/zip"},
	{"gpkg", ".gpkg", "application/geopackage+sqlite3"},
	{"geojson", ".geojson", "application/geo+json"},
}

func exportTypeOf(format string) (exportType, bool) {
	i := slices.IndexFunc(exportTypes, func(t exportType) bool { return t.name == format })
	if i < 0 {
		return exportType{}, false
	}
	return exportTypes[i], true
}

// handleRegisterExport writes the register page's query (GET
// /register/export?format=xlsx|shp|gpkg|geojson&<the page's filters>):
// every match, narrowed to the caller's rights.export jurisdiction, in the
// order asked for. It is the command line's export (app.RecordExport then
// app.ExportRegister): the export is appended to the audit log first, so
// an export the log cannot record is not made.
func (s *Server) handleRegisterExport(w http.ResponseWriter, r *http.Request) {
	raw, values := registerQuery(r)
	format := values["format"]
	typ, ok := exportTypeOf(format)
	if !ok {
		s.errorPage(w, r, http.StatusBadRequest, "officer.error.format")
		return
	}
	var kept []string
	for _, pair := range strings.Split(raw, "&") {
		k, _, _ := strings.Cut(pair, "=")
		// The whole match: paging does not apply to an export.
		if !slices.Contains([]string{"format", "limit", "offset", "after"}, k) {
			kept = append(kept, pair)
		}
	}
	f, asOf, _, _, err := s.rightsQuery(withQuery(r, strings.Join(kept, "&")))
	if err != nil {
		s.errorPage(w, r, http.StatusBadRequest, "error.bad_form")
		return
	}
	s.narrowFor(r, &f, authz.RightsExport)
	ctx, cancel := s.queryContext(r)
	defer cancel()
	var rs []rights.Right
	if asOf != nil {
		rs, _, err = app.RegisterAsOf(ctx, s.cfg.Store, f, *asOf)
	} else {
		rs, _, err = app.CurrentRegister(ctx, s.cfg.Store, f, s.today())
	}
	if err == nil {
		err = app.RecordExport(ctx, s.cfg.Store, format, len(rs))
	}
	if err != nil {
		s.cfg.Logger.Error("register export", "path", r.URL.Path, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	dir, err := os.MkdirTemp("", "mineplan-export-")
	if err != nil {
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	defer os.RemoveAll(dir)
	name := "register-" + s.today().Format("20060102")
	path := filepath.Join(dir, name+typ.ext)
	if format == "shp" {
		path = filepath.Join(dir, "shp", name+".shp")
		err = os.Mkdir(filepath.Dir(path), 0o700)
	}
	if err == nil {
		_, err = app.ExportRegister(path, format, rs)
	}
	if err == nil && format == "shp" {
		path, err = zipDir(filepath.Dir(path), filepath.Join(dir, name+".zip"))
	}
	var file *os.File
	if err == nil {
		file, err = os.Open(path)
	}
	if err != nil {
		s.cfg.Logger.Error("register export", "path", r.URL.Path, "format", format, "err", err)
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	defer file.Close()
	h := w.Header()
	h.Set("Content-Type", typ.ctype)
	h.Set("Content-Disposition", `attachment; filename="`+name+typ.ext+`"`)
	io.Copy(w, file)
}

// zipDir puts a directory's files (a Shapefile's .shp, .shx, .dbf, .prj,
// .cpg) into a new zip at out.
func zipDir(dir, out string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	f, err := os.Create(out)
	if err != nil {
		return "", err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	for _, e := range entries {
		w, err := zw.Create(e.Name())
		if err != nil {
			return "", err
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return "", err
		}
		if _, err := w.Write(b); err != nil {
			return "", err
		}
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return out, f.Close()
}

// narrowFor is narrow for another action than rights.read (an export's
// reach is rights.export's).
func (s *Server) narrowFor(r *http.Request, f *store.RightFilter, act authz.Action) {
	reach, d := authz.ReachOf(who(r), act)
	if d != authz.Allow {
		f.KindMinerals = map[rights.Kind][]string{} // nothing
		return
	}
	f.CreditCode = reach.CreditCode
	if reach.County != "" {
		if f.County != "" && f.County != reach.County {
			f.KindMinerals = map[rights.Kind][]string{}
		}
		f.County = reach.County
	}
	if reach.CountyGrants && f.KindMinerals == nil {
		f.KindMinerals = s.served.Load().countyMinerals
	}
}
