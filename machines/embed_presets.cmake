# Compiles the machine presets (machines/*.json) into tg_runtime as string constants, so an
# installed binary needs no data files. Included from runtime/CMakeLists.txt; an edit to a
# preset re-runs the configure step. Chip presets go to machine_presets.inc, multi-chip
# presets (N chips + their network, runtime/multichip_machine.hpp) to multichip_presets.inc.
function(tg_embed_presets header)
  set(entries "")
  foreach(preset ${ARGN})
    set(preset_file ${PROJECT_SOURCE_DIR}/machines/${preset}.json)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${preset_file})
    file(READ ${preset_file} preset_text)
    string(APPEND entries "  {\"${preset}\", R\"tg_preset(${preset_text})tg_preset\"},\n")
  endforeach()
  file(CONFIGURE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/generated/runtime/${header}
    CONTENT "// Generated from machines/*.json by machines/embed_presets.cmake; do not edit.\n@entries@"
    @ONLY)
endfunction()
tg_embed_presets(machine_presets.inc a2a3 a5 host)
tg_embed_presets(multichip_presets.inc a2a3x2 a2a3x4 a2a3x8)
target_include_directories(tg_runtime PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
