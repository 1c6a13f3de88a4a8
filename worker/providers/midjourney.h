#pragma once
// Midjourney through PiAPI's unified task API (midjourney-v7, midjourney-v6-1); providers.md §4a.
// One `imagine` task makes a grid of four; the first `count` split images are downloaded, so one
// upstream call serves count <= 4. Version, ratio, negative prompt and seed travel as prompt
// flags (`--v`, `--ar`, `--no`, `--seed`), so user text must not be able to smuggle in flags.
#include "worker/providers/provider.h"

namespace imagegen::worker {

// User text with every flag-shaped run neutralised: "--", the em and en dashes Midjourney reads
// as "--", and "::" weights become plain characters; line breaks become spaces.
std::string midjourney_sanitize(std::string_view text);

// "<sanitized prompt> --v <version> --ar W:H [--no <negative>] [--seed N]".
std::string midjourney_prompt(const ModelInfo& model, const JobSpec& job);

class MidjourneyFamily final : public ProviderFamily {
 public:
  std::string_view name() const override { return "midjourney"; }
  int max_images_per_call(const ModelInfo&) const override { return 4; }
  HttpRequest build_request(const ModelInfo& model, const JobSpec& job, int images_in_call,
                            const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_response(const HttpResponse& response) const override;
  HttpRequest build_follow_up(const ProviderFollowUp& follow_up,
                              const ProviderEndpoint& endpoint) const override;
  ProviderParse parse_follow_up(const HttpResponse& response,
                                const ProviderFollowUp& follow_up) const override;
};

}  // namespace imagegen::worker
