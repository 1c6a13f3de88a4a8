#include "admin/webhook_command.h"

#include "common/json_writer.h"
#include "common/webhook_scripts.h"
#include "common/webhook_signature.h"

namespace imagegen::admin {

Outcome webhook_command(AdminContext& ctx, const CommandLine& cmd) {
  if (cmd.positional.size() != 3 || cmd.positional[1] != "secret")
    return {2, "usage: webhook secret USER_ID [--json]\n"};
  const std::string& uid = cmd.positional[2];
  auto reply = ctx.script(lua::kWebhookSecret, {uid, webhook::new_webhook_secret()});
  if (reply.is_nil()) return {1, "no such user " + uid + "\n"};
  if (cmd.json) {
    JsonWriter w;
    w.begin_object().field("key", reply.as_string()).end_object();
    return {0, w.take() + "\n"};
  }
  return {0, reply.as_string() + "\n"};
}

}  // namespace imagegen::admin
