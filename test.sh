#!/usr/bin/env bash
# Runs every test in the solution and ends with one summary line: "tests: N passed, N failed, N skipped".
# Tests that need ../shared/testdata or an oracle tool (winedump, llvm-readobj) skip with a visible reason when absent.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
log="$(mktemp)"
dotnet test ntdbg.slnx -c Release --nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" \
  | grep -vE '^\s+(Passed|Skipped) [A-Za-z]' | grep -vE '^\s*$'
status=${PIPESTATUS[0]}
# Visible skip reasons.
grep -E '^\s+Skipped ' "$log" | sed 's/^\s*/skip: /' | sort | uniq | head -50
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
exit 0
