#pragma once
// The opening handshake as curl -v shows it: "> " for the request head sent, "< " for
// the response head received. Bytes are escaped (the peer's unless `raw` asks for them
// as they came; ours always, since --ws-key, -H and the URL may carry any bytes on
// purpose), secrets redacted unless shown.
#include <string>
#include <vector>

#include "codec/http.h"

namespace wsprobe::output {

std::vector<std::string> request_head_lines(const codec::RequestHead& request, bool show_secrets);
std::vector<std::string> response_head_lines(const codec::ResponseHead& response, bool show_secrets, bool raw);

}  // namespace wsprobe::output
