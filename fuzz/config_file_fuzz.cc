// CONFIG_FILE's reader takes any bytes: sources, or a ConfigError.
#include <cstdint>
#include <string>
#include <string_view>

#include "app/config.h"
#include "app/config_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string_view> per_source = {"log-group", "log-stream-name", "retention-days", "multiline-start"};
  const cw::VariableLookup environment = [](std::string_view name) -> std::optional<std::string> {
    if (name == "A") return std::string("a");
    return std::nullopt;
  };
  try {
    (void)cw::app::parse_config_file(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.yaml",
                                     per_source, environment);
  } catch (const cw::app::ConfigError&) {
  }
  return 0;
}
