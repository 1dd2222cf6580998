-- wrk -s bench/wrk/scorm_track.lua: POST .../scorm/track/ with a runtime's commit (SCORM 1.2 CMI data of a
-- learner part-way through, suspending), as a player sends every few seconds. Bearer tokens from WRK_TOKENS
-- (comma-separated: one learner each, taken in turn) or WRK_TOKEN.
-- Counts non-200 responses.
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  non200 = 0
  n = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  tokens = {}
  for token in string.gmatch(os.getenv("WRK_TOKENS") or os.getenv("WRK_TOKEN") or "wrk-user", "[^,]+") do
    table.insert(tokens, token)
  end
end
function request()
  n = n + 1
  local body = string.format('{"progress": %d, "cmi": {"core": {"lesson_status": "incomplete", ' ..
    '"lesson_location": "%d", "exit": "suspend", "session_time": "0000:00:%02d.00", ' ..
    '"score": {"raw": "%d", "min": "0", "max": "100"}}, "suspend_data": "viewed=1,2,3,%d"}}',
    n % 100, n % 16, n % 60, n % 100, n)
  local headers = {["Content-Type"] = "application/json",
                   ["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1]}
  return wrk.format(nil, nil, headers, body)
end
function response(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non200") or 0) end
  io.write(string.format("track: non-200 responses = %d\n", bad))
end
