package suggest

import (
	"math"
	"strings"
	"sync"

	"lobang/destinations"
)

// Field flags of a posting: where in the entry the word occurs.
const (
	fieldName    uint8 = 1
	fieldContext uint8 = 2
)

// Index is an autocomplete index over destinations and hotels. Suggest,
// Resolve and Add are safe for concurrent use.
type Index struct {
	mu       sync.RWMutex
	entries  []record
	hot      []hot              // per entry, beside entries to keep the scoring loop in cache
	byKey    map[entryKey]int32 // live record of each kind and id
	tokenIDs map[string]int32   // folded word -> token id
	tokens   []string           // token id -> folded word
	postings [][]posting        // token id -> entries holding the word
	words    trie
	scratch  sync.Pool // *scratch sized for some number of entries
}

// record is an indexed entry with its folded name.
type record struct {
	Entry
	folded string // folded name, words joined by single spaces
}

// hot is what scoring reads of every candidate entry.
type hot struct {
	pop       float32 // popularity term of the score
	nameWords uint8   // number of words in the folded name, at most 255
	dead      bool    // replaced by a later Add of the same kind and id
}

// entryKey identifies an entry across Adds.
type entryKey struct {
	kind Kind
	id   string
}

// posting says that a word occurs in an entry's name, context or both.
type posting struct {
	entry int32
	field uint8
}

// New builds an index of entries; entries added first win ties in ranking.
func New(entries []Entry) *Index {
	ix := &Index{
		entries:  make([]record, 0, len(entries)),
		hot:      make([]hot, 0, len(entries)),
		byKey:    make(map[entryKey]int32, len(entries)),
		tokenIDs: make(map[string]int32, len(entries)),
		words:    newTrie(),
	}
	ix.words.nodes = make([]trieNode, 1, 4*len(entries)+1)
	ix.add(entries)
	return ix
}

// Add indexes more entries, such as the hotels of a destination once its
// catalog has synced. An entry with the kind and id of an earlier one
// replaces it. Adding in batches is cheaper than one by one.
func (ix *Index) Add(entries ...Entry) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.add(entries)
}

// Len returns the number of live entries.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.byKey)
}

func (ix *Index) add(entries []Entry) {
	for _, e := range entries {
		id := int32(len(ix.entries))
		key := entryKey{kind: e.Kind, id: e.ID}
		if old, ok := ix.byKey[key]; ok {
			ix.hot[old].dead = true
		}
		ix.byKey[key] = id
		folded := destinations.Fold(e.Name)
		nameWords := strings.Fields(folded)
		ix.entries = append(ix.entries, record{Entry: e, folded: folded})
		ix.hot = append(ix.hot, hot{
			pop:       float32(popularityScore(e.Popularity)),
			nameWords: uint8(min(len(nameWords), 255)),
		})
		// A word repeated within one entry keeps one posting with both
		// fields: post merges with the entry's own last posting.
		for _, w := range nameWords {
			ix.post(w, id, fieldName)
		}
		for _, w := range strings.Fields(destinations.Fold(e.Context)) {
			ix.post(w, id, fieldContext)
		}
	}
}

// post appends a posting of entry to word's list, adding the word if new.
func (ix *Index) post(word string, entry int32, field uint8) {
	tok, ok := ix.tokenIDs[word]
	if !ok {
		tok = int32(len(ix.tokens))
		ix.tokenIDs[word] = tok
		ix.tokens = append(ix.tokens, word)
		ix.postings = append(ix.postings, nil)
		ix.words.insert([]rune(word), tok)
	}
	ps := ix.postings[tok]
	if len(ps) > 0 && ps[len(ps)-1].entry == entry {
		ps[len(ps)-1].field |= field
		return
	}
	ix.postings[tok] = append(ps, posting{entry: entry, field: field})
}

// popularityScore maps a popularity weight to 0.125 per decade, at most 1.
func popularityScore(p float64) float64 {
	if !(p > 0) || math.IsInf(p, 0) {
		if math.IsInf(p, 1) {
			return 1
		}
		return 0
	}
	return min(math.Log10(1+p)/8, 1)
}
