package fastgzip

import (
	"bytes"
	"compress/gzip"
	"io"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	kgzip "github.com/klauspost/compress/gzip"
)

// pages are rendered mfaportal pages (testdata/*.html, regenerate by
// rendering views.Layout if the templates change much).
func pages(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob("testdata/*.html")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no testdata pages: %v", err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".html")] = b
	}
	return out
}

// gunzip decodes with the standard library, which checks the CRC and
// the length in the trailer.
func gunzip(tb testing.TB, z []byte) []byte {
	tb.Helper()
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		tb.Fatalf("gzip header: %v", err)
	}
	r.Multistream(false)
	out, err := io.ReadAll(r)
	if err != nil {
		tb.Fatalf("gzip body: %v", err)
	}
	// Nothing may follow the member.
	if rest, _ := io.ReadAll(r); len(rest) != 0 {
		tb.Fatalf("%d bytes after the member", len(rest))
	}
	return out
}

func roundTrip(tb testing.TB, src []byte) []byte {
	tb.Helper()
	prefix := []byte("kept")
	z := Append(bytes.Clone(prefix), src)
	if !bytes.HasPrefix(z, prefix) {
		tb.Fatalf("dst's bytes were not kept")
	}
	z = z[len(prefix):]
	if got := gunzip(tb, z); !bytes.Equal(got, src) {
		tb.Fatalf("round trip of %d bytes gave %d different bytes", len(src), len(got))
	}
	return z
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int, alphabet string) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return b
	}
	allBytes := make([]byte, 256)
	for i := range allBytes {
		allBytes[i] = byte(i)
	}
	cases := map[string][]byte{
		"empty":          {},
		"one byte":       {'x'},
		"three bytes":    []byte("abc"),
		"four repeated":  []byte("aaaa"),
		"long run":       bytes.Repeat([]byte{'a'}, 100_000),  // overlapping matches, many of 258
		"period 3":       bytes.Repeat([]byte("abc"), 20_000), // offsets below the match length
		"every byte":     bytes.Repeat(allBytes, 9),           // literals over 143 take 9 bits
		"random binary":  random(70_000, string(allBytes)),    // hardly any matches
		"random text":    random(70_000, "abcdefgh <>/=\"\n"), // short matches everywhere
		"far repeat":     append(random(40_000, "xyz0123456789"), random(100, "AB")...),
		"beyond window":  slicesConcat(random(200, "qrs"), random(33_000, "0123456789"), nil),
		"utf-8":          []byte(strings.Repeat("Zoë Ångström — +1 •••-•••-0177 ", 50)),
		"repeat at end":  []byte("abcdefgh-abcdefgh"),
		"match then end": []byte("0123456789012345678"),
	}
	// The first 200 bytes again after 33,000 others: too far to refer to.
	cases["beyond window"] = append(cases["beyond window"], cases["beyond window"][:200]...)
	for name, src := range pages(t) {
		cases["page "+name] = src
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) { roundTrip(t, src) })
	}
}

func slicesConcat(a, b, c []byte) []byte { return append(append(append([]byte{}, a...), b...), c...) }

// TestSymbols checks the length and offset symbols against RFC 1951's
// tables (section 3.2.5).
func TestSymbols(t *testing.T) {
	for _, tc := range []struct{ length, sym int }{
		{3, 257}, {10, 264}, {11, 265}, {12, 265}, {18, 268}, {19, 269},
		{130, 280}, {131, 281}, {227, 284}, {257, 284}, {258, 285},
	} {
		if got := int(lengthSymbol[tc.length-3]); got != tc.sym {
			t.Errorf("length %d: symbol %d, want %d", tc.length, got, tc.sym)
		}
	}
	for _, tc := range []struct{ offset, sym int }{
		{1, 0}, {4, 3}, {5, 4}, {6, 4}, {7, 5}, {9, 6}, {12, 6}, {13, 7},
		{257, 16}, {384, 16}, {385, 17}, {24576, 28}, {24577, 29}, {32768, 29},
	} {
		if got := offsetSymbol(tc.offset); got != tc.sym {
			t.Errorf("offset %d: symbol %d, want %d", tc.offset, got, tc.sym)
		}
	}
}

