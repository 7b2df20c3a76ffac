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
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}" TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;DIFFCLIP_BIN_DIR=${CMAKE_BINARY_DIR}/bin")
endfunction()
