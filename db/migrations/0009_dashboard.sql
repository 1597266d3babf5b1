-- Operations dashboard: the day's bookings are read by creation time.
-- Only a new index: nothing the running release reads or writes changes.
ALTER TABLE bookings ADD INDEX bookings_created (created_at);
