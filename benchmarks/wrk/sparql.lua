-- wrk script for benchmarks/endpoint.py: GET requests with per-request variation, and a machine-readable summary.
--
--   wrk -t1 -c1 -d10s --timeout 30s -s benchmarks/wrk/sparql.lua http://127.0.0.1:PORT -- PATH NONCE
--
-- PATH is the request target, already URL-encoded (e.g. /sparql?query=SELECT...). Every occurrence of the marker
-- __COLD__ in it is replaced, per request, by NONCE-THREAD-COUNTER, so that with a marker every request sends a
-- different query text (the "cold" workload: no cache can answer it) and without one the same text is repeated
-- (the "warm" workload). NONCE is unique per measurement, so no two measurements share a query text either.
-- Every request asks for application/sparql-results+json. done() prints lines "BENCH key value" for the caller.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

local template, nonce, fixed
local counter = 0
non2xx = 0
last_bad_status = 0

function init(args)
  template = args[1] or "/"
  nonce = args[2] or "0"
  wrk.headers["Accept"] = "application/sparql-results+json"
  if not string.find(template, "__COLD__", 1, true) then
    fixed = wrk.format("GET", template)  -- warm: one prebuilt request, sent again and again
  end
end

function request()
  if fixed then
    return fixed
  end
  counter = counter + 1
  local path = string.gsub(template, "__COLD__", nonce .. "-" .. id .. "-" .. counter)
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    last_bad_status = status
  end
end

function done(summary, latency, requests)
  local bad, status = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + (thread:get("non2xx") or 0)
    local s = thread:get("last_bad_status") or 0
    if s ~= 0 then status = s end
  end
  local e = summary.errors
  io.write(string.format("BENCH requests %d\n", summary.requests))
  io.write(string.format("BENCH duration_us %d\n", summary.duration))
  io.write(string.format("BENCH bytes %d\n", summary.bytes))
  io.write(string.format("BENCH non2xx %d\n", bad))
  io.write(string.format("BENCH bad_status %d\n", status))
  io.write(string.format("BENCH socket_errors %d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("BENCH timeouts %d\n", e.timeout))
  io.write(string.format("BENCH p50_us %d\n", latency:percentile(50)))
  io.write(string.format("BENCH p99_us %d\n", latency:percentile(99)))
  io.write(string.format("BENCH mean_us %.1f\n", latency.mean))
  io.write(string.format("BENCH max_us %d\n", latency.max))
end
