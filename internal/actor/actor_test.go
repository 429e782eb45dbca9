package actor_test

import (
	"context"
	"errors"
	"testing"

	"mineplan/internal/actor"
)

func TestContextCarriesActor(t *testing.T) {
	if _, err := actor.From(context.Background()); !errors.Is(err, actor.ErrNone) {
		t.Fatalf("empty context: %v, want ErrNone", err)
	}
	want := actor.Actor{Kind: actor.Operator, Name: "zhang"}
	got, err := actor.From(actor.NewContext(context.Background(), want))
	if err != nil || got != want {
		t.Fatalf("got %v, %v; want %v", got, err, want)
	}
	if got.String() != "operator:zhang" {
		t.Errorf("String() = %q", got.String())
	}
}

func TestInvalidActorsRefused(t *testing.T) {
	for _, a := range []actor.Actor{{Kind: "root", Name: "x"}, {Kind: actor.User, Name: "  "}, {Kind: actor.User, Name: "a\u202eb"}} {
		if _, err := actor.From(actor.NewContext(context.Background(), a)); err == nil {
			t.Errorf("%+v accepted", a)
		}
	}
}
