package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"lobang/assets"
)

// The exported tree is what the pipeline syncs to the assets bucket: every
// file must sit at its fingerprinted URL path and carry the content that
// fingerprint names, or CloudFront would serve a year-long stale file.
func TestAssetsExport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var out bytes.Buffer
	err := run(context.Background(), []string{"assets", "export", dir}, func(string) string { return "" }, &out, &bytes.Buffer{})
	require.NoError(t, err)
	names := assets.Names()
	require.NotEmpty(t, names)
	assert.Contains(t, out.String(), "exported")

	written := 0
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			written++
		}
		return err
	}))
	assert.Equal(t, len(names), written, "one file per asset, nothing else")

	for _, name := range names {
		url := assets.URL(name)
		require.True(t, strings.HasPrefix(url, "/assets/"), url)
		body, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(url, "/"))))
		require.NoError(t, err, "%s is exported at %s", name, url)
		base := filepath.Base(url)
		parts := strings.Split(base, ".")
		require.GreaterOrEqual(t, len(parts), 3, "%s has a fingerprint", url)
		hash := parts[len(parts)-2]
		sum := sha256.Sum256(body)
		assert.True(t, strings.HasPrefix(hex.EncodeToString(sum[:]), hash), "%s: content matches fingerprint %s", url, hash)
		assert.NotEqual(t, filepath.Base(name), base, "%s is not exported under its plain name", name)
	}
}

func TestAssetsUsage(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"assets"}, {"assets", "export"}, {"assets", "import", "x"}, {"assets", "export", "a", "b"}} {
		err := run(context.Background(), args, func(string) string { return "" }, &bytes.Buffer{}, &bytes.Buffer{})
		assert.Error(t, err, "%v", args)
	}
}
