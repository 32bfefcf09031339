#include "attn/audio/features.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>

#include "attn/eigen_view.h"

namespace attn::audio {

namespace {

constexpr float kEpsilon = std::numeric_limits<float>::epsilon();  // Kaldi's and torchaudio's floor

double mel_scale(double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); }

// Sum of x[i] (squares: of x[i]^2) in 8 independent float lanes, so the loop vectorises instead
// of waiting on one long chain of additions; the lanes are added in double at the end.
template <bool Squares>
double lane_sum(const float* x, int n) {
  float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  int i = 0;
  for (; i + 8 <= n; i += 8)
    for (int l = 0; l < 8; ++l) lanes[l] += Squares ? x[i + l] * x[i + l] : x[i + l];
  double total = 0;
  for (; i < n; ++i) total += Squares ? double(x[i]) * x[i] : x[i];
  for (float v : lanes) total += v;
  return total;
}

// One FFT object per thread, looked up at each call (a scratch may move between threads): it
// keeps its plans (twiddles per length), so they are made once per thread, not per utterance.
// FFTW's planner is not thread-safe by default, and each thread's object makes and frees plans.
Eigen::FFT<float>& thread_fft() {
#ifdef ATTN_FFTW
  static const bool planner_thread_safe = (fftwf_make_planner_thread_safe(), true);
  (void)planner_thread_safe;
#endif
  thread_local Eigen::FFT<float> fft = [] {
    Eigen::FFT<float> made;
    made.SetFlag(Eigen::FFT<float>::HalfSpectrum);
    return made;
  }();
  return fft;
}

// The half spectrum of the window zero-padded to n, by a direct DFT in double (once per
// FeatureComputer, and only for frames whose mean is kept: see compute_frame).
std::vector<std::complex<float>> window_spectrum(const std::vector<float>& window, int n) {
  std::vector<double> c(n), s(n);
  for (int i = 0; i < n; ++i) {
    c[i] = std::cos(2.0 * std::numbers::pi * i / n);
    s[i] = -std::sin(2.0 * std::numbers::pi * i / n);
  }
  std::vector<std::complex<float>> spectrum(size_t(n / 2 + 1));
  for (int k = 0; k <= n / 2; ++k) {
    double re = 0, im = 0;
    for (size_t i = 0; i < window.size(); ++i) {
      const size_t t = (size_t(k) * i) % size_t(n);
      re += window[i] * c[t];
      im += window[i] * s[t];
    }
    spectrum[k] = {float(re), float(im)};
  }
  return spectrum;
}

}  // namespace

int64_t num_frames(int64_t num_samples, const FrameOptions& o) {
  const int64_t shift = o.window_shift(), size = o.window_size();
  if (o.snip_edges) return num_samples < size ? 0 : 1 + (num_samples - size) / shift;
  return (num_samples + shift / 2) / shift;
}

int64_t first_sample_of_frame(int64_t frame, const FrameOptions& o) {
  const int64_t shift = o.window_shift();
  if (o.snip_edges) return frame * shift;
  return frame * shift + shift / 2 - o.window_size() / 2;  // centred on the frame's midpoint
}

std::vector<float> window_function(const FrameOptions& o) {
  const int n = o.window_size();
  std::vector<float> w(n);
  const double a = 2.0 * std::numbers::pi / (n - 1);
  for (int i = 0; i < n; ++i) {
    const double c = std::cos(a * i);
    switch (o.window_type) {
      case WindowType::Hanning: w[i] = float(0.5 - 0.5 * c); break;
      case WindowType::Hamming: w[i] = float(0.54 - 0.46 * c); break;
      case WindowType::Povey: w[i] = float(std::pow(0.5 - 0.5 * c, 0.85)); break;
      case WindowType::Rectangular: w[i] = 1.0f; break;
      case WindowType::Blackman:
        w[i] = float(o.blackman_coeff - 0.5 * c + (0.5 - o.blackman_coeff) * std::cos(2 * a * i));
        break;
    }
  }
  return w;
}

double vtlp_warp_frequency(double f, double warp, double high) {
  const double boundary = 0.8 * high * std::min(warp, 1.0) / warp;
  if (f <= boundary) return warp * f;
  return high - (high - warp * boundary) / (high - boundary) * (high - f);
}

