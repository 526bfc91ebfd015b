/**
 * `npm run db -- --port 27017 --dbpath ./data/db [--host 0.0.0.0 --allow-remote]`
 *
 * Runs the embedded MongoDB-compatible server in the foreground. Binds 127.0.0.1 unless told
 * otherwise; a non-loopback host needs --allow-remote because there is no authentication.
 */
import { parseArgs } from 'node:util'
import { isLoopbackHost, startEmbeddedDb } from './index.ts'

function fail(message: string, code: number): never {
  process.stderr.write(`embedded-mongo: ${message}\n`)
  process.exit(code)
}

async function main(): Promise<void> {
  let values
  try {
    ;({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '27017' },
        host: { type: 'string', default: '127.0.0.1' },
        dbpath: { type: 'string' },
        'allow-remote': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
      strict: true,
    }))
  } catch (err) {
    fail(
      `${(err as Error).message}\nusage: npm run db -- [--port 27017] [--dbpath DIR] [--host HOST --allow-remote]`,
      2,
    )
  }
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`invalid --port ${values.port}`, 2)
  const host = values.host
  if (!isLoopbackHost(host) && !values['allow-remote']) {
    fail(
      `refusing to listen on ${host}: there is no authentication, so anyone who can reach it owns the data; add --allow-remote to do it anyway`,
      2,
    )
  }
  const log = (line: string): void => {
    if (!values.quiet) process.stdout.write(`${new Date().toISOString()} ${line}\n`)
  }
  const db = await startEmbeddedDb({
    port,
    host,
    ...(values.dbpath ? { dbpath: values.dbpath } : {}),
    allowRemote: values['allow-remote'],
    logger: log,
  })
  process.stdout.write(
    `embedded-mongo listening; uri: ${db.uri}${values.dbpath ? ` (dbpath ${values.dbpath})` : ' (in memory)'}\n`,
  )
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    log(`${signal} received, stopping`)
    db.stop().then(
      () => process.exit(0),
      (err: unknown) => fail(`error while stopping: ${(err as Error).message}`, 1),
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((err: unknown) => fail((err as Error).message, 1))
