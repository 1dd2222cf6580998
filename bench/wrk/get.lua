-- wrk -s bench/wrk/get.lua: the DRF peer's wrk/get.lua (../shared/peers/drf/wrk/get.lua) with the
-- bearer token taken from the environment (WRK_TOKEN; the peer accepts any token, ours needs a JWT).
-- Counts non-200 responses.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  non200 = 0
  wrk.headers["Authorization"] = "Bearer " .. (os.getenv("WRK_TOKEN") or "wrk-user")
end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non200") or 0) end
  io.write(string.format("get: non-200 responses = %d\n", bad))
end
