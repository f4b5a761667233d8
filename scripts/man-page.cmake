# Writes accord's man page (OUT, section 1) with help2man: NAME, SYNOPSIS,
# DESCRIPTION and OPTIONS from `accord --help`, then a COMMANDS section
# holding each command's own --help (nested commands such as `key new`
# included), so the page says what the binary says and cannot drift.
#   cmake -DACCORD=path/to/accord -DHELP2MAN=path/to/help2man -DOUT=accord.1 -P scripts/man-page.cmake

# The names listed in the "Subcommands:" section of a CLI11 help text: the
# lines of that block indented by two spaces (wrapped descriptions are
# indented further). Regexes over the text, not a CMake list of its lines: a
# help line may hold ';' or '['.
function(accord_subcommands help out)
  set(names)
  string(FIND "${help}" "\nSubcommands:\n" at)
  if(at GREATER_EQUAL 0)
    string(SUBSTRING "${help}" ${at} -1 block)
    string(LENGTH "\nSubcommands:" skip)
    string(SUBSTRING "${block}" ${skip} -1 block)
    string(FIND "${block}" "\n\n" end)
    if(end GREATER_EQUAL 0)
      string(SUBSTRING "${block}" 0 ${end} block)
    endif()
    string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*" found "${block}")
    foreach(f IN LISTS found)
      string(STRIP "${f}" f)
      list(APPEND names ${f})
    endforeach()
  endif()
  set(${out} ${names} PARENT_SCOPE)
endfunction()

function(accord_help words out)
  execute_process(COMMAND ${ACCORD} ${words} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "accord ${words} --help failed (${rc})")
  endif()
  set(${out} "${help}" PARENT_SCOPE)
endfunction()

# roff, no-fill: backslashes escaped, '-' as a minus (so options copy as
# typed), lines starting with . or ' protected.
function(accord_roff text out)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

set(commands_roff "")
function(accord_document words)
  accord_help("${words}" help)
  list(JOIN words " " name)
  # Each command's help ends with the exit-code table of `accord --help`
  # (CLI11 repeats the footer): the page shows it once, in DESCRIPTION.
  string(FIND "${help}" "\nExit codes (every command" footer)
  set(text "${help}")
  if(footer GREATER_EQUAL 0)
    string(SUBSTRING "${help}" 0 ${footer} text)
    string(APPEND text "\n")
  endif()
  accord_roff("${text}" roff)
  string(APPEND commands_roff ".SS \"accord ${name}\"\n.nf\n${roff}.fi\n")
  accord_subcommands("${help}" subs)
  foreach(sub IN LISTS subs)
    accord_document("${words};${sub}")
  endforeach()
  set(commands_roff "${commands_roff}" PARENT_SCOPE)
endfunction()

accord_help("" top)
accord_subcommands("${top}" commands)
if(NOT commands)
  message(FATAL_ERROR "accord --help lists no subcommands")
endif()
foreach(command IN LISTS commands)
  accord_document("${command}")
endforeach()

set(include_file ${OUT}.h2m)
file(WRITE ${include_file} "[COMMANDS]\n${commands_roff}\n[SEE ALSO]\n"
     "The README and docs/ of the Accord source tree; \\fBaccord completion\\fR prints the "
     "shell completion scripts.\n")
execute_process(
  COMMAND ${HELP2MAN} --no-info --section=1 --name=${NAME} --include=${include_file}
          --output=${OUT}.tmp ${ACCORD}
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc}): ${err}")
endif()
file(RENAME ${OUT}.tmp ${OUT})
