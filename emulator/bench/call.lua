-- One awsJson call per request, for wrk: the operation from TARGET, the body from BODY, the
-- service's target prefix from PREFIX (default the identity pools', AWSCognitoIdentityService).
-- With UNIQUE set, every request's body has `%d` replaced by a number no other request of
-- this run uses (thread index and counter), so each GetId creates a new identity.
local target = os.getenv("TARGET")
local body = os.getenv("BODY")
local unique = os.getenv("UNIQUE") ~= nil
-- With LIMIT set, each thread stops after that many answers and adds a line to the file
-- DONE_FILE names (wrk itself waits for its whole duration; the caller watches the file).
local limit = tonumber(os.getenv("LIMIT") or "")
local done_file = os.getenv("DONE_FILE")

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-amz-json-1.1"
local prefix = os.getenv("PREFIX") or "AWSCognitoIdentityService"
wrk.headers["X-Amz-Target"] = prefix .. "." .. target
wrk.body = body

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("index", threads)
end

local counter = 0
function request()
  if not unique then
    return wrk.format()
  end
  counter = counter + 1
  local n = (index or 0) * 1000000000 + counter
  return wrk.format(nil, nil, nil, string.format(body, n))
end

local answered = 0
function response(status, headers, body)
  answered = answered + 1
  if limit and answered == limit then
    if done_file then
      local f = io.open(done_file, "a")
      f:write("done\n")
      f:close()
    end
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  io.write(string.format("%s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, errors %d\n",
    target, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
