#pragma once
// The one header that includes Eigen: row-major views over attn's buffers.
#include <Eigen/Core>
// FFT of real frames, used by attn/audio: FFTW inside Eigen's FFT module with ATTN_FFTW (the
// default build), else Eigen's own KISS FFT.
#include <unsupported/Eigen/FFT>

namespace attn {

using RowMatrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using MatrixView = Eigen::Map<RowMatrix>;
using ConstMatrixView = Eigen::Map<const RowMatrix>;
using VectorView = Eigen::Map<Eigen::VectorXf>;
using ConstVectorView = Eigen::Map<const Eigen::VectorXf>;

inline MatrixView view(float* p, Eigen::Index rows, Eigen::Index cols) { return {p, rows, cols}; }
inline ConstMatrixView view(const float* p, Eigen::Index rows, Eigen::Index cols) {
  return {p, rows, cols};
}

}  // namespace attn
