import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { terminate, type ChildHandle } from './bot-process.ts'

/**
 * The embedded database as its own process (`npm run db -- --port N --dbpath D`), so a test can
 * SIGKILL it in the middle of writes and start it again on the same port and files.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** A running database process; `kill()` is a crash (no last write, no clean close). */
export interface DbProcess extends ChildHandle {
  readonly uri: string
}

/** Where a database keeps its files between its processes: a fixed port and a data folder. */
export interface DbPlace {
  port: number
  dbpath: string
}

/** A free TCP port on 127.0.0.1 and a fresh data folder. */
export async function freshDbPlace(): Promise<DbPlace> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
  return { port, dbpath: mkdtempSync(path.join(tmpdir(), 'db-process-')) }
}

const running = new Set<ChildProcess>()

/** Kills every database process still running (call from afterEach). */
export async function killDbProcesses(): Promise<void> {
  await Promise.all([...running].map((child) => terminate(child, 'SIGKILL')))
}

/** Starts the database on `place` and resolves once it listens (replaying its journal first). */
export async function startDbProcess(place: DbPlace): Promise<DbProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/embedded-mongo/cli.ts',
      '--port',
      String(place.port),
      '--dbpath',
      place.dbpath,
      '--quiet',
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME } },
  )
  running.add(child)
  child.once('exit', () => running.delete(child))
  let output = ''
  const listening = new Promise<string>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000)
      const uri = /uri: (mongodb:\/\/\S+)/.exec(output)?.[1]
      if (uri) resolve(uri)
    }
    child.stdout?.on('data', collect)
    child.stderr?.on('data', collect)
    child.once('exit', (code) => reject(new Error(`the database process exited (${code}):\n${output}`)))
  })
  const timeout = setTimeout(() => void terminate(child, 'SIGKILL'), 60_000)
  const uri = await listening.finally(() => clearTimeout(timeout))
  return {
    uri,
    kill: () => terminate(child, 'SIGKILL'),
    stop: () => terminate(child, 'SIGTERM'),
    output: () => output,
  }
}
