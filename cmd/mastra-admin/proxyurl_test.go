package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestProxyURLNamesLocalListenersLocalhost(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]string{
		"127.0.0.1:3100": "http://localhost:3100",
		"0.0.0.0:8080":   "http://localhost:8080",
		"[::]:3100":      "http://localhost:3100",
		":3100":          "http://localhost:3100",
		"10.1.2.3:3100":  "http://10.1.2.3:3100",
		"edge.corp:443":  "http://edge.corp:443",
		"not an address": "http://localhost:3100",
	} {
		assert.Equal(t, want, proxyURL(addr, ""), addr)
	}
}

func TestProxyURLUsesTheBaseDomain(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "http://apps.example.com:3100", proxyURL("0.0.0.0:3100", "Apps.Example.com."))
	assert.Equal(t, "http://apps.example.com", proxyURL("0.0.0.0:80", "apps.example.com"))
}
