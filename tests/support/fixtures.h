#pragma once
// Reads the table fixtures in testdata/: one case a line, fields separated by '|',
// '#' starts a comment line. Byte fields are hex, where "ab*125" repeats a byte.
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/chunks.h"

namespace wsprobe::test {

struct FixtureRow {
  int line = 0;
  std::vector<std::string> fields;
};

inline std::string trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// `name` is relative to testdata/.
inline std::vector<FixtureRow> read_fixture_table(const std::string& name) {
  std::ifstream in(std::string(WSPROBE_TESTDATA) + "/" + name);
  if (!in) throw std::runtime_error("cannot open testdata/" + name);
  std::vector<FixtureRow> rows;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::string content = trim(line);
    if (content.empty() || content[0] == '#') continue;
    FixtureRow row{number, {}};
    std::size_t start = 0;
    for (;;) {
      const std::size_t bar = content.find('|', start);
      row.fields.push_back(trim(std::string_view(content).substr(start, bar - start)));
      if (bar == std::string::npos) break;
      start = bar + 1;
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// Hex bytes where a token "HH*N" stands for N copies of byte HH.
inline Bytes bytes_from_spec(std::string_view spec) {
  Bytes out;
  std::size_t pos = 0;
  while (pos < spec.size()) {
    const std::size_t end = std::min(spec.find(' ', pos), spec.size());
    const std::string_view token = spec.substr(pos, end - pos);
    pos = end + 1;
    if (token.empty()) continue;
    const std::size_t star = token.find('*');
    const Bytes unit = from_hex(token.substr(0, star));
    const std::size_t count = star == std::string_view::npos ? 1 : std::stoul(std::string(token.substr(star + 1)));
    for (std::size_t i = 0; i < count; ++i) out.insert(out.end(), unit.begin(), unit.end());
  }
  return out;
}

}  // namespace wsprobe::test
