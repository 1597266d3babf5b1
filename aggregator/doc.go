// Package aggregator runs Lobang's search pipeline: it turns a stay into a
// search id, fans the search out to every enabled supplier exactly once
// across all instances, and lands each supplier's answer in Redis as it
// arrives, announced on a per-search event stream that any instance can
// follow. It knows no HTTP and no HTML.
//
// Redis layout (every key behind the configured prefix; {sid} is a hash tag
// so one search lives in one Redis Cluster slot):
//
//	search:{sid}:lock    SET NX PX: the one fan-out of this search
//	search:{sid}:query   the normalised query (JSON)
//	search:{sid}:meta    HASH: suppliers' states, counts, completion
//	search:{sid}:prices  HASH: "hotelID|supplier" -> price (JSON)
//	search:{sid}:events  STREAM: one event per change, resumable by id
//	jobs:search          STREAM with consumer group "workers": one job per
//	                     supplier per search
//	rl:search:{ip}:N     fixed-window counters of new fan-outs per client
package aggregator
