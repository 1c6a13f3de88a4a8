#include "common/job_codec.h"

#include <gtest/gtest.h>

#include "common/json_writer.h"

namespace imagegen {
namespace {

JobSpec sample() {
  return JobSpec{.job_id = "abc123",
                 .user_id = "u-1",
                 .model = "gpt-image-1",
                 .prompt = "a fox\nwith \"quotes\" and unicode \xc3\xa9",
                 .negative_prompt = "blur",
                 .seed = 4294967295u,
                 .aspect_ratio = "16:9",
                 .resolution = "1K",
                 .count = 3,
                 .cost_per_image = 12,
                 .reply_channel = "host-1-0",
                 .created_ms = 1700000000000,
                 .deadline_ms = 1700000120000,
                 .request_id = "",
                 .webhook_url = ""};
}

std::map<std::string, std::string, std::less<>> as_map(const FieldList& f,
                                                       const std::string& user) {
  std::map<std::string, std::string, std::less<>> m(f.begin(), f.end());
  m["user"] = user;
  return m;
}

TEST(JobCodec, RoundTripsEveryField) {
  JobSpec s = sample();
  auto decoded = decode_job_fields(as_map(encode_job_fields(s), s.user_id));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->job_id, s.job_id);
  EXPECT_EQ(decoded->user_id, s.user_id);
  EXPECT_EQ(decoded->prompt, s.prompt);
  EXPECT_EQ(decoded->negative_prompt, s.negative_prompt);
  EXPECT_EQ(decoded->seed, s.seed);
  EXPECT_EQ(decoded->aspect_ratio, s.aspect_ratio);
  EXPECT_EQ(decoded->count, 3);
  EXPECT_EQ(decoded->cost_per_image, 12);
  EXPECT_EQ(decoded->reply_channel, s.reply_channel);
  EXPECT_EQ(decoded->deadline_ms, s.deadline_ms);
}

TEST(JobCodec, DecodesViewsOfAStreamEntryLikeTheMap) {
  JobSpec s = sample();
  const FieldList f = encode_job_fields(s);
  FieldViews views;
  views.emplace_back("user", "u1");
  for (const auto& [k, v] : f) views.emplace_back(k, v);
  views.emplace_back("unknown", "ignored");  // a newer writer's extra field
  auto decoded = decode_job_fields(views);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  auto from_map = decode_job_fields(as_map(f, "u1"));
  ASSERT_TRUE(from_map.ok());
  EXPECT_EQ(decoded->job_id, from_map->job_id);
  EXPECT_EQ(decoded->user_id, "u1");
  EXPECT_EQ(decoded->prompt, from_map->prompt);
  EXPECT_EQ(decoded->seed, from_map->seed);
  EXPECT_EQ(decoded->count, from_map->count);
  EXPECT_EQ(decoded->created_ms, from_map->created_ms);
  EXPECT_EQ(decoded->request_id, from_map->request_id);
  EXPECT_EQ(decoded->webhook_url, from_map->webhook_url);
  // A name given twice: the last one wins, as a map filled in order would have it.
  views.emplace_back("prompt", "second");
  EXPECT_EQ(decode_job_fields(views)->prompt, "second");
  // Any required field missing fails, each by name.
  for (std::string_view name :
       {"id", "user", "model", "prompt", "res", "count", "cpi", "reply", "created", "deadline"}) {
    FieldViews without;
    for (const auto& p : views)
      if (p.first != name) without.push_back(p);
    auto r = decode_job_fields(without);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_NE(r.error().message.find(std::string(name)), std::string::npos) << r.error().message;
  }
}

// The required fields always, in kJobFieldNames' order; the optional ones only when set.
TEST(JobCodec, FieldsComeInTheNamesOrderOptionalOnesWhenSet) {
  for (bool optional : {false, true}) {
    JobSpec s = sample();
    if (optional) {
      s.request_id = "r1";
      s.webhook_url = "https://example.com/hook";
    } else {
      s.negative_prompt.clear();
      s.seed.reset();
      s.aspect_ratio.clear();
    }
    const FieldList f = encode_job_fields(s);
    ASSERT_EQ(f.size(), optional ? 14u : 9u);
    for (std::size_t i = 0; i < f.size(); ++i) {
      EXPECT_EQ(f[i].first, kJobFieldNames[i]) << "optional fields set: " << optional;
    }
    EXPECT_EQ(f[0].second, s.job_id);
  }
}

// Empty optional fields are not written, and a record without them (or from before they
// existed) reads them back as empty.
TEST(JobCodec, EmptyOptionalFieldsAreLeftOutAndReadBackEmpty) {
  JobSpec s = sample();
  s.negative_prompt.clear();
  s.seed.reset();
  s.aspect_ratio.clear();
  const FieldList f = encode_job_fields(s);
  for (const auto& [name, value] : f) {
    EXPECT_NE(name, "neg");
    EXPECT_NE(name, "seed");
    EXPECT_NE(name, "aspect");
  }
  auto decoded = decode_job_fields(as_map(f, "u"));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->negative_prompt, "");
  EXPECT_FALSE(decoded->seed.has_value());
  EXPECT_EQ(decoded->aspect_ratio, "");
  EXPECT_EQ(decoded->prompt, s.prompt);
  EXPECT_EQ(decoded->deadline_ms, s.deadline_ms);
}

