# find_package(signet) support, installed by scripts/ffi-install.sh PREFIX:
#   <prefix>/include/signet.h, <prefix>/lib/libsignet.a, <prefix>/lib/libsignet.so
# with this file at <prefix>/lib/cmake/signet/signetConfig.cmake; set
# CMAKE_PREFIX_PATH (or signet_ROOT) to <prefix>. Defines signet::signet (static
# library, the default) and signet::shared.
get_filename_component(_signet_prefix "${CMAKE_CURRENT_LIST_DIR}/../../.." ABSOLUTE)
find_path(SIGNET_INCLUDE_DIR signet.h HINTS "${_signet_prefix}/include" NO_DEFAULT_PATH)
find_library(SIGNET_STATIC_LIBRARY NAMES libsignet.a HINTS "${_signet_prefix}/lib" NO_DEFAULT_PATH)
find_library(SIGNET_SHARED_LIBRARY NAMES libsignet.so HINTS "${_signet_prefix}/lib" NO_DEFAULT_PATH)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(signet REQUIRED_VARS SIGNET_INCLUDE_DIR SIGNET_STATIC_LIBRARY)
if(signet_FOUND AND NOT TARGET signet::signet)
  find_package(Threads REQUIRED)
  add_library(signet::signet STATIC IMPORTED)
  set_target_properties(signet::signet PROPERTIES
    IMPORTED_LOCATION "${SIGNET_STATIC_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SIGNET_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")
  if(SIGNET_SHARED_LIBRARY)
    add_library(signet::shared SHARED IMPORTED)
    set_target_properties(signet::shared PROPERTIES
      IMPORTED_LOCATION "${SIGNET_SHARED_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SIGNET_INCLUDE_DIR}")
  endif()
endif()
