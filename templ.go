// Package lobang is the root of the Lobang module. It holds what must live at the top of the
// tree: the go:generate line for templ and the embedded static files.
package lobang

import "embed"

//go:generate go tool templ generate

// StaticFS holds the static files under assets/static (CSS, vendored htmx, images), embedded in
// the binary. Package assets serves them under fingerprinted URLs; nothing else should read it.
//
//go:embed assets/static
var StaticFS embed.FS
