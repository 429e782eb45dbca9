package main

import (
	"os"

	"mineplan/data"
	"mineplan/internal/plan"
)

// loadBundle reads and validates the bundle in dir, or the embedded
// Kashgar bundle when dir is empty.
func loadBundle(dir string) (*plan.Plan, error) {
	if dir != "" {
		return plan.Load(os.DirFS(dir))
	}
	return data.LoadDefault()
}
