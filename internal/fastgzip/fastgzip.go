// Package fastgzip compresses a small response body into a gzip member
// (RFC 1952) in one call, cheaply: greedy LZ77 matching into a single
// deflate block whose Huffman table was built once, when the package
// loaded, from a page mfaportal renders (model.html).
//
// General-purpose deflate encoders build a Huffman table for every block
// from the block's own symbol counts. For a page of a few kilobytes that
// fixed cost is half the work: klauspost/compress's stateless mode took
// 13 µs for the 2.6 KB settings page, and compression was a fifth of a
// page view's CPU under load. A table built in advance for mfaportal's
// HTML costs nothing per call, and in size a few percent on pages like
// the model and more on pages unlike it (a fifth on the 50-row admin
// list; TestSizeOnPages prints the figures). Every byte value still has
// a code, so any input compresses correctly.
//
// The output is a complete, standard gzip stream that any decoder reads.
package fastgzip

import (
	_ "embed"
	"encoding/binary"
	"hash/crc32"
	"math/bits"
)

const (
	minMatch  = 4     // shortest match looked for (deflate allows 3)
	maxMatch  = 258   // longest match deflate can code
	maxOffset = 32768 // deflate's window
	tableBits = 12
	tableSize = 1 << tableBits

	numLiterals = 286 // literal/length symbols: bytes, end of block, 29 lengths
	numOffsets  = 30
	endOfBlock  = 256
	maxCodeBits = 15 // deflate's limit for literal/length and offset codes
)

// gzipHeader is a member header with no name, no time and OS "unknown".
var gzipHeader = [10]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

//go:embed model.html
var model []byte

// code is a Huffman code already bit-reversed for deflate's LSB-first
// bit order, with extra bits folded in where a table says so: the low 8
// bits hold the length in bits, the rest the bits to write.
type code uint32

func (c code) bits() uint64 { return uint64(c >> 8) }
func (c code) len() uint    { return uint(c & 0xff) }

func newCode(value uint64, n uint) code { return code(uint32(value)<<8 | uint32(n)) }

var lengthBase = [29]uint16{3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258}
var lengthExtra = [29]uint8{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0}

var offsetBase = [numOffsets]uint16{1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577}
var offsetExtra = [numOffsets]uint8{0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13}

// lengthSymbol[n-3] is the symbol (257..285) of a match of length n.
var lengthSymbol = func() (syms [maxMatch - 2]uint16) {
	for i, base := range lengthBase {
		end := maxMatch + 1
		if i+1 < len(lengthBase) {
			end = int(lengthBase[i+1])
		}
		for n := int(base); n < end; n++ {
			syms[n-3] = uint16(257 + i)
		}
	}
	return syms
}()

// offsetSymbol returns the symbol (0..29) of a match offset of 1..32768.
func offsetSymbol(offset int) int {
	x := uint32(offset - 1)
	if x < 4 {
		return int(x)
	}
	// Symbols come in pairs per power of two: 4-5 cover offsets 5..8,
	// 6-7 cover 9..16 and so on.
	l := uint32(bits.Len32(x))
	return int(2*(l-1) + (x>>(l-2))&1)
}

// table is a block's Huffman table, ready to write: the block header
// that describes it and every code with its extra bits.
type table struct {
	header     []byte // whole bytes of the block header
	headerTail code   // and its last bits
	literals   [256]code
	end        code
	lengths    [maxMatch - 2]code // lengths[n-3]: a match length's code and extra bits
	offsets    [numOffsets]code   // extra bits go after these
}

// htmlTable is the table Append writes with, built from model.html.
var htmlTable = newTable(modelFrequencies())

// modelFrequencies counts model.html's symbols, plus one for every
// symbol so that any input can be coded.
func modelFrequencies() *frequencies {
	var f frequencies
	for i := range f.literals {
		f.literals[i] = 1
	}
	for i := range f.offsets {
		f.offsets[i] = 1
	}
	tokenize(model, &f)
	return &f
}

// frequencies counts symbols; tokenize fills it.
type frequencies struct {
	literals [numLiterals]int
	offsets  [numOffsets]int
}

func (f *frequencies) literal(p []byte) {
	for _, b := range p {
		f.literals[b]++
	}
}

func (f *frequencies) match(length, offset int) {
	f.literals[lengthSymbol[length-3]]++
	f.offsets[offsetSymbol(offset)]++
}

// tokenize runs the same matching as Append and reports what it finds.
// It is used once, to count the model's symbols.
func tokenize(src []byte, f *frequencies) {
	var ht [tableSize]int32
	lit := 0
	for {
		s, cand, n := nextMatch(&ht, src, lit)
		if n == 0 {
			break
		}
		f.literal(src[lit:s])
		f.match(n, s-cand)
		lit = s + n
		index(&ht, src, lit)
	}
	f.literal(src[lit:])
}

