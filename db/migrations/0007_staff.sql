-- Staff: accounts with a password and a TOTP second factor, their one-time
-- enrolment links and recovery codes, internal notes on bookings, refund
-- requests waiting for a second member of staff, and the audit log. Only
-- new tables: nothing the running release reads changes.

-- A staff account. password_hash (argon2id) and totp_secret stay NULL until
-- the enrolment link is used; totp_last_step is the last TOTP time step
-- accepted, so that a code is never accepted twice. status is enrolling,
-- active or disabled.
CREATE TABLE IF NOT EXISTS staff_users (
	id BIGINT NOT NULL AUTO_INCREMENT,
	email VARCHAR(254) NOT NULL,
	role VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	totp_secret VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
	totp_last_step BIGINT NOT NULL DEFAULT 0,
	created_at DATETIME(6) NOT NULL,
	enrolled_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY staff_users_email (email)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One-time enrolment links, by the SHA-256 of their token (the token itself
-- is only ever printed once).
CREATE TABLE IF NOT EXISTS staff_enrolments (
	token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	staff_id BIGINT NOT NULL,
	expires_at DATETIME(6) NOT NULL,
	used_at DATETIME(6) NULL,
	PRIMARY KEY (token_hash)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Single-use recovery codes, by the SHA-256 of the code.
CREATE TABLE IF NOT EXISTS staff_recovery_codes (
	staff_id BIGINT NOT NULL,
	code_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	used_at DATETIME(6) NULL,
	PRIMARY KEY (staff_id, code_hash)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Internal notes staff keep on a booking; the customer never sees them.
CREATE TABLE IF NOT EXISTS booking_notes (
	booking_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	seq INT NOT NULL,
	staff_id BIGINT NOT NULL,
	staff_email VARCHAR(254) NOT NULL,
	body TEXT NOT NULL,
	created_at DATETIME(6) NOT NULL,
	PRIMARY KEY (booking_id, seq)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Refunds staff asked for. Above the approval threshold a request waits
-- (pending) until another manager or admin approves it; then it is done or
-- failed with the provider's refund id or error. The primary key leads with
-- the booking so that a booking's requests need no secondary index.
CREATE TABLE IF NOT EXISTS staff_refund_requests (
	booking_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	id CHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	amount BIGINT NOT NULL,
	currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	reason VARCHAR(500) NOT NULL,
	status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	requested_by BIGINT NOT NULL,
	requested_at DATETIME(6) NOT NULL,
	decided_by BIGINT NULL,
	decided_at DATETIME(6) NULL,
	provider_refund_id VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NULL,
	last_error VARCHAR(500) NULL,
	PRIMARY KEY (booking_id, id),
	UNIQUE KEY staff_refund_requests_id (id)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The audit log: append-only, one row per change staff make (or attempt
-- and are refused). Lobang's code only ever inserts and reads it.
CREATE TABLE IF NOT EXISTS audit_log (
	id BIGINT NOT NULL AUTO_INCREMENT,
	at DATETIME(6) NOT NULL,
	staff_id BIGINT NOT NULL,
	staff_email VARCHAR(254) NOT NULL,
	action VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	object_type VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	object_id VARCHAR(64) NOT NULL,
	ip VARCHAR(45) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	before_json MEDIUMTEXT NULL,
	after_json MEDIUMTEXT NULL,
	PRIMARY KEY (id)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
