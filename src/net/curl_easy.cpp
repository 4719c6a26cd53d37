#include "net/curl_easy.h"

#include <arpa/inet.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <mutex>

namespace wsprobe::net {
namespace {

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

TlsDetails tls_details_of(const SSL* ssl) {
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

// When a handshake completes, its details go to the CurlEasy that made the context.
void on_tls_state(const SSL* ssl, int where, int) {
  if (!(where & SSL_CB_HANDSHAKE_DONE)) return;
  auto* target = static_cast<std::optional<TlsDetails>*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
  if (target) *target = tls_details_of(ssl);
}

// libcurl 7.88 gives no SSL* for a CONNECT_ONLY transfer once it is made
// (CURLINFO_TLS_SSL_PTR answers with a null pointer), so the details are taken
// from the handshake itself.
CURLcode watch_tls_handshake(CURL*, void* ssl_context, void* target) {
  auto* context = static_cast<SSL_CTX*>(ssl_context);
  SSL_CTX_set_app_data(context, target);
  SSL_CTX_set_info_callback(context, on_tls_state);
  return CURLE_OK;
}

}  // namespace

std::string curl_url(const WsUrl& url, std::string_view target) {
  return std::string(url.secure ? "https" : "http") + "://" + url.host_literal() + ":" + std::to_string(url.port) +
         std::string(target);
}

CurlEasy::CurlEasy() {
  static std::once_flag initialised;
  std::call_once(initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
  if (!curl_) throw Error(ErrorKind::connect, "could not start libcurl");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_ERRORBUFFER, error_);
  watching_tls_ = curl_easy_setopt(curl_, CURLOPT_SSL_CTX_FUNCTION, watch_tls_handshake) == CURLE_OK;
  set(CURLOPT_SSL_CTX_DATA, &tls_);
}

CurlEasy::~CurlEasy() { curl_easy_cleanup(curl_); }

void CurlEasy::configure(const ConnectSettings& settings, Deadline deadline) {
  if (settings.proxy) set(CURLOPT_PROXY, settings.proxy->c_str());
  for (const std::string& entry : settings.resolve) resolve_.reset(curl_slist_append(resolve_.release(), entry.c_str()));
  if (resolve_) set(CURLOPT_RESOLVE, resolve_.get());
  set(CURLOPT_IPRESOLVE, static_cast<long>(settings.ip_version == IpVersion::v4   ? CURL_IPRESOLVE_V4
                                           : settings.ip_version == IpVersion::v6 ? CURL_IPRESOLVE_V6
                                                                                  : CURL_IPRESOLVE_WHATEVER));
  if (settings.insecure) {
    set(CURLOPT_SSL_VERIFYPEER, 0L);
    set(CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!settings.cacert.empty()) set(CURLOPT_CAINFO, settings.cacert.c_str());
  if (settings.proxy_insecure) {
    set(CURLOPT_PROXY_SSL_VERIFYPEER, 0L);
    set(CURLOPT_PROXY_SSL_VERIFYHOST, 0L);
  }
  if (!settings.proxy_cacert.empty()) set(CURLOPT_PROXY_CAINFO, settings.proxy_cacert.c_str());
  if (!settings.cert.empty()) set(CURLOPT_SSLCERT, settings.cert.c_str());
  if (!settings.key.empty()) set(CURLOPT_SSLKEY, settings.key.c_str());
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  const auto limit = std::max(std::chrono::milliseconds(1), std::min(settings.connect_timeout, left));
  set(CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limit.count()));
}

void CurlEasy::set_headers(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) headers_.reset(curl_slist_append(headers_.release(), line.c_str()));
  set(CURLOPT_HTTPHEADER, headers_.get());
}

std::string CurlEasy::error_text(CURLcode code) const { return error_[0] ? error_ : curl_easy_strerror(code); }

Error CurlEasy::connect_failure(CURLcode code, const std::string& target) const {
  const std::string why = error_text(code);
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return Error(ErrorKind::timeout, "timed out connecting to " + target + " (" + why + ")",
                   "raise --connect-timeout, or check that the host answers");
  }
  std::string hint;
  if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE) {
    long proxy_verify_result = 0;
    curl_easy_getinfo(curl_, CURLINFO_PROXY_SSL_VERIFYRESULT, &proxy_verify_result);
    hint = proxy_verify_result != 0
               ? "pass the proxy's CA with --proxy-cacert FILE, or skip its verification with --proxy-insecure"
               : "pass the server's CA with --cacert FILE, or skip verification with -k";
  }
  // OpenSSL's words for a peer that answered the ClientHello with something else, as a
  // plain HTTP or WebSocket server does.
  if (code == CURLE_SSL_CONNECT_ERROR && why.find("wrong version number") != std::string::npos) {
    const bool websocket = target.starts_with("wss://");
    return Error(ErrorKind::connect,
                 "could not connect to " + target + ": the server does not speak TLS on this port (" + why + ")",
                 websocket ? "for a plain server use ws:// instead of wss://" : "for a plain server use http:// instead of https://");
  }
  return Error(ErrorKind::connect, "could not connect to " + target + " (" + why + ")", hint);
}

ConnectTimings CurlEasy::timings(bool secure) const {
  ConnectTimings timings;
  const double dns = info_ms(curl_, CURLINFO_NAMELOOKUP_TIME_T);
  const double connected = info_ms(curl_, CURLINFO_CONNECT_TIME_T);
  timings.dns_ms = dns;
  timings.tcp_ms = connected - dns;
  if (secure) timings.tls_ms = info_ms(curl_, CURLINFO_APPCONNECT_TIME_T) - connected;
  return timings;
}

Endpoints CurlEasy::endpoints() const {
  Endpoints ends;
  char* text = nullptr;
  if (curl_easy_getinfo(curl_, CURLINFO_PRIMARY_IP, &text) == CURLE_OK && text) ends.remote_address = text;
  curl_easy_getinfo(curl_, CURLINFO_PRIMARY_PORT, &ends.remote_port);
  if (curl_easy_getinfo(curl_, CURLINFO_LOCAL_IP, &text) == CURLE_OK && text) ends.local_address = text;
  curl_easy_getinfo(curl_, CURLINFO_LOCAL_PORT, &ends.local_port);
  return ends;
}

}  // namespace wsprobe::net