TEST(JobCodec, NoSeedRoundTripsAsNone) {
  JobSpec s = sample();
  s.seed.reset();
  auto decoded = decode_job_fields(as_map(encode_job_fields(s), "u"));
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->seed.has_value());
}

TEST(JobCodec, RefusesMissingOrMalformedFields) {
  auto m = as_map(encode_job_fields(sample()), "u");
  auto no_user = m;
  no_user.erase("user");
  EXPECT_FALSE(decode_job_fields(no_user).ok());
  auto bad_count = m;
  bad_count["count"] = "5";
  EXPECT_FALSE(decode_job_fields(bad_count).ok());
  auto bad_seed = m;
  bad_seed["seed"] = "4294967296";
  EXPECT_FALSE(decode_job_fields(bad_seed).ok());
}

// The spec as one value (what ADMIT writes): the same pairs as the fields, in one JSON object,
// and a stream entry of "user" and "spec" decodes to the same job.
TEST(JobSpecValue, HoldsTheSamePairsAsTheFields) {
  JobSpec none = sample();  // no optional field set, empty required ones still written
  none.negative_prompt.clear();
  none.seed.reset();
  none.aspect_ratio.clear();
  none.reply_channel.clear();
  JobSpec all = sample();  // every optional field set, a seed of 0, escapes in several values
  all.seed = 0;
  all.request_id = "req-1";
  all.webhook_url = "https://example.com/h?a=1&b=\"2\"";
  all.negative_prompt = "tab\there\\ and \x01";
  all.created_ms = 0;
  for (const JobSpec& s : {sample(), none, all}) {
    auto pairs = job_spec_fields(encode_job_spec(s));
    ASSERT_TRUE(pairs.ok()) << pairs.error().message << " in " << encode_job_spec(s);
    EXPECT_EQ(*pairs, encode_job_fields(s)) << encode_job_spec(s);
  }
}

TEST(JobSpecValue, AnEntryOfUserAndSpecDecodesToTheJob) {
  const JobSpec s = sample();
  const std::string spec = encode_job_spec(s);
  const FieldViews entry = {{"user", "u-1"}, {kJobSpecField, spec}};
  auto decoded = decode_job_fields(entry);
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  auto from_fields = decode_job_fields(as_map(encode_job_fields(s), "u-1"));
  ASSERT_TRUE(from_fields.ok());
  EXPECT_EQ(decoded->job_id, s.job_id);
  EXPECT_EQ(decoded->user_id, "u-1");
  EXPECT_EQ(decoded->prompt, s.prompt);  // a newline, quotes and UTF-8 survive the JSON
  EXPECT_EQ(decoded->negative_prompt, s.negative_prompt);
  EXPECT_EQ(decoded->seed, s.seed);
  EXPECT_EQ(decoded->count, s.count);
  EXPECT_EQ(decoded->cost_per_image, s.cost_per_image);
  EXPECT_EQ(decoded->reply_channel, s.reply_channel);
  EXPECT_EQ(decoded->created_ms, s.created_ms);
  EXPECT_EQ(decoded->deadline_ms, from_fields->deadline_ms);
  EXPECT_EQ(decoded->webhook_url, "");
}

// REQUEUE writes a new deadline as a field of its own beside the record's spec: the field wins,
// in whichever order the pairs come.
TEST(JobSpecValue, AFieldOfItsOwnOverridesTheSpecs) {
  const JobSpec s = sample();
  const std::string spec = encode_job_spec(s);
  for (bool spec_first : {true, false}) {
    FieldViews record = {{"user", "u-1"}};
    if (spec_first) record.emplace_back(kJobSpecField, spec);
    record.emplace_back("deadline", "1800000000000");
    if (!spec_first) record.emplace_back(kJobSpecField, spec);
    auto decoded = decode_job_fields(record);
    ASSERT_TRUE(decoded.ok()) << decoded.error().message;
    EXPECT_EQ(decoded->deadline_ms, 1800000000000) << "spec first: " << spec_first;
  }
}

TEST(JobSpecValue, RefusesASpecThatIsNotAnObjectOfStrings) {
  for (const char* bad : {"", "[]", "{\"id\":1}", "{\"id\":\"a\"", "not json"}) {
    const FieldViews entry = {{"user", "u"}, {kJobSpecField, bad}};
    EXPECT_FALSE(decode_job_fields(entry).ok()) << bad;
  }
  // A spec inside the spec is not expanded again: the job lacks its fields.
  JobSpec s = sample();
  const std::string inner = encode_job_spec(s);
  std::string outer = "{\"spec\":";
  append_json_string(outer, inner);
  outer += "}";
  const FieldViews nested = {{"user", "u"}, {kJobSpecField, outer}};
  EXPECT_FALSE(decode_job_fields(nested).ok());
}

TEST(JobSpecValue, OneFieldComesFromTheRecordOrElseFromTheSpec) {
  const std::string spec = encode_job_spec(sample());
  EXPECT_EQ(job_field("", spec, "model"), "gpt-image-1");
  EXPECT_EQ(job_field("flux-2-pro", spec, "model"), "flux-2-pro");
  EXPECT_EQ(job_field("", spec, "hook"), "");  // empty optional fields are left out
  EXPECT_EQ(job_field("", "", "model"), "");
  EXPECT_EQ(job_field("", "{broken", "model"), "");
}

}  // namespace
}  // namespace imagegen
