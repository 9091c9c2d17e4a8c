# For bats files that check what `cmake --install` installs: the build tree installed
# once per file into a DESTDIR with the prefix /usr, as a distribution package would.
#
# Use:   load install_helpers
#        setup_file() { install_into_root; }   # sets BUILD_DIR and ROOT (the DESTDIR)

load daemon_helpers

install_into_root() {
  BUILD_DIR="$(cd "$GSMQ_BIN_DIR/.." && pwd)"
  ROOT="$BATS_FILE_TMPDIR/root"
  export BUILD_DIR ROOT
  DESTDIR="$ROOT" cmake --install "$BUILD_DIR" --prefix /usr >"$BATS_FILE_TMPDIR/install.log" 2>&1 ||
    { cat "$BATS_FILE_TMPDIR/install.log" >&3; return 1; }
}
