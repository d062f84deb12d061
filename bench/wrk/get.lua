-- GET one claim, a random one of the generator's sample of claim ids.
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local claims
setup = c.setup
function init() c.init(); claims = c.load("claims.txt") end
function request() return c.get("get", "/v1/claims/" .. c.pick(claims)) end
done = c.done
