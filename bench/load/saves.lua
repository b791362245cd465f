-- wrk script: facilitators and the programme manager taking registers, each wrk thread on its
-- own register with ONE connection (run with -t N -c N, N <= the saves in targets.lua).
--
--   LOAD_TARGETS=.../targets.lua LOAD_NAME=saves wrk -t2 -c2 -d30s --latency \
--     -s bench/load/saves.lua http://127.0.0.1:8765
--
-- Each cycle is what a person does: open the register (GET, 200; the hidden version field of
-- the optimistic lock is read from the page) and save the whole form (POST with the CSRF cookie
-- and field, the version just read and every man's mark as it stands, so the save is valid
-- each time), which must answer 302 back to the register. A conflict page (200 to a POST), any
-- other status or a page without the version field counts as an error. With one connection per
-- thread the answers come in the order of the requests, so each POST's own time is measured
-- too (save_p50_ms, save_p95_ms in the summary line).

local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(here .. "common.lua")

statuses = {}
bad = 0
conflicts = 0
timed_name = "save"
timed_ms = {}
thread_id = thread_id or 1

local target, get_request, post_headers
local version = nil     -- read from the last GET; nil means open the page first
local pending = nil     -- "get" or "post": what the answer in flight is for
local started_ms = 0

function setup(thread)
  common.setup(thread)
end

function init(args)
  target = common.targets.saves[thread_id]
  assert(target, "more wrk threads than registers to save: lower -t/-c or prepare --saves")
  get_request = wrk.format("GET", target.path, {
    ["Cookie"] = target.cookie,
    ["X-Forwarded-Proto"] = "https",
  })
  post_headers = {
    ["Cookie"] = target.cookie,
    ["X-Forwarded-Proto"] = "https",
    ["Origin"] = common.targets.origin,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
end

local interval = tonumber(os.getenv("LOAD_INTERVAL_MS") or "")
if interval then
  delay = common.pace(interval)
end

function request()
  started_ms = common.now_ms()
  if version == nil then
    pending = "get"
    return get_request
  end
  pending = "post"
  local body = target.body:gsub("__VERSION__", version)
  return wrk.format("POST", target.path, post_headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if pending == "get" then
    version = nil
    if status == 200 then
      version = body:match('name="version" value="(%d+)"')
    end
    if version == nil then
      bad = bad + 1
    end
  else
    table.insert(timed_ms, common.now_ms() - started_ms)
    version = nil  -- open the page again before the next save
    if status ~= 302 then
      bad = bad + 1
      if status == 200 and body:find("while you were working on it", 1, true) then
        conflicts = conflicts + 1
      end
    end
  end
end

function done(summary, latency, requests_stats)
  common.done(summary, latency)
end
