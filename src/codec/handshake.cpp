#include "codec/handshake.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <stdexcept>

#include "codec/http_syntax.h"

namespace wsprobe::codec {
namespace {

constexpr std::string_view base64_digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(ByteView bytes) {
  std::string text(4 * ((bytes.size() + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
  const int length =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes.data(), static_cast<int>(bytes.size()));
  text.resize(static_cast<std::size_t>(length));
  return text;
}

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const std::string& value : values) text.append(text.empty() ? "" : ", ").append(value);
  return text;
}

void require_one_line(std::string_view text, std::string_view what) {
  if (text.find_first_of("\r\n") != std::string_view::npos) {
    throw std::invalid_argument(std::string(what) + " contains CR or LF");
  }
}

HeaderField parse_user_header(std::string_view line) {
  require_one_line(line, "header");
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    throw std::invalid_argument("header \"" + std::string(line) + "\" is not \"Name: value\"");
  }
  return {std::string(line.substr(0, colon)), std::string(trim_ows(line.substr(colon + 1)))};
}

}  // namespace

std::string make_key(const KeyNonce& nonce) { return base64(nonce); }

std::string random_key() {
  KeyNonce nonce;
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed to make a Sec-WebSocket-Key");
  }
  return make_key(nonce);
}

std::string accept_for_key(std::string_view key) {
  const std::string input = std::string(trim_ows(key)) + std::string(websocket_guid);
  std::uint8_t digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (EVP_Digest(input.data(), input.size(), digest, &digest_size, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("EVP_Digest failed to compute SHA-1");
  }
  return base64(ByteView(digest, digest_size));
}

bool is_valid_key(std::string_view key) {
  // 16 bytes take 22 digits and "=="; the 22nd digit carries only 2 bits, so its
  // low 4 bits must be 0 (A, Q, g or w) for the encoding to be canonical.
  if (key.size() != 24 || !key.ends_with("==")) return false;
  const std::string_view digits = key.substr(0, 22);
  const bool all_digits =
      std::all_of(digits.begin(), digits.end(), [](char c) { return base64_digits.find(c) != std::string_view::npos; });
  return all_digits && base64_digits.find(digits.back()) % 16 == 0;
}

RequestHead build_request(const HandshakeRequest& request) {
  require_one_line(request.target, "request target");
  require_one_line(request.host, "host");
  require_one_line(request.key, "key");
  require_one_line(request.version, "version");
  if (request.origin) require_one_line(*request.origin, "origin");
  for (const std::string& subprotocol : request.subprotocols) require_one_line(subprotocol, "subprotocol");
  for (const std::string& extension : request.extensions) require_one_line(extension, "extension offer");

  HeaderFields generated = {
      {"Host", request.host},
      {"Upgrade", "websocket"},
      {"Connection", "Upgrade"},
      {"Sec-WebSocket-Key", request.key},
      {"Sec-WebSocket-Version", request.version},
  };
  if (request.origin) generated.push_back({"Origin", *request.origin});
  if (!request.subprotocols.empty()) generated.push_back({"Sec-WebSocket-Protocol", joined(request.subprotocols)});
  if (!request.extensions.empty()) generated.push_back({"Sec-WebSocket-Extensions", joined(request.extensions)});

  HeaderFields user;
  for (const std::string& line : request.headers) user.push_back(parse_user_header(line));

  // Lines with an empty value are never sent: they only remove the generated header.
  RequestHead head{request.method, request.target, "HTTP/1.1", {}};
  for (const HeaderField& field : generated) {
    bool replaced = false;
    for (const HeaderField& mine : user) {
      if (!iequals(mine.name, field.name)) continue;
      replaced = true;
      if (!mine.value.empty()) head.fields.push_back(mine);
    }
    if (!replaced) head.fields.push_back(field);
  }
  for (const HeaderField& mine : user) {
    const bool generated_name = std::any_of(generated.begin(), generated.end(),
                                            [&](const HeaderField& field) { return iequals(field.name, mine.name); });
    if (!generated_name && !mine.value.empty()) head.fields.push_back(mine);
  }
  return head;
}

}  // namespace wsprobe::codec
