#pragma once
// The SETTLE script's typed arguments and reply (common/lua_scripts.cpp). Every party that ends
// a job uses it: the worker (its result), the api (a synchronous wait that expired), the cancel
// route and the deadline sweeper. Exactly one settlement wins; the others get "already".
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/protocol/completion.h"
#include "common/result.h"

namespace imagegen::protocol {

struct SettleArgs {
  std::string job_id;
  std::string status;  // a final status
  int delivered = 0;   // images stored; each is charged its cost per image
  std::vector<std::string> results;
  std::string error;
  std::int64_t now_ms = 0;
  std::string stream_entry;  // acked and deleted; "" = none
  std::string owner;         // "" = anyone; else the job must belong to this user
};

std::vector<std::string> settle_argv(const SettleArgs& a);
// Several jobs in one SETTLE call (a worker's group-commit pass): their arguments one after
// another; the reply holds one outcome per job, in the same order.
std::vector<std::string> settle_argv(std::span<const SettleArgs> batch);

struct SettleReply {
  enum class Outcome { kSettled, kAlreadyFinal, kMissing } outcome = Outcome::kMissing;
  Completion completion;  // kSettled: this settlement; kAlreadyFinal: the first one
};

// The reply for one job: the first (outcome, message) pair.
Result<SettleReply> decode_settle_reply(std::span<const std::string> reply);
// The reply for `jobs` jobs: exactly that many pairs, or an error for the whole reply.
Result<std::vector<SettleReply>> decode_settle_replies(std::span<const std::string> reply,
                                                       std::size_t jobs);

}  // namespace imagegen::protocol