std::vector<float> mel_banks(const FrameOptions& frame, const MelOptions& mel, double warp) {
  const int n_fft = frame.padded_window_size(), bins = n_fft / 2;
  const double nyquist = 0.5 * frame.sample_frequency;
  const double high = mel.high_freq > 0 ? mel.high_freq : nyquist + mel.high_freq;
  const double bin_width = frame.sample_frequency / n_fft;
  const double mel_low = mel_scale(mel.low_freq), mel_high = mel_scale(high);
  const double delta = (mel_high - mel_low) / (mel.num_bins + 1);
  std::vector<float> banks(size_t(mel.num_bins) * bins, 0.0f);
  for (int m = 0; m < mel.num_bins; ++m) {
    const double left = mel_low + m * delta, centre = left + delta, right = centre + delta;
    for (int i = 0; i < bins; ++i) {
      const double hz = bin_width * i;
      const double f = mel_scale(warp == 1.0 ? hz : vtlp_warp_frequency(hz, warp, high));
      if (f > left && f < right)
        banks[size_t(m) * bins + i] =
            float(f <= centre ? (f - left) / (centre - left) : (right - f) / (right - centre));
    }
  }
  return banks;
}

std::vector<float> dct_matrix(int num_ceps, int num_bins) {
  std::vector<float> d(size_t(num_ceps) * num_bins);
  for (int k = 0; k < num_ceps; ++k) {
    const double norm = std::sqrt((k == 0 ? 1.0 : 2.0) / num_bins);
    for (int n = 0; n < num_bins; ++n)
      d[size_t(k) * num_bins + n] = float(norm * std::cos(std::numbers::pi / num_bins * (n + 0.5) * k));
  }
  return d;
}

std::vector<float> lifter_coeffs(int num_ceps, float q) {
  std::vector<float> c(num_ceps);
  for (int i = 0; i < num_ceps; ++i) c[i] = float(1.0 + 0.5 * q * std::sin(std::numbers::pi * i / q));
  return c;
}

FeatureComputer::FeatureComputer(const FeatureOptions& options, double mel_warp) : options_(options) {
  options_.validate();
  window_ = window_function(options_.frame);
  if (!options_.frame.remove_dc_offset)
    window_spectrum_ = window_spectrum(window_, options_.frame.padded_window_size());
  banks_ = mel_banks(options_.frame, options_.mel, mel_warp);
  const int m_bins = options_.mel.num_bins, bins = options_.frame.padded_window_size() / 2;
  band_.assign(size_t(m_bins), {0, 0});
  for (int m = 0; m < m_bins; ++m) {  // each filter's non-zero span [first, last)
    const float* row = banks_.data() + size_t(m) * bins;
    int first = 0, last = bins;
    while (first < bins && row[first] == 0.0f) ++first;
    while (last > first && row[last - 1] == 0.0f) --last;
    band_[m] = {first, last};
  }
  if (options_.kind == FeatureKind::Mfcc) {
    dct_ = dct_matrix(options_.num_ceps, m_bins);
    if (options_.cepstral_lifter != 0.0f) lifter_ = lifter_coeffs(options_.num_ceps, options_.cepstral_lifter);
  }
}

