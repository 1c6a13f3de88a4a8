#pragma once
// imagegen-admin webhook secret USER_ID [--json]
#include "admin/admin_context.h"

namespace imagegen::admin {

// Prints the user's webhook signing secret ({"key":"whsec_..."} with --json), making it on first
// use exactly as GET /api/v1/webhooks/secret does.
Outcome webhook_command(AdminContext& ctx, const CommandLine& cmd);

}  // namespace imagegen::admin
