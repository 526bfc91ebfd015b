import { describe, expect, it } from 'vitest'
import { startApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config/index.ts'
import { createLogger } from '../../src/logger.ts'
import { startFakeTelegram } from '../../src/sandbox/fake-telegram/index.ts'
import { startSandboxProcess } from '../support/sandbox-process.ts'
import { createWorld, TEST_PACE, useInfrastructure } from '../support/world.ts'

useInfrastructure()

describe('start-up', () => {
  it('serves even when the command menu cannot be registered', async () => {
    const world = await createWorld({
      beforeStart: (tg) =>
        tg.failNext('setMyCommands', { error_code: 400, description: 'Bad Request: simulated' }, 10),
    })
    const anna = world.user({ id: 1601, first_name: 'Анна', language_code: 'ru' })
    await anna.send('/help')
    expect(anna.lastText()).toContain('/start')
  })

  it('stops with a clear message when Telegram refuses the token', async () => {
    const tg = await startFakeTelegram({ port: 0 })
    tg.failNext('getMe', { error_code: 401, description: 'Unauthorized' })
    const world = await createWorld()
    try {
      await expect(
        startApp({
          config: loadConfig({ LOG_LEVEL: 'silent' }),
          logger: createLogger('silent'),
          token: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
          mongoUri: world.mongoUri,
          dbName: 'startup_refused',
          apiRoot: tg.apiRoot,
          source: { kind: 'polling' },
          pace: TEST_PACE,
        }),
      ).rejects.toThrow(/Telegram did not accept the bot token \(getMe failed\)/)
    } finally {
      await tg.stop()
    }
  })

  it('stops with a clear message when the database cannot be reached', async () => {
    const tg = await startFakeTelegram({ port: 0 })
    try {
      await expect(
        startApp({
          config: loadConfig({ LOG_LEVEL: 'silent' }),
          logger: createLogger('silent'),
          token: '123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
          mongoUri: 'mongodb://127.0.0.1:9/?serverSelectionTimeoutMS=500&directConnection=true',
          apiRoot: tg.apiRoot,
          source: { kind: 'polling' },
        }),
      ).rejects.toThrow(/cannot reach the database/)
    } finally {
      await tg.stop()
    }
  })
})

describe('npm start without a token or a database', () => {
  it('starts the embedded database, the fake Telegram and the sandbox page, and stops cleanly on SIGTERM', async () => {
    const sandbox = await startSandboxProcess()
    let exitCode: number | null
    try {
      const page = await fetch(sandbox.url)
      expect(page.status).toBe(200)
      expect(await page.text()).toContain('Telegram sandbox')
      const config = (await (await fetch(`${sandbox.url}/sandbox/api/config`)).json()) as {
        result: { ownerIds: number[] }
      }
      expect(config.result.ownerIds).toHaveLength(1)
      expect(sandbox.output()).toContain('embedded database started')
      // Nothing went wrong on the way: no warning (e.g. a menu for an owner's chat that does not exist yet).
      expect(sandbox.output()).not.toMatch(/"level":(40|50|60)/)
    } finally {
      exitCode = await sandbox.stop()
    }
    expect(exitCode).toBe(0)
    expect(sandbox.output()).toContain('shutting down')
  })
})
