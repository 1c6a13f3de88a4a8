#include "common/protocol/settlement.h"

#include "common/job_codec.h"

namespace imagegen::protocol {

namespace {
constexpr std::size_t kArgsPerJob = 8;  // kSettle's ARGV stride

void append_args(std::vector<std::string>& out, const SettleArgs& a) {
  out.push_back(a.job_id);
  out.push_back(a.status);
  out.push_back(std::to_string(a.delivered));
  out.push_back(encode_path_list(a.results));
  out.push_back(a.error);
  out.push_back(std::to_string(a.now_ms));
  out.push_back(a.stream_entry);
  out.push_back(a.owner);
}
}  // namespace

std::vector<std::string> settle_argv(const SettleArgs& a) {
  return settle_argv(std::span<const SettleArgs>(&a, 1));
}

std::vector<std::string> settle_argv(std::span<const SettleArgs> batch) {
  std::vector<std::string> out;
  out.reserve(batch.size() * kArgsPerJob);
  for (const auto& a : batch) append_args(out, a);
  return out;
}

Result<std::vector<SettleReply>> decode_settle_replies(std::span<const std::string> r,
                                                       std::size_t jobs) {
  if (r.size() != 2 * jobs) {
    return make_error(Errc::kProtocol, "settle reply has " + std::to_string(r.size()) +
                                           " values for " + std::to_string(jobs) + " jobs");
  }
  std::vector<SettleReply> out;
  out.reserve(jobs);
  for (std::size_t i = 0; i < jobs; ++i) {
    auto one = decode_settle_reply(r.subspan(2 * i, 2));
    if (!one) return one.error();
    out.push_back(std::move(one.value()));
  }
  return out;
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
