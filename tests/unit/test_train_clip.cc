#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "attn/parallel.h"
#include "attn/rng.h"
#include "attn/train/clip.h"

TEST_CASE("global norm covers dense and touched rows only; clipping scales to max_norm") {
  attn::Parameter dense("dense", {2});
  dense.ensure_grad();
  dense.grad[0] = 3.0f;
  dense.grad[1] = 4.0f;
  attn::Parameter table("table", {3, 2});
  table.ensure_grad();
  table.row_sparse = true;
  table.touch_row(2);
  table.grad[4] = 12.0f;   // touched row 2: counts
  table.grad[0] = 100.0f;  // untouched row 0: ignored (and not scaled)
  const attn::ParameterList params{&dense, &table};

  CHECK(attn::grad_norm(params) == doctest::Approx(13.0));
  // Below the limit: nothing changes.
  CHECK(attn::clip_grad_norm(params, 20.0) == doctest::Approx(13.0));
  CHECK(dense.grad[0] == 3.0f);
  // Above: every counted gradient is scaled by max_norm / (norm + 1e-6).
  CHECK(attn::clip_grad_norm(params, 6.5) == doctest::Approx(13.0));
  const double scale = 6.5 / (13.0 + 1e-6);
  CHECK(dense.grad[0] == doctest::Approx(3.0 * scale));
  CHECK(dense.grad[1] == doctest::Approx(4.0 * scale));
  CHECK(table.grad[4] == doctest::Approx(12.0 * scale));
  CHECK(table.grad[0] == 100.0f);
  CHECK(attn::grad_norm(params) == doctest::Approx(6.5));
}

TEST_CASE("a non-finite norm is returned and leaves the gradients alone") {
  attn::Parameter p("p", {3});
  p.ensure_grad();
  p.grad[0] = 1.0f;
  p.grad[1] = std::numeric_limits<float>::infinity();
  CHECK(std::isinf(attn::clip_grad_norm({&p}, 1.0)));
  CHECK(p.grad[0] == 1.0f);
  p.grad[1] = std::numeric_limits<float>::quiet_NaN();
  CHECK(std::isnan(attn::clip_grad_norm({&p}, 1.0)));
  CHECK(p.grad[0] == 1.0f);
  CHECK_THROWS_AS(attn::clip_grad_norm({&p}, 0.0), std::invalid_argument);
}

TEST_CASE("the norm is identical on 1 and 2 threads") {
  attn::Rng rng(3);
  attn::Parameter a("a", {70001}), b("b", {513, 7});
  a.ensure_grad(); b.ensure_grad();
  for (auto& g : a.grad.storage()) g = rng.normal();
  for (auto& g : b.grad.storage()) g = rng.normal();
  const int saved = attn::threads();
  attn::set_threads(1);
  const double one = attn::grad_norm({&a, &b});
  attn::set_threads(2);
  const double two = attn::grad_norm({&a, &b});
  attn::set_threads(saved);
  CHECK(one == two);
  CHECK(one == doctest::Approx(std::sqrt(70001.0 + 513 * 7)).epsilon(0.02));
}
