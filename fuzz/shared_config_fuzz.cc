// The shared AWS config and credentials files (INI) take any bytes.
#include <cstdint>
#include <string_view>

#include "aws/shared_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)cw::aws::parse_ini(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
