package web

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strings"
	"sync"
)

// handleStatic serves embedded files under content-hashed URLs, so they can
// be cached for ever. Text files (scripts, styles, licences) go gzipped to
// clients that accept it: MapLibre's two modules are 1.6 MB as they are and
// about a quarter of that compressed, which is what a county office's slow
// line first pays for the map.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) {
	a, ok := s.assets[r.URL.Path]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	body := a.body
	if compressible(a.ctype) && len(a.body) > 1024 {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body = gzipped(r.URL.Path, a.body)
			h.Set("Content-Encoding", "gzip")
		}
	}
	w.Write(body)
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "application/json") || strings.HasPrefix(ctype, "image/svg")
}

// acceptsGzip reads Accept-Encoding: gzip listed and not refused with q=0.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// gzipCache holds each compressed asset by its content-hashed URL, made on
// the first request for it (so start-up does not pay for files nobody asks
// for); the same URL always names the same bytes.
var gzipCache sync.Map // url → *gzipEntry

type gzipEntry struct {
	once sync.Once
	body []byte
}

func gzipped(url string, raw []byte) []byte {
	v, _ := gzipCache.LoadOrStore(url, &gzipEntry{})
	e := v.(*gzipEntry)
	e.once.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(raw)
		zw.Close()
		e.body = buf.Bytes()
	})
	return e.body
}
