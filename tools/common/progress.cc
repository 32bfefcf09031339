#include "common/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "common/log.h"

namespace attn::tools {
namespace {

constexpr auto kRedrawInterval = std::chrono::milliseconds(100);  // at most ~10 redraws/s
constexpr int kBarWidth = 20;

bool stderr_is_terminal() {
  const char* term = std::getenv("TERM");
  return ::isatty(STDERR_FILENO) != 0 && !(term && std::strcmp(term, "dumb") == 0);
}

int terminal_width() {
  struct winsize ws {};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

double seconds_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::string bar(double fraction) {
  const int filled = static_cast<int>(std::floor(std::clamp(fraction, 0.0, 1.0) * kBarWidth));
  std::string s = "[";
  for (int i = 0; i < kBarWidth; ++i) s += i < filled ? '=' : (i == filled ? '>' : ' ');
  return s + "]";
}

}  // namespace

std::string format_duration(double seconds) {
  if (!(seconds >= 0)) return "--";
  const auto total = static_cast<int64_t>(std::llround(seconds));
  if (total < 60) return fmt::format("{}s", total);
  if (total < 3600) return fmt::format("{}:{:02}", total / 60, total % 60);
  return fmt::format("{}:{:02}:{:02}", total / 3600, total / 60 % 60, total % 60);
}

std::string format_rate(double items_per_second) {
  return items_per_second >= 10 ? fmt::format("{:.0f}", items_per_second)
                                : fmt::format("{:.1f}", items_per_second);
}

std::string format_live_line(const ProgressSnapshot& s, int width) {
  // Pieces in display order, each with the priority with which it is dropped when too wide
  // (higher goes first).
  struct Piece {
    std::string text;
    int drop_order;
  };
  std::vector<Piece> pieces;
  pieces.push_back({fmt::format("epoch {}/{}", s.epoch, s.epochs), 0});
  if (s.items_per_epoch > 0) {
    const double fraction = static_cast<double>(s.items_done) / static_cast<double>(s.items_per_epoch);
    pieces.push_back({bar(fraction), 5});
    pieces.push_back({fmt::format("{:3.0f}%", std::clamp(fraction, 0.0, 1.0) * 100), 1});
  } else {
    pieces.push_back({fmt::format("{} items", s.items_done), 1});
  }
  pieces.push_back({fmt::format("loss {:.4f}", s.loss), 0});
  pieces.push_back({fmt::format("acc {:.4f}", s.accuracy), 2});
  if (s.items_per_second > 0) pieces.push_back({format_rate(s.items_per_second) + " items/s", 4});
  if (s.eta_seconds >= 0) pieces.push_back({"ETA " + format_duration(s.eta_seconds), 3});

  const auto join = [&] {
    std::string line;
    for (const Piece& p : pieces) line += (line.empty() ? "" : "  ") + p.text;
    return line;
  };
  std::string line = join();
  for (int order = 5; order >= 1 && static_cast<int>(line.size()) > width; --order) {
    std::erase_if(pieces, [&](const Piece& p) { return p.drop_order == order; });
    line = join();
  }
  if (width > 0 && static_cast<int>(line.size()) > width) line.resize(static_cast<size_t>(width));
  return line;
}

std::string format_epoch_line(int epoch, int epochs, const EpochResult& r, double items_per_second,
                              double seconds) {
  std::string line = fmt::format("epoch {}/{}  loss {:.4f}  acc {:.4f}", epoch, epochs, r.loss, r.accuracy);
  if (r.valid_loss) line += fmt::format("  valid loss {:.4f}", *r.valid_loss);
  if (r.valid_accuracy) line += fmt::format("  valid acc {:.4f}", *r.valid_accuracy);
  if (r.valid_f1) line += fmt::format("  valid F1 {:.4f}", *r.valid_f1);
  if (items_per_second > 0) line += fmt::format("  {} items/s", format_rate(items_per_second));
  line += seconds < 60 ? fmt::format("  {:.1f}s", seconds) : "  " + format_duration(seconds);
  return line;
}

TrainingProgress::TrainingProgress(int epochs, int64_t items_per_epoch)
    : TrainingProgress(epochs, items_per_epoch,
                       verbosity() == Verbosity::Quiet ? Mode::Off
                       : stderr_is_terminal()          ? Mode::Live
                                                       : Mode::Lines) {}

TrainingProgress::TrainingProgress(int epochs, int64_t items_per_epoch, Mode mode)
    : mode_(mode), epochs_(epochs), items_per_epoch_(items_per_epoch) {
  start_ = epoch_start_ = last_draw_ = Clock::now();
}

TrainingProgress::~TrainingProgress() {
  if (drawn_) clear_status_line();
}

void TrainingProgress::start_epoch(int epoch) {
  epoch_ = epoch;
  items_done_ = 0;
  epoch_start_ = Clock::now();
}

void TrainingProgress::update(int64_t items_done, double loss, double accuracy) {
  items_done_ = items_done;
  if (mode_ != Mode::Live) return;
  const Clock::time_point now = Clock::now();
  if (drawn_ && now - last_draw_ < kRedrawInterval) return;
  last_draw_ = now;

  ProgressSnapshot s;
  s.epoch = epoch_;
  s.epochs = epochs_;
  s.items_done = items_done;
  s.items_per_epoch = items_per_epoch_;
  s.loss = loss;
  s.accuracy = accuracy;
  // The rate over the whole run so far (validation time included), so the ETA covers it too.
  const double elapsed = seconds_between(start_, now);
  const int64_t total_done = items_before_ + items_done;
  if (elapsed >= 0.5 && total_done > 0) {
    s.items_per_second = static_cast<double>(total_done) / elapsed;
    if (items_per_epoch_ > 0) {
      const int64_t remaining = static_cast<int64_t>(epochs_ - epoch_) * items_per_epoch_ +
                                std::max<int64_t>(items_per_epoch_ - items_done, 0);
      s.eta_seconds = static_cast<double>(remaining) / s.items_per_second;
    }
  }
  show_status_line(format_live_line(s, terminal_width() - 1));  // -1: no wrap at the last column
  drawn_ = true;
}

void TrainingProgress::end_epoch(const EpochResult& result) {
  const double seconds = seconds_between(epoch_start_, Clock::now());
  items_before_ += items_done_;
  if (mode_ == Mode::Off) return;
  const double rate = seconds > 0 ? static_cast<double>(items_done_) / seconds : 0.0;
  print_stderr_line(format_epoch_line(epoch_, epochs_, result, rate, seconds));  // clears the live line
  drawn_ = false;
}

}  // namespace attn::tools
