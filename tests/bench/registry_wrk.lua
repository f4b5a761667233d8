-- wrk script for tests/bench/registry-bench: GET /schemas/ids/{id} over
-- rotating ids. Usage: wrk ... -s registry_wrk.lua URL -- IDS_FILE
-- IDS_FILE holds one id per line. Each wrk thread starts at its own offset
-- and walks the list round-robin. At the end it prints one line
--   RESULT requests=N duration_us=N non2xx=N errors=N p50_us=N p90_us=N p99_us=N max_us=N
-- that the driver parses.
local ids = {}
local next_index = 1
local threads_made = 0

function setup(thread)
  thread:set("tid", threads_made)  -- a global in that thread's own Lua state
  threads_made = threads_made + 1
end

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open the ids file")
  for line in file:lines() do
    if line ~= "" then ids[#ids + 1] = line end
  end
  file:close()
  assert(#ids > 0, "no ids")
  next_index = ((tid or 0) * 7919) % #ids + 1
end

function request()
  local id = ids[next_index]
  next_index = next_index % #ids + 1
  return wrk.format("GET", "/schemas/ids/" .. id)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx=%d errors=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
