// A name template takes any text: parsed (or a NameTemplateError), then
// rendered into a name CloudWatch allows, at most 512 bytes.
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "cloudwatch/name_template.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto kind = (data[0] & 1) != 0 ? cw::cloudwatch::NameKind::kGroup : cw::cloudwatch::NameKind::kStream;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string> fields;
  try {
    cw::cloudwatch::NameTemplate name = cw::cloudwatch::NameTemplate::parse(text, kind, "FUZZ", fields);
    cw::cloudwatch::StartValues values;
    values.prefix = "p";
    values.hostname = "h:o*s t";
    values.env = [](std::string_view) { return std::optional<std::string>("e\xff/x"); };
    values.ecs = [](std::string_view, std::string&) { return std::optional<std::string>("t:1"); };
    name.resolve(values);
    std::vector<std::optional<std::string_view>> found(fields.size(), std::string_view("v\x01:*\xc3"));
    const cw::cloudwatch::NameContext context{"a.log", "a", ".", "20260101", found};
    const std::string rendered = name.render(context);
    if (rendered.size() > 512) std::abort();
    for (const char c : rendered) {
      if (!cw::cloudwatch::allowed_in_name(kind, static_cast<unsigned char>(c))) std::abort();
    }
  } catch (const cw::cloudwatch::NameTemplateError&) {
  }
  return 0;
}
