# bash completion for gsmq-send, gsmq-recv, gsmq-bridge, gsmq-gen and gsmqd: their
# flags, flag values where there is a short list, gsmqd's subcommands, and endpoint
# URLs (-, file:PATH with file names, and the scheme of every endpoint kind of gsmq(7)).
# One file, installed under each tool's name.

# The scheme of every registered endpoint kind (gsmq-bridge --endpoints).
_gsmq_url_schemes="- file: gsmq:// gsmqs:// mqtt:// mqtts:// ws:// wss:// http:// https:// coap:// coaps:// zmq+tcp:// zmq+ipc:// amqp:// amqps:// stomp:// stomps:// stomp+ws:// stomp+wss:// nats:// nats+tls:// redis:// tcp:// udp:// lines+ws:// lines+wss://"

# The flags of tool $1.
_gsmq_flags() {
  local common="-h --help -V --version -r --raw --max-body -q --quiet --endpoints --json"
  local source="-c --count -w --wait -f --follow --peek"
  case $1 in
    gsmq-send)
      echo "$common -m --message -t --channel -p --priority --ttl --delay --deadline --max-receives --dead-letter --print" \
        "--events --store --request --timeout --max-in-flight" ;;
    gsmq-recv)
      echo "$common $source --format --exec --events --store --respond --from --group --visibility --prefetch" ;;
    gsmq-bridge)
      echo "$common $source --map --filter --rules --max-in-flight" ;;
    gsmq-gen)
      echo "-h --help -V --version --subscribe -r --rate --poisson -n --count -d --duration --warmup" \
        "-P --producers -C --consumers --fanout --ramp-up --max-in-flight -s --size --template --profile" \
        "--channel --priority-mix --deadline --late-after --stamp-in-body --drain --seed --json --csv --histogram -q --quiet --endpoints" ;;
    gsmqd)
      echo "-h --help -V --version --config -l --listen -d --data-dir --fsync --commit-window --visibility" \
        "--max-depth --segment-size --store-retention-bytes --store-retention-age --port-file --log-level" \
        "--name --role --upstream --peer --forward --max-hops --link-backlog --link-overflow --dedup-window" \
        "--rules --http --http-port-file --min-free-space --channel-policy" \
        "--tls-cert --tls-key --tls-ca --tls-client-auth --tokens --acl --allow-anonymous" \
        "--max-connections --rate-limit" ;;
  esac
}

# True when flag $2 of tool $1 takes the next word as its value.
_gsmq_takes_value() {
  case $1 in
    gsmq-gen)
      case $2 in
        --subscribe | -r | --rate | -n | --count | -d | --duration | --warmup | -P | --producers | -C | \
          --consumers | --ramp-up | --max-in-flight | -s | --size | --template | --profile | --channel | \
          --priority-mix | --deadline | --late-after | --drain | --seed | --csv | --histogram) return 0 ;;
      esac ;;
    gsmqd)
      case $2 in
        --config | -l | --listen | -d | --data-dir | --fsync | --commit-window | --visibility | --max-depth | \
          --segment-size | --store-retention-bytes | --store-retention-age | --port-file | --log-level | --name | \
          --role | --upstream | --peer | --forward | --max-hops | --link-backlog | --link-overflow | \
          --dedup-window | --rules | --http | --http-port-file | --min-free-space | --channel-policy | \
          --tls-cert | --tls-key | --tls-ca | --tls-client-auth | --tokens | --acl | \
          --max-connections | --rate-limit) return 0 ;;
      esac ;;
    *)
      case $2 in
        -m | --message | -t | --channel | -p | --priority | --ttl | --delay | --deadline | --max-receives | --dead-letter | \
          --timeout | --max-body | --max-in-flight | -c | --count | -w | --wait | --format | --exec | --from | \
          --group | --visibility | --prefetch | --map | --filter | --rules) return 0 ;;
      esac ;;
  esac
  return 1
}

