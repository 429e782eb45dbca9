package main

import (
	"errors"
	"flag"
	"io"
	"os"

	"mineplan/data"
	"mineplan/internal/plan"
)

// parseFlags parses flags that may come before or after positional
// arguments, and returns the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageError{"help requested"}
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// loadBundle reads and validates the bundle in dir, or the embedded
// Kashgar bundle when dir is empty.
func loadBundle(dir string) (*plan.Plan, error) {
	if dir != "" {
		return plan.Load(os.DirFS(dir))
	}
	return data.LoadDefault()
}
