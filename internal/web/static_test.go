package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"testing/fstest"
)

// TestVendoredFilesServed: every file listed in static/vendor/SHA256SUMS
// (written by scripts/vendor-web.sh from the pinned npm packages) is
// embedded, has the checksum the list gives, and is served under its
// content-hashed URL with its type; the licence files are served as text.
func TestVendoredFilesServed(t *testing.T) {
	s := testServer(t)
	sums, err := staticFS.ReadFile("static/vendor/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]string{}
	for u, a := range s.assets {
		byName[a.name] = u
	}
	wantType := func(name string) string {
		switch {
		case strings.HasSuffix(name, ".mjs"), strings.HasSuffix(name, ".js"):
			return "text/javascript; charset=utf-8"
		case strings.HasSuffix(name, ".css"):
			return "text/css; charset=utf-8"
		}
		return "text/plain; charset=utf-8" // LICENSE, LICENSE.txt, NOTICE, LICENSE-d3
	}
	n, licences := 0, 0
	sc := bufio.NewScanner(bytes.NewReader(sums))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", sc.Text())
		}
		n++
		name = "vendor/" + name
		u, ok := byName[name]
		if !ok {
			t.Errorf("%s is listed but not embedded", name)
			continue
		}
		rec := request{method: "GET", path: u}.send(s.Handler())
		got := sha256.Sum256(rec.Body.Bytes())
		if rec.Code != 200 || hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s: status %d, sha256 %x, want 200 and %s", u, rec.Code, got, sum)
		}
		if ct := rec.Header().Get("Content-Type"); ct != wantType(name) {
			t.Errorf("%s: Content-Type %q, want %q", name, ct, wantType(name))
		}
		if strings.Contains(name, "LICENSE") {
			licences++
		}
	}
	if n < 6 || licences < 2 {
		t.Errorf("SHA256SUMS lists %d files, %d licences: want MapLibre's and ECharts' files with their licences", n, licences)
	}
}

func TestContentType(t *testing.T) {
	for name, want := range map[string]string{
		"style.css": "text/css; charset=utf-8", "map.js": "text/javascript; charset=utf-8",
		"vendor/maplibre-gl/maplibre-gl.mjs": "text/javascript; charset=utf-8", "a.json": "application/json",
		"north.svg": "image/svg+xml", "x.png": "image/png", "vendor/echarts/LICENSE": "text/plain; charset=utf-8",
		"vendor/maplibre-gl/LICENSE.txt": "text/plain; charset=utf-8", "vendor/SHA256SUMS": "text/plain; charset=utf-8",
		"blob.bin": "application/octet-stream",
	} {
		if got := contentType(name); got != want {
			t.Errorf("contentType(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestStaticGzip: a client that accepts gzip gets MapLibre's module
// compressed, and it decompresses to the very file; one that does not (or
// refuses gzip with q=0) gets it as it is.
func TestStaticGzip(t *testing.T) {
	s := testServer(t)
	var u string
	var raw []byte
	for url, a := range s.assets {
		if a.name == "vendor/maplibre-gl/maplibre-gl.mjs" {
			u, raw = url, a.body
		}
	}
	for _, c := range []struct {
		accept string
		gzip   bool
	}{{"gzip, deflate, br", true}, {"br;q=1, gzip;q=0.5", true}, {"", false}, {"gzip;q=0", false}, {"deflate", false}} {
		rec := request{method: "GET", path: u, header: map[string]string{"Accept-Encoding": c.accept}}.send(s.Handler())
		if rec.Code != 200 || !strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Accept-Encoding") {
			t.Fatalf("%q: status %d, Vary %q", c.accept, rec.Code, rec.Header().Get("Vary"))
		}
		body := rec.Body.Bytes()
		if got := rec.Header().Get("Content-Encoding") == "gzip"; got != c.gzip {
			t.Fatalf("Accept-Encoding %q: gzipped %v, want %v", c.accept, got, c.gzip)
		}
		if c.gzip {
			if len(body) > len(raw)/2 {
				t.Errorf("gzipped module is %d bytes of %d", len(body), len(raw))
			}
			zr, err := gzip.NewReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if body, err = io.ReadAll(zr); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(body, raw) {
			t.Errorf("Accept-Encoding %q: the body is not the module", c.accept)
		}
	}
}

// TestModuleImportsHashed: a script's import of a sibling module is
// rewritten to the sibling's hashed URL, so changing the imported module
// changes the importer's URL too; a missing module and a cycle are errors.
func TestModuleImportsHashed(t *testing.T) {
	files := fstest.MapFS{
		"s/a.js":      {Data: []byte("import { x } from './b.js';\nconst m = await import('./b.js');\nimport './d.js';\n")},
		"s/d.js":      {Data: []byte("document.title = 'x';\n")},
		"s/b.js":      {Data: []byte("export const x = 1;\n")},
		"s/c.css":     {Data: []byte("a{}")},
		"s/v/lib.mjs": {Data: []byte("import './b.js';")}, // vendored code is served as it is
	}
	_, urls, err := hashAssets(files, "s")
	if err != nil {
		t.Fatal(err)
	}
	assets, _, _ := hashAssets(files, "s")
	a := string(assets[urls["a.js"]].body)
	if want := "from '" + urls["b.js"] + "'"; !strings.Contains(a, want) || !strings.Contains(a, "import('"+urls["b.js"]+"')") || !strings.Contains(a, "import '"+urls["d.js"]+"'") {
		t.Fatalf("a.js = %q, want its imports of b.js as %s", a, urls["b.js"])
	}
	if got := string(assets[urls["v/lib.mjs"]].body); got != "import './b.js';" {
		t.Errorf("vendored module rewritten: %q", got)
	}
	files["s/b.js"] = &fstest.MapFile{Data: []byte("export const x = 2;\n")}
	_, urls2, err := hashAssets(files, "s")
	if err != nil {
		t.Fatal(err)
	}
	if urls2["a.js"] == urls["a.js"] || urls2["c.css"] != urls["c.css"] {
		t.Errorf("after b.js changed: a.js %s → %s (want a new URL), c.css %s → %s (want the same)", urls["a.js"], urls2["a.js"], urls["c.css"], urls2["c.css"])
	}
	files["s/b.js"] = &fstest.MapFile{Data: []byte("import './a.js';\nexport * from './a.js';\n")}
	files["s/a.js"] = &fstest.MapFile{Data: []byte("export * from './b.js';\n")}
	if _, _, err := hashAssets(files, "s"); err == nil || !strings.Contains(err.Error(), "cycle") {
		t.Errorf("a cycle: err = %v", err)
	}
	files["s/a.js"] = &fstest.MapFile{Data: []byte("export * from './gone.js';\n")}
	delete(files, "s/b.js")
	if _, _, err := hashAssets(files, "s"); err == nil || !strings.Contains(err.Error(), "gone.js") {
		t.Errorf("a missing module: err = %v", err)
	}
}
