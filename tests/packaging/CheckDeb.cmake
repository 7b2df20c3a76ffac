# cmake -DBINARY_DIR=build -DWORK_DIR=scratch -DAPP_ID=id -DICON_SIZES="16|32" -P CheckDeb.cmake
# Builds the .deb with cpack into WORK_DIR and checks it with dpkg-deb: name, version, the
# files every installation needs, Depends (found by dpkg-shlibdeps plus the explicit ones),
# nothing outside /usr, and the unpacked desktop entry and metainfo against the validators.
foreach(var BINARY_DIR WORK_DIR APP_ID ICON_SIZES)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "CheckDeb.cmake needs -D${var}=...")
  endif()
endforeach()
string(REPLACE "|" ";" ICON_SIZES "${ICON_SIZES}")

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
execute_process(COMMAND cpack -G DEB --config ${BINARY_DIR}/CPackConfig.cmake -B ${WORK_DIR}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cpack failed (${rc}):\n${out}\n${err}")
endif()
file(GLOB debs ${WORK_DIR}/*.deb)
list(LENGTH debs n)
if(NOT n EQUAL 1)
  message(FATAL_ERROR "expected one .deb in ${WORK_DIR}, found ${n}:\n${out}")
endif()
get_filename_component(deb_name ${debs} NAME)
if(NOT deb_name MATCHES "^diffclip-studio_[0-9.]+_[a-z0-9]+\\.deb$")
  message(FATAL_ERROR "unexpected package file name ${deb_name}")
endif()

function(field name outvar)
  execute_process(COMMAND dpkg-deb -f ${debs} ${name} RESULT_VARIABLE rc OUTPUT_VARIABLE v OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "dpkg-deb -f ${name} failed")
  endif()
  set(${outvar} "${v}" PARENT_SCOPE)
endfunction()

field(Package package)
field(Version version)
field(Depends depends)
field(Recommends recommends)
field(Section section)
field(Maintainer maintainer)
field(Description description)
set(problems "")
if(NOT package STREQUAL "diffclip-studio")
  string(APPEND problems "Package is '${package}'\n")
endif()
if(NOT version MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+")
  string(APPEND problems "Version is '${version}'\n")
endif()
if(maintainer STREQUAL "" OR description STREQUAL "" OR section STREQUAL "")
  string(APPEND problems "Maintainer, Description or Section is empty\n")
endif()
# From dpkg-shlibdeps (the libraries the programs link) and the explicit plugin dependency.
foreach(dep libc6 libstdc\\+\\+6 libqt6core6 libqt6gui6 libqt6widgets6 libqt6svg6 libopencv-core libopencv-imgcodecs
            libtorch libsqlite3-0 libssl3)
  if(NOT depends MATCHES "(^|, )${dep}[^,]*")
    string(APPEND problems "Depends lacks ${dep}: ${depends}\n")
  endif()
endforeach()
if(NOT recommends MATCHES "qt6-translations-l10n")
  string(APPEND problems "Recommends lacks qt6-translations-l10n: ${recommends}\n")
endif()

execute_process(COMMAND dpkg-deb -c ${debs} RESULT_VARIABLE rc OUTPUT_VARIABLE listing)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dpkg-deb -c failed")
endif()
set(expected
  ./usr/bin/diffclip
  ./usr/bin/diffclip-studio
  ./usr/share/diffclip-studio/tokenizer/bpe_simple_vocab_16e6.txt.gz
  ./usr/share/diffclip-studio/starters/diffclip-mini/model.safetensors
  ./usr/share/diffclip-studio/starters/diffclip-mini/starter.json
  ./usr/share/diffclip-studio/starters/clip-mini/model.safetensors
  ./usr/share/diffclip-studio/starters/clip-mini/starter.json
  ./usr/share/applications/${APP_ID}.desktop
  ./usr/share/metainfo/${APP_ID}.metainfo.xml
  ./usr/share/icons/hicolor/scalable/apps/${APP_ID}.svg
  ./usr/share/man/man1/diffclip.1.gz
  ./usr/share/man/man1/diffclip-studio.1.gz)
foreach(size IN LISTS ICON_SIZES)
  list(APPEND expected ./usr/share/icons/hicolor/${size}x${size}/apps/${APP_ID}.png)
endforeach()
foreach(path IN LISTS expected)
  string(FIND "${listing}" " ${path}\n" at)
  if(at EQUAL -1)
    string(APPEND problems "missing ${path}\n")
  endif()
endforeach()
# Only /usr, no development files, no test programs.
string(REGEX MATCHALL " \\./[^\n]*" paths "${listing}")
foreach(p IN LISTS paths)
  string(STRIP "${p}" p)
  if(NOT p MATCHES "^\\./(usr/?.*)?$" OR p MATCHES "\\.(a|h|cmake)$" OR p MATCHES "/tst_")
    string(APPEND problems "unexpected entry ${p}\n")
  endif()
endforeach()

# The installed desktop entry and metainfo pass the validators, and the icons are real PNGs.
set(root ${WORK_DIR}/root)
execute_process(COMMAND dpkg-deb -x ${debs} ${root} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "dpkg-deb -x failed")
endif()
execute_process(COMMAND desktop-file-validate ${root}/usr/share/applications/${APP_ID}.desktop
  RESULT_VARIABLE rc OUTPUT_VARIABLE v ERROR_VARIABLE v)
if(NOT rc EQUAL 0)
  string(APPEND problems "desktop-file-validate: ${v}\n")
endif()
execute_process(COMMAND appstreamcli validate --no-net ${root}/usr/share/metainfo/${APP_ID}.metainfo.xml
  RESULT_VARIABLE rc OUTPUT_VARIABLE v ERROR_VARIABLE v)
if(NOT rc EQUAL 0)
  string(APPEND problems "appstreamcli: ${v}\n")
endif()
foreach(size IN LISTS ICON_SIZES)
  set(png ${root}/usr/share/icons/hicolor/${size}x${size}/apps/${APP_ID}.png)
  if(EXISTS ${png})
    file(READ ${png} head LIMIT 24 HEX)
    # PNG signature, then the IHDR width and height (big-endian) at bytes 16..23.
    math(EXPR hex_size "${size}" OUTPUT_FORMAT HEXADECIMAL)
    string(SUBSTRING "${hex_size}" 2 -1 hex_size)
    string(LENGTH "${hex_size}" len)
    while(len LESS 8)
      string(PREPEND hex_size "0")
      string(LENGTH "${hex_size}" len)
    endwhile()
    string(TOLOWER "${hex_size}" hex_size)
    if(NOT head STREQUAL "89504e470d0a1a0a0000000d49484452${hex_size}${hex_size}")
      string(APPEND problems "${png} is not a ${size}x${size} PNG (${head})\n")
    endif()
  endif()
endforeach()
execute_process(COMMAND ${root}/usr/bin/diffclip --version RESULT_VARIABLE rc OUTPUT_VARIABLE v ERROR_VARIABLE v)
if(NOT rc EQUAL 0 OR NOT v MATCHES "diffclip [0-9]")
  string(APPEND problems "the packaged diffclip does not run: ${v}\n")
endif()

if(NOT problems STREQUAL "")
  message(FATAL_ERROR "${deb_name}:\n${problems}")
endif()
message(STATUS "${deb_name}: ${package} ${version}\nDepends: ${depends}\nRecommends: ${recommends}")
