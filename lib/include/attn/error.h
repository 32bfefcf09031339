#pragma once
#include <stdexcept>
#include <string>

namespace attn {

// Bad input data, bad model file or I/O failure: the user can fix it (tools exit with 1).
// Anything else thrown from the library is a bug (tools exit with 3).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace attn
