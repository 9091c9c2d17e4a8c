#!/usr/bin/env bats
# The man pages (built from man/*.scd into <build>/man) render without warnings, and
# document every long flag each tool prints in --help and every endpoint kind the
# adapter registry knows (as the tools list it: --endpoints --json), so docs cannot
# drift from code.

load helpers

# Every tool, and its man page.
TOOLS="gsmq-send gsmq-recv gsmq-bridge gsmq-gen gsmqd"
page_of() {
  case $1 in
    gsmqd) echo "$GSMQ_MAN_DIR/gsmqd.8" ;;
    *) echo "$GSMQ_MAN_DIR/$1.1" ;;
  esac
}

# The long flags in the "Options:" part of a tool's --help.
help_flags() {
  "$1" --help | awk '/^Options:/ { on = 1; next } /^[A-Z][A-Za-z]*:/ { on = 0 } on' |
    grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u
}

# What the adapter registry speaks, as every tool lists it (--endpoints --json).
endpoints_json() {
  "$GSMQ_BIN_DIR/gsmq-bridge" --endpoints --json
}

# The URL schemes of the adapter registry: "-", "file", "gsmq", "mqtt", ...
registered_schemes() {
  endpoints_json | jq -r '.[].scheme'
}

# A page rendered as text, wide enough that no heading or table row wraps.
render() {
  MANWIDTH=200 man -l "$1" 2>/dev/null
}

# The subsection of a page rendered as text ($1) whose heading (three spaces in) matches
# the extended regular expression $2, up to the next heading.
subsection() {
  awk -v re="$2" '/^   [^ ]/ { on = ($0 ~ re) } on' <<<"$1"
}

@test "every tool was built and has a man page" {
  local tool
  for tool in $TOOLS; do
    [[ -x "$GSMQ_BIN_DIR/$tool" ]] || fail "$GSMQ_BIN_DIR/$tool was not built"
    [[ -s "$(page_of "$tool")" ]] || fail "$(page_of "$tool") is missing (target man)"
  done
  [[ -s "$GSMQ_MAN_DIR/gsmq.7" ]] || fail "$GSMQ_MAN_DIR/gsmq.7 is missing (target man)"
  # and no tool was added without joining this list
  local t
  for t in "$GSMQ_BIN_DIR"/gsmq*; do
    [[ -x "$t" && -f "$t" ]] || continue
    [[ " $TOOLS " == *" $(basename "$t") "* ]] || fail "$(basename "$t") is not in TOOLS of docs.bats"
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
  ((count >= 6))
}

@test "gsmq(7) has the envelope, endpoints, exit statuses, environment and signals" {
  run render "$GSMQ_MAN_DIR/gsmq.7"
  for section in "THE ENVELOPE" "ENDPOINTS" "EXIT STATUS" "ENVIRONMENT" "SIGNALS"; do
    assert_output --partial "$section"
  done
  for field in channel body body_b64 id ts priority meta seq ttl_ms delay_ms max_receives dead_letter receive_count; do
    grep -qE "^ *│$field +│" <<<"$output" || fail "field $field is not in the envelope tables"
  done
  assert_output --partial "LINE N: <what is wrong>"
  assert_output --partial "NO_COLOR"
}

@test "gsmq(7) has a subsection for every endpoint kind of the adapter registry" {
  local text scheme headings missing=""
  text=$(render "$GSMQ_MAN_DIR/gsmq.7")
  # the subsection headings of ENDPOINTS (three spaces in, in the rendered page)
  headings=$(sed -n '/^ENDPOINTS/,/^EXIT STATUS/p' <<<"$text" | grep -E '^ {3}[^ ]')
  [[ $(registered_schemes | wc -l) -ge 13 ]] || fail "no schemes in --endpoints --json"
  for scheme in $(registered_schemes); do
    case $scheme in
      -) grep -qE '^ {3}- ' <<<"$headings" || missing+=" -" ;;
      file) grep -qE '^ {3}file:' <<<"$headings" || missing+=" file:" ;;
      *) grep -qE "(^ {3}|, )${scheme//+/\\+}://" <<<"$headings" || missing+=" $scheme://" ;;
    esac
  done
  [[ -z "$missing" ]] || fail "no subsection of gsmq(7) ENDPOINTS for:$missing"
  for heading in "Listening or connecting" "Confirmation" "TLS"; do
    grep -qE "^ {3}$heading\$" <<<"$headings" || fail "no subsection \"$heading\" in gsmq(7) ENDPOINTS"
  done
}

