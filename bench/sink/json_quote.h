// Quoting text into the sink's JSON answers (error messages may echo names).
#pragma once

#include <string>
#include <string_view>

namespace cw::bench::sink {

std::string json_quote(std::string_view text);

}  // namespace cw::bench::sink
