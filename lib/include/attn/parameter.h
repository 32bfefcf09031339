#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "attn/tensor.h"

namespace attn {

// A trainable tensor with its gradient and optimizer state.
// Row-sparse parameters (embedding tables) record which rows a step touched, so the
// optimizer updates only those rows: a big table costs memory, not time per step.
struct Parameter {
  std::string name;    // checkpoint name, e.g. "encoder.0.attn.wq.weight"
  Tensor value;
  Tensor grad;         // same shape as value once allocated: empty until the first backward or
                       // zero_grad(), so a model loaded for inference holds no gradients
  Tensor adam_m, adam_v;  // optimizer moments, allocated lazily by the optimizer
  bool decay = true;   // apply weight decay (off for biases, norms, positions)
  bool row_sparse = false;
  std::vector<int32_t> touched_rows;  // row_sparse only: rows with nonzero grad this step
  std::vector<uint8_t> row_is_touched;  // row_sparse only: dedup flags, size rows

  Parameter() = default;
  Parameter(std::string name_, std::vector<int64_t> shape, bool decay_ = true);

  int64_t rows() const { return value.rank() ? value.dim(0) : 0; }
  int64_t row_size() const { return rows() ? value.size() / rows() : 0; }
  // Row-sparse: note that `row` has gradient this step.
  void touch_row(int32_t row);
  // Allocates the gradient (zeros) if it is not there yet; returns it. Backward passes call it
  // before accumulating.
  Tensor& ensure_grad();
  // Zero the gradient (only the touched rows for row-sparse parameters); allocates it if needed.
  void zero_grad();
};

using ParameterList = std::vector<Parameter*>;

// The name and shape of every parameter a model will have, known from its config alone: model
// files are checked against it before the model allocates anything (attn/model_file.h).
struct ParameterShape {
  std::string name;
  std::vector<int64_t> shape;
};
using ParameterShapes = std::vector<ParameterShape>;

}  // namespace attn
