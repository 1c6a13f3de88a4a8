#pragma once
// Midjourney through PiAPI's unified task API (midjourney-v7, midjourney-v6-1); docs/providers.md,
// midjourney. One `imagine` task makes a grid of four; the first `count` split images are
// downloaded, so one upstream call serves count <= 4. Version, ratio, negative prompt and seed
// travel as prompt flags (`--v`, `--ar`, `--no`, `--seed`), so user text must not be able to
// smuggle in flags.
#include "worker/providers/async_task.h"

namespace imagegen::worker {

// User text with every flag-shaped run neutralised: "--", the em and en dashes Midjourney reads
// as "--", and "::" weights become plain characters; line breaks become spaces.
std::string midjourney_sanitize(std::string_view text);

// "<sanitized prompt> --v <version> --ar W:H [--no <negative>] [--seed N]".
std::string midjourney_prompt(const ModelInfo& model, const JobSpec& job);

// The Midjourney (PiAPI) row of the async-task skeleton.
AsyncTaskFamily midjourney_family();

}  // namespace imagegen::worker
