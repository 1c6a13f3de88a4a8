// The operator commands against a real redis-server: user list, key list, usage, queue, model.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "admin/admin_context.h"
#include "admin/model_availability.h"
#include "common/catalog.h"
#include "common/job_codec.h"
#include "common/redis_keys.h"
#include "tests/support/admin_redis_test.h"

namespace imagegen {
namespace {

using admin::CommandLine;
using admin::Outcome;

class AdminCommands : public testing::AdminRedisTest {
 protected:
  // Runs one command line as imagegen-admin would dispatch it.
  Outcome run(std::vector<std::string> words, bool json = false,
              std::optional<std::string> since = std::nullopt) {
    CommandLine cmd;
    cmd.positional = std::move(words);
    cmd.json = json;
    cmd.since = std::move(since);
    cmd.catalog_path = IMAGEGEN_SOURCE_DIR "/config/models.json";
    const std::string& g = cmd.positional[0];
    if (g == "user") return admin::user_command(ctx_, cmd);
    if (g == "key") return admin::key_command(ctx_, cmd);
    if (g == "usage") return admin::usage_command(ctx_, cmd);
    if (g == "queue") return admin::queue_command(ctx_, cmd);
    if (g == "model") return admin::model_command(ctx_, cmd);
    return {2, "?"};
  }

  // {userId, apiKey} of a new user.
  std::pair<std::string, std::string> create_user(const std::string& tier, int credits) {
    CommandLine cmd;
    cmd.positional = {"user", "create"};
    cmd.tier = tier;
    cmd.credits = std::to_string(credits);
    cmd.json = true;
    Outcome o = admin::user_command(ctx_, cmd);
    EXPECT_EQ(o.exit_code, 0) << o.out;
    return {str(o.out, "/userId"), str(o.out, "/apiKey")};
  }

  static std::string str(const std::string& json, const char* pointer) {
    simdjson::dom::parser p;
    std::string_view v;
    if (p.parse(json).at_pointer(pointer).get_string().get(v)) return "";
    return std::string(v);
  }
  static std::int64_t num(const std::string& json, const char* pointer) {
    simdjson::dom::parser p;
    std::int64_t v = -1;
    if (p.parse(json).at_pointer(pointer).get_int64().get(v)) return -1;
    return v;
  }
  static double dbl(const std::string& json, const char* pointer) {
    simdjson::dom::parser p;
    double v = -1;
    if (p.parse(json).at_pointer(pointer).get_double().get(v)) return -1;
    return v;
  }
  static std::size_t size(const std::string& json, const char* pointer) {
    simdjson::dom::parser p;
    simdjson::dom::array a;
    if (p.parse(json).at_pointer(pointer).get_array().get(a)) return 999;
    return a.size();
  }

  // What the credit scripts leave behind for one finished job: its record and its ledger lines.
  // The record holds its spec as one value, as ADMIT writes it, or (`spec_as_fields`) as fields
  // of their own, as records written before that do.
  void finished_job(const std::string& job, const std::string& user, const std::string& model,
                    int cpi, int delivered, int count, const std::string& at_ms = "",
                    bool spec_as_fields = false) {
    if (spec_as_fields) {
      cmd({"HSET", keys::job(job), "user", user, "model", model, "cpi", std::to_string(cpi),
           "count", std::to_string(count), "status", "succeeded", "held", "0"});
    } else {
      JobSpec spec;
      spec.job_id = job;
      spec.model = model;
      spec.count = count;
      spec.cost_per_image = cpi;
      cmd({"HSET", keys::job(job), "user", user, "cpi", std::to_string(cpi), "status", "succeeded",
           "held", "0", std::string(kJobSpecField), encode_job_spec(spec)});
    }
    const std::string ledger(keys::kLedgerStream);
    // Explicit ids when the entries must lie at a given time, else Redis's clock.
    int seq = 0;
    auto id = [&] {
      return at_ms.empty() ? std::string("*") : at_ms + "-" + std::to_string(seq++);
    };
    cmd({"XADD", ledger, id(), "t", "hold", "u", user, "j", job, "n", std::to_string(cpi * count),
         "ts", "1"});
    cmd({"XADD", ledger, id(), "t", "capture", "u", user, "j", job, "n",
         std::to_string(cpi * delivered), "ts", "1"});
    if (delivered < count) {
      cmd({"XADD", ledger, id(), "t", "refund", "u", user, "j", job, "n",
           std::to_string(cpi * (count - delivered)), "ts", "1"});
    }
  }

