#include "output/handshake_text.h"

#include <fmt/format.h>

#include "output/escape.h"
#include "output/style.h"

namespace wsprobe::output {
namespace {

void add_fields(std::vector<std::string>& lines, std::string_view mark, const std::vector<codec::HeaderField>& fields,
                bool show_secrets) {
  for (const auto& field : fields) {
    lines.push_back(fmt::format("{} {}: {}", mark, escape_for_terminal(field.name),
                                escape_for_terminal(shown_header_value(field.name, field.value, show_secrets))));
  }
  lines.emplace_back(mark);
}

}  // namespace

std::vector<std::string> request_head_lines(const codec::RequestHead& request, bool show_secrets) {
  std::vector<std::string> lines{
      fmt::format("> {} {} {}", request.method, escape_for_terminal(request.target), request.version)};
  add_fields(lines, ">", request.fields, show_secrets);
  return lines;
}

std::vector<std::string> response_head_lines(const codec::ResponseHead& response, bool show_secrets) {
  std::vector<std::string> lines{
      fmt::format("< {} {} {}", response.version, response.status, escape_for_terminal(response.reason))};
  add_fields(lines, "<", response.fields, show_secrets);
  return lines;
}

}  // namespace wsprobe::output
