#pragma once
// Every response body the api sends, built in one place so the spec's texts live once.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_types.h"
#include "api/request_validation.h"
#include "common/protocol/admission.h"
#include "common/protocol/completion.h"

namespace imagegen::api {

ApiResponse error_response(int status, std::string_view message);
ApiResponse unauthorized();                                                        // 401, seed text
ApiResponse unknown_model(std::string_view model);                                 // 400, seed body
ApiResponse insufficient_credits(std::int64_t required, std::int64_t remaining);   // 402
ApiResponse requires_tier(std::string_view model, std::string_view tier_display);  // 403
ApiResponse generation_failed();                                                   // 500, seed text
ApiResponse content_blocked();                                                     // 422
ApiResponse rate_limited(int retry_after_s);                                       // 429
ApiResponse unavailable(std::string_view why, int retry_after_s);                  // 503
ApiResponse timed_out(std::string_view job_id);                                    // 504
ApiResponse idempotency_in_progress(std::string_view job_id);                      // 409
ApiResponse idempotency_mismatch();                                                // 422
ApiResponse invalid_field(std::string_view field, std::string_view message,
                          const std::vector<std::string_view>& allowed = {});  // 400

ApiResponse to_response(const RequestError& e);                            // 400
ApiResponse model_unavailable(std::string_view model, int retry_after_s);  // 503
ApiResponse job_cancelled(std::string_view job_id);                        // 409 JOB_CANCELLED
ApiResponse job_already_finished(std::string_view status);  // 409 JOB_ALREADY_FINISHED
ApiResponse job_not_found();                                // 404
// 202 for a job that goes on without the client: Location names the job.
ApiResponse accepted(std::string_view job_id, std::string_view status,
                     std::string_view preference_applied);

// The one table from an admission verdict to HTTP (kAdmitted and kIdempotentReplay are not
// refusals; the caller handles them).
ApiResponse admission_refused(const protocol::AdmitReply& reply, const ModelInfo& model,
                              std::int64_t cost);

struct SuccessBody {
  std::string job_id;
  std::string model;
  std::string provider;
  std::string prompt;
  std::vector<std::string> file_paths;
  std::int64_t credits_charged = 0;
  std::int64_t credits_remaining = 0;
  int failed = 0;
};
ApiResponse success(const SuccessBody& b);  // 200, seed shape plus extras

// What a waiting request answers for a settled job: 200, or the status's error.
ApiResponse completion_response(const protocol::Completion& m, const ModelInfo* model,
                                std::string_view prompt, int count);

}  // namespace imagegen::api
