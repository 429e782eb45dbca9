package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeMapConfig: --map-config is read before anything starts; a GCJ-02
// basemap stops the server with the reason, a good file is what
// /api/v1/map/config serves.
func TestServeMapConfig(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("basemap: {kind: xyz, url: 'https://webrd01.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}', attribution: 高德}\n"), 0o600)
	var out, log strings.Builder
	err := serve(context.Background(), serveConfig{Addr: "127.0.0.1:0", DB: filepath.Join(dir, "bad.db"), MapConfig: bad}, &out, &log)
	if err == nil || !strings.Contains(err.Error(), "GCJ-02") || !strings.Contains(err.Error(), " / ") {
		t.Fatalf("a GCJ-02 basemap: %v", err)
	}
	if _, statErr := os.Stat(filepath.Join(dir, "bad.db")); statErr == nil {
		t.Error("the database was created before the configuration was checked")
	}
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("approval_number: 新S(2026)001号\nbasemap: {kind: xyz, url: 'https://tiles.example.org/{z}/{x}/{y}.png', attribution: 示例}\n"), 0o600)
	base, _ := startLogged(t, serveConfig{DB: filepath.Join(dir, "good.db"), MapConfig: good, NoDemo: true})
	res, err := http.Get(base + "/api/v1/map/config")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var c struct {
		ApprovalNumber string         `json:"approval_number"`
		Basemap        map[string]any `json:"basemap"`
	}
	if err := json.Unmarshal(b, &c); err != nil || c.ApprovalNumber != "新S(2026)001号" || c.Basemap["url"] != "https://tiles.example.org/{z}/{x}/{y}.png" {
		t.Errorf("map config %s (%v)", b, err)
	}
}
