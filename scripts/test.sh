#!/usr/bin/env bash
# The whole test suite, from a clean clone: starts the servers the tests need (scripts/services.sh), builds,
# runs every test project, and ends with the totals alone on a line: "N passed, N failed".
# Extra arguments go to `dotnet test` (e.g. --filter FullyQualifiedName~Parser).
set -uo pipefail
top="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$top"

if ! bash scripts/services.sh; then
  echo "test: some servers could not be started; the tests that need them will fail" >&2
fi
[ -f .local/services.env ] && source .local/services.env

results="$top/.local/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet test Telephony.Actors.sln -c Release --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@" 2>&1 | tee "$results/console.log" \
  | grep -E --line-buffered '^\s*(Passed|Failed|Skipped) |error|Passed!|Failed!|Total tests|Test Run Aborted|exited with error'
rc=${PIPESTATUS[0]}

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed) + $(get error) + $(get timeout) + $(get aborted)))
  skipped=$((skipped + $(get notExecuted)))
done
# A test host that crashed or a build that failed leaves no counted failure behind: count it as one.
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; echo "test: dotnet test exited with $rc (build error or crashed test host)" >&2; fi
if [ "$files" -eq 0 ]; then failed=$((failed + 1)); echo "test: no test results were written" >&2; fi

# The failed tests again, just above the totals, so that the end of the output names them.
if [ "$failed" -gt 0 ] && [ "$files" -gt 0 ]; then
  python3 - "$results" <<'PY' || true
import glob, html, re, sys
for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    text = open(trx, encoding="utf-8", errors="replace").read()
    for m in re.finditer(r'<UnitTestResult [^>]*testName="([^"]*)"[^>]*outcome="Failed".*?</UnitTestResult>', text, re.S):
        msg = re.search(r'<Message>(.*?)</Message>', m.group(0), re.S)
        first = html.unescape(msg.group(1)).strip().splitlines()[:6] if msg else []
        print("FAILED " + html.unescape(m.group(1)))
        for line in first:
            print("    " + line[:300])
        # What the test wrote (its diagnostics) is only in the trx: its last lines, so a CI log alone can be traced.
        out = re.search(r'<StdOut>(.*?)</StdOut>', m.group(0), re.S)
        if out:
            print("    --- the test's output, last lines:")
            for line in html.unescape(out.group(1)).strip().splitlines()[-25:]:
                print("    | " + line[:300])
PY
fi

if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
