#include "common/protocol/completion.h"

#include "common/config.h"
#include "common/job_codec.h"

namespace imagegen::protocol {

Result<Completion> decode_completion(std::string_view text) {
  std::string_view parts[6];
  for (int i = 0; i < 5; ++i) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos)
      return make_error(Errc::kProtocol, "short completion message");
    parts[i] = text.substr(0, nl);
    text.remove_prefix(nl + 1);
  }
  parts[5] = text;
  Completion m;
  m.job_id = parts[0];
  m.status = parts[1];
  auto charged = parse_int(parts[2], 0, INT64_MAX);
  auto balance = parse_int(parts[3], INT64_MIN, INT64_MAX);
  if (!charged || !balance) return make_error(Errc::kProtocol, "bad numbers in completion message");
  if (m.job_id.empty() || m.status.empty()) {
    return make_error(Errc::kProtocol, "completion message without job id or status");
  }
  m.charged = *charged;
  m.balance = *balance;
  m.error = parts[4];
  auto results = decode_path_list(parts[5]);
  if (!results) return results.error();
  m.results = std::move(results.value());
  return m;
}

}  // namespace imagegen::protocol
