import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

/** `npm start` without a token or a database, running in a child process. */
export interface SandboxProcess {
  /** The sandbox page, e.g. http://127.0.0.1:41234. */
  readonly url: string
  /** The temporary DATA_DIR the embedded database keeps its files in. */
  readonly dataDir: string
  /** Everything the process printed so far (stdout and stderr). */
  output(): string
  /** Sends SIGTERM and resolves with the exit code. */
  stop(): Promise<number | null>
}

/**
 * Starts what `npm start` starts (the same entry, src/main.ts through tsx) on a free port with a
 * fresh DATA_DIR and no BOT_TOKEN or MONGODB_URI, and resolves once it prints the sandbox URL.
 * `env` adds or overrides variables (PROGRAM_FILE, LOG_LEVEL...). A process that is not ready within
 * `readyTimeoutMs` is stopped, so a failed test leaves nothing running.
 */
export async function startSandboxProcess(
  env: NodeJS.ProcessEnv = {},
  { readyTimeoutMs = 60_000 } = {},
): Promise<SandboxProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sandbox-'))
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      BOT_TOKEN: '',
      MONGODB_URI: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    return exited
  }
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const started = Date.now()
      const timer = setInterval(() => {
        const match = /Sandbox ready: open (http:\/\/\S+) in your browser/.exec(output)
        if (match?.[1]) {
          clearInterval(timer)
          resolve(match[1])
        } else if (Date.now() - started > readyTimeoutMs) {
          clearInterval(timer)
          reject(new Error(`npm start was not ready within ${readyTimeoutMs} ms:\n${output}`))
        }
      }, 50)
      void exited.then(() => {
        clearInterval(timer)
        reject(new Error(`npm start exited early:\n${output}`))
      })
    })
    return { url, dataDir, output: () => output, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
