# Run at every build: bakes the current git SHA (and whether the tree was
# dirty) into version.cpp, rewriting it only when it changed.
execute_process(COMMAND git rev-parse HEAD WORKING_DIRECTORY ${SRC}
  OUTPUT_VARIABLE SHA OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT SHA)
  set(SHA "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SRC}
    OUTPUT_VARIABLE DIRTY OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(DIRTY)
    set(SHA "${SHA}-dirty")
  endif()
endif()
set(L4LAB_GIT_SHA ${SHA})
configure_file(${IN} ${OUT}.new @ONLY)
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.new ${OUT})
