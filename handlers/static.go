package handlers

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/mfaportal/mfaportal/middleware"
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
	gz          []byte // gzip of body, served to browsers that accept it
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
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(b)
		if err := zw.Close(); err != nil {
			return err
		}
		ct := mime.TypeByExtension(path.Ext(p))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		hash := hex.EncodeToString(sum[:])[:12]
		sf.files[p] = staticFile{body: b, gz: gz.Bytes(), hash: hash, url: prefix + p + "?v=" + hash, contentType: ct}
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

func (a *app) serveStatic(c echo.Context) error {
	name := c.Param("*")
	f, ok := a.static.files[name]
	if !ok || strings.Contains(name, "..") {
		return echo.ErrNotFound
	}
	r, w := c.Request(), c.Response()
	h := w.Header()
	if c.QueryParam("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Accept-Encoding")
	// The gzip and plain bytes are different representations, so each
	// has its own strong ETag (RFC 9110, 8.8.3).
	body, etag := f.body, `"`+f.hash+`"`
	if middleware.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = f.gz, `"`+f.hash+`-gz"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	if r.Header.Get("Range") != "" {
		// Rare: let the standard library answer ranges and their
		// conditions.
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
		return nil
	}
	// The whole file, as nearly every request wants it: written from
	// memory in one call (ServeContent would copy it through a fresh
	// 32 KB buffer each time).
	if noneMatch(r.Header.Get("If-None-Match"), etag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", f.contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, err := w.Write(body)
		return err
	}
	return nil
}

// noneMatch reports whether an If-None-Match header lists etag (compared
// weakly, as RFC 9110, 13.1.2 asks) or is "*".
func noneMatch(header, etag string) bool {
	for tag := range strings.SplitSeq(header, ",") {
		tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
		if tag == etag || tag == "*" {
			return true
		}
	}
	return false
}
