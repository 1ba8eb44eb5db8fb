#include "core/progress.hpp"

#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>

namespace semspace::core {

Progress::Progress(std::string label, bool enabled)
    : label_(std::move(label)), enabled_(enabled), start_(std::chrono::steady_clock::now()), last_draw_() {}

Progress::~Progress() {
  if (enabled_ && !finished_) std::fputc('\n', stderr);
}

bool Progress::stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

void Progress::update(double fraction, const std::string& details) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  draw(fraction, details, false);
}

void Progress::finish(const std::string& details) {
  if (!enabled_) return;
  std::lock_guard lock(mutex_);
  draw(1.0, details, true);
  finished_ = true;
}

void Progress::draw(double fraction, const std::string& details, bool final) {
  if (fraction < 0) fraction = 0;
  if (fraction > 1) fraction = 1;
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string eta = "--:--";
  double remaining = final ? 0.0 : (fraction > 0.001 ? elapsed * (1.0 - fraction) / fraction : -1.0);
  if (remaining >= 0) {
    auto secs = static_cast<long>(remaining + 0.5);
    eta = secs >= 3600 ? fmt::format("{}h{:02}m", secs / 3600, (secs / 60) % 60)
                       : fmt::format("{:02}:{:02}", secs / 60, secs % 60);
  }
  constexpr int kBarWidth = 20;
  int filled = static_cast<int>(fraction * kBarWidth);
  std::string bar(filled, '#');
  bar.resize(kBarWidth, '.');
  std::string line = fmt::format("\r\x1b[2K{} [{}] {:5.1f}%  {} {}", label_, bar, fraction * 100.0,
                                 final ? "time" : "ETA", final ? fmt::format("{:.1f}s", elapsed) : eta);
  if (!details.empty()) line += "  " + details;
  if (final) line += '\n';
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

std::string human_count(double value) {
  if (value >= 1e9) return fmt::format("{:.2f}G", value / 1e9);
  if (value >= 1e6) return fmt::format("{:.2f}M", value / 1e6);
  if (value >= 1e4) return fmt::format("{:.1f}k", value / 1e3);
  return fmt::format("{:.0f}", value);
}

}  // namespace semspace::core
