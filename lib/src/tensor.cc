#include "attn/tensor.h"

#include <algorithm>
#include <stdexcept>

namespace attn {

int64_t shape_numel(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0) throw std::invalid_argument("negative tensor dimension");
    n *= d;
  }
  return n;
}

Tensor::Tensor(std::vector<int64_t> shape, float fill)
    : shape_(std::move(shape)), data_(static_cast<size_t>(shape_numel(shape_)), fill) {}

void Tensor::resize(std::vector<int64_t> shape) {
  shape_ = std::move(shape);
  data_.assign(static_cast<size_t>(shape_numel(shape_)), 0.0f);
}

void Tensor::resize_for_overwrite(std::vector<int64_t> shape) {
  data_.resize(static_cast<size_t>(shape_numel(shape)));
  shape_ = std::move(shape);
}

void Tensor::reshape(std::vector<int64_t> shape) {
  if (shape_numel(shape) != size()) throw std::invalid_argument("reshape changes element count");
  shape_ = std::move(shape);
}

void Tensor::fill(float v) { std::fill(data_.begin(), data_.end(), v); }

std::string Tensor::shape_string() const {
  std::string s = "(";
  for (size_t i = 0; i < shape_.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape_[i]);
  }
  return s + ")";
}

}  // namespace attn
