// A live one-line progress display on stderr, shown only when stderr is a terminal.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

namespace semspace::core {

/// Thread-safe: any thread may call update(); redraws are throttled to ~10 per second.
class Progress {
 public:
  /// enabled = false silences it (e.g. --quiet, or stderr is not a TTY: see stderr_is_terminal()).
  Progress(std::string label, bool enabled);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// fraction in [0, 1]; details is appended after the percentage and ETA (e.g. "words/sec/thread: 120k").
  void update(double fraction, const std::string& details);
  /// Draws the final state and ends the line.
  void finish(const std::string& details);
  bool enabled() const noexcept { return enabled_; }

  static bool stderr_is_terminal();

 private:
  void draw(double fraction, const std::string& details, bool final);
  std::string label_;
  bool enabled_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  std::mutex mutex_;
};

/// "1.2M", "34.5k", "950": compact counts for progress lines and reports.
std::string human_count(double value);

}  // namespace semspace::core
