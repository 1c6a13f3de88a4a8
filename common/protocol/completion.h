#pragma once
// The completion message: what a settlement publishes to the waiting api instance and what the
// SETTLE script returns. Its only encoder is the SETTLE script (common/lua_scripts.cpp), since
// the charge and the balance are known only inside it; this is its only decoder.
// Format: six fields separated by '\n', results last as a JSON array of stored paths:
//   job_id \n status \n charged \n balance \n error \n ["path", ...]
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace imagegen::protocol {

struct Completion {
  std::string job_id;
  std::string status;  // a final status (job_status.h)
  std::int64_t charged = 0;
  std::int64_t balance = 0;  // the user's available balance right after the settlement
  std::string error;
  std::vector<std::string> results;  // stored paths, results[i].filePath
};

// Bytes from Redis (pub/sub payload or script reply): anything malformed is kProtocol.
Result<Completion> decode_completion(std::string_view text);

}  // namespace imagegen::protocol
