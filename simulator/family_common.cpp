#include "simulator/family_common.h"

#include <algorithm>

namespace imagegen::sim {

std::string_view bearer_token(const SimRequest& request) {
  std::string_view header = find_header(request, "authorization");
  if (!header.starts_with("Bearer ")) return {};
  header.remove_prefix(7);
  while (header.starts_with(' ')) header.remove_prefix(1);
  return header;
}

std::string base_url(const SimRequest& request) {
  const std::string_view host = find_header(request, "host");
  return "http://" + std::string(host.empty() ? "127.0.0.1" : host);
}

std::string publish_file(HandlerContext& context, Dimensions size, const Directives& directives) {
  const FileKind kind = directives.expired   ? FileKind::kExpired
                        : directives.garbage ? FileKind::kGarbage
                                             : FileKind::kPng;
  return context.services.files.add(size.width, size.height, kind, context.now);
}

std::string file_url(const SimRequest& request, std::string_view token) {
  return base_url(request) + "/files/" + std::string(token) + ".png";
}

std::optional<SimResponse> directed_status(const Directives& directives,
                                           const ProtocolFamily& family) {
  if (!directives.fail_status) return std::nullopt;
  SimResponse response = family.error(*directives.fail_status, {});
  if (directives.retry_after_s)
    response.headers.emplace_back("Retry-After", std::to_string(*directives.retry_after_s));
  return response;
}

SimResponse json_reply(std::string body, int status) {
  SimResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::shared_ptr<const EncodedImage> inline_image(HandlerContext& context, Dimensions size,
                                                 const Directives& directives) {
  return directives.garbage ? ImageCache::garbage()
                            : context.services.images.png(size.width, size.height);
}

std::string_view path_id(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return {};
  path.remove_prefix(prefix.size());
  return path.find('/') == std::string_view::npos ? path : std::string_view{};
}

std::uint32_t stage_of_poll(std::uint32_t poll, std::uint32_t pending, std::uint32_t stages) {
  if (stages == 0) return 0;
  if (poll >= pending) return stages - 1;
  return std::min(poll == 0 ? 0 : poll - 1, stages - 1);
}

std::int64_t unix_ms(const HandlerContext& context) { return context.unix_seconds * 1000; }

SimTask new_task(std::string_view family, std::string_view prompt, Dimensions size,
                 std::uint32_t count, const Directives& directives, const HandlerContext& context) {
  SimTask task;
  task.family = std::string(family);
  task.prompt = std::string(prompt);
  task.width = size.width;
  task.height = size.height;
  task.count = count;
  task.created_unix_ms = unix_ms(context);
  task.directives = directives;
  return task;
}

std::optional<SimTask> poll_task(HandlerContext& context, std::string_view family,
                                 std::string_view id, std::uint32_t pending, bool grid_first) {
  return context.services.tasks.poll(
      family, id, pending, context.now, [&context, grid_first](const SimTask& t) {
        std::vector<std::string> tokens;
        if (t.directives.moderated != Moderation::kNone) return tokens;
        if (grid_first) {
          tokens.push_back(publish_file(context, {t.width * 2, t.height * 2}, t.directives));
        }
        for (std::uint32_t i = 0; i < t.count; ++i)
          tokens.push_back(publish_file(context, {t.width, t.height}, t.directives));
        return tokens;
      });
}

}  // namespace imagegen::sim
