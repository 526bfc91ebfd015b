/**
 * The fastest server the `mongodb` driver could talk to: it answers every message with a reply
 * serialized once at start-up (a single-node replica set's hello, one fixed document for `find`,
 * `{n: 1, ok: 1}` for `insert`, `{ok: 1}` for anything else) and only patches the two ids of the message header. It keeps no
 * data and runs no query, so a driver loop against it measures what the driver, the kernel and
 * loopback TCP cost per round trip on this machine: the ceiling for any server. Bench code only.
 */
import net from 'node:net'
import { pathToFileURL } from 'node:url'
import { Long, ObjectId, serialize } from 'bson'
import type { Document } from 'bson'

const OP_REPLY = 1
const OP_QUERY = 2004
const OP_MSG = 2013
const MORE_TO_COME = 1 << 1

/** A reply whose header ids are filled in per message. */
interface Canned {
  bytes: Buffer
}

function cannedMsg(doc: Document): Canned {
  const body = serialize(doc)
  const bytes = Buffer.alloc(21 + body.length)
  bytes.writeInt32LE(bytes.length, 0)
  bytes.writeInt32LE(OP_MSG, 12)
  bytes.set(body, 21) // flags 0, section kind 0 (body)
  return { bytes }
}

function cannedOpReply(doc: Document): Canned {
  const body = serialize(doc)
  const bytes = Buffer.alloc(36 + body.length)
  bytes.writeInt32LE(bytes.length, 0)
  bytes.writeInt32LE(OP_REPLY, 12)
  bytes.writeInt32LE(1, 32) // numberReturned; flags, cursorId and startingFrom stay 0
  bytes.set(body, 36)
  return { bytes }
}

/** Copies a canned reply with this message's ids (a fresh buffer: the socket may still hold the last one). */
function answer(canned: Canned, requestId: number, responseTo: number): Buffer {
  const out = Buffer.allocUnsafe(canned.bytes.length)
  canned.bytes.copy(out)
  out.writeInt32LE(requestId, 4)
  out.writeInt32LE(responseTo, 8)
  return out
}

/** The first key of the OP_MSG body section: the command name (enough to pick a reply). */
function commandName(message: Buffer): string {
  const flags = message.readUInt32LE(16)
  let at = 20
  const end = flags & 1 ? message.length - 4 : message.length
  while (at < end) {
    const kind = message[at]
    if (kind === 0) {
      const nameStart = at + 1 + 4 + 1 // section kind, document length, element type
      return message.toString('latin1', nameStart, message.indexOf(0, nameStart))
    }
    at += 1 + message.readInt32LE(at + 1) // a document sequence: skip it
  }
  return ''
}

/** Starts the canned server on a free loopback port; `document` is what every `find` returns. */
export async function startCannedServer(document: Document): Promise<{ uri: string; stop(): Promise<void> }> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as net.AddressInfo).port
  const me = `127.0.0.1:${port}`
  const hello = {
    helloOk: true,
    isWritablePrimary: true,
    ismaster: true,
    topologyVersion: { processId: new ObjectId(), counter: Long.fromNumber(0) },
    hosts: [me],
    setName: 'rs0',
    setVersion: 1,
    secondary: false,
    primary: me,
    me,
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: 1,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  }
  const helloMsg = cannedMsg(hello)
  const helloReply = cannedOpReply(hello)
  const find = cannedMsg({
    cursor: { firstBatch: [document], id: Long.fromNumber(0), ns: 'bench.users' },
    ok: 1,
  })
  const inserted = cannedMsg({ n: 1, ok: 1 })
  const ok = cannedMsg({ ok: 1 })
  let nextId = 1
  const sockets = new Set<net.Socket>()
  const timers = new Set<NodeJS.Timeout>()

  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.setNoDelay(true)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    let pending: Buffer = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0))
        pending = pending.subarray(message.length)
        const requestId = message.readInt32LE(4)
        const opCode = message.readInt32LE(12)
        if (opCode === OP_QUERY) {
          socket.write(answer(helloReply, nextId++, requestId))
          continue
        }
        if (opCode !== OP_MSG || message.readUInt32LE(16) & MORE_TO_COME) continue
        const name = commandName(message)
        if (name === 'hello' || name === 'isMaster' || name === 'ismaster') {
          // A monitor's awaitable hello carries maxAwaitTimeMS: answer it late, as mongod does,
          // so the monitor does not spin. The bench's operations never wait on it.
          const awaitable = message.includes('maxAwaitTimeMS')
          const reply = answer(helloMsg, nextId++, requestId)
          if (!awaitable) socket.write(reply)
          else {
            const timer = setTimeout(() => {
              timers.delete(timer)
              if (!socket.destroyed) socket.write(reply)
            }, 10_000)
            timers.add(timer)
          }
        } else {
          const canned = name === 'find' ? find : name === 'insert' ? inserted : ok
          socket.write(answer(canned, nextId++, requestId))
        }
      }
    })
  })

  return {
    uri: `mongodb://${me}/?replicaSet=rs0`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer)
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/** `node --import tsx bench/canned-server.ts` runs it as a process of its own and prints its URI. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { uri } = await startCannedServer({
    _id: new ObjectId(),
    code: 'raw-1',
    balance: 1_000_000,
    name: 'seed',
  })
  process.stdout.write(`canned server listening; uri: ${uri}\n`)
  process.on('SIGTERM', () => process.exit(0))
}
