#!/bin/sh
# Twice an hour: how full the root file system is.
df -h / | tail -n 1
