#pragma once
// The few elements of STS's XML answers the sidecar needs, found by a small
// hand-written scan: STS answers are flat, machine-written documents, and no
// XML library is a dependency. Not a general XML parser: no CDATA, no
// namespaced element names, first occurrence wins.

#include <optional>
#include <string>
#include <string_view>

namespace cw::aws {

// The text of the first <name>...</name> (attributes on the opening tag
// allowed), entities (&amp; &lt; &gt; &quot; &apos; &#N; &#xN;) decoded.
std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name);

}  // namespace cw::aws
