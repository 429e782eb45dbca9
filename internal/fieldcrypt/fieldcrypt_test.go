package fieldcrypt_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"mineplan/internal/fieldcrypt"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, fieldcrypt.KeyLen) }

func TestRoundTripBothAlgorithms(t *testing.T) {
	for _, alg := range []fieldcrypt.Alg{fieldcrypt.AES256GCM, fieldcrypt.SM4GCM} {
		c, err := fieldcrypt.New(key(7), alg)
		if err != nil {
			t.Fatal(err)
		}
		ad := []byte("user:alice/email")
		ct, err := c.Seal([]byte("li.wei@example.cn"), ad)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(ct, []byte("li.wei")) {
			t.Fatalf("%s: plaintext visible in %x", alg, ct)
		}
		ct2, _ := c.Seal([]byte("li.wei@example.cn"), ad)
		if bytes.Equal(ct, ct2) {
			t.Errorf("%s: two seals of one value are equal (the nonce is not random)", alg)
		}
		pt, err := c.Open(ct, ad)
		if err != nil || string(pt) != "li.wei@example.cn" {
			t.Fatalf("%s: open %q, %v", alg, pt, err)
		}
		// The other configuration still reads it: the algorithm is in
		// the ciphertext.
		other := fieldcrypt.AES256GCM
		if alg == other {
			other = fieldcrypt.SM4GCM
		}
		oc, _ := fieldcrypt.New(key(7), other)
		if pt, err := oc.Open(ct, ad); err != nil || string(pt) != "li.wei@example.cn" {
			t.Errorf("%s read under %s: %q, %v", alg, other, pt, err)
		}
		if _, err := c.Open(ct, []byte("user:bob/email")); !errors.Is(err, fieldcrypt.ErrDamaged) {
			t.Errorf("%s: moved to another user: %v", alg, err)
		}
		bad := bytes.Clone(ct)
		bad[len(bad)-1] ^= 1
		if _, err := c.Open(bad, ad); !errors.Is(err, fieldcrypt.ErrDamaged) {
			t.Errorf("%s: a flipped bit: %v", alg, err)
		}
		wrong, _ := fieldcrypt.New(key(8), alg)
		if _, err := wrong.Open(ct, ad); !errors.Is(err, fieldcrypt.ErrWrongKey) {
			t.Errorf("%s: wrong key: %v", alg, err)
		}
	}
	if _, err := fieldcrypt.New(key(1)[:16], ""); err == nil {
		t.Error("a 16-byte key accepted")
	}
	if _, err := fieldcrypt.New(key(1), "des"); err == nil {
		t.Error("an unknown algorithm accepted")
	}
}

func TestKeyFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "data.key")
	if err := fieldcrypt.GenerateKeyFile(p); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", fi.Mode().Perm())
	}
	if err := fieldcrypt.GenerateKeyFile(p); err == nil {
		t.Error("an existing key file was overwritten")
	}
	k, err := fieldcrypt.ReadKeyFile(p)
	if err != nil || len(k) != fieldcrypt.KeyLen {
		t.Fatalf("read %d bytes, %v", len(k), err)
	}
	os.Chmod(p, 0o644)
	if _, err := fieldcrypt.ReadKeyFile(p); err == nil {
		t.Error("a world-readable key file accepted")
	}
	os.WriteFile(p, []byte("not hex"), 0o600)
	os.Chmod(p, 0o600)
	if _, err := fieldcrypt.ReadKeyFile(p); err == nil {
		t.Error("a malformed key file accepted")
	}
}