@test "gsmq(7) documents the shared TLS options once" {
  local text tls option options
  text=$(render "$GSMQ_MAN_DIR/gsmq.7")
  tls=$(sed -n '/^   TLS$/,/^   [^ ]/p' <<<"$text")
  options=$(endpoints_json | jq -r '[.[].parameters[] | select(.section == "TLS") | .name] | unique | .[]')
  [[ $(wc -w <<<"$options") -ge 5 ]] || fail "no TLS parameters in --endpoints --json"
  for option in $options; do
    grep -qE "^ {7}([a-z]+=[A-Z]+, )?$option(=|\$)" <<<"$tls" || fail "?$option is not an option heading in gsmq(7) TLS"
  done
}

@test "gsmq(7) documents every option of the gsmq:// endpoint" {
  local text section key
  text=$(render "$GSMQ_MAN_DIR/gsmq.7")
  section=$(sed -n '/^   gsmq:\/\//,/^   [a-z]*:\/\/, /p' <<<"$text")
  for key in $(endpoints_json | jq -r '.[] | select(.scheme == "gsmq") | .parameters[] | select(.section == null) | .name'); do
    grep -qE "^ {7}$key(=|\[|\$)" <<<"$section" || fail "?$key is not documented in gsmq(7) gsmq://"
  done
  assert_equal "$(endpoints_json | jq '.[] | select(.scheme == "gsmq") | .default_port')" 7878
  grep -q "port defaults to 7878" <<<"$section" || fail "the default port is not in gsmq(7) gsmq://"
}

@test "gsmq(7) documents every parameter of every scheme that --endpoints lists" {
  local text prefix name section re missing="" count=0
  text=$(render "$GSMQ_MAN_DIR/gsmq.7")
  while IFS=$'\t' read -r prefix name section; do
    # A shared parameter is documented once, in its own subsection (TLS, ...).
    if [[ -n $section ]]; then
      re="^   $section\$"
    elif [[ $prefix == - ]]; then
      re='^   - '
    else
      re="^   ([^ ].*, )?${prefix//+/\\+}"
    fi
    subsection "$text" "$re" | grep -qE "^ {7}([a-z_]+=[A-Z]+, )?$name(=|\[|\$)" || missing+=" $prefix?$name"
    count=$((count + 1))
  done < <(endpoints_json | jq -r '.[] | .prefix as $p | .parameters[] | [$p, .name, (.section // "")] | @tsv')
  ((count >= 100)) || fail "only $count parameters in --endpoints --json"
  [[ -z "$missing" ]] || fail "not an option heading in its gsmq(7) subsection:$missing"
}

@test "an unknown parameter is exit 2 naming it, the scheme and the valid ones" {
  local name
  run --separate-stderr gsmq-recv 'gsmq://127.0.0.1:7878/x?bogus=1'
  assert_failure 2
  [[ "$stderr" == "gsmq-recv: gsmq://127.0.0.1:7878/x?bogus=1: unknown parameter ?bogus for gsmq:// (valid for a source: "* ]] ||
    fail "$stderr"
  for name in $(endpoints_json | jq -r '.[] | select(.scheme == "gsmq") | .parameters[] | select(.roles | index("source")) | .name'); do
    [[ "$stderr" == *" $name"[,\)]* ]] || fail "?$name is not named as valid: $stderr"
  done
}

@test "every scheme refuses ?bogus=1 with exit 2 naming it, before connecting to anything" {
  local prefix url
  for prefix in $(endpoints_json | jq -r '.[].prefix'); do
    case $prefix in
      -) continue ;;  # takes no query, and no parameters (below)
      file:) url="file:$BATS_TEST_TMPDIR/missing.jsonl?bogus=1" ;;  # opening it would be exit 4
      *) url="${prefix}127.0.0.1:1/x?bogus=1" ;;  # nothing there: connecting would be exit 4
    esac
    run --separate-stderr timeout 20 gsmq-recv "$url"
    [[ $status -eq 2 ]] || fail "$url: exit $status: $stderr"
    [[ "$stderr" == *"unknown parameter ?bogus for $prefix (valid"* ]] || fail "$url: $stderr"
  done
  assert_equal "$(endpoints_json | jq '.[] | select(.scheme == "-") | .parameters | length')" 0
}

