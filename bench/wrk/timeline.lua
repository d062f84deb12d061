-- An event timeline page of 50: a random event, its sub-events and the
-- claims about them, in date order.
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local events
setup = c.setup
function init() c.init(); events = c.load("events.txt") end
function request()
  return c.get("timeline", "/v1/events/" .. c.pick(events) .. "/timeline?limit=50")
end
done = c.done
