package shapefile

import (
	"archive/zip"
	"io"
	"path"
	"sort"
	"strings"

	"mineplan/internal/formats"
	"mineplan/internal/formats/ziplimit"
)

// Defaults for ZipLimits: the limits of every zip mineplan reads, kept
// in ziplimit.
const (
	DefaultMaxZipBytes   = ziplimit.DefaultMaxBytes // total uncompressed bytes
	DefaultMaxZipEntries = ziplimit.DefaultMaxEntries
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
// / or \ as separator) or a NUL byte, or when it breaks the limits
// (ziplimit.Open). macOS metadata (__MACOSX/, ._*) is ignored. Nothing is
// written to disk.
func ReadZip(r io.ReaderAt, size int64, limits ZipLimits) (*formats.Layer, []Warning, error) {
	return ReadZipWith(r, size, limits, ReadOptions{})
}

// ReadZipWith is ReadZip with read options (the .dbf encoding).
func ReadZipWith(r io.ReaderAt, size int64, limits ZipLimits, opt ReadOptions) (*formats.Layer, []Warning, error) {
	if _, err := opt.charset(); err != nil {
		return nil, nil, err
	}
	za, err := ziplimit.Open(r, size, ziplimit.Limits{MaxBytes: limits.MaxBytes, MaxEntries: limits.MaxEntries})
	if err != nil {
		return nil, nil, err
	}
	type entry struct {
		f    *zip.File
		name string // with / separators
	}
	var entries []entry
	for _, f := range za.File {
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
	read := func(e entry) ([]byte, error) { return za.Read(e.f) }
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
	return ReadWith(files, opt)
}