// TestCanonical checks canonical codes against the example in RFC 1951,
// section 3.2.2.
func TestCanonical(t *testing.T) {
	lens := []uint8{3, 3, 3, 3, 3, 2, 4, 4}
	want := []string{"010", "011", "100", "101", "110", "00", "1110", "1111"}
	for i, c := range canonical(lens) {
		// Codes are stored reversed, for LSB-first writing.
		got := ""
		for b := uint(0); b < c.len(); b++ {
			got += string(rune('0' + c.bits()>>b&1))
		}
		if got != want[i] {
			t.Errorf("symbol %d: code %s, want %s", i, got, want[i])
		}
	}
}

// TestHuffmanLengths checks that code lengths stay within the limit even
// for counts whose optimal code is far deeper (Fibonacci counts give a
// tree as deep as there are symbols), and that the code is complete, as
// decoders require: the Kraft sum is exactly one.
func TestHuffmanLengths(t *testing.T) {
	fib := make([]int, 30)
	fib[0], fib[1] = 1, 1
	for i := 2; i < len(fib); i++ {
		fib[i] = fib[i-1] + fib[i-2]
	}
	for name, freq := range map[string][]int{
		"fibonacci":   fib,
		"with unused": {5, 0, 3, 0, 0, 9, 1},
		"model":       modelFrequencies().literals[:],
	} {
		used := 0
		for _, c := range freq {
			if c > 0 {
				used++
			}
		}
		tightest := bits.Len(uint(used - 1)) // fewest bits that tell the used symbols apart
		for _, limit := range []int{tightest, 7, 15} {
			if limit < tightest {
				continue
			}
			lens := huffmanLengths(freq, limit)
			kraft := 0.0
			for s, l := range lens {
				if (l == 0) != (freq[s] == 0) {
					t.Errorf("%s: symbol %d with count %d has length %d", name, s, freq[s], l)
				}
				if int(l) > limit {
					t.Errorf("%s: length %d over the limit %d", name, l, limit)
				}
				if l > 0 {
					kraft += 1 / float64(uint(1)<<l)
				}
			}
			if kraft != 1 {
				t.Errorf("%s, limit %d: Kraft sum %v, want 1", name, limit, kraft)
			}
		}
	}
}

func TestHuffmanLengthsImpossible(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("9 symbols within 3 bits: no panic")
		}
	}()
	huffmanLengths([]int{1, 1, 1, 1, 1, 1, 1, 1, 1}, 3)
}

// TestSizeOnPages reports what a table built from the model page costs
// in size against one built for each page (klauspost's stateless
// deflate) and the standard library's best compression, and fails if a
// page comes out more than a quarter larger than the stateless encoder's.
func TestSizeOnPages(t *testing.T) {
	for name, src := range pages(t) {
		fast := len(roundTrip(t, src))
		stateless := len(compressWith(t, src, kgzip.StatelessCompression))
		best := len(compressWith(t, src, kgzip.BestCompression))
		t.Logf("%-10s %6d bytes: fastgzip %5d, stateless %5d, best %5d", name, len(src), fast, stateless, best)
		if fast*4 > stateless*5 {
			t.Errorf("%s: %d bytes, more than 1.25 × stateless deflate's %d", name, fast, stateless)
		}
	}
}

func compressWith(tb testing.TB, src []byte, level int) []byte {
	var buf bytes.Buffer
	zw, err := kgzip.NewWriterLevel(&buf, level)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := zw.Write(src); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func FuzzAppend(f *testing.F) {
	for _, src := range pages(f) {
		f.Add(src)
	}
	f.Add([]byte{})
	f.Add([]byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"))
	f.Add([]byte("abcabcabcabcXabcabc\xff\x00\x90"))
	f.Fuzz(func(t *testing.T, src []byte) { roundTrip(t, src) })
}

// go test -run=NONE -bench=Compress -benchmem ./internal/fastgzip/
func BenchmarkCompress(b *testing.B) {
	for name, src := range pages(b) {
		b.Run(name+"/fastgzip", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			buf := make([]byte, 0, 64<<10)
			for b.Loop() {
				buf = Append(buf[:0], src)
			}
		})
		b.Run(name+"/klauspost-stateless", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			var buf bytes.Buffer
			zw, _ := kgzip.NewWriterLevel(&buf, kgzip.StatelessCompression)
			for b.Loop() {
				buf.Reset()
				zw.Reset(&buf)
				zw.Write(src)
				zw.Close()
			}
		})
	}
}
