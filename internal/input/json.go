package input

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// JSONError describes a fault from encoding/json in plain words, naming
// the field (by its JSON path) and the byte offset, never a Go type.
func JSONError(err error) (zh, en string) {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se) && strings.Contains(se.Error(), "unexpected end"):
		return "JSON 不完整", "the JSON ends too early"
	case errors.As(err, &se):
		return fmt.Sprintf("第 %d 字节处 JSON 语法错误", se.Offset), fmt.Sprintf("JSON syntax error at byte %d", se.Offset)
	case errors.As(err, &te):
		want := jsonKind(te.Type.Kind().String())
		field := te.Field
		if field == "" {
			field = "(document)"
		}
		return fmt.Sprintf("字段 %s 应为%s，而不是 %s（第 %d 字节）", field, want.zh, te.Value, te.Offset),
			fmt.Sprintf("field %s must be %s, not %s (byte %d)", field, want.en, te.Value, te.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "JSON 不完整", "the JSON ends too early"
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return "未知字段 " + f, "unknown field " + f
	}
	if strings.Contains(msg, "unexpected end of JSON input") {
		return "JSON 不完整", "the JSON ends too early"
	}
	if f, ok := strings.CutPrefix(msg, "json: "); ok {
		return "JSON 有误：" + f, "bad JSON: " + f
	}
	return "JSON 有误：" + msg, "bad JSON: " + msg
}

type kindWords struct{ zh, en string }

func jsonKind(k string) kindWords {
	switch k {
	case "float32", "float64", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return kindWords{"数字", "a number"}
	case "string":
		return kindWords{"文本", "a string"}
	case "bool":
		return kindWords{"true 或 false", "true or false"}
	case "slice", "array":
		return kindWords{"数组", "an array"}
	case "struct", "map":
		return kindWords{"对象", "an object"}
	}
	return kindWords{"其他类型", "another type"}
}
