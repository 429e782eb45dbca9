package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"mineplan/internal/store"
)

// apiError is an error with a status and a message that is safe to show;
// Parameter names the query parameter a bad_parameter error is about.
type apiError struct {
	Status    int    `json:"-"`
	Code      string `json:"code"`
	Parameter string `json:"parameter,omitempty"`
	Message   string `json:"message"`
}

func (e *apiError) Error() string { return e.Message }

func notFound(msg string) *apiError {
	return &apiError{Status: http.StatusNotFound, Code: "not_found", Message: msg}
}

// tooLarge is the 413 of a body over its route's limit.
func tooLarge(limit int64) *apiError {
	return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
		Message: fmt.Sprintf("请求内容过大（上限 %d 字节） / request body too large (limit %d bytes)", limit, limit)}
}

// internalError is what a client sees of any failure inside the server.
var internalError = &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "服务器内部错误 / internal error"}

// writeError maps any error to a status in one place; internal errors are
// logged and shown only as a generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, store.ErrNotFound):
		ae = notFound("未找到 / not found")
	case errors.Is(err, store.ErrConflict):
		ae = &apiError{Status: http.StatusConflict, Code: "conflict", Message: "与已存数据冲突，请重试 / conflict with stored data"}
	default:
		s.cfg.Logger.Error("request failed", "path", r.URL.Path, "err", err)
		ae = internalError
	}
	s.writeJSON(w, r, ae.Status, map[string]any{"error": ae})
}

// writeJSON encodes v before anything is written, so a value JSON cannot
// carry (a NaN or an infinite number) is logged and answered with a 500
// and a JSON error, never a 200 with a cut or empty body.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := encodeJSON(v)
	if err != nil {
		s.cfg.Logger.Error("encode response", "path", r.URL.Path, "status", status, "err", err)
		status = http.StatusInternalServerError
		b, _ = encodeJSON(map[string]any{"error": internalError})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
