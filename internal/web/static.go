package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
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
			body = a.gzip.of(a.body)
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

// lazyGzip is an asset's compressed form, made on the first request for it
// (so start-up does not pay for files nobody asks for); a hashed URL always
// names the same bytes, so it never goes stale.
type lazyGzip struct {
	once sync.Once
	body []byte
}

func (g *lazyGzip) of(raw []byte) []byte {
	g.once.Do(func() {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level never errs
		zw.Write(raw)
		zw.Close()
		g.body = buf.Bytes()
	})
	return g.body
}

// moduleImport is a relative import of a sibling module in one of mineplan's
// own scripts: `from './x.js'`, `import './x.js'` or `import('./x.js')`.
var moduleImport = regexp.MustCompile(`(from\s*|import\s*\(\s*|import\s*)'\./([A-Za-z0-9_-]+\.js)'`)

// hashAssets reads the static files under dir and names each by the hash of
// its content: /static/<12 hex>/<name>. A script's relative imports of its
// siblings are rewritten to their hashed URLs first, so a change to an
// imported module changes the URL of every module that imports it (and a
// cached old copy never runs with a new one). The second map is name → URL.
func hashAssets(fsys fs.FS, dir string) (map[string]asset, map[string]string, error) {
	raw := map[string][]byte{}
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		raw[strings.TrimPrefix(p, dir+"/")] = b
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	assets, urls := map[string]asset{}, map[string]string{}
	visiting := map[string]bool{}
	var name func(n string) (string, error)
	name = func(n string) (string, error) {
		if u, ok := urls[n]; ok {
			return u, nil
		}
		b, ok := raw[n]
		if !ok {
			return "", fmt.Errorf("静态文件 %q 不存在 / no static file %q", n, n)
		}
		if visiting[n] {
			return "", fmt.Errorf("脚本 %q 循环导入 / script %q imports itself in a cycle", n, n)
		}
		visiting[n] = true
		if path.Ext(n) == ".js" && !strings.Contains(n, "/") {
			var failed error
			b = moduleImport.ReplaceAllFunc(b, func(m []byte) []byte {
				sub := moduleImport.FindSubmatch(m)
				u, err := name(string(sub[2]))
				if err != nil {
					failed = fmt.Errorf("%s: %w", n, err)
					return m
				}
				return append(append(append([]byte{}, sub[1]...), '\''), append([]byte(u), '\'')...)
			})
			if failed != nil {
				return "", failed
			}
		}
		sum := sha256.Sum256(b)
		u := "/static/" + hex.EncodeToString(sum[:6]) + "/" + n
		assets[u] = asset{name: n, ctype: contentType(n), body: b, gzip: &lazyGzip{}}
		urls[n] = u
		return u, nil
	}
	for n := range raw {
		if _, err := name(n); err != nil {
			return nil, nil, err
		}
	}
	return assets, urls, nil
}
