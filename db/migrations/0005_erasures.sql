-- Refunds owed after a booking is cancelled, and the record of personal
-- data erased. Two new tables; nothing the running release reads changes.

-- One row per refund a booking is owed, by reason (cancellation). It is
-- written with the cancellation, before the provider is asked, so that a
-- refund that fails or is interrupted is never forgotten: pending rows are
-- retried by the reconciler under the same idempotency key. fee_amount is
-- what the customer was charged for cancelling, in currency; supplier_fee_*
-- what the supplier charges us, in its currency. status is pending (owed,
-- not accepted by the provider yet), processing (accepted, not final),
-- succeeded, failed (the provider refused: staff act) or none (nothing to
-- give back).
CREATE TABLE IF NOT EXISTS booking_refunds (
	booking_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	reason VARCHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	amount BIGINT NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	fee_amount BIGINT NOT NULL,
	supplier_fee_amount BIGINT NOT NULL,
	supplier_fee_currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	provider_refund_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	attempts INT NOT NULL DEFAULT 0,
	last_error VARCHAR(500) NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (booking_id, reason),
	UNIQUE KEY booking_refunds_provider (provider_refund_id),
	KEY booking_refunds_status (status, updated_at)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Each erasure of a person's data: a random id, when, and how many rows of
-- each table were erased (a JSON object). Never who: no email, no name and
-- no hash of them, which could be reversed by guessing.
CREATE TABLE IF NOT EXISTS erasures (
	id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	erased_at DATETIME(6) NOT NULL,
	counts VARCHAR(2000) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	PRIMARY KEY (id),
	KEY erasures_erased_at (erased_at)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
