import type { Socket } from 'node:net'
import type { Doc } from '../bson/codec.ts'
import type { ConnectionInfo, ServerState } from '../commands/context.ts'
import { runCommand } from '../commands/index.ts'
import { ErrorCode } from '../errors.ts'
import {
  encodeMsgReply,
  encodeOpReply,
  MAX_MESSAGE_BYTES,
  MsgFlags,
  OP_MSG,
  OP_QUERY,
  parseMessage,
  ProtocolError,
} from './wire.ts'

function memberName(socket: Socket, port: number): string {
  let host = socket.localAddress ?? '127.0.0.1'
  if (host.startsWith('::ffff:')) host = host.slice(7)
  if (host.includes(':')) host = `[${host}]`
  return `${host}:${port}`
}

/** An OP_MSG command being served: what it asked, and which request its next reply answers. */
interface MsgCall {
  body: Doc
  db: string
  responseTo: number
  moreToCome: boolean
  exhaust: boolean
}

/** Serves one client socket: frames messages, runs them in order and writes replies. */
export class Connection {
  private chunks: Buffer[] = []
  private buffered = 0
  private queue: Buffer[] = []
  private running = false
  readonly info: ConnectionInfo

  constructor(
    private readonly socket: Socket,
    private readonly state: ServerState,
    id: number,
    port: number,
  ) {
    this.info = { id, me: memberName(socket, port), exhaustAllowed: false, closed: false }
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => this.close())
    socket.on('close', () => {
      this.info.closed = true
    })
  }

  /** Closes the socket. */
  close(): void {
    this.info.closed = true
    this.queue = []
    this.socket.destroy()
  }

  private onData(chunk: Buffer): void {
    if (this.info.closed) return
    this.chunks.push(chunk)
    this.buffered += chunk.length
    while (this.buffered >= 4) {
      const head = this.chunks[0] as Buffer
      const length = head.length >= 4 ? head.readInt32LE(0) : Buffer.concat(this.chunks).readInt32LE(0)
      if (length < 16 || length > MAX_MESSAGE_BYTES) {
        this.state.log(`connection ${this.info.id}: invalid message length ${length}, closing`)
        this.close()
        return
      }
      if (this.buffered < length) return
      const all = this.chunks.length === 1 ? head : Buffer.concat(this.chunks)
      const message = all.subarray(0, length)
      const rest = all.subarray(length)
      this.chunks = rest.length ? [rest] : []
      this.buffered = rest.length
      this.queue.push(message)
    }
    if (!this.running) this.drain()
  }

  /**
   * Runs queued messages in order. Most commands answer synchronously, so a whole chunk of
   * messages is served in one go; one that has to wait (a journal fsync, an awaitable hello) holds
   * the queue until it has replied.
   */
  private drain(): void {
    this.running = true
    try {
      while (this.queue.length > 0 && !this.info.closed) {
        const pending = this.handle(this.queue.shift() as Buffer)
        if (pending) {
          pending.then(
            () => this.drain(),
            (err: unknown) => this.fail(err),
          )
          return
        }
      }
    } catch (err) {
      this.fail(err)
    }
    this.running = false
  }

  private fail(err: unknown): void {
    this.state.log(`connection ${this.info.id}: ${(err as Error).stack ?? String(err)}`)
    this.close()
    this.running = false
  }

  private send(bytes: Buffer): void {
    if (!this.info.closed) this.socket.write(bytes)
  }

  /** Serves one message; returns a promise only when the reply is not sent yet. */
  private handle(message: Buffer): Promise<void> | undefined {
    const requestId = message.readInt32LE(4)
    const opCode = message.readInt32LE(12)
    if (opCode !== OP_MSG && opCode !== OP_QUERY) {
      this.state.log(`connection ${this.info.id}: unsupported opCode ${opCode}, closing`)
      this.close()
      return undefined
    }
    let request
    try {
      request = parseMessage(message)
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
      const reply = { ok: 0, errmsg: err.message, code: 22, codeName: 'InvalidBSON' }
      this.send(
        opCode === OP_QUERY ? encodeOpReply(reply, requestId) : encodeMsgReply(reply, requestId).bytes,
      )
      return undefined
    }
    const body = request.body
    if (opCode === OP_QUERY) {
      const ns = request.fullCollectionName ?? 'admin.$cmd'
      const db = ns.slice(0, ns.indexOf('.') >= 0 ? ns.indexOf('.') : ns.length)
      const reply = runCommand(this.state, body, db, this.info)
      if (reply instanceof Promise) return reply.then((r) => this.send(encodeOpReply(r, requestId)))
      this.send(encodeOpReply(reply, requestId))
      return undefined
    }
    const db = typeof body.$db === 'string' ? body.$db : 'admin'
    const moreToCome = (request.flags & MsgFlags.moreToCome) !== 0
    const exhaust = (request.flags & MsgFlags.exhaustAllowed) !== 0
    this.info.exhaustAllowed = exhaust
    return this.runMsg({ body, db, responseTo: requestId, moreToCome, exhaust })
  }

  /** Runs an OP_MSG command and replies; an exhaust hello keeps replying until told otherwise. */
  private runMsg(call: MsgCall): Promise<void> | undefined {
    const reply = runCommand(this.state, call.body, call.db, this.info)
    if (reply instanceof Promise) return reply.then((r) => this.replyMsg(r, call))
    return this.replyMsg(reply, call)
  }

  private replyMsg(reply: Doc, call: MsgCall): Promise<void> | undefined {
    if (call.moreToCome) return undefined
    const streaming =
      call.exhaust && isAwaitableHello(call.body) && reply.ok === 1 && !this.state.isStopping()
    const encoded = this.encode(reply, call.responseTo, streaming ? MsgFlags.moreToCome : 0)
    this.send(encoded.bytes)
    if (!streaming || this.info.closed) return undefined
    return this.runMsg({ ...call, responseTo: encoded.requestId })
  }

  private encode(reply: Doc, responseTo: number, flags: number): { bytes: Buffer; requestId: number } {
    try {
      return encodeMsgReply(reply, responseTo, flags)
    } catch (err) {
      const e = {
        ok: 0,
        errmsg: `reply could not be encoded: ${(err as Error).message}`,
        code: ErrorCode.BSONObjectTooLarge,
        codeName: 'BSONObjectTooLarge',
      }
      return encodeMsgReply(e, responseTo)
    }
  }
}

function isAwaitableHello(body: Doc): boolean {
  const name = Object.keys(body)[0]
  return (
    (name === 'hello' || name === 'isMaster' || name === 'ismaster') &&
    body.topologyVersion !== undefined &&
    body.maxAwaitTimeMS !== undefined
  )
}
