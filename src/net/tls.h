#pragma once
// OpenSSL server contexts for the built-in server: from a certificate and key in PEM
// files, or from a throwaway self-signed certificate made on the spot.
#include <openssl/ssl.h>

#include <memory>
#include <string>

namespace wsprobe::net {

struct SslCtxFree {
  void operator()(SSL_CTX* context) const { SSL_CTX_free(context); }
};
using TlsContext = std::unique_ptr<SSL_CTX, SslCtxFree>;

// Loads a PEM certificate chain and its private key. Throws Error (ErrorKind::usage)
// naming the file and OpenSSL's reason when either cannot be used.
TlsContext server_context_from_files(const std::string& certificate_file, const std::string& key_file);

struct SelfSignedContext {
  TlsContext context;
  std::string certificate_pem;  // for clients to trust (--cacert)
};

// A fresh EC P-256 key and a certificate for CN=localhost with the subject
// alternative names DNS:localhost, IP:127.0.0.1 and IP:::1, valid for one day.
SelfSignedContext self_signed_server_context();

// OpenSSL's reason for the last error on this thread's queue ("wrong version
// number"), emptying the queue; "unknown" when there is none.
std::string last_tls_error();

}  // namespace wsprobe::net
