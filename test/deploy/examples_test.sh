#!/bin/bash
# Every example in deploy/examples/ is a complete config directory with a
# README: `wingmate check` accepts it and shows the services and cron jobs
# the README describes (with their key settings), its scripts are valid sh,
# and its schedules parse. Running them is rootfs_test.sh's job.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

examples=$WM_TOP/deploy/examples
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# expect EXAMPLE PYTHON-CONDITION...: each condition holds for `config`,
# the effective config wingmate check printed.
expect() {
  local example=$1
  shift
  "$WM_PYTHON" - "$work/$example.json" "$@" <<'EOF' || wm_fail "$example: see above"
import json, sys
config = json.load(open(sys.argv[1]))
service, cron = config.get("service", {}), config.get("cron", {})
bad = [c for c in sys.argv[2:] if not eval(c)]
for c in bad:
    print("FAIL: not true of the effective config:", c, file=sys.stderr)
sys.exit(1 if bad else 0)
EOF
}

for dir in "$examples"/*/; do
  example=$(basename "$dir")
  wm_step "$example"
  [ -s "$dir/README.md" ] || wm_fail "$example has no README.md"
  while IFS= read -r script; do
    if head -n 1 "$script" | grep -q '^#!/bin/sh'; then
      sh -n "$script" || wm_fail "$example: $script is not valid sh"
    fi
  done < <(find "$dir" -type f -perm -u+x)
done

for dir in "$examples"/*/; do
  example=$(basename "$dir")
  "$WM_WINGMATE" check -c "$dir" > "$work/$example.json" 2> "$work/$example.err" ||
    { cat "$work/$example.err" >&2; wm_fail "wingmate check rejects deploy/examples/$example"; }
  ! grep -q . "$work/$example.err" ||
    {
      cat "$work/$example.err" >&2
      wm_fail "wingmate check warns about deploy/examples/$example"
    }
done

wm_step "each example's entries and key settings"
expect demo 'sorted(service) == ["flaky", "web", "worker"]' 'sorted(cron) == ["crontab:3"]'
expect nginx 'sorted(service) == ["nginx"]' 'sorted(cron) == ["rotate-logs"]' \
  'service["nginx"]["stop_signal"] == "SIGQUIT"' \
  'cron["rotate-logs"]["schedule"] == "0 * * * *"' \
  'service["nginx"]["command"][:1] == ["/usr/sbin/nginx"]' \
  '"daemon off;" in service["nginx"]["command"]'
expect sshd 'sorted(service) == ["sshd"]' 'not cron' \
  'service["sshd"]["pidfile"] == "/run/sshd.pid"' \
  'service["sshd"]["command"] == ["/etc/wingmate/bin/start-sshd"]'
expect go-layout 'sorted(service) == ["clock", "heartbeat.sh", "spooler.sh"]' \
  'sorted(cron) == ["crontab:3", "crontab:4", "stamp"]' \
  'service["clock"]["user"] == "1200"'

wm_step "every schedule of the examples parses (wingmate cron-next)"
{
  for json in "$work"/*.json; do
    "$WM_PYTHON" -c 'import json, sys
for job in json.load(open(sys.argv[1])).get("cron", {}).values():
    print(job["schedule"])' "$json"
  done
  # crontab lines: the first five fields.
  sed -e 's/#.*//' "$examples"/*/crontab 2>/dev/null | awk 'NF >= 6 { print $1, $2, $3, $4, $5 }'
} | sort -u > "$work/schedules"
[ -s "$work/schedules" ] || wm_fail "no schedules found in the examples"
while IFS= read -r schedule; do
  "$WM_WINGMATE" cron-next "$schedule" >/dev/null || wm_fail "cron-next rejects '$schedule'"
done < "$work/schedules"

echo "passed: examples"
