# Writes accord's shell completion scripts into OUT: accord.bash, _accord (zsh)
# and accord.fish, each printed by `ACCORD completion SHELL`.
#   cmake -DACCORD=path/to/accord -DOUT=folder -P scripts/completions.cmake
file(MAKE_DIRECTORY ${OUT})
set(_files bash accord.bash zsh _accord fish accord.fish)
while(_files)
  list(POP_FRONT _files shell name)
  execute_process(COMMAND ${ACCORD} completion ${shell} OUTPUT_FILE ${OUT}/${name}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    file(REMOVE ${OUT}/${name})
    message(FATAL_ERROR "${ACCORD} completion ${shell} failed (${rc}): ${err}")
  endif()
endwhile()
