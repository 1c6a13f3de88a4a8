#pragma once
// One labelled metric of a prometheus-cpp family, found by its label values without calling
// Family::Add each time. Add builds a std::map of the labels, hashes it and takes the family's
// lock: several thousand instructions for one increment, paid per request by the api and per job
// by the worker (callgrind, docs/bench.md). Here the values are joined into one reused string
// and looked up in a hash map; Add runs only for a combination's first use. prometheus-cpp never
// drops a metric we do not Remove, so the references kept stay valid. Thread-safe.
#include <prometheus/family.h>
#include <prometheus/labels.h>

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace imagegen {

template <typename Metric>
class LabeledMetrics {
 public:
  // Creates the metric for a new combination (Family::Add, with buckets for a histogram).
  using Create = std::function<Metric&(prometheus::Family<Metric>&, const prometheus::Labels&)>;

  LabeledMetrics(
      prometheus::Family<Metric>& family, std::vector<std::string> label_names,
      Create create = [](prometheus::Family<Metric>& f, const prometheus::Labels& l) -> Metric& {
        return f.Add(l);
      })
      : family_(family), names_(std::move(label_names)), create_(std::move(create)) {}

  // The metric for these label values, given in the order of the names.
  Metric& at(std::initializer_list<std::string_view> values) {
    thread_local std::string key;
    key.clear();
    for (std::string_view v : values) key.append(v).push_back('\x1f');  // a unit separator
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(std::string_view(key)); it != cache_.end()) return *it->second;
    prometheus::Labels labels;
    std::size_t i = 0;
    for (std::string_view v : values) labels.emplace(names_.at(i++), std::string(v));
    Metric& metric = create_(family_, labels);
    cache_.emplace(key, &metric);
    return metric;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  prometheus::Family<Metric>& family_;
  std::vector<std::string> names_;
  Create create_;
  std::mutex mu_;
  std::unordered_map<std::string, Metric*, Hash, std::equal_to<>> cache_;
};

}  // namespace imagegen
