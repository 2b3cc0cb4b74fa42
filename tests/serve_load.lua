-- wrk script for tests/serve_load.rs: POSTs one case, checks every answer against the
-- answers of the two versions of the policy being swapped, and writes one JSON line.
wrk.method = "POST"
wrk.body = os.getenv("CASE")
wrk.headers["Content-Type"] = "application/json"
local old, new = os.getenv("OLD"), os.getenv("NEW")
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  as_old, as_new, wrong = 0, 0, 0
end

function response(status, headers, body)
  if status ~= 200 then return end -- wrk counts these as status errors
  if body == old then as_old = as_old + 1
  elseif body == new then as_new = as_new + 1
  else wrong = wrong + 1 end
end

function done(summary, latency, requests)
  local o, n, w = 0, 0, 0
  for _, t in ipairs(threads) do
    o = o + t:get("as_old"); n = n + t:get("as_new"); w = w + t:get("wrong")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"old":%d,"new":%d,"wrong":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration / 1e6, o, n, w,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
