#include "common/redis/reply_tree.h"

#include <hiredis/hiredis.h>

#include <exception>
#include <new>

namespace imagegen::redis::detail {
namespace {

struct Root {
  redisReply head{};  // first: hiredis may read it as a redisReply
  Reply reply;
};

// Where a task's object goes: a new root, or its slot in the parent array (sized when the
// array was created and never resized, so the pointer handed to hiredis stays valid).
void* place(const redisReadTask* task, Reply&& r) {
  if (task->parent == nullptr) {
    auto* root = new (std::nothrow) Root{};
    if (root == nullptr) return nullptr;
    root->reply = std::move(r);
    root->head.type = task->type;
    const std::string& text = root->reply.as_string();
    root->head.str = const_cast<char*>(text.c_str());  // NOLINT: hiredis' field is not const
    root->head.len = text.size();
    return root;  // a Root for the top level (no parent), a Reply* for everything below
  }
  const redisReadTask* parent = task->parent;
  Reply* array = parent->parent == nullptr ? &static_cast<Root*>(parent->obj)->reply
                                           : static_cast<Reply*>(parent->obj);
  Reply& slot = ReplyTree::element(*array, static_cast<std::size_t>(task->idx));
  slot = std::move(r);
  return &slot;
}

template <typename Make>
void* create(const redisReadTask* task, Make make) {
  try {
    return place(task, make());
  } catch (const std::exception&) {
    // Out of memory (or an index hiredis never gives): no exception may cross hiredis' C
    // frames. A null object makes hiredis fail the connection with "Out of memory".
    return nullptr;
  }
}

void* create_string(const redisReadTask* task, char* str, size_t len) {
  return create(task, [&] {
    std::string text(str, len);
    if (task->type == REDIS_REPLY_ERROR) return Reply::error(std::move(text));
    if (task->type == REDIS_REPLY_STATUS) return Reply::status(std::move(text));
    return Reply::string(std::move(text));
  });
}

void* create_array(const redisReadTask* task, int elements) {
  return create(task, [&] {
    return Reply::array(std::vector<Reply>(static_cast<std::size_t>(elements < 0 ? 0 : elements)));
  });
}

void* create_integer(const redisReadTask* task, long long value) {
  return create(task, [&] { return Reply::integer(value); });
}

void* create_nil(const redisReadTask* task) {
  return create(task, [] { return Reply::nil(); });
}

void free_root(void* root) { delete static_cast<Root*>(root); }

redisReplyObjectFunctions kFunctions = {create_string, create_array, create_integer, create_nil,
                                        free_root};

}  // namespace

redisReplyObjectFunctions* ReplyTree::functions() { return &kFunctions; }

Reply ReplyTree::take(void* root) { return std::move(static_cast<Root*>(root)->reply); }

Reply& ReplyTree::element(Reply& array, std::size_t index) { return array.elements_.at(index); }

}  // namespace imagegen::redis::detail
