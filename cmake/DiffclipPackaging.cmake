# The Debian package of DiffCLIP Studio: `cpack -G DEB` in a build folder (after a full build)
# writes diffclip-studio_<version>_<arch>.deb with everything `cmake --install` installs under
# /usr: both programs, the tokenizer, the desktop entry, AppStream metadata, hicolor icons and
# man pages (packaging/CMakeLists.txt). Checked by the CTest `packaging_deb`.

# The project publishes no mail address yet, so the contact is its issue tracker; a release
# build sets the real one with -DDIFFCLIP_PACKAGE_MAINTAINER="Name <address>".
set(DIFFCLIP_PACKAGE_MAINTAINER "DiffCLIP Studio developers <https://github.com/diffclipstudio/diffclip-studio/issues>"
    CACHE STRING "Maintainer field of the Debian package")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME diffclip-studio)
set(CPACK_PACKAGE_VENDOR "DiffCLIP Studio developers")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${DIFFCLIP_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "find similar defect photos with DiffCLIP, on this computer")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/diffclipstudio/diffclip-studio")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${DIFFCLIP_PACKAGE_MAINTAINER}")
# The extended description; cpack puts the summary first and indents and wraps it for Debian.
set(CPACK_PACKAGE_DESCRIPTION "DiffCLIP Studio runs DiffCLIP, CLIP with differential attention, entirely on \
the user's computer: no cloud, nothing downloaded at run time. Quality staff open and verify model files, \
index their defect photos into a local library, search it by photo or by words, review what the model \
attends to and fine-tune it on their own folders.

This package holds the desktop application diffclip-studio (English and Japanese) and the command line \
diffclip.")
# Shared libraries are found by dpkg-shlibdeps (Qt, OpenCV, LibTorch, SQLite, ...). Plugins
# are loaded at run time, so it cannot see them: the SVG icon engine draws the navigation
# icons. Qt's own Japanese strings, native Wayland and CJK glyphs are optional.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libqt6svg6")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "qt6-translations-l10n, qt6-wayland, fonts-noto-cjk")

include(CPack)
