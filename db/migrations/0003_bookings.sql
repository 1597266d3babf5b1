-- Bookings: one row per booking, its transitions, the payment provider's
-- webhook events (for de-duplication) and an outbox of emails to send.
-- Unique keys make duplicates impossible: one booking per form token,
-- reference, supplier reference, checkout session and payment.

-- id is 128 random bits in hex, used in URLs; reference is the short
-- customer-facing LB-XXXXXX. Guest fields stay NULL until the guest details
-- are saved. offer and query are the supplier offer and stay as JSON.
CREATE TABLE IF NOT EXISTS bookings (
	id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	reference VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	status VARCHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	hotel_id BIGINT NOT NULL,
	supplier VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	supplier_hotel_id VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	offer_key TEXT NOT NULL,
	offer MEDIUMTEXT NOT NULL,
	query TEXT NOT NULL,
	charge_amount BIGINT NOT NULL,
	charge_currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	previous_charge_amount BIGINT NOT NULL DEFAULT 0,
	net_amount BIGINT NOT NULL,
	net_currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	pay_at_hotel_amount BIGINT NOT NULL DEFAULT 0,
	pay_at_hotel_currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT '',
	fx_rate VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	margin_amount BIGINT NOT NULL,
	quote_expires_at DATETIME(6) NOT NULL,
	title VARCHAR(16) NULL,
	first_name VARCHAR(100) NULL,
	last_name VARCHAR(100) NULL,
	email VARCHAR(254) NULL,
	phone VARCHAR(32) NULL,
	arrival_time VARCHAR(5) NULL,
	special_requests TEXT NULL,
	billing_address TEXT NULL,
	form_token CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	details_saved_at DATETIME(6) NULL,
	supplier_reference VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
	payment_session_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	payment_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	card_brand VARCHAR(32) NULL,
	card_last4 CHAR(4) NULL,
	confirming_since DATETIME(6) NULL,
	work_until DATETIME(6) NULL,
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY bookings_reference (reference),
	UNIQUE KEY bookings_form_token (form_token),
	UNIQUE KEY bookings_supplier_reference (supplier, supplier_reference),
	UNIQUE KEY bookings_payment_session (payment_session_id),
	UNIQUE KEY bookings_payment (payment_id),
	KEY bookings_status (status, quote_expires_at)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every status change of a booking, in order, with its cause.
CREATE TABLE IF NOT EXISTS booking_events (
	booking_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	seq INT NOT NULL,
	at DATETIME(6) NOT NULL,
	from_status VARCHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	to_status VARCHAR(24) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	cause VARCHAR(500) NOT NULL,
	PRIMARY KEY (booking_id, seq)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The payment provider's webhook events seen, by their id: providers deliver
-- at least once. processed_at stays NULL until the event was acted on.
CREATE TABLE IF NOT EXISTS payment_webhook_events (
	event_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	type VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	received_at DATETIME(6) NOT NULL,
	processed_at DATETIME(6) NULL,
	PRIMARY KEY (event_id)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Emails to send, written in the same transaction as the change they
-- announce; a sender worker delivers them.
CREATE TABLE IF NOT EXISTS outbox (
	id BIGINT NOT NULL AUTO_INCREMENT,
	booking_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	kind VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	to_addr VARCHAR(254) NOT NULL,
	subject VARCHAR(300) NOT NULL,
	body MEDIUMTEXT NOT NULL,
	status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'pending',
	attempts INT NOT NULL DEFAULT 0,
	next_at DATETIME(6) NOT NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY outbox_booking_kind (booking_id, kind)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