// nextMatch looks for the next match from lit on: it returns where it
// starts, the earlier position it repeats and its length, or n == 0 if
// there is none before the end.
func nextMatch(ht *[tableSize]int32, src []byte, lit int) (s, cand, n int) {
	for s = lit; s+minMatch <= len(src); {
		cur := binary.LittleEndian.Uint32(src[s:])
		h := hash(cur)
		cand = int(ht[h]) - 1
		ht[h] = int32(s + 1)
		if cand >= 0 && s-cand <= maxOffset && binary.LittleEndian.Uint32(src[cand:]) == cur {
			return s, cand, minMatch + matchLen(src[cand+minMatch:], src[s+minMatch:min(len(src), s+maxMatch)])
		}
		// Skip ahead faster through input that does not match, as
		// snappy does: one byte more per 32 unmatched.
		s += 1 + (s-lit)>>5
	}
	return len(src), 0, 0
}

// index records the position before s, the end of a match, so the next
// repeat of what follows it can be found.
func index(ht *[tableSize]int32, src []byte, s int) {
	if s-1+minMatch <= len(src) {
		ht[hash(binary.LittleEndian.Uint32(src[s-1:]))] = int32(s)
	}
}

func newTable(f *frequencies) *table {
	litLens := huffmanLengths(f.literals[:], maxCodeBits)
	offLens := huffmanLengths(f.offsets[:], maxCodeBits)
	litCodes := canonical(litLens)
	offCodes := canonical(offLens)

	t := &table{end: litCodes[endOfBlock]}
	copy(t.literals[:], litCodes[:256])
	for n := 3; n <= maxMatch; n++ {
		sym := int(lengthSymbol[n-3])
		c := litCodes[sym]
		extra := uint64(n - int(lengthBase[sym-257]))
		t.lengths[n-3] = newCode(c.bits()|extra<<c.len(), c.len()+uint(lengthExtra[sym-257]))
	}
	copy(t.offsets[:], offCodes)

	// The block header (RFC 1951, 3.2.7): BFINAL=1, BTYPE=10, the
	// counts, then all code lengths, themselves Huffman-coded with
	// runs of repeats as symbol 16.
	all := append(append([]uint8{}, litLens...), offLens...)
	type clSym struct{ sym, extra uint8 }
	var seq []clSym
	for i := 0; i < len(all); {
		run := 1
		for i+run < len(all) && all[i+run] == all[i] {
			run++
		}
		seq = append(seq, clSym{sym: all[i]})
		i++
		run--
		for run >= 3 {
			n := min(run, 6)
			seq = append(seq, clSym{sym: 16, extra: uint8(n - 3)})
			i += n
			run -= n
		}
		for ; run > 0; run-- {
			seq = append(seq, clSym{sym: all[i]})
			i++
		}
	}
	clFreq := make([]int, 19)
	for _, s := range seq {
		clFreq[s.sym]++
	}
	clLens := huffmanLengths(clFreq, 7)
	clCodes := canonical(clLens)
	order := [19]int{16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15}
	nclen := len(order)
	for nclen > 4 && clLens[order[nclen-1]] == 0 {
		nclen--
	}

	var w bitWriter
	w.put(1|2<<1, 3)
	w.put(numLiterals-257, 5)
	w.put(numOffsets-1, 5)
	w.put(uint64(nclen-4), 4)
	for _, sym := range order[:nclen] {
		w.put(uint64(clLens[sym]), 3)
	}
	for _, s := range seq {
		c := clCodes[s.sym]
		w.put(c.bits(), c.len())
		if s.sym == 16 {
			w.put(uint64(s.extra), 2)
		}
	}
	for w.nacc >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
	t.header = w.out
	t.headerTail = newCode(w.acc, w.nacc)
	return t
}

// huffmanLengths returns code lengths for symbols with the given counts
// (0 for a symbol that never occurs), none longer than maxBits. If the
// optimal code is too deep, the counts are flattened until it is not.
// Halving ends, at the latest, with every used count at one: a balanced
// tree, no deeper than the bits needed to tell the used symbols apart.
// So the loop ends unless there are more used symbols than maxBits bits
// can tell apart, which panics instead (the callers' alphabets are fixed
// and fit).
func huffmanLengths(freq []int, maxBits int) []uint8 {
	f := append([]int{}, freq...)
	used := 0
	for _, c := range f {
		if c > 0 {
			used++
		}
	}
	if used > 1<<maxBits {
		panic("fastgzip: too many symbols for the code length limit")
	}
	for {
		lens := treeDepths(f)
		if int(maxOf(lens)) <= maxBits {
			return lens
		}
		for i, c := range f {
			f[i] = c/2 + c%2 // halve, rounding up: a used symbol keeps a count
		}
	}
}

func maxOf(s []uint8) uint8 {
	var m uint8
	for _, v := range s {
		m = max(m, v)
	}
	return m
}

