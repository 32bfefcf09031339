#pragma once
#include "attn/parameter.h"

namespace attn {

// Global L2 norm of all gradients, sqrt(sum over parameters of sum g^2); for row-sparse
// parameters only the touched rows count (the others are zero). Accumulated in double over
// fixed-size chunks whose partial sums are added in a fixed order, so the result is the
// same for every thread count.
double grad_norm(const ParameterList& params);

// Clips gradients to a global L2 norm of at most max_norm (as torch.nn.utils.clip_grad_norm_):
// when norm > max_norm, every gradient is multiplied by max_norm / (norm + 1e-6).
// Returns the norm before clipping. A non-finite norm (inf or NaN gradients) is returned
// as it is and the gradients are left unchanged: the caller should skip the step
// (zero the gradients) and report it.
double clip_grad_norm(const ParameterList& params, double max_norm);

}  // namespace attn
