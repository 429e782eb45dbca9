package testutil

import (
	"context"

	"mineplan/internal/actor"
)

// Actor is who tests act as when they call a use case that writes.
var Actor = actor.Actor{Kind: actor.System, Name: "mineplan tests"}

// Context is a background context carrying the tests' actor.
func Context() context.Context { return actor.NewContext(context.Background(), Actor) }
