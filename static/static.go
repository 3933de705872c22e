// Package static embeds the browser assets: the vendored htmx (its version
// in the file name, its licence beside it), our stylesheet and our few
// lines of script.
package static

import "embed"

// FS holds the files served under /static/.
//
//go:embed *.js *.css *.txt
var FS embed.FS
