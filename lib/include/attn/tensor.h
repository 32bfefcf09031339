#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace attn {

// A dense row-major float buffer with a shape. Owns its storage.
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::vector<int64_t> shape, float fill = 0.0f);
  Tensor(std::initializer_list<int64_t> shape) : Tensor(std::vector<int64_t>(shape)) {}

  const std::vector<int64_t>& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int i) const { return shape_.at(i < 0 ? i + rank() : i); }
  int64_t size() const { return static_cast<int64_t>(data_.size()); }
  bool empty() const { return data_.empty(); }

  float* data() { return data_.data(); }
  const float* data() const { return data_.data(); }
  float& operator[](int64_t i) { return data_[i]; }
  float operator[](int64_t i) const { return data_[i]; }
  std::vector<float>& storage() { return data_; }
  const std::vector<float>& storage() const { return data_; }

  // Reshape to a new shape, reallocating; contents are zeroed.
  void resize(std::vector<int64_t> shape);
  // Reshape to a new shape, keeping the storage: contents unspecified (for buffers the caller
  // overwrites whole, so that a steady-state call neither zeroes nor reallocates).
  void resize_for_overwrite(std::vector<int64_t> shape);
  // Keep the contents, change the view (element count must match).
  void reshape(std::vector<int64_t> shape);
  void fill(float v);
  void zero() { fill(0.0f); }

  std::string shape_string() const;  // "(3, 4)"

 private:
  std::vector<int64_t> shape_;
  std::vector<float> data_;
};

int64_t shape_numel(const std::vector<int64_t>& shape);

}  // namespace attn
