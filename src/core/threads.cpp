#include "core/threads.hpp"

#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace semspace::core {

void run_threads(int threads, const std::function<void(int thread_id)>& fn) {
  if (threads < 1) threads = 1;
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto guarded = [&](int thread_id) {
    try {
      fn(thread_id);
    } catch (...) {
      std::lock_guard lock(error_mutex);
      if (!first_error) first_error = std::current_exception();
    }
  };
  std::vector<std::thread> workers;
  workers.reserve(threads - 1);
  for (int t = 1; t < threads; ++t) workers.emplace_back(guarded, t);
  guarded(0);
  for (auto& w : workers) w.join();
  if (first_error) std::rethrow_exception(first_error);
}

int hardware_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace semspace::core
