package web

import (
	"net/http"

	"mineplan/internal/actor"
)

// withActor puts who a request acts for into its context, where every use
// case that writes takes it from. Until accounts exist every client is
// anonymous, named by its address; the accounts issue puts the signed-in
// user here instead, and no use case changes.
func withActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := clientIP(r)
		if name == "" {
			name = "unknown address"
		}
		next.ServeHTTP(w, r.WithContext(actor.NewContext(r.Context(), actor.Actor{Kind: actor.Anonymous, Name: name})))
	})
}
