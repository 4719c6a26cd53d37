#include "net/client.h"

#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>

#include "cli/errors.h"

namespace wsprobe::net {
namespace {

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

template <class T>
void set(CURL* curl, CURLoption option, T value) {
  curl_easy_setopt(curl, option, value);
}

double info_ms(CURL* curl, CURLINFO info) {
  curl_off_t microseconds = 0;
  curl_easy_getinfo(curl, info, &microseconds);
  return static_cast<double>(microseconds) / 1000.0;
}

std::string x509_name(const X509_NAME* name) {
  if (!name) return {};
  BIO* bio = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string text(data, static_cast<std::size_t>(size));
  BIO_free(bio);
  return text;
}

std::vector<std::string> subject_alt_names(X509* certificate) {
  std::vector<std::string> names;
  auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  if (!sans) return names;
  for (int i = 0; i < sk_GENERAL_NAME_num(sans); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans, i);
    if (name->type == GEN_DNS) {
      const ASN1_STRING* dns = name->d.dNSName;
      names.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(dns)),
                                           static_cast<std::size_t>(ASN1_STRING_length(dns))));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char text[64] = {};
      const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
      if (inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text)) names.push_back("IP:" + std::string(text));
    }
  }
  GENERAL_NAMES_free(sans);
  return names;
}

std::string asn1_time_utc(const ASN1_TIME* time) {
  tm parts{};
  if (!time || ASN1_TIME_to_tm(time, &parts) != 1) return {};
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

TlsDetails tls_details(const SSL* ssl) {
  TlsDetails details;
  details.version = SSL_get_version(ssl);
  if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl)) details.cipher = SSL_CIPHER_get_name(cipher);
  const unsigned char* alpn = nullptr;
  unsigned int alpn_size = 0;
  SSL_get0_alpn_selected(ssl, &alpn, &alpn_size);
  details.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_size);
  if (X509* certificate = SSL_get1_peer_certificate(ssl)) {
    details.subject = x509_name(X509_get_subject_name(certificate));
    details.issuer = x509_name(X509_get_issuer_name(certificate));
    details.subject_alt_names = subject_alt_names(certificate);
    details.not_after = asn1_time_utc(X509_get0_notAfter(certificate));
    X509_free(certificate);
  }
  const long result = SSL_get_verify_result(ssl);
  details.verified = result == X509_V_OK;
  details.verify_result = X509_verify_cert_error_string(result);
  return details;
}

bool is_timeout(CURLcode code) { return code == CURLE_OPERATION_TIMEDOUT; }

}  // namespace

double elapsed_ms(Clock::time_point start, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - start).count();
}

