-- Re-checks of confirmed bookings with their supplier, and the flags staff
-- act on. checked_at is the last answer that came back; next_check_at is
-- when the booking is next due (NULL: at once), pushed ahead while a worker
-- checks it, which is how two workers never check one booking together;
-- flag is supplier_cancelled or mismatch, with what differs in flag_detail.
-- One ALTER, so the step applies whole or not at all. The index serves the
-- per-supplier due list without reading every confirmed booking ever made.
ALTER TABLE bookings
	ADD COLUMN checked_at DATETIME(6) NULL,
	ADD COLUMN next_check_at DATETIME(6) NULL,
	ADD COLUMN flag VARCHAR(24) CHARACTER SET ascii COLLATE ascii_bin NULL,
	ADD COLUMN flag_detail VARCHAR(500) NULL,
	ADD COLUMN flagged_at DATETIME(6) NULL,
	ADD INDEX bookings_next_check (status, supplier, next_check_at);
