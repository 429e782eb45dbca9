package web

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// limiter is a token bucket per key (a client address, an account name):
// the one rate limiter of the server, for sign-in, the public check and
// the public reads.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the limiter's memory under many clients: past it the
// buckets start afresh (every client then has its full burst again).
const maxBuckets = 10000

func newLimiter(rate, burst float64) *limiter {
	return &limiter{rate: rate, burst: burst, buckets: map[string]*bucket{}}
}

// allow takes a token for key; when none is left it says how long until
// one is.
func (l *limiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.buckets = map[string]*bucket{}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.burst, b.tokens+max(0, now.Sub(b.last).Seconds())*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
	}
	b.tokens--
	return true, 0
}

// tooMany answers a refused request: 429 with Retry-After in whole
// seconds (at least 1).
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if wantsPage(r) {
		s.errorPageMsg(w, r, http.StatusTooManyRequests, M("error.rate_limited", secs))
		return
	}
	s.writeError(w, r, &apiError{Status: http.StatusTooManyRequests, Code: "rate_limited", Message: "请求过于频繁，请稍后再试 / too many requests, try again later"})
}

// limited wraps a handler with a per-address limiter.
func (s *Server) limited(l *limiter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ok, wait := l.allow(clientIP(r), s.now()); !ok {
			s.tooMany(w, r, wait)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// SignInAllowed is the sign-in route's rate limit, per client address and
// per account name (so neither one address trying many names nor many
// addresses trying one name gets far); when it answers false it has
// written the 429. The sign-in handler calls it before checking a
// password; the account lockout (5 failures in 15 minutes) is the
// accounts' own, on top.
func (s *Server) SignInAllowed(w http.ResponseWriter, r *http.Request, account string) bool {
	now := s.now()
	ok, wait := s.signInByAddress.allow(clientIP(r), now)
	if ok {
		ok, wait = s.signInByAccount.allow(account, now)
	}
	if !ok {
		s.tooMany(w, r, wait)
	}
	return ok
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
