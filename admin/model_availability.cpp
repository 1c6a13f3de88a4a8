#include "admin/model_availability.h"

#include <algorithm>

#include "common/json_array.h"
#include "common/json_writer.h"

namespace imagegen::admin {

std::vector<ModelAvailability> model_availability(
    const Catalog& catalog, const std::set<std::string>& disabled,
    const std::map<std::string, std::vector<ServingWorker>>& serves_by_family,
    std::int64_t now_ms) {
  std::vector<ModelAvailability> rows;
  for (const auto& m : catalog.models()) {
    ModelAvailability row{m.key, m.provider, disabled.contains(m.key), {}};
    if (auto it = serves_by_family.find(m.provider); it != serves_by_family.end()) {
      for (const auto& w : it->second) {
        if (w.expires_ms > now_ms) row.live_workers.push_back(w.name);
      }
    }
    std::sort(row.live_workers.begin(), row.live_workers.end());
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string render_model_list_text(const std::vector<ModelAvailability>& rows) {
  std::string out;
  for (const auto& r : rows) {
    std::string line = r.model;
    line.resize(std::max<std::size_t>(line.size() + 1, 24), ' ');
    std::string family = r.family;
    family.resize(std::max<std::size_t>(family.size() + 1, 12), ' ');
    line += family;
    line += r.available() ? "available" : "UNAVAILABLE";
    if (r.disabled) line += " (disabled)";
    if (!r.served()) line += " (no live worker serves " + r.family + ")";
    if (r.served()) line += " workers " + std::to_string(r.live_workers.size());
    out += line + "\n";
  }
  return out;
}

std::string render_model_list_json(const std::vector<ModelAvailability>& rows) {
  const std::string json = json_array(rows, [](JsonWriter& w, const ModelAvailability& r) {
    w.begin_object()
        .field("model", r.model)
        .field("family", r.family)
        .field("disabled", r.disabled)
        .field("served", r.served())
        .field("available", r.available());
    w.key("workers").begin_array();
    for (const auto& name : r.live_workers) w.value(name);
    w.end_array().end_object();
  });
  return json + "\n";
}

}  // namespace imagegen::admin
