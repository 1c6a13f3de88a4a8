#include "common/protocol/settlement.h"

#include "common/job_codec.h"

namespace imagegen::protocol {

std::vector<std::string> settle_argv(const SettleArgs& a) {
  return {a.job_id,
          a.status,
          std::to_string(a.delivered),
          encode_path_list(a.results),
          a.error,
          std::to_string(a.now_ms),
          a.stream_entry,
          std::to_string(a.job_ttl_s),
          a.owner};
}

Result<SettleReply> decode_settle_reply(std::span<const std::string> r) {
  if (r.empty()) return make_error(Errc::kProtocol, "empty settle reply");
  SettleReply out;
  if (r[0] == "missing") return out;
  if (r[0] != "ok" && r[0] != "already") {
    return make_error(Errc::kProtocol, "unknown settle outcome '" + r[0] + "'");
  }
  if (r.size() < 2) return make_error(Errc::kProtocol, "settle reply without its message");
  auto m = decode_completion(r[1]);
  if (!m) return m.error();
  out.outcome = r[0] == "ok" ? SettleReply::Outcome::kSettled : SettleReply::Outcome::kAlreadyFinal;
  out.completion = std::move(m.value());
  return out;
}

}  // namespace imagegen::protocol
