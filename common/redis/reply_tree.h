#pragma once
// Internal to common/redis: hiredis' parser builds our Reply objects directly, through its
// redisReplyObjectFunctions hooks, instead of its own redisReply tree, which we used to copy into
// a Reply and hiredis then freed: two trees and two allocations per element, a tenth of the
// worker's instructions per job for the stream entries alone (callgrind, docs/bench.md).
//
// What hiredis is handed back for a whole reply (the root) starts with a redisReply header
// (type, and str/len for an error or status): the one place hiredis reads a reply itself on a
// command connection is an error no command asked for ("max number of clients reached"), whose
// text it copies. Subscribed connections keep hiredis' own objects: it reads their messages
// to route them.
#include "common/redis/reply.h"

struct redisReplyObjectFunctions;

namespace imagegen::redis::detail {

struct ReplyTree {
  // For redisReader::fn of a connection that is never subscribed.
  static redisReplyObjectFunctions* functions();
  // The Reply of a root built by functions(), moved out; hiredis frees the root afterwards.
  static Reply take(void* root);
  // Slot `index` of an array reply under construction (Reply keeps its elements private).
  static Reply& element(Reply& array, std::size_t index);
};

}  // namespace imagegen::redis::detail
