package suggest

import "slices"

// noToken marks a trie node at which no word ends.
const noToken = -1

// trieNode is one node of the word trie: its outgoing edges sorted by rune,
// the id of the word ending here, if any, and the letters below it.
type trieNode struct {
	edges   []trieEdge
	token   int32
	letters uint32 // letterBit of every rune on the edges below this node
}

// letterBit sorts a rune into one of 28 classes: a–z, digits, anything else.
// A query letter whose class is absent below a node must be deleted or
// substituted on every path through it, which bounds the fuzzy walk.
func letterBit(r rune) uint32 {
	switch {
	case r >= 'a' && r <= 'z':
		return 1 << (r - 'a')
	case r >= '0' && r <= '9':
		return 1 << 26
	default:
		return 1 << 27
	}
}

// trieEdge leads from a node to the child reached by one rune.
type trieEdge struct {
	r     rune
	child int32
}

// trie holds the distinct folded words of the index. Node 0 is the root.
type trie struct {
	nodes []trieNode
}

func newTrie() trie {
	return trie{nodes: []trieNode{{token: noToken}}}
}

// child returns the node reached from n by r.
func (t *trie) child(n int32, r rune) (int32, bool) {
	edges := t.nodes[n].edges
	i, ok := slices.BinarySearchFunc(edges, r, func(e trieEdge, r rune) int { return int(e.r - r) })
	if !ok {
		return 0, false
	}
	return edges[i].child, true
}

// insert adds word with the given token id; the word must not be present.
func (t *trie) insert(word []rune, token int32) {
	// below[k] holds the letters of word[k:], the runes under the node at depth k.
	below := make([]uint32, len(word)+1)
	for k := len(word) - 1; k >= 0; k-- {
		below[k] = below[k+1] | letterBit(word[k])
	}
	n := int32(0)
	for k, r := range word {
		t.nodes[n].letters |= below[k]
		edges := t.nodes[n].edges
		i, ok := slices.BinarySearchFunc(edges, r, func(e trieEdge, r rune) int { return int(e.r - r) })
		if ok {
			n = edges[i].child
			continue
		}
		c := int32(len(t.nodes))
		t.nodes = append(t.nodes, trieNode{token: noToken})
		t.nodes[n].edges = slices.Insert(edges, i, trieEdge{r: r, child: c})
		n = c
	}
	t.nodes[n].token = token
}

// find returns the node reached by prefix.
func (t *trie) find(prefix []rune) (int32, bool) {
	n := int32(0)
	for _, r := range prefix {
		c, ok := t.child(n, r)
		if !ok {
			return 0, false
		}
		n = c
	}
	return n, true
}

// subtree appends the tokens of n and of every node below it to dst.
func (t *trie) subtree(n int32, dst []int32, stack []int32) ([]int32, []int32) {
	stack = append(stack[:0], n)
	for len(stack) > 0 {
		n = stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		node := &t.nodes[n]
		if node.token != noToken {
			dst = append(dst, node.token)
		}
		for _, e := range node.edges {
			stack = append(stack, e.child)
		}
	}
	return dst, stack
}

// fuzzyHit is a word whose start lies within some edit distance of a query
// word: dist is the smallest distance to any of its prefixes, whole the
// distance to the word itself, or -1 when that exceeds the limit.
type fuzzyHit struct {
	token int32
	dist  int
	whole int
}

