-- Shared by every scenario: loads the id lists the generator wrote (so
-- requests spread over the whole store), seeds each wrk thread apart, and
-- prints one machine-readable line of results at the end.
--
-- Environment: BENCH_LISTS (the lists folder), BENCH_FLOOR=1 to send each
-- request to the floor server's fixed path of the same kind instead,
-- BENCH_AUTH (an Authorization header value for writes, when needed).
local M = {}

local lists = os.getenv("BENCH_LISTS") or "."
M.floor = os.getenv("BENCH_FLOOR") == "1"
M.auth = os.getenv("BENCH_AUTH")

function M.load(name)
  local t = {}
  local f = assert(io.open(lists .. "/" .. name, "r"))
  for line in f:lines() do
    if #line > 0 then t[#t + 1] = line end
  end
  f:close()
  assert(#t > 0, name .. " is empty")
  return t
end

function M.pick(t)
  return t[math.random(#t)]
end

local counter = 0
function M.setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function M.init()
  -- tid is set by setup() in the thread's own Lua state
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  for _ = 1, 10 do math.random() end
end

local kinds = { get = "/one", list = "/list", timeline = "/timeline",
  statements = "/statements", search = "/search", post = "/one" }

-- A GET of `path`, or on the floor the fixed body of that kind.
function M.get(kind, path)
  if M.floor then return wrk.format("GET", kinds[kind]) end
  return wrk.format("GET", path)
end

local stances = { "asserts", "asserts", "asserts", "denies", "estimates", "condemns" }
local serial = 0

function M.post_claim(actors, events, sources, words)
  serial = serial + 1
  local text = {}
  for i = 1, 20 + math.random(25) do text[i] = M.pick(words) end
  local body = string.format(
    '{"claimant":"%s","events":["%s"],"stated":"20%02d-%02d-%02d","stance":"%s",' ..
    '"text":"%s.","source":"%s"}',
    M.pick(actors), M.pick(events), math.random(0, 25), math.random(12),
    math.random(28), M.pick(stances), table.concat(text, " "), M.pick(sources))
  local headers = { ["Content-Type"] = "application/json" }
  if M.auth then headers["Authorization"] = M.auth end
  if M.floor then return wrk.format("POST", kinds.post, headers, body) end
  return wrk.format("POST", "/v1/claims", headers, body)
end

function M.done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d bytes=%d p50_us=%d p99_us=%d " ..
    "mean_us=%.0f status_errors=%d socket_errors=%d\n",
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.mean,
    e.status, e.connect + e.read + e.write + e.timeout))
end

return M
