-- wrk -s bench/wrk/enroll.lua: the DRF peer's wrk/enroll.lua (../shared/peers/drf/wrk/enroll.lua) with the
-- bearer token taken from the environment (WRK_TOKEN: for our service an admin JWT of tenant1, since only
-- staff may enroll other users). POST /api/lms/enrollments/course/{id}/enroll/ with unique user ids:
-- user_id = "wrk-<nonce>-<thread>-<counter>", course ids uniform in 1..COURSES (env, default 1000).
local threads = {}
local thread_counter = 0
local nonce = tostring(os.time()) .. tostring(math.random(100000, 999999))

function setup(thread)
  thread_counter = thread_counter + 1
  thread:set("tid", thread_counter)
  thread:set("nonce", nonce)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  non201 = 0
  courses = tonumber(os.getenv("COURSES") or "1000")
  math.randomseed(os.time() + tid * 7919)
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. (os.getenv("WRK_TOKEN") or "wrk-user"),
  }
end

function request()
  counter = counter + 1
  local cid = math.random(1, courses)
  local body = string.format('{"user_id":"wrk-%s-%d-%d"}', nonce, tid, counter)
  return wrk.format("POST", "/api/lms/enrollments/course/" .. cid .. "/enroll/", headers, body)
end

function response(status, headers, body)
  if status ~= 201 then
    non201 = non201 + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non201") or 0)
  end
  io.write(string.format("enroll: non-201 responses = %d\n", bad))
end
