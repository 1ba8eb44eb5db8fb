-- wrk script for bench/compare/serve_load.sh: POSTs the JSON bodies of $SERVE_BODIES (one per line) in turn and
-- prints one RESULT line: requests, duration, p50/p99 latency (microseconds), non-2xx answers and socket errors.
local bodies = {}
for line in io.lines(os.getenv("SERVE_BODIES")) do bodies[#bodies + 1] = line end
local next_body = 0
local headers = {["Content-Type"] = "application/json"}

request = function()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", nil, headers, bodies[next_body])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), e.status,
    e.connect + e.read + e.write + e.timeout))
end
