-- Shared by reads.lua and saves.lua (loaded with dofile; wrk runs one Lua state per thread
-- plus one for setup() and done()).
--
-- Environment:
--   LOAD_TARGETS      targets.lua from load_helper.py prepare (cookies, addresses, POST bodies)
--   LOAD_NAME         label of the run in the summary line
--   LOAD_INTERVAL_MS  if set, pace each wrk thread to one request per this many ms (the soak):
--                     rate = wrk threads x 1000 / LOAD_INTERVAL_MS requests a second

local ffi = require("ffi")
ffi.cdef([[
  typedef struct { long tv_sec; long tv_nsec; } load_timespec;
  int clock_gettime(int clock_id, load_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("load_timespec")

local common = {}

function common.now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

common.targets = dofile(assert(os.getenv("LOAD_TARGETS"), "set LOAD_TARGETS"))
common.name = os.getenv("LOAD_NAME") or "run"

-- A fixed schedule per thread: the nth request of the thread starts at start + n x interval,
-- whichever of the thread's connections is free. A connection given a slot in the future waits
-- for it; after a stall of over a second the schedule restarts rather than bursting to catch
-- up, so a slow server shows as a lower rate, not as a burst.
function common.pace(interval_ms)
  local next_at = nil
  return function()
    local now = common.now_ms()
    if next_at == nil or next_at < now - 1000 then
      next_at = now
    end
    local wait = next_at - now
    next_at = next_at + interval_ms
    if wait < 0 then
      return 0
    end
    return math.floor(wait)
  end
end

-- Main state: number the threads and keep them for done().
local threads = {}
function common.setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

local function merge_counts(into, from)
  for key, count in pairs(from or {}) do
    into[key] = (into[key] or 0) + count
  end
end

local function percentile(values, p)
  if #values == 0 then
    return 0
  end
  table.sort(values)
  local index = math.max(1, math.ceil(#values * p / 100))
  return values[index]
end

-- One machine-readable line ("@@ key=value ...") for load.sh, after wrk's own report.
-- Errors: responses with a status other than the expected one (counted in response()), plus
-- wrk's socket errors (connect, read, write, timeout).
function common.done(summary, latency)
  local statuses, bad, extra_ms = {}, 0, {}
  local extra_name = nil
  for _, thread in ipairs(threads) do
    merge_counts(statuses, thread:get("statuses"))
    bad = bad + (thread:get("bad") or 0)
    extra_name = thread:get("timed_name") or extra_name
    for _, ms in ipairs(thread:get("timed_ms") or {}) do
      table.insert(extra_ms, ms)
    end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local status_list = {}
  for status, count in pairs(statuses) do
    table.insert(status_list, status .. ":" .. count)
  end
  table.sort(status_list)
  local seconds = summary.duration / 1e6
  local line = string.format(
    "@@ name=%s requests=%d seconds=%.1f rps=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f"
      .. " max_ms=%.1f bad_status=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d"
      .. " statuses=%s",
    common.name, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, bad, socket_errors,
    e.connect, e.read, e.write, e.timeout, table.concat(status_list, ",")
  )
  if extra_name ~= nil and #extra_ms > 0 then
    line = line .. string.format(
      " %s_count=%d %s_p50_ms=%.1f %s_p95_ms=%.1f", extra_name, #extra_ms,
      extra_name, percentile(extra_ms, 50), extra_name, percentile(extra_ms, 95)
    )
  end
  io.write(line .. "\n")
end

return common
