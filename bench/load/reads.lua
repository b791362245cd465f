-- wrk script: signed-in staff reading the key pages, each an address their role may see.
--
--   LOAD_TARGETS=.../targets.lua LOAD_NAME=reads wrk -t2 -c12 -d30s --latency \
--     -s bench/load/reads.lua http://127.0.0.1:8765
--
-- Each request picks one (user, address) pair at random, uniformly, from targets.reads (see
-- load_helper.py prepare). Every answer should be 200: a redirect (to sign-in or to the two-factor
-- page), a 403/404 or a 5xx counts as an error.

local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local common = dofile(here .. "common.lua")

statuses = {}
bad = 0
thread_id = thread_id or 1

local requests = {}

function setup(thread)
  common.setup(thread)
end

function init(args)
  for _, target in ipairs(common.targets.reads) do
    table.insert(requests, wrk.format("GET", target.path, {
      ["Cookie"] = target.cookie,
      ["X-Forwarded-Proto"] = "https",
    }))
  end
  math.randomseed(thread_id * 7919 + os.time())
end

local interval = tonumber(os.getenv("LOAD_INTERVAL_MS") or "")
if interval then
  delay = common.pace(interval)
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 then
    bad = bad + 1
  end
end

function done(summary, latency, requests_stats)
  common.done(summary, latency)
end
