// copy_parameters (train --init): values by name, fresh prefixes left alone, missing or
// reshaped parameters named.
#include <doctest/doctest.h>

#include "attn/error.h"
#include "attn/train/warm_start.h"

using namespace attn;

TEST_CASE("copy_parameters copies by name and leaves fresh prefixes as they are") {
  Parameter a("encoder.w", {2, 3}), h("head.weight", {4, 3});
  Parameter sa("encoder.w", {2, 3}), sh("head.weight", {2, 3}), extra("unused", {1});
  for (int64_t i = 0; i < 6; ++i) sa.value.data()[i] = float(i + 1);
  h.value.data()[0] = 7.0f;
  CHECK(copy_parameters({&a, &h}, {&sh, &extra, &sa}, {"head."}) == 1);
  for (int64_t i = 0; i < 6; ++i) CHECK(a.value.data()[i] == float(i + 1));
  CHECK(h.value.data()[0] == 7.0f);  // fresh: not copied (and its shape may differ)
}

TEST_CASE("copy_parameters names a missing or reshaped parameter") {
  Parameter a("encoder.w", {2, 3}), other("encoder.w", {3, 2}), b("encoder.b", {3});
  CHECK_THROWS_WITH_AS(copy_parameters({&a}, {&other}, {}),
                       "parameter encoder.w has another shape in the model to start from", Error);
  CHECK_THROWS_WITH_AS(copy_parameters({&b}, {&a}, {}),
                       "parameter encoder.b is missing from the model to start from", Error);
}
