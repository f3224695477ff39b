import type { Redis } from "ioredis";
import { PRELUDE } from "./redis-lua-prelude.js";

/*
 * The cluster's shared state in Redis, changed only by these scripts: each does what the
 * MemoryStore method of the same name does, atomically, and publishes its events from inside,
 * so that the events are totally ordered. Keys (all under the prefix P, default "switchboard:"):
 *
 *   P version                 every published event takes the next number (INCR)
 *   P rooms                   set: the open rooms' names (as their first user spelled them)
 *   P room:<room>             hash: keys (JSON list of its look-alike keys), seq (last chat
 *                             number), gv (group-call version), gm (its media while anyone
 *                             is in it: mesh or sfu), joins (login/join counter),
 *                             settings (its moderators' RoomSettings, JSON; absent until set)
 *   P roomkey:<key>           string: the room a look-alike room key belongs to
 *   P members:<room>          hash: name -> JSON member (MemberRecord + its name keys)
 *   P order:<room>            sorted set: name by login order (a move keeps its place)
 *   P names:<room>            hash: look-alike name key -> the name holding it
 *   P group:<room>            sorted set: the group call's participants, by join order
 *   P history:<room>          list: the last public chat messages (JSON), oldest first
 *   P sessions                hash: session -> JSON {room, name}
 *   P held:<node>             set: the sessions of a node's users
 *   P nodes                   set: registered nodes
 *   P heartbeat:<node>        string with PX = nodeTimeoutMs: present while the node beats
 *   P resumables              hash: token hash -> JSON {room, name, session}
 *   P resumable-expiry        sorted set: token hash by expiry (ms, Redis clock; +inf: kept)
 *
 * Channels: P events (room events for every node: `{"v","o","e"}` JSON, a newline, then the
 * event's bytes: a broadcast's frame or a chat message's JSON) and P node:<id> (wire-envelope.ts).
 * Keys are computed from data inside the scripts: one Redis (or a primary), not Redis Cluster.
 * Channels ignore the database number: clusters sharing a Redis need prefixes of their own.
 *
 * Every script gets ARGV[1] = P, ARGV[2] = the calling node, ARGV[3] = its arguments as JSON
 * (never null: absent fields are left out), ARGV[4] = a binary body where it takes one.
 */

