package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatalogEvalEmbedded(t *testing.T) {
	env := map[string]string{"LOBANG_SIM_PROFILE": "test", "LOBANG_LOG_LEVEL": "warn"}
	var out bytes.Buffer
	// Zürich: every hard mapping case, small enough to be quick.
	err := run(context.Background(), []string{"catalog", "eval", "--destination", "7OrW"}, func(k string) string { return env[k] }, &out, &bytes.Buffer{})
	require.NoError(t, err, out.String())
	assert.Contains(t, out.String(), "7OrW Zürich:")
	assert.Contains(t, out.String(), "sync took")
	assert.Regexp(t, `precision 1\.0000`, out.String())
	assert.Contains(t, out.String(), "missed merge:", "the renamed hotel waits for review")
}

func TestCatalogUsageErrors(t *testing.T) {
	env := map[string]string{"LOBANG_SIM_PROFILE": "test"}
	for _, args := range [][]string{
		{"catalog"},
		{"catalog", "sync"},
		{"catalog", "sync", "--destination", "i8gS", "--all"},
		{"catalog", "sync", "--destination", "nope"},
		{"catalog", "eval"},
		{"catalog", "frobnicate"},
	} {
		err := run(context.Background(), args, func(k string) string { return env[k] }, &bytes.Buffer{}, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
}
