#include "net/http_stream.h"

#include "codec/http_syntax.h"
#include "net/curl_easy.h"

namespace wsprobe::net {
namespace {

struct Transfer {
  HttpStreamHandler& handler;
  CURL* curl;
  Clock::time_point started;
  HttpResponseInfo response;
  bool head_delivered = false;
  bool stopped = false;
};

std::string_view trim_line_end(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

// Header lines of every response (redirects included); the final response's head is
// the one that is not a redirect curl will follow, nor an interim 1xx.
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  const std::string_view line = trim_line_end(std::string_view(data, bytes));
  if (line.starts_with("HTTP/")) {
    transfer.response.headers.clear();
    const std::size_t space = line.find(' ');
    transfer.response.http_version = std::string(line.substr(5, space - 5));
    return bytes;
  }
  if (!line.empty()) {
    const std::size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      transfer.response.headers.push_back(
          {std::string(line.substr(0, colon)), std::string(codec::trim_ows(line.substr(colon + 1)))});
    }
    return bytes;
  }
  long status = 0;
  curl_easy_getinfo(transfer.curl, CURLINFO_RESPONSE_CODE, &status);
  const bool redirect = status >= 300 && status < 400 && codec::combined_field_value(transfer.response.headers, "Location");
  if (status < 200 || redirect) return bytes;
  transfer.response.status = status;
  char* url = nullptr;
  if (curl_easy_getinfo(transfer.curl, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url) transfer.response.final_url = url;
  curl_easy_getinfo(transfer.curl, CURLINFO_REDIRECT_COUNT, &transfer.response.redirects);
  transfer.response.ttfb_ms = elapsed_ms(transfer.started);
  transfer.head_delivered = true;
  if (!transfer.handler.on_response(transfer.response)) {
    transfer.stopped = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  return bytes;
}

std::size_t on_write(char* data, std::size_t size, std::size_t count, void* user) {
  auto& transfer = *static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (!transfer.handler.on_body(codec::ByteView(reinterpret_cast<const std::uint8_t*>(data), bytes)) ||
      !transfer.handler.keep_going()) {
    transfer.stopped = true;
    return 0;
  }
  return bytes;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto& transfer = *static_cast<Transfer*>(user);
  if (transfer.handler.keep_going()) return 0;
  transfer.stopped = true;
  return 1;  // curl stops with CURLE_ABORTED_BY_CALLBACK
}

}  // namespace

StreamResult run_http_stream(const HttpStreamSettings& settings, HttpStreamHandler& handler, Deadline deadline) {
  CurlEasy curl;
  const std::string url = curl_url(settings.connection.url, settings.target);
  curl.set(CURLOPT_URL, url.c_str());
  curl.configure(settings.connection, deadline);
  curl.set_headers(settings.headers);
  curl.set(CURLOPT_FOLLOWLOCATION, 1L);
  curl.set(CURLOPT_MAXREDIRS, 10L);
  curl.set(CURLOPT_ACCEPT_ENCODING, "");  // every encoding curl can decode
  const bool secure = settings.connection.url.secure;
  curl.set(CURLOPT_HTTP_VERSION, static_cast<long>(!settings.http2_only ? CURL_HTTP_VERSION_2TLS
                                                   : secure            ? CURL_HTTP_VERSION_2_0
                                                                       : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE));
  Transfer transfer{handler, curl.get(), Clock::now(), {}, false, false};
  curl.set(CURLOPT_HEADERFUNCTION, on_header);
  curl.set(CURLOPT_HEADERDATA, &transfer);
  curl.set(CURLOPT_WRITEFUNCTION, on_write);
  curl.set(CURLOPT_WRITEDATA, &transfer);
  curl.set(CURLOPT_XFERINFOFUNCTION, on_progress);
  curl.set(CURLOPT_XFERINFODATA, &transfer);
  curl.set(CURLOPT_NOPROGRESS, 0L);

  const CURLcode code = curl_easy_perform(curl.get());
  StreamResult result;
  result.connected = transfer.head_delivered;
  result.timings = curl.timings(secure);
  if (secure) result.tls = curl.tls_details();
  if (transfer.stopped) {
    result.end = StreamEnd::stopped;
  } else if (code == CURLE_OK) {
    result.end = StreamEnd::body_ended;
  } else {
    result.end = code == CURLE_OPERATION_TIMEDOUT ? StreamEnd::timed_out : StreamEnd::network_error;
    result.error = curl.error_text(code);
  }
  return result;
}

}  // namespace wsprobe::net
