package shapefile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"testing"
)

type zipEntry struct {
	name string
	data []byte
}

func makeZip(t *testing.T, entries ...zipEntry) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

// layerEntries is the sample layer as zip entries named stem.*.
func layerEntries(t *testing.T, stem string) []zipEntry {
	files, _, err := Encode(sampleLayer(4513), WriteOptions{Encoding: "GBK"})
	if err != nil {
		t.Fatal(err)
	}
	return []zipEntry{{stem + ".shp", files.SHP}, {stem + ".shx", files.SHX}, {stem + ".dbf", files.DBF}, {stem + ".prj", files.PRJ}, {stem + ".cpg", files.CPG}}
}

func TestReadZip(t *testing.T) {
	entries := append(layerEntries(t, "数据/矿权"),
		zipEntry{"__MACOSX/数据/._矿权.shp", []byte("resource fork")},
		zipEntry{"数据/说明.txt", []byte("readme")},
		zipEntry{"数据/", nil})
	r := makeZip(t, entries...)
	got, warns, err := ReadZip(r, r.Size(), ZipLimits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(warns) != 0 {
		t.Errorf("warnings %v", warns)
	}
	if got.Name != "矿权" {
		t.Errorf("name %q", got.Name)
	}
	compareLayers(t, got, wantBack(sampleLayer(4513)))

	// Backslash separators (old Windows zip tools) are folders too.
	entries = layerEntries(t, `数据\矿权`)
	r = makeZip(t, entries...)
	if _, _, err := ReadZip(r, r.Size(), ZipLimits{}); err != nil {
		t.Fatal(err)
	}
}

func TestReadZipSeveral(t *testing.T) {
	entries := append(layerEntries(t, "a"), layerEntries(t, "dir/b")...)
	r := makeZip(t, entries...)
	_, _, err := ReadZip(r, r.Size(), ZipLimits{})
	wantErr(t, err, "压缩包中有多个 .shp 文件", "the zip holds several .shp files (a.shp, dir/b.shp); name one")
	for _, name := range []string{"B.SHP", "dir/b.shp"} {
		got, _, err := ReadZip(r, r.Size(), ZipLimits{Shp: name})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got.Name != "b" {
			t.Errorf("%s: name %q", name, got.Name)
		}
	}
	_, _, err = ReadZip(r, r.Size(), ZipLimits{Shp: "c.shp"})
	wantErr(t, err, "no single c.shp in the zip (it holds: a.shp, dir/b.shp)")
}

func TestReadZipRefused(t *testing.T) {
	good := layerEntries(t, "ok")
	for _, tc := range []struct {
		name    string
		entries []zipEntry
		limits  ZipLimits
		want    []string
	}{
		{"dotdot", append(good, zipEntry{"../evil.shp", []byte("x")}), ZipLimits{},
			[]string{`压缩包条目 "../evil.shp" 的路径不安全`, `zip entry "../evil.shp" has an unsafe path (".." component); refused`}},
		{"nested dotdot", append(good, zipEntry{"a/../../evil.shp", []byte("x")}), ZipLimits{}, []string{`"a/../../evil.shp" has an unsafe path`}},
		{"backslash", append(good, zipEntry{`..\evil.shp`, []byte("x")}), ZipLimits{}, []string{`"..\\evil.shp" has an unsafe path (".." component)`}},
		{"absolute", append(good, zipEntry{"/etc/evil.shp", []byte("x")}), ZipLimits{}, []string{`"/etc/evil.shp" has an unsafe path (absolute path)`}},
		{"absolute backslash", append(good, zipEntry{`\evil.shp`, []byte("x")}), ZipLimits{}, []string{`has an unsafe path (absolute path)`}},
		{"drive", append(good, zipEntry{"C:/evil.shp", []byte("x")}), ZipLimits{}, []string{`"C:/evil.shp" has an unsafe path (drive letter)`}},
		{"entries", append(good, zipEntry{"extra.txt", nil}), ZipLimits{MaxEntries: 5},
			[]string{"压缩包有 6 个条目，超过上限 5", "the zip has 6 entries, over the limit of 5"}},
		{"bytes", good, ZipLimits{MaxBytes: 100}, []string{"the zip's uncompressed size is over the limit of 100 bytes"}},
		{"no shp", []zipEntry{{"a.dbf", nil}}, ZipLimits{}, []string{"no .shp file in the zip"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := makeZip(t, tc.entries...)
			_, _, err := ReadZip(r, r.Size(), tc.limits)
			wantErr(t, err, tc.want...)
		})
	}
	_, _, err := ReadZip(bytes.NewReader([]byte("not a zip")), 9, ZipLimits{})
	wantErr(t, err, "not a valid zip archive")
}

// TestReadZipLyingSize: an entry declaring 10 bytes that inflates to
// 1 MiB is stopped, not read whole.
func TestReadZipLyingSize(t *testing.T) {
	data := make([]byte, 1<<20)
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "bomb.shp", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data[:10]),
		CompressedSize64: uint64(comp.Len()), UncompressedSize64: 10})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(comp.Bytes())
	zw.Close()
	r := bytes.NewReader(buf.Bytes())
	_, _, err = ReadZip(r, r.Size(), ZipLimits{MaxBytes: 1000})
	wantErr(t, err, "bomb.shp")
	t.Log(err)
}
