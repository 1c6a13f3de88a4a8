#pragma once
// The api's Redis reads and the SETTLE call, each one round trip with the command deadline.
// Thin adapters: what the replies mean is decided by common/protocol (job_view among them).
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <unordered_map>

#include "api/api_context.h"
#include "api/auth.h"
#include "common/protocol/completion.h"
#include "common/protocol/job_view.h"
#include "common/protocol/settlement.h"
#include "common/result.h"

namespace imagegen::api {

using JobFields = protocol::JobFields;

// The user a credential belongs to: a JWT names it; an API key is looked up (nullopt when
// unknown or revoked). Errors only when Redis cannot answer.
boost::asio::awaitable<Result<std::optional<std::string>>> resolve_user(ApiContext& ctx,
                                                                        const Credential& cred);

// The job hash; empty when there is no such job.
boost::asio::awaitable<Result<JobFields>> read_job(ApiContext& ctx, std::string_view job_id);

// The job's settlement from its hash, or nullopt while it is queued/running or unreadable.
boost::asio::awaitable<std::optional<protocol::Completion>> read_final(ApiContext& ctx,
                                                                       const std::string& job_id);

boost::asio::awaitable<Result<protocol::SettleReply>> settle(ApiContext& ctx,
                                                             const protocol::SettleArgs& args);

// Job ids are ours: lowercase hex, at most 64 characters. Anything else is not a job.
bool is_job_id(std::string_view id);

}  // namespace imagegen::api
