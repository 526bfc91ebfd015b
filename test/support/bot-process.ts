import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'

/**
 * The bot as production runs it: `npm start` (src/main.ts) in a process of its own, with BOT_TOKEN,
 * MONGODB_URI and TELEGRAM_API_ROOT pointing at the test's fake Telegram and database, long
 * polling. Crash tests SIGKILL it and start it again on the same database and token.
 */

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** A child process of a test; `kill()` is a crash, `stop()` a graceful shutdown. */
export interface ChildHandle {
  /** SIGKILL: no cleanup, no last write; resolves once the process is gone. */
  kill(): Promise<void>
  /** SIGTERM, as a deployment would; resolves once the process exited. */
  stop(): Promise<void>
  /** What the process printed (warnings and errors), for failure messages. */
  output(): string
}

/** A bot process. */
export interface BotProcess extends ChildHandle {
  readonly pid: number
}

/** What the bot processes of one test share: Telegram, the database, the token and the program. */
export interface BotProcessSetup {
  tg: FakeTelegram
  /** The database server's URI; the test's own database name is put into it. */
  mongoUri: string
  dbName: string
  ownerIds: number[]
  /** Path of the program file (see writeProgramFile); the café defaults when absent. */
  programFile?: string
}

/** Writes a program file (YAML) to a temporary directory; returns its path. */
export function writeProgramFile(yaml: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'bot-process-')), 'program.yaml')
  writeFileSync(file, yaml)
  return file
}

/** A fresh bot token (the fake Telegram registers the bot on its first call). */
export function botToken(): string {
  return `${7_000_000 + Math.floor(Math.random() * 1_000_000)}:${randomBytes(26).toString('base64url')}`
}

/** The URI with `dbName` as its database, keeping the options (replicaSet=...). */
function withDatabase(uri: string, dbName: string): string {
  const url = new URL(uri)
  url.pathname = `/${dbName}`
  return url.href
}

const running = new Set<ChildProcess>()

/** Kills every bot process still running (call from afterEach). */
export async function killBotProcesses(): Promise<void> {
  await Promise.all([...running].map((child) => terminate(child, 'SIGKILL')))
}

/** Sends `signal` to the child; resolves once it exited (at once when it already had). */
export function terminate(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill(signal)
  return exited
}

/**
 * Starts `src/main.ts` and resolves once it polls for updates (database open, jobs scheduled, getMe
 * answered). Fails with the process output when it exits or does not poll within 60 s.
 */
export async function startBotProcess(setup: BotProcessSetup, token: string): Promise<BotProcess> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    BOT_TOKEN: token,
    MONGODB_URI: withDatabase(setup.mongoUri, setup.dbName),
    TELEGRAM_API_ROOT: setup.tg.apiRoot,
    OWNER_IDS: setup.ownerIds.join(','),
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  }
  if (setup.programFile !== undefined) env.PROGRAM_FILE = setup.programFile
  const pollsBefore = polls(setup.tg)
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let output = ''
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const deadline = Date.now() + 60_000
  while (polls(setup.tg) === pollsBefore) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await terminate(child, 'SIGKILL')
      throw new Error(`the bot process did not start polling (exit ${child.exitCode}):\n${output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    pid: child.pid ?? 0,
    kill: () => terminate(child, 'SIGKILL'),
    stop: () => terminate(child, 'SIGTERM'),
    output: () => output,
  }
}

/** How many getUpdates calls the fake Telegram has seen. */
function polls(tg: FakeTelegram): number {
  return tg.apiCalls().filter((call) => call.method === 'getUpdates').length
}

/** A program with quiet hours off, so what a crash test sends goes out whatever the hour. */
export const ALWAYS_AWAKE_PROGRAM = "messaging:\n  quietHours: { start: '00:00', end: '00:00' }\n"
