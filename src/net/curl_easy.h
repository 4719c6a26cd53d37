#pragma once
// One libcurl easy handle with what every wsprobe transfer sets the same way: proxy,
// --resolve, -4/-6, TLS options and the connect timeout; and what every transfer
// reads back the same way: phase timings, TLS details, endpoints, and errors as
// Error of the kind that the CLI contract maps to its exit code.
#include <curl/curl.h>

#include <memory>
#include <optional>
#include <string>

#include "base/errors.h"
#include "net/client.h"

namespace wsprobe::net {

class CurlEasy {
 public:
  CurlEasy();
  ~CurlEasy();
  CurlEasy(const CurlEasy&) = delete;
  CurlEasy& operator=(const CurlEasy&) = delete;

  CURL* get() const { return curl_; }

  template <class T>
  void set(CURLoption option, T value) {
    curl_easy_setopt(curl_, option, value);
  }

  // Proxy, resolution, TLS and a connect timeout no later than `deadline`.
  void configure(const ConnectSettings& settings, Deadline deadline);
  // Request headers, "Name: value" lines (curl keeps the strings).
  void set_headers(const std::vector<std::string>& lines);

  // What a failed connection to `target` means for the user: a timeout for a
  // timeout, a connect failure otherwise, with curl's own words and a hint where one helps.
  Error connect_failure(CURLcode code, const std::string& target) const;
  std::string error_text(CURLcode code) const;

  ConnectTimings timings(bool secure) const;
  // The TLS session's details, once a TLS handshake completed.
  const std::optional<TlsDetails>& tls_details() const { return tls_; }
  // Whether every TLS handshake (to the server or to a proxy) shows in tls_details():
  // libcurl takes the SSL_CTX callback only with an OpenSSL-like backend.
  bool watching_tls() const { return watching_tls_; }
  Endpoints endpoints() const;

 private:
  struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  };
  using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

  CURL* curl_;
  char error_[CURL_ERROR_SIZE] = {};
  Slist resolve_;
  Slist headers_;
  std::optional<TlsDetails> tls_;
  bool watching_tls_ = false;
};

// "http(s)://host:port" followed by `target`, for curl (which has no ws:// here).
std::string curl_url(const WsUrl& url, std::string_view target);

}  // namespace wsprobe::net
