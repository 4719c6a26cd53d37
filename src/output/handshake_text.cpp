#include "output/handshake_text.h"

#include <fmt/format.h>

#include "base/escape.h"
#include "output/style.h"

namespace wsprobe::output {
namespace {

std::string shown(std::string_view text, bool raw) { return raw ? std::string(text) : escape_for_terminal(text); }

void add_fields(std::vector<std::string>& lines, std::string_view mark, const codec::HeaderFields& fields,
                bool show_secrets, bool raw) {
  for (const auto& field : fields) {
    lines.push_back(fmt::format("{} {}: {}", mark, shown(field.name, raw),
                                shown(shown_header_value(field.name, field.value, show_secrets), raw)));
  }
  lines.emplace_back(mark);
}

}  // namespace

std::vector<std::string> request_head_lines(const codec::RequestHead& request, bool show_secrets) {
  std::vector<std::string> lines{
      fmt::format("> {} {} {}", request.method, shown(request.target, false), request.version)};
  add_fields(lines, ">", request.fields, show_secrets, false);
  return lines;
}

std::vector<std::string> response_head_lines(const codec::ResponseHead& response, bool show_secrets, bool raw) {
  std::vector<std::string> lines{
      fmt::format("< {} {} {}", response.version, response.status, shown(response.reason, raw))};
  add_fields(lines, "<", response.fields, show_secrets, raw);
  return lines;
}

}  // namespace wsprobe::output
