-- Optional customer accounts: the account with its saved guest details,
-- its single-use email tokens, and the bookings attached to it. Only new
-- tables: nothing the running release reads changes.

-- A customer account. email is stored lower-case; verified_at stays NULL
-- until the link in the verification email is followed, and bookings attach
-- only after that. password_hash is argon2id in its encoded form. The saved
-- guest details pre-fill the booking form.
CREATE TABLE IF NOT EXISTS accounts (
	id BIGINT NOT NULL AUTO_INCREMENT,
	email VARCHAR(254) NOT NULL,
	password_hash VARCHAR(255) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	verified_at DATETIME(6) NULL,
	title VARCHAR(16) NOT NULL DEFAULT '',
	first_name VARCHAR(100) NOT NULL DEFAULT '',
	last_name VARCHAR(100) NOT NULL DEFAULT '',
	phone VARCHAR(32) NOT NULL DEFAULT '',
	billing_address VARCHAR(500) NOT NULL DEFAULT '',
	created_at DATETIME(6) NOT NULL,
	updated_at DATETIME(6) NOT NULL,
	PRIMARY KEY (id),
	UNIQUE KEY accounts_email (email)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Single-use tokens sent by email (purpose verify or reset), by the SHA-256
-- of the token: the token itself is only ever in the email.
CREATE TABLE IF NOT EXISTS account_tokens (
	id BIGINT NOT NULL AUTO_INCREMENT,
	token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	account_id BIGINT NOT NULL,
	purpose VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	created_at DATETIME(6) NOT NULL,
	expires_at DATETIME(6) NOT NULL,
	used_at DATETIME(6) NULL,
	PRIMARY KEY (id),
	UNIQUE KEY account_tokens_hash (token_hash)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Bookings attached to an account: those whose guest email is the
-- account's verified email. The primary key leads with the account, which
-- is how the account page reads them.
CREATE TABLE IF NOT EXISTS account_bookings (
	account_id BIGINT NOT NULL,
	booking_id CHAR(32) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
	attached_at DATETIME(6) NOT NULL,
	PRIMARY KEY (account_id, booking_id)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
