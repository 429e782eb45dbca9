package plan

import (
	"fmt"
	"strings"
)

// BundleError is one defect in a bundle, with the file and, where known,
// the line and field at fault.
type BundleError struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (e *BundleError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// MalformedError lists every defect found in a bundle.
type MalformedError struct{ Errors []*BundleError }

func (e *MalformedError) Error() string {
	lines := make([]string, len(e.Errors))
	for i, be := range e.Errors {
		lines[i] = be.Error()
	}
	return fmt.Sprintf("plan bundle is malformed (%d errors):\n  %s", len(e.Errors), strings.Join(lines, "\n  "))
}
