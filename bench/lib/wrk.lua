-- wrk script shared by every bench scenario (bench/lib/loadgen.mjs).
--
-- Request shape comes from the environment so one script serves all cases:
--   BENCH_METHOD     HTTP method (default GET)
--   BENCH_BODY_FILE  path of a file whose bytes are sent as a JSON body
--   BENCH_HEADERS    extra request headers, one `name: value` a line
--
-- No per-request `request`/`response` callbacks: those run Lua for every
-- request and would take CPU away from the server under test on 2 cores.
--
-- `done` prints one machine-readable line, prefixed with WRK_JSON, so the
-- runner does not have to scrape wrk's human-readable summary. Times are
-- in microseconds.

local method = os.getenv("BENCH_METHOD")
if method and method ~= "" then
  wrk.method = method
end

local body_file = os.getenv("BENCH_BODY_FILE")
if body_file and body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = "application/json"
end

local headers = os.getenv("BENCH_HEADERS")
if headers and headers ~= "" then
  for line in headers:gmatch("[^\n]+") do
    local name, value = line:match("^([^:]+):%s*(.*)$")
    if name then
      wrk.headers[name] = value
    end
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%.0f,"duration_us":%.0f,"bytes":%.0f,' ..
    '"latency_us":{"mean":%.2f,"p50":%.0f,"p90":%.0f,"p99":%.0f,"max":%.0f},' ..
    '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
