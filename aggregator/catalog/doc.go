// Package catalog builds Lobang's hotel catalog: it fetches every supplier's
// static content for a destination, matches supplier hotels that are the
// same hotel (geo distance plus brand-aware name similarity, with address
// and stars as tie-breakers), merges their content into one canonical hotel
// by fixed rules, and stores hotels, mappings and a review queue of doubtful
// pairs in MySQL. It knows no HTTP or HTML beyond sanitising descriptions.
package catalog
