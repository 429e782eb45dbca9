// Package fieldcrypt encrypts personal data field by field (e-mail
// addresses, phone numbers, ID numbers, TOTP secrets) before the store
// sees it, with AES-256-GCM by default or SM4-GCM (GB/T 32907) by
// configuration. The key lives in a file outside the database.
//
// A ciphertext is
//
//	version (1) | algorithm (1) | key ID (4) | nonce (12) | sealed data and tag
//
// so a field written under one algorithm is read after the configuration
// names the other, and a wrong key is told apart from damaged data. The
// caller's additional data (the account and field name) binds a
// ciphertext to its place: copied into another user's row, it fails.
package fieldcrypt

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// Alg names a field cipher.
type Alg string

const (
	AES256GCM Alg = "aes-256-gcm"
	SM4GCM    Alg = "sm4-gcm"
)

const (
	version   = 1
	algAES    = 1
	algSM4    = 2
	keyIDLen  = 4
	nonceLen  = 12
	headerLen = 2 + keyIDLen + nonceLen
	// KeyLen is the data key's length in bytes (hex in the key file).
	KeyLen = 32
)

// Cipher seals and opens one field. Open reads whichever algorithm the
// ciphertext names.
type Cipher interface {
	Seal(plaintext, additional []byte) ([]byte, error)
	Open(ciphertext, additional []byte) ([]byte, error)
	// Alg is the algorithm Seal uses.
	Alg() Alg
}

// ErrWrongKey is returned when a field was sealed under another key.
var ErrWrongKey = errors.New("个人信息由另一个数据密钥加密 / the personal data was encrypted with another data key")

// ErrDamaged is returned when a field fails authentication under the
// right key: it was changed, or bound to another account or field.
var ErrDamaged = errors.New("个人信息密文已损坏或被挪用 / the personal data's ciphertext is damaged or does not belong here")

type keyring struct {
	alg   Alg
	id    [keyIDLen]byte
	aes   cipher.AEAD
	sm4   cipher.AEAD
	nonce func([]byte) error
}

// New returns the cipher for a 32-byte data key. Each algorithm gets its
// own key, derived from the data key with HMAC (SHA-256 for AES, SM3 for
// SM4), so the one key file serves both.
func New(key []byte, alg Alg) (Cipher, error) {
	if len(key) != KeyLen {
		return nil, fmt.Errorf("数据密钥须为 %d 字节，实为 %d / the data key must be %d bytes, it is %d", KeyLen, len(key), KeyLen, len(key))
	}
	if alg == "" {
		alg = AES256GCM
	}
	if alg != AES256GCM && alg != SM4GCM {
		return nil, fmt.Errorf("个人信息加密算法 %q 无效，可用 %s 或 %s / field cipher %q is not %s or %s", alg, AES256GCM, SM4GCM, alg, AES256GCM, SM4GCM)
	}
	k := &keyring{alg: alg, nonce: func(b []byte) error { _, err := rand.Read(b); return err }}
	copy(k.id[:], derive(sha256.New, key, "mineplan fieldcrypt key id"))
	ab, err := aes.NewCipher(derive(sha256.New, key, "mineplan fieldcrypt aes-256-gcm"))
	if err != nil {
		return nil, err
	}
	if k.aes, err = cipher.NewGCM(ab); err != nil {
		return nil, err
	}
	sb, err := sm4.NewCipher(derive(sm3.New, key, "mineplan fieldcrypt sm4-gcm")[:16])
	if err != nil {
		return nil, err
	}
	if k.sm4, err = cipher.NewGCM(sb); err != nil {
		return nil, err
	}
	return k, nil
}

func derive(h func() hash.Hash, key []byte, label string) []byte {
	m := hmac.New(h, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func (k *keyring) Alg() Alg { return k.alg }

// KeyID is the key's public identifier, as ciphertexts carry it.
func KeyID(c Cipher) string {
	if k, ok := c.(*keyring); ok {
		return hex.EncodeToString(k.id[:])
	}
	return ""
}

func (k *keyring) Seal(plaintext, additional []byte) ([]byte, error) {
	out := make([]byte, headerLen, headerLen+len(plaintext)+16)
	out[0] = version
	aead := k.aes
	out[1] = algAES
	if k.alg == SM4GCM {
		aead, out[1] = k.sm4, algSM4
	}
	copy(out[2:], k.id[:])
	nonce := out[2+keyIDLen : headerLen]
	if err := k.nonce(nonce); err != nil {
		return nil, err
	}
	return aead.Seal(out, nonce, plaintext, k.aad(out[:2], additional)), nil
}

// aad binds the header's version and algorithm along with the caller's
// additional data.
func (k *keyring) aad(head, additional []byte) []byte {
	return append(append([]byte("mineplan-field:"), head...), additional...)
}

func (k *keyring) Open(ct, additional []byte) ([]byte, error) {
	if len(ct) < headerLen+16 || ct[0] != version {
		return nil, fmt.Errorf("%w（格式不是 mineplan 的字段密文 / not a mineplan field ciphertext）", ErrDamaged)
	}
	var aead cipher.AEAD
	switch ct[1] {
	case algAES:
		aead = k.aes
	case algSM4:
		aead = k.sm4
	default:
		return nil, fmt.Errorf("%w（未知算法 %d / unknown algorithm %d）", ErrDamaged, ct[1], ct[1])
	}
	if !hmac.Equal(ct[2:2+keyIDLen], k.id[:]) {
		return nil, fmt.Errorf("%w：密文的密钥 %x，配置的密钥 %x / ciphertext key %x, configured key %x", ErrWrongKey, ct[2:2+keyIDLen], k.id, ct[2:2+keyIDLen], k.id)
	}
	pt, err := aead.Open(nil, ct[2+keyIDLen:headerLen], ct[headerLen:], k.aad(ct[:2], additional))
	if err != nil {
		return nil, ErrDamaged
	}
	return pt, nil
}

// EnvKeyFile names the variable that gives the key file when --key-file
// does not.
const EnvKeyFile = "MINEPLAN_DATA_KEY_FILE"

// EnvAlg names the variable that chooses the algorithm.
const EnvAlg = "MINEPLAN_DATA_CIPHER"

// ReadKeyFile reads a data key: 64 hex digits, optionally followed by a
// newline. A key file others can read is refused.
func ReadKeyFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("数据密钥文件 / data key file: %w", err)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("数据密钥文件 %s 的权限 %v 过宽，应为 0600 / the data key file %s is readable by others (%v): make it 0600", path, fi.Mode().Perm(), path, fi.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("数据密钥文件 / data key file: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != KeyLen {
		return nil, fmt.Errorf("数据密钥文件 %s 应为 %d 个十六进制数字 / the data key file %s must hold %d hex digits", path, 2*KeyLen, path, 2*KeyLen)
	}
	return key, nil
}

// GenerateKeyFile writes a new random key to path with mode 0600; it
// refuses to overwrite a file.
func GenerateKeyFile(path string) error {
	key := make([]byte, KeyLen)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("生成数据密钥文件 / generating the data key file: %w", err)
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
