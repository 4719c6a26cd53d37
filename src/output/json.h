#pragma once
// A small streaming JSON writer: objects, arrays and scalars on one line, strings
// escaped by json_string. Enough for JSON Lines events and summary objects.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsprobe::output {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  JsonWriter& key(std::string_view name);

  JsonWriter& value(std::string_view text);
  JsonWriter& value(const char* text) { return value(std::string_view(text)); }
  JsonWriter& value(const std::string& text) { return value(std::string_view(text)); }
  JsonWriter& value(bool flag);
  JsonWriter& value(std::int64_t number);
  JsonWriter& value(int number) { return value(static_cast<std::int64_t>(number)); }
  JsonWriter& value(std::uint64_t number);
  // Milliseconds and other measures: three decimals.
  JsonWriter& value(double number);
  JsonWriter& null();
  template <class T>
  JsonWriter& value(const std::optional<T>& maybe) {
    return maybe ? value(*maybe) : null();
  }

  // key(name).value(v) in one call.
  template <class T>
  JsonWriter& field(std::string_view name, const T& v) {
    return key(name).value(v);
  }

  const std::string& text() const { return out_; }
  // Empties the writer for the next record, keeping its buffer.
  void clear();

 private:
  void separate();

  std::string out_;
  std::vector<bool> first_;  // per open container: nothing written in it yet
  bool after_key_ = false;
};

// A finite number as JsonWriter::value writes it (three decimals), appended to `out`.
void append_json_number(std::string& out, double number);

}  // namespace wsprobe::output
