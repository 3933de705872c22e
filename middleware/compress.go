package middleware

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
)

// minCompress is the smallest body worth compressing: below it, gzip's
// framing eats most of the gain.
const minCompress = 1024

// gzipWriters are stateless gzip writers (klauspost/compress): each Write
// compresses on its own and keeps no window or tables between requests, so
// an idle pool costs a few hundred bytes a writer, not the ~1 MB of a
// compress/flate writer. Pages are written in one Write, so nothing is lost.
var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.StatelessCompression)
	return w
}}

var gzipBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// WriteBody writes a whole response body of the given content type,
// gzip-compressed when the request accepts gzip and the body is large
// enough to gain from it. It always sets Vary: Accept-Encoding.
func WriteBody(w http.ResponseWriter, r *http.Request, status int, contentType string, body []byte) error {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Add("Vary", "Accept-Encoding")
	if len(body) < minCompress || !AcceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, err := w.Write(body)
		return err
	}
	buf := gzipBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer gzipBuffers.Put(buf)
	zw := gzipWriters.Get().(*gzip.Writer)
	zw.Reset(buf)
	_, err := zw.Write(body)
	if err == nil {
		err = zw.Close()
	}
	gzipWriters.Put(zw)
	if err != nil {
		return err
	}
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// AcceptsGzip reports whether an Accept-Encoding header allows gzip: named
// (or "*") with a q-value above zero.
func AcceptsGzip(header string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		ok := qAboveZero(params)
		if name == "gzip" {
			return ok
		}
		star = ok
	}
	return star
}

// qAboveZero reads the q parameter of one Accept-Encoding entry; without
// one, q is 1.
func qAboveZero(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q > 0
		}
	}
	return true
}