const BODIES = {
  claim: `return claim(origin, a)`,

  release: `release(origin, a.room, a.name, a.session, a.removed)`,

  // body: the change's JSON (SettingsChange); returns the settings' JSON, or nil without the room.
  changeSettings: `
if not exists(a.room) then return false end
local s = settingsOf(a.room) or {version = 0, locked = false}
local c = cjson.decode(body)
if c.locked ~= nil then s.locked = c.locked end
if c.clearPassword then s.password = nil elseif c.password then s.password = c.password end
if c.removed then
  local removed = s.removed or {}
  for _, key in ipairs(c.removed) do removed[#removed + 1] = key end
  while #removed > a.maxRemoved do table.remove(removed, 1) end
  s.removed = removed
end
s.version = s.version + 1
local json = cjson.encode(s)
redis.call("HSET", k("room", a.room), "settings", json)
emit(origin, {kind = "settings", room = a.room}, json)
return json`,

  setBusy: `setBusy(origin, a.room, a.name, a.session, a.busy)`,

  // {version, media, participants...}, "full" or "media-unavailable": admitToGroupCall's rules.
  groupJoin: `
if not exists(a.room) then return {0, "mesh"} end
if redis.call("HEXISTS", k("members", a.room), a.name) == 0 then return {groupState(a.room)[1], "mesh"} end
if redis.call("ZSCORE", k("group", a.room), a.name) then return groupState(a.room) end
local size, media, policy, sfu = redis.call("ZCARD", k("group", a.room)), groupMedia(a.room), a.policy, a.policy.sfu
if size == 0 then
  media = (sfu and sfu.calls == "all" and sfu.available) and "sfu" or "mesh"
elseif media == "sfu" then
  if size >= (sfu and sfu.capacity or policy.meshCapacity) then return "full" end
elseif size >= policy.meshCapacity then
  if not sfu then return "full" end
  if not sfu.available then return "media-unavailable" end
  if size >= sfu.capacity then return "full" end
  media = "sfu"
end
redis.call("HSET", k("room", a.room), "gm", media)
redis.call("ZADD", k("group", a.room), nextPlace(a.room), a.name)
return groupChanged(origin, a.room)`,

  groupLeave: `
if not exists(a.room) then return {0, "mesh"} end
if redis.call("ZREM", k("group", a.room), a.name) == 0 then return groupState(a.room) end
return groupChanged(origin, a.room)`,

  // body: the message's JSON without seq; returns its seq (0: no such room, not kept).
  postChat: `
if not exists(a.room) then return 0 end
local seq = redis.call("HINCRBY", k("room", a.room), "seq", 1)
local message = string.sub(body, 1, -2) .. ',"seq":' .. seq .. "}"
local history = k("history", a.room)
redis.call("RPUSH", history, message)
if a.historySize > 0 then redis.call("LTRIM", history, -a.historySize, -1) else redis.call("DEL", history) end
emit(origin, {kind = "chat", room = a.room}, message)
return seq`,

  broadcast: `emit(origin, {kind = "broadcast", room = a.room}, body)`,

  // {room, name, session, node, alive (0/1)} or nil
  findResumable: `
local kept = decoded(redis.call("HGET", P .. "resumables", a.token))
if not kept then return false end
local expiry = redis.call("ZSCORE", P .. "resumable-expiry", a.token)
if expiry and expiry ~= "inf" and tonumber(expiry) <= nowMs() then
  redis.call("HDEL", P .. "resumables", a.token)
  redis.call("ZREM", P .. "resumable-expiry", a.token)
  return false
end
local where = whereIs(kept.session)
local holder = where and member(where.room, where.name)
local node = holder and holder.node or ""
local alive = holder and redis.call("EXISTS", k("heartbeat", node)) or 0
return {kept.room, kept.name, kept.session, node, alive}`,

  rememberResumable: `
redis.call("HSET", P .. "resumables", a.token, cjson.encode({room = a.room, name = a.name, session = a.session}))
redis.call("ZADD", P .. "resumable-expiry", "+inf", a.token)`,

  forgetResumable: `
if not a.graceMs then
  redis.call("HDEL", P .. "resumables", a.token)
  redis.call("ZREM", P .. "resumable-expiry", a.token)
elseif redis.call("HEXISTS", P .. "resumables", a.token) == 1 then
  redis.call("ZADD", P .. "resumable-expiry", nowMs() + a.graceMs, a.token)
end`,

  // Beats, drops expired resumables, and names the registered nodes that stopped beating:
  // {1 if this node was not registered (new, reaped, or the store was lost), {dead nodes...}}
  heartbeat: `
redis.call("SET", k("heartbeat", origin), "1", "PX", a.timeoutMs)
local added = redis.call("SADD", P .. "nodes", origin)
local expired = redis.call("ZRANGEBYSCORE", P .. "resumable-expiry", "-inf", nowMs(), "LIMIT", 0, 100)
for _, token in ipairs(expired) do
  redis.call("HDEL", P .. "resumables", token)
  redis.call("ZREM", P .. "resumable-expiry", token)
end
local dead = {}
for _, node in ipairs(redis.call("SMEMBERS", P .. "nodes")) do
  if redis.call("EXISTS", k("heartbeat", node)) == 0 then dead[#dead + 1] = node end
end
return {added, dead}`,

  // Idempotent, and harmless when several nodes reap at once: a node that beats is left alone
  // (unless it is leaving). Its events carry the dead node's id (a.node): every live node applies them.
  reap: `
if a.leaving then redis.call("DEL", k("heartbeat", a.node))
elseif redis.call("EXISTS", k("heartbeat", a.node)) == 1 then return 0 end
redis.call("SREM", P .. "nodes", a.node)
releaseAll(a.node)
local grace = nowMs() + a.graceMs
for _, token in ipairs(redis.call("ZRANGEBYSCORE", P .. "resumable-expiry", "(" .. string.format("%d", grace), "+inf")) do
  local kept = decoded(redis.call("HGET", P .. "resumables", token))
  if not kept or redis.call("HEXISTS", P .. "sessions", kept.session) == 0 then
    redis.call("ZADD", P .. "resumable-expiry", grace, token)
  end
end
return 1`,

  // Returns the indices (from 0) of a.members whose names others claimed meanwhile.
  restore: `
local holds = {}
for _, m in ipairs(a.members) do holds[m.session] = true end
releaseAll(origin, holds)
local lost = {}
for i, m in ipairs(a.members) do
  local current = member(m.room, m.name)
  local kept = current and current.session == m.session
  -- A moderator removed it while its node was cut off: it stays out.
  if not kept and exists(m.room) and wasRemoved(m.room, m.nameKeys) then
    lost[#lost + 1] = i - 1
  elseif not kept then
    local result = claim(origin, {room = m.room, roomKeys = roomKeys(m.room) or m.roomKeys, name = m.name,
      nameKeys = m.nameKeys, session = m.session, modern = m.modern, moderator = m.moderator})
    if result[1] == 0 then lost[#lost + 1] = i - 1 else kept = true end
  end
  if kept then setBusy(origin, m.room, m.name, m.session, m.busy) end
end
-- The group calls as this node has them: its users in them joined or left meanwhile. Only
-- the rooms of its users can change.
local wanted, media, rooms, listed = {}, {}, {}, {}
for _, call in ipairs(a.groupCalls) do wanted[call.room], media[call.room] = call.participants, call.media end
for _, session in ipairs(redis.call("SMEMBERS", k("held", origin))) do
  local where = whereIs(session)
  if where and not listed[where.room] then
    listed[where.room] = true
    rooms[#rooms + 1] = where.room
  end
end
for _, room in ipairs(rooms) do
  local group, participants, inCall, changed = k("group", room), wanted[room] or {}, {}, false
  local function ours(name) local m = member(room, name); return m and m.node == origin end
  for _, name in ipairs(participants) do inCall[name] = true end
  if media[room] and redis.call("ZCARD", group) == 0 then redis.call("HSET", k("room", room), "gm", media[room]) end
  for _, name in ipairs(redis.call("ZRANGE", group, 0, -1)) do
    if ours(name) and not inCall[name] then
      redis.call("ZREM", group, name)
      changed = true
    end
  end
  for _, name in ipairs(participants) do
    if ours(name) and not redis.call("ZSCORE", group, name) then
      redis.call("ZADD", group, nextPlace(room), name)
      changed = true
    end
  end
  if changed then groupChanged(origin, room) end
end
for _, kept in ipairs(a.histories) do
  local history = k("history", kept.room)
  if exists(kept.room) and redis.call("LLEN", history) == 0 and #kept.messages > 0 then
    local seq = tonumber(redis.call("HGET", k("room", kept.room), "seq"))
    for _, message in ipairs(kept.messages) do
      redis.call("RPUSH", history, message.json)
      seq = math.max(seq, message.seq)
    end
    redis.call("HSET", k("room", kept.room), "seq", string.format("%d", seq))
  end
end
for _, kept in ipairs(a.settings) do
  if exists(kept.room) then redis.call("HSETNX", k("room", kept.room), "settings", kept.settings) end
end
return lost`,

  // {version, {room, group version, {participants...}, {member JSON...}, {message JSON...}, settings JSON or false, group media}...}
  snapshot: `
local out = {tonumber(redis.call("GET", P .. "version") or "0")}
for _, room in ipairs(redis.call("SMEMBERS", P .. "rooms")) do
  local members = {}
  for _, name in ipairs(redis.call("ZRANGE", k("order", room), 0, -1)) do
    members[#members + 1] = redis.call("HGET", k("members", room), name)
  end
  local group = groupState(room)
  local participants = {}
  for i = 3, #group do participants[i - 2] = group[i] end
  local settings = redis.call("HGET", k("room", room), "settings")
  out[#out + 1] = {room, group[1], participants, members, redis.call("LRANGE", k("history", room), 0, -1), settings or false, group[2]}
end
return out`,
} as const;

export type ScriptName = keyof typeof BODIES;

/** Calls a script: the prefix, the calling node, its arguments (JSON) and maybe a body. */
export type ScriptCall = (prefix: string, node: string, args: string, body?: Buffer) => Promise<unknown>;

/** Defines the scripts on `redis` (run by EVALSHA, loaded by EVAL once per connection). */
export function defineScripts(redis: Redis): Record<ScriptName, ScriptCall> {
  const calls = {} as Record<ScriptName, ScriptCall>;
  for (const name of Object.keys(BODIES) as ScriptName[]) {
    // Prefixed: ioredis would otherwise shadow its own commands of these names (RESTORE).
    const command = `switchboard_${name}`;
    redis.defineCommand(command, { lua: PRELUDE + BODIES[name], numberOfKeys: 0 });
    const call = (redis as unknown as Record<string, (...args: (string | Buffer)[]) => Promise<unknown>>)[command]!;
    calls[name] = (prefix, node, args, body) => (body === undefined ? call.call(redis, prefix, node, args) : call.call(redis, prefix, node, args, body));
  }
  return calls;
}
