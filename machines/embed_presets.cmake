# Compiles the machine presets (machines/*.json) into tg_runtime as string constants, so an
# installed binary needs no data files. Included from runtime/CMakeLists.txt; an edit to a
# preset re-runs the configure step.
set(TG_PRESET_HEADER ${CMAKE_CURRENT_BINARY_DIR}/generated/runtime/machine_presets.inc)
set(TG_PRESET_ENTRIES "")
foreach(preset a2a3 a5 host)
  set(preset_file ${PROJECT_SOURCE_DIR}/machines/${preset}.json)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${preset_file})
  file(READ ${preset_file} preset_text)
  string(APPEND TG_PRESET_ENTRIES "  {\"${preset}\", R\"tg_preset(${preset_text})tg_preset\"},\n")
endforeach()
file(CONFIGURE OUTPUT ${TG_PRESET_HEADER}
  CONTENT "// Generated from machines/*.json by machines/embed_presets.cmake; do not edit.\n@TG_PRESET_ENTRIES@"
  @ONLY)
target_include_directories(tg_runtime PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
