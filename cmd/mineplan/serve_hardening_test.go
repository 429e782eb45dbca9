package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"mineplan/internal/actor"
	"mineplan/internal/audit"
	"mineplan/internal/store/postgis"
	"mineplan/internal/store/postgis/pgtest"
	"mineplan/internal/store/sqlite"
	"mineplan/internal/testutil"
)

// officerAuth maps bearer tokens to actors, as internal/accounts does.
type officerAuth map[string]actor.Actor

func (o officerAuth) Session(context.Context, string) (actor.Actor, error) {
	return actor.Actor{}, errors.New("no sessions in this test")
}

func (o officerAuth) Token(_ context.Context, tok string) (actor.Actor, error) {
	if a, ok := o[tok]; ok {
		return a, nil
	}
	return actor.Actor{}, errors.New("unknown token")
}

var testOfficers = officerAuth{
	"licensing": {Kind: actor.User, Name: "licensing", Role: actor.LicensingOfficer},
}

// send makes a request with a bearer token and checks its status.
func send(t *testing.T, method, url, token string, body []byte, want int) []byte {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, url, resp.StatusCode, want, b)
	}
	return b
}

// selfSigned writes a certificate and key for 127.0.0.1 and returns the
// file names and a pool trusting it.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mineplan test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestServeTLS: with --tls-cert and --tls-key the server speaks TLS 1.2
// or newer: a TLS 1.1 client is refused, 1.2 and 1.3 are served, with
// Strict-Transport-Security.
func TestServeTLS(t *testing.T) {
	cert, key, pool := selfSigned(t)
	base := startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: filepath.Join(t.TempDir(), "m.db"), NoDemo: true, TLSCert: cert, TLSKey: key})
	addr := strings.TrimPrefix(base, "http://")
	client := func(min, max uint16) *http.Client {
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: min, MaxVersion: max}}}
	}
	if _, err := client(tls.VersionTLS10, tls.VersionTLS11).Get("https://" + addr + "/healthz"); err == nil {
		t.Fatal("a TLS 1.1 client was served")
	}
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		resp, err := client(v, v).Get("https://" + addr + "/healthz")
		if err != nil {
			t.Fatalf("TLS %x: %v", v, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.TLS.Version != v || resp.Header.Get("Strict-Transport-Security") == "" {
			t.Fatalf("TLS %x: %d, version %x, HSTS %q", v, resp.StatusCode, resp.TLS.Version, resp.Header.Get("Strict-Transport-Security"))
		}
	}
	// Plain HTTP on the TLS port is not served.
	if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Fatal("plain HTTP served on the TLS port")
		}
	}
	// One of the two flags alone is a usage error.
	if code, _, e := runCLI(t, "serve", "--tls-cert", cert); code != 2 || !strings.Contains(e, "--tls-key") {
		t.Fatalf("--tls-cert alone: %d %q", code, e)
	}
}

// TestServerTimeouts: the HTTP server has every timeout set.
func TestServerTimeouts(t *testing.T) {
	hs := newHTTPServer(http.NotFoundHandler(), nil, slog.New(slog.DiscardHandler))
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
		t.Fatalf("timeouts %+v", hs)
	}
	// A client that never finishes its headers is cut off (slow-loris),
	// here with a short timeout on the same server type.
	hs.ReadHeaderTimeout = 200 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	defer hs.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	start := time.Now()
	b, _ := io.ReadAll(c) // ends when the server closes
	if time.Since(start) > 4*time.Second {
		t.Fatalf("the server kept a half-sent request open: %q", b)
	}
}

// TestServePublic: serve --public refuses an empty database (it never
// seeds), serves the public routes of a populated one opened read-only,
// registers no write route, and the store it serves refuses writes.
func TestServePublic(t *testing.T) {
	db := filepath.Join(t.TempDir(), "m.db")
	empty := filepath.Join(t.TempDir(), "empty.db")
	if code, _, e := runCLI(t, "serve", "--public", "--db", empty); code != 1 || !strings.Contains(e, "read-only") {
		t.Fatalf("public on a missing database: %d %q", code, e)
	}
	if _, err := os.Stat(empty); err == nil {
		t.Fatal("serve --public created a database file")
	}
	if code, out, e := runCLI(t, "migrate", "--db", empty); code != 0 {
		t.Fatalf("migrate: %s %s", out, e)
	}
	if code, _, e := runCLI(t, "serve", "--public", "--db", empty); code != 1 || !strings.Contains(e, "never writes") {
		t.Fatalf("public on an empty database: %d %q", code, e)
	}
	// Populate with the ordinary server first.
	startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: db})
	base := startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: db, Public: true, authenticator: testOfficers})
	get(t, base+"/api/v1/plan", 200)
	get(t, base+"/api/v1/rights?limit=1", 200)
	post(t, base+"/api/v1/check", copperAt25, 200)
	send(t, "POST", base+"/api/v1/reviews", "licensing", copperAt25, 404) // not registered
	send(t, "GET", base+"/api/v1/reviews/RV1", "licensing", nil, 404)
	// A write through the store the public mode opens fails in SQLite.
	st, err := sqlite.OpenReadOnly(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := actor.NewContext(testutil.Context(), operator())
	if _, err := st.AppendAudit(ctx, audit.Entry{Actor: "operator:test", Action: "test.write"}); err == nil || !strings.Contains(strings.ToLower(err.Error()), "readonly") {
		t.Fatalf("a write through the read-only store: %v", err)
	}
}

// TestServePublicOnPostgreSQL: serve --public connects with every
// transaction read-only (the URL needs no option), refuses a database
// without the plan, and a write through such a connection fails.
func TestServePublicOnPostgreSQL(t *testing.T) {
	pgURL := pgtest.URL(t)
	mustRun(t, "migrate", "--db", pgURL)
	if code, _, e := runCLI(t, "serve", "--public", "--db", pgURL); code != 1 || !strings.Contains(e, "never writes") {
		t.Fatalf("public on an empty database: %d %q", code, e)
	}
	mustRun(t, "plan", "load", "--db", pgURL)
	base := startServerConfig(t, serveConfig{Addr: "127.0.0.1:0", DB: pgURL, Public: true})
	get(t, base+"/api/v1/plan/tables/专栏16", 200)
	post(t, base+"/api/v1/check", copperAt25, 200)
	st, err := postgis.OpenReadOnly(testutil.Context(), pgURL)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.AppendAudit(testutil.Context(), audit.Entry{Actor: "operator:test", Action: "test.write"}); err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Fatalf("a write through the read-only connection: %v", err)
	}
}
