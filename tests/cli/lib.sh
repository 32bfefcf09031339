# Assertion helpers for the CLI tests: `source "$ATTN_CLI_LIB"` at the top of a test script.
#
#   step "what is being checked"     names the checks that follow in failure messages
#   run CMD ARGS...                  runs CMD; stdout -> $OUT (file), stderr -> $ERR, exit code -> $RC
#   expect_exit N                    $RC is N
#   expect_stdout "text"             stdout is exactly text (plus a final newline)
#   expect_stdout_has "text"         stdout contains text (fixed string)
#   expect_stderr "text"             stderr is exactly this one line
#   expect_stderr_has "text"         stderr contains text
#   expect_stderr_empty
#   expect_stderr_lines N            stderr has exactly N lines
#   finish                           last line of the script: exit status 0 if every check passed
#   numpy_python                     sets $PY to a python3 with NumPy, or to "" when there is none
#
# $T is a scratch directory, removed at exit.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/attn-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
OUT="$T/.stdout"
ERR="$T/.stderr"
RC=0
_step="(start)"
_failures=0
_checks=0

step() { _step="$*"; }

_fail() {
  _failures=$((_failures + 1))
  {
    echo "FAIL [$_step]: $*"
    echo "  --- stdout (first lines):"; head -n 5 "$OUT" 2>/dev/null | sed 's/^/  | /'
    echo "  --- stderr (first lines):"; head -n 5 "$ERR" 2>/dev/null | sed 's/^/  | /'
  } >&2
}

_pass() { _checks=$((_checks + 1)); }

run() {
  "$@" >"$OUT" 2>"$ERR"
  RC=$?
}

expect_exit() {
  if [ "$RC" = "$1" ]; then _pass; else _fail "exit code $RC, expected $1"; fi
}

expect_stdout() {
  if [ "$(cat "$OUT")" = "$1" ]; then _pass; else _fail "stdout differs, expected: $1"; fi
}

expect_stdout_has() {
  if grep -qF -- "$1" "$OUT"; then _pass; else _fail "stdout lacks: $1"; fi
}

expect_stderr() {
  if [ "$(cat "$ERR")" = "$1" ] && [ "$(wc -l <"$ERR")" = 1 ]; then _pass; else _fail "stderr is not the one line: $1"; fi
}

expect_stderr_has() {
  if grep -qF -- "$1" "$ERR"; then _pass; else _fail "stderr lacks: $1"; fi
}

expect_stderr_empty() {
  if [ ! -s "$ERR" ]; then _pass; else _fail "stderr is not empty"; fi
}

expect_stderr_lines() {
  local n
  n=$(wc -l <"$ERR")
  if [ "$n" = "$1" ]; then _pass; else _fail "stderr has $n lines, expected $1"; fi
}

numpy_python() {
  PY=""
  local p
  for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c "import numpy" 2>/dev/null; then PY=$p; return; fi
  done
}

finish() {
  if [ "$_failures" -gt 0 ]; then
    echo "$_failures of $((_checks + _failures)) checks failed" >&2
    exit 1
  fi
  echo "all $_checks checks passed"
  exit 0
}
