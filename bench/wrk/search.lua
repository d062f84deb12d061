-- Full-text search for a random word of middling frequency (first page).
package.path = os.getenv("BENCH_DIR") .. "/wrk/?.lua;" .. package.path
local c = require("common")
local words
setup = c.setup
function init() c.init(); words = c.load("words.txt") end
function request() return c.get("search", "/v1/search?q=" .. c.pick(words)) end
done = c.done
