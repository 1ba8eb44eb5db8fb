// Running work on a fixed number of threads owned by the caller's call: start, join, rethrow.
#pragma once

#include <functional>

namespace semspace::core {

/// Runs fn(thread_id) for thread_id in [0, threads) concurrently (thread 0 on the calling thread) and joins.
/// The first exception thrown by any worker is rethrown here after all have finished.
void run_threads(int threads, const std::function<void(int thread_id)>& fn);

/// The number of hardware threads, at least 1.
int hardware_threads();

}  // namespace semspace::core
