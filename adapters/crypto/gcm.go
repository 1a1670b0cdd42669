package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// ErrDecrypt means a ciphertext did not open: wrong key, or altered.
var ErrDecrypt = errors.New("crypto: cannot decrypt")

func aead(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("aes: %w", err)
	}
	return cipher.NewGCM(block)
}

// seal encrypts plain under key with a random nonce.
func seal(key, plain, ad []byte) (nonce, ct []byte, err error) {
	g, err := aead(key)
	if err != nil {
		return nil, nil, err
	}
	nonce = make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, nil, fmt.Errorf("make nonce: %w", err)
	}
	return nonce, g.Seal(nil, nonce, plain, ad), nil
}

// open decrypts ct; any failure is ErrDecrypt.
func open(key, nonce, ct, ad []byte) ([]byte, error) {
	g, err := aead(key)
	if err != nil {
		return nil, err
	}
	if len(nonce) != g.NonceSize() {
		return nil, ErrDecrypt
	}
	plain, err := g.Open(nil, nonce, ct, ad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}
