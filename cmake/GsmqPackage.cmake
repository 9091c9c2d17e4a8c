# The Debian package, built by CPack: `cpack -G DEB` in the build directory makes
# gsmq_VERSION_ARCH.deb of what `cmake --install --prefix /usr` installs. Its Depends are
# computed from the binaries' shared libraries by dpkg-shlibdeps (runtime packages only);
# the maintainer scripts of deploy/debian/ make the gsmq system user and /var/lib/gsmq, and
# purge removes them. tests/cli/deb.bats builds, installs, runs and purges it.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME gsmq)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
# The Maintainer field: whoever builds a package to hand out sets a real address.
set(GSMQ_PACKAGE_MAINTAINER "gsmq maintainers <gsmq@localhost>" CACHE STRING "Maintainer of the .deb")
set(CPACK_PACKAGE_CONTACT "${GSMQ_PACKAGE_MAINTAINER}")
# lintian: a synopsis under 80 characters, description lines under 80.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "durable message queue daemon and tools for edge devices and clouds")
set(CPACK_PACKAGE_DESCRIPTION
    "gsmqd is a durable queue daemon with priorities and delivery policies,
served over gRPC. gsmq-send, gsmq-recv, gsmq-bridge and gsmq-gen move
JSON lines between it and MQTT, CoAP, HTTP, AMQP, STOMP, NATS, Redis,
ZeroMQ and plain sockets.")
# DESTDIR staging with the prefix /usr: the install rules see the prefix the package has
# (deploy/CMakeLists.txt puts the config under /etc for it).
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")  # postinst; the libraries come from shlibdeps
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/deploy/debian/postinst
    ${PROJECT_SOURCE_DIR}/deploy/debian/prerm
    ${PROJECT_SOURCE_DIR}/deploy/debian/postrm
    ${PROJECT_SOURCE_DIR}/deploy/debian/conffiles)
include(CPack)
