// body_of<B>(message): the typed body of a message in a test, shared by the
// unit tests that inspect what a node sent.
#pragma once

#include <gtest/gtest.h>

#include <variant>

#include "core/message.h"

namespace eddy::test_support {

// A copy of the body (so that it may come from a temporary Message); fails the
// test and returns an empty body if it has another type.
template <class B>
B body_of(const core::Message& message) {
  const B* body = std::get_if<B>(&message.body);
  if (body == nullptr) {
    ADD_FAILURE() << "expected body '" << core::body_type(core::Body{B{}}) << "', got '"
                  << core::body_type(message.body) << "'";
    return B{};
  }
  return *body;
}

}  // namespace eddy::test_support