// treeDepths builds a Huffman tree over the symbols with counts above 0
// (at least two) and returns each symbol's depth in it.
func treeDepths(freq []int) []uint8 {
	type node struct{ weight, parent int }
	var nodes []node
	var leaves []int // node index per used symbol, by weight
	sym := make([]int, 0, len(freq))
	for s, c := range freq {
		if c > 0 {
			sym = append(sym, s)
		}
	}
	// Sort used symbols by count (insertion sort: at most 286 of them,
	// once at start-up).
	for i := 1; i < len(sym); i++ {
		for j := i; j > 0 && freq[sym[j]] < freq[sym[j-1]]; j-- {
			sym[j], sym[j-1] = sym[j-1], sym[j]
		}
	}
	for _, s := range sym {
		leaves = append(leaves, len(nodes))
		nodes = append(nodes, node{weight: freq[s], parent: -1})
	}
	// Two queues: leaves by weight, and internal nodes, which are made
	// in order of weight.
	li, ii := 0, len(nodes)
	next := func() int {
		if li < len(leaves) && (ii >= len(nodes) || nodes[leaves[li]].weight <= nodes[ii].weight) {
			li++
			return leaves[li-1]
		}
		ii++
		return ii - 1
	}
	for n := len(sym); n > 1; n-- {
		a, b := next(), next()
		nodes = append(nodes, node{weight: nodes[a].weight + nodes[b].weight, parent: -1})
		nodes[a].parent = len(nodes) - 1
		nodes[b].parent = len(nodes) - 1
	}
	depth := make([]int, len(nodes))
	for i := len(nodes) - 2; i >= 0; i-- { // parents come after children
		depth[i] = depth[nodes[i].parent] + 1
	}
	lens := make([]uint8, len(freq))
	for i, s := range sym {
		lens[s] = uint8(depth[leaves[i]])
	}
	return lens
}

// canonical assigns deflate's canonical codes to code lengths (RFC 1951,
// 3.2.2), bit-reversed for writing.
func canonical(lens []uint8) []code {
	var count, next [maxCodeBits + 2]uint32
	for _, l := range lens {
		count[l]++
	}
	count[0] = 0
	c := uint32(0)
	for b := 1; b <= maxCodeBits+1; b++ {
		c = (c + count[b-1]) << 1
		next[b] = c
	}
	codes := make([]code, len(lens))
	for s, l := range lens {
		if l > 0 {
			codes[s] = newCode(uint64(reverse(next[l], uint(l))), uint(l))
			next[l]++
		}
	}
	return codes
}

// reverse returns the n low bits of c in reverse order.
func reverse(c uint32, n uint) uint32 {
	return bits.Reverse32(c) >> (32 - n)
}

// bitWriter packs codes LSB-first, as deflate wants them.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

// put writes the n low bits of v; n is at most 32.
func (w *bitWriter) put(v uint64, n uint) {
	w.acc |= v << w.nacc
	w.nacc += n
	if w.nacc >= 32 {
		w.out = binary.LittleEndian.AppendUint32(w.out, uint32(w.acc))
		w.acc >>= 32
		w.nacc -= 32
	}
}

func (w *bitWriter) putCode(c code) { w.put(c.bits(), c.len()) }

// flush writes the bits still waiting, padded to a whole byte.
func (w *bitWriter) flush() {
	for w.nacc > 0 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= min(w.nacc, 8)
	}
}

// Append appends to dst src compressed as a gzip member and returns the
// extended slice. It keeps no state between calls and is safe for
// concurrent use. Its match table lives on the stack: 16 KB, cleared per
// call. src must be shorter than 2 GB.
func Append(dst, src []byte) []byte {
	t := htmlTable
	dst = append(dst, gzipHeader[:]...)
	w := bitWriter{out: append(dst, t.header...)}
	w.putCode(t.headerTail)

	var ht [tableSize]int32
	lit := 0 // the first byte not yet written
	for {
		s, cand, n := nextMatch(&ht, src, lit)
		if n == 0 {
			break
		}
		for _, b := range src[lit:s] {
			w.putCode(t.literals[b])
		}
		w.putCode(t.lengths[n-3])
		off := s - cand
		sym := offsetSymbol(off)
		oc := t.offsets[sym]
		w.put(oc.bits()|uint64(off-int(offsetBase[sym]))<<oc.len(), oc.len()+uint(offsetExtra[sym]))
		lit = s + n
		index(&ht, src, lit)
	}
	for _, b := range src[lit:] {
		w.putCode(t.literals[b])
	}
	w.putCode(t.end)
	w.flush()
	out := binary.LittleEndian.AppendUint32(w.out, crc32.ChecksumIEEE(src))
	return binary.LittleEndian.AppendUint32(out, uint32(len(src)))
}

// matchLen returns how many leading bytes a and b share; b is no longer
// than a.
func matchLen(a, b []byte) int {
	n := 0
	for len(b)-n >= 8 {
		x := binary.LittleEndian.Uint64(a[n:]) ^ binary.LittleEndian.Uint64(b[n:])
		if x != 0 {
			return n + bits.TrailingZeros64(x)>>3
		}
		n += 8
	}
	for n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func hash(u uint32) uint32 {
	return (u * 0x1e35a7bd) >> (32 - tableBits)
}
