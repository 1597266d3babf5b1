#!/usr/bin/env bash
# Crawl up to 1,000 hotel pages twice through nginx's proxy_cache in front of
# a running Lobang origin and print the hit ratio of the second pass.
#   deploy/loadtest/crawl-behind-nginx.sh [origin, default 127.0.0.1:8080] [pages, default 1000]
set -euo pipefail
origin=${1:-127.0.0.1:8080}
pages=${2:-1000}
dir=$(mktemp -d)
port=18181
user_line=""
if [ "$(id -u)" = 0 ]; then user_line="user $(id -un);"; fi
cat >"$dir/nginx.conf" <<CONF
daemon off;
$user_line
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path $dir/body; proxy_temp_path $dir/proxy; fastcgi_temp_path $dir/fastcgi;
	uwsgi_temp_path $dir/uwsgi; scgi_temp_path $dir/scgi;
	proxy_cache_path $dir/cache levels=1:2 keys_zone=lobang:10m max_size=500m inactive=1d use_temp_path=off;
	server {
		listen 127.0.0.1:$port;
		location / {
			proxy_pass http://$origin;
			proxy_cache lobang;
			proxy_cache_key \$scheme\$host\$request_uri;
			proxy_cache_use_stale error timeout updating;
			add_header X-Cache-Status \$upstream_cache_status always;
		}
	}
}
CONF
/usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" &
nginx_pid=$!
trap 'kill "$nginx_pid"; wait "$nginx_pid" 2>/dev/null; rm -rf "$dir"' EXIT
sleep 0.5
proxy=http://127.0.0.1:$port
# Hotel URLs from the sitemap, rewritten to go through the proxy.
curl -sf "$proxy/sitemaps/hotels-1.xml" >"$dir/sitemap.xml"
grep -o '<loc>[^<]*</loc>' "$dir/sitemap.xml" | sed -e 's/<[^>]*>//g' -e 's#^https\?://[^/]*##' >"$dir/all"
head -n "$pages" "$dir/all" >"$dir/paths"
n=$(wc -l <"$dir/paths")
for pass in 1 2; do
	hits=0
	while read -r p; do
		s=$(curl -s -o /dev/null -D - "$proxy$p" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache-status"{print $2}')
		if [ "$s" = HIT ]; then hits=$((hits + 1)); fi
	done <"$dir/paths"
	echo "pass $pass: $hits/$n hits ($(awk "BEGIN{printf \"%.1f\", 100*$hits/$n}")%)"
done