# Completes an endpoint URL: file names after file:, else the URL forms ($2: the forms
# to offer, default every scheme).
_gsmq_complete_url() {
  local cur=$1 forms=${2:-$_gsmq_url_schemes} f
  if [[ $cur == file:* ]]; then
    local path=${cur#file:}
    while IFS= read -r f; do
      [[ -d $f ]] && f+=/
      COMPREPLY+=("file:$f")
    done < <(compgen -f -- "$path")
    compopt -o nospace 2>/dev/null
  else
    COMPREPLY=($(compgen -W "$forms" -- "$cur"))
    [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} != - ]] && compopt -o nospace 2>/dev/null
  fi
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

  # gsmqd: the subcommand given so far, if any.
  local subcommand="" i
  if [[ $tool == gsmqd ]]; then
    for ((i = 1; i < ${#words[@]} - 1; i++)); do
      case ${words[i]} in
        channels | ping | links | rules | acl | token)
          _gsmq_takes_value gsmqd "${words[i-1]}" || { subcommand=${words[i]}; break; } ;;
      esac
    done
  fi

  if [[ $subcommand == rules ]]; then
    # gsmqd rules check|test FILE, gsmqd rules show|reload [URL]
    case $prev in
      rules) COMPREPLY=($(compgen -W "check test show reload" -- "$cur")) ;;
      check | test) COMPREPLY=($(compgen -f -- "$cur")) ;;
      show | reload) _gsmq_complete_url "$cur" "gsmq:// gsmqs://" ;;
    esac
  elif [[ $subcommand == acl ]]; then
    # gsmqd acl check FILE, gsmqd acl reload [URL]
    case $prev in
      acl) COMPREPLY=($(compgen -W "check reload" -- "$cur")) ;;
      check) COMPREPLY=($(compgen -f -- "$cur")) ;;
      reload) _gsmq_complete_url "$cur" "gsmq:// gsmqs://" ;;
    esac
  elif [[ $subcommand == token ]]; then
    [[ $prev == token ]] && COMPREPLY=($(compgen -W "hash" -- "$cur"))
  elif [[ -n $subcommand ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "-h --help" -- "$cur"))
    else
      _gsmq_complete_url "$cur" "gsmq://"
    fi
  elif _gsmq_takes_value "$tool" "$prev"; then
    case $tool:$prev in
      gsmq-gen:--subscribe) _gsmq_complete_url "$cur" ;;
      gsmq-gen:--profile) COMPREPLY=($(compgen -W "temperature humidity motion door gps" -- "$cur")) ;;
      gsmq-gen:-d | gsmq-gen:--duration | gsmq-gen:--warmup | gsmq-gen:--ramp-up | gsmq-gen:--drain)
        COMPREPLY=($(compgen -W "250ms 1s 5s 10s 30s 1m 10m" -- "$cur")) ;;
      gsmq-gen:-s | gsmq-gen:--size) COMPREPLY=($(compgen -W "16 128 1KiB 4KiB 64KiB 1MiB" -- "$cur")) ;;
      gsmq-gen:--priority-mix) COMPREPLY=($(compgen -W "9:1,0:9" -- "$cur")) ;;
      gsmq-gen:--deadline | gsmq-gen:--late-after) COMPREPLY=($(compgen -W "1ms 10ms 100ms 1s" -- "$cur")) ;;
      gsmq-gen:--csv | gsmq-gen:--histogram | gsmqd:--config | gsmqd:--port-file | gsmqd:--rules | gsmqd:--http-port-file | \
        gsmqd:--tls-cert | gsmqd:--tls-key | gsmqd:--tls-ca | gsmqd:--tokens | gsmqd:--acl)
        COMPREPLY=($(compgen -f -- "$cur")) ;;
      gsmqd:-d | gsmqd:--data-dir) COMPREPLY=($(compgen -d -- "$cur")) ;;
      gsmqd:--fsync) COMPREPLY=($(compgen -W "always batch never" -- "$cur")) ;;
      gsmqd:--log-level) COMPREPLY=($(compgen -W "debug info warn error" -- "$cur")) ;;
      gsmqd:--role) COMPREPLY=($(compgen -W "node cluster core" -- "$cur")) ;;
      gsmqd:--link-overflow) COMPREPLY=($(compgen -W "refuse drop-oldest" -- "$cur")) ;;
      gsmqd:--tls-client-auth) COMPREPLY=($(compgen -W "none request require" -- "$cur")) ;;
      gsmqd:--upstream | gsmqd:--peer) _gsmq_complete_url "$cur" "gsmq:// gsmqs://" ;;
      gsmqd:--forward) COMPREPLY=($(compgen -W "up down peer up:store down:store peer:store" -- "$cur")) ;;
      gsmqd:-l | gsmqd:--listen) COMPREPLY=($(compgen -W "127.0.0.1:7878 0.0.0.0:7878 127.0.0.1:0" -- "$cur")) ;;
      gsmqd:--commit-window) COMPREPLY=($(compgen -W "0 1ms 2ms 5ms 10ms" -- "$cur")) ;;
      gsmqd:--visibility) COMPREPLY=($(compgen -W "10s 30s 1m 5m 1h" -- "$cur")) ;;
      gsmqd:--store-retention-age) COMPREPLY=($(compgen -W "0 1h 24h 168h 720h" -- "$cur")) ;;
      gsmqd:--segment-size | gsmqd:--store-retention-bytes)
        COMPREPLY=($(compgen -W "0 16MiB 64MiB 256MiB 1GiB" -- "$cur")) ;;
      gsmq-gen:* | gsmqd:*) ;;
      *:-p | *:--priority) COMPREPLY=($(compgen -W "0 1 2 3 4 5 6 7 8 9" -- "$cur")) ;;
      *:--from) COMPREPLY=($(compgen -W "new first last seq: time: since:" -- "$cur")) ;;
      *:-w | *:--wait | *:--ttl | *:--delay | *:--deadline | *:--timeout | *:--visibility)
        COMPREPLY=($(compgen -W "250ms 500ms 1s 5s 30s 1m 10m 1h" -- "$cur")) ;;
      *:--max-body) COMPREPLY=($(compgen -W "1MiB 16MiB 64MiB 256MiB" -- "$cur")) ;;
      *:--exec) COMPREPLY=($(compgen -c -- "$cur")) ;;
      *:--rules) COMPREPLY=($(compgen -f -- "$cur")) ;;
    esac
  elif [[ $cur == -* && ( $cur != - || $tool == gsmqd ) ]]; then
    COMPREPLY=($(compgen -W "$(_gsmq_flags "$tool")" -- "$cur"))
  elif [[ $tool == gsmqd ]]; then
    COMPREPLY=($(compgen -W "channels ping links rules acl token" -- "$cur"))
  else
    _gsmq_complete_url "$cur"
  fi

  # bash inserts completions after the last word break: drop what is before it.
  if [[ $COMP_WORDBREAKS == *:* && $cur == *:* ]]; then
    local prefix=${cur%"${cur##*:}"}
    for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=${COMPREPLY[i]#"$prefix"}; done
  fi
  return 0
}

complete -F _gsmq gsmq-send gsmq-recv gsmq-bridge gsmq-gen gsmqd
