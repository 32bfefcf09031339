#pragma once
// MFCC and log-mel filter-bank features of one frame, computed as Kaldi's MfccComputer and
// FbankComputer do (and torchaudio.compliance.kaldi, which follows them): per frame, dither,
// DC removal, raw log energy, pre-emphasis, window, zero padding to the FFT length, power (or
// magnitude) spectrum, mel filters, log, and for MFCC the DCT, lifter and energy.
//
// Legend: T frames, L frame length (samples), N FFT length, M mel bins, F features per frame.
#include <complex>
#include <cstdint>
#include <utility>
#include <vector>

#include "attn/audio/feature_options.h"
#include "attn/rng.h"
#include "attn/tensor.h"

namespace attn::audio {

// Number of frames Kaldi extracts from `num_samples` samples (NumFrames with flush).
int64_t num_frames(int64_t num_samples, const FrameOptions& o);
// Index of the first sample of `frame` (negative near the start when snip_edges is off).
int64_t first_sample_of_frame(int64_t frame, const FrameOptions& o);

// The window function of Kaldi's FeatureWindowFunction, length L.
std::vector<float> window_function(const FrameOptions& o);
// Kaldi's triangular mel filters: M rows over the N/2 FFT bins below Nyquist, row-major (M, N/2).
// warp != 1 moves each FFT bin's frequency f to vtlp_warp_frequency(f, ...) before the filters
// see it: vocal-tract-length perturbation (VTLP), a training augmentation only.
std::vector<float> mel_banks(const FrameOptions& frame, const MelOptions& mel, double warp = 1.0);
// VTLP's frequency warp (Jaitly & Hinton 2013): f -> warp * f up to a boundary, then the line to
// (high, high), so [0, high] maps onto itself. The boundary is 0.8 high * min(warp, 1) / warp.
double vtlp_warp_frequency(double f, double warp, double high);
// Orthonormal DCT-II rows 0..num_ceps-1 over M inputs, (num_ceps, M) (Kaldi ComputeDctMatrix).
std::vector<float> dct_matrix(int num_ceps, int num_bins);
// 1 + Q/2 sin(pi i / Q), i < num_ceps (Kaldi ComputeLifterCoeffs).
std::vector<float> lifter_coeffs(int num_ceps, float q);

// Per-thread working memory of a FeatureComputer (the FFT plans live once per thread inside).
struct FeatureScratch {
  std::vector<float> frame;                 // (N)
  std::vector<std::complex<float>> spectrum;  // (N/2 + 1)
  std::vector<float> power;                 // (N/2 + 1)
  std::vector<float> mel;                   // (M)
};

// The constants of one FeatureOptions (window, filters, DCT), shareable between threads.
class FeatureComputer {
 public:
  // Validates the options. mel_warp: see mel_banks (1: Kaldi's features).
  explicit FeatureComputer(const FeatureOptions& options, double mel_warp = 1.0);
  const FeatureOptions& options() const { return options_; }
  int dim() const { return options_.dim(); }

  // Features of one frame. samples: (L), the frame's samples on the int16 scale (already
  // reflected at the edges when snip_edges is off); out: (F). `dither` is used only when the
  // options ask for dither.
  void compute_frame(const float* samples, float* out, FeatureScratch& scratch, Rng* dither) const;

  // All frames of a whole waveform: wave (n) -> out (T, F).
  Tensor compute(const float* wave, int64_t n, Rng* dither = nullptr) const;

 private:
  FeatureOptions options_;
  std::vector<float> window_;  // (L)
  std::vector<float> banks_;   // (M, N/2)
  std::vector<std::pair<int, int>> band_;  // (M): each filter's non-zero bins [first, last)
  std::vector<float> dct_;     // (num_ceps, M)
  std::vector<float> lifter_;  // (num_ceps) or empty
  std::vector<std::complex<float>> window_spectrum_;  // (N/2 + 1) without DC removal, else empty
};

// Copies frame `frame`'s L samples of wave (n) into out (L), reflecting at the ends as Kaldi's
// ExtractWindow does.
void extract_frame(const float* wave, int64_t n, int64_t frame, const FrameOptions& o, float* out);

}  // namespace attn::audio
