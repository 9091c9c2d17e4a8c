# The layers of gsmq's libraries, enforced by the build.
#
# The rule, stated once: a file of a gsmq library or tool includes gsmq headers only from
# its own library's folder and from the gsmq libraries that its target links directly, and a
# library links only libraries declared before it, so that no two folders depend on each
# other. The links themselves are declared in lib/CMakeLists.txt and tools/CMakeLists.txt;
# gsmq_layer() records them, and gsmq_check_layers() makes every build check the includes
# against them (cmake/check_layers.cmake; tests/cli/layers.bats tests the check).

# gsmq_layer(<target> [DIR <folder of its files>] [INCLUDES <folder its headers are
#            included as>] [RECURSE <bool>] [DEPS <libraries>...])
# DIR is relative to the source tree (lib/store, tools/gsmqd); INCLUDES is the first part
# of an #include path ("store" for "store/committer.h"). RECURSE: subfolders belong to it too.
# DEPS may name anything target_link_libraries takes; only gsmq_* targets are recorded.
function(gsmq_layer target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "DIR;INCLUDES;RECURSE" "DEPS")
  set(deps "")
  foreach(dep IN LISTS arg_DEPS)
    if(dep MATCHES "^gsmq_")
      if(NOT TARGET ${dep})
        message(FATAL_ERROR "${target} links ${dep}, which is not declared before it: a library "
                            "may only build on libraries above it (cmake/GsmqLayers.cmake)")
      endif()
      list(APPEND deps ${dep})
    endif()
  endforeach()
  set(recurse OFF)
  if(arg_RECURSE)
    set(recurse ON)
  endif()
  set_property(GLOBAL APPEND_STRING PROPERTY GSMQ_LAYERS
    "gsmq_layer_entry(${target} \"${arg_DIR}\" \"${arg_INCLUDES}\" ${recurse} \"${deps}\")\n")
endfunction()

# Writes what gsmq_layer() recorded to <build>/layers.cmake and checks the sources against
# it whenever one of them, or the table, changes (target gsmq_layers, part of `all`).
function(gsmq_check_layers)
  get_property(entries GLOBAL PROPERTY GSMQ_LAYERS)
  set(table ${PROJECT_BINARY_DIR}/layers.cmake)
  file(CONFIGURE OUTPUT ${table} CONTENT "# Written by cmake/GsmqLayers.cmake.\n${entries}" @ONLY)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/lib/*.h ${PROJECT_SOURCE_DIR}/lib/*.cpp
       ${PROJECT_SOURCE_DIR}/tools/*.h ${PROJECT_SOURCE_DIR}/tools/*.cpp)
  set(script ${PROJECT_SOURCE_DIR}/cmake/check_layers.cmake)
  set(stamp ${PROJECT_BINARY_DIR}/layers.checked)
  add_custom_command(OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DLAYERS=${table} -P ${script}
    COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
    DEPENDS ${script} ${table} ${sources}
    COMMENT "Checking #includes against the library layers"
    VERBATIM)
  add_custom_target(gsmq_layers ALL DEPENDS ${stamp})
endfunction()
