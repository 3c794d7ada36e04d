#pragma once
// The few elements of STS's XML answers the sidecar needs, read with libexpat
// (a well-kept, small XML parser in Debian): entities, character references,
// CDATA sections, comments and namespace prefixes are handled as XML says.

#include <optional>
#include <string>
#include <string_view>

namespace cw::aws {

// The character data of the first element whose local name is `name`
// ("Code" matches <Code> and <sts:Code>), nested elements' text included;
// nullopt when there is none or the document is not well-formed before it
// ends.
std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name);

}  // namespace cw::aws
