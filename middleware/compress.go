package middleware

import (
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/mfaportal/mfaportal/internal/fastgzip"
)

// minCompress is the smallest body worth compressing: below it, gzip's
// framing eats most of the gain.
const minCompress = 1024

// gzipBuffers hold compressed bodies between compression and the write.
// A buffer that grew past maxPooled (a page far larger than ours) is left
// for the collector rather than kept.
var gzipBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 8<<10); return &b }}

const maxPooled = 256 << 10

// WriteBody writes a whole response body of the given content type,
// gzip-compressed when the request accepts gzip and the body is large
// enough to gain from it. It always sets Vary: Accept-Encoding.
//
// Compression is fastgzip's: one call per body, no writer state, and a
// Huffman table built once for mfaportal's HTML, because building one per
// response was half of compression's cost (see internal/fastgzip).
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
	bp := gzipBuffers.Get().(*[]byte)
	z := fastgzip.Append((*bp)[:0], body)
	h.Set("Content-Encoding", "gzip")
	h.Set("Content-Length", strconv.Itoa(len(z)))
	w.WriteHeader(status)
	_, err := w.Write(z)
	if cap(z) <= maxPooled {
		*bp = z
		gzipBuffers.Put(bp)
	}
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