// fuzzy finds every word some prefix of which (the word itself included) is
// within maxDist of q in optimal string alignment distance, and appends it
// with the smallest such distance and its own distance.
func (t *trie) fuzzy(q []rune, maxDist int, dst []fuzzyHit) []fuzzyHit {
	m := len(q)
	// A path never grows past m+maxDist runes: every cell would exceed
	// maxDist. Distances are capped at maxDist+1 ("too far"), and only the
	// band of cells within maxDist of the diagonal is computed: the others
	// are too far by construction and keep the cap they start with.
	depth := m + maxDist + 2
	w := fuzzyWalk{
		t:      t,
		q:      q,
		max:    maxDist,
		stride: m + 1,
		cells:  make([]uint8, depth*(m+1)),
		path:   make([]rune, depth),
		qbits:  make([]uint32, m),
		hits:   dst,
	}
	for j, r := range q {
		w.qbits[j] = letterBit(r)
	}
	far := uint8(maxDist + 1)
	for i := range w.cells {
		w.cells[i] = far
	}
	for j := 0; j <= min(m, maxDist); j++ {
		w.cells[j] = uint8(j)
	}
	best := int(w.cells[m])
	for _, e := range t.nodes[0].edges {
		w.visit(e.child, e.r, 1, best)
	}
	return w.hits
}

// fuzzyWalk is the state of one fuzzy search down the trie.
type fuzzyWalk struct {
	t      *trie
	q      []rune
	max    int
	stride int     // cells per row: len(q)+1
	cells  []uint8 // row i (a path of i runes) at cells[i*stride:]
	path   []rune
	qbits  []uint32 // letterBit of each query rune
	hits   []fuzzyHit
	stack  []int32
	toks   []int32
}

// visit fills the row for node n, reached by rune r at depth i, and recurses
// while some cell of the row is within the allowed distance. best is the
// smallest distance of q to any prefix of the path above n.
func (w *fuzzyWalk) visit(n int32, r rune, i int, best int) {
	q, d, m := w.q, w.max, len(w.q)
	far := uint8(d + 1)
	prev := w.cells[(i-1)*w.stride : i*w.stride]
	row := w.cells[i*w.stride : (i+1)*w.stride]
	var prev2 []uint8
	if i > 1 {
		prev2 = w.cells[(i-2)*w.stride : (i-1)*w.stride]
	}
	w.path[i-1] = r
	row[0] = uint8(min(i, d+1))
	rowMin := row[0]
	for j := max(1, i-d); j <= min(m, i+d); j++ {
		v := min(prev[j], row[j-1]) + 1
		if q[j-1] == r {
			v = min(v, prev[j-1])
		} else {
			v = min(v, prev[j-1]+1)
		}
		if prev2 != nil && j > 1 && q[j-1] == w.path[i-2] && q[j-2] == r {
			v = min(v, prev2[j-2]+1)
		}
		v = min(v, far)
		row[j] = v
		rowMin = min(rowMin, v)
	}
	best = min(best, int(row[m]))
	node := &w.t.nodes[n]
	if node.token != noToken && best <= d {
		whole := int(row[m])
		if whole > d {
			whole = -1
		}
		w.hits = append(w.hits, fuzzyHit{token: node.token, dist: best, whole: whole})
	}
	if int(rowMin) > d || w.bound(row, node.letters) > d {
		// No longer path can come closer; if a prefix above was close
		// enough, every word below still starts within the distance.
		if best <= d {
			w.toks = w.toks[:0]
			for _, e := range node.edges {
				w.toks, w.stack = w.t.subtree(e.child, w.toks, w.stack)
			}
			for _, tok := range w.toks {
				w.hits = append(w.hits, fuzzyHit{token: tok, dist: best, whole: -1})
			}
		}
		return
	}
	for _, e := range node.edges {
		w.visit(e.child, e.r, i+1, best)
	}
}

// bound is a lower bound of the distance of q to any path through the node
// whose row this is and whose subtree holds letters: for each split of q,
// the cell of the row plus one edit per remaining query rune whose letter
// class never occurs below.
func (w *fuzzyWalk) bound(row []uint8, letters uint32) int {
	m := len(w.q)
	b, absent := int(row[m]), 0
	for j := m - 1; j >= 0 && absent < b; j-- {
		if letters&w.qbits[j] == 0 {
			absent++
		}
		b = min(b, int(row[j])+absent)
	}
	return b
}
