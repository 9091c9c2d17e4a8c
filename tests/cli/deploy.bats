#!/usr/bin/env bats
# The deploy/ files, checked offline (no cluster and no container engine run here): the
# Kubernetes manifests against the API schema plus the cross-references a schema cannot
# see (deploy/check/k8s.mjs), every gsmqd the manifests run started here with exactly
# their arguments and config file; the container image definition linted, its runtime
# packages checked against the libraries the built tools load.

bats_require_minimum_version 1.5.0
load daemon_helpers

setup_file() {
  CHECK_DIR="$GSMQ_SOURCE_DIR/deploy/check"
  export CHECK_DIR
  command -v node >/dev/null || skip "node is not installed (scripts/install-deps.sh installs it)"
  # The schema package comes from the npm registry, pinned by package-lock.json.
  if [[ ! -d "$CHECK_DIR/node_modules/kubernetes-models" ]]; then
    npm ci --prefix "$CHECK_DIR" --no-audit --no-fund >"$BATS_FILE_TMPDIR/npm.log" 2>&1 ||
      { cat "$BATS_FILE_TMPDIR/npm.log" >&3; return 1; }
  fi
}

setup() { gsmq_setup; }
teardown() { gsmq_teardown; }

@test "the manifests pass the schema and cross-reference checks" {
  run node "$CHECK_DIR/k8s.mjs"
  assert_success
  # One gsmqd per tier.
  [[ "$(jq -r .tier <<<"$output" | sort | tr '\n' ' ')" == "cluster core node " ]]
}