void FeatureComputer::compute_frame(const float* samples, float* out, FeatureScratch& s,
                                    Rng* dither) const {
  const FeatureOptions& o = options_;
  const int len = o.frame.window_size(), n_fft = o.frame.padded_window_size();
  s.frame.assign(samples, samples + len);  // frame: (L), later zero-padded to (N)
  s.frame.resize(n_fft, 0.0f);
  float* x = s.frame.data();
  if (o.frame.dither != 0.0f) {
    if (!dither) throw std::logic_error("compute_frame: dither requested without a generator");
    for (int i = 0; i < len; ++i) x[i] += dither->normal() * o.frame.dither;
  }
  if (o.frame.remove_dc_offset) {
    const float mean = float(lane_sum<false>(x, len) / len);
    for (int i = 0; i < len; ++i) x[i] -= mean;
  }
  auto log_energy = [&](const float* v) {
    const double e = lane_sum<true>(v, len);
    float le = std::log(std::max(float(e), kEpsilon));
    if (o.energy_floor > 0.0f) le = std::max(le, std::log(o.energy_floor));
    return le;
  };
  float energy = 0.0f;
  if (o.use_energy && o.raw_energy) energy = log_energy(x);  // before pre-emphasis and window
  if (o.frame.preemphasis_coefficient != 0.0f) {
    const float c = o.frame.preemphasis_coefficient;
    for (int i = len - 1; i > 0; --i) x[i] -= c * x[i - 1];
    x[0] -= c * x[0];
  }
  // A frame whose mean is kept: the mean's large spectrum, rounded to float with the rest, would
  // swamp the small bins (1e-3 in MFCCs against double precision). So the mean goes before the
  // window and the FFT, and mean x the window's exact spectrum is added to the result.
  float mean = 0.0f;
  if (!window_spectrum_.empty()) {
    if (o.use_energy && !o.raw_energy) {  // the energy of the windowed frame, mean included
      s.power.resize(len);
      for (int i = 0; i < len; ++i) s.power[i] = x[i] * window_[i];
      energy = log_energy(s.power.data());
    }
    mean = float(lane_sum<false>(x, len) / len);
    for (int i = 0; i < len; ++i) x[i] -= mean;
  }
  for (int i = 0; i < len; ++i) x[i] *= window_[i];
  if (o.use_energy && !o.raw_energy && window_spectrum_.empty()) energy = log_energy(x);

  const int bins = n_fft / 2;
  s.spectrum.resize(bins + 1);
  thread_fft().fwd(s.spectrum.data(), x, n_fft);  // (N) -> (N/2 + 1)
  if (mean != 0.0f)
    for (int i = 0; i <= bins; ++i) s.spectrum[i] += mean * window_spectrum_[i];
  s.power.resize(bins + 1);
  const bool magnitude = o.kind == FeatureKind::Fbank && !o.use_power;
  for (int i = 0; i <= bins; ++i) {
    const float p = std::norm(s.spectrum[i]);
    s.power[i] = magnitude ? std::sqrt(p) : p;
  }
  const int m_bins = o.mel.num_bins;
  s.mel.resize(m_bins);
  const bool take_log = o.kind == FeatureKind::Mfcc || o.use_log_fbank;
  // mel: (M) = banks (M, N/2) . power (N/2), each row summed over its filter's span only: a bin
  // lies in at most two filters, so this is ~2 N/2 products instead of M N/2.
  for (int m = 0; m < m_bins; ++m) {
    const float* row = banks_.data() + size_t(m) * bins;
    float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};  // independent partial sums, so the loop vectorises
    int i = band_[m].first;
    const int end = band_[m].second;
    for (; i + 8 <= end; i += 8)
      for (int l = 0; l < 8; ++l) lanes[l] += row[i + l] * s.power[i + l];
    float sum = 0.0f;
    for (; i < end; ++i) sum += row[i] * s.power[i];
    for (float v : lanes) sum += v;
    s.mel[m] = sum;
  }
  Eigen::Map<Eigen::VectorXf> mel(s.mel.data(), m_bins);
  if (take_log)
    for (float& v : s.mel) v = std::log(std::max(v, kEpsilon));
  if (o.kind == FeatureKind::Fbank) {  // out: [energy] mel... or mel... [energy] (htk)
    const int offset = o.use_energy && !o.htk_compat ? 1 : 0;
    std::copy(s.mel.begin(), s.mel.end(), out + offset);
    if (o.use_energy) out[o.htk_compat ? m_bins : 0] = energy;
    return;
  }
  const int q = o.num_ceps;
  Eigen::Map<Eigen::VectorXf> ceps(out, q);  // out: (Q) = dct (Q, M) . mel (M)
  ceps.noalias() = view(dct_.data(), q, m_bins) * mel;
  if (!lifter_.empty()) ceps.array() *= Eigen::Map<const Eigen::ArrayXf>(lifter_.data(), q);
  if (o.use_energy) out[0] = energy;
  if (o.htk_compat) {  // C0 or energy goes last; C0 scaled as HTK does
    float c0 = out[0];
    for (int k = 0; k + 1 < q; ++k) out[k] = out[k + 1];
    if (!o.use_energy) c0 *= float(std::numbers::sqrt2);
    out[q - 1] = c0;
  }
}

void extract_frame(const float* wave, int64_t n, int64_t frame, const FrameOptions& o, float* out) {
  const int64_t start = first_sample_of_frame(frame, o);
  const int len = o.window_size();
  if (start >= 0 && start + len <= n) {  // inside the waveform: no reflection
    std::copy(wave + start, wave + start + len, out);
    return;
  }
  for (int i = 0; i < len; ++i) {
    int64_t s = start + i;
    while (s < 0 || s >= n) s = s < 0 ? -s - 1 : 2 * n - 1 - s;  // Kaldi's reflection
    out[i] = wave[s];
  }
}

Tensor FeatureComputer::compute(const float* wave, int64_t n, Rng* dither) const {
  const int64_t frames = n > 0 ? num_frames(n, options_.frame) : 0;
  Tensor out({frames, int64_t(dim())});
  FeatureScratch scratch;
  std::vector<float> samples(options_.frame.window_size());
  for (int64_t t = 0; t < frames; ++t) {
    extract_frame(wave, n, t, options_.frame, samples.data());
    compute_frame(samples.data(), out.data() + t * dim(), scratch, dither);
  }
  return out;
}

}  // namespace attn::audio
