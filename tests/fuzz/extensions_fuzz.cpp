#include <cstdlib>

#include "codec/extensions.h"
#include "fuzz/targets.h"

namespace wsprobe::fuzz {

// The whole input is a Sec-WebSocket-Extensions value. What parses must format and
// parse back to the same elements, and the deflate negotiation on either side must
// take any parsed list.
int extensions_fuzz(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const codec::Result<std::vector<codec::Extension>> parsed = codec::parse_extensions(text);
  if (!parsed) return 0;
  const auto reparsed = codec::parse_extensions(codec::format_extensions(parsed.value()));
  if (!reparsed || !(reparsed.value() == parsed.value())) std::abort();

  std::vector<codec::DeflateOffer> offers;
  for (const codec::Extension& element : parsed.value()) {
    if (element.name != codec::permessage_deflate) continue;
    if (auto offer = codec::parse_deflate_offer(element)) offers.push_back(offer.value());
  }
  // The server side's answer to these offers must satisfy the client side that made them.
  if (const auto agreement = codec::accept_deflate_offer(parsed.value())) {
    const auto checked = codec::agreed_deflate({codec::to_extension(*agreement)}, offers);
    if (!checked || checked.value() != agreement) std::abort();
  }
  (void)codec::agreed_deflate(parsed.value(), offers);
  return 0;
}

}  // namespace wsprobe::fuzz
