#include "app/gnutls_init.h"

#include <unistd.h>

#include <cstdlib>

namespace cw::app {
namespace {

constexpr const char* kSwitch = "GNUTLS_NO_IMPLICIT_INIT";
constexpr const char* kRestarted = "CW_SIDECAR_RESTARTED_WITHOUT_GNUTLS_INIT";

}  // namespace

void restart_without_gnutls_init(char** argv) {
  if (std::getenv(kRestarted) != nullptr) {
    ::unsetenv(kRestarted);
    ::unsetenv(kSwitch);
    return;
  }
  if (std::getenv(kSwitch) != nullptr) return;
  ::setenv(kSwitch, "1", 1);
  ::setenv(kRestarted, "1", 1);
  ::execv("/proc/self/exe", argv);
  ::unsetenv(kRestarted);
  ::unsetenv(kSwitch);
}

}  // namespace cw::app
