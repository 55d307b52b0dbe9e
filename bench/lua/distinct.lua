-- Distinct requests for wrk: every request draws new random values, so no two requests are
-- (likely to be) the same URL and no response cache can replay one.
--
--   wrk -t2 -c64 -d10s -s bench/lua/distinct.lua http://127.0.0.1:8000 -- KIND=PATH [KIND=PATH ...] [OPTION=VALUE ...]
--
-- Each KIND=PATH is one kind of request; with several, each request picks one at random (the
-- soak mixes them). "{}" in PATH is replaced by the drawn value. A digit after KIND allows the
-- same kind twice (bbox=..., bbox2=...). Kinds:
--   bbox      a random window, 0.2-1.5 degrees wide and high (minw/maxw), inside
--             window=102,27.5,110.5,33 (west,south,east,north): "w,s,e,n"
--   allbbox   a bbox that covers everything but is a new URL every time:
--             all=90,20,120,40 plus a random fraction of a degree on each number
--   offset    a random integer 0..max (max=220)
--   search    a random term from the file terms=FILE (one per line), URL-encoded
--   host      PATH as is, with a random Host header (h<random>.bench.test)
-- Headers given to wrk with -H (e.g. Accept-Encoding: gzip) are sent with every request.

local kinds = {}
local opts = { window = "102,27.5,110.5,33", all = "90,20,120,40", minw = "0.2", maxw = "1.5", max = "220" }
local terms = {}
local window, all
local minw, maxw, maxoffset

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

local function numbers(text)
  local out = {}
  for n in string.gmatch(text, "[^,]+") do out[#out + 1] = tonumber(n) end
  return out
end

local function urlencode(s)
  return (string.gsub(s, "[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
  for _, arg in ipairs(args) do
    local key, value = string.match(arg, "^([%w_]+)=(.*)$")
    if key == nil then error("argument must be KEY=VALUE: " .. arg) end
    local kind = string.gsub(key, "%d+$", "")
    if kind == "bbox" or kind == "allbbox" or kind == "offset" or kind == "search" or kind == "host" then
      kinds[#kinds + 1] = { kind = kind, path = value }
    else
      opts[key] = value
    end
  end
  if #kinds == 0 then error("no request kind given (bbox=, allbbox=, offset=, search=, host=)") end
  window, all = numbers(opts.window), numbers(opts.all)
  minw, maxw, maxoffset = tonumber(opts.minw), tonumber(opts.maxw), tonumber(opts.max)
  if opts.terms then
    for line in io.lines(opts.terms) do
      if #line > 0 then terms[#terms + 1] = line end
    end
  end
  local id = tonumber(wrk.thread:get("id")) or 0
  math.randomseed(os.time() * 1000 + id * 7919 + math.floor(os.clock() * 1e6))
  for _ = 1, 10 do math.random() end
end

local function draw(kind)
  if kind == "bbox" then
    local w, h = minw + math.random() * (maxw - minw), minw + math.random() * (maxw - minw)
    local west = window[1] + math.random() * (window[3] - window[1] - w)
    local south = window[2] + math.random() * (window[4] - window[2] - h)
    return string.format("%.5f,%.5f,%.5f,%.5f", west, south, west + w, south + h)
  elseif kind == "allbbox" then
    return string.format("%.6f,%.6f,%.6f,%.6f", all[1] + math.random(), all[2] + math.random(),
      all[3] + math.random(), all[4] + math.random())
  elseif kind == "offset" then
    return tostring(math.random(0, maxoffset))
  elseif kind == "search" then
    return urlencode(terms[math.random(1, #terms)])
  end
  return ""
end

function request()
  local pick = kinds[math.random(1, #kinds)]
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  local path = pick.path
  if pick.kind == "host" then
    headers["Host"] = string.format("h%d.bench.test", math.random(1, 1000000000))
  else
    local value = draw(pick.kind)
    path = string.gsub(path, "{}", function() return value end)
  end
  return wrk.format("GET", path, headers)
end
