#!/usr/bin/env bats
# gsmqd's dashboard in a real browser: Debian's Chromium driven by playwright-core
# (tests/ui/dashboard.mjs; its package comes from the npm registry, pinned by
# tests/ui/package-lock.json). GSMQ_SCREENSHOTS=DIR keeps the pictures (docs/ has them).

bats_require_minimum_version 1.5.0
load daemon_helpers

setup_file() {
  UI_DIR="$GSMQ_SOURCE_DIR/tests/ui"
  export UI_DIR
  command -v node >/dev/null || skip "node is not installed (scripts/install-deps.sh installs it)"
  [[ -x /usr/bin/chromium ]] || skip "chromium is not installed (scripts/install-deps.sh installs it)"
  if [[ ! -d "$UI_DIR/node_modules/playwright-core" ]]; then
    npm ci --prefix "$UI_DIR" --no-audit --no-fund >"$BATS_FILE_TMPDIR/npm.log" 2>&1 ||
      { cat "$BATS_FILE_TMPDIR/npm.log" >&3; return 1; }
  fi
}

setup() {
  gsmq_setup
  gsmqd_start_with_http
}
teardown() { daemon_teardown; }

@test "in Chromium: live channels table, message bodies, the send form and purge; no console errors" {
  run timeout 120 node "$UI_DIR/dashboard.mjs" "$HTTP" "$GSMQ" "${GSMQ_SCREENSHOTS:-$BATS_TEST_TMPDIR}"
  echo "$output"
  assert_success
  assert_line PASSED
}

@test "in Chromium, a gsmqd with --tokens: the page asks for a token, then shows channels and messages" {
  gsmqd_stop
  printf '%s\n' 'opsSecret-0123456789' | gsmqd token hash ops >tokens
  printf 'allow ops all *\n' >acl.conf
  gsmqd_start_with_http --tokens tokens --acl acl.conf
  GSMQ_TOKEN=ops:opsSecret-0123456789 gsmq-send -m with-token "$GSMQ/jobs/one"
  run timeout 120 node "$UI_DIR/dashboard.mjs" "$HTTP" "$GSMQ" "$BATS_TEST_TMPDIR" ops:opsSecret-0123456789
  echo "$output"
  assert_success
  assert_line PASSED
}
