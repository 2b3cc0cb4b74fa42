-- wrk script for tests/serve_load.rs: POSTs the array of cases in the file $BODY_FILE and
-- checks that each answer is the array of their verdicts; writes one JSON line.
wrk.method = "POST"
local file = io.open(os.getenv("BODY_FILE"), "rb")
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
local last = '"case":"#' .. os.getenv("CASES") .. '"'
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrong = 0
end

function response(status, headers, body)
  if status ~= 200 then return end
  if body:sub(-1) ~= "]" or not body:find(last, #body - 4096, true) then wrong = wrong + 1 end
end

function done(summary, latency, requests)
  local w = 0
  for _, t in ipairs(threads) do w = w + t:get("wrong") end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"wrong":%d,"errors":%d,"latency_us":{"p50":%d,"p99":%d}}\n',
    summary.requests, summary.duration / 1e6, w,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
