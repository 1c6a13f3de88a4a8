#pragma once
// A fresh redis-server per test and an admin context connected to it: for the tests that run
// scripts and operator commands the way imagegen-admin does.
#include <gtest/gtest.h>

#include <memory>

#include "admin/admin_context.h"
#include "common/redis/connection.h"
#include "tests/support/redis_server.h"

namespace imagegen::testing {

class AdminRedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<RedisServer>();
    redis::RedisConfig rc;
    rc.url = redis::parse_redis_url(server_->url()).value();
    ctx_.redis = redis::Connection::create(ctx_.ioc, rc);
  }
  void TearDown() override {
    ctx_.redis.reset();
    server_.reset();
  }

  std::unique_ptr<RedisServer> server_;
  admin::AdminContext ctx_;
};

}  // namespace imagegen::testing