  redis::Reply cmd(const std::vector<std::string>& args) {
    auto r = server_->command(args);
    EXPECT_FALSE(r.is_error()) << r.as_string();
    return r;
  }
};

TEST_F(AdminCommands, UserListShowsEveryUserOnce) {
  EXPECT_EQ(run({"user", "list"}).out, "no users\n");
  auto [a, _a] = create_user("free", 5);
  auto [b, _b] = create_user("pro", 700);
  Outcome o = run({"user", "list"}, true);
  ASSERT_EQ(o.exit_code, 0) << o.out;
  ASSERT_EQ(size(o.out, ""), 2u) << o.out;
  std::set<std::string> ids = {str(o.out, "/0/userId"), str(o.out, "/1/userId")};
  EXPECT_EQ(ids, (std::set<std::string>{a, b}));
  const bool a_first = str(o.out, "/0/userId") == a;
  EXPECT_EQ(num(o.out, a_first ? "/1/balance" : "/0/balance"), 700);
  EXPECT_EQ(str(o.out, a_first ? "/1/tier" : "/0/tier"), "pro");
  Outcome text = run({"user", "list"});
  EXPECT_NE(text.out.find(a + " free balance 5"), std::string::npos) << text.out;
  EXPECT_EQ(run({"user", "list", "extra"}).exit_code, 2);
}

TEST_F(AdminCommands, KeyListShowsHashesAndRevocation) {
  auto [uid, first_key] = create_user("pro", 10);
  CommandLine create;
  create.positional = {"key", "create", uid};
  ASSERT_EQ(admin::key_command(ctx_, create).exit_code, 0);
  CommandLine revoke;
  revoke.positional = {"key", "revoke", first_key};
  ASSERT_EQ(admin::key_command(ctx_, revoke).exit_code, 0);

  Outcome o = run({"key", "list", uid}, true);
  ASSERT_EQ(o.exit_code, 0) << o.out;
  ASSERT_EQ(size(o.out, ""), 2u) << o.out;
  int revoked = 0;
  for (const char* p : {"/0/revoked", "/1/revoked"}) {
    simdjson::dom::parser parser;
    bool v = false;
    ASSERT_FALSE(parser.parse(o.out).at_pointer(p).get_bool().get(v));
    revoked += v ? 1 : 0;
  }
  EXPECT_EQ(revoked, 1);
  EXPECT_EQ(str(o.out, "/0/keyHash").size(), 64u);
  EXPECT_EQ(o.out.find(first_key), std::string::npos);  // the key itself is never shown
  EXPECT_EQ(run({"key", "list", "no-such-user"}).exit_code, 1);
}

TEST_F(AdminCommands, UsageByModelFromTheLedger) {
  auto [uid, _k] = create_user("pro", 1000);
  auto [other, _o] = create_user("pro", 1000);
  // A job long ago (before --since): its ledger lines must come first in the stream, so the
  // ledger is rebuilt with it ahead of the grant user create wrote.
  cmd({"DEL", std::string(keys::kLedgerStream)});
  finished_job("j1", uid, "nano-banana", 10, 2, 2, "1000");
  cmd({"XADD", std::string(keys::kLedgerStream), "*", "t", "grant", "u", uid, "j", "", "n", "1000",
       "ts", "1"});
  finished_job("j2", uid, "nano-banana", 10, 1, 3, "", true);
  finished_job("j3", uid, "gpt-image-1", 25, 4, 4);
  finished_job("j4", other, "gpt-image-1", 25, 4, 4);

  Outcome all = run({"usage", uid}, true);
  ASSERT_EQ(all.exit_code, 0) << all.out;
  EXPECT_EQ(size(all.out, "/models"), 2u) << all.out;
  EXPECT_EQ(num(all.out, "/images"), 7);
  EXPECT_EQ(num(all.out, "/credits"), 130);
  EXPECT_EQ(num(all.out, "/refunded"), 20);
  EXPECT_EQ(num(all.out, "/granted"), 1000);
  // Models sorted by name: gpt-image-1, then nano-banana.
  EXPECT_EQ(str(all.out, "/models/0/model"), "gpt-image-1");
  EXPECT_EQ(num(all.out, "/models/0/images"), 4);
  EXPECT_EQ(num(all.out, "/models/1/images"), 3);

  Outcome recent = run({"usage", uid}, true, "2020-01-01T00:00:00Z");
  ASSERT_EQ(recent.exit_code, 0) << recent.out;
  EXPECT_EQ(num(recent.out, "/images"), 5);  // j1 was before 2020
  EXPECT_EQ(str(recent.out, "/since"), "2020-01-01T00:00:00.000Z");

  // The job record expired: credits still counted, under a model that says so.
  cmd({"DEL", keys::job("j3")});
  Outcome expired = run({"usage", uid}, true);
  EXPECT_EQ(num(expired.out, "/credits"), 130);
  EXPECT_EQ(num(expired.out, "/creditsWithoutImageCount"), 100);
  EXPECT_NE(run({"usage", uid}).out.find("nano-banana: images 3, credits 30"), std::string::npos);

  EXPECT_EQ(run({"usage", uid}, false, "last tuesday").exit_code, 2);
  EXPECT_EQ(run({"usage", "nobody"}).exit_code, 1);
}

// `job show` prints one field per line (or one JSON member each) whichever way the record holds
// its spec.
TEST_F(AdminCommands, JobShowFlattensTheSpec) {
  auto [uid, _k] = create_user("pro", 1000);
  finished_job("j1", uid, "nano-banana", 10, 2, 2);
  finished_job("j2", uid, "gpt-image-1", 25, 1, 1, "", true);
  for (const char* job : {"j1", "j2"}) {
    CommandLine c;
    c.positional = {"job", "show", job};
    c.json = true;
    Outcome o = admin::job_command(ctx_, c);
    ASSERT_EQ(o.exit_code, 0) << o.out;
    EXPECT_EQ(str(o.out, "/spec"), "") << o.out;
    EXPECT_EQ(str(o.out, "/user"), uid) << o.out;
    EXPECT_EQ(str(o.out, "/status"), "succeeded") << o.out;
    EXPECT_EQ(str(o.out, "/model"), job == std::string("j1") ? "nano-banana" : "gpt-image-1");
    c.json = false;
    o = admin::job_command(ctx_, c);
    const std::string count = job == std::string("j1") ? "2" : "1";
    EXPECT_NE(("\n" + o.out).find("\ncount " + count + "\n"), std::string::npos) << o.out;
    EXPECT_EQ(o.out.find("spec"), std::string::npos) << o.out;
  }
}

TEST_F(AdminCommands, QueueBeforeAnyWorker) {
  Outcome o = run({"queue"}, true);
  ASSERT_EQ(o.exit_code, 0) << o.out;
  EXPECT_EQ(num(o.out, "/depth"), 0);
  EXPECT_EQ(num(o.out, "/lag"), 0);
  EXPECT_EQ(size(o.out, "/consumers"), 0u);
  EXPECT_NE(run({"queue"}).out.find("not created yet"), std::string::npos);
}

TEST_F(AdminCommands, QueueDepthLagAgesConsumersDeadLetters) {
  const std::string stream(keys::kJobsStream);
  const std::int64_t now = now_ms();
  // Three jobs admitted a minute ago; a worker took one; one was dead-lettered.
  for (int i = 0; i < 3; ++i) {
    cmd({"XADD", stream, std::to_string(now - 60000 + i) + "-0", "id", "j" + std::to_string(i)});
  }
  cmd({"XGROUP", "CREATE", stream, std::string(keys::kWorkersGroup), "0"});
  cmd({"XREADGROUP", "GROUP", std::string(keys::kWorkersGroup), "worker-7", "COUNT", "1", "STREAMS",
       stream, ">"});
  for (int i = 0; i < 3; ++i) {  // three unfinished jobs: three deadlines
    cmd({"ZADD", std::string(keys::kDeadlines), std::to_string(now + 60000),
         "j" + std::to_string(i)});
  }
  cmd({"XADD", std::string(keys::kDeadLetterStream), "*", "id", "j9"});

  Outcome o = run({"queue"}, true);
  ASSERT_EQ(o.exit_code, 0) << o.out;
  EXPECT_EQ(num(o.out, "/depth"), 3);
  EXPECT_EQ(num(o.out, "/streamLength"), 3);
  EXPECT_EQ(num(o.out, "/lag"), 2);
  EXPECT_EQ(num(o.out, "/pending"), 1);
  EXPECT_EQ(num(o.out, "/deadLetters"), 1);
  // The entries are a minute old by their ids; the bound only rules out "not computed".
  EXPECT_GE(dbl(o.out, "/oldestWaitingAgeSeconds"), 59.0);
  EXPECT_GE(dbl(o.out, "/oldestPendingAgeSeconds"), 60.0);
  ASSERT_EQ(size(o.out, "/consumers"), 1u);
  EXPECT_EQ(str(o.out, "/consumers/0/name"), "worker-7");
  EXPECT_EQ(num(o.out, "/consumers/0/pending"), 1);

  // Finished jobs are acknowledged and deleted; Redis may then not know the lag by itself.
  cmd({"XACK", stream, std::string(keys::kWorkersGroup), std::to_string(now - 60000) + "-0"});
  cmd({"XDEL", stream, std::to_string(now - 60000 + 2) + "-0"});
  Outcome after = run({"queue"}, true);
  EXPECT_EQ(num(after.out, "/lag"), 1) << after.out;
  EXPECT_EQ(num(after.out, "/pending"), 0);
  EXPECT_DOUBLE_EQ(dbl(after.out, "/oldestPendingAgeSeconds"), 0);
}

TEST_F(AdminCommands, ModelListDisableEnable) {
  const Catalog catalog = Catalog::load_file(IMAGEGEN_SOURCE_DIR "/config/models.json").value();
  const std::string gemini = catalog.find("nano-banana")->provider;
  const std::string openai = catalog.find("gpt-image-1")->provider;
  ASSERT_NE(gemini, openai);
  const std::int64_t now = now_ms();
  cmd({"ZADD", admin::serves_key(gemini), std::to_string(now + 60000), "worker-a"});
  cmd({"ZADD", admin::serves_key(openai), std::to_string(now - 1000), "worker-gone"});

  Outcome o = run({"model", "list"}, true);
  ASSERT_EQ(o.exit_code, 0) << o.out;
  simdjson::dom::parser p;
  simdjson::dom::array rows = p.parse(o.out).get_array();
  ASSERT_EQ(rows.size(), catalog.models().size());
  for (auto row : rows) {
    const std::string model{std::string_view(row["model"])};
    const std::string family{std::string_view(row["family"])};
    EXPECT_EQ(family, catalog.find(model)->provider);
    EXPECT_EQ(bool(row["served"]), family == gemini) << model;
    EXPECT_FALSE(bool(row["disabled"]));
  }

  EXPECT_EQ(run({"model", "disable", "nano-banana"}).exit_code, 0);
  EXPECT_EQ(cmd({"SISMEMBER", std::string(admin::kDisabledModelsKey), "nano-banana"}).as_int(), 1);
  EXPECT_NE(run({"model", "list"}).out.find("(disabled)"), std::string::npos);
  // Unknown model: clear refusal, nothing written.
  Outcome bad = run({"model", "disable", "no-such-model"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.out.find("unknown model"), std::string::npos);
  EXPECT_EQ(cmd({"SCARD", std::string(admin::kDisabledModelsKey)}).as_int(), 1);
  EXPECT_EQ(run({"model", "enable", "nano-banana"}).exit_code, 0);
  EXPECT_EQ(cmd({"SCARD", std::string(admin::kDisabledModelsKey)}).as_int(), 0);
  EXPECT_EQ(run({"model", "enable"}).exit_code, 2);
  EXPECT_EQ(run({"model", "explode"}).exit_code, 2);
}

}  // namespace
}  // namespace imagegen
