#include "common/labeled_metrics.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <thread>
#include <vector>

namespace imagegen {
namespace {

std::string text(prometheus::Registry& r) {
  return prometheus::TextSerializer().Serialize(r.Collect());
}

TEST(LabeledMetrics, OneSeriesPerCombinationWithTheRightLabels) {
  prometheus::Registry registry;
  auto& family = prometheus::BuildCounter().Name("t_total").Help("t").Register(registry);
  LabeledMetrics<prometheus::Counter> m(family, {"model", "outcome"});
  prometheus::Counter& a = m.at({"m1", "ok"});
  EXPECT_EQ(&m.at({"m1", "ok"}), &a);  // found again, not added again
  EXPECT_NE(&m.at({"m1", "failed"}), &a);
  EXPECT_NE(&m.at({"m2", "ok"}), &a);
  // The joined key cannot confuse ("ab", "c") with ("a", "bc").
  EXPECT_NE(&m.at({"ab", "c"}), &m.at({"a", "bc"}));
  a.Increment(3);
  const std::string out = text(registry);
  EXPECT_NE(out.find(R"(t_total{model="m1",outcome="ok"} 3)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(t_total{model="m2",outcome="ok"} 0)"), std::string::npos) << out;
}

TEST(LabeledMetrics, HistogramsGetTheirBuckets) {
  prometheus::Registry registry;
  auto& family = prometheus::BuildHistogram().Name("h_seconds").Help("h").Register(registry);
  LabeledMetrics<prometheus::Histogram> m(
      family, {"route"},
      [](prometheus::Family<prometheus::Histogram>& f,
         const prometheus::Labels& l) -> prometheus::Histogram& {
        return f.Add(l, prometheus::Histogram::BucketBoundaries{0.5, 2});
      });
  m.at({"/x"}).Observe(1);
  const std::string out = text(registry);
  EXPECT_NE(out.find(R"(h_seconds_bucket{route="/x",le="0.5"} 0)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"(h_seconds_bucket{route="/x",le="2"} 1)"), std::string::npos) << out;
}

TEST(LabeledMetrics, ThreadsShareTheSeries) {
  prometheus::Registry registry;
  auto& family = prometheus::BuildCounter().Name("c_total").Help("c").Register(registry);
  LabeledMetrics<prometheus::Counter> m(family, {"k"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < 1000; ++i) m.at({i % 2 == 0 ? "even" : "odd"}).Increment();
      m.at({t == 0 ? "zero" : "other"}).Increment();
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(m.at({"even"}).Value(), 2000);
  EXPECT_EQ(m.at({"odd"}).Value(), 2000);
  EXPECT_EQ(m.at({"zero"}).Value(), 1);
  EXPECT_EQ(m.at({"other"}).Value(), 3);
  EXPECT_EQ(family.Collect().size(), 1u);
  EXPECT_EQ(family.Collect()[0].metric.size(), 4u);
}

}  // namespace
}  // namespace imagegen
