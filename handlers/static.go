package handlers

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/static"
)

// staticFiles serves the embedded assets under versioned URLs
// (name?v=<content hash>): a versioned URL may be cached for a year, since a
// new build with different content gets a different URL.
type staticFiles struct {
	prefix string
	files  map[string]staticFile
}

type staticFile struct {
	body        []byte
	hash        string
	url         string // prefix + name + "?v=" + hash, built once
	contentType string
}

func newStaticFiles(prefix string) (*staticFiles, error) {
	sf := &staticFiles{prefix: prefix, files: map[string]staticFile{}}
	err := fs.WalkDir(static.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(static.FS, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		hash := hex.EncodeToString(sum[:])[:12]
		sf.files[p] = staticFile{body: b, hash: hash, url: prefix + p + "?v=" + hash, contentType: ct}
		return nil
	})
	return sf, err
}

// URL is the versioned address of an asset.
func (sf *staticFiles) URL(name string) string {
	f, ok := sf.files[name]
	if !ok {
		return sf.prefix + name
	}
	return f.url
}

// serveStatic answers with the file's bytes; middleware.Compress gzips
// them for browsers that accept it. http.ServeContent answers HEAD,
// If-None-Match (with a 304) and ranges.
func (a *app) serveStatic(c echo.Context) error {
	name := c.Param("*")
	f, ok := a.static.files[name]
	if !ok || strings.Contains(name, "..") {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	if c.QueryParam("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("Content-Type", f.contentType)
	// Weak, because the gzip and the plain bytes share it: a strong tag
	// names one byte sequence (RFC 9110, 8.8.3). gzhttp's SuffixETag would
	// give the gzip bytes a strong tag of their own, but ServeContent
	// compares If-None-Match with ours, so a browser would never get a 304.
	h.Set("ETag", `W/"`+f.hash+`"`)
	http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(f.body))
	return nil
}
