# The Debian package (CPack, DEB generator): `make package` builds it from a
# Release build with split debug information (build-release/); `cpack -G DEB`
# in any build folder packages that folder's binary.
#
# Contents: /usr/bin/accord, the man page, bash/zsh/fish completions, the
# systemd unit and /etc/accord/accord.yaml (a conffile). Depends comes from
# dpkg-shlibdeps, so it names the shared libraries the binary links and no more.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME accord)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "Accord maintainers <accord@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "event schema registry and contract-testing tool")
set(CPACK_PACKAGE_DESCRIPTION
    "Accord stores versioned JSON Schema and Avro event schemas, refuses incompatible versions, "
    "speaks the Confluent Schema Registry REST API and keeps an event catalog (accord serve). "
    "Its CLI checks compatibility, validates example events and runs producer and consumer "
    "contract tests in CI.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # accord_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# A changed /etc/accord/accord.yaml survives upgrades (dpkg asks).
file(WRITE ${CMAKE_BINARY_DIR}/debian/conffiles "/etc/accord/accord.yaml\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${CMAKE_BINARY_DIR}/debian/conffiles)
# A package never carries debug information: ACCORD_SPLIT_DEBUG builds have
# it in cli/accord.debug already; other builds get stripped on the way in.
if(NOT ACCORD_SPLIT_DEBUG)
  set(CPACK_STRIP_FILES ON)
endif()
include(CPack)
