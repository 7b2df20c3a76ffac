# diffclip_add_test(NAME name SOURCES ... LIBS ... LABELS fast|gui|model|slow [TIMEOUT s] [COST c]
#                   [PARTS functions ...])
# One Qt Test executable per unit, registered with CTest. Tests find the shared fixtures
# through DIFFCLIP_SHARED_DIR and write only below their own temporary directories.
#
# PARTS: a long executable registered as several CTest tests, so that `ctest -j` spreads it over
# the cores. Each argument names one test function or several joined by commas, run together as
# the test name.<first function>; name.others runs every remaining function (the executable's
# main() must be DIFFCLIP_TEST_GUILESS_MAIN from tests/support/TestSupport.h, which leaves out
# the functions named in DIFFCLIP_TEST_SKIP). Each part is a process of its own, initTestCase
# included; running the executable by hand still runs everything.
# COST: the test's (or each part's) expected seconds on the CI machine. CTest starts the costliest
# tests first when it has no timings of its own yet (a fresh build folder, as in CI); give it to
# the long ones, and list PARTS longest first (equal costs keep their order).
function(diffclip_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT;COST" "SOURCES;LIBS;LABELS;PARTS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test ${T_LIBS})
  target_compile_definitions(${T_NAME} PRIVATE QT_NO_KEYWORDS
    DIFFCLIP_SHARED_DIR="${DIFFCLIP_SHARED_DIR}"
    DIFFCLIP_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    DIFFCLIP_BINARY_DIR="${CMAKE_BINARY_DIR}")
  diffclip_warnings(${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  # Qt Test stops a single test function after 5 minutes by default; let CTest's limit govern
  # (a slow shared machine can take longer than that for one end-to-end function).
  math(EXPR _function_timeout_ms "${T_TIMEOUT} * 1000")
  set(_environment "QT_QPA_PLATFORM=offscreen;DIFFCLIP_BIN_DIR=${CMAKE_BINARY_DIR}/bin;QTEST_FUNCTION_TIMEOUT=${_function_timeout_ms}")
  set(_tests)
  if(T_PARTS)
    set(_skip)
    foreach(_part IN LISTS T_PARTS)
      string(REPLACE "," ";" _functions "${_part}")
      list(GET _functions 0 _first)
      add_test(NAME ${T_NAME}.${_first} COMMAND ${T_NAME} ${_functions})
      set_tests_properties(${T_NAME}.${_first} PROPERTIES ENVIRONMENT "${_environment}")
      list(APPEND _tests ${T_NAME}.${_first})
      list(APPEND _skip ${_functions})
    endforeach()
    string(REPLACE ";" "," _skip "${_skip}")
    add_test(NAME ${T_NAME}.others COMMAND ${T_NAME})
    set_tests_properties(${T_NAME}.others PROPERTIES ENVIRONMENT "${_environment};DIFFCLIP_TEST_SKIP=${_skip}")
    list(APPEND _tests ${T_NAME}.others)
  else()
    add_test(NAME ${T_NAME} COMMAND ${T_NAME})
    set_tests_properties(${T_NAME} PROPERTIES ENVIRONMENT "${_environment}")
    list(APPEND _tests ${T_NAME})
  endif()
  set_tests_properties(${_tests} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT})
  if(T_COST)
    set_tests_properties(${_tests} PROPERTIES COST ${T_COST})
  endif()
endfunction()
