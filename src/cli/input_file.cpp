#include "cli/input_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace wsprobe::cli {

InputFile read_input_file(const std::string& path, std::size_t limit) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return {InputFile::Status::unreadable, {}};
  InputFile result;
  // Room for everything up front, so that growing never copies (and never holds twice
  // the limit): a file's size, or the limit for what has no size (a pipe, a device).
  std::error_code error;
  const bool regular = std::filesystem::is_regular_file(path, error);
  const std::uintmax_t size = regular ? std::filesystem::file_size(path, error) : 0;
  if (regular && !error && size > limit) return {InputFile::Status::too_big, {}};
  result.bytes.reserve(regular && !error ? static_cast<std::size_t>(size) + 1 : limit + 1);
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
