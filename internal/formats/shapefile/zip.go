package shapefile

import (
	"archive/zip"
	"errors"
	"io"
	"path"
	"sort"
	"strings"

	"mineplan/internal/formats"
)

// Defaults for ZipLimits.
const (
	DefaultMaxZipBytes   = 512 << 20 // total uncompressed bytes
	DefaultMaxZipEntries = 1000
)

// ZipLimits bounds what ReadZip accepts and says which layer to read.
type ZipLimits struct {
	// MaxBytes bounds the total uncompressed size of all entries, both as
	// declared in the zip directory and as actually inflated; 0 means
	// DefaultMaxZipBytes.
	MaxBytes int64
	// MaxEntries bounds the number of entries; 0 means
	// DefaultMaxZipEntries.
	MaxEntries int
	// Shp names the .shp to read when the zip holds several: its path
	// inside the zip or just its file name, case-insensitive. Empty means
	// the zip must hold exactly one.
	Shp string
}

// ReadZip reads a shapefile from a zip archive (an upload). The .shx,
// .dbf, .prj and .cpg are taken from the same folder as the .shp, with the
// same base name (case-insensitive). The archive is refused outright when
// any entry has an absolute path, a drive letter, a ".." component (with
// / or \ as separator) or a NUL byte, or when it breaks the limits.
// macOS metadata (__MACOSX/, ._*) is ignored. Nothing is written to disk.
func ReadZip(r io.ReaderAt, size int64, limits ZipLimits) (*formats.Layer, []Warning, error) {
	if limits.MaxBytes <= 0 {
		limits.MaxBytes = DefaultMaxZipBytes
	}
	if limits.MaxEntries <= 0 {
		limits.MaxEntries = DefaultMaxZipEntries
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, nil, errorf("不是有效的 zip 压缩包：%v", "not a valid zip archive: %v", err)
	}
	if len(zr.File) > limits.MaxEntries {
		return nil, nil, errorf("压缩包有 %d 个条目，超过上限 %d", "the zip has %d entries, over the limit of %d", len(zr.File), limits.MaxEntries)
	}
	var declared uint64
	type entry struct {
		f    *zip.File
		name string // with / separators
	}
	var entries []entry
	for _, f := range zr.File {
		if bad := unsafeZipName(f.Name); bad != "" {
			return nil, nil, errorf("压缩包条目 %q 的路径不安全（%s），拒绝读取", "zip entry %q has an unsafe path (%s); refused", f.Name, bad)
		}
		if f.UncompressedSize64 > uint64(limits.MaxBytes) {
			return nil, nil, errorf("压缩包解压后超过 %d 字节上限", "the zip's uncompressed size is over the limit of %d bytes", limits.MaxBytes)
		}
		declared += f.UncompressedSize64 // no overflow: each term ≤ MaxBytes < 2⁶³
		if declared > uint64(limits.MaxBytes) {
			return nil, nil, errorf("压缩包解压后超过 %d 字节上限", "the zip's uncompressed size is over the limit of %d bytes", limits.MaxBytes)
		}
		name := strings.ReplaceAll(f.Name, `\`, "/")
		if f.FileInfo().IsDir() || strings.HasSuffix(name, "/") {
			continue
		}
		if strings.HasPrefix(name, "__MACOSX/") || strings.HasPrefix(path.Base(name), "._") {
			continue
		}
		entries = append(entries, entry{f, name})
	}
	var shps []entry
	for _, e := range entries {
		if strings.EqualFold(path.Ext(e.name), ".shp") {
			shps = append(shps, e)
		}
	}
	names := func(es []entry) string {
		var s []string
		for _, e := range es {
			s = append(s, e.name)
		}
		sort.Strings(s)
		return strings.Join(s, ", ")
	}
	var shp entry
	switch {
	case limits.Shp != "":
		want := strings.ReplaceAll(limits.Shp, `\`, "/")
		var match []entry
		for _, e := range shps {
			if strings.EqualFold(e.name, want) || strings.EqualFold(path.Base(e.name), want) {
				match = append(match, e)
			}
		}
		if len(match) != 1 {
			return nil, nil, errorf("压缩包中找不到唯一的 %s（有：%s）", "no single %s in the zip (it holds: %s)", limits.Shp, names(shps))
		}
		shp = match[0]
	case len(shps) == 0:
		return nil, nil, errorf("压缩包中没有 .shp 文件", "no .shp file in the zip")
	case len(shps) > 1:
		return nil, nil, errorf("压缩包中有多个 .shp 文件（%s），请指定一个", "the zip holds several .shp files (%s); name one", names(shps))
	default:
		shp = shps[0]
	}
	stem := strings.TrimSuffix(shp.name, path.Ext(shp.name))
	budget := limits.MaxBytes
	read := func(e entry) ([]byte, error) {
		rc, err := e.f.Open()
		if err != nil {
			return nil, errorf("无法读取压缩包条目 %s：%v", "cannot read zip entry %s: %v", e.name, err)
		}
		defer rc.Close()
		b, err := io.ReadAll(io.LimitReader(rc, budget+1))
		if err != nil {
			return nil, errorf("无法读取压缩包条目 %s：%v", "cannot read zip entry %s: %v", e.name, err)
		}
		if int64(len(b)) > budget {
			return nil, errorf("压缩包解压后超过 %d 字节上限", "the zip's uncompressed size is over the limit of %d bytes", limits.MaxBytes)
		}
		budget -= int64(len(b))
		if b == nil {
			b = []byte{}
		}
		return b, nil
	}
	files := Files{Name: path.Base(stem)}
	if files.SHP, err = read(shp); err != nil {
		return nil, nil, err
	}
	for _, m := range []struct {
		ext string
		dst *[]byte
	}{{".shx", &files.SHX}, {".dbf", &files.DBF}, {".prj", &files.PRJ}, {".cpg", &files.CPG}} {
		var found *entry
		for i, e := range entries {
			if e.name == stem+m.ext || (found == nil && strings.EqualFold(e.name, stem+m.ext)) {
				found = &entries[i]
			}
		}
		if found == nil {
			continue
		}
		if *m.dst, err = read(*found); err != nil {
			return nil, nil, err
		}
	}
	return Read(files)
}

// unsafeZipName says why an entry name could escape an extraction
// directory, or "" when it is safe.
func unsafeZipName(name string) string {
	switch {
	case name == "":
		return "empty name"
	case strings.ContainsRune(name, 0):
		return "NUL byte"
	}
	n := strings.ReplaceAll(name, `\`, "/")
	switch {
	case strings.HasPrefix(n, "/"):
		return "absolute path"
	case len(n) >= 2 && n[1] == ':':
		return "drive letter"
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return `".." component`
		}
	}
	return ""
}
