// Differential: the stateful parser (which reuses the minute, the zone offset
// and the offset text of the line before) must read every timestamp of a
// stream exactly as the stateless one does. Lines of the input are the stream.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "transform/timestamp.h"

using namespace cw::transform;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  Iso8601Parser stream;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string_view text = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (stream.parse_ms(text) != parse_iso8601_ms(text)) std::abort();
    (void)parse_epoch_ms(text);
  }
  return 0;
}
