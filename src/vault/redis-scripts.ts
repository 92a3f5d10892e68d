// The vault's Lua scripts: each runs alone on the Redis server, so every check and write inside one script
// happens at once for every process of the fleet. Keys are built in the script from the prefix (ARGV[1]) and
// the ids it reads, so they are not declared in KEYS: single Redis instance only, never Redis Cluster.
//
// Money fields are integer micro-dollars in hashes, checked before any write: a script that errors halfway
// keeps what it wrote, so a malformed field is found first and the hash is left alone (and counted corrupt).
// Numbers are written with string.format('%d') so Lua's doubles never reach Redis in exponent notation.

const COMMON = `
local P = ARGV[1]
local function key(...) return P .. table.concat({...}, ':') end
-- A stored counter field: absent is 0; anything but a non-negative integer below 2^53 is nil (corrupt).
local function int(v)
	if not v then return 0 end
	if string.match(v, '^%d+$') and #v <= 15 then return tonumber(v) end
	return nil
end
local function str(n) return string.format('%d', n) end
`;

/**
 * open: ARGV prefix, id, scope, periodKey, userId, amount, now, userLimit, guildCap|'', globalLimit|'',
 * maxActive|'', jobJson, jobCreatedAt, accountName|'', then the reservation's field/value pairs.
 * Returns {'duplicate'} or {status, reason, account spent/reserved/images/name, pool ×3, global ×3} with
 * the counters as they were before the hold (raw fields: the caller parses them).
 */
export const OPEN =
	COMMON +
	`
local id, scope, period, user = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local amount, now = tonumber(ARGV[6]), ARGV[7]
local userLimit, guildCap, globalLimit, maxActive = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10]), tonumber(ARGV[11])
local job, jobCreatedAt, name = ARGV[12], ARGV[13], ARGV[14]
local resKey, jobKey = key('res', id), key('job', id)
if redis.call('EXISTS', resKey, jobKey) > 0 then return {'duplicate'} end

local acctKey, poolKey, globalKey = key('acct', scope, period, user), key('pool', scope, period), key('pool', '*', period)
local a = redis.call('HMGET', acctKey, 'spent', 'reserved', 'images', 'name')
local p = redis.call('HMGET', poolKey, 'spent', 'reserved', 'images')
local g = redis.call('HMGET', globalKey, 'spent', 'reserved', 'images')
local function reply(status, reason)
	return {status, reason, a[1], a[2], a[3], a[4], p[1], p[2], p[3], g[1], g[2], g[3]}
end
-- spent + reserved, or nil when any field is malformed
local function used(c)
	local s, r, i = int(c[1]), int(c[2]), int(c[3])
	if s == nil or r == nil or i == nil then return nil end
	return s + r
end
local au, pu, gu = used(a), used(p), used(g)
if au == nil or pu == nil or gu == nil then return reply('refused', 'corrupt') end
if globalLimit and gu + amount > globalLimit then return reply('refused', 'global') end
if guildCap and pu + amount > guildCap then return reply('refused', 'guild') end
if au + amount > userLimit then return reply('refused', 'user') end
local activeKey = key('active', user)
if maxActive and redis.call('SCARD', activeKey) >= maxActive then return reply('busy', '') end

redis.call('HINCRBY', acctKey, 'reserved', ARGV[6])
redis.call('HINCRBY', poolKey, 'reserved', ARGV[6])
redis.call('HINCRBY', globalKey, 'reserved', ARGV[6])
if name ~= '' then redis.call('HSET', acctKey, 'name', name) end
redis.call('HSET', resKey, unpack(ARGV, 15))
redis.call('ZADD', key('rx', scope, period), now, id)
redis.call('SET', jobKey, job)
redis.call('ZADD', key('jobs', 'open'), jobCreatedAt, id)
redis.call('SADD', activeKey, id)
return reply('created', '')
`;

/**
 * close: ARGV prefix, id, ended ('committed'|'refunded'), finishedAt, utcDay(finishedAt), the job's final JSON
 * if committed, the same if refunded, job's userId, guildCap|'', taskId|'', charge, images (0 and 0 when
 * refunded). The whole hold is released and min(charge, held) is charged for `images`. Returns {'missing'},
 * {'already-closed'} or {'closed', ended, poolSpent|false, notes…}. The same rules as LocalVault.close: a
 * missing or unreadable reservation still files an open job as finished, and so does one that ended earlier
 * (filed as the money ended, and no longer counted busy); nothing else is changed.
 */
