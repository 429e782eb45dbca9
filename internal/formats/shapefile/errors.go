package shapefile

import (
	"errors"
	"fmt"
)

// errorf builds a bilingual error, "中文 / English"; both formats take the
// same arguments in the same order.
func errorf(zh, en string, args ...any) error {
	return errors.New(fmt.Sprintf(zh, args...) + " / " + fmt.Sprintf(en, args...))
}

// recordErrorf is errorf for one record of the .shp/.dbf (1-based):
// "第 3 条记录：环未闭合 / record 3: ring not closed".
func recordErrorf(rec int, zh, en string, args ...any) error {
	return errors.New(fmt.Sprintf("第 %d 条记录：", rec) + fmt.Sprintf(zh, args...) +
		fmt.Sprintf(" / record %d: ", rec) + fmt.Sprintf(en, args...))
}

// partErrorf is recordErrorf for one part (ring) of a record, both 1-based.
func partErrorf(rec, part int, zh, en string, args ...any) error {
	return errors.New(fmt.Sprintf("第 %d 条记录第 %d 部分：", rec, part) + fmt.Sprintf(zh, args...) +
		fmt.Sprintf(" / record %d part %d: ", rec, part) + fmt.Sprintf(en, args...))
}

// featureErrorf is errorf for one feature of a layer being written (1-based).
func featureErrorf(feat int, zh, en string, args ...any) error {
	return errors.New(fmt.Sprintf("第 %d 个要素：", feat) + fmt.Sprintf(zh, args...) +
		fmt.Sprintf(" / feature %d: ", feat) + fmt.Sprintf(en, args...))
}

// Warning is something Read or Write accepted but the caller should know
// about: a guessed encoding, a missing .prj, a truncated string, a skipped
// deleted record.
type Warning struct {
	Record  int    // 1-based record (feature) number; 0 when it concerns the whole file
	Field   string // attribute name, when it concerns one field
	Message string // "中文 / English"
}

func (w Warning) String() string {
	switch {
	case w.Record > 0 && w.Field != "":
		return fmt.Sprintf("第 %d 条记录字段 %s / record %d field %s: %s", w.Record, w.Field, w.Record, w.Field, w.Message)
	case w.Record > 0:
		return fmt.Sprintf("第 %d 条记录 / record %d: %s", w.Record, w.Record, w.Message)
	case w.Field != "":
		return fmt.Sprintf("字段 %s / field %s: %s", w.Field, w.Field, w.Message)
	}
	return w.Message
}

// MaxWarnings bounds the warnings one call returns; beyond it a single
// warning says how many were left out.
const MaxWarnings = 100

type warnings struct {
	list    []Warning
	omitted int
}

func (ws *warnings) add(rec int, field, zh, en string, args ...any) {
	if len(ws.list) >= MaxWarnings {
		ws.omitted++
		return
	}
	ws.list = append(ws.list, Warning{Record: rec, Field: field, Message: fmt.Sprintf(zh, args...) + " / " + fmt.Sprintf(en, args...)})
}

func (ws *warnings) result() []Warning {
	if ws.omitted > 0 {
		return append(ws.list, Warning{Message: fmt.Sprintf("另有 %d 条警告未列出 / %d more warnings omitted", ws.omitted, ws.omitted)})
	}
	return ws.list
}
