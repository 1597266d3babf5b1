package suggest

import (
	"cmp"
	"slices"
	"strings"
)

// Score components; the package documentation explains the scale.
const (
	exactBonus     = 20
	typoFreeBonus  = 10
	wholeWordScore = 1.25
	prefixScore    = 1.0
	typo1Score     = 0.75 // the whole word one edit away
	typo2Score     = 0.5  // the whole word two edits away
	typoPrefixCut  = 0.15 // less when only the start of the word is that close
	wholeWordMin   = 4    // shorter query words are likely still being typed ("par" of Paris), or fragments ("s" of "Ra’s")
	startScore     = 0.1  // the name starts with the query
	contextFactor  = 0.5
	coverageScore  = 0.1
	maxLimit       = 50 // Suggest never returns more than this many matches
)

// Bits of scratch.state beside the bits of the query words matched so far.
const (
	wordBits   uint16 = 1<<maxWords - 1
	bitName    uint16 = 1 << 13 // some query word matched a word of the name
	bitCurName uint16 = 1 << 14 // the current query word matched a word of the name
	bitTypo    uint16 = 1 << 15 // some query word matched only through a typo
)

// tokenScore is a word of the index matching a query word, and how well.
type tokenScore struct {
	token    int32
	score    float32
	typoFree bool
}

// scratch is per-query working memory, pooled and indexed by entry.
type scratch struct {
	cur     []float32 // best score of the current query word; typo-free ones carry typoFreeBonus
	acc     []float32 // sum over the query words matched so far
	state   []uint16
	all     []int32 // entries touched by the first word, to reset afterwards
	touched []int32 // entries matching every word so far
	next    []int32
	toks    [maxWords][]tokenScore
	subtree []int32
	stack   []int32
	hits    []fuzzyHit
	top     []ranked
}

// ranked is a candidate in the running top list.
type ranked struct {
	entry int32
	score float64
	exact bool
}

// Suggest returns up to limit entries matching q, best first. Blank or
// unmatched input gives no matches; limit is capped at 50.
func (ix *Index) Suggest(q string, limit int) []Match {
	limit = min(limit, maxLimit)
	if limit <= 0 {
		return nil
	}
	pq, ok := parseQuery(q)
	if !ok {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := ix.getScratch()
	defer ix.scratch.Put(s)

	top := ix.search(s, pq, false, limit)
	// Typo-free matches outrank every typo match, so typos are looked for
	// only when the typo-free ones leave room.
	if len(top) < limit && pq.typoSet {
		top = ix.search(s, pq, true, limit)
	}
	out := make([]Match, len(top))
	for i, r := range top {
		out[i] = Match{Entry: ix.entries[r.entry].Entry, Score: r.score, Exact: r.exact}
	}
	return out
}

// getScratch returns working memory large enough for the current entries.
func (ix *Index) getScratch() *scratch {
	s, _ := ix.scratch.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	if n := len(ix.entries); len(s.state) < n {
		n += n / 4
		s.cur, s.acc, s.state = make([]float32, n), make([]float32, n), make([]uint16, n)
	}
	return s
}

// search ranks the entries matching every word of q, with or without typos,
// and returns the best limit of them in s.top.
func (ix *Index) search(s *scratch, q query, typos bool, limit int) []ranked {
	order := make([]int, len(q.words))
	costs := make([]int, len(q.words))
	for i, w := range q.words {
		s.toks[i] = ix.wordTokens(s, w, typos, s.toks[i][:0])
		for _, ts := range s.toks[i] {
			costs[i] += len(ix.postings[ts.token])
		}
		if len(s.toks[i]) == 0 {
			return nil
		}
		order[i] = i
	}
	// The rarest word first: later words only visit entries still in play.
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(costs[a], costs[b]) })

	s.all, s.touched = s.all[:0], s.touched[:0]
	var done uint16
	for k, wi := range order {
		s.next = ix.matchWord(s, s.toks[wi], done)
		bit := uint16(1) << wi
		for _, e := range s.next {
			v := s.cur[e]
			s.cur[e] = 0
			st := s.state[e] | bit
			if st&bitCurName != 0 {
				st = st&^bitCurName | bitName
			}
			if v >= typoFreeBonus {
				v -= typoFreeBonus
			} else {
				st |= bitTypo
			}
			s.acc[e] += v
			s.state[e] = st
		}
		if k == 0 {
			s.all = append(s.all, s.next...)
		}
		s.touched, s.next = s.next, s.touched[:0]
		done |= bit
	}

	s.top = s.top[:0]
	nq := len(q.words)
	for _, e := range s.touched {
		st := s.state[e]
		if st&bitName == 0 {
			continue
		}
		h := ix.hot[e]
		r := ranked{entry: e, score: float64(s.acc[e]) + float64(h.pop) + coverageScore*min(1, float64(nq)/float64(h.nameWords))}
		if st&bitTypo == 0 {
			r.score += typoFreeBonus
		}
		// Only a name of as many words can equal the query, and only a
		// longer one start with it; the string compare is skipped when the
		// bonus could not lift the entry into the list anyway.
		switch n := int(h.nameWords); {
		case n == nq && ix.entries[e].folded == q.folded:
			r.exact = true
			r.score += exactBonus
		case n >= nq && (len(s.top) < limit || r.score+startScore >= s.top[len(s.top)-1].score) &&
			strings.HasPrefix(ix.entries[e].folded, q.folded):
			r.score += startScore
		}
		s.top = insertTop(s.top, r, limit)
	}
	for _, e := range s.all {
		s.state[e], s.acc[e] = 0, 0
	}
	return s.top
}