@test "a broken manifest is refused, naming the file, the object and the field" {
  local bad="$BATS_TEST_TMPDIR/k8s"
  mkdir "$bad"
  cp "$GSMQ_SOURCE_DIR"/deploy/k8s/*.yaml "$bad"/
  sed -i 's/containerPort: 7878, protocol/containerPort: "7878", protocol/' "$bad/core.yaml"
  sed -i '0,/component: node}/s//component: nodes}/' "$bad/node.yaml"
  sed -i 's/name: gsmq-cluster}/name: gsmq-clustr}/' "$bad/cluster.yaml"
  echo 'kind: ConfigMap' >"$bad/stray.yaml"
  run -1 node "$CHECK_DIR/k8s.mjs" "$bad"
  assert_output --partial "core.yaml StatefulSet/gsmq-core: data/spec/template/spec/containers/0/ports/0/containerPort must be integer"
  assert_output --partial "node.yaml DaemonSet/gsmq-node: spec.selector.matchLabels does not match"
  assert_output --partial "cluster.yaml StatefulSet/gsmq-cluster: volume config: ConfigMap gsmq-clustr is not defined here"
  assert_output --partial "stray.yaml: not listed in kustomization.yaml"
}

@test "every gsmqd of the manifests starts with their arguments and config, as its tier" {
  run node "$CHECK_DIR/k8s.mjs"
  assert_success
  local invocations=$output line tier name role config port_file pid
  local -a args
  while IFS= read -r line; do
    tier=$(jq -r .tier <<<"$line")
    config="$BATS_TEST_TMPDIR/$tier.toml"
    jq -r .config <<<"$line" >"$config"
    # As Kubernetes would: $(VAR) expanded from the container's env (the downward API's
    # node name is node-a here), the config file where the ConfigMap is mounted.
    mapfile -t args < <(jq -r '.args[]' <<<"$line" | sed -e 's/\$(NODE_NAME)/node-a/g' -e "s#^/etc/gsmq/gsmqd.toml\$#$config#")
    port_file="$BATS_TEST_TMPDIR/$tier.port"
    # Flags on the command line win over the config file: a free loopback port and a
    # data directory of the test's own, the rest exactly as the manifest says.
    gsmqd "${args[@]}" --listen 127.0.0.1:0 --port-file "$port_file" --data-dir "$BATS_TEST_TMPDIR/$tier.data" \
      >"$BATS_TEST_TMPDIR/$tier.log" 2>&1 </dev/null 3>&- &
    pid=$!
    track_pid "$pid"
    poll_until test -s "$port_file" || { cat "$BATS_TEST_TMPDIR/$tier.log" >&2; fail "$tier: gsmqd did not start"; }
    run gsmqd ping "gsmq://127.0.0.1:$(cat "$port_file")"
    assert_success
    name=$(jq -r .name <<<"$output")
    role=$(jq -r .role <<<"$output")
    case $tier in
      core) [[ "$name/$role" == core/core ]] ;;
      cluster) [[ "$name/$role" == site1/cluster ]] ;;
      node) [[ "$name/$role" == node-a/node ]] ;;
    esac || fail "$tier: gsmqd says it is $name/$role"
    # Its links are the manifest's: the cluster dials the core, the node its site.
    run gsmqd links "gsmq://127.0.0.1:$(cat "$port_file")"
    assert_success
    case $tier in
      cluster) assert_output --partial '"link":"core"' ;;
      node) assert_output --partial '"link":"site1"' ;;
    esac
    kill -TERM "$pid"
    wait_for_exit "$pid"
    [[ "$status" -eq 0 ]] || fail "$tier: gsmqd exited $status on TERM"
  done <<<"$invocations"
}

@test "the container image definition passes the Dockerfile linter, and a broken one does not" {
  run node "$CHECK_DIR/dockerfile.mjs" "$GSMQ_SOURCE_DIR/deploy/container/Dockerfile"
  assert_success
  sed 's/^EXPOSE 7878$/EXPOSE grpc/' "$GSMQ_SOURCE_DIR/deploy/container/Dockerfile" >"$BATS_TEST_TMPDIR/Dockerfile"
  run -1 node "$CHECK_DIR/dockerfile.mjs" "$BATS_TEST_TMPDIR/Dockerfile"
  assert_output --partial "Dockerfile:$(grep -n '^EXPOSE' "$BATS_TEST_TMPDIR/Dockerfile" | cut -d: -f1): Invalid containerPort: grpc"
}

@test "the image's runtime stage installs every package whose libraries the tools load" {
  local runtime closure missing="" lib pkg
  # The package list of the last stage's apt-get install, and what apt installs with it.
  runtime=$(sed -n '/^FROM debian:12-slim/,$p' "$GSMQ_SOURCE_DIR/deploy/container/Dockerfile" |
    sed -n '/apt-get install/,/rm -rf/p' | tr ' \\' '\n\n' | grep -E '^lib|^ca-' | sort -u)
  [[ -n "$runtime" ]] || fail "no runtime packages found in the Dockerfile"
  closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks --no-replaces \
    --no-enhances $runtime | grep -v '^ ' | sed 's/:amd64$//' | sort -u)
  for lib in $(for t in gsmqd gsmq-send gsmq-recv gsmq-bridge gsmq-gen; do ldd "$GSMQ_BIN_DIR/$t"; done |
    awk '$3 ~ /^\// {print $3}' | sort -u); do
    pkg=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) || true
    [[ -z "$pkg" ]] && pkg=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1)
    [[ -n "$pkg" ]] || fail "$lib belongs to no Debian package"
    # In every Debian image already (essential); or the sanitizers' runtimes of the ASan
    # build the suite also runs, which an image never holds.
    case $pkg in libc6 | libstdc++6 | libgcc-s1 | zlib1g | libasan8 | libubsan1 | liblsan0 | libtsan2) continue ;; esac
    grep -qxF "$pkg" <<<"$closure" || missing+=" $pkg($lib)"
  done
  [[ -z "$missing" ]] || fail "the runtime stage misses:$missing"
}

@test "the image's build stage installs only packages that scripts/install-deps.sh installs too" {
  local build ours missing="" pkg
  build=$(sed -n '/^FROM debian:12 AS build/,/^FROM /p' "$GSMQ_SOURCE_DIR/deploy/container/Dockerfile" |
    sed -n '/apt-get install/,/rm -rf/p' | tr ' \\' '\n\n' | grep -E '^[a-z0-9][a-z0-9.+-]+$' |
    grep -vE '^(apt-get|install|rm|y|no-install-recommends)$' | sort -u)
  [[ -n "$build" ]] || fail "no build packages found in the Dockerfile"
  ours=$(tr -s ' ()"' '\n' <"$GSMQ_SOURCE_DIR/scripts/install-deps.sh")
  for pkg in $build; do
    grep -qxF "$pkg" <<<"$ours" || missing+=" $pkg"
  done
  [[ -z "$missing" ]] || fail "built with packages CI does not install:$missing"
}
