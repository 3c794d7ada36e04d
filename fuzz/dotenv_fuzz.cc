// The dotenv parser takes any bytes.
#include <cstdint>
#include <string_view>

#include "app/dotenv.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  (void)cw::app::parse_dotenv(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
