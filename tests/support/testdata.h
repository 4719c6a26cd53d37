#pragma once
// Fixture files under testdata/, found through WSPROBE_TESTDATA (tests/CMakeLists.txt).
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace wsprobe::test {

// The file's bytes, exactly as stored.
inline std::string read_testdata(std::string_view relative_path) {
  const std::string path = std::string(WSPROBE_TESTDATA) + "/" + std::string(relative_path);
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot open " + path);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

}  // namespace wsprobe::test
