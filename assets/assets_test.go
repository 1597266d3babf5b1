package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestURLIsFingerprinted(t *testing.T) {
	t.Parallel()
	for _, name := range Names() {
		u := URL(name)
		f := reg.byName[name]
		sum := sha256.Sum256(f.body)
		ext := filepath.Ext(name)
		want := Prefix + strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:hashLen] + ext
		assert.Equal(t, want, u, name)
	}
	assert.Regexp(t, regexp.MustCompile(`^/assets/css/app\.[0-9a-f]{10}\.css$`), URL("css/app.css"))
	assert.Regexp(t, regexp.MustCompile(`^/assets/js/htmx-4\.0\.1\.min\.[0-9a-f]{10}\.js$`), URL("js/htmx-4.0.1.min.js"))
}

func TestURLPanicsOnUnknownName(t *testing.T) {
	t.Parallel()
	assert.Panics(t, func() { URL("css/nope.css") })
	assert.Panics(t, func() { URL("js/VENDORED.md") }, "notes are not served")
}

func TestEveryVendoredAndDesignFileIsRegistered(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"css/app.css", "img/logo.svg",
		"js/htmx-4.0.1.min.js", "js/hx-sse-4.0.1.min.js", "js/hx-upsert-4.0.1.min.js",
	} {
		assert.NotPanics(t, func() { URL(name) }, name)
	}
}

func TestFingerprintChangesWithContent(t *testing.T) {
	t.Parallel()
	build := func(css string) *registry {
		r, err := build(fstest.MapFS{"static/css/app.css": {Data: []byte(css)}}, "static")
		require.NoError(t, err)
		return r
	}
	a := build("body{color:red}").byName["css/app.css"].fingerprint
	b := build("body{color:blue}").byName["css/app.css"].fingerprint
	assert.NotEqual(t, a, b)
	assert.Equal(t, a, build("body{color:red}").byName["css/app.css"].fingerprint, "same content, same name")
}

func TestCSSReferencesAreRewritten(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"static/img/pin.svg":      {Data: []byte("<svg/>")},
		"static/css/app.css":      {Data: []byte(`a{background:url("../img/pin.svg")} b{background:url(data:x)} c{background:url(/abs.png)}`)},
		"static/js/NOTES.md":      {Data: []byte("notes")},
		"static/js/htmx-1.min.js": {Data: []byte("x")},
	}
	r, err := build(fsys, "static")
	require.NoError(t, err)
	pin := r.byName["img/pin.svg"].fingerprint
	css := string(r.byName["css/app.css"].body)
	assert.Contains(t, css, `url("../img/`+filepath.Base(pin)+`")`)
	assert.Contains(t, css, `url(data:x)`)
	assert.Contains(t, css, `url(/abs.png)`)
	assert.NotContains(t, r.byName, "js/NOTES.md")

	_, err = build(fstest.MapFS{"static/css/app.css": {Data: []byte(`a{background:url(../img/missing.svg)}`)}}, "static")
	assert.ErrorContains(t, err, "missing.svg")
}

func TestEmbeddedCSSReferencesResolve(t *testing.T) {
	t.Parallel()
	css := string(reg.byName["css/app.css"].body)
	for _, m := range cssURL.FindAllStringSubmatch(css, -1) {
		ref := m[2]
		if !isRelative(ref) {
			continue
		}
		_, ok := reg.byFingerprint[path.Join("css", ref)]
		assert.True(t, ok, "app.css references %s, which the handler would not serve", ref)
	}
}

func TestExport(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, Export(dir))
	for _, name := range Names() {
		path := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(URL(name), "/")))
		got, err := os.ReadFile(path)
		require.NoError(t, err, name)
		assert.Equal(t, reg.byName[name].body, got, name)
	}
	var count int
	require.NoError(t, filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			count++
		}
		return err
	}))
	assert.Equal(t, len(Names()), count, "nothing but the fingerprinted files")
}