// matchWord scores, for one query word, every live entry that has matched
// all the words in done, and returns them; their scores are left in s.cur.
func (ix *Index) matchWord(s *scratch, toks []tokenScore, done uint16) []int32 {
	next := s.next[:0]
	for _, ts := range toks {
		for _, p := range ix.postings[ts.token] {
			e := p.entry
			if s.state[e]&wordBits != done || ix.hot[e].dead {
				continue
			}
			v := ts.score
			if p.field&fieldName != 0 {
				s.state[e] |= bitCurName
			} else {
				v *= contextFactor
			}
			if ts.typoFree {
				v += typoFreeBonus
			}
			if s.cur[e] == 0 {
				next = append(next, e)
			}
			s.cur[e] = max(s.cur[e], v)
		}
	}
	return next
}

// wordTokens appends the index words matching query word w: those it is a
// prefix of and, when typos are allowed, those starting within the allowed
// edit distance of it.
func (ix *Index) wordTokens(s *scratch, w []rune, typos bool, dst []tokenScore) []tokenScore {
	if n, ok := ix.words.find(w); ok {
		whole := ix.words.nodes[n].token
		s.subtree, s.stack = ix.words.subtree(n, s.subtree[:0], s.stack)
		for _, tok := range s.subtree {
			score := float32(prefixScore)
			if tok == whole && len(w) >= wholeWordMin {
				score = wholeWordScore
			}
			dst = append(dst, tokenScore{token: tok, score: score, typoFree: true})
		}
	}
	if d := maxTypos(len(w)); typos && d > 0 {
		s.hits = ix.words.fuzzy(w, d, s.hits[:0])
		for _, h := range s.hits {
			// Distance 0 means a true prefix, already listed above.
			if h.dist > 0 {
				score := typoScore(h.dist) - typoPrefixCut
				if h.whole > 0 {
					score = max(score, typoScore(h.whole))
				}
				dst = append(dst, tokenScore{token: h.token, score: score})
			}
		}
	}
	return dst
}

// typoScore is the score of a word at edit distance d (1 or 2) from a query word.
func typoScore(d int) float32 {
	if d == 1 {
		return typo1Score
	}
	return typo2Score
}

// insertTop adds r to top, kept sorted best first and at most limit long.
// Equal scores keep the earlier entry first.
func insertTop(top []ranked, r ranked, limit int) []ranked {
	better := func(a, b ranked) bool {
		return a.score > b.score || a.score == b.score && a.entry < b.entry
	}
	if len(top) == limit && !better(r, top[len(top)-1]) {
		return top
	}
	i := len(top)
	for i > 0 && better(r, top[i-1]) {
		i--
	}
	if len(top) < limit {
		top = append(top, ranked{})
	}
	copy(top[i+1:], top[i:len(top)-1])
	top[i] = r
	return top
}
