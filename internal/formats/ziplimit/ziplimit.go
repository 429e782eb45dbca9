// Package ziplimit is the one check every zip archive mineplan reads goes
// through (a zipped Shapefile upload, an XLSX workbook): the number of
// entries, their names, their declared uncompressed sizes, and the bytes
// they actually inflate to, all against one budget. Nothing is written to
// disk.
package ziplimit

import (
	"archive/zip"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"mineplan/internal/formats"
)

// Defaults for Limits: the limits of every zip read (docs/formats.md,
// "Limits and memory budget").
const (
	DefaultMaxBytes   = formats.MaxInputBytes // total uncompressed bytes of all entries
	DefaultMaxEntries = formats.MaxZipEntries
)

// Limits bounds an archive. Zero values mean the defaults.
type Limits struct {
	// MaxBytes bounds the total uncompressed size of all entries, both as
	// declared in the zip directory and as actually inflated.
	MaxBytes int64
	// MaxEntries bounds the number of entries.
	MaxEntries int
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = DefaultMaxEntries
	}
	return l
}

// Error is a refusal, in Chinese and English; callers that add context
// (the file kind) prefix each half.
type Error struct{ ZH, EN string }

func (e *Error) Error() string { return e.ZH + " / " + e.EN }

// errorf formats both texts with the same arguments.
func errorf(zh, en string, args ...any) *Error {
	return &Error{ZH: fmt.Sprintf(zh, args...), EN: fmt.Sprintf(en, args...)}
}

// words describes an archive/zip or compress/flate fault in plain words.
func words(err error) (zh, en string) {
	var ce flate.CorruptInputError
	switch {
	case errors.Is(err, zip.ErrFormat):
		return "结构无效，或条目解压后比目录声明的长（已损坏或伪造）", "its structure is invalid, or an entry inflates to more than the directory declares (corrupt or forged)"
	case errors.Is(err, zip.ErrChecksum):
		return "校验和不符", "checksum mismatch"
	case errors.Is(err, zip.ErrAlgorithm):
		return "不支持的压缩方法", "unsupported compression method"
	case errors.As(err, &ce), errors.Is(err, io.ErrUnexpectedEOF):
		return "压缩数据损坏", "the compressed data is corrupt"
	}
	return err.Error(), err.Error()
}

func corrupt(f *zip.File, err error) *Error {
	zh, en := words(err)
	return &Error{ZH: fmt.Sprintf("无法读取压缩包条目 %s：%s", f.Name, zh), EN: fmt.Sprintf("cannot read zip entry %s: %s", f.Name, en)}
}

// Archive is an opened zip whose directory passed the checks; Read and
// Drain inflate its entries against the shared byte budget.
type Archive struct {
	*zip.Reader
	max, left int64
}

// Open reads the zip directory of r and checks it: at most MaxEntries
// entries, no unsafe name (an absolute path, a drive letter, a ".."
// component with / or \ as separator, a NUL byte, an empty name), and the
// declared uncompressed sizes at most MaxBytes in total.
func Open(r io.ReaderAt, size int64, limits Limits) (*Archive, error) {
	limits = limits.withDefaults()
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		zh, en := words(err)
		return nil, &Error{ZH: "不是有效的 zip 压缩包（" + zh + "）", EN: "not a valid zip archive (" + en + ")"}
	}
	if len(zr.File) > limits.MaxEntries {
		return nil, errorf("压缩包有 %d 个条目，超过上限 %d", "the zip has %d entries, over the limit of %d", len(zr.File), limits.MaxEntries)
	}
	var declared uint64
	for _, f := range zr.File {
		if bad := UnsafeName(f.Name); bad != "" {
			return nil, errorf("压缩包条目 %q 的路径不安全（%s），拒绝读取", "zip entry %q has an unsafe path (%s); refused", f.Name, bad)
		}
		if f.UncompressedSize64 > uint64(limits.MaxBytes) {
			return nil, overBudget(limits.MaxBytes)
		}
		declared += f.UncompressedSize64 // no overflow: each term ≤ MaxBytes < 2⁶³
		if declared > uint64(limits.MaxBytes) {
			return nil, overBudget(limits.MaxBytes)
		}
	}
	return &Archive{Reader: zr, max: limits.MaxBytes, left: limits.MaxBytes}, nil
}

