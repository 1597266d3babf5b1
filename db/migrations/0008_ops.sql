-- Operations: the markup rules staff set on displayed and charged prices.
-- Only a new table: nothing the running release reads changes.

-- One rule per scope: a supplier, a destination, both, or neither (empty
-- strings, the global rule); the most specific rule that matches applies.
-- kind is percent (percent_bp, hundredths of a percent) or fixed (amount in
-- minor units of currency).
CREATE TABLE IF NOT EXISTS markup_rules (
	id BIGINT NOT NULL AUTO_INCREMENT,
	supplier VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
	destination_uid VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
	kind VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	percent_bp INT NOT NULL DEFAULT 0,
	amount BIGINT NOT NULL DEFAULT 0,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
	updated_by VARCHAR(254) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY markup_rules_scope (supplier, destination_uid)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
