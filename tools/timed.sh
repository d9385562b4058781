#!/usr/bin/env bash
# Run a command and print how long it took: `tools/timed.sh "label" cmd args...`
label=$1; shift
start=$(date +%s)
"$@"; rc=$?
echo "== phase '$label' took $(( $(date +%s) - start )) s (exit $rc)"
exit $rc
