// Package suggest is Lobang's in-memory autocomplete index: it finds
// destinations and hotels by the prefix of any word of their name, forgives
// typos and accents, and ranks by popularity. It knows no HTTP or HTML.
//
// # Matching
//
// A query and every name are folded with [destinations.Fold] (case, accents
// and punctuation ignored) and split into words. An entry matches when every
// query word, in any order, is the prefix of a word of its name or of its
// context (region and country of a place, the context line of a hotel), and
// at least one query word matches a word of the name itself. A query word of
// 4–7 letters may also be one edit away (insertion, deletion, substitution or
// transposition of neighbours: optimal string alignment distance) from a word
// or the start of a word; a longer query word may be two edits away.
//
// # Ranking
//
// Matches are ordered by [Match.Score], in three tiers:
//
//  1. exact: the whole folded query equals the folded name (+20);
//  2. typo-free: every query word is a true prefix of a word (+10);
//  3. everything else (at least one word matched only through a typo).
//
// Within a tier the score adds, per query word, 1.0 for a prefix (1.25 when
// a query word of four or more letters is the whole word), 0.75 for a whole
// word one edit away and 0.5 for two (0.15 less when only the start of the
// word is that close), all halved when the word matched the context rather
// than the name; 0.125 per decade of popularity (log10, so 100× the
// population is worth 0.25); up to 0.1 for covering all words of the name;
// and 0.1 when the name starts with the query. Ties keep insertion order,
// which for destinations is most populous first.
//
// # Data structure
//
// Distinct folded words live in a rune trie with a posting list per word.
// A prefix is one walk down the trie and a sweep of the subtree below it;
// typos are found by walking the trie with a row of the edit-distance table
// per level, pruning a branch as soon as every cell of its row exceeds the
// allowed distance. Typo search runs only when the typo-free tiers do not
// already fill the requested number of results, since no typo match could
// outrank them. Per-entry accumulators come from a pool, so a query allocates
// little beyond its result.
//
// Measure with
//
//	go test -run '^$' -bench . -benchmem ./suggest/
package suggest
