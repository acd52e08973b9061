#!/bin/sh
# Builds wingmate and runs it on the demo configuration in
# deploy/examples/demo: a web server on 127.0.0.1:8080 (DEMO_PORT), a worker
# loop, a service that crashes now and then and a cron job every minute.
# Press Ctrl-C to stop it.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${BUILD_DIR:-$top/build}

sh "$top/scripts/build.sh"
echo "demo: starting wingmate; try 'curl http://127.0.0.1:${DEMO_PORT:-8080}/', Ctrl-C stops" >&2
exec "$build_dir/main/wingmate" -c "$top/deploy/examples/demo"
