# bash completion for gsmq-send, gsmq-recv and gsmq-bridge: their flags, flag values
# where there is a short list, and endpoint URLs (-, file:PATH with file names,
# gsmq://). One file, installed under each tool's name.

# The flags of tool $1.
_gsmq_flags() {
  local common="-h --help -V --version -r --raw --max-body -q --quiet"
  local source="-c --count -w --wait -f --follow --peek"
  case $1 in
    gsmq-send)
      echo "$common -m --message -t --channel -p --priority --ttl --delay --max-receives --dead-letter --print" \
        "--events --store --request --timeout --max-in-flight" ;;
    gsmq-recv)
      echo "$common $source --format --exec --events --store --respond --from --group --visibility" ;;
    gsmq-bridge)
      echo "$common $source --map --filter --max-in-flight" ;;
  esac
}

# True when flag $1 takes the next word as its value.
_gsmq_takes_value() {
  case $1 in
    -m | --message | -t | --channel | -p | --priority | --ttl | --delay | --max-receives | --dead-letter | --timeout | \
      --max-body | --max-in-flight | -c | --count | -w | --wait | --format | --exec | --from | --group | \
      --visibility | --map | --filter) return 0 ;;
  esac
  return 1
}

_gsmq() {
  local tool=${COMP_WORDS[0]##*/} cur prev
  # The words up to the cursor, split at blanks only: "file:x" stays one word even
  # though ':' is in COMP_WORDBREAKS.
  local -a words
  if [[ -n ${COMP_LINE-} ]]; then
    read -r -a words <<<"${COMP_LINE:0:COMP_POINT}"
    [[ ${COMP_LINE:0:COMP_POINT} == *[[:space:]] ]] && words+=("")
  else
    words=("${COMP_WORDS[@]:0:COMP_CWORD+1}")
  fi
  cur=${words[${#words[@]}-1]}
  prev=""
  ((${#words[@]} > 1)) && prev=${words[${#words[@]}-2]}
  COMPREPLY=()

  if _gsmq_takes_value "$prev"; then
    case $prev in
      -p | --priority) COMPREPLY=($(compgen -W "0 1 2 3 4 5 6 7 8 9" -- "$cur")) ;;
      --from) COMPREPLY=($(compgen -W "new first last seq: time: since:" -- "$cur")) ;;
      -w | --wait | --ttl | --delay | --timeout | --visibility)
        COMPREPLY=($(compgen -W "250ms 500ms 1s 5s 30s 1m 10m 1h" -- "$cur")) ;;
      --max-body) COMPREPLY=($(compgen -W "1MiB 16MiB 64MiB 256MiB" -- "$cur")) ;;
      --exec) COMPREPLY=($(compgen -c -- "$cur")) ;;
    esac
  elif [[ $cur == -?* ]]; then
    COMPREPLY=($(compgen -W "$(_gsmq_flags "$tool")" -- "$cur"))
  elif [[ $cur == file:* ]]; then
    local path=${cur#file:} f
    while IFS= read -r f; do
      [[ -d $f ]] && f+=/
      COMPREPLY+=("file:$f")
    done < <(compgen -f -- "$path")
    compopt -o nospace 2>/dev/null
  else
    COMPREPLY=($(compgen -W "- file: gsmq://" -- "$cur"))
    [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} != - ]] && compopt -o nospace 2>/dev/null
  fi

  # bash inserts completions after the last word break: drop what is before it.
  if [[ $COMP_WORDBREAKS == *:* && $cur == *:* ]]; then
    local i prefix=${cur%"${cur##*:}"}
    for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$prefix"}; done
  fi
  return 0
}

complete -F _gsmq gsmq-send gsmq-recv gsmq-bridge
