#pragma once
// Classification losses over a batch of logits, with their gradients. Both return the loss as
// a mean over the B examples, so the gradient of the returned value is what is written.
#include <cstdint>

namespace attn {

// Softmax cross-entropy with label smoothing, exactly PyTorch's
//   nn.CrossEntropyLoss(label_smoothing=smoothing, reduction="mean")(logits, labels):
// the target is q = (1 - smoothing) * onehot(label) + smoothing / K, and
//   loss = (1/B) * sum_b -sum_k q[b,k] * log_softmax(logits[b])[k].
//   logits: (B, K)   labels: (B), in [0, K)   smoothing: in [0, 1]
// dlogits: (B, K), overwritten with (softmax - q) / B; probs: (B, K), overwritten with the
// softmax. Either may be nullptr. Throws std::out_of_range naming the row on a bad label,
// std::invalid_argument on bad sizes or smoothing. Log-sum-exp in double, so large logits
// neither overflow nor lose the small probabilities.
float softmax_cross_entropy(int B, int K, const float* logits, const int32_t* labels,
                            float smoothing, float* dlogits, float* probs);

// One-vs-all sigmoid loss for multi-label classification (fastText's -loss ova): K
// independent binary logistic losses per example, SUMMED over the K labels and averaged over
// the B examples (so the loss does not shrink as labels are added):
//   loss = (1/B) * sum_{b,k} [ softplus(z) - y * z ],  z = logits[b,k], y = targets[b,k]
// which is PyTorch's nn.BCEWithLogitsLoss(reduction="sum")(logits, targets.float()) / B
// (= K * BCEWithLogitsLoss(reduction="mean")).
//   logits: (B, K)   targets: (B, K), each 0 or 1
// dlogits: (B, K), overwritten with (sigmoid(z) - y) / B; may be nullptr. Throws
// std::invalid_argument on bad sizes or a target other than 0/1. softplus is computed as
// max(z, 0) + log1p(exp(-|z|)), stable for any z.
float ova_sigmoid_loss(int B, int K, const float* logits, const uint8_t* targets,
                       float* dlogits);

}  // namespace attn
