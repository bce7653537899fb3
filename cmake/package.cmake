# The CMake package a variant built outside the tree finds
# (docs/writing-a-variant.md):
#
#   find_package(interleave REQUIRED)   # -Dinterleave_DIR=<build tree> or an install prefix
#   interleave_add_variant(my-variant kernel.cpp)
#
# gives a MODULE library my-variant.so that `interleave --plugin` loads. Its
# sources see the engine's and the models' headers (and the digest of them,
# interleave/plugin_abi.hpp), are compiled as C++20 with the flags that
# change the ABI of the headers' classes (the sanitizers'), and link nothing:
# the program that loads them exports the symbols they use.
add_library(interleave_plugin_api INTERFACE)
target_include_directories(interleave_plugin_api INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>
  $<BUILD_INTERFACE:${INTERLEAVE_GENERATED_DIR}>
  $<INSTALL_INTERFACE:include/interleave>)
target_compile_features(interleave_plugin_api INTERFACE cxx_std_20)
target_link_libraries(interleave_plugin_api INTERFACE Boost::headers)
if(INTERLEAVE_SANITIZE OR INTERLEAVE_FUZZ)
  target_compile_options(interleave_plugin_api INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
endif()
add_dependencies(interleave_plugin_api interleave_plugin_abi)

set(INTERLEAVE_PACKAGE_VERSION ${PROJECT_VERSION})

# The build tree: -Dinterleave_DIR=<this build folder>.
export(TARGETS interleave_plugin_api NAMESPACE interleave:: FILE ${PROJECT_BINARY_DIR}/interleaveTargets.cmake)
set(INTERLEAVE_CONFIG_EXECUTABLE "${PROJECT_BINARY_DIR}/interleave")
configure_file(${PROJECT_SOURCE_DIR}/cmake/interleaveConfig.cmake.in ${PROJECT_BINARY_DIR}/interleaveConfig.cmake @ONLY)
include(CMakePackageConfigHelpers)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/interleaveConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY ExactVersion)

# An install prefix: cmake --install <build> --prefix <prefix>.
include(GNUInstallDirs)
install(TARGETS interleave RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS interleave_plugin_api EXPORT interleaveTargets)
install(EXPORT interleaveTargets NAMESPACE interleave:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/interleave)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sim ${PROJECT_SOURCE_DIR}/models DESTINATION include/interleave
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${INTERLEAVE_GENERATED_DIR}/interleave/plugin_abi.hpp DESTINATION include/interleave/interleave)
set(INTERLEAVE_CONFIG_EXECUTABLE "\${PACKAGE_PREFIX_DIR}/${CMAKE_INSTALL_BINDIR}/interleave")
configure_file(${PROJECT_SOURCE_DIR}/cmake/interleaveConfig.cmake.in
               ${PROJECT_BINARY_DIR}/install/interleaveConfig.cmake @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/install/interleaveConfig.cmake ${PROJECT_BINARY_DIR}/interleaveConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/interleave)
