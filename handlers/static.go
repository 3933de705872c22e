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

	"github.com/klauspost/compress/gzip"
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
	gz          []byte // body at gzip's best compression, made once at start
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
		gz, err := bestGzip(b)
		if err != nil {
			return err
		}
		sf.files[p] = staticFile{body: b, gz: gz, hash: hash, url: prefix + p + "?v=" + hash, contentType: ct}
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

// bestGzip compresses an asset once, at gzip's best level: a first visit
// downloads htmx, our CSS and JS at about 1.5 KB less than middleware.Compress's
// fast level would send (BENCHMARKS.md), which leaves that level for pages.
func bestGzip(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	err = w.Close()
	return buf.Bytes(), err
}

// acceptsGzip reports whether the request's Accept-Encoding names gzip
// with a weight above zero.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// serveStatic answers with the file's bytes, or its gzip made at start
// for browsers that accept it (middleware.Compress leaves an answer that
// already has a Content-Encoding alone, and adds Vary). http.ServeContent answers HEAD,
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
	body := f.body
	r := c.Request()
	if r.Method == http.MethodGet && r.Header.Get("Range") == "" && acceptsGzip(r) { // HEAD and ranges: the plain bytes, as before
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	http.ServeContent(c.Response(), c.Request(), name, time.Time{}, bytes.NewReader(body))
	return nil
}
