package handlers

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
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
	body []byte
	gz   []byte // gzip of body, served to browsers that accept it
	hash string
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
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(b)
		if err := zw.Close(); err != nil {
			return err
		}
		sf.files[p] = staticFile{body: b, gz: gz.Bytes(), hash: hex.EncodeToString(sum[:])[:12]}
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
	return sf.prefix + name + "?v=" + f.hash
}

func (a *app) serveStatic(c echo.Context) error {
	name := c.Param("*")
	f, ok := a.static.files[name]
	if !ok || strings.Contains(name, "..") {
		return echo.ErrNotFound
	}
	h := c.Response().Header()
	etag := `"` + f.hash + `"`
	h.Set("ETag", etag)
	if c.QueryParam("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Accept-Encoding")
	body := f.body
	if strings.Contains(c.Request().Header.Get("Accept-Encoding"), "gzip") {
		body = f.gz
		h.Set("Content-Encoding", "gzip")
	}
	// ServeContent answers If-None-Match with 304 and sets the type from the name.
	http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(body))
	return nil
}
