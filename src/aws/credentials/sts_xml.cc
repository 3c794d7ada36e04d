#include "aws/credentials/sts_xml.h"

#include <expat.h>

#include <climits>
#include <memory>

namespace cw::aws {
namespace {

// Expanded names come as "<namespace URI><kSeparator><local name>".
constexpr char kSeparator = '\x01';

struct Search {
  XML_Parser parser;
  std::string_view name;
  int depth = 0;  // inside the element sought: its nesting depth, else 0
  bool found = false;
  std::string text;
};

std::string_view local_name(const XML_Char* expanded) {
  const std::string_view name(expanded);
  const auto cut = name.rfind(kSeparator);
  return cut == std::string_view::npos ? name : name.substr(cut + 1);
}

void on_start(void* data, const XML_Char* element, const XML_Char** /*attributes*/) {
  auto& s = *static_cast<Search*>(data);
  if (s.depth > 0) {
    ++s.depth;
  } else if (local_name(element) == s.name) {
    s.depth = 1;
  }
}

void on_end(void* data, const XML_Char* /*element*/) {
  auto& s = *static_cast<Search*>(data);
  if (s.depth > 0 && --s.depth == 0) {
    s.found = true;
    XML_StopParser(s.parser, XML_FALSE);  // first occurrence wins: the rest is not read
  }
}

void on_text(void* data, const XML_Char* text, int length) {
  auto& s = *static_cast<Search*>(data);
  if (s.depth > 0) s.text.append(text, static_cast<std::size_t>(length));
}

}  // namespace

std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name) {
  if (xml.size() > INT_MAX) return std::nullopt;
  const std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreateNS("UTF-8", kSeparator),
                                                                            &XML_ParserFree);
  if (!parser) return std::nullopt;
  Search search{parser.get(), name, 0, false, {}};
  XML_SetUserData(parser.get(), &search);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);
  XML_Parse(parser.get(), xml.data(), static_cast<int>(xml.size()), XML_TRUE);
  if (!search.found) return std::nullopt;
  return std::move(search.text);
}

}  // namespace cw::aws
