#!/usr/bin/env bats
# The library layers (cmake/GsmqLayers.cmake states the rule, lib/CMakeLists.txt and
# tools/CMakeLists.txt the links): every #include of a gsmq header is of the file's own
# library or of one its target links, and the check that the build runs catches a breach.

load helpers

LAYERS="$(cd "$GSMQ_BIN_DIR/.." && pwd)/layers.cmake"

# Checks the tree $1 against the layers of the build.
check_layers() {
  cmake -DSOURCE_DIR="$1" -DLAYERS="$LAYERS" -P "$GSMQ_SOURCE_DIR/cmake/check_layers.cmake"
}

# The gsmq libraries that library $1 links, one a line (from the build's table).
links_of() {
  sed -n "s/^gsmq_layer_entry($1 .* \"\\(.*\\)\")$/\\1/p" "$LAYERS" | tr ';' '\n'
}

@test "every #include in lib/ and tools/ is of the file's own library or of one it links" {
  run check_layers "$GSMQ_SOURCE_DIR"
  assert_success
  assert_output ''
}

@test "no header of lib/server is included outside the daemon's layers (server, federation, daemon)" {
  cd "$GSMQ_SOURCE_DIR"
  grep -q '#include "server/' lib/daemon/daemon.h  # the grep below finds what there is
  run bash -c "grep -rlE '#include \"server/' lib tools | grep -vE '^(lib/server|lib/federation|lib/daemon|tools/gsmqd)/'"
  assert_output ''
}

@test "gsmq_util links no other gsmq library, and nothing but gsmqd links gsmq_server" {
  grep -q "^gsmq_layer_entry(gsmq_util " "$LAYERS"
  assert_equal "$(links_of gsmq_util)" ''
  for library in gsmq_envelope gsmq_io gsmq_store gsmq_queue gsmq_rpc gsmq_endpoint gsmq_pipeline gsmq_gen \
    gsmq_cli gsmq-send gsmq-recv gsmq-bridge gsmq-gen; do
    if links_of "$library" | grep -qx gsmq_server; then fail "$library links gsmq_server"; fi
  done
  links_of gsmqd | grep -qx gsmq_server
}

@test "a breach of the layers fails the check, naming the file, the include and the missing link" {
  cp -r "$GSMQ_SOURCE_DIR/lib" "$GSMQ_SOURCE_DIR/tools" .
  echo '#include "server/broker.h"' >>lib/pipeline/filter.cpp
  echo '#include "endpoint/url.h"' >>lib/util/log.cpp
  echo '#include "store/crc32c.h"' >>lib/endpoint/mqtt/topic.cpp
  run check_layers "$PWD"
  assert_failure
  assert_line 'lib/pipeline/filter.cpp: #include "server/broker.h": gsmq_pipeline does not link gsmq_server'
  assert_line 'lib/util/log.cpp: #include "endpoint/url.h": gsmq_util does not link gsmq_endpoint'
  assert_line 'lib/endpoint/mqtt/topic.cpp: #include "store/crc32c.h": gsmq_endpoint_mqtt does not link gsmq_store'
  assert_output --partial '3 #include(s) outside the library layers'
}

@test "gsmqd carries the gsmq:// client and no other adapter: no paho, libcoap or ZeroMQ in it" {
  run ldd "$GSMQ_BIN_DIR/gsmqd"
  assert_success
  refute_output --regexp 'paho|coap|zmq'
  # ldd alone could be clean only because the linker dropped an unused library
  # (--as-needed): no symbol of them is in the binary either.
  run bash -c "nm -C '$GSMQ_BIN_DIR/gsmqd' | grep -ciE 'paho|MQTTAsync|coap_|zmq_'"
  assert_output 0
  # gsmq-bridge does have them: the check can see them.
  [[ "$(nm -C "$GSMQ_BIN_DIR/gsmq-bridge" | grep -ciE 'MQTTAsync|coap_|zmq_')" -gt 0 ]]
  links_of gsmqd | grep -qx gsmq_endpoint_gsmqd_client
  if links_of gsmqd | grep -qx gsmq_endpoint_registry; then fail "gsmqd links the registry of every adapter"; fi
}
