#!/usr/bin/env bats
# bash, zsh and fish completions (completions/) offer each tool's flags: bash is run,
# zsh and fish are checked against every long flag of the tool's --help. Every scheme
# of the adapter registry is offered as an endpoint URL.

load helpers

COMPLETIONS="$GSMQ_SOURCE_DIR/completions"
TOOLS="gsmq-send gsmq-recv gsmq-bridge gsmq-gen gsmqd"
URL_TOOLS="gsmq-send gsmq-recv gsmq-bridge gsmq-gen"  # those that take endpoint URLs of every kind

help_flags() {
  "$1" --help | awk '/^Options:/ { on = 1; next } /^[A-Z][A-Za-z]*:/ { on = 0 } on' |
    grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u
}

# The URL forms of the adapter registry as the completions offer them (the "prefix" of
# each scheme in --endpoints --json): "-", "file:", "gsmq://", "mqtt://", ...
registered_url_forms() {
  "$GSMQ_BIN_DIR/gsmq-bridge" --endpoints --json | jq -r '.[].prefix'
}

# Runs the bash completion for the words "$@" (the last one is being completed) and
# prints the candidates, one per line.
bash_complete() {
  bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    complete -p "$1" >/dev/null || exit 9
    _gsmq
    printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETIONS/gsmq.bash" "$@"
}

@test "every tool has a bash, zsh and fish completion, and all are installed" {
  local tool
  for tool in $TOOLS; do
    run bash -c 'source "$1"; complete -p "$2"' _ "$COMPLETIONS/gsmq.bash" "$tool"
    assert_success
    [[ -s "$COMPLETIONS/_$tool" ]] || fail "no zsh completion _$tool"
    [[ -s "$COMPLETIONS/$tool.fish" ]] || fail "no fish completion $tool.fish"
    grep -qE "^set\(GSMQ_COMPLETED_TOOLS .*\b$tool\b" "$COMPLETIONS/CMakeLists.txt" ||
      fail "$tool is not installed by completions/CMakeLists.txt"
  done
  # no built tool without completions
  local t
  for t in "$GSMQ_BIN_DIR"/gsmq*; do
    [[ -x "$t" && -f "$t" ]] || continue
    [[ " $TOOLS " == *" $(basename "$t") "* ]] || fail "$(basename "$t") is not in TOOLS of completions.bats"
  done
}

@test "bash: gsmq-recv --fo offers --follow" {
  run bash_complete gsmq-recv --fo
  assert_success
  assert_line -- --follow
  refute_line -- --raw
}

@test "bash: gsmq-gen --pro offers --profile and --producers, and the profiles" {
  run bash_complete gsmq-gen --pro
  assert_success
  assert_line -- --profile
  assert_line -- --producers
  refute_line -- --rate
  run bash_complete gsmq-gen --profile ""
  for profile in temperature humidity motion door gps; do
    assert_line "$profile"
  done
  # -r is --rate here, which takes a value: nothing (no URL) is offered after it
  run bash_complete gsmq-gen -r ""
  assert_success
  assert_output ""
}

@test "bash: gsmqd offers its subcommands, its flags and their values" {
  run bash_complete gsmqd ""
  assert_success
  assert_line channels
  assert_line ping
  run bash_complete gsmqd --fs
  assert_output -- --fsync
  run bash_complete gsmqd --fsync ""
  assert_line always
  assert_line batch
  assert_line never
  run bash_complete gsmqd --log-level ""
  assert_line debug
  run bash_complete gsmqd channels ""
  assert_output gsmq://
  run bash_complete gsmqd ping --
  assert_line -- --help
  refute_line -- --fsync
}

@test "bash: every long flag of each tool's --help is offered after --" {
  local tool flag
  for tool in $TOOLS; do
    run bash_complete "$tool" --
    assert_success
    for flag in $(help_flags "$tool"); do
      assert_line -- "$flag"
    done
  done
}

@test "bash: endpoint URLs of every registered kind are offered, and file: completes file names" {
  touch in.jsonl
  mkdir sub
  local tool form
  for tool in $URL_TOOLS; do
    run bash_complete "$tool" ""
    for form in $(registered_url_forms); do
      assert_line -- "$form"
    done
  done
  run bash_complete gsmq-gen --subscribe mq
  assert_line mqtt://
  assert_line mqtts://
  run bash_complete gsmq-recv "zmq+"
  assert_line zmq+tcp://
  assert_line zmq+ipc://
  run bash_complete gsmq-bridge --follow "file:i"
  assert_output "in.jsonl"  # the part after the ':' word break
  run bash_complete gsmq-send -p ""
  assert_line 9
}

@test "zsh: each _TOOL file declares the tool and every long flag of its --help" {
  local tool flag
  for tool in $TOOLS; do
    local file="$COMPLETIONS/_$tool"
    assert_equal "$(head -1 "$file")" "#compdef $tool"
    for flag in $(help_flags "$tool"); do
      grep -qE -- "(^|[^a-z0-9-])$flag([^a-z0-9-]|\$)" "$file" || fail "$flag is not in _$tool"
    done
  done
  grep -q "channels" "$COMPLETIONS/_gsmqd"
  grep -q "ping" "$COMPLETIONS/_gsmqd"
}

@test "fish: each TOOL.fish completes every long flag of its --help" {
  local tool flag
  for tool in $TOOLS; do
    local file="$COMPLETIONS/$tool.fish"
    for flag in $(help_flags "$tool"); do
      grep -qE -- "^complete -c $tool .*-l ${flag#--}( |\$)" "$file" || fail "$flag is not in $tool.fish"
    done
  done
  grep -qE "^complete -c gsmqd .*-a channels" "$COMPLETIONS/gsmqd.fish"
  grep -qE "^complete -c gsmqd .*-a ping" "$COMPLETIONS/gsmqd.fish"
}

@test "every completion file suggests the URL form of every registered endpoint kind" {
  local tool file form
  for tool in $URL_TOOLS; do
    for file in gsmq.bash "_$tool" "$tool.fish"; do
      for form in $(registered_url_forms); do
        [[ $form == - ]] && continue
        grep -qF -- "$form" "$COMPLETIONS/$file" || fail "$file has no $form hint"
      done
    done
  done
  for file in _gsmqd gsmqd.fish; do
    grep -qF 'gsmq://' "$COMPLETIONS/$file" || fail "$file has no gsmq:// hint for channels/ping"
  done
}

@test "the scripts parse: bash -n, and zsh -n / fish -n where installed" {
  run bash -n "$COMPLETIONS/gsmq.bash"
  assert_success
  local tool
  if command -v zsh >/dev/null; then
    for tool in $TOOLS; do
      run zsh -n "$COMPLETIONS/_$tool"
      assert_success
    done
  fi
  if command -v fish >/dev/null; then
    for tool in $TOOLS; do
      run fish -n "$COMPLETIONS/$tool.fish"
      assert_success
    done
  fi
}
