package benchmarks

import (
	"context"
	"errors"

	"mineplan/internal/actor"
)

// officer authenticates officerToken as a licensing officer, who may file
// the burst's reviews (internal/accounts does this against the database).
type officer struct{}

const officerToken = "bench-officer"

func (officer) Session(context.Context, string) (actor.Actor, error) {
	return actor.Actor{}, errors.New("no sessions")
}

func (officer) Token(_ context.Context, tok string) (actor.Actor, error) {
	if tok != officerToken {
		return actor.Actor{}, errors.New("unknown token")
	}
	return actor.Actor{Kind: actor.User, Name: "officer", Role: actor.LicensingOfficer}, nil
}
