#!/usr/bin/env bats
# The man pages (built from man/*.scd into <build>/man) render without warnings, and
# document every long flag each tool prints in --help, so docs cannot drift from code.

load helpers

# The long flags in the "Options:" part of a tool's --help.
help_flags() {
  "$1" --help | awk '/^Options:/ { on = 1; next } /^[A-Z][A-Za-z]*:/ { on = 0 } on' |
    grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u
}

# The tools that were built: each needs a man page.
built_tools() {
  local t
  for t in "$GSMQ_BIN_DIR"/gsmq*; do
    [[ -x "$t" && -f "$t" ]] && basename "$t"
  done
}

@test "the man pages were built" {
  for page in gsmq.7 gsmq-send.1 gsmq-recv.1 gsmq-bridge.1; do
    [[ -s "$GSMQ_MAN_DIR/$page" ]] || fail "$GSMQ_MAN_DIR/$page is missing (target man)"
  done
}

@test "every built page renders with man -l, without groff warnings" {
  local page count=0
  for page in "$GSMQ_MAN_DIR"/*.[1-8]; do
    run env MANWIDTH=80 man -l "$page"
    assert_success
    assert_output --partial "NAME"
    [[ "$page" == *.7 ]] || assert_output --partial "SYNOPSIS"
    [[ ${#output} -gt 500 ]] || fail "$page renders to almost nothing"
    run bash -c 'MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null' _ "$page"
    assert_output ""
    count=$((count + 1))
  done
  ((count >= 4))
}

@test "gsmq(7) has the envelope, endpoints, exit statuses, environment and signals" {
  run env MANWIDTH=200 man -l "$GSMQ_MAN_DIR/gsmq.7"
  for section in "THE ENVELOPE" "ENDPOINTS" "EXIT STATUS" "ENVIRONMENT" "SIGNALS"; do
    assert_output --partial "$section"
  done
  for field in channel body body_b64 id ts priority meta seq ttl_ms delay_ms max_receives dead_letter receive_count; do
    grep -qE "^ *│$field +│" <<<"$output" || fail "field $field is not in the envelope tables"
  done
  assert_output --partial "LINE N: <what is wrong>"
  assert_output --partial "NO_COLOR"
}

@test "the exit statuses of gsmq(7) are those of lib/util/exit_status.h" {
  run env MANWIDTH=200 man -l "$GSMQ_MAN_DIR/gsmq.7"
  local table=$output code
  while read -r code; do
    grep -qE "^ *│$code +│" <<<"$table" || fail "exit status $code is not in the gsmq(7) table"
  done < <(sed -n 's/^ *kExit[A-Za-z]* = \([0-9]*\),.*/\1/p' "$GSMQ_SOURCE_DIR/lib/util/exit_status.h")
  [[ $(grep -cE '^ *k[A-Z][A-Za-z]* = [0-9]+,' "$GSMQ_SOURCE_DIR/lib/util/exit_status.h") -ge 8 ]]
}

@test "every long flag in each tool's --help is documented as an option in its man page" {
  local tool page flag flags missing=""
  for tool in $(built_tools); do
    page=$(ls "$GSMQ_MAN_DIR/$tool".[18] 2>/dev/null | head -1)
    [[ -n "$page" ]] || { missing+=" $tool(no man page)"; continue; }
    local text
    text=$(MANWIDTH=500 man -l "$page" 2>/dev/null)
    flags=$(help_flags "$tool")
    [[ -n "$flags" ]] || fail "no flags found in $tool --help"
    for flag in $flags; do
      # An option heading: "       --flag ARG", "       -f, --flag ARG", "       -h, --help, -V, --version".
      grep -qE -- "^ {7}(-[^ ]* )*$flag([ ,=]|\$)" <<<"$text" || missing+=" $tool:$flag"
    done
  done
  [[ -z "$missing" ]] || fail "not documented:$missing"
}

@test "the man pages of the foundation tools have examples and the exit-status table" {
  for tool in gsmq-send gsmq-recv gsmq-bridge; do
    run env MANWIDTH=200 man -l "$GSMQ_MAN_DIR/$tool.1"
    assert_output --partial "EXAMPLES"
    assert_output --partial "EXIT STATUS"
    assert_output --partial "gsmq(7)"
  done
}
