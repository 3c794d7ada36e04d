// STS answers (XML, through libexpat) take any bytes.
#include <cstdint>
#include <string_view>

#include "aws/credentials/sts_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  for (const std::string_view name : {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration", "Code",
                                      "Message"}) {
    (void)cw::aws::xml_element_text(xml, name);
  }
  return 0;
}