export const CLOSE =
	COMMON +
	`
local id, ended, finishedAt, day, jobUser, cap, taskId = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[8], tonumber(ARGV[9]), ARGV[10]
local asked, images = tonumber(ARGV[11]), tonumber(ARGV[12])
local jobAs = {committed = ARGV[6], refunded = ARGV[7]}
local resKey, openKey = key('res', id), key('jobs', 'open')
local function fileJob(user, job)
	redis.call('SET', key('job', id), job)
	redis.call('ZREM', openKey, id)
	redis.call('ZADD', key('jobs', 'done'), finishedAt, id)
	redis.call('SREM', key('active', user), id)
end

local r = redis.call('HMGET', resKey, 'state', 'scope', 'periodKey', 'userId', 'amount', 'userName')
local state, scope, period, user, amount, name = r[1], r[2], r[3], r[4], r[5] and int(r[5]), r[6]
if not (state == 'held' or state == 'committed' or state == 'refunded') or not scope or not period or not user or not amount or amount <= 0 then
	if redis.call('ZSCORE', openKey, id) then fileJob(jobUser, jobAs[ended]) end
	return {'missing'}
end
if state ~= 'held' then
	if redis.call('ZSCORE', openKey, id) then
		fileJob(jobUser, jobAs[state])
		if user ~= jobUser then redis.call('SREM', key('active', user), id) end
	end
	return {'already-closed'}
end

local commit = ended == 'committed'
-- What was delivered, never more than was held.
local charge = math.min(asked, amount)
-- Applies the end to one counter; a malformed one is left as it is (it keeps blocking reservations).
-- Returns its spent afterwards, or nil when malformed.
local function adjust(k, account)
	local c = redis.call('HMGET', k, 'spent', 'reserved', 'images')
	local s, res, i = int(c[1]), int(c[2]), int(c[3])
	if s == nil or res == nil or i == nil then return nil end
	local fields = {'reserved', str(math.max(0, res - amount))}
	if commit then
		s, i = s + charge, i + images
		table.insert(fields, 'spent'); table.insert(fields, str(s))
		table.insert(fields, 'images'); table.insert(fields, str(i))
	end
	if account and name and name ~= '' then table.insert(fields, 'name'); table.insert(fields, name) end
	redis.call('HSET', k, unpack(fields))
	return s
end
local acctSpent = adjust(key('acct', scope, period, user), true)
local poolSpent = adjust(key('pool', scope, period), false)
adjust(key('pool', '*', period), false)
redis.call('HSET', resKey, 'state', ended, 'endedAt', finishedAt)
-- Once committed, the reservation says what was charged (the export, the charges list).
if commit then redis.call('HSET', resKey, 'amount', str(charge), 'images', str(images)) end
if taskId ~= '' then redis.call('HSET', resKey, 'taskId', taskId) end

local notes = {}
if commit then
	local dayKey = key('day', scope, day)
	local d = redis.call('HMGET', dayKey, 'spent', 'images')
	redis.call('HSET', dayKey, 'spent', str((int(d[1]) or 0) + charge), 'images', str((int(d[2]) or 0) + images))
	if acctSpent then redis.call('ZADD', key('spent', scope, period), str(acctSpent), user) end
	if cap and cap > 0 and scope ~= 'dm' and scope ~= '*' and poolSpent then
		local notesKey = key('notes', scope, period)
		for _, t in ipairs({80, 100}) do
			if poolSpent * 100 >= cap * t and redis.call('SADD', notesKey, tostring(t)) == 1 then table.insert(notes, t) end
		end
	end
end
fileJob(user, jobAs[ended])
local out = {'closed', ended, poolSpent and str(poolSpent) or false}
for _, t in ipairs(notes) do table.insert(out, t) end
return out
`;

/** save: ARGV prefix, id, jobJson, taskId|''. Writes only while the job is open; returns 1 when written. */
export const SAVE =
	COMMON +
	`
local id, job, taskId = ARGV[2], ARGV[3], ARGV[4]
if not redis.call('ZSCORE', key('jobs', 'open'), id) then return 0 end
redis.call('SET', key('job', id), job)
local resKey = key('res', id)
if taskId ~= '' and redis.call('EXISTS', resKey) == 1 then redis.call('HSET', resKey, 'taskId', taskId) end
return 1
`;

/** prune: ARGV prefix, cutoff, batch. Deletes up to `batch` jobs finished before cutoff; returns how many. */
export const PRUNE =
	COMMON +
	`
local doneKey = key('jobs', 'done')
local ids = redis.call('ZRANGEBYSCORE', doneKey, '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
if #ids == 0 then return 0 end
for _, id in ipairs(ids) do redis.call('DEL', key('job', id)) end
redis.call('ZREM', doneKey, unpack(ids))
return #ids
`;

/**
 * resetSpend: ARGV prefix, scope, periodKey, userId. Zeroes the account's spent (and its score in the top
 * set); malformed fields are zeroed too (the moderator's repair). Returns the old spent, or -1 if unreadable.
 */
export const RESET_SPEND =
	COMMON +
	`
local scope, period, user = ARGV[2], ARGV[3], ARGV[4]
local k = key('acct', scope, period, user)
if redis.call('EXISTS', k) == 0 then return 0 end
local c = redis.call('HMGET', k, 'spent', 'reserved', 'images')
local s = int(c[1])
local fields = {'spent', '0'}
if int(c[2]) == nil then table.insert(fields, 'reserved'); table.insert(fields, '0') end
if int(c[3]) == nil then table.insert(fields, 'images'); table.insert(fields, '0') end
redis.call('HSET', k, unpack(fields))
redis.call('ZADD', key('spent', scope, period), 'XX', '0', user)
if s == nil or #fields > 2 then return -1 end
return s
`;
