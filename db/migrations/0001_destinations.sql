-- Real places customers search for, loaded from the committed GeoNames data.
CREATE TABLE IF NOT EXISTS destinations (
	uid VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
	geoname_id INT NOT NULL,
	name VARCHAR(200) NOT NULL,
	ascii_name VARCHAR(200) NOT NULL,
	region VARCHAR(200) NOT NULL DEFAULT '',
	country VARCHAR(100) NOT NULL,
	country_code CHAR(2) NOT NULL,
	lat DOUBLE NOT NULL,
	lng DOUBLE NOT NULL,
	population INT NOT NULL,
	kind VARCHAR(10) NOT NULL,
	time_zone VARCHAR(64) NOT NULL,
	PRIMARY KEY (uid),
	UNIQUE KEY destinations_geoname (geoname_id),
	KEY destinations_population (population)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
