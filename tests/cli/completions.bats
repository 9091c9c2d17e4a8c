#!/usr/bin/env bats
# bash, zsh and fish completions (completions/) offer each tool's flags: bash is run,
# zsh and fish are checked against every long flag of the tool's --help.

load helpers

COMPLETIONS="$GSMQ_SOURCE_DIR/completions"

help_flags() {
  "$1" --help | awk '/^Options:/ { on = 1; next } /^[A-Z][A-Za-z]*:/ { on = 0 } on' |
    grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u
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

@test "bash: gsmq-recv --fo offers --follow" {
  run bash_complete gsmq-recv --fo
  assert_success
  assert_line -- --follow
  refute_line -- --raw
}

@test "bash: every long flag of each tool's --help is offered after --" {
  local tool flag
  for tool in gsmq-send gsmq-recv gsmq-bridge; do
    run bash_complete "$tool" --
    assert_success
    for flag in $(help_flags "$tool"); do
      assert_line -- "$flag"
    done
  done
}

@test "bash: endpoint URLs are offered, and file: completes file names" {
  touch in.jsonl
  mkdir sub
  run bash_complete gsmq-recv ""
  assert_line -- -
  assert_line file:
  assert_line gsmq://
  run bash_complete gsmq-bridge --follow "file:i"
  assert_output "in.jsonl"  # the part after the ':' word break
  run bash_complete gsmq-send -p ""
  assert_line 9
}

@test "zsh: each _gsmq-TOOL file declares the tool and every long flag of its --help" {
  local tool flag
  for tool in gsmq-send gsmq-recv gsmq-bridge; do
    local file="$COMPLETIONS/_$tool"
    assert_equal "$(head -1 "$file")" "#compdef $tool"
    for flag in $(help_flags "$tool"); do
      grep -qE -- "(^|[^a-z0-9-])$flag([^a-z0-9-]|\$)" "$file" || fail "$flag is not in _$tool"
    done
  done
}

@test "fish: each TOOL.fish completes every long flag of its --help" {
  local tool flag
  for tool in gsmq-send gsmq-recv gsmq-bridge; do
    local file="$COMPLETIONS/$tool.fish"
    for flag in $(help_flags "$tool"); do
      grep -qE -- "^complete -c $tool .*-l ${flag#--}( |\$)" "$file" || fail "$flag is not in $tool.fish"
    done
  done
}

@test "the completions suggest the endpoint forms: -, file: and gsmq://" {
  for file in gsmq.bash _gsmq-send _gsmq-recv _gsmq-bridge gsmq-send.fish gsmq-recv.fish gsmq-bridge.fish; do
    grep -q 'file:' "$COMPLETIONS/$file" || fail "$file has no file: hint"
    grep -q 'gsmq://' "$COMPLETIONS/$file" || fail "$file has no gsmq:// hint"
  done
}
