# diffclip_add_test(NAME name SOURCES ... LIBS ... LABELS fast|gui|model|slow [TIMEOUT s])
# One Qt Test executable per unit, registered with CTest. Tests find the shared fixtures
# through DIFFCLIP_SHARED_DIR and write only below their own temporary directories.
function(diffclip_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test ${T_LIBS})
  target_compile_definitions(${T_NAME} PRIVATE QT_NO_KEYWORDS
    DIFFCLIP_SHARED_DIR="${DIFFCLIP_SHARED_DIR}"
    DIFFCLIP_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    DIFFCLIP_BINARY_DIR="${CMAKE_BINARY_DIR}")
  diffclip_warnings(${T_NAME})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  # Qt Test stops a single test function after 5 minutes by default; let CTest's limit govern
  # (a slow shared machine can take longer than that for one end-to-end function).
  math(EXPR _function_timeout_ms "${T_TIMEOUT} * 1000")
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;DIFFCLIP_BIN_DIR=${CMAKE_BINARY_DIR}/bin;QTEST_FUNCTION_TIMEOUT=${_function_timeout_ms}")
endfunction()
