package assets

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// cssURL matches url(...) in a stylesheet, with or without quotes.
var cssURL = regexp.MustCompile(`url\(\s*(['"]?)([^'")\s]+)(['"]?)\s*\)`)

// rewriteCSS points every relative url(...) in the stylesheet name at the fingerprinted file,
// keeping it relative so that it works from Handler and from an exported bucket alike. A
// relative reference to a file that does not exist is an error, so that typos fail the build
// of the registry (and therefore every test). Stylesheets may reference non-CSS files only:
// their fingerprints must be known before the stylesheet's own.
func rewriteCSS(name string, body []byte, known map[string]*file) ([]byte, error) {
	var missing []string
	out := cssURL.ReplaceAllFunc(body, func(m []byte) []byte {
		parts := cssURL.FindSubmatch(m)
		ref := string(parts[2])
		if !isRelative(ref) {
			return m
		}
		target := path.Join(path.Dir(name), ref)
		f, ok := known[target]
		if !ok {
			missing = append(missing, ref)
			return m
		}
		rel := strings.TrimSuffix(ref, path.Base(ref)) + path.Base(f.fingerprint)
		return []byte("url(" + string(parts[1]) + rel + string(parts[3]) + ")")
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s: unknown url() references %s", name, strings.Join(missing, ", "))
	}
	return out, nil
}

// isRelative reports whether a url() reference names a file relative to the stylesheet.
func isRelative(ref string) bool {
	return !strings.HasPrefix(ref, "/") && !strings.HasPrefix(ref, "#") &&
		!strings.HasPrefix(ref, "data:") && !strings.Contains(ref, "://")
}
