#include "app/gnutls_init.h"

#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace cw::app {
namespace {

constexpr const char* kSwitch = "GNUTLS_NO_IMPLICIT_INIT";
constexpr const char* kRestarted = "CW_SIDECAR_RESTARTED_WITHOUT_GNUTLS_INIT";

// Help, version, health and configuration checks are over in milliseconds:
// starting twice would only double their cost (a health check runs every
// 30 s in the image).
bool is_short_lived(char** argv) {
  for (char** arg = argv + 1; *arg != nullptr; ++arg) {
    const std::string_view a(*arg);
    if (a == "--help" || a == "-h" || a == "--version" || a.starts_with("--healthcheck") || a.starts_with("--check")) {
      return true;
    }
  }
  return false;
}

}  // namespace

void restart_without_gnutls_init(char** argv) {
  if (std::getenv(kRestarted) != nullptr) {
    ::unsetenv(kRestarted);
    ::unsetenv(kSwitch);
    return;
  }
  if (std::getenv(kSwitch) != nullptr || is_short_lived(argv)) return;
  ::setenv(kSwitch, "1", 1);
  ::setenv(kRestarted, "1", 1);
  ::execv("/proc/self/exe", argv);
  ::unsetenv(kRestarted);
  ::unsetenv(kSwitch);
}

}  // namespace cw::app
