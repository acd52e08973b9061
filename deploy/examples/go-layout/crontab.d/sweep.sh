#!/bin/sh
# Every minute: the consumer. Takes the jobs waiting in /var/spool/example.
count=0
for job in /var/spool/example/job-*; do
  [ -f "$job" ] || continue
  rm -f "$job"
  count=$((count + 1))
done
echo "swept $count job(s)"