func overBudget(max int64) *Error {
	return errorf("压缩包解压后超过 %d 字节上限", "the zip's uncompressed size is over the limit of %d bytes", max)
}

// Read inflates one entry whole, charging its actual size to the budget:
// an entry that inflates past what is left is stopped there, whatever its
// declared size.
func (a *Archive) Read(f *zip.File) ([]byte, error) {
	var buf []byte
	if f.UncompressedSize64 <= uint64(a.left) {
		buf = make([]byte, 0, int(f.UncompressedSize64)) // checked against the budget
	}
	w := &sliceWriter{b: buf}
	if err := a.inflate(f, w); err != nil {
		return nil, err
	}
	if w.b == nil {
		w.b = []byte{}
	}
	return w.b, nil
}

// Drain inflates one entry and discards it, charging the budget.
func (a *Archive) Drain(f *zip.File) error { return a.inflate(f, io.Discard) }

// Open opens one entry for reading, charging the budget as it is read: a
// Read past what is left fails with the over-the-limit error.
func (a *Archive) Open(f *zip.File) (io.ReadCloser, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, errorf("无法读取压缩包条目 %s：%v", "cannot read zip entry %s: %v", f.Name, err)
	}
	return &budgetReader{a: a, f: f, rc: rc}, nil
}

type budgetReader struct {
	a  *Archive
	f  *zip.File
	rc io.ReadCloser
}

func (r *budgetReader) Read(p []byte) (int, error) {
	if int64(len(p)) > r.a.left+1 {
		p = p[:r.a.left+1]
	}
	n, err := r.rc.Read(p)
	if int64(n) > r.a.left {
		r.a.left = 0
		return 0, errorf("压缩包解压后超过 %d 字节上限（在条目 %s 处）", "the zip's uncompressed size is over the limit of %d bytes (at entry %s)", r.a.max, r.f.Name)
	}
	r.a.left -= int64(n)
	if err != nil && err != io.EOF {
		return n, corrupt(r.f, err)
	}
	return n, err
}

func (r *budgetReader) Close() error { return r.rc.Close() }

func (a *Archive) inflate(f *zip.File, w io.Writer) error {
	rc, err := f.Open()
	if err != nil {
		return errorf("无法读取压缩包条目 %s：%v", "cannot read zip entry %s: %v", f.Name, err)
	}
	defer rc.Close()
	n, err := io.Copy(w, io.LimitReader(rc, a.left+1))
	if err != nil {
		return corrupt(f, err)
	}
	if n > a.left {
		return errorf("压缩包解压后超过 %d 字节上限（在条目 %s 处）", "the zip's uncompressed size is over the limit of %d bytes (at entry %s)", a.max, f.Name)
	}
	a.left -= n
	return nil
}

type sliceWriter struct{ b []byte }

func (w *sliceWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// CheckFile opens the zip archive at path, checks its directory (Open) and
// inflates every entry, discarding the bytes, so that an archive whose
// entries inflate past the limits is refused before another library
// (excelize) reads it. It returns the number of bytes the entries inflate
// to.
func CheckFile(path string, limits Limits) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, errorf("无法打开 %s：%v", "cannot open %s: %v", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, errorf("无法读取 %s：%v", "cannot read %s: %v", path, err)
	}
	a, err := Open(f, st.Size(), limits)
	if err != nil {
		return 0, err
	}
	for _, e := range a.File {
		if err := a.Drain(e); err != nil {
			return 0, err
		}
	}
	return a.max - a.left, nil
}

// UnsafeName says why an entry name could escape an extraction directory,
// or "" when it is safe.
func UnsafeName(name string) string {
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
