package ziplimit

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func zipOf(t *testing.T, entries map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func want(t *testing.T, err error, sub string) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), sub) {
		t.Fatalf("err %v, want %q", err, sub)
	}
}

func TestLimits(t *testing.T) {
	b := zipOf(t, map[string]string{"a.txt": strings.Repeat(" ", 5000), "b.txt": "x"})
	_, err := Open(bytes.NewReader(b), int64(len(b)), Limits{MaxEntries: 1})
	want(t, err, "压缩包有 2 个条目，超过上限 1 / the zip has 2 entries, over the limit of 1")
	_, err = Open(bytes.NewReader(b), int64(len(b)), Limits{MaxBytes: 5000})
	want(t, err, "the zip's uncompressed size is over the limit of 5000 bytes")
	a, err := Open(bytes.NewReader(b), int64(len(b)), Limits{MaxBytes: 5001})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range a.File {
		rc, err := a.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || len(got) != int(f.UncompressedSize64) {
			t.Fatalf("%s: %d bytes, %v", f.Name, len(got), err)
		}
	}
	b = zipOf(t, map[string]string{"../x": "x"})
	_, err = Open(bytes.NewReader(b), int64(len(b)), Limits{})
	want(t, err, `zip entry "../x" has an unsafe path (".." component); refused`)
	path := filepath.Join(t.TempDir(), "x.zip")
	os.WriteFile(path, zipOf(t, map[string]string{"a": strings.Repeat("a", 100)}), 0o644)
	n, err := CheckFile(path, Limits{})
	if err != nil || n != 100 {
		t.Fatalf("CheckFile: %d, %v", n, err)
	}
	_, err = CheckFile(path, Limits{MaxBytes: 99})
	want(t, err, "over the limit of 99 bytes")
}
