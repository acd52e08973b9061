#!/bin/sh
# A producer: drops a job file into /var/spool/example every 5 seconds, as
# the unprivileged uid 1200 (a bare number needs no passwd entry). In the Go
# wingmate's style, the script switches user itself through wmexec.
mkdir -p /var/spool/example
chown 1200:1200 /var/spool/example
# shellcheck disable=SC2016 # the inner shell expands these
exec wmexec --user 1200 -- sh -c '
  n=0
  while :; do
    n=$((n + 1))
    date -u +%FT%TZ > "/var/spool/example/job-$n"
    echo "queued job $n as uid $(id -u)"
    sleep 5
  done'
