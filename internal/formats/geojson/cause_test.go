package geojson

import (
	"errors"
	"io"
	"strings"
	"testing"

	"mineplan/internal/formats"
)

var errDisk = errors.New("disk gone")

// failingReader gives some text, then the error of a failing disk.
type failingReader struct{ text io.Reader }

func (r *failingReader) Read(p []byte) (int, error) {
	n, err := r.text.Read(p)
	if err == io.EOF {
		return n, errDisk
	}
	return n, err
}

// TestReadErrorsWrapTheCause: a fault of the reader underneath stays
// reachable with errors.Is, in the plain message too.
func TestReadErrorsWrapTheCause(t *testing.T) {
	doc := `{"type":"FeatureCollection","features":[` + poly(okRing)
	_, err := ReadLayer(&failingReader{strings.NewReader(doc)}, "x")
	if !errors.Is(err, errDisk) {
		t.Errorf("ReadLayer: %v does not wrap the reader's error", err)
	}
	_, err = ReadCollection(&failingReader{strings.NewReader(doc)})
	if !errors.Is(err, errDisk) {
		t.Errorf("ReadCollection: %v does not wrap the reader's error", err)
	}
	lines := poly(okRing) + "\n"
	err = ReadLines(&failingReader{strings.NewReader(lines)}, func(formats.Record) error { return nil })
	if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), "after line 1: read failed: disk gone") {
		t.Errorf("ReadLines: %v does not wrap the reader's error", err)
	}
	_, err = ReadLayerLines(&failingReader{strings.NewReader(lines)}, "x")
	if !errors.Is(err, errDisk) {
		t.Errorf("ReadLayerLines: %v does not wrap the reader's error", err)
	}
}

// TestCRSMemberIsNeverIgnored: a crs member that cannot be read is
// refused, never taken for EPSG:4326 (the ignored decoding error of
// issue 10, layer.go:66 then).
func TestCRSMemberIsNeverIgnored(t *testing.T) {
	for _, crs := range []string{`5`, `"EPSG:4490"`, `{"type":"name"}`, `{"type":"name","properties":{"name":5}}`, `{"type":"name","properties":[]}`} {
		_, err := ReadLayer(strings.NewReader(`{"type":"FeatureCollection","crs":`+crs+`,"features":[]}`), "x")
		wantErr(t, err, "无法识别 crs", "unrecognised crs")
	}
}