@test "the exit statuses of gsmq(7) are those of lib/tool/exit_status.h" {
  run render "$GSMQ_MAN_DIR/gsmq.7"
  local table=$output code
  while read -r code; do
    grep -qE "^ *│$code +│" <<<"$table" || fail "exit status $code is not in the gsmq(7) table"
  done < <(sed -n 's/^ *kExit[A-Za-z]* = \([0-9]*\),.*/\1/p' "$GSMQ_SOURCE_DIR/lib/tool/exit_status.h")
  [[ $(grep -cE '^ *k[A-Z][A-Za-z]* = [0-9]+,' "$GSMQ_SOURCE_DIR/lib/tool/exit_status.h") -ge 8 ]]
}

@test "every long flag in each tool's --help is documented as an option in its man page" {
  local tool flag flags text missing=""
  for tool in $TOOLS; do
    text=$(MANWIDTH=500 man -l "$(page_of "$tool")" 2>/dev/null)
    flags=$(help_flags "$tool")
    [[ -n "$flags" ]] || fail "no flags found in $tool --help"
    for flag in $flags; do
      # An option heading: "       --flag ARG", "       -f, --flag ARG", "       -h, --help, -V, --version".
      grep -qE -- "^ {7}(-[^ ]* )*$flag([ ,=]|\$)" <<<"$text" || missing+=" $tool:$flag"
    done
  done
  [[ -z "$missing" ]] || fail "not documented:$missing"
}

@test "gsmqd(8) documents its subcommands channels and ping" {
  local text sub
  text=$(render "$GSMQ_MAN_DIR/gsmqd.8")
  for sub in $("$GSMQ_BIN_DIR/gsmqd" --help | awk '/^Subcommands:/ { on = 1; next } /^[A-Z][A-Za-z]*:/ { on = 0 } on' |
    awk 'NF { print $1 }'); do
    grep -qE "^ {7}$sub( |\$)" <<<"$text" || fail "gsmqd $sub is not a heading in gsmqd(8) SUBCOMMANDS"
  done
  grep -qE "^ {7}channels" <<<"$text"
  grep -qE "^ {7}ping" <<<"$text"
}

@test "every tool's page has examples, the exit-status table and a pointer to gsmq(7)" {
  local tool
  for tool in $TOOLS; do
    run render "$(page_of "$tool")"
    assert_output --partial "EXAMPLES"
    assert_output --partial "EXIT STATUS"
    assert_output --partial "gsmq(7)"
  done
}

@test "the examples use the real endpoint kinds, not only gsmq:// and files" {
  local tool examples
  for tool in gsmq-send gsmq-recv gsmq-bridge gsmq-gen; do
    examples=$(render "$(page_of "$tool")" | sed -n '/^EXAMPLES/,/^SEE ALSO/p')
    for scheme in gsmq:// mqtt:// http:// coap:// zmq+tcp://; do
      grep -qF "$scheme" <<<"$examples" || fail "$tool(1) has no example with $scheme"
    done
  done
}

@test "gsmq-bridge(1) shows MQTT to a file and an HTTP function in one line, and MQTT to gsmqd to HTTP" {
  local examples
  # with the lines continued by "\" joined into one
  examples=$(render "$GSMQ_MAN_DIR/gsmq-bridge.1" | sed -n '/^EXAMPLES/,/^SEE ALSO/p' |
    sed -e ':a' -e '/\\$/{N;s/\\\n *//;ba' -e '}')
  grep -qE "gsmq-bridge .*mqtt://[^ ]*/sensors/#'? file:[^ ]+ http://[^ ]+" <<<"$examples" ||
    fail "no one-line MQTT -> file + HTTP bridge in gsmq-bridge(1)"
  grep -qE "gsmq-bridge .*mqtt://[^ ]* .*gsmq://" <<<"$examples" || fail "no MQTT -> gsmqd bridge"
  grep -qE "gsmq-bridge .*gsmq://[^ ]* .*http://" <<<"$examples" || fail "no gsmqd -> HTTP bridge"
}

@test "gsmq(7), gsmqd(8) and gsmq-gen(1) point to each other" {
  run render "$GSMQ_MAN_DIR/gsmq.7"
  assert_output --partial "gsmqd(8)"
  assert_output --partial "gsmq-gen(1)"
  run render "$GSMQ_MAN_DIR/gsmqd.8"
  assert_output --partial "gsmq-gen(1)"
  run render "$GSMQ_MAN_DIR/gsmq-gen.1"
  assert_output --partial "gsmqd(8)"
}
