// Package assets serves Lobang's static files (CSS, vendored htmx, images) from the binary under
// fingerprinted URLs such as /assets/css/app.3f9a1c2b7d.css, so that browsers and the CDN may
// cache them for a year: a change of content is a change of URL.
package assets

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"lobang"
)

// Prefix is the URL path under which the router mounts Handler.
const Prefix = "/assets/"

// staticRoot is the folder of lobang.StaticFS that holds the files.
const staticRoot = "assets/static"

// hashLen is how many hex digits of the sha256 of a file go into its URL.
const hashLen = 10

// file is one static file, held in memory with its fingerprint.
type file struct {
	name        string // path below assets/static, e.g. "css/app.css"
	fingerprint string // path with the hash before the extension, e.g. "css/app.3f9a1c2b7d.css"
	contentType string
	etag        string
	body        []byte
}

// registry maps logical names and fingerprinted paths to files.
type registry struct {
	byName        map[string]*file
	byFingerprint map[string]*file
}

// reg is built once, when the program starts, from the embedded files.
var reg = mustBuild(lobang.StaticFS, staticRoot)

func mustBuild(fsys fs.FS, root string) *registry {
	r, err := build(fsys, root)
	if err != nil {
		panic(fmt.Sprintf("assets: %v", err))
	}
	return r
}

// build reads every file under root and fingerprints it. Stylesheets come last, because their
// url() references are rewritten to the fingerprinted names of the files they point at.
// Markdown files are notes for developers (such as js/VENDORED.md) and are not served.
func build(fsys fs.FS, root string) (*registry, error) {
	r := &registry{byName: map[string]*file{}, byFingerprint: map[string]*file{}}
	var sheets []string
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() || strings.HasSuffix(p, ".md"):
			return nil
		case strings.HasSuffix(p, ".css"):
			sheets = append(sheets, p)
			return nil
		}
		return r.add(fsys, root, p)
	})
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	for _, p := range sheets {
		if err := r.add(fsys, root, p); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// add reads the file at p and registers it under its name below root.
func (r *registry) add(fsys fs.FS, root, p string) error {
	body, err := fs.ReadFile(fsys, p)
	if err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	name := strings.TrimPrefix(p, root+"/")
	if path.Ext(name) == ".css" {
		if body, err = rewriteCSS(name, body, r.byName); err != nil {
			return err
		}
	}
	f := newFile(name, body)
	r.byName[f.name] = f
	r.byFingerprint[f.fingerprint] = f
	return nil
}

func newFile(name string, body []byte) *file {
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])
	ext := path.Ext(name)
	return &file{
		name:        name,
		fingerprint: strings.TrimSuffix(name, ext) + "." + digest[:hashLen] + ext,
		contentType: contentType(ext),
		etag:        `"` + digest[:32] + `"`,
		body:        body,
	}
}

// URL returns the fingerprinted URL path of a static file named by its path below
// assets/static: URL("css/app.css") is "/assets/css/app.<hash>.css". It panics on an unknown
// name: that is a programming error, and the view tests render every page and so catch it.
func URL(name string) string {
	f, ok := reg.byName[name]
	if !ok {
		panic(fmt.Sprintf("assets: unknown static file %q", name))
	}
	return Prefix + f.fingerprint
}

// Names lists the logical names of every static file, sorted, for tests and tools.
func Names() []string {
	names := make([]string, 0, len(reg.byName))
	for n := range reg.byName {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}
