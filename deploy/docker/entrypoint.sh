#!/bin/sh
# The image's entry point (ENTRYPOINT), in the spirit of the Go wingmate's:
#
#   no arguments               exec wingmate: run /etc/wingmate
#   first argument starts "-"  exec wingmate "$@": options, or "-- CMD ARGS"
#                              to run CMD as wingmate's main service
#   anything else              exec "$@": run that instead of wingmate (a
#                              shell to look around, a one-off command)
#
# Always exec, never fork: whatever runs keeps this script's pid (PID 1 in
# the container), so it receives the stop signal itself and no shell waits
# in between.
set -eu

if [ "$#" -eq 0 ]; then
  exec wingmate
fi
case $1 in
  -*) exec wingmate "$@" ;;
esac
exec "$@"
