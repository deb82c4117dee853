import { Redis } from 'ioredis';
import type { Logger } from '../log/logger.ts';
import { FINAL_STATES } from './journey-states.ts';
import { JourneyConflictError, type JourneyRecord, type JourneyStore, type JourneyStoreOptions } from './journey-store.ts';
import { DEFAULT_IDLE_GRACE_MS } from './memory-journey-store.ts';

export interface RedisJourneyStoreOptions extends JourneyStoreOptions {
  readonly redisUrl: string;
  /**
   * How long a journey's key outlives its idle deadline, so a sweeper that claims it a little late
   * can still read it and abandon it. @defaultValue 60000
   */
  readonly idleGraceMs?: number;
  readonly logger?: Logger;
}

/**
 * Compare-and-set of one journey. KEYS: the journey's hash, the idle set. ARGV: the version read
 * (0 for a new journey), the next version, the JSON document, the journey id, 1 when the state is
 * final, the key's time to live in ms, the idle deadline. Answers 'ok', or the version found
 * (-1 when there is none) so the caller can say what it lost against.
 */
const REPLACE_LUA = `
local found = redis.call('HGET', KEYS[1], 'v')
if ARGV[1] == '0' then
  if found then return tonumber(found) end
elseif found ~= ARGV[1] then
  if found then return tonumber(found) end
  return -1
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if ARGV[5] == '1' then
  redis.call('ZREM', KEYS[2], ARGV[4])
else
  redis.call('ZADD', KEYS[2], ARGV[7], ARGV[4])
end
return 'ok'
`;

/**
 * Takes the journeys due at ARGV[1] (at most ARGV[2]) out of the idle set KEYS[1] in one step, so
 * each goes to one caller across processes; those whose key has expired meanwhile are dropped.
 * ARGV[3] is the prefix of the journey keys.
 */
const TAKE_IDLE_LUA = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local taken = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  if redis.call('EXISTS', ARGV[3] .. id) == 1 then taken[#taken + 1] = id end
end
return taken
`;

interface JourneyCommands {
  journeyReplace(journeyKey: string, idleKey: string, ...args: (string | number)[]): Promise<string | number>;
  journeyTakeIdle(idleKey: string, now: number, limit: number, journeyKeyPrefix: string): Promise<string[]>;
}

/**
 * The journey store on Redis, shared by every gateway process: one hash per journey (its version
 * and its JSON document) with a sliding time to live, one sorted set of idle deadlines, and one
 * key per offer link. Writes and idle claims are Lua scripts, so a compare-and-set and a claim are
 * atomic across processes.
 */
export function createRedisJourneyStore(options: RedisJourneyStoreOptions): JourneyStore {
  const { idleMs, finalRetentionMs, prefix } = options;
  const graceMs = options.idleGraceMs ?? DEFAULT_IDLE_GRACE_MS;
  // Steps fail fast while Redis is away instead of piling up behind a reconnect.
  const client = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  client.on('error', (err) => options.logger?.warn({ err }, 'redis connection error (journey store)'));
  client.defineCommand('journeyReplace', { numberOfKeys: 2, lua: REPLACE_LUA });
  client.defineCommand('journeyTakeIdle', { numberOfKeys: 1, lua: TAKE_IDLE_LUA });
  const commands = client as unknown as Redis & JourneyCommands;
  const journeyKeyPrefix = `${prefix}:j:`;
  const idleKey = `${prefix}:idle`;

  async function write(record: JourneyRecord, expectedVersion: number): Promise<void> {
    const at = Date.now();
    const final = FINAL_STATES.has(record.state);
    const answer = await commands.journeyReplace(
      journeyKeyPrefix + record.journeyId,
      idleKey,
      expectedVersion,
      record.version,
      JSON.stringify(record),
      record.journeyId,
      final ? 1 : 0,
      final ? finalRetentionMs : idleMs + graceMs,
      at + idleMs,
    );
    if (answer !== 'ok') throw new JourneyConflictError(record.journeyId, expectedVersion, answer === -1 ? undefined : Number(answer));
  }

  return {
    async create(record) {
      if (record.version !== 1) throw new RangeError(`A new journey starts at version 1, not ${record.version}`);
      await write(record, 0);
    },

    async get(journeyId) {
      const json = await client.hget(journeyKeyPrefix + journeyId, 'd');
      return json === null ? undefined : (JSON.parse(json) as JourneyRecord);
    },

    async replace(next, expectedVersion) {
      if (next.version !== expectedVersion + 1) {
        throw new RangeError(`The next version of journey ${next.journeyId} must be ${expectedVersion + 1}, not ${next.version}`);
      }
      await write(next, expectedVersion);
    },

    async takeIdle(now, limit) {
      if (limit <= 0) return [];
      return commands.journeyTakeIdle(idleKey, now, limit, journeyKeyPrefix);
    },

    async linkOffers(journeyId, ids) {
      if (ids.length === 0) return;
      const pipeline = client.pipeline();
      for (const id of ids) pipeline.set(`${prefix}:o:${id}`, journeyId, 'PX', idleMs);
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err);
      if (failed?.[0]) throw failed[0];
    },

    async journeyOfOffer(id) {
      return (await client.get(`${prefix}:o:${id}`)) ?? undefined;
    },

    async count() {
      // Idle entries whose key outlived its grace are gone; claimed and final ones are not in the set.
      return client.zcount(idleKey, `(${Date.now() - graceMs}`, '+inf');
    },

    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
