#include "cli/input_file.h"

#include <fstream>

namespace wsprobe::cli {

InputFile read_input_file(const std::string& path, std::size_t limit) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return {InputFile::Status::unreadable, {}};
  InputFile result;
  constexpr std::size_t chunk = 64 * 1024;
  // One byte past the limit is enough to know the file is too big.
  while (file && result.bytes.size() <= limit) {
    const std::size_t had = result.bytes.size();
    result.bytes.resize(had + std::min(chunk, limit + 1 - had));
    file.read(reinterpret_cast<char*>(result.bytes.data() + had), static_cast<std::streamsize>(result.bytes.size() - had));
    result.bytes.resize(had + static_cast<std::size_t>(file.gcount()));
  }
  if (file.bad()) return {InputFile::Status::unreadable, {}};
  if (result.bytes.size() > limit) return {InputFile::Status::too_big, {}};
  return result;
}

}  // namespace wsprobe::cli