std::unique_ptr<Connection> Connection::open(const ConnectSettings& settings, Deadline deadline) {
  static std::once_flag curl_initialised;
  std::call_once(curl_initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });

  std::unique_ptr<Connection> connection(new Connection);
  CURL* curl = curl_easy_init();
  if (!curl) throw Failure(exit_connect, "could not start libcurl");
  connection->curl_ = curl;

  // curl speaks http(s) here: Debian 12's libcurl has no ws:// support, and we only
  // want its connection anyway.
  const WsUrl& url = settings.url;
  const std::string curl_url =
      std::string(url.secure ? "https" : "http") + "://" + url.host_literal() + ":" + std::to_string(url.port) + "/";
  char error[CURL_ERROR_SIZE] = {};
  set(curl, CURLOPT_URL, curl_url.c_str());
  set(curl, CURLOPT_CONNECT_ONLY, 1L);
  set(curl, CURLOPT_NOSIGNAL, 1L);
  set(curl, CURLOPT_ERRORBUFFER, error);
  set(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));  // ALPN offers http/1.1 only
  set(curl, CURLOPT_HTTPPROXYTUNNEL, 1L);  // a ws:// URL through an HTTP proxy needs CONNECT too
  if (settings.proxy) set(curl, CURLOPT_PROXY, settings.proxy->c_str());
  std::unique_ptr<curl_slist, SlistDeleter> resolve;
  for (const std::string& entry : settings.resolve) {
    resolve.reset(curl_slist_append(resolve.release(), entry.c_str()));
  }
  if (resolve) set(curl, CURLOPT_RESOLVE, resolve.get());
  set(curl, CURLOPT_IPRESOLVE,
      static_cast<long>(settings.ip_version == IpVersion::v4   ? CURL_IPRESOLVE_V4
                        : settings.ip_version == IpVersion::v6 ? CURL_IPRESOLVE_V6
                                                               : CURL_IPRESOLVE_WHATEVER));
  if (settings.insecure) {
    set(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    set(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!settings.cacert.empty()) set(curl, CURLOPT_CAINFO, settings.cacert.c_str());
  if (!settings.cert.empty()) set(curl, CURLOPT_SSLCERT, settings.cert.c_str());
  if (!settings.key.empty()) set(curl, CURLOPT_SSLKEY, settings.key.c_str());
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  const auto limit = std::max<std::chrono::milliseconds>(std::chrono::milliseconds(1),
                                                         std::min(settings.connect_timeout, left));
  set(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limit.count()));

  const CURLcode result = curl_easy_perform(curl);
  if (result != CURLE_OK) {
    const std::string why = error[0] ? error : curl_easy_strerror(result);
    if (is_timeout(result)) {
      throw Failure(exit_timeout, "timed out connecting to " + url.text() + " (" + why + ")",
                    "raise --connect-timeout, or check that the host answers");
    }
    std::string hint;
    if (result == CURLE_PEER_FAILED_VERIFICATION || result == CURLE_SSL_CACERT_BADFILE) {
      hint = "pass the server's CA with --cacert FILE, or skip verification with -k";
    }
    throw Failure(exit_connect, "could not connect to " + url.text() + " (" + why + ")", hint);
  }

  curl_socket_t socket = CURL_SOCKET_BAD;
  curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &socket);
  connection->socket_ = static_cast<int>(socket);

  ConnectTimings& timings = connection->timings_;
  const double dns = info_ms(curl, CURLINFO_NAMELOOKUP_TIME_T);
  const double connected = info_ms(curl, CURLINFO_CONNECT_TIME_T);
  const double tls_done = info_ms(curl, CURLINFO_APPCONNECT_TIME_T);
  timings.dns_ms = dns;
  timings.tcp_ms = connected - dns;
  if (url.secure) timings.tls_ms = tls_done - connected;

  Endpoints& ends = connection->endpoints_;
  char* text = nullptr;
  if (curl_easy_getinfo(curl, CURLINFO_PRIMARY_IP, &text) == CURLE_OK && text) ends.remote_address = text;
  curl_easy_getinfo(curl, CURLINFO_PRIMARY_PORT, &ends.remote_port);
  if (curl_easy_getinfo(curl, CURLINFO_LOCAL_IP, &text) == CURLE_OK && text) ends.local_address = text;
  curl_easy_getinfo(curl, CURLINFO_LOCAL_PORT, &ends.local_port);

  if (url.secure) {
    curl_tlssessioninfo* session = nullptr;
    if (curl_easy_getinfo(curl, CURLINFO_TLS_SSL_PTR, &session) == CURLE_OK && session &&
        session->backend == CURLSSLBACKEND_OPENSSL && session->internals) {
      connection->tls_ = tls_details(static_cast<const SSL*>(session->internals));
    }
  }
  return connection;
}

Connection::~Connection() {
  if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

bool Connection::wait_for_socket(bool for_write, Deadline deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd entry{socket_, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
    const int ready = ::poll(&entry, 1, static_cast<int>(std::min<long long>(left, 1'000'000)));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) return true;  // let curl report the socket's error
  }
}

void Connection::send_all(codec::ByteView data, Deadline deadline) {
  auto* curl = static_cast<CURL*>(curl_);
  while (!data.empty()) {
    std::size_t sent = 0;
    const CURLcode result = curl_easy_send(curl, data.data(), data.size(), &sent);
    if (result == CURLE_AGAIN) {
      if (!wait_for_socket(true, deadline)) throw Failure(exit_timeout, "timed out sending to the server");
      continue;
    }
    if (result != CURLE_OK) {
      throw Failure(exit_connect, std::string("the connection broke while sending (") + curl_easy_strerror(result) + ")");
    }
    data = data.subspan(sent);
  }
}

ReadResult Connection::read_some(codec::MutableByteView buffer, Deadline deadline) {
  auto* curl = static_cast<CURL*>(curl_);
  for (;;) {
    std::size_t received = 0;
    // TLS may hold decrypted bytes that poll cannot see: always ask curl first.
    const CURLcode result = curl_easy_recv(curl, buffer.data(), buffer.size(), &received);
    if (result == CURLE_OK) {
      return received == 0 ? ReadResult{ReadStatus::eof} : ReadResult{ReadStatus::data, received};
    }
    if (result != CURLE_AGAIN) {
      const int error_number = errno;
      std::string why = curl_easy_strerror(result);
      if (error_number == ECONNRESET) why = std::strerror(error_number);
      return ReadResult{ReadStatus::reset, 0, why};
    }
    if (!wait_for_socket(false, deadline)) return ReadResult{ReadStatus::timeout};
  }
}

}  // namespace wsprobe::net
