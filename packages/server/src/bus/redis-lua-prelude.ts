/*
 * The Lua helpers every script of redis-scripts.ts starts with (keys and arguments as described
 * there): keys, events, members, rooms, group calls, claims and releases.
 */
export const PRELUDE = `
local P, origin, a, body = ARGV[1], ARGV[2], cjson.decode(ARGV[3]), ARGV[4]
local function k(kind, id) return P .. kind .. ":" .. id end
local function nowMs()
  local t = redis.call("TIME")
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function emit(from, event, bytes)
  local v = redis.call("INCR", P .. "version")
  redis.call("PUBLISH", P .. "events", cjson.encode({v = v, o = from, e = event}) .. "\\n" .. (bytes or ""))
end
local function decoded(json) if json then return cjson.decode(json) end end
local function exists(room) return redis.call("EXISTS", k("room", room)) == 1 end
local function roomKeys(room) return decoded(redis.call("HGET", k("room", room), "keys")) end
local function member(room, name) return decoded(redis.call("HGET", k("members", room), name)) end
local function whereIs(session) return decoded(redis.call("HGET", P .. "sessions", session)) end
local function put(m) redis.call("HSET", k("members", m.room), m.name, cjson.encode(m)) end
local function public(m)
  return {room = m.room, name = m.name, session = m.session, node = m.node, modern = m.modern, busy = m.busy, moderator = m.moderator,
    place = m.place}
end
local function hold(m)
  redis.call("HSET", P .. "sessions", m.session, cjson.encode({room = m.room, name = m.name}))
  redis.call("SADD", k("held", m.node), m.session)
end
local function unhold(m)
  redis.call("HDEL", P .. "sessions", m.session)
  redis.call("SREM", k("held", m.node), m.session)
end
local function nextPlace(room) return redis.call("HINCRBY", k("room", room), "joins", 1) end

local function openRoom(name, keys)
  redis.call("HSET", k("room", name), "keys", cjson.encode(keys), "seq", 0, "gv", 0, "joins", 0)
  redis.call("SADD", P .. "rooms", name)
  for _, key in ipairs(keys) do redis.call("SET", k("roomkey", key), name) end
end

local function closeRoom(name)
  local keys = roomKeys(name)
  redis.call("DEL", k("room", name), k("members", name), k("order", name), k("names", name), k("group", name), k("history", name))
  redis.call("SREM", P .. "rooms", name)
  for _, key in ipairs(keys) do
    if redis.call("GET", k("roomkey", key)) == name then redis.call("DEL", k("roomkey", key)) end
  end
end

local function settingsOf(room) return decoded(redis.call("HGET", k("room", room), "settings")) end

-- A moderator removed this name (any of its keys: see removed-key.ts) from its room.
local function wasRemoved(room, nameKeys)
  local settings = settingsOf(room)
  if not settings or not settings.removed then return false end
  for _, key in ipairs(nameKeys) do
    local hash = redis.sha1hex(key)
    for _, removed in ipairs(settings.removed) do if removed == hash then return true end end
  end
  return false
end

local function groupMedia(room)
  if redis.call("ZCARD", k("group", room)) == 0 then return "mesh" end
  return redis.call("HGET", k("room", room), "gm") or "mesh"
end

-- {version, media, participants...}
local function groupState(room)
  local state = {tonumber(redis.call("HGET", k("room", room), "gv")), groupMedia(room)}
  for _, name in ipairs(redis.call("ZRANGE", k("group", room), 0, -1)) do state[#state + 1] = name end
  return state
end

local function groupChanged(from, room)
  local version = redis.call("HINCRBY", k("room", room), "gv", 1)
  local participants = redis.call("ZRANGE", k("group", room), 0, -1)
  emit(from, {kind = "group", room = room, participants = participants, version = version, media = groupMedia(room)})
  return groupState(room)
end

local function release(from, room, name, session, removed)
  local m = member(room, name)
  if not m or m.session ~= session then return end
  redis.call("HDEL", k("members", room), name)
  redis.call("ZREM", k("order", room), name)
  local names = k("names", room)
  for _, key in ipairs(m.keys) do
    if redis.call("HGET", names, key) == name then redis.call("HDEL", names, key) end
  end
  if redis.call("ZREM", k("group", room), name) == 1 then redis.call("HINCRBY", k("room", room), "gv", 1) end
  unhold(m)
  emit(from, {kind = "left", room = room, name = name, session = session, removed = removed})
  if redis.call("HLEN", k("members", room)) == 0 then closeRoom(room) end
end

local function setBusy(from, room, name, session, busy)
  local m = member(room, name)
  if not m or m.session ~= session or m.busy == busy then return end
  m.busy = busy
  put(m)
  emit(from, {kind = "status", room = room, name = name, session = session, busy = busy})
end

-- {1, room, moved (0/1), busy (0/1), place} or {0, room, taken keys}
local function claim(from, c)
  local room = false
  for _, key in ipairs(c.roomKeys) do
    room = redis.call("GET", k("roomkey", key))
    if room then break end
  end
  if not room then
    room = c.room
    openRoom(room, c.roomKeys)
  end
  local replaced = c.replaces and whereIs(c.replaces)
  local replacedName = replaced and replaced.room == room and replaced.name
  local names, taken = k("names", room), {}
  for _, key in ipairs(c.nameKeys) do
    local holder = redis.call("HGET", names, key)
    if holder and holder ~= replacedName then taken[#taken + 1] = key end
  end
  if #taken > 0 then return {0, room, taken} end
  local m = {room = room, name = c.name, session = c.session, node = from, modern = c.modern, busy = false, moderator = c.moderator}
  if replacedName == c.name then
    local previous = member(room, c.name)
    -- The same session on another node (handed over) is still busy; a new one starts out available.
    if previous.session == c.session then m.busy = previous.busy end
    m.keys = previous.keys
    m.place = previous.place or tonumber(redis.call("ZSCORE", k("order", room), c.name))
    put(m)
    unhold(previous)
    hold(m)
    emit(from, {kind = "moved", member = public(m), previousSession = previous.session})
    return {1, room, 1, m.busy and 1 or 0, m.place}
  end
  if replaced then
    -- The room may close with the replaced user: it opens again with the same keys.
    local keys = roomKeys(room)
    release(from, replaced.room, replaced.name, c.replaces)
    if not exists(room) then openRoom(room, keys) end
  end
  for _, key in ipairs(c.nameKeys) do redis.call("HSET", names, key, c.name) end
  m.keys = c.nameKeys
  m.place = nextPlace(room)
  put(m)
  redis.call("ZADD", k("order", room), m.place, c.name)
  hold(m)
  emit(from, {kind = "joined", member = public(m)})
  return {1, room, 0, 0, m.place}
end

-- Releases every user of a node, as if each had logged out.
local function releaseAll(node, except)
  for _, session in ipairs(redis.call("SMEMBERS", k("held", node))) do
    if not (except and except[session]) then
      local where = whereIs(session)
      if where then release(node, where.room, where.name, session) else redis.call("SREM", k("held", node), session) end
    end
  end
end
`;
