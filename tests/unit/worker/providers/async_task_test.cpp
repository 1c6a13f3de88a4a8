// The async-task skeleton on its own, driven by a toy row: what each column of the table does.
#include "worker/providers/async_task.h"

#include <gtest/gtest.h>

#include "tests/unit/worker/providers/family_test_util.h"
#include "tests/unit/worker/providers/provider_test_util.h"
#include "worker/providers/bfl.h"
#include "worker/providers/dashscope.h"
#include "worker/providers/kling.h"
#include "worker/providers/midjourney.h"
#include "worker/providers/runway.h"
#include "worker/providers/upstream_errors.h"

namespace imagegen::worker {
namespace {

const ProviderEndpoint kEndpoint{"https://toy.example", "toy-key"};

AsyncTaskSpec toy_spec() {
  return AsyncTaskSpec{
      .name = "toy",
      .max_images = 3,
      .auth_header = "x-toy-key",
      .auth_prefix = "",
      .every_call_headers = {{"X-Toy-Version", "7"}},
      .submit_headers = {{"X-Async", "yes"}},
      .submit_path = "/v2/{model}/jobs",
      .body = [](const ModelInfo& m, const JobSpec& j,
                 int n) { return m.upstream_id + "|" + j.prompt + "|" + std::to_string(n); },
      .task_id_at = "/job/id",
      .status_path = "/v2/jobs/{id}",
      .state_at = "/job/state",
      .pending = {"queued", "working"},
      .done = {"done"},
      .failed = {"broken"},
      .unlisted = UnlistedState::kGone,
      .results_at = "/job/files",
      .result_field = "href",
      .cancel_method = "POST",
      .cancel_path = "/v2/jobs/{id}/cancel",
      .error =
          [](const HttpResponse& r) {
            return make_provider_error(kind_for_status(r.status), r.status, "toy error");
          },
  };
}

const ModelInfo& toy_model() {
  static const ModelInfo m = [] {
    ModelInfo model = testing::runway_gen4();
    model.upstream_id = "toy-1";
    model.max_images_per_call = 2;
    return model;
  }();
  return m;
}

TEST(AsyncTaskSkeleton, SubmitUsesTheRowsPathHeadersAndBody) {
  JobSpec job = testing::make_job("toy", 2);
  job.prompt = "a fox";
  const HttpRequest req = AsyncTaskFamily(toy_spec()).build_request(toy_model(), job, 2, kEndpoint);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url, "https://toy.example/v2/toy-1/jobs");
  EXPECT_EQ(req.headers, (HeaderList{{"Content-Type", "application/json"},
                                     {"x-toy-key", "toy-key"},
                                     {"X-Toy-Version", "7"},
                                     {"X-Async", "yes"}}));
  EXPECT_EQ(req.body, "toy-1|a fox|2");
}

TEST(AsyncTaskSkeleton, BatchSizeIsTheRowsOrTheModelsClamped) {
  AsyncTaskSpec s = toy_spec();
  EXPECT_EQ(AsyncTaskFamily(s).max_images_per_call(toy_model()), 3);
  s.model_sets_batch = true;
  EXPECT_EQ(AsyncTaskFamily(s).max_images_per_call(toy_model()), 2);
}

TEST(AsyncTaskSkeleton, SubmitAnswerNamesTheTaskToPoll) {
  const AsyncTaskFamily toy(toy_spec());
  const auto f = expect_follow_up(toy.parse_response(response(201, R"({"job":{"id":"j-9"}})")));
  EXPECT_EQ(f.url, "/v2/jobs/j-9");
  EXPECT_EQ(f.task_id, "j-9");
  const HttpRequest poll = toy.build_follow_up(f, kEndpoint);
  EXPECT_EQ(poll.method, "GET");
  EXPECT_EQ(poll.url, "https://toy.example/v2/jobs/j-9");
  EXPECT_EQ(poll.headers, (HeaderList{{"x-toy-key", "toy-key"}, {"X-Toy-Version", "7"}}));

  const ProviderError no_id = expect_error(toy.parse_response(response(200, R"({"job":{}})")));
  EXPECT_EQ(no_id.kind, ProviderErrorKind::kMalformed);
  EXPECT_NE(no_id.message.find("job.id"), std::string::npos) << no_id.message;
  EXPECT_EQ(expect_error(toy.parse_response(response(500, "{}"))).message, "toy error");
  EXPECT_EQ(expect_error(toy.parse_response(response(200, "not json"))).kind,
            ProviderErrorKind::kMalformed);
}

TEST(AsyncTaskSkeleton, PollUrlFromTheAnswerWinsOverTheStatusPath) {
  AsyncTaskSpec s = toy_spec();
  s.poll_url_at = "/job/poll";
  const AsyncTaskFamily toy(std::move(s));
  const auto f = expect_follow_up(toy.parse_response(
      response(200, R"({"job":{"id":"j1","poll":"https://eu.toy.example/p/j1"}})")));
  EXPECT_EQ(f.url, "https://eu.toy.example/p/j1");
  EXPECT_EQ(toy.build_follow_up(f, kEndpoint).url, "https://eu.toy.example/p/j1");
  EXPECT_EQ(expect_error(toy.parse_response(response(200, R"({"job":{"poll":"ftp://x"}})"))).kind,
            ProviderErrorKind::kMalformed);
}

TEST(AsyncTaskSkeleton, StatesAreSortedByTheRowsLists) {
  const AsyncTaskFamily toy(toy_spec());
  const ProviderFollowUp f{"/v2/jobs/j", "poll", std::nullopt, "j"};
  for (const char* s : {"queued", "working"}) {
    const auto again = expect_follow_up(
        toy.parse_follow_up(response(200, std::string(R"({"job":{"state":")") + s + R"("}})"), f));
    EXPECT_EQ(again.url, f.url);
    EXPECT_EQ(again.task_id, "j");
  }
  const auto done = expect_images(toy.parse_follow_up(
      response(200, R"({"job":{"state":"done","files":[{"href":"https://cdn/a.png"},{"href":"x"},)"
                    R"({"href":"https://cdn/b.png"}]}})"),
      f));
  EXPECT_EQ(done.urls, (std::vector<std::string>{"https://cdn/a.png", "https://cdn/b.png"}));
  EXPECT_EQ(expect_error(toy.parse_follow_up(response(200, R"({"job":{"state":"done"}})"), f)).kind,
            ProviderErrorKind::kMalformed);
  const ProviderError failed =
      expect_error(toy.parse_follow_up(response(200, R"({"job":{"state":"broken"}})"), f));
  EXPECT_EQ(failed.kind, ProviderErrorKind::kTransient);
  EXPECT_EQ(failed.message, "task status broken");
  // Unlisted: kGone in this row.
  EXPECT_EQ(expect_error(toy.parse_follow_up(response(200, R"({"job":{"state":"??"}})"), f)).kind,
            ProviderErrorKind::kTransient);
  // Missing: kMalformed by default.
  EXPECT_EQ(expect_error(toy.parse_follow_up(response(200, R"({"job":{}})"), f)).kind,
            ProviderErrorKind::kMalformed);
  EXPECT_EQ(expect_error(toy.parse_follow_up(response(404, "{}"), f)).message, "toy error");
}

TEST(AsyncTaskSkeleton, CaseAndUnlistedPoliciesAreColumns) {
  AsyncTaskSpec s = toy_spec();
  s.states_ignore_case = true;
  s.unlisted = UnlistedState::kPending;
  const AsyncTaskFamily toy(std::move(s));
  const ProviderFollowUp f{"/v2/jobs/j", "poll", std::nullopt, "j"};
  expect_follow_up(toy.parse_follow_up(response(200, R"({"job":{"state":"Warming-Up"}})"), f));
  expect_images(toy.parse_follow_up(
      response(200, R"({"job":{"state":"DONE","files":[{"href":"http://cdn/x"}]}})"), f));
}

TEST(AsyncTaskSkeleton, HooksHandleTheQuirks) {
  AsyncTaskSpec s = toy_spec();
  s.envelope = [](const HttpResponse& r,
                  simdjson::dom::element doc) -> std::optional<ProviderError> {
    if (!doc["err"].error()) return make_provider_error(ProviderErrorKind::kAuth, r.status, "env");
    return std::nullopt;
  };
  s.submitted = [](const HttpResponse&,
                   simdjson::dom::element doc) -> std::optional<ProviderParse> {
    if (doc["sync"].error()) return std::nullopt;
    return ProviderImages{{}, {"https://cdn/sync.png"}};
  };
  s.failure = [](const HttpResponse& r, simdjson::dom::element, std::string_view state) {
    return make_provider_error(ProviderErrorKind::kContentBlocked, r.status, std::string(state));
  };
  const AsyncTaskFamily toy(std::move(s));
  EXPECT_EQ(expect_error(toy.parse_response(response(200, R"({"err":1})"))).kind,
            ProviderErrorKind::kAuth);
  EXPECT_EQ(expect_images(toy.parse_response(response(200, R"({"sync":1})"))).urls.size(), 1u);
  const ProviderFollowUp f{"/v2/jobs/j", "poll", std::nullopt, "j"};
  EXPECT_EQ(
      expect_error(toy.parse_follow_up(response(200, R"({"job":{"state":"broken"}})"), f)).kind,
      ProviderErrorKind::kContentBlocked);
}

TEST(AsyncTaskSkeleton, CancelCallOnlyWhereTheRowHasOne) {
  const ProviderFollowUp task{"/v2/jobs/j-4", "poll", std::nullopt, "j-4"};
  const auto cancel = AsyncTaskFamily(toy_spec()).build_cancel(task, kEndpoint);
  ASSERT_TRUE(cancel.has_value());
  EXPECT_EQ(cancel->method, "POST");
  EXPECT_EQ(cancel->url, "https://toy.example/v2/jobs/j-4/cancel");
  EXPECT_EQ(cancel->headers, (HeaderList{{"x-toy-key", "toy-key"}, {"X-Toy-Version", "7"}}));
  // No id known: nothing to cancel.
  EXPECT_FALSE(AsyncTaskFamily(toy_spec()).build_cancel({"/x", "poll", {}, ""}, kEndpoint));
  AsyncTaskSpec none = toy_spec();
  none.cancel_method = {};
  EXPECT_FALSE(AsyncTaskFamily(std::move(none)).build_cancel(task, kEndpoint));
}

TEST(AsyncTaskSkeleton, EveryFamilyRowHasItsCancelCallOrNone) {
  const ProviderFollowUp task{"/v1/tasks/t", "poll", std::nullopt, "t"};
  const auto runway = runway_family().build_cancel(task, kEndpoint);
  ASSERT_TRUE(runway.has_value());
  EXPECT_EQ(runway->method, "DELETE");
  EXPECT_EQ(runway->url, "https://toy.example/v1/tasks/t");
  for (const AsyncTaskFamily& f : {bfl_family(), midjourney_family(), dashscope_family(true),
                                   kling_family([] { return std::int64_t{1'700'000'000}; })}) {
    EXPECT_FALSE(f.build_cancel(task, {"https://x", "a", "b"})) << f.name();
  }
}

TEST(AsyncTaskHelpers, FillTemplateAndUrlsAt) {
  EXPECT_EQ(fill_template("/a/{id}/b/{id}", "id", "x{id}"), "/a/x{id}/b/x{id}");
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(
      parser
          .parse(std::string(
              R"({"one":"https://a","many":["https://b","nope","http://c"],"objs":[{"u":"https://d"}]})"))
          .get(doc));
  EXPECT_EQ(urls_at(doc, "/one", ""), std::vector<std::string>{"https://a"});
  EXPECT_EQ(urls_at(doc, "/many", ""), (std::vector<std::string>{"https://b", "http://c"}));
  EXPECT_EQ(urls_at(doc, "/objs", "u"), std::vector<std::string>{"https://d"});
  EXPECT_TRUE(urls_at(doc, "/missing", "").empty());
}

}  // namespace
}  // namespace imagegen::worker
