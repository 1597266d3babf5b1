-- The hotel catalog: canonical hotels merged from supplier content, each
-- supplier's latest content, the mapping between them, a review queue of
-- doubtful pairs and the last sync of each destination. Primary keys serve
-- the lookups (destination first) so that no secondary index is needed.

-- Canonical hotels. id is the stable number in /hotels/{id}/{slug}; a hotel
-- row is never deleted or renumbered. JSON-encoded lists live in TEXT columns
-- (portable across MySQL 8, MariaDB and the embedded server).
CREATE TABLE IF NOT EXISTS hotels (
	id BIGINT NOT NULL AUTO_INCREMENT,
	destination_uid VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	slug VARCHAR(200) NOT NULL,
	name VARCHAR(300) NOT NULL,
	address VARCHAR(500) NOT NULL DEFAULT '',
	postal_code VARCHAR(32) NOT NULL DEFAULT '',
	lat DOUBLE NOT NULL DEFAULT 0,
	lng DOUBLE NOT NULL DEFAULT 0,
	has_geo BOOLEAN NOT NULL DEFAULT FALSE,
	stars DOUBLE NOT NULL DEFAULT 0,
	review_score DOUBLE NOT NULL DEFAULT 0,
	review_count INT NOT NULL DEFAULT 0,
	review_breakdown TEXT NOT NULL,
	description MEDIUMTEXT NOT NULL,
	amenities TEXT NOT NULL,
	images MEDIUMTEXT NOT NULL,
	time_zone VARCHAR(64) NOT NULL DEFAULT '',
	check_in_time VARCHAR(16) NOT NULL DEFAULT '',
	check_out_time VARCHAR(16) NOT NULL DEFAULT '',
	suppliers VARCHAR(500) NOT NULL DEFAULT '',
	sources TEXT NOT NULL,
	active BOOLEAN NOT NULL DEFAULT TRUE,
	content_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	content_updated_at DATETIME(6) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The active hotels of each destination: the listing index, kept by hand
-- so that hotels needs no secondary index.
CREATE TABLE IF NOT EXISTS destination_hotels (
	destination_uid VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	hotel_id BIGINT NOT NULL,
	PRIMARY KEY (destination_uid, hotel_id)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each supplier's latest normalised content (suppliers.Hotel as JSON), kept
-- to re-merge when a supplier fails and for staff's side-by-side review.
CREATE TABLE IF NOT EXISTS supplier_hotels (
	destination_uid VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	supplier VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	supplier_hotel_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	name VARCHAR(300) NOT NULL,
	content MEDIUMTEXT NOT NULL,
	content_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	fetched_at DATETIME(6) NOT NULL,
	PRIMARY KEY (destination_uid, supplier, supplier_hotel_id)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Supplier hotel → canonical hotel. decided_by is matcher or staff; the
-- matcher never changes a staff row.
CREATE TABLE IF NOT EXISTS hotel_mappings (
	destination_uid VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	supplier VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	supplier_hotel_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	hotel_id BIGINT NOT NULL,
	confidence DOUBLE NOT NULL,
	decided_by VARCHAR(16) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (destination_uid, supplier, supplier_hotel_id)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Doubtful pairs of supplier hotels for staff: open until merged or
-- rejected; a decision sticks across syncs.
CREATE TABLE IF NOT EXISTS hotel_reviews (
	destination_uid VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	supplier_a VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	supplier_hotel_id_a VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	supplier_b VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	supplier_hotel_id_b VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	score DOUBLE NOT NULL,
	distance_m DOUBLE NULL,
	status VARCHAR(16) NOT NULL,
	decided_by VARCHAR(100) NOT NULL DEFAULT '',
	decided_at DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (destination_uid, supplier_a, supplier_hotel_id_a, supplier_b, supplier_hotel_id_b)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The last sync of each destination, with the figures the sitemap needs.
CREATE TABLE IF NOT EXISTS catalog_syncs (
	destination_uid VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	synced_at DATETIME(6) NOT NULL,
	duration_ms INT NOT NULL,
	hotels INT NOT NULL,
	content_updated_at DATETIME(6) NULL,
	suppliers TEXT NOT NULL,
	PRIMARY KEY (destination_uid)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
