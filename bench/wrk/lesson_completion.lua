-- wrk -s bench/wrk/lesson_completion.lua: POST /api/lms/enrollments/lesson-completion/ as one learner enrolled in
-- every course, each request a lesson not completed before: lesson = (n * 7919 mod LESSONS) + 1 over a running
-- n unique across threads (7919 is prime to LESSONS, so no lesson repeats and consecutive requests land in
-- different courses: a course is rarely completed, as in real use). WRK_TOKEN: the learner's JWT.
local threads = {}
local thread_counter = 0

function setup(thread)
  thread_counter = thread_counter + 1
  thread:set("tid", thread_counter)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  lessons = tonumber(os.getenv("LESSONS") or "25000")
  offset = tonumber(os.getenv("OFFSET") or "0")
  span = math.floor(lessons / 4)  -- each thread's own run of n (two threads, measured and warm-up windows)
  non2xx = 0
  headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. (os.getenv("WRK_TOKEN") or ""),
  }
end

function request()
  counter = counter + 1
  local n = offset + (tid - 1) * span + counter
  local lesson = (n * 7919) % lessons + 1
  return wrk.format("POST", "/api/lms/enrollments/lesson-completion/", headers, string.format('{"lesson":%d}', lesson))
end

function response(status, headers, body)
  if status ~= 200 and status ~= 201 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + (t:get("non2xx") or 0) end
  io.write(string.format("completion: non-20x responses = %d\n", bad))
end
