#include "attn/parameter.h"

#include <algorithm>
#include <cstring>

namespace attn {

Parameter::Parameter(std::string name_, std::vector<int64_t> shape, bool decay_)
    : name(std::move(name_)), value(shape), decay(decay_) {}

Tensor& Parameter::ensure_grad() {
  if (grad.shape() != value.shape()) grad.resize(value.shape());
  return grad;
}

void Parameter::touch_row(int32_t row) {
  if (row_is_touched.size() != static_cast<size_t>(rows())) row_is_touched.assign(rows(), 0);
  if (!row_is_touched[row]) {
    row_is_touched[row] = 1;
    touched_rows.push_back(row);
  }
}

void Parameter::zero_grad() {
  if (grad.shape() != value.shape()) {
    ensure_grad();  // fresh zeros
    touched_rows.clear();
    row_is_touched.clear();
    return;
  }
  if (!row_sparse) {
    grad.zero();
    return;
  }
  const int64_t width = row_size();
  for (int32_t r : touched_rows) {
    std::memset(grad.data() + r * width, 0, sizeof(float) * width);
    row_is_touched[r] = 0;
  }
  touched_rows.clear();
}

}  // namespace attn
