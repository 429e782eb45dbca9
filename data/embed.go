// Package data embeds the plan bundles that ship with the binary, so it
// works from any directory.
package data

import (
	"embed"
	"io/fs"
)

//go:embed plans
var plans embed.FS

// DefaultPlan is the id of the bundle `serve` loads into an empty database.
const DefaultPlan = "kashgar-2021-2025"

// Bundle returns an embedded bundle by id.
func Bundle(id string) (fs.FS, error) {
	return fs.Sub(plans, "plans/"+id)
}
