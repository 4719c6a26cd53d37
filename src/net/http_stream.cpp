#include "net/http_stream.h"

#include <algorithm>

#include "base/errors.h"
#include "base/units.h"
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
  transfer.response.head_ms = elapsed_ms(transfer.started);
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

// How long to sleep in curl_multi_poll at most: Ctrl-C is seen this promptly.
constexpr std::chrono::milliseconds max_poll{250};

// Drives one easy handle through a multi handle, so that our own deadlines (the
// response head's, the caller's, the handler's wake_by) end it on time rather than
// at curl's next progress call.
class MultiTransfer {
 public:
  explicit MultiTransfer(CURL* easy) : multi_(curl_multi_init()), easy_(easy) {
    if (!multi_) throw Error(ErrorKind::connect, "could not start libcurl");
    curl_multi_add_handle(multi_, easy_);
  }
  ~MultiTransfer() {
    curl_multi_remove_handle(multi_, easy_);
    curl_multi_cleanup(multi_);
  }
  MultiTransfer(const MultiTransfer&) = delete;
  MultiTransfer& operator=(const MultiTransfer&) = delete;

  // One step: what curl can do now. Returns curl's result once the transfer is done.
  std::optional<CURLcode> perform() {
    int running = 0;
    curl_multi_perform(multi_, &running);
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi_, &left)) {
      if (message->msg == CURLMSG_DONE) return message->data.result;
    }
    return std::nullopt;
  }
  // Sleeps until the socket has something or `until` (at most max_poll).
  void wait(Deadline until) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
    curl_multi_poll(multi_, nullptr, 0, static_cast<int>(std::clamp(left, std::chrono::milliseconds(0), max_poll).count()),
                    nullptr);
  }

 private:
  CURLM* multi_;
  CURL* easy_;
};

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
  // Reads as large as the curl tool's (100 KiB): a fast stream costs fewer calls.
  curl.set(CURLOPT_BUFFERSIZE, 100L * 1024);
  curl.set(CURLOPT_WRITEDATA, &transfer);
  StreamResult result;
  const Deadline head_deadline = std::min(deadline, transfer.started + settings.connection.connect_timeout);
  std::optional<CURLcode> code;
  {
    MultiTransfer multi(curl.get());
    while (!(code = multi.perform()) && !transfer.stopped) {
      const Deadline now = Clock::now();
      if (!transfer.handler.keep_going()) {
        transfer.stopped = true;
      } else if (!transfer.head_delivered && now >= head_deadline) {
        result.error = "no response within " + format_duration(settings.connection.connect_timeout) +
                       " (--connect-timeout)";
        break;
      } else if (now >= deadline) {
        result.error = "--timeout passed";
        break;
      } else {
        transfer.handler.idle();
        multi.wait(std::min({transfer.handler.wake_by(), transfer.head_delivered ? deadline : head_deadline, deadline}));
      }
    }
  }
  result.connected = transfer.head_delivered;
  result.timings = curl.timings(secure);
  if (secure) result.tls = curl.tls_details();
  if (transfer.stopped) {
    result.end = StreamEnd::stopped;
  } else if (!code) {
    result.end = StreamEnd::timed_out;
  } else if (*code == CURLE_OK) {
    result.end = StreamEnd::body_ended;
  } else {
    result.end = *code == CURLE_OPERATION_TIMEDOUT ? StreamEnd::timed_out : StreamEnd::network_error;
    result.error = curl.error_text(*code);
    // OpenSSL's words for a peer that answered the ClientHello with plain HTTP.
    if (*code == CURLE_SSL_CONNECT_ERROR && result.error.find("wrong version number") != std::string::npos) {
      result.error = "the server does not speak TLS on this port, so use http://";
    }
  }
  return result;
}

}  // namespace wsprobe::net
