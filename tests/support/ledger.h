#pragma once
// Reading the credit ledger (imagegen:ledger) in tests: the books the metrics and the balances
// are checked against.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/redis/reply.h"

namespace imagegen::testing {

// The sum of `n` over the entries of an `XRANGE imagegen:ledger - +` reply whose `t` is `type`
// ("hold", "capture", "refund", "grant").
inline std::int64_t ledger_total(const redis::Reply& xrange, std::string_view type) {
  std::int64_t sum = 0;
  for (const auto& entry : xrange.elements()) {
    const auto kv = entry.elements()[1].strings();
    std::string_view t;
    std::int64_t n = 0;
    for (std::size_t i = 0; i + 1 < kv.size(); i += 2) {
      if (kv[i] == "t") t = kv[i + 1];
      if (kv[i] == "n") n = std::stoll(kv[i + 1]);
    }
    if (t == type) sum += n;
  }
  return sum;
}

}  // namespace imagegen::testing
