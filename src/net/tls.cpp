#include "net/tls.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <cstdint>

#include "base/errors.h"

namespace wsprobe::net {
namespace {

struct KeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};
struct X509ExtensionFree {
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
};
struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};

// Making a key, a certificate or a context in memory fails only when OpenSSL does:
// the TLS part of "could not connect".
[[noreturn]] void fail_internal(const std::string& what) {
  throw Error(ErrorKind::connect, "TLS setup: " + what + " (" + last_tls_error() + ")");
}

TlsContext new_server_context() {
  TlsContext context(SSL_CTX_new(TLS_server_method()));
  if (!context) fail_internal("SSL_CTX_new failed");
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  // No renegotiation, so an SSL_write never waits to read; a client that drops TCP
  // without close_notify has still closed, not failed.
  SSL_CTX_set_options(context.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF);
  // The output buffer moves and grows between retries of a blocked SSL_write; idle
  // connections should not hold read and write buffers.
  SSL_CTX_set_mode(context.get(),
                   SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  return context;
}

void add_extension(X509* certificate, int nid, const char* value) {
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, certificate, certificate, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, X509ExtensionFree> extension(X509V3_EXT_conf_nid(nullptr, &v3, nid, value));
  if (!extension || X509_add_ext(certificate, extension.get(), -1) != 1) fail_internal("cannot add an extension");
}

}  // namespace

std::string last_tls_error() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown";
  const char* reason = ERR_reason_error_string(code);
  return reason ? reason : "error " + std::to_string(code);
}

TlsContext server_context_from_files(const std::string& certificate_file, const std::string& key_file) {
  TlsContext context = new_server_context();
  if (SSL_CTX_use_certificate_chain_file(context.get(), certificate_file.c_str()) != 1) {
    throw usage_error("cannot use --tls-cert " + certificate_file + " (" + last_tls_error() + ")",
                      "it must be a PEM certificate, optionally followed by its chain");
  }
  if (SSL_CTX_use_PrivateKey_file(context.get(), key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    throw usage_error("cannot use --tls-key " + key_file + " (" + last_tls_error() + ")",
                      "it must be an unencrypted PEM private key");
  }
  if (SSL_CTX_check_private_key(context.get()) != 1) {
    throw usage_error("--tls-key " + key_file + " does not match --tls-cert " + certificate_file + " (" +
                      last_tls_error() + ")");
  }
  return context;
}

SelfSignedContext self_signed_server_context() {
  std::unique_ptr<EVP_PKEY, KeyFree> key(EVP_EC_gen("P-256"));
  if (!key) fail_internal("cannot generate an EC P-256 key");

  std::unique_ptr<X509, X509Free> certificate(X509_new());
  if (!certificate) fail_internal("X509_new failed");
  X509* cert = certificate.get();
  X509_set_version(cert, X509_VERSION_3);
  std::uint64_t serial = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&serial), sizeof serial) != 1) fail_internal("RAND_bytes failed");
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert), serial >> 1);  // positive, as RFC 5280 4.1.2.2 asks
  constexpr long one_day = 24 * 60 * 60;
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), one_day);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key.get());
  add_extension(cert, NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert, NID_key_usage, "critical,digitalSignature");
  add_extension(cert, NID_ext_key_usage, "serverAuth");
  add_extension(cert, NID_subject_key_identifier, "hash");
  add_extension(cert, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  if (X509_sign(cert, key.get(), EVP_sha256()) == 0) fail_internal("cannot sign the certificate");

  SelfSignedContext result{new_server_context(), {}};
  if (SSL_CTX_use_certificate(result.context.get(), cert) != 1 ||
      SSL_CTX_use_PrivateKey(result.context.get(), key.get()) != 1) {
    fail_internal("cannot use the self-signed certificate");
  }
  std::unique_ptr<BIO, BioFree> pem(BIO_new(BIO_s_mem()));
  if (!pem || PEM_write_bio_X509(pem.get(), cert) != 1) fail_internal("cannot write the certificate as PEM");
  char* data = nullptr;
  const long size = BIO_get_mem_data(pem.get(), &data);
  result.certificate_pem.assign(data, static_cast<std::size_t>(size));
  return result;
}

}  // namespace wsprobe::net
