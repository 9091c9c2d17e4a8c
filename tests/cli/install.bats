#!/usr/bin/env bats
# `cmake --install` of the build tree into a DESTDIR, as a distribution package would with
# the prefix /usr: every file where Debian expects it, and the installed gsmqd runs with
# the installed example config.

load install_helpers

setup_file() { install_into_root; }
setup() { gsmq_setup; }
teardown() { daemon_teardown; }

@test "cmake --install puts every file where Debian expects it, and nothing else" {
  local tool expected="$BATS_TEST_TMPDIR/expected" proto
  {
    for tool in gsmq-send gsmq-recv gsmq-bridge gsmq-gen gsmqd; do
      echo "usr/bin/$tool"
      echo "usr/share/bash-completion/completions/$tool"
      echo "usr/share/zsh/vendor-completions/_$tool"
      echo "usr/share/fish/vendor_completions.d/$tool.fish"
    done
    echo usr/lib/systemd/system/gsmqd.service
    echo usr/share/man/man1/gsmq-send.1.gz usr/share/man/man1/gsmq-recv.1.gz usr/share/man/man1/gsmq-bridge.1.gz \
      usr/share/man/man1/gsmq-gen.1.gz usr/share/man/man7/gsmq.7.gz usr/share/man/man8/gsmqd.8.gz | tr ' ' '\n'
    (cd "$GSMQ_SOURCE_DIR/proto" && find gsmq -name '*.proto') | sed 's#^#usr/share/gsmq/proto/#'
    echo etc/gsmq/gsmqd.toml
  } | sort >"$expected"
  # Every tool's proto files, at least the broker's.
  grep -q '^usr/share/gsmq/proto/gsmq/v1/.*\.proto$' "$expected"
  run bash -c "cd '$ROOT' && find . -type f -o -type l | sed 's#^\./##' | sort | diff '$expected' -"
  assert_success
  # The binaries run, without anything from the build tree.
  for tool in gsmq-send gsmq-recv gsmq-bridge gsmq-gen gsmqd; do
    run "$ROOT/usr/bin/$tool" --version
    assert_success
    assert_output "$tool $(gsmq_version)"
    run bash -c "ldd '$ROOT/usr/bin/$tool' | grep -e 'not found' -e '$BUILD_DIR'"
    assert_failure
  done
  # The man pages are formatted pages (gzipped, as Debian has them), not scdoc sources.
  run man -l "$ROOT/usr/share/man/man8/gsmqd.8.gz"
  assert_success
  assert_output --partial "gsmqd - the gsmq queue daemon"
}

@test "the installed gsmqd starts with the installed example config" {
  PATH="$ROOT/usr/bin:$PATH"
  [[ "$(command -v gsmqd)" == "$ROOT/usr/bin/gsmqd" ]]
  # Flags win over the file: a free port and a data directory of the test's own.
  gsmqd_start --config "$ROOT/etc/gsmq/gsmqd.toml"
  run gsmqd ping "$GSMQ"
  assert_success
  assert_output --partial "\"data_dir\":\"$GSMQD_DATA\""
  # What the file sets is in force (the log line shows fsync and the log level let info through).
  grep -q 'msg=listening .*fsync=batch' "$GSMQD_LOG"
  run gsmq-send -m hello "$GSMQ/installed"
  assert_success
  run gsmq-recv --count 1 --raw "$GSMQ/installed"
  assert_success
  assert_output hello
}

@test "the example config sets only real options and shows every one of gsmqd's" {
  local config="$GSMQ_SOURCE_DIR/deploy/etc/gsmqd.toml" option missing=""
  # Every long option of gsmqd --help (but --help, --version, --config) as a key, set or
  # commented out with its default or an example.
  while read -r option; do
    grep -Eq "^(# )?${option} = " "$config" || missing+=" $option"
  done < <(gsmqd --help | grep -oE -- '--[a-z][a-z-]+' | sed 's/^--//' | sort -u |
    grep -vxE 'help|version|config')
  [[ -z "$missing" ]] || fail "not in deploy/etc/gsmqd.toml:$missing"
  # Every key in it, commented or not, is a gsmqd option: uncommented one at a time, each
  # line is read by gsmqd --config (an unknown key or a bad value would be exit 2).
  local key_lines
  key_lines=$(grep -cE '^(# )?[a-z-]+ = ' "$config")
  ((key_lines >= 32))
  local line n=0
  while IFS= read -r line; do
    printf '%s\n' "${line#\# }" >"$BATS_TEST_TMPDIR/one.toml"
    run gsmqd --config "$BATS_TEST_TMPDIR/one.toml" rules check /dev/null
    [[ "$status" -ne 2 ]] || fail "deploy/etc/gsmqd.toml: '$line': $output"
    n=$((n + 1))
  done < <(grep -E '^(# )?[a-z-]+ = ' "$config")
  ((n == key_lines))
}
