import { Long, ObjectId, Timestamp } from 'bson'
import type { Doc } from '../bson/codec.ts'
import { isNumeric, toNumber } from '../bson/numbers.ts'
import type { CommandContext, CommandHandler } from './context.ts'

/** The MongoDB version this server claims to be. */
export const SERVER_VERSION = '7.0.14'
/** Wire version of MongoDB 7.0; driver 7 needs at least 9 (MongoDB 4.4). */
export const MAX_WIRE_VERSION = 21

const ELECTION_ID = new ObjectId('7fffffff0000000000000001')

function helloReply(ctx: CommandContext, legacy: boolean): Doc {
  const { state, conn } = ctx
  const me = conn.me
  const reply: Doc = {}
  if (ctx.body.helloOk === true) reply.helloOk = true
  if (legacy) reply.ismaster = true
  else reply.isWritablePrimary = true
  Object.assign(reply, {
    topologyVersion: state.topologyVersion,
    hosts: [me],
    setName: state.settings.replSetName,
    setVersion: 1,
    secondary: false,
    primary: me,
    me,
    electionId: ELECTION_ID,
    lastWrite: {
      opTime: { ts: new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }), t: Long.fromNumber(1) },
      lastWriteDate: new Date(),
    },
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: conn.id,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  })
  return reply
}

/**
 * hello / isMaster. An awaitable hello (with `topologyVersion` and `maxAwaitTimeMS`) waits up to
 * maxAwaitTimeMS, since the topology of a single node never changes, so streaming monitors do not spin.
 */
function hello(legacy: boolean): CommandHandler {
  return async (ctx) => {
    const body = ctx.body
    if (body.topologyVersion !== undefined && isNumeric(body.maxAwaitTimeMS)) {
      const wait = Math.min(Math.max(0, toNumber(body.maxAwaitTimeMS)), 10 * 60_000)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait)
        void ctx.state.stopping.then(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
    return helloReply(ctx, legacy)
  }
}

const buildInfo: CommandHandler = () => ({
  version: SERVER_VERSION,
  gitVersion: 'embedded',
  versionArray: SERVER_VERSION.split('.').map(Number).concat(0),
  bits: 64,
  debug: false,
  maxBsonObjectSize: 16 * 1024 * 1024,
  storageEngines: ['embedded'],
  javascriptEngine: 'none',
  modules: [],
  openssl: { running: 'disabled', compiled: 'disabled' },
  ok: 1,
})

const PARAMETERS: Doc = {
  featureCompatibilityVersion: { version: '7.0' },
  transactionLifetimeLimitSeconds: 60,
  maxTransactionLockRequestTimeoutMillis: 5,
  authenticationMechanisms: [],
}

const getParameter: CommandHandler = (ctx) => {
  const reply: Doc = {}
  const all =
    ctx.body.getParameter === '*' ||
    (typeof ctx.body.getParameter === 'object' && ctx.body.getParameter !== null)
  for (const [k, v] of Object.entries(PARAMETERS)) if (all || k in ctx.body) reply[k] = v
  reply.ok = 1
  return reply
}

const serverStatus: CommandHandler = (ctx) => {
  const { state } = ctx
  const uptime = (Date.now() - state.startedAt.getTime()) / 1000
  const opcounters: Doc = { insert: 0, query: 0, update: 0, delete: 0, getmore: 0, command: 0 }
  for (const [name, n] of state.counts) {
    if (name === 'insert' || name === 'update' || name === 'delete') opcounters[name] = n
    else if (name === 'find') opcounters.query = n
    else if (name === 'getMore') opcounters.getmore = n
    else opcounters.command = (opcounters.command as number) + n
  }
  return {
    host: ctx.conn.me,
    version: SERVER_VERSION,
    process: 'embedded-mongo',
    pid: Long.fromNumber(process.pid),
    uptime,
    uptimeMillis: Long.fromNumber(Math.round(uptime * 1000)),
    localTime: new Date(),
    connections: { current: state.connectionCount(), available: 10_000 },
    opcounters,
    metrics: { cursor: { open: { total: state.cursors.size } } },
    repl: { setName: state.settings.replSetName, isWritablePrimary: true, primary: ctx.conn.me },
    mem: { resident: Math.round(process.memoryUsage().rss / 1048576) },
    ok: 1,
  }
}

/** Handshake, diagnostics and harmless administrative commands. */
export const handshakeCommands: Record<string, CommandHandler> = {
  hello: hello(false),
  isMaster: hello(true),
  ismaster: hello(true),
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  getParameter,
  serverStatus,
  hostInfo: () => ({ system: { hostname: 'embedded', numCores: 1 }, os: { type: process.platform }, ok: 1 }),
  whatsmyuri: (ctx) => ({ you: ctx.conn.me, ok: 1 }),
  getCmdLineOpts: () => ({ argv: ['embedded-mongo'], parsed: {}, ok: 1 }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  getFreeMonitoringStatus: () => ({ state: 'disabled', ok: 1 }),
  replSetGetStatus: (ctx) => ({
    set: ctx.state.settings.replSetName,
    myState: 1,
    members: [{ _id: 0, name: ctx.conn.me, health: 1, state: 1, stateStr: 'PRIMARY', self: true }],
    ok: 1,
  }),
  setFeatureCompatibilityVersion: () => ({ ok: 1 }),
  logout: () => ({ ok: 1 }),
  saslStart: () => ({
    ok: 0,
    errmsg: 'Authentication is not supported by the embedded server',
    code: 334,
    codeName: 'MechanismUnavailable',
  }),
  listCommands: () => ({ commands: {}, ok: 1 }),
  currentOp: () => ({ inprog: [], ok: 1 }),
  fsync: () => ({ numFiles: 1, ok: 1 }),
  lockInfo: () => ({ lockInfo: [], ok: 1 }),
}
